"""A CMYK JPEG, as Photoshop and Pillow write it, with Adobe's APP14 marker first: python-docx knows a JPEG by a JFIF
or Exif marker first only, so validate said COE505 "damaged or not an image" of a picture Word shows, both in a
section and in a member's draft that `import` wrote out. Its size is read from its frame's header (SOF)."""

from __future__ import annotations

import base64
import io
import struct
from pathlib import Path

import docx
import pytest

from coe_paper import pipeline
from coe_paper.jpegs import jpeg_size
from coe_paper.picture_ends import ends_early
from coe_paper.pictures import image_size
from conftest import MakeProject, cli, require_client, section_text
from drafts import flat_text, libreoffice_draft
from test_import import NO_OUTLOOK, _import


def cmyk_jpeg(width: int, height: int) -> bytes:
    """A CMYK JPEG of the given size with an APP14 (Adobe) marker first: Pillow's, else bytes written by hand (its
    markers and a scan's header, with no coded data, which no size is read from)."""
    try:
        from PIL import Image
    except ImportError:
        return by_hand(width, height)
    buffer = io.BytesIO()
    Image.new("CMYK", (width, height), (0, 128, 255, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


def by_hand(width: int, height: int) -> bytes:
    adobe = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x02"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 8 + 3 * 4, 8, height, width, 4) + bytes(
        [1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 4, 0x11, 0])
    scan = b"\xff\xda" + struct.pack(">HB", 6 + 2 * 4, 4) + bytes([1, 0, 2, 0, 3, 0, 4, 0, 0, 63, 0])
    return b"\xff\xd8" + adobe + frame + scan + b"\x00" * 8 + b"\xff\xd9"


def test_the_size_is_read_from_the_frame_header() -> None:
    for data in (cmyk_jpeg(40, 20), by_hand(40, 20)):
        assert data[2:4] == b"\xff\xee"  # Adobe's marker first, as the tools that write CMYK do
        assert jpeg_size(data) == (40, 20) and image_size(data) == (40, 20) and ends_early(data) is None
    assert jpeg_size(data[:20]) is None and jpeg_size(b"\xff\xd8\xff\xda\x00\x02") is None


def test_a_cmyk_jpeg_in_a_section_is_validated_and_built(make_project: MakeProject,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = cmyk_jpeg(40, 20)
    body = "## Colours\n\n![Printed colours](../paper/images/print.jpg)\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/print.jpg": data})
    result = cli("--project", str(root), "validate")
    assert "COE505" not in result.stderr, result.stderr
    built = pipeline.assemble(root, root / "out.docx")
    assert built.output is not None, [d.as_text() for d in built.diagnostics]
    document = docx.Document(str(built.output))  # python-docx reads the picture back from the paper
    shapes = [shape for shape in document.inline_shapes if "Printed" in shape._inline.docPr.get("descr", "")]
    assert len(shapes) == 1 and shapes[0].width == 2 * shapes[0].height  # its proportions, 40 x 20
    blip = shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    part = document.part.related_parts[blip]
    assert part.blob == data and part.content_type == "image/jpeg"
    assert "[Printed colours]" not in "\n".join(p.text for p in document.paragraphs)  # not its alt text instead


def test_a_cmyk_jpeg_in_a_draft_is_imported_without_coe505(make_project: MakeProject, tmp_path: Path) -> None:
    data = cmyk_jpeg(40, 20)
    fodt = flat_text('<text:h text:outline-level="1">Safe streets</text:h>\n<text:p><draw:frame draw:name="Image1" '
                     'text:anchor-type="as-char" svg:width="4cm" svg:height="2cm"><draw:image><office:binary-data>'
                     f"{base64.b64encode(data).decode()}</office:binary-data></draw:image><svg:desc>Printed colours"
                     "</svg:desc></draw:frame></text:p>")
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    images = sorted((root / "paper" / "images").glob("outlook-*"))
    assert len(images) == 1 and jpeg_size(images[0].read_bytes()) == (40, 20)
    assert images[0].read_bytes()[2:4] == b"\xff\xee"  # the draft's JPEG as it is
    assert result.exit_code == 0, result.stderr
    assert "COE505" not in result.stderr and "0 errors" in result.stderr
    assert "![Printed colours](../paper/images/outlook-1.jp" in text
