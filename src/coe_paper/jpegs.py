"""JPEGs python-docx cannot read: it knows a JPEG by a JFIF (APP0) or Exif (APP1) marker first, while Adobe's
tools write an APP14 marker first (a CMYK JPEG, most often), which Word and LibreOffice show. Their size is read
from the frame's header (the SOF marker), walking the markers before the first scan, and they are embedded with
that size (at 72 dpi, as python-docx takes a JPEG that gives none)."""

from __future__ import annotations

import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docx.image.image import Image

#: Start-of-frame markers: baseline, extended, progressive, lossless, with Huffman or arithmetic coding (not DHT
#: 0xC4, JPG 0xC8 or DAC 0xCC, which share the range).
_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM, RSTn: no length follows
_SCAN, _END = 0xDA, 0xD9


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """A JPEG's width and height in pixels from its SOF marker; None when `data` is no JPEG or has no frame header
    before its first scan (or one of no pixels)."""
    if not data.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # a fill byte before the marker
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        if marker in (_SCAN, _END):
            return None
        length = struct.unpack_from(">H", data, at + 2)[0]
        if marker in _SOF:
            if length < 7 or at + 9 > len(data):
                return None
            height, width = struct.unpack_from(">HH", data, at + 5)
            return (width, height) if width and height else None
        if length < 2:
            return None
        at += 2 + length
    return None


def docx_image(data: bytes) -> Image:
    """python-docx's image of `data`: its own reading, or, for a JPEG it cannot read, one sized by `jpeg_size`.
    Raises python-docx's error (or ValueError) for bytes that are neither."""
    from docx.image.image import Image
    from docx.image.jpeg import Jpeg

    try:
        return Image.from_blob(data)
    except Exception:  # a third-party parser fed untrusted bytes: any failure means "not python-docx's"
        size = jpeg_size(data)
        if size is None:
            raise
    return Image(data, "image.jpg", Jpeg(size[0], size[1], 72, 72))  # the name python-docx gives a blob
