"""Whether LibreOffice can set the paper in the metrics of its template's font. Word's fonts (Calibri, Cambria,
Arial, ...) are seldom installed where LibreOffice runs; free fonts of the same metrics (Carlito, Caladea, the
Liberation fonts) stand in for them, so that the PDF and the layout pass's page numbers come out as Word's. Without
either, LibreOffice takes another font, often wider: the bundled paper ran to 25 pages instead of 22."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .safedocx import DocxError, open_docx
from .wordparts import body_font

#: A Word font -> the free font of its metrics that LibreOffice takes in its place, and the Debian package of it.
STAND_INS = {
    "calibri": ("Carlito", "fonts-crosextra-carlito"),
    "cambria": ("Caladea", "fonts-crosextra-caladea"),
    "arial": ("Liberation Sans", "fonts-liberation2"),
    "helvetica": ("Liberation Sans", "fonts-liberation2"),
    "times new roman": ("Liberation Serif", "fonts-liberation2"),
    "courier new": ("Liberation Mono", "fonts-liberation2"),
}


def font_note(docx: Path) -> str:
    """Why the PDF and the contents' page numbers will not be Word's: neither the text's font nor its stand-in is
    installed (as fontconfig, which LibreOffice asks, answers); "" when one is, or when that cannot be told."""
    try:
        with open_docx(docx) as package:
            font = body_font(package)
    except DocxError:
        return ""
    stand_in = STAND_INS.get((font or "").lower())
    matcher = shutil.which("fc-match")
    if font is None or stand_in is None or matcher is None:
        return ""
    try:
        found = subprocess.run([matcher, "-f", "%{family}", font], capture_output=True, text=True, timeout=10,
                               check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    families = {family.strip().lower() for family in found.split(",") if family.strip()}
    if not families or {font.lower(), stand_in[0].lower()} & families:
        return ""
    return (f"neither {font}, the template's font, nor {stand_in[0]}, a free font of its metrics, is installed: "
            "LibreOffice sets the text in another font, so the PDF and the contents' page numbers are not Word's "
            f"(on Debian: apt-get install {stand_in[1]})")
