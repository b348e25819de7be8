"""Regenerate paper/template.docx: python-docx's default styles on A4, with the styles coe-paper renders with.

Run: python scripts/make_template.py [OUTPUT]
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.shared import Cm, Pt, RGBColor

from coe_paper import ooxml
from coe_paper.docx_writer import reproducible_zip, write_atomic

EU_BLUE = RGBColor(0x00, 0x33, 0x99)


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
    ooxml.ensure_styles(styles.element)
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    for name, size in (("Title", 30), ("Subtitle", 16), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 12)):
        styles[name].font.color.rgb = EU_BLUE
        styles[name].font.size = Pt(size)
    ooxml.set_language(styles.element, "en-GB")
    core = document.core_properties
    core.title, core.author, core.last_modified_by = "Template", "coe-paper", "coe-paper"
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), None)


if __name__ == "__main__":
    write_atomic(Path(sys.argv[1] if len(sys.argv) > 1 else "paper/template.docx"), build())
