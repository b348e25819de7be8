"""`coe-paper import` writing a draft's pictures into `paper/images`: the folder is read once for the temporary
files killed writers left, not once a picture (a thousand pictures took a second more, growing with the square of
their number), and the files keep their names (`ID-N.EXT`, in the draft's order) and bytes."""

from __future__ import annotations

import os
import pathlib
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pytest

from conftest import MakeProject, tiny_png
from test_import import NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part


def _draft(folder: Path, count: int) -> tuple[Path, list[bytes]]:
    import docx

    document = docx.Document()
    document.add_heading("Safe streets", 1)
    pictures = [tiny_png(size, 1) for size in range(1, count + 1)]  # of different sizes: parts of their own
    for size, data in enumerate(pictures, 1):
        (folder / f"p{size}.png").write_bytes(data)
        document.add_picture(str(folder / f"p{size}.png"))._inline.docPr.set("descr", f"Bar {size}")
    draft = folder / f"pictures{count}.docx"
    document.save(str(draft))
    reread = docx.Document(str(draft))  # the bytes python-docx finds in the draft, in its order
    blips = [shape._inline.graphic.graphicData.pic.blipFill.blip.embed for shape in reread.inline_shapes]
    return draft, [reread.part.related_parts[rid].blob for rid in blips]


def test_the_images_folder_is_read_as_often_for_many_pictures_as_for_few(
        make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    scandir, glob = os.scandir, pathlib.Path.glob

    def counted_scandir(path: object = ".") -> object:
        reads.append(os.fspath(path))  # type: ignore[arg-type]
        return scandir(path)  # type: ignore[call-overload]

    def counted_glob(self: Path, pattern: str) -> object:
        reads.append(os.fspath(self))
        return glob(self, pattern)

    monkeypatch.setattr(os, "scandir", counted_scandir)
    monkeypatch.setattr(pathlib.Path, "glob", counted_glob)
    found = {}
    for count in (3, 12):
        root = make_project(NO_OUTLOOK)
        images = root / "paper" / "images"
        draft, pictures = _draft(tmp_path, count)
        reads.clear()
        result, text = _import(root, draft)
        assert result.exit_code == 0, result.stderr
        found[count] = sum(os.path.realpath(path) == os.path.realpath(images) for path in reads)
        assert sorted(images.glob("outlook-*")) == [images / f"outlook-{n}.png" for n in sorted(range(1, count + 1),
                                                                                              key=str)]
        assert [(images / f"outlook-{n}.png").read_bytes() for n in range(1, count + 1)] == pictures
        assert f"![Bar {count}](../paper/images/outlook-{count}.png)" in text
    assert found[12] == found[3]  # the same reads for twelve pictures as for three (validation reads it too)


def test_temporary_files_of_killed_writers_are_still_removed(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(NO_OUTLOOK)
    images = root / "paper" / "images"
    dead = images / ".outlook-2.png.4999999.x1y2.tmp"  # no process has this id (Linux allows up to 4,194,304)
    alive = images / f".outlook-1.png.{os.getpid()}.z9.tmp"  # a writer that still runs: left alone
    other = images / ".outlook-20.png.4999999.q.tmp"  # a file the import does not write: not its business
    for path in (dead, alive, other):
        path.write_bytes(b"half")
    result, _ = _import(root, _draft(tmp_path, 3)[0])
    assert result.exit_code == 0, result.stderr
    assert not dead.exists() and alive.exists() and other.exists()


_PICTURE = ('<w:r><w:drawing><wp:inline><wp:extent cx="1800000" cy="900000"/><wp:docPr id="1" name="Picture 1" '
            'descr="Map of the partner cities"/><a:graphic><a:graphicData><pic:pic '
            'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:blipFill><a:blip '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:embed="rImg"/>'
            "</pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")


@pytest.mark.parametrize(("target", "external"), [("../../../../tmp/x.png", False), ("/etc/../x.png", False),
                                                  ("file:///etc/passwd", True), ("media/gone.png", False)])
def test_a_picture_whose_image_the_package_lacks_is_left_out_and_named(make_project: MakeProject, tmp_path: Path,
                                                                       target: str, external: bool) -> None:
    """A picture whose relationship points out of the package (a path that climbs out of it, an absolute one, an
    External file) or to an entry the zip lacks was written as `![...](../paper/images/outlook-1.png)` with no such
    file, and a hint to replace a file that was never written: validate then failed (COE501). It is left out, named
    by its description, as a picture whose image is missing from the draft."""
    draft = _body_draft(tmp_path, f"<w:p>{_run('The map: ')}{_PICTURE}</w:p><w:p>{_run('Rents rose.')}</w:p>")
    mode = ' TargetMode="External"' if external else ""
    _relate(draft, f'<Relationship Id="rImg" Target="{target}"{mode} '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>')
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    assert "![" not in text and "The map:" in text and "Rents rose." in text
    assert ("warning COE903 dropped picture whose image is missing from the draft ('Map of the partner cities'): 1"
            in result.stderr)
    assert "COE910" not in result.stderr and "COE501" not in result.stderr
    assert list((root / "paper" / "images").glob("outlook*")) == []


def test_a_picture_whose_image_cannot_be_read_is_left_out_and_named(make_project: MakeProject,
                                                                   tmp_path: Path) -> None:
    """A picture whose image entry is damaged (its bytes fail their check) kept its link to a file never written."""
    data = tiny_png(40, 40)
    draft = _picture_draft(tmp_path, f"<w:p>{_run('The map: ')}{_PICTURE}</w:p>", "map.png", data)
    with zipfile.ZipFile(draft) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(draft, "w") as target:  # stored, so that one byte of the picture can be changed
        for name, content in entries.items():
            target.writestr(name, content)
    raw = draft.read_bytes()
    at = raw.index(data) + len(data) // 2
    draft.write_bytes(raw[:at] + bytes([raw[at] ^ 0xFF]) + raw[at + 1:])
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    assert "![" not in text and "The map:" in text
    assert "warning COE910 picture 'Map of the partner cities' left out: its image cannot be read" in result.stderr
    assert "COE501" not in result.stderr
    assert list((root / "paper" / "images").glob("outlook*")) == []


def test_a_pictures_description_comes_back_as_written(make_project: MakeProject, tmp_path: Path) -> None:
    """A description is inline Markdown in `![...]`: only `\\`, `[` and `]` were escaped, so `*star*` came back as
    emphasis, its asterisks lost from the alt text of the paper's picture, `<b>` as raw HTML left out, `&amp;` as
    '&'. Everything inline Markdown reads is escaped: the assembled paper's picture has the draft's description."""
    from lxml import etree


    described = ('Logo "green" [city] *star* and `code` <b> & &amp; ![x](y) snake_case _u_ ~~s~~ a|b \\ '
                 "<https://x.org> 2*3*4 end!")
    draft = _picture_draft(tmp_path, f"<w:p>{_run('The logo: ')}{_PICTURE}</w:p>".replace(
        'descr="Map of the partner cities"', f"descr={quoteattr(described)}"), "logo.png", tiny_png(40, 20))
    text, body = _imported_and_built(make_project(NO_OUTLOOK), draft, tmp_path)
    document = etree.fromstring(body)
    found = [node.get("descr") for node in document.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert described in found, (text, found)


@pytest.mark.parametrize("width", ["-1800000", "1", "99999999999999999999"])
def test_a_picture_shown_at_a_size_no_page_has_is_imported_at_its_own(make_project: MakeProject, tmp_path: Path,
                                                                      width: str) -> None:
    """A draft whose picture is shown at a negative, zero or absurd width (`wp:extent cx="-1800000"`, a broken
    writer's) was imported as `![...](...){width=-5cm}`, `{width=0cm}` or `{width=2.77778e+14cm}`, which the paper
    reads as no width: the braces were shown as text after the picture, in the .docx and the PDF, without a word.
    Such a picture gets no width (the paper shows it at its own size, within the page)."""

    draft = _picture_draft(tmp_path, f"<w:p>{_run('The map: ')}{_PICTURE.replace('1800000', width)}</w:p>",
                           "map.png", tiny_png(40, 20))
    text, body = _imported_and_built(make_project(NO_OUTLOOK), draft, tmp_path)
    assert "![Map of the partner cities](../paper/images/outlook-1.png)" in text and "{" not in text, text
    assert b"width=" not in body


def _picture_draft(folder: Path, body: str, name: str, data: bytes) -> Path:
    """A draft whose body is `body` (a picture of rImg in it), the image `data` at `word/media/NAME`."""
    draft = _body_draft(folder, body)
    _relate(draft, f'<Relationship Id="rImg" Target="media/{name}" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/>')
    _set_part(draft, f"word/media/{name}", data)
    return draft


def _imported_and_built(root: Path, draft: Path, folder: Path) -> tuple[str, bytes]:
    """`draft` imported into the project `root` (which must succeed), then the paper built: the section's text and
    the paper's word/document.xml."""
    from coe_paper import pipeline

    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    built = pipeline.assemble(root, folder / "paper.docx")
    assert built.output is not None, built.diagnostics
    with zipfile.ZipFile(built.output) as paper:
        return text, paper.read("word/document.xml")
