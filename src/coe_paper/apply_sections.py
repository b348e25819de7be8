"""The reviewed .docx as `apply` reads it: the section map that `assemble` recorded, the body split into its
sections by the hidden `_Coe{section}_{line}` bookmarks, which paragraphs a tracked change touches, the runs of
paragraphs that inserted or deleted marks join, and who made the changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from . import marks
from .edits import Finding, first_author
from .importer_kinds import quote_style
from .mdinline import Unit
from .mdtext import short
from .wordblocks import Paragraph, Rev, Row, Run, Table, WordDocument, paragraphs


class ApplyError(Exception):
    """The .docx was not made by `coe-paper assemble`, or the project cannot take its changes."""


@dataclass
class Section:
    """One section of the reviewed document: its place in the paper, id, file, blocks and the notes it cites."""

    index: int
    id: str
    path: str
    body: list[Paragraph | Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # footnote ids cited in the body, in order


def section_table(doc: WordDocument) -> tuple[list[tuple[str, str]], str]:
    """The (id, file) of each section the document was built from, and the build's commit."""
    table = marks.section_map(doc.properties)
    if table is None:
        raise ApplyError("this document was not made by `coe-paper assemble` (it has no usable section map), so its "
                         "changes cannot be traced to the sources; use `coe-paper comments` to list them")
    return table, doc.properties.get(marks.COMMIT, "")


def bookmark(para: Paragraph) -> tuple[int, int] | None:
    """The section index and source line of the paragraph's `_Coe` bookmark, if it has one."""
    return next((found for found in map(marks.parse, para.bookmarks) if found is not None), None)


def split_sections(doc: WordDocument, table: list[tuple[str, str]]) -> tuple[list[Section], list[Paragraph]]:
    """The body's blocks by section (from the bookmarks); paragraphs outside every section apart."""
    sections = [Section(i, sid, path) for i, (sid, path) in enumerate(table)]
    outside: list[Paragraph] = []
    current: Section | None = None
    for block in doc.blocks:
        first = block if isinstance(block, Paragraph) else next(iter(paragraphs([block])), None)
        mark = bookmark(first) if first is not None else None
        if mark is not None and mark[1] == 1 and mark[0] < len(sections):
            current = sections[mark[0]]
        elif isinstance(block, Paragraph) and block.style_name.lower() in ("heading 1", "title") and mark is None:
            current = None  # the annex or another heading of the paper's own
        if current is None:
            outside += paragraphs([block])
            continue
        current.body.append(block)
        for para in paragraphs([block]):
            current.notes += [run.note[1] for run in para.runs if run.note and run.note[0] == "footnote"]
    return sections, outside


def moved_marks(section: Section) -> None:
    """Put the bookmarks of a paragraph moved whole back where it was built. Word moves a paragraph's bookmarks with
    its text to the paragraph it writes at the move's end (w:moveTo, inserted whole), which would leave the block of
    the build deleted with no bookmark, and read the new paragraph as that block. They go to the paragraph deleted
    whole (w:moveFrom) that has no bookmark of the section and holds the words moved (before any edit made inside
    the move: words typed into it, or deleted from it), when one only does; or, where Word dropped words deleted
    from the move, the one most like them (and like them)."""
    def own(para: Paragraph) -> list[str]:
        return [name for name in para.bookmarks
                if (found := marks.parse(name)) is not None and found[0] == section.index]

    paras = list(paragraphs(section.body))
    for para in paras:
        names = own(para)
        if not names or para.mark is None or para.mark.kind != "ins" or para.text(accept=False).strip():
            continue
        moved = "".join(r.text for r in para.runs if r.rev is not None and r.rev.moved)
        words = moved if moved.strip() else para.text()
        gone = [p for p in paras if p.mark is not None and p.mark.built and not p.text().strip() and not own(p)]
        sources = [p for p in gone if p.text(accept=False) == words]
        if not sources and moved.strip():
            found = marks.most_like(words, ((p, p.text(accept=False)) for p in gone))
            sources = [found] if found is not None else []
        if len(sources) == 1:
            sources[0].bookmarks += names
            para.bookmarks = [name for name in para.bookmarks if name not in names]


def restore_marks(section: Section, blocks: dict[int, tuple[str, bool]]) -> None:
    """Put back the bookmarks of blocks whose first words were deleted with Track Changes off: LibreOffice deletes
    a bookmark at the start of the text it deletes, and the block read as removed, with its tracked changes
    untraceable. `blocks`: each source block's text by line (a table row's cells joined by " | ") and whether it
    is a table row. A paragraph, or a table row, without a bookmark between two with one, where one block of
    theirs has none left, is that block if it is the one whose text is most like it (and like it)."""
    candidates: list[tuple[Paragraph, str, bool]] = []  # (the paragraph that holds a bookmark, its text, a row)
    for block in section.body:
        if isinstance(block, Paragraph):
            candidates.append((block, block.text(accept=False), False))
            continue
        for row in block.rows:
            first = next(iter(paragraphs(row.cells[0].blocks)), None) if row.cells else None
            text = " | ".join(" ".join(p.text(accept=False) for p in paragraphs(cell.blocks)) for cell in row.cells)
            if first is not None:
                candidates.append((first, text, True))
    lines = [mark[1] if (mark := bookmark(para)) is not None and mark[0] == section.index else None
             for para, _, _ in candidates]
    seen = {found[1] for para in paragraphs(section.body) for found in map(marks.parse, para.bookmarks)
            if found is not None and found[0] == section.index}
    known = [index for index, line in enumerate(lines) if line is not None]
    if not known:  # no block kept its bookmark (its title's gone, the section read as empty): nothing to go by
        return
    for lo, hi in zip(known, [*known[1:], len(lines)], strict=True):
        above, below = lines[lo] or 0, lines[hi] if hi < len(lines) else None
        missing = [line for line in blocks if line not in seen and above < line and (below is None or line < below)]
        if len(missing) != 1:
            continue
        text, is_row = blocks[missing[0]]
        unmarked = [index for index in range(lo + 1, hi) if candidates[index][1].strip(" |")
                    and candidates[index][2] == is_row]
        if not unmarked:
            continue
        found = marks.most_like(text, (candidates[i][:2] for i in unmarked))
        if found is not None:
            found.bookmarks.append(marks.source_mark(section.index, missing[0]))


def built_boundaries(paras: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with the boundary the build made between two blocks read back where a record lost it.
    LibreOffice joins a new paragraph typed after a block and words typed at the start of the next block into one
    insertion, and saves the mark between them as inserted too: every mark from the first block to the next one is
    then new, and rejecting them would join two blocks of the build. The last of those marks is the build's. So is
    the mark between two blocks of the build (each with its bookmark) where words typed at the end of the first and
    at the start of the second are one insertion."""
    out = list(paras)
    for index, para in enumerate(out):
        if bookmark(para) is None:
            continue
        first = index - 1
        if first >= 0 and _inserted(out[first].mark) and bookmark(out[first]) is not None and _typed_at(
                out[first].runs[-1:]) and _typed_at(para.runs[:1]):
            out[first] = replace(out[first], mark=None)
            continue
        while first >= 0 and _inserted(out[first].mark) and bookmark(out[first]) is None \
                and not out[first].text(accept=False) and out[first].text():
            first -= 1  # a new paragraph, mark and all
        if 0 <= first < index - 1 and _inserted(out[first].mark) and out[first].text(accept=False):
            out[index - 1] = replace(out[index - 1], mark=None)
    return out


def quote_continued(paras: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with a new one typed at the end of a quote read as part of that quote. The template's Quote
    style is followed by Normal, so Enter at the end of a quote gives the new paragraph Normal, but it keeps the
    quote's indent, and a reader (and pandoc) sees it in the quote: it takes the quote's style. A new paragraph
    without that indent stays a paragraph of its own."""
    out = list(paras)
    for index in range(1, len(out)):
        para, before = out[index], out[index - 1]
        if quote_style(before.style_name) and not quote_style(para.style_name) \
                and para.indent is not None and para.indent > 0 and para.indent == before.indent \
                and para.num is None and para.outline is None and bookmark(para) is None \
                and not para.text(accept=False):
            out[index] = replace(para, style=before.style, style_name=before.style_name)
    return out


def _inserted(mark: Rev | None) -> bool:
    return mark is not None and mark.kind == "ins"


def _typed_at(runs: list[Run]) -> bool:
    """Whether the run (the end or the start of a paragraph) is inserted text."""
    return any(run.text and _inserted(run.rev) for run in runs)


def changed(paras: list[Paragraph]) -> bool:
    """Whether a tracked change touches the paragraphs' text or marks."""
    return any(p.mark is not None or any(r.rev is not None for r in p.runs) for p in paras)


def authors(doc: WordDocument, section: Section | None = None) -> list[str]:
    """Every author of a tracked change (or in one section: its body and footnotes), in the order they appear."""
    seen: dict[str, None] = {}

    def note(rev: Rev | None) -> None:
        if rev is not None:
            seen.update(dict.fromkeys([rev.inserted_by or rev.author, rev.author]))

    notes = doc.notes.values() if section is None else (doc.notes.get(("footnote", n), []) for n in section.notes)
    for block in [*(doc.blocks if section is None else section.body), *(b for blocks in notes for b in blocks)]:
        if isinstance(block, Table):
            for row in block.rows:
                note(row.rev)
        for para in paragraphs([block]):
            note(para.mark)
            for run in para.runs:
                note(run.rev)
    return list(seen)


def level_moved(para: Paragraph, unit: Unit) -> str | None:
    """What became of the list item `unit` (the paragraph's source block) if the paragraph is no longer at the
    level the build gave it (`render` numbers depth d at level d - 1, the deepest at 8), or no longer numbered:
    Tab and Shift+Tab in a list change it, and LibreOffice records no change of it."""
    if unit.kind != "item":
        return None
    built = min(unit.level, 9)
    if para.num is None:
        return f"list item “{short(unit.text)}” is no longer a list item in Word"
    if para.num[1] + 1 == built:
        return None
    way = "outdented" if para.num[1] + 1 < built else "indented"
    return f"list item “{short(unit.text)}” {way} in Word from level {built} to level {para.num[1] + 1}"


def join_out(group: list[Paragraph], unit: Unit, accepted: Callable[[str], bool]) -> list[Finding]:
    """A group that ends in a deleted mark joins its last paragraph to what follows it outside the section's text
    here (the next section's title, a byline, a table), which the file cannot hold: said, not lost."""
    mark = group[-1].mark
    if mark is None or not mark.built or not accepted(mark.author) or not group[-1].text():
        return []
    return [Finding("skipped", unit.line, mark.author, "a deleted paragraph mark joins this paragraph to what "
                    "follows it (the next section, a byline or a table), which is not in this file; join them by "
                    "hand")]


def row_change(row: Row, cells: list[list[Paragraph]], known: bool) -> bool:
    """Whether the row as a whole was inserted or deleted. LibreOffice marks rows next to a changed row as changed
    too: a row the build made (it has a source bookmark) counts as inserted only if all its text is inserted, and
    any row as deleted only if all its text is deleted."""
    if row.rev is None:
        return False
    runs = [run for paras in cells for para in paras for run in para.runs if run.text.strip()]
    if row.rev.kind == "ins":
        return not known or all(run.rev is not None and run.rev.kind == "ins" for run in runs)
    return all(run.rev is not None and run.rev.kind == "del" for run in runs)


def groups(paras: list[Paragraph], body: bool = True,
            rest: Callable[[list[Paragraph], Paragraph], bool] | None = None) -> Iterator[list[Paragraph]]:
    """Runs of paragraphs joined by inserted or deleted marks. A new paragraph at the end of a story (nothing
    after it to join) is joined to the paragraph before it, as Word records it when Enter is pressed there. In
    the body, a paragraph with no bookmark and no change (a byline) ends a group, unless `rest` finds it is the
    second half of a split block (split with Track Changes on or off)."""
    runs: list[list[Paragraph]] = []
    group: list[Paragraph] = []
    for index, para in enumerate(paras):
        group.append(para)
        after = paras[index + 1] if index + 1 < len(paras) else None
        split = foreign = False
        if body and after is not None and bookmark(after) is None and not changed([after]):
            new_mark = para.mark is not None and not para.mark.built
            typed = para.mark is None and bool(after.text())  # with Track Changes off
            split = (new_mark or typed) and rest is not None and rest(group, after)
            foreign = not split  # a template's paragraph (byline, page break) ends a group
        if (para.mark is None and not split) or foreign:
            runs.append(group)
            group = []
    if group:
        runs.append(group)
    kept = -1  # the last group not joined to the one before it
    for index, group in enumerate(runs):
        before = runs[kept] if kept >= 0 else []
        new = all(bookmark(p) is None and not p.text(accept=False) for p in group) and changed(group)
        items = _new_items(before[-1], group) if before and not new else 0
        if (new or items) and before and before[-1].mark is None:
            before[-1] = replace(before[-1], mark=Rev("ins", first_author(group), ""))
            before += group[:items] if items else group
            runs[index] = group[items:] if items else []
        if runs[index]:
            kept = index
    yield from (g for g in runs if g)


def _new_items(before: Paragraph, group: list[Paragraph]) -> int:
    """How many whole new items of the list `before` is an item of begin `group` (an item moved, or pasted, to
    follow a list's last item: Word joins it to the block after the list, where it is not an item): they go on
    that list, as Enter at its last item's end would have made them."""
    count = 0
    while count < len(group) and before.num is not None:
        para = group[count]
        if not (para.num is not None and para.num[0] == before.num[0] and not para.text(accept=False)
                and para.mark is not None and para.mark.kind == "ins"):
            break
        count += 1
    return count


def old_paragraphs(group: list[Paragraph]) -> list[list[Paragraph]]:
    """The paragraphs the group was before the review: a deleted mark separated two of them."""
    olds: list[list[Paragraph]] = [[]]
    for index, para in enumerate(group):
        olds[-1].append(para)
        if index + 1 < len(group) and para.mark is not None and para.mark.built:
            olds.append([])
    return olds
