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

from ..codes import CODES
from ..codes import summaries as code_summaries
from ..diagnostics import Diagnostic
from .registry import rules

START, END = "<!-- rules:start -->", "<!-- rules:end -->"
CODES_START, CODES_END = "<!-- codes:start -->", "<!-- codes:end -->"


def statistics(diagnostics: Sequence[Diagnostic]) -> list[dict[str, object]]:
    """Per code, most frequent first: count, severity, how many a `--fix` can fix, the rule's summary."""
    counts = Counter(d.code for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if d.fix is not None)
    severity = {d.code: d.severity for d in diagnostics}
    summaries = {**code_summaries(), **{rule.code: rule.summary for rule in rules()}}
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


def code_table() -> str:
    """The README's table of every code (codes.py), the editorial rules in one row."""
    lines = ["| code | severity | what |", "|---|---|---|"]
    lines += [f"| {code} | {severity} | {what.replace('|', chr(92) + '|')} |" for code, severity, what in CODES]
    return "\n".join(lines) + "\n"


def readme_table(text: str, start_mark: str = START, end_mark: str = END) -> str | None:
    """The table between the markers in a README, or None when the markers are missing."""
    start, end = text.find(start_mark), text.find(end_mark)
    return text[start + len(start_mark) : end].strip("\n") + "\n" if 0 <= start < end else None


def rewrite(readme: Path) -> None:
    """Write the README's table of codes and its table of editorial rules again from the registries."""
    text = readme.read_text(encoding="utf-8")
    for start_mark, end_mark, table in ((CODES_START, CODES_END, code_table()), (START, END, rule_table())):
        start, end = text.index(start_mark) + len(start_mark), text.index(end_mark)
        text = text[:start] + "\n" + table + text[end:]
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    rewrite(Path(sys.argv[1] if len(sys.argv) > 1 else "README.md"))

