"""Data for `coe-paper status` (per section) and `coe-paper contributors` (per organisation); the CLI prints it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from .attribution import History, without_history
from .compose import credits_for
from .diagnostics import Diagnostic
from .numbering import chapter_numbers, members_annex_number
from .pipeline import Loaded
from .project import SECTIONS_DIR
from .status_rows import SectionStatus as SectionStatus  # the rows of `status`, also read from its record
from .status_rows import judged_on as judged_on


@dataclass(frozen=True)
class OrganisationReport:
    """One row of `coe-paper contributors`."""

    id: str
    name: str
    short: str
    role: str
    country: str
    led: list[str]  # section ids
    contributed: list[str]  # section ids: declared in front matter or found in history (not those it leads)
    commits: int  # distinct commits to the sections, as author or co-author
    lines: int  # current lines blamed on the organisation
    share: float  # of all current lines in the sections

    def as_dict(self) -> dict[str, object]:
        return asdict(self) | {"share": round(self.share, 4)}


def _words_check(words: int, low: int, high: int | None) -> str:
    if high is not None and words > high:
        return "over"
    return "under" if words < low else "ok"


def section_status(loaded: Loaded, history: History | None, day: date | None = None) -> list[SectionStatus]:
    """Every section in outline order (then those outside the outline), with outline entries that have no file;
    late as of `day` (else `judged_on()`)."""
    project = loaded.project
    if project is None:
        return []
    words = {item.section.id: item.words for item in loaded.parsed}
    outline = {entry.id: entry for entry in project.config.outline}
    order = {entry.id: index for index, entry in enumerate(project.config.outline)}
    sections = sorted(project.sections, key=lambda s: (order.get(s.id, len(order)), s.path))
    numbers = (chapter_numbers(project.ordered_ids(), project.annexes(), project.config.annex_numbering)
               if project.config.numbering else {})  # `numbering: false`: the .docx and the board number none
    today = (day or judged_on()).isoformat()
    rows: list[SectionStatus] = []
    for section in sections:
        entry = outline.get(section.id)
        found = history.for_path(section.path) if history else None
        last = found.last_change if found else None
        mine = [d for d in loaded.diagnostics if d.path == section.path]
        errors = sum(1 for d in mine if d.severity == "error")
        count = words.get(section.id, 0)
        rows.append(SectionStatus(
            id=section.id, path=section.path, title=section.meta.title, status=section.meta.status,
            number=numbers.get(section.id, ""), lead=section.meta.lead, words=count,
            min_words=entry.min_words if entry else 0,
            max_words=entry.max_words if entry else None,
            words_check=_words_check(count, entry.min_words, entry.max_words) if entry else "",
            last_change=last.date.date().isoformat() if last else None,
            last_change_org=last.org if last else None, last_change_author=str(last.author) if last else None,
            last_change_name=last.author.name if last else None,
            commits=len(found.changes) if found else 0, errors=errors, warnings=len(mine) - errors,
            due=entry.due if entry else None, late=entry.late(section.meta.status, today) if entry else False,
        ))
    present = {s.id for s in project.sections}
    for entry in project.config.outline:
        if entry.id not in present:
            path = project.unusable.get(entry.id, "")  # a file that gives its id but is no section: its errors
            mine = [d for d in loaded.diagnostics if d.path == path] if path else missing_problems(loaded, entry.id)
            errors = sum(1 for d in mine if d.severity == "error")
            rows.insert(order[entry.id], SectionStatus(
                id=entry.id, path=path, title="", status="invalid" if path else "missing", number="", lead="", words=0,
                min_words=entry.min_words,
                max_words=entry.max_words, words_check="under" if entry.min_words else "ok", last_change=None,
                last_change_org=None, last_change_author=None, commits=0, errors=errors, warnings=len(mine) - errors,
                due=entry.due, late=entry.late("missing", today),
            ))
    return rows


def members_annex(loaded: Loaded) -> str:
    """The number of the contributors' annex, made from contributors.yaml after the sections ("Annex II" after the
    outline's one annex), or "" when it has none (a paper without annexes, or one not numbered)."""
    project = loaded.project
    if project is None or not project.config.numbering:
        return ""
    return members_annex_number(project.annexes(), project.config.annex_numbering)


def left_out(loaded: Loaded) -> list[Diagnostic]:
    """The errors of files in `sections/` that are no section of the paper (not UTF-8, no front matter, broken YAML,
    a merge conflict): neither report has a row for them, nor counts their words or contributors. A file git reads
    for itself (a `.gitattributes` there that is a named pipe) is no section left out: the reports say before their
    table that the history could not be read."""
    listed = {s.path for s in loaded.project.sections} if loaded.project else set()
    return [d for d in loaded.diagnostics if d.severity == "error" and d.path.startswith(f"{SECTIONS_DIR}/")
            and d.path not in listed and not without_history(d)]


def missing_problems(loaded: Loaded, section_id: str) -> list[Diagnostic]:
    """What validate says of the outline entry `section_id` that has no file (COE105, an error when it is
    required; COE104)."""
    project = loaded.project
    index = next((i for i, e in enumerate(project.config.outline) if e.id == section_id), -1) if project else -1
    said = f"'{section_id}' (outline position {index + 1}) has no file"
    return [d for d in loaded.diagnostics if d.code in ("COE104", "COE105") and said in d.message]


def unmapped_lines(history: History | None) -> tuple[int, float]:
    """The current lines of the sections whose authors map to no member organisation (COE203 names them; and the
    bots'), and their share of all the lines: what the organisations' shares leave out."""
    sections = list(history.sections.values()) if history else []
    total = sum(found.lines for found in sections)
    lines = sum(found.unmapped_lines for found in sections)
    return lines, lines / total if total else 0.0


UNMAPPED = "(no member organisation)"


def unmapped_row(history: History | None) -> dict[str, object] | None:
    """`contributors --format json`'s last row, as the text table's: the lines of authors who map to no member
    organisation (`id` null; their commits are not counted: null), or None when there are none."""
    lines, share = unmapped_lines(history)
    if not lines:
        return None
    return {"id": None, "name": UNMAPPED, "short": UNMAPPED, "role": "", "country": "", "led": [], "contributed": [],
            "commits": None, "lines": lines, "share": round(share, 4)}


def organisations(loaded: Loaded, history: History | None) -> list[OrganisationReport]:
    """Every member organisation, in contributors.yaml order, with what it led, contributed, committed and wrote."""
    project = loaded.project
    if project is None:
        return []
    credits = credits_for(project, history)
    in_outline = project.ordered_sections()
    ordered = in_outline + sorted((s for s in project.sections if s not in in_outline), key=lambda s: s.path)
    commits: dict[str, set[str]] = {}
    lines: dict[str, int] = {}
    total = 0
    for found in (history.sections.values() if history else ()):
        total += found.lines
        for org, count in found.lines_by_org.items():
            lines[org] = lines.get(org, 0) + count
        for change in found.changes:
            for org in change.orgs:
                commits.setdefault(org, set()).add(change.commit)
    rows: list[OrganisationReport] = []
    for member in project.contributors:
        led = [s.id for s in ordered if credits.lead.get(s.id) == member.id]
        contributed = [s.id for s in ordered if member.id in credits.contributors.get(s.id, [])]
        count = lines.get(member.id, 0)
        rows.append(OrganisationReport(
            id=member.id, name=member.name, short=member.label, role=member.role, country=member.country, led=led,
            contributed=contributed, commits=len(commits.get(member.id, ())), lines=count,
            share=count / total if total else 0.0,
        ))
    return rows
