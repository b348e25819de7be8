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


def test_a_text_box_in_a_list_item_stays_in_its_item(make_project: MakeProject, tmp_path: Path) -> None:
    """A table in a text box in a list item split the list (the items after it a second list, starting at "2."); an
    item holding only a text box was left out and its box's text joined the item before, the next item one number
    short. Word shows the table in its item and the box (its text, or a table alone) as an item of its own."""
    from test_import import _body_draft, _cell, _import, _run, text_box
    from test_import_libreoffice_captions import pandoc_html

    def item(text: str, box: str = "") -> str:
        content = (_run(text) if text else "") + (text_box(box) if box else "")
        return f'<w:p><w:pPr><w:pStyle w:val="ListNumber"/></w:pPr>{content}</w:p>'

    table = (f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{_cell('City')}{_cell('Rent')}"
             f"</w:tr><w:tr>{_cell('Rome')}{_cell('12')}</w:tr></w:tbl>")
    draft = _body_draft(tmp_path, item("Plan", table + f"<w:p>{_run('Rents in 2024.')}</w:p>") + item("Build")
                        + item("", f"<w:p>{_run('Ask the residents')}</w:p>") + item("Light")
                        + item("", table) + f"<w:p>{_run('After the list.')}</w:p>")
    result, text = _import(make_project({"sections/03-outlook.md": None}), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert pandoc_html(body, "gfm").replace("\n", "") == (
        '<ol type="1"><li><p>Plan</p><table><thead><tr class="header"><th>City</th><th>Rent</th></tr></thead><tbody>'
        '<tr class="odd"><td>Rome</td><td>12</td></tr></tbody></table><p>Rents in 2024.</p></li>'
        "<li><p>Build</p></li><li><p>Ask the residents</p></li><li><p>Light</p></li>"
        '<li><table><thead><tr class="header"><th>City</th><th>Rent</th></tr></thead><tbody><tr class="odd">'
        "<td>Rome</td><td>12</td></tr></tbody></table></li></ol><p>After the list.</p>")
