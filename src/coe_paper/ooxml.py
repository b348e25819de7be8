"""Raw WordprocessingML for the body: runs, paragraphs and their properties, hyperlinks, bookmarks, fields and
footnote references. Tables are in `ooxml_table.py`; whole parts and part-level settings (numbering, footnotes,
styles, settings, custom properties) in `ooxml_parts.py`, tracked changes and comments in `ooxml_review.py`.
Everything else talks to Word through these four modules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from copy import deepcopy

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"w": W_NS, "r": R_NS}

Element = etree._Element


def w(tag: str) -> str:
    """Clark name of a `w:` element or attribute."""
    return f"{{{W_NS}}}{tag}"


_VAL = w("val")
_SPACE = f"{{{XML_NS}}}space"
P, PPR, R, RPR, T, PSTYLE, RSTYLE = w("p"), w("pPr"), w("r"), w("rPr"), w("t"), w("pStyle"), w("rStyle")
_ID, _NAME, _BR = w("id"), w("name"), w("br")
_BOOKMARK_START, _BOOKMARK_END = w("bookmarkStart"), w("bookmarkEnd")
_NUMPR, _ILVL, _NUMID = w("numPr"), w("ilvl"), w("numId")
_SubElement = etree.SubElement
# lxml's element copy (what copy.copy calls, without its dispatch); lxml-stubs do not declare it.
copy_element: Callable[[Element], Element] = etree._Element.__copy__  # type: ignore[attr-defined]

# Run formatting flags, in the order the schema wants them inside w:rPr. Bold and italic are set for complex
# scripts too (w:bCs, w:iCs), as Word sets them: Word and LibreOffice show Hebrew or Arabic bold by w:bCs alone.
BOLD, ITALIC, STRIKE = "b", "i", "strike"
UNDERLINE, HIGHLIGHT, SUPERSCRIPT, SUBSCRIPT = "u", "highlight", "superscript", "subscript"
_RPR_TAGS: tuple[tuple[str, str, dict[str, str]], ...] = (
    (BOLD, w("b"), {}), (BOLD, w("bCs"), {}), (ITALIC, w("i"), {}), (ITALIC, w("iCs"), {}), (STRIKE, w("strike"), {}),
    (HIGHLIGHT, w("highlight"), {w("val"): "yellow"}), (UNDERLINE, w("u"), {w("val"): "single"}),
    (SUPERSCRIPT, w("vertAlign"), {w("val"): "superscript"}), (SUBSCRIPT, w("vertAlign"), {w("val"): "subscript"}),
)


def sub(parent: Element, tag: str, **attrs: str) -> Element:
    """Append a `w:` child with `w:`-namespaced attributes."""
    return etree.SubElement(parent, w(tag), {w(k): v for k, v in attrs.items()})


def new(tag: str, **attrs: str) -> Element:
    return etree.Element(w(tag), {w(k): v for k, v in attrs.items()}, nsmap=NSMAP)


# Prepared paragraphs and runs, copied for each new one: a copy is several times faster than building the
# same elements one by one through lxml's Python API, and the copies serialise identically.
_PARAGRAPHS: dict[tuple[str | None, bool], Element] = {}  # by style and whether it starts with a bookmark
_RUNS: dict[tuple[bool | str | None, ...], Element] = {}  # by spaces kept, character style and flags
_NUMPR_TEMPLATE = etree.Element(_NUMPR)
_SubElement(_NUMPR_TEMPLATE, _ILVL, {_VAL: "0"})
_SubElement(_NUMPR_TEMPLATE, _NUMID, {_VAL: "0"})


def paragraph(style_id: str | None = None, mark: tuple[int, str] | None = None) -> Element:
    """A paragraph with style `style_id`, and with `mark` (id and name) a collapsed bookmark first, as `bookmark`
    would append it."""
    key = (style_id, mark is not None)
    template = _PARAGRAPHS.get(key)
    if template is None:
        template = etree.Element(P)
        if style_id:
            _SubElement(_SubElement(template, PPR), PSTYLE, {_VAL: style_id})
        if mark is not None:
            bookmark(template, 0, "")
        _PARAGRAPHS[key] = template  # stored only once complete (other threads may be reading)
    p = copy_element(template)
    if mark is not None:
        bookmark_id = str(mark[0])
        start = p[-2]
        start.set(_ID, bookmark_id)
        start.set(_NAME, mark[1])
        p[-1].set(_ID, bookmark_id)
    return p


def first_child(parent: Element, tag: str) -> Element | None:
    """The first child with `tag` (a Clark name), as `parent.find(tag)` gives it without lxml's path machinery."""
    return next(parent.iterchildren(tag), None)


def ppr(p: Element) -> Element:
    found = first_child(p, PPR)
    if found is None:
        found = etree.Element(PPR)
        p.insert(0, found)
    return found


def set_numbering(p: Element, num_id: int, level: int) -> None:
    """Make `p` an item of list `num_id` at `level` (w:numPr comes right after w:pStyle)."""
    props = ppr(p)
    num = copy_element(_NUMPR_TEMPLATE)
    num[0].set(_VAL, str(level))
    num[1].set(_VAL, str(num_id))
    props.insert(1 if first_child(props, PSTYLE) is not None else 0, num)


def set_indent(p: Element, left_twips: int, hanging: int = 0) -> None:
    attrs = {w("left"): str(left_twips), **({w("hanging"): str(hanging)} if hanging else {})}
    _insert_ordered(ppr(p), etree.Element(w("ind"), attrs), _PPR_ORDER)


def set_alignment(p: Element, align: str) -> None:
    _insert_ordered(ppr(p), etree.Element(w("jc"), {_VAL: align}), _PPR_ORDER)


def set_page_break_before(p: Element) -> None:
    _insert_ordered(ppr(p), etree.Element(w("pageBreakBefore")), _PPR_ORDER)


def set_tabs(p: Element, stops: Sequence[tuple[str, int, str]]) -> None:
    """Tab stops (alignment, position in twips, leader such as "dot" or "none") for paragraph `p`."""
    key = tuple(stops)
    tabs = _TABS.get(key)
    if tabs is None:  # prepared once, copied for each paragraph (the contents set the same few over and over)
        tabs = _TABS[key] = etree.Element(w("tabs"))
        for align, pos, leader in stops:
            sub(tabs, "tab", val=align, leader=leader, pos=str(pos))
    _insert_ordered(ppr(p), copy_element(tabs), _PPR_ORDER)


_TABS: dict[tuple[tuple[str, int, str], ...], Element] = {}


def tab(parent: Element) -> None:
    _SubElement(_SubElement(parent, R), w("tab"))


def set_bottom_border(p: Element) -> None:
    border = etree.Element(w("pBdr"))
    sub(border, "bottom", val="single", sz="6", space="1", color="auto")
    _insert_ordered(ppr(p), border, _PPR_ORDER)


_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "numPr", "pBdr", "shd", "tabs",
              "bidi", "spacing", "ind", "contextualSpacing", "jc", "outlineLvl")
# Letters of the scripts written from right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their forms).
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")


def any_right_to_left(text: str) -> bool:
    """Whether `text` holds a letter of a right-to-left script anywhere (what `set_directions` needs to look)."""
    return _RIGHT_TO_LEFT.search(text) is not None


def right_to_left(text: str) -> bool:
    """Whether `text` reads from right to left: its first letter of a strong direction is Hebrew, Arabic or another
    right-to-left script (Unicode's bidirectional rules P2 and P3, as HTML's `dir="auto"` decides)."""
    if _RIGHT_TO_LEFT.search(text) is None:
        return False
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


def text_of(element: Element) -> str:
    """The text of `element`'s runs (w:t), in document order."""
    return "".join(t.text or "" for t in element.iter(T))


def keep_with_next(p: Element) -> None:
    """Keep paragraph `p` on the page of the paragraph that follows it (w:keepNext)."""
    props = ppr(p)
    if first_child(props, w("keepNext")) is None:
        insert_ppr_child(props, new("keepNext"))


def set_directions(elements: Iterable[Element]) -> None:
    """Each paragraph in `elements` (in table cells too) whose text reads from right to left gets that direction
    (w:bidi): it starts at the right margin, its list number or bullet stands on the right and neutral characters
    such as a full stop at its end take their place on its left."""
    for element in elements:
        for p in element.iter(P):
            if right_to_left(text_of(p)):
                insert_ppr_child(ppr(p), etree.Element(w("bidi")))


def insert_ppr_child(props: Element, child: Element) -> None:
    """Insert `child` into a w:pPr at the place the schema gives it."""
    _insert_ordered(props, child, _PPR_ORDER)


def _insert_ordered(parent: Element, child: Element, order: Sequence[str]) -> None:
    rank = order.index(etree.QName(child).localname)
    for index, existing in enumerate(parent):
        name = etree.QName(existing).localname
        if name in order and order.index(name) > rank:
            parent.insert(index, child)
            return
    parent.append(child)


def insert_before_any(parent: Element, child: Element, later: Iterable[str]) -> None:
    """Insert `child` before the first existing child whose local name the schema places after it, else last."""
    names = set(later)
    for existing in parent:
        if etree.QName(existing).localname in names:
            existing.addprevious(child)
            return
    parent.append(child)


def run(parent: Element, text: str, flags: Iterable[str] = (), style_id: str | None = None) -> Element:
    """Append a run of `text` with character style and flags (bold, italic, strike, highlight, underline,
    superscript or subscript; `<sup>` wins over `<sub>` when both are open)."""
    preserve = text[:1].isspace() or text[-1:].isspace()  # as set_text has it
    key = (preserve, style_id, *flags)
    template = _RUNS.get(key)
    if template is None:
        template = etree.Element(R)
        if style_id or len(key) > 2:
            rpr = _SubElement(template, RPR)
            if style_id:
                _SubElement(rpr, RSTYLE, {_VAL: style_id})
            for flag, tag, attrs in _RPR_TAGS:
                if flag in key[2:] and not (flag == SUBSCRIPT and SUPERSCRIPT in key[2:]):
                    _SubElement(rpr, tag, attrs)
        _SubElement(template, T, {_SPACE: "preserve"} if preserve else {})
        _RUNS[key] = template  # stored only once complete (other threads may be reading)
    r = copy_element(template)
    r[-1].text = text
    parent.append(r)
    return r


def set_text(t: Element, text: str) -> None:
    """The text of a w:t, its spaces kept where Word would drop them (at either end)."""
    t.text = text
    if text[:1].isspace() or text[-1:].isspace():
        t.set(_SPACE, "preserve")


def text_run(parent: Element, text: str | None, rpr: Element | None, deleted: bool = False) -> Element:
    """Append a run with a copy of `rpr` holding `text` (w:delText when the run is a tracked deletion)."""
    r = etree.SubElement(parent, R)
    if rpr is not None:
        r.append(deepcopy(rpr))
    if text is not None:
        node = etree.SubElement(r, w("delText") if deleted else T)
        node.text = text
        node.set(_SPACE, "preserve")
    return r


def drawing_run(inline: Element) -> Element:
    """A run holding a picture (a wp:inline element), with no distance from the text around it, as Word writes it:
    without one, LibreOffice sets the picture in by its default margin (0.13 in), past the right margin."""
    for side in ("distT", "distB", "distL", "distR"):
        inline.set(side, "0")
    r = etree.Element(R)
    etree.SubElement(r, w("drawing")).append(inline)
    return r


TEXT_WIDTH = 9072  # twips between an A4 page's 2.5 cm margins (6.3 in): the widest a picture or a table is
_EXTENTS = (f"{{{WP_NS}}}extent", f"{{{A_NS}}}ext")
CAPTION_ROOM = 1000  # twips below a figure's picture: its paragraph's spacing, a caption of two lines and its own
LINE_SPACING = 1.15  # the template's line spacing (w:line 276), which Word and LibreOffice apply to a picture's line


def picture_height_limit(sect_pr: Element | None) -> int:
    """The tallest a picture may be, in EMU: its line (the picture at the template's line spacing) and a caption
    of two lines fit between the top and bottom margins of the page `sect_pr` sets up (A4 with 2.5 cm margins when
    it sets none), so that no picture runs off the page and none is parted from its caption."""
    def twips(name: str, attribute: str, default: int) -> int:
        found = sect_pr.find(w(name)) if sect_pr is not None else None
        value = found.get(w(attribute), "") if found is not None else ""
        return abs(int(value)) if value.lstrip("-").isdigit() else default

    height, top, bottom = twips("pgSz", "h", 16838), twips("pgMar", "top", 1417), twips("pgMar", "bottom", 1417)
    return int(max(height - top - bottom - CAPTION_ROOM, 1440) / LINE_SPACING) * 635  # an inch at least


def fit_drawings(elements: Iterable[Element], room: int) -> None:
    """Scale each picture in `elements` that is wider than `room` twips down to it, keeping its proportions."""
    limit = room * 635  # EMU
    for element in elements:
        for inline in element.iter(f"{{{WP_NS}}}inline"):
            for extent in inline.iter(*_EXTENTS):
                cx, cy = int(extent.get("cx", "0")), int(extent.get("cy", "0"))
                if cx > limit > 0:
                    extent.set("cx", str(limit))
                    extent.set("cy", str(cy * limit // cx))


def style_of(p: Element) -> str | None:
    """The paragraph style id of `p` (None: the default, Normal)."""
    style = p.find(f"{w('pPr')}/{PSTYLE}")
    return None if style is None else style.get(_VAL)


def set_space_before(p: Element, twips: int) -> None:
    insert_ppr_child(ppr(p), new("spacing", before=str(twips)))


def set_style(p: Element, style_id: str) -> None:
    """Give paragraph `p` the paragraph style `style_id`."""
    props = ppr(p)
    style = first_child(props, PSTYLE)
    if style is None:
        style = etree.Element(PSTYLE)
        props.insert(0, style)
    style.set(_VAL, style_id)


def line_break(parent: Element) -> None:
    _SubElement(_SubElement(parent, R), _BR)


def page_break(parent: Element) -> None:
    sub(etree.SubElement(parent, R), "br", type="page")


def hyperlink(parent: Element, *, r_id: str | None = None, anchor: str | None = None) -> Element:
    """A w:hyperlink to an external relationship or an internal bookmark; append runs to it."""
    link = etree.SubElement(parent, w("hyperlink"))
    if r_id:
        link.set(f"{{{R_NS}}}id", r_id)
    if anchor:
        link.set(w("anchor"), anchor)
    link.set(w("history"), "1")
    return link


def bookmark(parent: Element, bookmark_id: int, name: str, index: int | None = None) -> tuple[Element, Element]:
    """A collapsed bookmark (start and end) appended to (or inserted at `index` in) `parent`."""
    if index is None:  # in place, attributes set one by one: about twice as fast as free-standing elements
        start = _SubElement(parent, _BOOKMARK_START)
        start.set(_ID, str(bookmark_id))
        start.set(_NAME, name)
        end = _SubElement(parent, _BOOKMARK_END)
        end.set(_ID, str(bookmark_id))
        return start, end
    start = etree.Element(_BOOKMARK_START, {_ID: str(bookmark_id), _NAME: name})
    end = etree.Element(_BOOKMARK_END, {_ID: str(bookmark_id)})
    parent.insert(index, end)
    parent.insert(index, start)
    return start, end


def footnote_reference(parent: Element, footnote_id: int, style_id: str | None) -> None:
    r = etree.SubElement(parent, R)
    if style_id:
        etree.SubElement(etree.SubElement(r, RPR), RSTYLE, {_VAL: style_id})
    etree.SubElement(r, w("footnoteReference"), {w("id"): str(footnote_id)})


def footnote_ref_mark(parent: Element, style_id: str | None) -> None:
    """The number at the start of a footnote's own text."""
    r = etree.SubElement(parent, R)
    if style_id:
        etree.SubElement(etree.SubElement(r, RPR), RSTYLE, {_VAL: style_id})
    etree.SubElement(r, w("footnoteRef"))
    run(parent, " ")


def field(parent: Element, instruction: str, result: str = "") -> None:
    """A complex field (begin, instruction, separate, cached result, end) inside one paragraph."""
    field_begin(parent, instruction)
    if result:
        run(parent, result)
    field_end(parent)


def field_begin(parent: Element, instruction: str, dirty: bool = False) -> Element:
    """Begin, instruction and separate runs of a complex field; returns the w:fldChar that begins it."""
    begin = sub(etree.SubElement(parent, R), "fldChar", fldCharType="begin")
    if dirty:
        begin.set(w("dirty"), "true")
    instr = etree.SubElement(etree.SubElement(parent, R), w("instrText"))
    instr.text = f" {instruction} "
    instr.set(_SPACE, "preserve")
    sub(etree.SubElement(parent, R), "fldChar", fldCharType="separate")
    return begin


def field_end(parent: Element) -> None:
    sub(etree.SubElement(parent, R), "fldChar", fldCharType="end")
