"""The reviewed .docx as `apply` reads it: the section map that `assemble` recorded, the body split into its
sections by the hidden `_Coe{section}_{line}` bookmarks, which paragraphs a tracked change touches, and who made
the changes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from . import marks
from .wordblocks import Paragraph, Rev, Table, WordDocument, paragraphs


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


def built_boundaries(paras: list[Paragraph]) -> list[Paragraph]:
    """The paragraphs with the boundary the build made between two blocks read back where a record lost it.
    LibreOffice joins a new paragraph typed after a block and words typed at the start of the next block into one
    insertion, and saves the mark between them as inserted too: every mark from the first block to the next one is
    then new, and rejecting them would join two blocks of the build. The last of those marks is the build's."""
    out = list(paras)
    for index, para in enumerate(out):
        if bookmark(para) is None:
            continue
        first = index - 1
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
        if "quote" in before.style_name.lower() and "quote" not in para.style_name.lower() \
                and para.indent is not None and para.indent > 0 and para.indent == before.indent \
                and para.num is None and para.outline is None and bookmark(para) is None \
                and not para.text(accept=False):
            out[index] = replace(para, style=before.style, style_name=before.style_name)
    return out


def _inserted(mark: Rev | None) -> bool:
    return mark is not None and mark.kind == "ins"


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
