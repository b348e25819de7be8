"""`coe-paper import` of character formatting beyond bold and italic: underline and highlight, which the paper's
Markdown writes as inline `<u>` and `<mark>`, came in as plain words without a warning; all caps and small caps,
which Markdown has no form for, were dropped unsaid. A link's underline is the link's look, not the author's:
Word's and LibreOffice's Hyperlink character style, or direct underline on a link's runs as Google Docs writes it."""

from __future__ import annotations

from pathlib import Path

from coe_paper.importer import Options, import_draft
from coe_paper.project import split_front_matter
from conftest import MakeProject, assembled_intro
from test_import import NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part

_STYLES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="http://schemas.openxml'
           'formats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="Title"><w:name '
           'w:val="Title"/></w:style><w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
           '<w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style></w:styles>')


def _formatted(text: str, rpr: str) -> str:
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def _body(text: str) -> str:
    return (split_front_matter(text) or ("", "", 0))[1].strip()


def test_underline_and_highlight_are_written_and_caps_are_named(make_project: MakeProject, tmp_path: Path) -> None:
    underline, highlight = '<w:u w:val="single"/>', '<w:highlight w:val="yellow"/>'
    shaded = '<w:shd w:val="clear" w:color="auto" w:fill="FFFF00"/>'  # highlighting as Google Docs saves it
    neither = '<w:u w:val="none"/><w:highlight w:val="none"/>'
    draft = _body_draft(tmp_path, (
        f"<w:p>{_run('Rents ')}{_formatted('rose', underline)}{_run(' and ')}{_formatted('wages', highlight)}"
        f"{_run(' and ')}{_formatted('costs', shaded)}{_run(' fell; ')}{_formatted('not', neither)}"
        f"{_run(' this.')}</w:p><w:p>{_formatted('Housing ', '<w:caps/>')}{_formatted('first', '<w:caps/><w:b/>')}"
        f"{_run(' and ')}{_formatted('the city', '<w:smallCaps/>')}{_run('.')}</w:p>"))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body(text) == ("Rents <u>rose</u> and <mark>wages</mark> and <mark>costs</mark> fell; not this.\n\n"
                           "Housing **first** and the city.")
    assert "warning COE903 dropped all caps (the words kept as typed, not in capitals): 1" in result.stderr
    assert "warning COE903 dropped small caps (the words kept as typed, not in small capitals): 1" in result.stderr


def test_a_links_underline_is_no_underline(make_project: MakeProject, tmp_path: Path) -> None:
    underlined = '<w:u w:val="single"/>'
    styled = '<w:rStyle w:val="Hyperlink"/>'
    draft = _body_draft(tmp_path, (
        f'<w:p>{_run("See ")}<w:hyperlink r:id="rWeb">{_formatted("the plan", styled)}</w:hyperlink>{_run(", ")}'
        f'<w:hyperlink r:id="rWeb">{_formatted("the map", underlined)}</w:hyperlink>{_run(", ")}'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK '
        '"https://example.org/data" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f'{_formatted("the data", underlined + styled)}<w:r><w:fldChar w:fldCharType="end"/></w:r>{_run(" and ")}'
        f'<w:hyperlink r:id="rGone">{_formatted("the archive", underlined)}</w:hyperlink>{_run(", ")}'
        f"{_formatted('styled', styled)}{_run(' but ')}{_formatted('underlined', underlined)}{_run('.')}</w:p>"
    ).replace("<w:hyperlink ", '<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships" '))
    _relate(draft, '<Relationship Id="rWeb" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/hyperlink" Target="https://example.org/plan" TargetMode="External"/>')
    _set_part(draft, "word/styles.xml", _STYLES.encode())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body(text) == ("See [the plan](https://example.org/plan), [the map](https://example.org/plan), "
                           "[the data](https://example.org/data) and the archive, styled but <u>underlined</u>.")


def test_underline_and_highlight_come_back_from_an_assembled_paper(make_project: MakeProject,
                                                                   tmp_path: Path) -> None:
    body = "Rents <u>rose</u> in [the city](https://example.org) and <mark>wages fell</mark>.\n"
    _, docx = assembled_intro(make_project, tmp_path, body)
    assert import_draft(docx, Options("intro")).body == body
