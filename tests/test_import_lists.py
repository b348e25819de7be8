"""`coe-paper import` of lists made with Word's list styles (python-docx's template has Word's own): "List Bullet
2" and "List Number 2" are lists of their own at Word's first level, shown one step in; they come back nested
under the item before them. pandoc, reading the imported section as CommonMark, is the judge."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coe_paper.cli import app
from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from drafts import flat_text, libreoffice_draft
from scaling import growth


def _imported_page(root: Path, draft: Path) -> str:
    """`import` of `draft` as the section 'outlook' led by leipzig, then its body as pandoc reads it (CommonMark to
    HTML, on one line)."""
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(draft), "--id", "outlook", "--lead",
                                      "leipzig"])
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter((root / "sections" / "03-outlook.md").read_text(encoding="utf-8")) or ("", "", 0))[1]
    return subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html"], input=body,
                          capture_output=True, text=True, check=True).stdout.replace("\n", "")


def test_word_list_styles_of_the_second_level_are_nested(make_project: MakeProject, tmp_path: Path) -> None:
    import docx

    draft = docx.Document()
    draft.add_heading("Outlook", 0)
    for text, style in [("First point", "List Bullet"), ("A detail", "List Bullet 2"), ("Second point", "List Bullet"),
                        ("Step one", "List Number"), ("Sub-step", "List Number 2"), ("Step two", "List Number")]:
        draft.add_paragraph(text, style=style)
    draft.save(str(tmp_path / "draft.docx"))
    page = _imported_page(make_project({"sections/03-outlook.md": None}), tmp_path / "draft.docx")
    assert page == ("<ul><li>First point<ul><li>A detail</li></ul></li><li>Second point</li></ul>"
                    "<ol type=\"1\"><li>Step one<ol type=\"1\"><li>Sub-step</li></ol></li><li>Step two</li></ol>")


def test_word_list_continue_styles_are_further_paragraphs_of_their_items(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """Word writes an item's further paragraph in its List Continue style (List Continue 2 for an item of List Bullet
    2), indented by the style to the item's text and numbered with nothing. It came out of the list, a paragraph
    between two lists. It goes on the item its indent is at: after a nested item, the outer one's."""
    import docx

    draft = docx.Document()
    draft.add_heading("Outlook", 0)
    for text, style in [("First point", "List Bullet"), ("A detail", "List Bullet 2"),
                        ("More on the detail", "List Continue 2"), ("More on the first point", "List Continue"),
                        ("Second point", "List Bullet"), ("After the list", "Normal"), ("Step one", "List Number"),
                        ("Sub-step", "List Number 2"), ("More on step one", "List Continue"),
                        ("Step two", "List Number")]:
        draft.add_paragraph(text, style=style)
    draft.save(str(tmp_path / "draft.docx"))
    page = _imported_page(make_project({"sections/03-outlook.md": None}), tmp_path / "draft.docx")
    assert page == ("<ul><li><p>First point</p><ul><li><p>A detail</p><p>More on the detail</p></li></ul>"
                    "<p>More on the first point</p></li><li><p>Second point</p></li></ul><p>After the list</p>"
                    '<ol type="1"><li><p>Step one</p><ol type="1"><li>Sub-step</li></ol><p>More on step one</p>'
                    "</li><li><p>Step two</p></li></ol>")


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


_NUMBERED = ('<text:list-style style:name="L1"><text:list-level-style-number text:level="1" style:num-suffix="." '
             'style:num-format="1"><style:list-level-properties text:list-level-position-and-space-mode='
             '"label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" '
             'text:list-tab-stop-position="1cm" fo:text-indent="-0.5cm" fo:margin-left="1cm"/>'
             "</style:list-level-properties></text:list-level-style-number></text:list-style>")


def _numbered(*items: tuple[str, int | None]) -> str:
    return '<text:list text:style-name="L1">' + "".join(
        f'<text:list-item{f" text:start-value={chr(34)}{start}{chr(34)}" if start else ""}><text:p>{text}</text:p>'
        "</text:list-item>" for text, start in items) + "</text:list>"


def test_a_list_starting_at_a_later_number_right_after_another_stays_a_list_of_its_own(make_project: MakeProject,
                                                                                        tmp_path: Path) -> None:
    """A list that a member starts at 5 right after a list of two items (LibreOffice's "Restart numbering" with a
    start value) was written on with the same delimiter: CommonMark read it as the first list's third item,
    numbered 3. It stays a list of its own that starts at 5; a list that counts on from the one before stays one."""
    fodt = flat_text('<text:h text:outline-level="1">Steps</text:h>' + _numbered(("one", None), ("two", None))
                     + _numbered(("five", 5), ("six", None)) + _numbered(("seven", 7)), styles=_NUMBERED)
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    shown = subprocess.run([require_client("pandoc"), str(draft), "-t", "plain"], capture_output=True, text=True,
                           check=True).stdout
    assert "5.  five" in shown  # the draft numbers it 5, as pandoc reads it
    page = _imported_page(make_project({"sections/03-outlook.md": None}), draft)
    assert page == ('<ol type="1"><li>one</li><li>two</li></ol><ol start="5" type="1"><li>five</li><li>six</li>'
                    "<li>seven</li></ol>")


def test_a_paragraph_after_a_nested_list_goes_to_the_item_its_indent_is_at(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    """LibreOffice indents its list levels by a quarter inch (720, 1080, 1440 twips) and an item's further paragraph,
    numbered with nothing, to the text of its item's level. Such a paragraph was given a level by half inches: the
    third level's paragraph, at 1440, went up into the second level's item. Each goes to the item whose level's text
    its indent is at, as LibreOffice and Word show it: the deep item's paragraph in the deep item, the paragraph
    after a nested list in the outer item."""
    (tmp_path / "draft.md").write_text(
        "# Outlook\n\n- Outer one.\n\n    - Middle one.\n\n        - Deep one.\n\n            More on deep one.\n\n"
        "        More on middle one.\n\n    More on outer one.\n\n- Outer two.\n\nAfter the list.\n", encoding="utf-8")
    subprocess.run([require_client("pandoc"), "draft.md", "-o", "draft.odt"], cwd=tmp_path, check=True,
                   capture_output=True)
    subprocess.run([require_client("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "docx", "--outdir", str(tmp_path / "saved"), str(tmp_path / "draft.odt")],
                   check=True, capture_output=True, timeout=180)
    page = _imported_page(make_project({"sections/03-outlook.md": None}), tmp_path / "saved" / "draft.docx")
    assert page == ("<ul><li><p>Outer one.</p><ul><li><p>Middle one.</p><ul><li><p>Deep one.</p>"
                    "<p>More on deep one.</p></li></ul><p>More on middle one.</p></li></ul><p>More on outer one.</p>"
                    "</li><li><p>Outer two.</p></li></ul><p>After the list.</p>")


_TIGHT_AND_LOOSE = ("# Outlook\n\n- a\n  - b\n- c\n\nBetween the lists.\n\n- loose one\n\n- loose two\n\n"
                    "After the lists.\n")


@pytest.mark.parametrize("route", ["pandoc", "libreoffice from odt", "libreoffice from html"])
def test_a_tight_list_comes_back_tight_and_a_loose_one_loose(make_project: MakeProject, tmp_path: Path,
                                                             route: str) -> None:
    """Every imported list was tight unless an item held a further paragraph: a loose list (its items apart, as
    pandoc writes `- one\\n\\n- two`, 10 pt between them, and LibreOffice its Text Body's 7 pt) came back with its
    items run together. Whether a list is loose is what the draft's paragraphs say, the space between its items
    (from the paragraph, its style or the document's defaults; Word's contextual spacing leaves it out): a tight
    nested list, written by pandoc or by LibreOffice from an .odt or a web page, stays tight, a loose one loose."""
    pandoc = require_client("pandoc")
    (tmp_path / "draft.md").write_text(_TIGHT_AND_LOOSE, encoding="utf-8")
    if route == "pandoc":
        subprocess.run([pandoc, "draft.md", "-o", "draft.docx"], cwd=tmp_path, check=True, capture_output=True)
        draft = tmp_path / "draft.docx"
    else:
        source = "draft.odt" if route.endswith("odt") else "draft.html"
        subprocess.run([pandoc, "draft.md", "-s", "-o", source], cwd=tmp_path, check=True, capture_output=True)
        subprocess.run([require_client("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"),
                        str(tmp_path / source)], check=True, capture_output=True, timeout=180)
        draft = tmp_path / "saved" / "draft.docx"
    root = make_project({"sections/03-outlook.md": None})
    page = _imported_page(root, draft)
    assert page == ("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul><p>Between the lists.</p>"
                    "<ul><li><p>loose one</p></li><li><p>loose two</p></li></ul><p>After the lists.</p>")
    body = (root / "sections" / "03-outlook.md").read_text(encoding="utf-8")
    assert "- a\n  - b\n- c\n" in body and "- loose one\n\n- loose two\n" in body


_FURTHER = ("# Outlook\n\n1. Step one\n\n   More on step one.\n\n   1. Sub-step a\n\n      More on sub-step a.\n\n"
            "   2. Sub-step b\n\n2. Step two\n\n- Bullet one\n\n  - Nested bullet\n\n    More on the nested bullet.\n\n"
            "- Bullet two\n\n  Last words of the list.\n\nAfter the list.\n")


def test_an_items_further_paragraph_saved_by_libreoffice_from_a_web_page_stays_in_the_list(
        make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice saves an item's further paragraph from a web page with its numbering taken off (numId 0) and no
    indent, so Word shows it at the margin: it came out of the list, which it ended, and a nested list after it lost
    its nesting (its items written at the outer level, numbered on from the nested count). Between two items of one
    list it is the item's further paragraph; where the next item is less deep than the one before it, it may be of
    an item further out, and where the list ends with it, it stays a paragraph after the list: either is named."""
    pandoc = require_client("pandoc")
    (tmp_path / "draft.md").write_text(_FURTHER, encoding="utf-8")
    subprocess.run([pandoc, "draft.md", "-s", "-o", "draft.html"], cwd=tmp_path, check=True, capture_output=True)
    subprocess.run([require_client("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "saved"),
                    str(tmp_path / "draft.html")], check=True, capture_output=True, timeout=180)
    root = make_project({"sections/03-outlook.md": None})
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(tmp_path / "saved" / "draft.docx"),
                                      "--id", "outlook", "--lead", "leipzig"])
    assert result.exit_code == 0, result.stderr
    text = (root / "sections" / "03-outlook.md").read_text(encoding="utf-8")
    page = subprocess.run([pandoc, "-f", "commonmark", "-t", "html"], input=(split_front_matter(text) or ("", ""))[1],
                          capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert page == ("<ol type=\"1\"><li><p>Step one</p><p>More on step one.</p><ol type=\"1\"><li><p>Sub-step a</p>"
                    "<p>More on sub-step a.</p></li><li><p>Sub-step b</p></li></ol></li><li><p>Step two</p></li></ol>"
                    "<ul><li><p>Bullet one</p><ul><li><p>Nested bullet</p><p>More on the nested bullet.</p></li></ul>"
                    "</li><li><p>Bullet two</p></li></ul><p>Last words of the list.</p><p>After the list.</p>")
    warned = [line for line in result.stderr.splitlines() if "COE915" in line]
    assert len(warned) == 2, result.stderr
    assert "'More on the nested bullet.'" in warned[0] and "kept in the item before it" in warned[0]
    assert "'Last words of the list.'" in warned[1] and "kept as a paragraph after the list" in warned[1]
    assert all(line.startswith("draft.docx: warning COE915 ") for line in warned)


def test_placing_unnumbered_paragraphs_in_their_list_takes_linear_time(tmp_path: Path) -> None:
    """Each paragraph whose numbering is taken off (numId 0) after a list item looked ahead for the item the list
    goes on with, and back for the one before, over the whole draft: a draft whose generator takes every paragraph
    out of a list so took time growing with the square of its paragraphs. One pass each way places them all."""
    import docx
    from docx.oxml import parse_xml

    from coe_paper.importer import Options, import_draft

    def draft(n: int) -> Path:
        path = tmp_path / f"draft-{n}.docx"
        document = docx.Document()
        document.add_paragraph("First step", style="List Number")
        off = '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:ilvl w:val="0"/>' \
              '<w:numId w:val="0"/></w:numPr>'
        for index in range(n):
            paragraph = document.add_paragraph(f"More on the first step, part {index}.")
            paragraph._p.get_or_add_pPr().append(parse_xml(off))
        document.add_paragraph("Second step", style="List Number")
        document.save(str(path))
        return path

    def run(n: int) -> Callable[[], object]:
        path = draft(n)
        return lambda: import_draft(path, Options(id="outlook"))

    text = import_draft(draft(3), Options(id="outlook")).body
    assert "".join(f"   More on the first step, part {i}.\n\n" for i in range(3)) + "2. Second step" in text
    assert growth(run, 1500, 8.0) < 8.0
