"""A temporary folder that cannot be written (a full disk, a file size limit, a TMPDIR gone wrong): the layout pass
and `--pdf` say so, and the document is written all the same."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from docx import Document

from conftest import MakeProject, cli, require_client


def test_a_temporary_folder_that_cannot_be_written_leaves_the_contents_unnumbered(
        make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`assemble` on a full temporary disk ended with 'cannot write to standard output: No space left on device',
    exit 1, and wrote no document: the layout pass writes its copy of the paper there for LibreOffice. Now that
    pass says why it failed, as when it fails otherwise, the document is written without the contents' page
    numbers, and `--pdf` is an error naming the folder."""
    require_client("soffice")
    require_client("pdfinfo")
    root = make_project(git=True)
    monkeypatch.setenv("COE_PAPER_CACHE", str(tmp_path / "cache"))  # no layout kept from another test's paper
    (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "a-file" / "tmp"))
    monkeypatch.chdir(root)
    result = cli("assemble", "--pdf")
    assert result.exit_code == 1, result.output
    assert "standard output" not in result.output
    folder = tmp_path / "a-file" / "tmp"
    assert f"note: the layout pass failed (could not write its copy of the paper in {folder}: Not a directory)" \
        in result.output
    assert f"--pdf: could not write in {folder}: Not a directory" in result.output
    docx = root / "build" / "test-paper.docx"
    assert any(paragraph.text == "Introduction" for paragraph in Document(str(docx)).paragraphs)  # python-docx reads it
    assert sorted(path.name for path in docx.parent.iterdir()) == ["test-paper.docx"]
