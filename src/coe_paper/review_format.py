"""The three forms in which `coe-paper comments` prints a reviewed .docx (a `review_model.Review`): compiler-like text
lines, JSON objects in document order, and a Markdown review sheet by section that names each section's lead
organisation. The text is the reviewer's: control characters are removed, and the sheet escapes Markdown."""

from __future__ import annotations

import re

from .diagnostics import to_json
from .model import Project
from .numbering import chapter_numbers
from .review_model import Change, Comment, Place, Review, SectionRef, all_comments


def when(date: str) -> str:
    """`2024-03-01T10:00:00Z` as `2024-03-01 10:00` (Word writes local time; other forms are shown as given)."""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})", date)
    return f"{match.group(1)} {match.group(2)}" if match else date


#: Who a comment or change is by when Word names no one (its author left out or blank).
NO_AUTHOR = "(no author given)"


def _by(author: str, date: str) -> str:
    """`by Author (date)` of a text line, the date left out when Word gives none."""
    return f"by {author.strip() or NO_AUTHOR}" + (f" ({when(date)})" if date.strip() else "")


def _who_md(author: str, date: str) -> str:
    """`**Author**, date` of the review sheet, as `_by` names them."""
    who = f"**{md(author.strip())}**" if author.strip() else NO_AUTHOR
    return who + (f", {when(date)}" if date.strip() else "")


def _by_md(author: str, date: str) -> str:
    return f"by {_who_md(author, date)}"


def _where(place: Place, file: str) -> str:
    if place.section is None:
        return file
    since = f" (text since {place.since})" if place.since else ""
    return f"{place.section.path}:{place.line}{since}" if place.line else place.section.path


_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# where a comment starts when that is before the line it is listed at (Comment.starts)
STARTS = {"outside": "starts before the section, on the title page or in the contents",
          "byline": "starts in the section's byline"}


def _one_line(text: str) -> str:
    """Paragraphs joined with " / ", without control characters (the text is someone else's; it goes to a terminal)."""
    return " / ".join(_CONTROL_RE.sub("", line) for line in text.split("\n") if line.strip())


def format_text(review: Review) -> str:
    """Compiler-like lines: `sections/x.md:12: comment by Author (date): text [on "anchored"]`."""
    items: list[tuple[int, list[str]]] = []
    for comment in review.comments:
        where = _where(comment.place, review.file)
        head = f"{where}: comment {_by(comment.author, comment.date)}: {_one_line(comment.text)}"
        head += f' [on "{_one_line(comment.anchor)}"]' if comment.anchor else ""
        head += " [resolved]" if comment.resolved else ""
        head += f" [{STARTS[comment.starts]}]" if comment.starts else ""
        lines = [head]
        for reply in all_comments(comment.replies):
            lines.append(f"{where}: reply {_by(reply.author, reply.date)}: {_one_line(reply.text)}")
        for other in comment.reaches:  # the same comment, where its lead reads it too
            lines.append(f"{_where(other, review.file)}: comment {_by(comment.author, comment.date)}, "
                         f"continued from {where}: {_one_line(comment.text)}")
        items.append((comment.order, lines))
    for change in review.changes:
        text = _one_line(change.text)
        kind = "formatting change" if change.kind == "formatting" else change.kind
        items.append((change.order, [f'{_where(change.place, review.file)}: {kind} '
                                     f'{_by(change.author, change.date)}: "{text}"']))
    text = "\n".join(line for _, lines in sorted(items, key=lambda item: item[0]) for line in lines)
    return _CONTROL_RE.sub("", text)


def _place_dict(place: Place) -> dict[str, object]:
    ref = place.section
    return {"section": ref.id if ref else None, "path": ref.path if ref else None, "line": place.line,
            "since": place.since or None}


def _comment_dict(comment: Comment, kind: str) -> dict[str, object]:
    found: dict[str, object] = {
        "kind": kind, "id": comment.id, "author": comment.author, "initials": comment.initials,
        "date": comment.date, "text": comment.text, "anchor": comment.anchor, "resolved": comment.resolved,
        **_place_dict(comment.place), "replies": [_comment_dict(r, "reply") for r in comment.replies]}
    if kind == "comment":  # the further sections its text goes on into (a reply has no text of its own)
        found["reaches"] = [_place_dict(place) for place in comment.reaches]
        found["starts"] = comment.starts or None
    return found


def comment_objects(review: Review) -> list[dict[str, object]]:
    """The comments (replies nested) as the JSON objects `as_json` lists them in, in document order."""
    return [_comment_dict(c, "comment") for c in review.comments]


def as_json(review: Review) -> str:
    """A list of objects in document order: comments (replies nested) and tracked changes."""
    items = list(zip((c.order for c in review.comments), comment_objects(review), strict=True))
    items += [(c.order, {"kind": c.kind, "author": c.author, "date": c.date, "text": c.text, **_place_dict(c.place)})
              for c in review.changes]
    return to_json([obj for _, obj in sorted(items, key=lambda item: item[0])])


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!])")


def md(text: str) -> str:
    """Text that Markdown shows as it is."""
    return _MD_SPECIAL.sub(r"\\\1", _CONTROL_RE.sub("", text))


def _lead(project: Project | None, section_id: str) -> str:
    if project is None:
        return "unknown (no paper project found)"
    section = next((s for s in project.sections if s.id == section_id), None)
    if section is None:
        return "unknown (section no longer in the project)"
    org = project.contributor(section.meta.lead)
    return org.name if org else section.meta.lead


def section_numbers(review: Review, project: Project | None) -> dict[str, str]:
    """The number each section of the reviewed document has there ("2", "Annex I"), none when the paper numbers
    none (`numbering: false`); without a project, the chapters are counted as a paper numbers them by default."""
    if project is not None and not project.config.numbering:
        return {}
    annexes = project.annexes() if project is not None else set()
    style = project.config.annex_numbering if project is not None else "roman"
    return chapter_numbers([ref.id for ref in review.sections], annexes, style)


def _heading(ref: SectionRef, numbers: dict[str, str]) -> str:
    """A section as the paper shows its title: "2. Housing", "Annex I Methods", or "Housing" unnumbered."""
    number, title = numbers.get(ref.id, ""), md(ref.title or ref.id)
    return f"{number}. {title}" if number.isdigit() else f"{number} {title}" if number else title


def _called(ref: SectionRef, numbers: dict[str, str]) -> str:
    """A section named in a sentence: "section 2", "Annex I", or its title in quotes when it has no number."""
    number = numbers.get(ref.id, "")
    return f"section {number}" if number.isdigit() else number or f"“{md(ref.title or ref.id)}”"


def _sheet_comment(number: int, comment: Comment, numbers: dict[str, str], place: Place | None = None) -> list[str]:
    """A comment on the sheet, at `place` when it goes on into the section of that place from an earlier one."""
    shown = place or comment.place
    where = f", line {shown.line}" if shown.line else ""
    if place is not None and comment.place.section is not None:
        where += f", continued from {_called(comment.place.section, numbers)}"
    elif comment.starts:
        where += f", {STARTS[comment.starts]}"
    on = f", on “{md(comment.anchor)}”" if comment.anchor else ""
    state = " (resolved)" if comment.resolved else ""
    lines = [f"{number}. {_who_md(comment.author, comment.date)}{where}{on}{state}:", ""]
    quoted = [f"   > {md(line)}" for line in comment.text.splitlines() if line.strip()] or ["   >"]
    lines += [part for index, line in enumerate(quoted) for part in ((["   >"] if index else []) + [line])]
    for reply in all_comments(comment.replies):
        lines += ["", f"   - Reply {_by_md(reply.author, reply.date)}: {md(_one_line(reply.text))}"]
    return [*lines, ""]


def _sheet_change(change: Change) -> str:
    where = f"line {change.place.line}: " if change.place.line else ""
    verb = {"insertion": "inserted", "deletion": "deleted"}.get(change.kind, "formatting changed")
    return f"- {where}{verb} {_by_md(change.author, change.date)}: “{md(_one_line(change.text))}”"


def review_sheet(review: Review, project: Project | None) -> str:
    """A Markdown review sheet grouped by section, naming each section's lead organisation."""
    title = project.config.title if project else "the paper"
    comments = len(review.comments)
    replies = sum(1 for c in review.comments for _ in all_comments(c.replies))
    built = f", built from commit `{review.commit[:12]}`" if review.commit else ""
    out = [f"# Review sheet: {md(title)}", "",
           f"Comments and tracked changes in `{review.file}`{built}: {comments} comment{'s' * (comments != 1)}"
           f" ({replies} repl{'ies' if replies != 1 else 'y'}), {len(review.changes)} tracked "
           f"change{'s' * (len(review.changes) != 1)}.", ""]
    if review.mapping == "headings":
        out += ["The document has lost its hidden source bookmarks; sections were found by their titles, "
                "so source lines are not known.", ""]
    def comments_in(ref: SectionRef | None) -> list[tuple[Comment, Place | None]]:
        """The comments in a section: those that start there, and those that go on into it from an earlier one."""
        return [(c, None if c.place.section == ref else next(p for p in c.reaches if p.section == ref))
                for c in review.comments if c.place.section == ref or any(p.section == ref for p in c.reaches)]

    groups: list[tuple[SectionRef | None, list[tuple[Comment, Place | None]], list[Change]]] = [
        (ref, comments_in(ref), [c for c in review.changes if c.place.section == ref])
        for ref in [*review.sections, None]
    ]
    numbers = section_numbers(review, project)
    out += ["| Section | Lead | Comments | Tracked changes |", "|---|---|---:|---:|"]
    for ref, section_comments, section_changes in groups:
        if ref is not None:
            out.append(f"| {_heading(ref, numbers)} | {md(_lead(project, ref.id))} | {len(section_comments)} | "
                       f"{len(section_changes)} |")
    for ref, section_comments, section_changes in groups:
        if not section_comments and not section_changes:
            continue
        if ref is None:
            out += ["", "## Outside the sections (title page, contents, annex)", ""]
        else:
            out += ["", f"## {_heading(ref, numbers)}", "",
                    f"Lead: **{md(_lead(project, ref.id))}**. Source: `{ref.path}`.", ""]
        if section_comments:
            out += ["### Comments", ""]
            for number, (comment, place) in enumerate(section_comments, start=1):
                out += _sheet_comment(number, comment, numbers, place)
        if section_changes:
            out += ["### Tracked changes", "", *(_sheet_change(c) for c in section_changes), ""]
    return _CONTROL_RE.sub("", "\n".join(out)).rstrip() + "\n"
