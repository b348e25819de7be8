"""Pictures in the assembled .docx where they are easy to get wrong: in footnotes (a part with relationships of its
own), from files python-docx cannot read, and taller than a page."""

from __future__ import annotations

import dataclasses
import struct
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from lxml import etree
from typer.testing import CliRunner

from coe_paper import comparison, limits, pipeline
from coe_paper.cli import app
from coe_paper.picture_ends import ends_early
from conftest import PAPER_YAML, MakeProject, git_commit, require_client, section_text, tiny_png
from scaling import growth

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def build(root: Path) -> zipfile.ZipFile:
    result = pipeline.assemble(root, root / "out.docx")
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    return zipfile.ZipFile(result.output)


def relationships(package: zipfile.ZipFile, rels: str) -> dict[str, tuple[str, str]]:
    """The relationships in `rels` by id: (type, target)."""
    if rels not in package.namelist():
        return {}
    root = etree.fromstring(package.read(rels))
    return {str(rel.get("Id")): (str(rel.get("Type")), str(rel.get("Target"))) for rel in root.iter(f"{{{PKG_REL}}}*")}


def test_a_footnote_names_its_picture_and_link_through_its_own_relationships(make_project: MakeProject) -> None:
    """The ids of a picture (`r:embed`) and of a link (`r:id`) in a footnote are looked up in the footnotes part's
    relationships, not the document's: without them Word, LibreOffice and pandoc lose the picture and the link."""
    body = ("## Notes\n\nA claim.[^n]\n\n"
            "[^n]: See ![a dot](../paper/images/dot.png) and [the survey](https://example.org/notes).\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]")}, git=True)
    package = build(root)
    notes = etree.fromstring(package.read("word/footnotes.xml"))
    used = {value for node in notes.iter() for key, value in node.attrib.items() if key.startswith(f"{{{R}}}")}
    assert len(used) == 2
    own = relationships(package, "word/_rels/footnotes.xml.rels")
    document = relationships(package, "word/_rels/document.xml.rels")
    assert {r_id: own.get(r_id) for r_id in used} == {r_id: document[r_id] for r_id in used}
    assert {target for _, target in own.values()} >= {"media/image1.png", "https://example.org/notes"}


def test_a_logo_python_docx_cannot_read_shows_its_alt_text(make_project: MakeProject) -> None:
    """A damaged logo (a PNG cut short) stops a build (COE505), but the older revision a comparison reads is not
    validated: there it shows its alt text, as a missing picture does, rather than ending the build with
    python-docx's error."""
    config = PAPER_YAML + "cover:\n  logos:\n    - path: paper/images/logo.png\n      alt: Partnership logo\n"
    root = make_project({"paper/paper.yaml": config, "paper/images/logo.png": tiny_png(5, 5)[:20]}, git=True)
    (root / "paper/images/logo.png").write_bytes(tiny_png(5, 5))
    git_commit(root, "Export the logo again")
    result = comparison.compare(root, "HEAD~1", root / "changes.docx")
    assert result.output is not None, [d.as_text() for d in result.diagnostics]
    document = etree.fromstring(zipfile.ZipFile(result.output).read("word/document.xml"))
    assert "[Partnership logo]" in "".join(document.itertext())  # the older cover's, a tracked deletion


@pytest.mark.parametrize("path", ["paper/images/logo.png", "../logo.png", "/tmp/logo.png"])
def test_a_logo_outside_the_project_is_coe503_not_missing(make_project: MakeProject, tmp_path: Path,
                                                          path: str) -> None:
    """A cover logo linked out of the project, or written as a path out of it, exists: it was reported as "not
    found" (COE501); it is refused as a section's image is (COE503), saying why."""
    (tmp_path / "elsewhere.png").write_bytes(tiny_png(5, 5))
    config = PAPER_YAML + f"cover:\n  logos:\n    - path: {path}\n      alt: Partnership logo\n"
    root = make_project({"paper/paper.yaml": config})
    if path == "paper/images/logo.png":
        (root / "paper/images").mkdir(parents=True, exist_ok=True)
        (root / path).symlink_to(tmp_path / "elsewhere.png")
    found = [d for d in pipeline.check(root).diagnostics if d.code.startswith("COE50")]
    assert [(d.code, d.path, d.line) for d in found] == [("COE503", "paper/paper.yaml", 21)], found
    assert "outside the project" in found[0].message or "absolute path" in found[0].message


def test_a_picture_in_a_list_item_or_a_table_cell_fits_the_room_it_has(make_project: MakeProject) -> None:
    """A wide picture is as wide as the text at most: in a list item, the text less the item's indent (it had run
    past the right margin); in a table cell, the cell's width less its margins (LibreOffice had cut it off)."""
    body = ("## Pictures\n\n1. An item with a chart:\n\n   ![A wide chart](../paper/images/wide.png)\n\n"
            "| Logo | What it stands for |\n|---|---|\n"
            "| ![A wide logo](../paper/images/wide.png) | The partnership's logo, shown beside its description. |\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/wide.png": tiny_png(2400, 600)})
    document = etree.fromstring(build(root).read("word/document.xml"))
    wp = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    sizes = []
    for inline in document.iter(f"{{{wp}}}inline"):
        if not inline.find(f"{{{wp}}}docPr").get("descr", "").startswith("A wide"):  # type: ignore[union-attr]
            continue
        cx = int(inline.find(f"{{{wp}}}extent").get("cx"))  # type: ignore[union-attr]
        ext = next(e for e in inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}ext"))
        assert int(ext.get("cx")) == cx  # the picture's own size agrees with its frame
        cell = next((a for a in inline.iterancestors(f"{{{W}}}tc")), None)
        if cell is not None:
            room = int(cell.find(f"{{{W}}}tcPr/{{{W}}}tcW").get(f"{{{W}}}w")) - 216  # type: ignore[union-attr]
        else:
            p = next(inline.iterancestors(f"{{{W}}}p"))
            room = 9072 - int(p.find(f"{{{W}}}pPr/{{{W}}}ind").get(f"{{{W}}}left"))  # type: ignore[union-attr]
        sizes.append((cx, room * 635))
    assert len(sizes) == 2 and all(cx <= room for cx, room in sizes), sizes


def test_a_tall_figure_fits_its_page_with_its_caption(make_project: MakeProject) -> None:
    """A picture was scaled to the text's width only: a tall chart (30 by 900 pixels, 12.5 inches at 72 dpi) kept
    its height, taller than the page. Word cut it off at the foot of the page; LibreOffice shrank it to the page and
    set its caption alone on the next. It is now scaled to share a page with its caption, within the margins."""
    require_client("soffice")
    body = ("## Reach\n\nThe members reported their reach.\n\n"
            '![A tall chart](../paper/images/tall.png "Reach of the measures by city")\n\nMore words follow.\n')
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction"),
                         "paper/images/tall.png": tiny_png(30, 900)}, git=True)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf"])
    assert result.exit_code == 0, result.output
    document = docx.Document(str(root / "build/test-paper.docx"))
    page = document.sections[0]
    room = page.page_height - page.top_margin - page.bottom_margin
    shapes = [shape for shape in document.inline_shapes if shape.height > shape.width]
    assert len(shapes) == 1 and shapes[0].height < room, (shapes[0].height, room)
    pdf = root / "build/test-paper.pdf"
    listed = subprocess.run([require_client("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                            timeout=300, check=True).stdout.splitlines()[2:]
    tall = [row.split() for row in listed if int(row.split()[4]) > int(row.split()[3])]
    assert len(tall) == 1
    on_page = int(tall[0][0])
    text = subprocess.run([require_client("pdftotext"), "-f", str(on_page), "-l", str(on_page), "-enc", "UTF-8",
                           str(pdf), "-"], capture_output=True, text=True, timeout=300, check=True).stdout
    assert "Figure 1: Reach of the measures by city" in " ".join(text.split())


def tiny_gif() -> bytes:
    """A whole GIF of one pixel: its screen, a graphic control extension, one image, its trailer (0x3B)."""
    return (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"  # screen, a two-colour table
            b"!\xf9\x04\x01\x00\x00\x00\x00"  # graphic control extension: one sub-block, then its end
            b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def tiny_bmp(width: int = 3, height: int = 2) -> bytes:
    """A whole 24-bit BMP, each row padded to four bytes."""
    row = b"\x80" * 3 * width + b"\x00" * (-3 * width % 4)
    pixels = row * height
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + len(pixels), 0, 0, 14 + len(info)) + info + pixels


def tiny_tiff(width: int = 2, height: int = 2) -> bytes:
    """A whole uncompressed RGB TIFF with its directory first, then its bits per sample, then its one strip."""
    strip = b"\x80" * 3 * width * height
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 3, 8 + 2 + 9 * 12 + 4), (259, 3, 1, 1),
               (262, 3, 1, 2), (273, 4, 1, 8 + 2 + 9 * 12 + 4 + 6), (277, 3, 1, 3), (278, 3, 1, height),
               (279, 4, 1, len(strip))]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHI", tag, kind, count) + (struct.pack("<HH", value, 0) if kind == 3 and count == 1
                                                  else struct.pack("<I", value))
        for tag, kind, count, value in entries) + b"\x00\x00\x00\x00"
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<HHH", 8, 8, 8) + strip


@pytest.mark.parametrize("whole", [tiny_gif(), tiny_bmp(), tiny_tiff()], ids=["gif", "bmp", "tiff"])
def test_every_cut_of_a_gif_bmp_or_tiff_whose_header_still_reads_is_found(whole: bytes) -> None:
    """A GIF without its trailer, a BMP shorter than its header says, a TIFF missing what its directory points to:
    python-docx reads their size from the header alone, so each cut that leaves the header whole passed as a
    picture; a PNG or JPEG cut short was already found."""
    from coe_paper.pictures import image_size, shown

    assert image_size(whole) is not None and ends_early(whole) is None
    readable = [n for n in range(1, len(whole)) if image_size(whole[:n]) is not None]
    assert readable  # the header reads before the picture's end: the cuts are worth finding
    assert [n for n in readable if ends_early(whole[:n]) is None] == []
    assert not any(shown("cut.gif", whole[:n]) for n in readable)  # nor does the preview show them


def test_a_gif_bmp_or_tiff_cut_short_is_coe505_at_its_line_and_nothing_is_built(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """Each picture cut short is named at its line, the BMP logo in paper.yaml at its path's; nothing is written.
    Whole again, they go into the document as they are."""
    gif, bmp, tiff = tiny_gif(), tiny_bmp(), tiny_tiff()
    body = ("Three pictures.\n\n![A dot](../paper/images/dot.gif)\n\n![A block](../paper/images/block.bmp)\n\n"
            "![A square](../paper/images/square.tif)\n")
    logo = PAPER_YAML + "cover:\n  logos:\n    - path: paper/images/block.bmp\n      alt: Partnership logo\n"
    root = make_project({"sections/01-intro.md": section_text("intro", body + "Words " * 10, title="Introduction"),
                         "paper/paper.yaml": logo, "paper/images/dot.gif": gif[:-1],
                         "paper/images/block.bmp": bmp[:-5], "paper/images/square.tif": tiff[:-3]})
    result = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert result.exit_code == 1
    cut = "ends early: the {} is missing or incomplete (a copy or upload cut short)"
    for place, name, what in (("11:10", "dot.gif", "GIF's trailer (the byte 0x3B after its last block)"),
                              ("13:12", "block.bmp", "BMP's pixel data (as long as its header says)"),
                              ("15:13", "square.tif", "TIFF's data its directory (IFD) points to")):
        assert f"sections/01-intro.md:{place}: error COE505 image '../paper/images/{name}' {cut.format(what)}" \
            in result.stderr, result.stderr
    assert "paper/paper.yaml:21:7: error COE505 logo 'paper/images/block.bmp' ends early" in result.stderr
    assert "Traceback" not in result.stderr
    out = tmp_path / "paper.docx"
    assert CliRunner().invoke(app, ["--project", str(root), "assemble", "--no-layout", "-o", str(out)]).exit_code == 1
    assert not out.exists()
    for name, data in (("dot.gif", gif), ("block.bmp", bmp), ("square.tif", tiff)):
        (root / "paper/images" / name).write_bytes(data)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--no-layout", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    package = docx.Document(str(out)).part.package
    assert {gif, bmp, tiff} <= {part.blob for part in package.iter_parts() if part.content_type.startswith("image/")}


def test_a_gif_of_64_mb_of_one_byte_blocks_is_refused_at_once() -> None:
    """Walking a GIF's blocks to its trailer took 5 s (and more on a busy machine) for 64 MB of sub-blocks of one
    byte each, as a hostile picture may be cut; the walk stops past a million blocks, four times what a genuine
    64 MB GIF has: a GIF of four times as many blocks takes no longer to refuse (walked whole, four times as long).
    A GIF of that size cut in blocks of 255 bytes, as encoders write them, is whole."""
    screen = b"GIF89a\x01\x00\x01\x00\x00\x00\x00" + b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02"

    def refusing(blocks: int) -> Callable[[], object]:
        hostile = screen + b"\x01\x00" * blocks + b"\x00;"

        def work() -> None:
            found = ends_early(hostile)
            assert found is not None and found.startswith("is damaged: its data is cut into more than 1,000,000 "
                                                          "blocks")

        return work

    assert growth(refusing, 2 * limits.LIMITS.gif_blocks, bound=2) < 2
    refusing(32 * 1024 * 1024 - 32)()
    genuine = screen + (b"\xff" + b"\x00" * 255) * (64 * 4096 - 1) + b"\x00;"
    assert ends_early(genuine) is None
    assert ends_early(genuine[:-1]) is not None and "trailer" in (ends_early(genuine[:-1]) or "")


def test_a_gif_of_too_many_blocks_is_coe505_at_its_line(make_project: MakeProject,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, gif_blocks=10))
    gif = tiny_gif()
    split = gif[:-2] + b"\x01\x00" * 12 + gif[-2:]  # the image's data, then a dozen blocks of one byte
    body = "A picture.\n\n![A dot](../paper/images/dot.gif)\n\n" + "Words " * 10
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction"),
                         "paper/images/dot.gif": split})
    result = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert result.exit_code == 1
    assert ("sections/01-intro.md:11:10: error COE505 image '../paper/images/dot.gif' is damaged: its data is cut "
            "into more than 10 blocks") in result.stderr, result.stderr
    (root / "paper/images/dot.gif").write_bytes(gif[:-2] + b"\x01\x00" * 3 + gif[-2:])
    assert "COE505" not in CliRunner().invoke(app, ["--project", str(root), "validate"]).stderr


def test_a_tiff_whose_directories_loop_is_read_once() -> None:
    """A directory naming itself as the next one is damage, not a cut: the walk stops where it began (returns at
    all: a walk that followed the loop would never end)."""
    looping = bytearray(tiny_tiff())
    struct.pack_into("<I", looping, 8 + 2 + 9 * 12, 8)  # the next directory is this one
    assert ends_early(bytes(looping)) is None


def test_a_picture_named_with_a_space_or_a_percent_sign_is_found(make_project: MakeProject, tmp_path: Path) -> None:
    """The parser writes a picture's address as a URL (`<my chart.png>` and `my%20chart.png` as `my%20chart.png`,
    `50%25.png` as itself): no file has that name, so a member's 'my chart.png' was COE501, not found, where GitHub
    and pandoc show it. The address is read as the file's path; one that escapes its way out is still COE503."""
    from coe_paper import site

    body = ("## Figures\n\n![A chart](<../paper/images/my chart.png>)\n\n"
            "![The same](../paper/images/my%20chart.png)\n\n![Half](../paper/images/50%25.png)\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/my chart.png": tiny_png(3, 2), "paper/images/50%.png": tiny_png(2, 3)})
    validate = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    assert "COE501" not in validate.stdout, validate.stdout
    package = build(root)
    pictures = [t for _, t in relationships(package, "word/_rels/document.xml.rels").values() if "media/" in t]
    assert len(set(pictures)) >= 2 and package.read("word/document.xml").count(b"<a:blip ") >= 3
    page = site.build(root, tmp_path / "site").page
    assert page is not None and "missing-image" not in page.read_text(encoding="utf-8")
    escaped = make_project({"sections/03-outlook.md": section_text(
        "outlook", "## Out\n\n![Out](%2e%2e/%2e%2e/%2e%2e/etc/passwd.png)\n", title="Outlook", lead="leipzig",
        contributors="[]")})
    result = CliRunner().invoke(app, ["--project", str(escaped), "validate", "--format", "json"])
    assert '"COE503"' in result.stdout and result.exit_code == 1, result.stdout
