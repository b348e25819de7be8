"""Raw WordprocessingML for a table on landscape pages of its own: a section break before its caption (and before the
heading that introduces it) and one after it, the pages between turned to landscape, and the page setup of each new
section taken from the template's."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from lxml import etree

from .ooxml import NSMAP, TEXT_WIDTH, Element, copy_element, paragraph, style_of, sub, w

#: The text's width on a landscape page: an A4 page's with its long side across (the table's columns' room).
LANDSCAPE_WIDTH = TEXT_WIDTH + 16838 - 11906
_SECT_PR, _PARAGRAPH, _TABLE = w("sectPr"), w("p"), w("tbl")
_ORIENT, _LANDSCAPE = w("orient"), "landscape"
_KEEP_NEXT, _OFF = w("keepNext"), ("0", "false", "off")
#: What a section after the first takes from the one before it: its headers and footers; and it has no first page
#: of its own (the cover's, without header or footer).
_INHERITED = (w("headerReference"), w("footerReference"), w("titlePg"))
_BREAKS = etree.XPath("w:p[w:pPr/w:sectPr]", namespaces=NSMAP)


def section_break(landscape: bool) -> Element:
    """An empty paragraph that ends a section: a landscape one (the pages of a wide table), or the portrait one
    before it. Its page setup is the template's, filled in when the body is placed (see `fill_breaks`)."""
    p = paragraph()
    size = sub(sub(sub(p, "pPr"), "sectPr"), "pgSz")
    if landscape:
        size.set(_ORIENT, _LANDSCAPE)
    return p


def place_breaks(blocks: list[Element], captions: Iterable[Element]) -> None:
    """Put each caption marked landscape and its table (the next table after it) between section breaks; two such
    tables in a row share their landscape pages."""
    for caption in captions:
        if caption not in blocks:  # in a footnote: no section there
            continue
        start = blocks.index(caption)
        end = next((i for i in range(start + 1, len(blocks)) if blocks[i].tag == _TABLE), None)
        if end is None:
            continue
        blocks.insert(end + 1, section_break(True))
        if start and _landscape_break(blocks[start - 1]):  # right after another: the same landscape pages
            del blocks[start - 1]
        else:
            blocks.insert(start, section_break(False))


def _landscape_break(block: Element) -> bool:
    size = block.find(f"{w('pPr')}/{_SECT_PR}/{w('pgSz')}") if block.tag == _PARAGRAPH else None
    return size is not None and size.get(_ORIENT) == _LANDSCAPE


def breaks_in(parent: Element) -> set[Element]:
    """The children of `parent` that end a section (see `is_break`), found in one pass: asking each of a long
    paper's thousands of blocks took 25 ms a build at 300 sections."""
    found: list[Element] = _BREAKS(parent)  # type: ignore[assignment]  # an XPath to elements gives elements
    return set(found)


def hold_headings(body: list[Element], styles: Element, breaks: Collection[Element]) -> None:
    """Move each break that ends a portrait section back before the paragraphs kept with what follows it (a heading,
    a section's title and byline, a lead-in), so that they open the landscape page with their table: keep-with-next
    does not reach across a section break, and they stayed alone at the foot of the page before. Where that reaches
    back to the end of other landscape pages, the table joins them. `breaks`: the breaks among `body`'s blocks."""
    if not breaks:
        return
    kept: set[str] | None = None
    index = len(body) - 1
    while index > 0:
        block = body[index]
        index -= 1
        if block not in breaks or _landscape_break(block):
            continue
        if kept is None:
            kept = _keeping_styles(styles)
        start = index + 1
        while start and _keeps_with_next(body[start - 1], kept):
            start -= 1
        if start > index:
            continue
        del body[index + 1]
        _detach(block)
        if start and _landscape_break(body[start - 1]):  # the pages of the landscape table before go on
            _detach(body.pop(start - 1))
        else:
            body.insert(start, block)
            body[start + 1].addprevious(block)
        index = start - 1


def is_break(block: Element) -> bool:
    """Whether `block` is a paragraph that ends a section (see `section_break`)."""
    return block.tag == _PARAGRAPH and block.find(f"{w('pPr')}/{_SECT_PR}") is not None


def _detach(block: Element) -> None:
    parent = block.getparent()
    if parent is not None:
        parent.remove(block)


def _keeps_with_next(block: Element, kept: set[str]) -> bool:
    if block.tag != _PARAGRAPH or is_break(block):
        return False
    flag = block.find(f"{w('pPr')}/{_KEEP_NEXT}")
    if flag is not None:
        return flag.get(w("val"), "1") not in _OFF
    return style_of(block) in kept


def _keeping_styles(styles: Element) -> set[str]:
    """The paragraph styles that keep their paragraph with the next (w:keepNext), their own or a style's they are
    based on."""
    nodes = {node.get(w("styleId"), ""): node for node in styles.iter(w("style"))}

    def keeps(style_id: str, seen: frozenset[str]) -> bool:
        node = nodes.get(style_id)
        if node is None or style_id in seen:
            return False
        flag = node.find(f"{w('pPr')}/{_KEEP_NEXT}")
        if flag is not None:
            return flag.get(w("val"), "1") not in _OFF
        based = node.find(w("basedOn"))
        return based is not None and keeps(based.get(w("val"), ""), seen | {style_id})

    return {style_id for style_id in nodes if keeps(style_id, frozenset())}


def fill_breaks(body: Sequence[Element], final: Element | None, breaks: Collection[Element]) -> None:
    """Give each section break in `body` (`breaks`, those among its blocks) the page setup of the template's
    section, `final` (the body's own, which ends the last section): the first break all of it (the cover's first
    page and the headers and footers), later ones the page alone, turned for a landscape one; the last section then
    has no first page of its own."""
    if final is None or not breaks:
        return
    path = f"{w('pPr')}/{_SECT_PR}"
    for index, block in enumerate([block for block in body if block in breaks]):
        setup = copy_element(final)
        for child in list(setup):
            if index and child.tag in _INHERITED:
                setup.remove(child)
        size = setup.find(w("pgSz"))
        if _landscape_break(block) and size is not None:
            width, height = size.get(w("w"), "11906"), size.get(w("h"), "16838")
            size.set(w("w"), height)
            size.set(w("h"), width)
            size.set(_ORIENT, _LANDSCAPE)
        ppr, placeholder = block.find(w("pPr")), block.find(path)
        if ppr is not None and placeholder is not None:
            ppr.replace(placeholder, setup)
    for child in final.findall(w("titlePg")):
        final.remove(child)
