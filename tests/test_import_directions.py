"""`coe-paper import` of right-to-left paragraphs: Word writes an Arabic or Hebrew paragraph from right to left with
w:bidi, whatever its first word. The paper gives a paragraph the direction of its first letter of a strong direction,
so a right-to-left paragraph that begins with a Latin word or a number turned left to right, and a left-to-right one
that begins with a Hebrew word turned right to left. Read back from the paper the imported section is built into,
with python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx

from coe_paper import pipeline
from conftest import MakeProject
from test_import import NO_OUTLOOK, _body_draft, _cell, _import, _run, _set_part

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LATIN_FIRST = "EU 2030 هو هدف الاتحاد."
ARABIC_FIRST = "مرحبا بكم في EU."
HEBREW_FIRST = "שלום means peace."
CELL = "EU: هدف."


def _paragraph(text: str, rtl: bool) -> str:
    return f"<w:p>{'<w:pPr><w:bidi/></w:pPr>' if rtl else ''}{_run(text)}</w:p>"


def test_a_paragraph_keeps_its_direction(make_project: MakeProject, tmp_path: Path) -> None:
    rtl_cell = f'<w:tc><w:p><w:pPr><w:bidi w:val="1"/></w:pPr>{_run(CELL)}</w:p></w:tc>'
    table = (f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{_cell('Goal')}{_cell('Year')}"
             f"</w:tr><w:tr>{rtl_cell}{_cell('2030')}</w:tr></w:tbl>")
    draft = _body_draft(tmp_path, _paragraph(LATIN_FIRST, True) + _paragraph(ARABIC_FIRST, True)
                        + _paragraph(HEBREW_FIRST, False) + _paragraph("Plain words.", False)
                        + '<w:p><w:pPr><w:bidi w:val="0"/></w:pPr>' + _run("Not right to left.") + "</w:p>" + table)
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    assert "\u200f" + LATIN_FIRST in text and "\u200e" + HEBREW_FIRST in text
    assert text.count("\u200f") == 2 and text.count("\u200e") == 1  # the others read as they begin
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, [str(d) for d in built.diagnostics]
    document = docx.Document(str(built.output))
    paragraphs = [*document.paragraphs, *(p for t in document.tables for c in t._cells for p in c.paragraphs)]
    direction = {p.text.strip("\u200e\u200f"): p._p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs}
    assert [direction[words] for words in (LATIN_FIRST, ARABIC_FIRST, HEBREW_FIRST, "Plain words.",
                                           "Not right to left.", CELL)] == [True, True, False, False, False, True]


def test_a_paragraph_style_written_right_to_left_gives_its_direction(make_project: MakeProject, tmp_path: Path
                                                                     ) -> None:
    """Word's Arabic and Hebrew templates set the direction in the paragraph style (w:bidi in the style's pPr)."""
    styled = '<w:pPr><w:pStyle w:val="ArabicText"/>'
    draft = _body_draft(tmp_path, f"<w:p>{styled}</w:pPr>{_run(LATIN_FIRST)}</w:p>"
                        f'<w:p>{styled}<w:bidi w:val="0"/></w:pPr>{_run("EU 2030.")}</w:p>')
    with zipfile.ZipFile(draft) as package:
        styles = package.read("word/styles.xml").decode()
    style = ('<w:style w:type="paragraph" w:styleId="ArabicText"><w:name w:val="Arabic Text"/><w:pPr><w:bidi/>'
             "</w:pPr></w:style>")
    _set_part(draft, "word/styles.xml", styles.replace("</w:styles>", style + "</w:styles>").encode())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "\u200f" + LATIN_FIRST in text and "\nEU 2030." in text  # the paragraph's own w:bidi="0" wins


def test_a_right_to_left_title_that_begins_with_a_latin_word_keeps_its_direction(make_project: MakeProject,
                                                                                 tmp_path: Path) -> None:
    """The draft's Title goes to the front matter: "EU 2030 هدف", written from right to left, turned left to right
    there. It begins with the mark of its direction, as such a paragraph does; validate accepts it."""
    title = "EU 2030 هدف المدن"
    draft = _body_draft(tmp_path, _paragraph(ARABIC_FIRST, True))
    with zipfile.ZipFile(draft) as package:
        document = package.read("word/document.xml").decode()
    _set_part(draft, "word/document.xml", document.replace(
        '<w:pStyle w:val="Title"/></w:pPr>' + _run("Draft title"),
        '<w:pStyle w:val="Title"/><w:bidi/></w:pPr>' + _run(title)).encode())
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    assert "validate sections/03-outlook.md: 0 errors, 0 warnings" in result.stderr
    assert f"title: \u200f{title}\n" in text
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, [str(d) for d in built.diagnostics]
    document_ = docx.Document(str(built.output))
    heading = next(p for p in document_.paragraphs if p.text.strip("\u200f") == title)
    assert heading.style is not None and heading.style.name == "Heading 1"
    assert heading._p.find(f"{W}pPr/{W}bidi") is not None
