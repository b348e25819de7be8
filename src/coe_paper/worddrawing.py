"""A drawing in a run, as the .docx reader (wordread.py) meets it: a text box or a group of them (their
paragraphs), a SmartArt diagram or chart (their words, from parts of their own), WordArt kept from a .doc (its
text), a horizontal line (a VML shape marked o:hr, as Word's Horizontal Line and pandoc's thematic break are
drawn), or a picture (its part, description and the size it is shown at); anything else is a shape, dropped and
counted."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from . import ooxml
from .diagnostics import clipped
from .wordblocks import OBJECT, Block, Paragraph, Run, WordDocument
from .wordchart import chart_paragraphs
from .worddiagram import diagram_paragraphs
from .wordnodes import VML_OFFICE, outermost, picture_description
from .wordparts import int_value

Element = ooxml.Element
w = cache(ooxml.w)
R = ooxml.R_NS
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
VML = "urn:schemas-microsoft-com:vml"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


class Reader(Protocol):
    """What a drawing asks of the reader: its document and relationships, the blocks of a text box, and a count of
    what is dropped."""

    doc: WordDocument
    links: dict[str, str]

    def blocks(self, parent: Element, nested: bool = False) -> list[Block]: ...

    def drop(self, kind: str) -> None: ...


def read_drawing(reader: Reader, node: Element, para: Paragraph, add: object, extra: list[Block]) -> None:
    """A run's drawing (w:drawing, w:pict, w:object, or the markup-compatibility wrapper around one): a text box's
    or group's paragraphs, a diagram's or chart's words, WordArt's text (each into `extra`, after the paragraph),
    or a picture, added to the run through `add`; what has no Markdown form is dropped (counted) by `reader`."""
    choice = node.find(f"{{{MC}}}Choice") if node.tag == f"{{{MC}}}AlternateContent" else None
    node = choice if choice is not None else node  # the fallback repeats the choice
    boxes = [box for box in node.iter(w("txbxContent")) if outermost(box, node)]  # a group holds several
    if boxes:
        reader.drop("text box (text kept as paragraphs)")
        for box in boxes:
            for block in reader.blocks(box, nested=True):
                block.origin = "textbox"
                extra.append(block)
        for picture in node.iter(f"{{{A}}}blip"):
            if outermost(picture, node):  # one in a box is read with the box's text
                reader.drop("picture grouped with a text box")  # the group is read as its boxes' text
        return
    for words_of in (diagram_paragraphs, chart_paragraphs):  # SmartArt, charts: words in a part of their own
        found = words_of(reader.doc.docx, reader.links, node)
        if found is not None:
            reader.drop(found[0])
            extra += found[1]
            return
    art = [path.get("string", "") for path in node.iter(f"{{{VML}}}textpath") if path.get("string", "").strip()]
    if art:  # WordArt kept from a .doc: its words are an attribute of its shape, read as a text box's
        reader.drop("WordArt (its text kept as paragraphs)")
        extra += [Paragraph(runs=[Run(text)], origin="textbox") for text in art]
        return
    blip = next(node.iter(f"{{{A}}}blip"), None)
    rid = blip.get(f"{{{R}}}embed") if blip is not None else None
    image = next(node.iter(f"{{{VML}}}imagedata"), None) if rid is None else None
    if image is not None:  # a picture in VML (w:pict), as Word keeps one from a .doc
        rid = image.get(f"{{{R}}}id")
    target = reader.links.get(rid or "")
    if target is not None and not reader.doc.docx.has(target):  # a part the package lacks, a path out of it or a
        target = None  # file the relationship points to outside the draft (External): nothing to show or import
    if target is None:
        linked = blip is not None and blip.get(f"{{{R}}}link") is not None
        if rid and not linked:  # its image names a part the story's relationships lack (pandoc 2 and 3 write a
            # picture in a note so) or the package does not hold: no reader shows it; named by its description,
            # which is not in the section
            described = " ".join(picture_description(node, image).split())
            reader.drop("picture whose image is missing from the draft" +
                        (f" ('{clipped(described, 60)}')" if described else ""))
            return
        if not linked and any(shape.get(f"{{{VML_OFFICE}}}hr") in ("t", "true") for shape in node.iter()):
            para.rule = True  # a horizontal line: a rule, if the paragraph holds nothing else (see wordread)
            return
        reader.drop("picture linked to a file outside the draft" if linked else "shape")
        return
    assert callable(add)
    extent = next(node.iter(f"{{{WP}}}extent"), None) if image is None else None  # a VML picture's is its style's
    size = tuple(int_value(extent.get(name)) or 0 for name in ("cx", "cy")) if extent is not None else ()
    add(OBJECT, image=(target, picture_description(node, image)), extent=size if len(size) == 2 and all(size) else None)
