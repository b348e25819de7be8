"""`coe-paper import` of a draft exported from Google Docs: every run carries its formatting directly (fonts, size,
`w:b w:val="1"`), spans of bold and italic overlap, headings carry `_heading=h.…` bookmarks that its links name,
and the body starts with Title and Subtitle paragraphs."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import

_B, _I = '<w:b w:val="1"/>', '<w:i w:val="1"/>'


def _r(text: str, props: str = "") -> str:
    return (f'<w:r><w:rPr><w:rFonts w:ascii="Arial" w:cs="Arial" w:eastAsia="Arial" w:hAnsi="Arial"/>{props}'
            f'<w:sz w:val="22"/><w:szCs w:val="22"/><w:rtl w:val="0"/></w:rPr><w:t xml:space="preserve">{text}</w:t>'
            "</w:r>")


def test_overlapping_bold_and_italic_keep_both(make_project: MakeProject, tmp_path: Path) -> None:
    """Bold that ends inside italic ("rose *sharply*" bold, "sharply in" italic): the italic reopened at the space
    after the bold, where CommonMark reads no emphasis, and the paragraph lost all its formatting (COE911)."""
    heading = ('<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:bookmarkStart w:colFirst="0" w:colLast="0" '
               f'w:name="_heading=h.gjdgxs" w:id="0"/><w:bookmarkEnd w:id="0"/>{_r("Costs of housing")}</w:p>')
    para = (f'<w:p>{_r("Rents ")}{_r("rose ", _B)}{_r("sharply", _B + _I)}{_r(" in", _I)}{_r(" Rome; see ")}'
            f'<w:hyperlink w:anchor="_heading=h.gjdgxs">{_r("the costs", _I)}</w:hyperlink>{_r(".")}</w:p>')
    draft = _body_draft(tmp_path, heading + para)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "COE911" not in result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    html = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout
    assert ("<p>Rents <strong>rose <em>sharply</em></strong> <em>in</em> Rome; see <a href=\"#costs-of-housing\">"
            "<em>the costs</em></a>.</p>") in html, html


def test_a_title_on_two_title_paragraphs_is_one_title(make_project: MakeProject, tmp_path: Path) -> None:
    """A title typed on two lines, each a Title paragraph (pandoc reads both into its title too): the second line
    became the section's first paragraph. A bookmark on it leads to the section, as one on the first does."""
    second = ('<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:bookmarkStart w:id="1" w:name="_heading=h.1fob9te"/>'
              f'<w:bookmarkEnd w:id="1"/>{_r("in European cities")}</w:p>')
    subtitle = f'<w:p><w:pPr><w:pStyle w:val="Subtitle"/></w:pPr>{_r("A paper from Rome")}</w:p>'
    link = f'<w:p><w:hyperlink w:anchor="_heading=h.1fob9te">{_r("Back to the top")}</w:hyperlink>{_r(".")}</w:p>'
    draft = _body_draft(tmp_path, second + subtitle + link)
    meta = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "markdown", "-s", str(draft)],
                          capture_output=True, text=True, check=True).stdout
    assert "Draft title" in meta.split("---")[1] and "in European cities" in meta.split("---")[1]
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    front, body, _ = split_front_matter(text) or ("", "", 0)
    assert "title: Draft title in European cities\n" in front
    assert body.strip().split("\n\n") == ["*A paper from Rome*", "[Back to the top](#outlook)."]


def test_a_heading_all_in_bold_comes_in_without_the_bold(make_project: MakeProject, tmp_path: Path) -> None:
    """Google Docs writes a heading's bold on each of its runs: the heading came in as `## **Wages**`. The bold of a
    whole heading is the heading's own look; bold on part of a heading is the writer's and stays."""
    whole = f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{_r("Wages ", _B)}{_r("and rents", _B)}</w:p>'
    part = f'<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr>{_r("Real", _B)}{_r(" wages")}</w:p>'
    draft = _body_draft(tmp_path, whole + f"<w:p>{_r('Text.')}</w:p>" + part)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    html = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout
    assert html.split("\n")[:3] == ["<h2>Wages and rents</h2>", "<p>Text.</p>", "<h3><strong>Real</strong> wages</h3>"]


def test_a_subtitle_is_kept_in_italics_and_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A Subtitle paragraph (pandoc reads it as the document's subtitle) became the section's first paragraph, in
    the body's plain look and without a word; a section has no subtitle, so its words stay, in italics, and the
    warning names them."""
    subtitle = f'<w:p><w:pPr><w:pStyle w:val="Subtitle"/></w:pPr>{_r("A paper ")}{_r("from Rome", _B)}</w:p>'
    draft = _body_draft(tmp_path, subtitle + f"<w:p>{_r('Rents rose.')}</w:p>")
    meta = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "markdown", "-s", str(draft)],
                          capture_output=True, text=True, check=True).stdout
    assert "subtitle: A paper **from Rome**" in meta.split("---")[1]
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "warning COE913 the draft's subtitle 'A paper from Rome' is kept as a paragraph in italics" \
        in result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    html = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout
    assert html.split("\n")[:2] == ["<p><em>A paper <strong>from Rome</strong></em></p>", "<p>Rents rose.</p>"]
