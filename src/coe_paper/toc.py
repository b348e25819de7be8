"""The table of contents: a TOC field whose cached result already lists the headings (their numbers and titles,
each linked to its heading), so the document reads right before Word refreshes it; after the layout pass, `fill`
adds each entry's page number, and Word need not refresh it at all. The entry of a heading in Hebrew or Arabic reads
from right to left, as the heading does (w:bidi). A comparison's contents (the older and the current contents merged
with tracked changes, redline.py) get their pages the same way (`compared_entries`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import ooxml

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder

Element = ooxml.Element
_ANCHOR = ooxml.w("anchor")
_INSERTED_MARK = f"{ooxml.PPR}/{ooxml.RPR}/{ooxml.w('ins')}"
_DELETED_MARK = f"{ooxml.PPR}/{ooxml.RPR}/{ooxml.w('del')}"
_ANNEX_LABEL = 1500  # twips from an annex's entry to its title: room for "Annex VIII" in the contents' size


LEVELS = 2  # the heading levels the contents list


def table_of_contents(doc: DocxBuilder, title: str, levels: int = LEVELS) -> list[Element]:
    """A TOC field whose cached result already lists the headings; `fill` adds their page numbers,
    else the field is marked for Word to refresh."""
    heading = ooxml.paragraph(doc.style("TOC Heading") or doc.style("heading 1"))
    ooxml.insert_ppr_child(ooxml.ppr(heading), ooxml.new("outlineLvl", val="0"))  # LibreOffice's PDF: an H1, not P
    ooxml.run(heading, title)
    entries = [(lvl, text, mark) for lvl, text, mark in doc.headings if lvl <= levels]
    paragraphs = [heading]
    instruction = f'TOC \\o "1-{levels}" \\h \\z'  # no \u: Word would list the title by its outline level
    doc.contents_entries = []
    if not entries:
        p = ooxml.paragraph(doc.style("toc 1"))
        doc.toc_begin = ooxml.field_begin(p, instruction, dirty=True)
        paragraphs.append(p)
    width = text_width(doc)
    prepared: dict[tuple[int, int], Element] = {}  # an entry of each level, without a number, with one, an annex's
    for index, (lvl, text, mark) in enumerate(entries):
        number = doc.heading_numbers.get(mark, "")
        if index == 0:  # the field begins in the first entry, before its link
            p = _entry(doc, lvl, number, text, mark, width, instruction)
        else:  # a copy of a prepared entry, its texts and link set: thousands of headings in a long paper
            key = (lvl, _kind(number))
            if key not in prepared:
                prepared[key] = _entry(doc, lvl, number and ("Annex" if key[1] == 2 else "1"), "x", "x", width)
            p = ooxml.copy_element(prepared[key])
            link = p[-1]
            link.set(_ANCHOR, mark)
            for t, value in zip(link.iter(ooxml.T), [number, text] if number else [text], strict=True):
                ooxml.set_text(t, value)
        if ooxml.right_to_left(text):  # as its heading reads: number and title from the right, page on the left
            ooxml.insert_ppr_child(ooxml.ppr(p), ooxml.new("bidi"))
        doc.contents_entries.append((p, p[-1], mark))
        paragraphs.append(p)
    ooxml.field_end(paragraphs[-1])
    return paragraphs


def _kind(number: str) -> int:
    """0 for an entry without a number, 1 for a chapter's or section's, 2 for an annex's ("Annex I")."""
    return 0 if not number else 1 if number[:1].isdigit() or "." in number else 2


def _entry(doc: DocxBuilder, lvl: int, number: str, text: str, mark: str, width: int,
           instruction: str | None = None) -> Element:
    """One entry of the contents: its number and title in a link to the heading, tab stops for both."""
    p = ooxml.paragraph(doc.style(f"toc {lvl}"))
    indent = 220 * (lvl - 1)  # the toc styles' own indents
    title_at = indent + 440 + 220 * lvl  # a number hangs: a title that wraps goes on under itself, not the number
    if _kind(number) == 2:
        title_at = indent + _ANNEX_LABEL  # "Annex VIII"
    ooxml.set_tabs(p, [("left", title_at, "none")] * bool(number) + [("right", width, "dot")])
    if number:
        ooxml.set_indent(p, title_at, title_at - indent)
    if instruction is not None:
        doc.toc_begin = ooxml.field_begin(p, instruction, dirty=True)
    link = ooxml.hyperlink(p, anchor=mark)
    if number:
        ooxml.run(link, number)
        ooxml.tab(link)
    ooxml.run(link, text)
    return p


def text_width(doc: DocxBuilder) -> int:
    """Width between the margins in twips (from the template's page setup; A4 with 2.5 cm margins if none)."""
    sect = doc.section_properties
    size = sect.find(ooxml.w("pgSz")) if sect is not None else None
    margins = sect.find(ooxml.w("pgMar")) if sect is not None else None
    if size is None or margins is None:
        return 9638
    return int(size.get(ooxml.w("w"), "11906")) - int(margins.get(ooxml.w("left"), "1417")) - int(
        margins.get(ooxml.w("right"), "1417"))


def fill(doc: DocxBuilder, pages: dict[str, int], next_id: Callable[[], int] | None = None) -> bool:
    """Write each contents entry's page (a PAGEREF field with its cached number, after a dot-leader tab) and
    stop asking Word to refresh fields on opening; False (nothing changed) unless every entry has a page. An
    entry inserted as a tracked change (a comparison's) gets its page inserted with it, numbered by `next_id`, so
    that rejecting the change leaves no page number behind."""
    if not doc.contents_entries or any(mark not in pages for _, _, mark in doc.contents_entries):
        return False
    for p, link, mark in doc.contents_entries:
        parent = link
        inserted = p.find(_INSERTED_MARK)
        if inserted is not None and next_id is not None:
            parent = ooxml.copy_element(inserted)
            parent.set(ooxml.w("id"), str(next_id()))
            link.append(parent)
        ooxml.tab(parent)
        ooxml.field(parent, f"PAGEREF {mark} \\h", str(pages[mark]))
    if doc.toc_begin is not None:
        doc.toc_begin.attrib.pop(ooxml.w("dirty"), "")
    doc.contents_filled = True
    return True


def compared_entries(doc: DocxBuilder, body: Sequence[Element]) -> None:
    """Take the contents of a comparison's merged `body` as the document's contents, for `fill`: its TOC field,
    and each entry with the last of its links to a heading bookmarked in `body` (a changed entry links to the
    older heading in its deleted words, to the current one in the rest). An entry deleted whole has no page: its
    heading is gone."""
    styles = {doc.style(f"toc {level}") for level in (1, 2)} - {None}
    marks = {node.get(ooxml.w("name")) for block in body for node in block.iter(ooxml.w("bookmarkStart"))}
    doc.contents_entries, doc.toc_begin = [], None
    for p in body:
        if p.tag != ooxml.P or ooxml.style_of(p) not in styles:
            continue
        for instruction in p.iter(ooxml.w("instrText")):
            begin = instruction.getparent()
            begin = begin.getprevious() if begin is not None else None
            if doc.toc_begin is None and begin is not None and (instruction.text or "").strip().startswith("TOC "):
                doc.toc_begin = begin.find(ooxml.w("fldChar"))
        links = [link for link in p.iter(ooxml.w("hyperlink")) if link.get(_ANCHOR) in marks]
        if links and p.find(_DELETED_MARK) is None:
            doc.contents_entries.append((p, links[-1], str(links[-1].get(_ANCHOR))))
