"""`assemble --compare REV`: the current paper with every difference from an earlier revision as a Word tracked
change, each by the organisation that last changed the section's file (or moved it in the outline), or "Uncommitted"
where the work tree differs from the paper rendered at HEAD (the merge itself, and who made each change, are
redline.py's)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import marks, ooxml, toc
from .compose import Parts, contents, credits_for, finish, open_template, page_break, render_parts
from .diagnostics import Diagnostic, Severity, has_errors
from .gitlog import source_date, version_of
from .model import Project
from .pipeline import Assembled, Step, attribute, load, quiet, write_document
from .sources import normalise

if TYPE_CHECKING:
    from .redline import ComparingBuilder
    from .redline_authors import Segment


def _segments(parts: Parts, contents: list[ooxml.Element]) -> list[Segment]:
    """The body in the pieces that are compared as wholes; sections carry their file for attribution."""
    from .redline_authors import Segment

    return [
        Segment("title", parts.title_page),
        Segment("contents", [page_break(), *contents, *parts.abbreviations, page_break()]),
        *(Segment(f"section:{section.id}", blocks, (section.path,)) for section, blocks in parts.sections),
        Segment("annex", [page_break(), *parts.annex]),
    ]


def compare_output(root: Path, project: Project, rev: str) -> Path:
    """Default path of a comparison: the paper's output name with `-changes-since-REV`."""
    output = root / normalise(project.config.output)
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", rev).strip("._") or "rev"
    return output.with_name(f"{output.stem}-changes-since-{label}{output.suffix}")


def _at_revision(found: list[Diagnostic], rev: str, severity: Severity) -> list[Diagnostic]:
    """The errors of `rev`'s files, said to be of that revision (their lines are its lines). With the comparison
    built they are warnings: what an error left out there (a section whose front matter was broken) shows as
    inserted, which the reader is told rather than left to take for the change it is not."""
    hint = "the comparison shows what this left out at that revision as inserted" if severity == "warning" else ""
    return [replace(d, severity=severity, message=f"at {rev}: {d.message}", hint=d.hint or hint)
            for d in found if d.severity == "error"]


def _at_head(root: Path, builder: ComparingBuilder, entries: set[int]) -> list[Segment] | None:
    """The paper as committed at HEAD, in segments rendered into `builder` (to tell which changes the work tree
    made), its contents' entries added to `entries`; None when HEAD's paper cannot be rendered."""
    head = load(root, "HEAD")
    if head.project is None or has_errors(head.diagnostics):
        return None
    found: list[Diagnostic] = []
    with builder.older(head.source):
        parts = render_parts(builder, head, version_of(root, "HEAD"), credits_for(head.project, attribute(head)),
                             found, True)
        listed = contents(builder, head.project)
    entries |= builder.entry_ids()
    return None if has_errors(found) else _segments(parts, listed)


def compare(root: Path, rev: str, output: Path | None = None, paginate: bool = False,
            step: Step = quiet) -> Assembled:
    """The current paper with every difference from `rev` as a Word tracked change, by the organisation that
    last changed the section's file (and that commit's date); changes the work tree made to what HEAD holds are by
    "Uncommitted". `paginate`
    runs the layout pass on the comparison, as `assemble` does on the paper."""
    from .redline import ComparingBuilder, Redliner, revision_ids  # only a comparison needs them
    from .redline_authors import Authors

    new = load(root)
    if new.project is None or has_errors(new.diagnostics):
        return Assembled(None, new.diagnostics)
    old = load(root, rev)
    if old.project is None:
        return Assembled(None, new.diagnostics + _at_revision(old.diagnostics, rev, "error"))
    version, old_version = version_of(root), version_of(root, rev)
    config = new.project.config
    builder, problems = open_template(new.source, config.template, ComparingBuilder)
    if builder is None:
        return Assembled(None, new.diagnostics + problems)
    found: list[Diagnostic] = []
    after = render_parts(builder, new, version, credits_for(new.project, attribute(new)), found, True)
    after_contents = contents(builder, new.project)
    entries = builder.entry_ids()
    with builder.older(old.source):
        before = render_parts(builder, old, old_version, credits_for(old.project, attribute(old)), found, True)
        before_contents = contents(builder, old.project)
    entries |= builder.entry_ids()
    diagnostics = new.diagnostics + _at_revision(old.diagnostics, rev, "warning") + found
    if has_errors(found):
        return Assembled(None, diagnostics, version)
    authors = Authors(root, rev, new.project, source_date() or datetime.now(timezone.utc))
    redliner = Redliner(revision_ids(builder.next_bookmark_id() + 1), lambda fid: builder.footnote_texts.get(fid, ""),
                        entries)
    old_parts, new_parts = _segments(before, before_contents), _segments(after, after_contents)
    who = authors.changes(old_parts, new_parts, _at_head(root, builder, entries) if authors.dirty else None, redliner)
    body = redliner.merge(old_parts, new_parts, who)
    builder.number_notes(body)
    builder.extend(body)
    extra = ((marks.COMPARED, old_version.commit),)
    data = finish(builder, new.project, version, extra)
    pages = None
    if paginate:  # the pages as LibreOffice lays out the comparison, its changes shown
        from .layout import heading_pages

        step("Laying out the pages with LibreOffice")
        toc.compared_entries(builder, body)
        pages = heading_pages(data, [mark for _, _, mark in builder.contents_entries])
        if toc.fill(builder, pages.pages, lambda: next(redliner.ids)):
            data = finish(builder, new.project, version, extra)
    target = output or compare_output(root, new.project, rev)
    failed = write_document(root, target, config, output is not None, data)
    if failed:
        return Assembled(None, diagnostics + failed, version)
    words = sum(item.words for item in new.parsed)
    return Assembled(target, diagnostics, version, words, len(new.project.ordered_sections()),
                     dict(redliner.counts), pages)
