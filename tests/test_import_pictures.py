"""`coe-paper import` writing a draft's pictures into `paper/images`: the folder is read once for the temporary
files killed writers left, not once a picture (a thousand pictures took a second more, growing with the square of
their number), and the files keep their names (`ID-N.EXT`, in the draft's order) and bytes."""

from __future__ import annotations

import os
import pathlib
from pathlib import Path

import pytest

from conftest import MakeProject, tiny_png
from test_import import NO_OUTLOOK, _import


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
