"""What `coe-paper status` shows: a row for each section (`SectionStatus`), the contributors' annex's number, and the
problems said before and after the table, made from the loaded paper by report.py, or read back from the record of
the last report (checked.py) while nothing it depends on has changed; the CLI prints them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from datetime import date
from typing import Any

from .diagnostics import Diagnostic, decode_diagnostics, encode_diagnostic
from .gitlog import source_date


@dataclass(frozen=True)
class SectionStatus:
    """One row of `coe-paper status`."""

    id: str
    path: str  # "" for an outline entry without a file
    title: str
    status: str  # draft, review, final, "missing" (no file), or "invalid" (a file that cannot be read as a section)
    number: str  # the chapter number the paper (and the review sheet) gives it; "" outside the paper
    lead: str
    words: int
    min_words: int
    max_words: int | None
    words_check: str  # "ok", "under", "over", or "" outside the outline
    last_change: str | None  # ISO date of the last commit that changed the file
    last_change_org: str | None
    last_change_author: str | None  # "Name <e-mail>", after .mailmap
    commits: int
    errors: int
    warnings: int
    last_change_name: str | None = None  # the author's name alone, for a page that shows no e-mail address
    due: str | None = None  # the outline's day (YYYY-MM-DD) the section is due
    late: bool = False  # past that day, and not final

    @property
    def diagnostics(self) -> int:
        return self.errors + self.warnings

    @property
    def word_limits(self) -> str:
        """The outline's limits, without a space (a column a script splits): '300-800', '≥300', '≤800', or ''."""
        if self.max_words is None:
            return f"\u2265{self.min_words}" if self.min_words else ""
        return f"{self.min_words}-{self.max_words}" if self.min_words else f"\u2264{self.max_words}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"diagnostics": self.diagnostics, "word_limits": self.word_limits}

    def changed_by(self, organisation: str, shown: Callable[[str], str] = str) -> str:
        """Who made the last change: `organisation` (its label), else the author's name, marked as mapped to none,
        as `shown` gives it (on the preview's board, html_flow's `isolated`: escaped, and in an isolate of its own
        when it holds a bidirectional control; the Markup it gives stays Markup, the words added escaped)."""
        if organisation or not self.last_change_name:
            return organisation
        return shown(self.last_change_name) + " (no member organisation)"


def judged_on() -> date:
    """The day a section's lateness is judged on: SOURCE_DATE_EPOCH's (UTC) when it is set, so that a reproducible
    build says what it said when it was made, else today."""
    found = source_date()
    return found.date() if found else date.today()


@dataclass(frozen=True)
class StatusReport:
    """All that `status` prints: the rows, the number of the contributors' annex ("" for none), the problems said
    before the table (COE204: no history) and the files left out of it, with their errors."""

    rows: list[SectionStatus]
    members: str
    said: list[Diagnostic]
    left: list[Diagnostic]

    def encode(self) -> dict[str, Any]:
        return {"rows": [asdict(row) for row in self.rows], "members": self.members,
                "said": [encode_diagnostic(d) for d in self.said], "left": [encode_diagnostic(d) for d in self.left]}


_TYPES = {field.name: field.type for field in fields(SectionStatus)}
_KINDS: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "bool": (bool,), "int | None": (int, type(None)),
                                       "str | None": (str, type(None))}


def decode(data: Any) -> StatusReport | None:
    """A report as `StatusReport.encode` keeps it, or None when anything in it is not exactly of its shape."""
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list) or not isinstance(data.get("members"), str):
        return None
    rows = []
    for row in data["rows"]:
        if not isinstance(row, dict) or set(row) != set(_TYPES) or not all(
                type(row[name]) in _KINDS[str(kind)] for name, kind in _TYPES.items()):
            return None
        rows.append(SectionStatus(**row))
    said, left = decode_diagnostics(data.get("said")), decode_diagnostics(data.get("left"))
    if said is None or left is None:
        return None
    return StatusReport(rows, data["members"], said, left)
