"""What the .docx reader asks of single WordprocessingML nodes: a picture's alt text, a table's rows or a row's
cells (inside content controls too), whether a text box lies in no other, whether a content control shows its
prompt, whether it holds a table of contents, and the text of a DrawingML paragraph (a diagram's, a chart's)."""

from __future__ import annotations

from functools import cache

from . import ooxml

Element = ooxml.Element
w = cache(ooxml.w)
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
VML_OFFICE = "urn:schemas-microsoft-com:office:office"


def picture_description(node: Element, image: Element | None) -> str:
    """A picture's alt text: the drawing's description or title; for a VML picture, its shape's alt text or the
    image's title."""
    prop = next(node.iter(f"{{{WP}}}docPr"), None)
    if prop is not None:
        return prop.get("descr") or prop.get("title") or ""
    shape = image.getparent() if image is not None else None
    if image is None or shape is None:
        return ""
    return shape.get("alt") or image.get(f"{{{VML_OFFICE}}}title") or ""


_WRAPPERS = (w("sdt"), w("sdtContent"), w("customXml"))  # around a table's rows or a row's cells, too


def rows_or_cells(parent: Element, tag: str) -> list[Element]:
    """The rows of a table, or the cells of a row, with those inside content controls and custom XML (a repeating
    section's rows, a form's cells)."""
    out: list[Element] = []
    for child in parent:
        if child.tag == tag:
            out.append(child)
        elif child.tag in _WRAPPERS:
            out += rows_or_cells(child, tag)
    return out


def outermost(box: Element, node: Element) -> bool:
    """Whether a text box (or a picture) is in no text box inside `node` (a box in a box is read with the outer
    one, a picture in a box with the box's text)."""
    parent = box.getparent()
    while parent is not None and parent is not node:
        if parent.tag == w("txbxContent"):
            return False
        parent = parent.getparent()
    return True


PROMPT = "content control showing its prompt (no member's words)"  # what the reader drops for `prompting`


def prompting(sdt: Element) -> bool:
    """Whether a content control (`w:sdt`) shows its placeholder, the prompt a form gives ('Click or tap here to
    enter text.'), rather than what someone typed into it."""
    shows = sdt.find(f"{w('sdtPr')}/{w('showingPlcHdr')}")
    return shows is not None and shows.get(w("val"), "true") not in ("0", "false", "off")


def contents(sdt: Element) -> bool:
    """Whether a content control (`w:sdt`) holds a table of contents: Word wraps its own so, and LibreOffice writes
    its entries so in the Normal style, which only the control tells from the text."""
    gallery = sdt.find(f"{w('sdtPr')}/{w('docPartObj')}/{w('docPartGallery')}")
    return gallery is not None and gallery.get(w("val"), "").lower() == "table of contents"


def drawing_text(p: Element) -> str:
    """A DrawingML paragraph's (a:p) text: its runs' and fields', a line break (a:br) as a space between words."""
    return "".join(node.text or "" if node.tag == f"{{{ooxml.A_NS}}}t" else " "
                   for node in p.iter(f"{{{ooxml.A_NS}}}t", f"{{{ooxml.A_NS}}}br"))
