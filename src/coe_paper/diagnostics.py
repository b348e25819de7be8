"""Compiler-style diagnostics (`path:line:col: severity CODE message`) and their output formats."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]
FORMATS = ("text", "json", "github", "gitlab")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Control characters (ESC sequences act on a terminal) and bidirectional controls (an override in a file's name
#: printed as it is reverses the rest of the line: the code, the message and what it names).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, order=True)
class Fix:
    """A safe edit of one line: replace columns [column, end) (1-based) of file line `line`, which hold `original`,
    with `replacement`."""

    line: int
    column: int
    end: int
    replacement: str
    original: str = ""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about one place in one file. Lines and columns are 1-based; 0 means unknown."""

    path: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    hint: str = ""
    fix: Fix | None = field(default=None, compare=False)  # set when `validate --fix` may apply it

    def as_text(self) -> str:
        """`path:line:col: severity CODE message`, and the hint on a line of its own; a control character (from a
        file name or a git author's name: ESC sequences would act on the terminal) is shown as an escape, and so is
        a tab or line break in the path (a file named so would break the line in two) or in the message (one that
        quotes a value with a line break: `lead: "coor\\ndinator"`)."""
        where = self.path.replace("\t", "\\t").replace("\n", "\\n")
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        message = self.message.replace("\n", "\\n")
        text = shown(f"{where}: {self.severity} {self.code} {message}")
        return f"{text}\n    hint: {shown(self.hint)}" if self.hint else text

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity, "path": self.path, "line": self.line,
                "column": self.column, "message": self.message, "hint": self.hint}

    def as_github(self, prefix: str = "") -> str:
        """A workflow command; `prefix` is the project's folder in the repository (paths there are the
        repository's). A finding about the whole project (path ".") names no file."""
        message = self.message + (f" ({self.hint})" if self.hint else "")
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        level = "error" if self.severity == "error" else "warning"
        if self.path == ".":
            return f"::{level} title={self.code}::{message}"
        path = (prefix + self.path).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = path.replace(":", "%3A").replace(",", "%2C")  # a property's value: the runner splits at ',' and ':'
        return f"::{level} file={path},line={self.line or 1},col={self.column or 1},title={self.code}::{message}"

    def as_gitlab(self, occurrence: int = 0, prefix: str = "") -> dict[str, object]:
        """One issue of GitLab's Code Quality report (the merge request widget shows it at the file and line); its
        fingerprint is of its code, file and message, not its line, so that a finding stays the same one when lines
        above it come or go (GitLab showed every finding below a new paragraph as resolved and again as new); the
        `occurrence` of findings alike in a file, in order, keeps theirs apart, and `prefix` is the project's folder
        in the repository."""
        key = f"{self.code}\0{self.path}\0{self.message}"
        key += f"\0{occurrence}" if occurrence else ""
        import hashlib  # here: `--help` and the commands that print no report do without it

        return {
            "description": f"{self.code} {self.message}" + (f" ({self.hint})" if self.hint else ""),
            "check_name": self.code,
            "fingerprint": hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest(),
            "severity": "major" if self.severity == "error" else "minor",
            "location": {"path": prefix + self.path if self.path != "." else prefix.rstrip("/") or ".",
                         "lines": {"begin": self.line or 1}},
        }


def error(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, column, code, "error", message, hint)


def warning(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, column, code, "warning", message, hint)


def has_errors(diagnostics: Iterable[Diagnostic], strict: bool = False) -> bool:
    return any(d.severity == "error" or strict for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.path, d.line, d.column, d.code)


def format_diagnostics(diagnostics: Sequence[Diagnostic], fmt: str, prefix: str = "") -> str:
    """Render diagnostics as `text`, `json` (a list of objects), `github` (workflow commands) or `gitlab` (a Code
    Quality report: a JSON list); the forges' formats put `prefix` (the project's folder in the repository, with a
    trailing "/") before each path, as their paths are the repository's."""
    ordered = sorted(diagnostics, key=sort_key)
    if fmt == "gitlab":
        seen: Counter[tuple[str, str, str]] = Counter()
        issues = []
        for d in ordered:
            issues.append(d.as_gitlab(seen[d.code, d.path, d.message], prefix))
            seen[d.code, d.path, d.message] += 1
        return to_json(issues)
    if fmt == "json":
        return to_json([d.as_dict() for d in ordered])
    if fmt == "github":
        return "\n".join(d.as_github(prefix) for d in ordered)
    return "\n".join(d.as_text() for d in ordered)


def shown(text: str) -> str:
    """`text` with each control character but a tab or line break as its escape (`\\x1b`, `\\u202e`), which a
    terminal prints rather than obeys."""
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def _escape(found: re.Match[str]) -> str:
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def to_json(data: object) -> str:
    """`data` as indented JSON that UTF-8 can hold: a character it cannot (a file name's undecodable byte, kept as a
    lone surrogate) is written as a \\u escape, which reads back as the same text."""
    import json  # here: `--help` and the commands that print no JSON do without it

    text = json.dumps(data, indent=2, ensure_ascii=False)
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)  # only in strings: JSON has no other


def clipped(text: str, limit: int) -> str:
    """`text` as a message quotes it: whole up to `limit` characters, else its first `limit` - 1 and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def count(number: int, noun: str, plural: str = "") -> str:
    """'1 section', '2 sections' ('1 reply', '2 replies' with `plural`)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def summary(diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return f"{count(errors, 'error')}, {count(len(diagnostics) - errors, 'warning')}"


# -- the stored form (the section cache, the record of a check: uptodate.py) ----------------------------------


def encode_diagnostic(found: Diagnostic) -> list[Any]:
    fix = found.fix
    fixed = None if fix is None else [fix.line, fix.column, fix.end, fix.replacement, fix.original]
    return [found.path, found.line, found.column, found.code, found.severity, found.message, found.hint, fixed]


def decode_diagnostic(item: object) -> Diagnostic | None:
    """A diagnostic from its stored form, or None when the form is not exactly right."""
    if not isinstance(item, list) or len(item) != 8:
        return None
    path, line, column, code, severity, message, hint, fixed = item
    if not (isinstance(path, str) and isinstance(code, str) and isinstance(message, str) and isinstance(hint, str)
            and _whole(line, column) and severity in ("error", "warning")):
        return None
    fix = None
    if fixed is not None:
        if not isinstance(fixed, list) or len(fixed) != 5:
            return None
        f_line, f_column, f_end, replacement, original = fixed
        if not (_whole(f_line, f_column, f_end) and isinstance(replacement, str) and isinstance(original, str)):
            return None
        fix = Fix(f_line, f_column, f_end, replacement, original)
    return Diagnostic(path, line, column, code, severity, message, hint, fix)


def decode_diagnostics(items: object) -> list[Diagnostic] | None:
    """Diagnostics from their stored form (a list), or None when it is not a list or any of them is not exactly
    right: a cache entry is used whole or not at all."""
    if not isinstance(items, list):
        return None
    found = [decode_diagnostic(item) for item in items]
    return None if any(d is None for d in found) else [d for d in found if d is not None]


def _whole(*values: object) -> bool:
    return all(type(value) is int for value in values)
