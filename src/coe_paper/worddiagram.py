"""The text of a SmartArt diagram in a .docx, for the reader: Word keeps a diagram's words in a part of its own (the
diagram's data, `word/diagrams/dataN.xml`), not in the document; the drawing in the document only names that part.
Each point of the data model that holds text (a shape's words) becomes a paragraph, in the diagram's order: from
the root, each point's children by their order (the `parOf` connections); points no connection reaches follow in
the order the part lists them, so that no word is left out."""

from __future__ import annotations

from .ooxml import Element
from .safedocx import DocxError, SafeDocx
from .wordblocks import Paragraph, Run
from .wordnodes import drawing_text

DGM = "http://schemas.openxmlformats.org/drawingml/2006/diagram"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TEXT_POINTS = ("node", "asst")  # a shape's words, an assistant's (points of other types are the diagram's own)


def diagram_paragraphs(docx: SafeDocx, links: dict[str, str], node: Element) -> tuple[str, list[Paragraph]] | None:
    """What to report of the diagram that `node` (a w:drawing) shows, and its paragraphs; None for no diagram."""
    ids = next(node.iter(f"{{{DGM}}}relIds"), None)
    if ids is None:
        return None
    part = links.get(ids.get(f"{{{R}}}dm", ""), "")
    try:
        model = docx.xml(part)
    except DocxError:  # missing, too large or no XML: the rest of the draft is read all the same
        return "SmartArt diagram whose text cannot be read (its data is missing or damaged)", []
    points = {pt.get("modelId", ""): pt for pt in model.iter(f"{{{DGM}}}pt")}
    children: dict[str, list[tuple[int, str]]] = {}
    for cxn in model.iter(f"{{{DGM}}}cxn"):
        if cxn.get("type", "parOf") == "parOf":
            children.setdefault(cxn.get("srcId", ""), []).append((_order(cxn.get("srcOrd")), cxn.get("destId", "")))
    ordered: list[str] = []
    seen: set[str] = set()
    stack = [key for key, pt in reversed(points.items()) if pt.get("type") == "doc"]
    while stack:  # depth first, without recursion: a hostile model may nest deep or loop
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        ordered.append(key)
        stack += [child for _, child in sorted(children.get(key, []), reverse=True)]
    ordered += [key for key in points if key not in seen]
    out: list[Paragraph] = []
    for key in ordered:
        pt = points.get(key)
        if pt is None or pt.get("type", "node") not in _TEXT_POINTS:
            continue
        for para in pt.iter(f"{{{A}}}p"):
            text = drawing_text(para)
            if text.strip():
                out.append(Paragraph(runs=[Run(text)], origin="diagram"))
    return "SmartArt diagram (its text kept as paragraphs)", out


def _order(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
