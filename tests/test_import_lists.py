"""`coe-paper import` of lists made with Word's list styles (python-docx's template has Word's own): "List Bullet
2" and "List Number 2" are lists of their own at Word's first level, shown one step in; they come back nested
under the item before them. pandoc, reading the imported section as CommonMark, is the judge."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from coe_paper.cli import app
from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client


def test_word_list_styles_of_the_second_level_are_nested(make_project: MakeProject, tmp_path: Path) -> None:
    import docx

    draft = docx.Document()
    draft.add_heading("Outlook", 0)
    for text, style in [("First point", "List Bullet"), ("A detail", "List Bullet 2"), ("Second point", "List Bullet"),
                        ("Step one", "List Number"), ("Sub-step", "List Number 2"), ("Step two", "List Number")]:
        draft.add_paragraph(text, style=style)
    draft.save(str(tmp_path / "draft.docx"))
    root = make_project({"sections/03-outlook.md": None})
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(tmp_path / "draft.docx"), "--id",
                                      "outlook", "--lead", "leipzig"])
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter((root / "sections" / "03-outlook.md").read_text(encoding="utf-8")) or ("", "", 0))[1]
    page = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html"], input=body,
                          capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert page == ("<ul><li>First point<ul><li>A detail</li></ul></li><li>Second point</li></ul>"
                    "<ol type=\"1\"><li>Step one<ol type=\"1\"><li>Sub-step</li></ol></li><li>Step two</li></ol>")
