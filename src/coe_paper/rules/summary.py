"""Reports built from the rule registry: `validate --statistics` (findings per code) and the README's rule table.

`python -m coe_paper.rules.summary README.md` rewrites the table between the README's `rules:start` and `rules:end`
markers; a test fails when the README and the registry differ.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..diagnostics import Diagnostic
from .registry import rules

START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def statistics(diagnostics: Sequence[Diagnostic]) -> list[dict[str, object]]:
    """Per code, most frequent first: count, severity, how many a `--fix` can fix, the rule's summary."""
    counts = Counter(d.code for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fix is not None)
    severity = {d.code: d.severity for d in diagnostics}
    summaries = {rule.code: rule.summary for rule in rules()}
    return [{"code": code, "count": count, "severity": severity[code], "fixable": fixable[code],
             "summary": summaries.get(code, "")}
            for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def format_statistics(rows: Sequence[dict[str, object]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(list(rows), indent=2, ensure_ascii=False)
    return "\n".join(f"{row['count']:>5}  {row['code']}  {row['severity']:<7}  {'[*]' if row['fixable'] else '   '}  "
                     f"{row['summary']}".rstrip() for row in rows)


def rule_table() -> str:
    """The README's table of editorial rules, one row per registered code, by rule set."""
    lines = ["| code | severity | fix | what | source |", "|---|---|---|---|---|"]
    current = ""
    for rule in rules():
        if rule.rule_set != current:
            current = rule.rule_set
            lines.append(f"| **{rule.code[:5]}x** | | | **{current}** | |")
        cells = [rule.code, rule.severity, "yes" if rule.fixable else "", rule.summary, rule.source]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def readme_table(text: str) -> str | None:
    """The table between the markers in a README, or None when the markers are missing."""
    start, end = text.find(START), text.find(END)
    return text[start + len(START) : end].strip("\n") + "\n" if 0 <= start < end else None


def rewrite(readme: Path) -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(START) + len(START), text.index(END)
    readme.write_text(text[:start] + "\n" + rule_table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    rewrite(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))

