"""Regenerate paper/template.docx: python-docx's default styles on A4, with the styles coe-paper renders with.

Run: python scripts/make_template.py [OUTPUT]
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm, Pt, RGBColor

from coe_paper import ooxml, ooxml_parts
from coe_paper.a11y import contrast
from coe_paper.docx_writer import write_atomic
from coe_paper.zipout import zip_entries

EU_BLUE = RGBColor(0x00, 0x33, 0x99)


def _reproducible(data: bytes) -> bytes:
    """The zip again with fixed timestamps."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return zip_entries([(info.filename, source.read(info.filename)) for info in source.infolist()], None)


def darken(styles: ooxml.Element) -> int:
    """Text colours of paragraph and character styles that have under 4.5:1 contrast against the page (WCAG 2.1
    AA, checked by COE535) made dark enough: greys to #595959, other colours to the EU blue. Returns how many."""
    changed = 0
    for style in styles.iter(ooxml.w("style")):
        shaded = style.find(f".//{ooxml.w('shd')}") is not None
        if style.get(ooxml.w("type")) not in ("paragraph", "character") or shaded:
            continue
        colour = style.find(f"{ooxml.w('rPr')}/{ooxml.w('color')}")
        value = colour.get(ooxml.w("val"), "") if colour is not None else ""
        if colour is None or len(value) != 6 or value.lower() == "auto" or contrast(value) >= 4.5:
            continue
        grey = len({value[0:2], value[2:4], value[4:6]}) == 1
        colour.set(ooxml.w("val"), "595959" if grey else str(EU_BLUE))
        for theme in ("themeColor", "themeShade", "themeTint"):
            colour.attrib.pop(ooxml.w(theme), None)
        changed += 1
    return changed


def build() -> bytes:
    document = docx.Document()
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(r_id)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    styles = document.styles
    ooxml_parts.ensure_styles(styles.element)
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    for name, size in (("Title", 30), ("Subtitle", 16), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        styles[name].font.color.rgb = EU_BLUE
        styles[name].font.size = Pt(size)
    ooxml_parts.set_language(styles.element, "en-GB")
    darken(styles.element)
    core = document.core_properties
    core.title, core.author, core.last_modified_by = "Template", "coe-paper", "coe-paper"
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def darken_file(path: Path) -> int:
    """Darken the styles of an existing template in place, leaving its other parts as they are."""
    import zipfile

    from lxml import etree

    with zipfile.ZipFile(path) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    styles = etree.fromstring(parts["word/styles.xml"])
    changed = darken(styles)
    parts["word/styles.xml"] = etree.tostring(styles, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    write_atomic(path, _reproducible(buffer.getvalue()))
    return changed


if __name__ == "__main__":
    if sys.argv[1:2] == ["--darken"]:
        print(f"{darken_file(Path(sys.argv[2] if len(sys.argv) > 2 else 'paper/template.docx'))} styles darkened")
    else:
        write_atomic(Path(sys.argv[1] if len(sys.argv) > 1 else "paper/template.docx"), build())
