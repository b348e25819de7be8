"""Comments follow the sources: a reviewed .docx names lines of the files as they were built (at the build commit,
or with the uncommitted changes the section map's digest says it had); when the files have moved on since, each
place is mapped through the diff to today's line, and marked when the line it names was since changed or deleted
(every place of a file whose built text is neither committed nor today's is marked changed: it cannot be mapped).
A file renamed since the build (sections renumbered) is followed to the file of the same section id today. A
comment or tracked change inside a footnote is placed at the footnote's definition first, as `apply` reports a
change. A comment that starts in a paragraph whose bookmark LibreOffice dropped, and the changes in that paragraph,
are placed at the line of the block that lost it (`_found`). After `apply` writes the files, the comments it
lists are moved on to the lines of the text it wrote (`as_written`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .marks import built_text, most_like
from .mdmap import SourceMap, build
from .merge3 import line_mapper
from .model import Project
from .project import section_paths
from .review import read_review
from .review_model import Lost, Place, Review, SectionRef, all_comments
from .revision import text_at
from .safepaths import resolved


def review_today(path: Path, project: Project | None, root: Path | None) -> Review:
    """The comments and tracked changes of the reviewed .docx at `path`, each at today's line of its file in the
    project at `root` (as built, outside a project): what `coe-paper comments` lists, and `apply` of the comments
    it does not apply. Raises DocxError when the file cannot be read."""
    found = read_review(path, project)
    return follow(found, root) if project is not None and root is not None else found


def follow(review: Review, root: Path) -> Review:
    """The review with every place moved to today's line of its file (a no-op outside git or without a commit),
    a tracked change inside a footnote first placed at the footnote's definition in the built text."""
    maps: dict[str, dict[int, tuple[int, str]] | None] = {}  # None: the built text is not known
    renamed: dict[str, SectionRef] = {}  # a file renamed since the build (renumbered): the same id's file today
    texts: dict[str, str] = {}  # each file's text as built, where known
    today: dict[str, str] | None = None
    at_build = text_at(root, review.commit) if review.commit else None
    for ref in review.sections:
        target = resolved(root / ref.path)
        if target is None or not target.is_file():
            today = section_paths(root) if today is None else today
            if ref.id in today and today[ref.id] != ref.path:
                renamed[ref.path] = replace(ref, path=today[ref.id])
                target = resolved(root / today[ref.id])
        if target is None or not target.is_relative_to(root.resolve()) or not target.is_file():
            continue  # a link loop, outside the project, gone: its places stay as built
        try:
            now = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        then = at_build(ref.path) if at_build is not None else None
        built = built_text(ref.digest, then, now)
        if built is not None:
            texts[ref.path] = built
        if at_build is not None and (then is not None or ref.digest) and built != now:
            maps[ref.path] = None if built is None else line_mapper(built, now)
    sources: dict[str, SourceMap] = {}
    review.changes = [replace(change, place=_at_definition(change.place, change.note, texts, sources))
                      for change in review.changes]
    review.changes = [change if change.lost is None else replace(change, place=_found(change.place, change.lost,
                      texts, sources)) for change in review.changes]
    for comment in all_comments(review.comments):
        comment.place = _at_definition(comment.place, comment.note, texts, sources)
        if comment.lost is not None:
            comment.place = _found(comment.place, comment.lost, texts, sources)

    def moved(place: Place) -> Place:
        if place.section is None:
            return place
        built = place.section.path  # as the document names it
        place = replace(place, section=renamed.get(built, place.section))
        if place.line is None or built not in maps:
            return place
        mapper = maps[built]
        if mapper is None:
            return replace(place, since="changed")
        line, state = mapper.get(place.line, (place.line, "same"))
        return replace(place, line=line, since="" if state == "same" else state)

    if at_build is None or (not maps and not renamed):
        return review
    review.sections = [renamed.get(ref.path, ref) for ref in review.sections]
    for comment in all_comments(review.comments):
        comment.place = moved(comment.place)
        comment.reaches = [moved(place) for place in comment.reaches]  # the further sections it goes on into
    review.changes = [replace(change, place=moved(change.place)) for change in review.changes]
    return review



def as_written(review: Review, files: Sequence[tuple[str, str, str]]) -> Review:
    """The review with its comments' places moved from the files as they were (`path`, before) to the files as
    `apply` wrote them (after): a line its changes changed is the line of the new text, said to be changed only if
    it was already (since the build, by someone else), and deleted if the review deleted it."""
    maps = {path: line_mapper(before, after, paired=True) for path, before, after in files if before != after}

    def moved(place: Place) -> Place:
        if place.section is None or place.line is None or place.section.path not in maps:
            return place
        line, state = maps[place.section.path].get(place.line, (place.line, "same"))
        return replace(place, line=line, since=place.since or ("deleted" if state == "deleted" else ""))

    for comment in all_comments(review.comments) if maps else ():
        comment.place = moved(comment.place)
        comment.reaches = [moved(place) for place in comment.reaches]
    return review


def _found(place: Place, lost: Lost, texts: dict[str, str], sources: dict[str, SourceMap]) -> Place:
    """The place of a comment that starts in a paragraph whose bookmark LibreOffice dropped: the block of the
    built text, between the bookmarks around the paragraph, whose bookmark the document lacks and whose text is
    the paragraph's (the one most like it, and like it; a table row's is its first cell's, the paragraph that holds
    a row's bookmark); else the place it was read at (the bookmark before)."""
    section = place.section
    if section is None or section.path not in texts or not lost.text.strip():
        return place
    if section.path not in sources:
        sources[section.path] = build(texts[section.path])
    found = sources[section.path]
    blocks = {line: unit.text for line, unit in found.body.items()}
    blocks |= {line: units[0].text for line, units in found.rows.items() if units}  # a row's mark: its first cell
    missing = [line for line in blocks if line not in lost.seen and lost.above < line
               and (lost.below is None or line < lost.below)]
    at = most_like(_words(lost.text), ((line, _words(blocks[line])) for line in missing))
    return place if at is None else replace(place, line=at)


def _words(text: str) -> str:
    return " ".join(text.split())


def _at_definition(place: Place, note: tuple[int, int] | None, texts: dict[str, str],
                   sources: dict[str, SourceMap]) -> Place:
    """The place of a change or comment inside a footnote (`note`) at the line of its paragraph in the footnote's
    definition (where `apply` writes a change), found as `apply` finds it: the how-many-th footnote the section
    cites; else it stays at the reference. `sources`: the source maps read so far, by file."""
    section = place.section
    if section is None or note is None or section.path not in texts:
        return place
    cited, paragraph = note
    if section.path not in sources:
        sources[section.path] = build(texts[section.path])
    found = sources[section.path]
    units = found.footnotes.get(found.refs[cited], []) if cited < len(found.refs) else []
    if not units:
        return place
    return replace(place, line=units[min(paragraph, len(units) - 1)].line)
