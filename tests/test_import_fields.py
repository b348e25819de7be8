"""`coe-paper import` of Word's fields. Links made with HYPERLINK fields rather than w:hyperlink (as Word writes a
link in a field code, and tools that generate .docx files do): the address may stand without quotes, which Word and
LibreOffice read as a link; such a link was kept as plain text and reported as a dropped field. A caption's number
(a SEQ field) is the paper's own, and no dropped field."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _cell, _import, _run
from test_import_libreoffice_captions import pandoc_html, table_captions


def _field(instruction: str, shown: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instruction} '
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run(shown)}'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_a_hyperlink_field_with_an_address_without_quotes_is_a_link(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    links = (_field("HYPERLINK https://example.org/rents", "the survey") + _run(", ")
             + _field('HYPERLINK "https://example.org/wages" \\o "Opens the report"', "the report") + _run(" and ")
             + _field("HYPERLINK https://example.org/plan \\l part2", "the plan"))
    draft = _body_draft(tmp_path, f"<w:p>{_run('See ')}{links}{_run('.')}</w:p>")
    soffice = require_client("soffice")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "html", "--outdir", str(tmp_path / "html"), str(draft)], check=True, capture_output=True,
                   timeout=180)
    page = (tmp_path / "html" / "draft.html").read_text(encoding="utf-8", errors="replace")
    assert re.search(r'<a href="https://example.org/rents"[^>]*>\s*the\s+survey', page), page
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip() == ("See [the survey](https://example.org/rents), [the report](https://example.org/wages) "
                            "and [the plan](https://example.org/plan#part2).")
    assert "field HYPERLINK" not in result.stderr


def _table(first: str, second: str) -> str:
    return (f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{_cell('City')}{_cell(first)}"
            f"</w:tr><w:tr>{_cell('Rome')}{_cell(second)}</w:tr></w:tbl>")


def test_a_captions_number_is_not_reported_as_a_dropped_field(make_project: MakeProject, tmp_path: Path) -> None:
    """Word numbers a caption with a { SEQ Table } field, which the paper numbers itself: a caption that became a
    `Table:` line was reported as 'dropped field SEQ'. Another field in a caption (a chapter's number) still is."""
    def caption(fields: str, text: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr>{_run("Table ")}{fields}{_run(text)}</w:p>'

    draft = _body_draft(tmp_path, caption(_field("SEQ Table \\* ARABIC", "1"), ": Rents by city")
                        + _table("Rent", "12")
                        + caption(_field("STYLEREF 1 \\s", "2") + _run("-") + _field("SEQ Table \\* ARABIC \\s 1",
                                                                                       "1"), ": Wages by city")
                        + _table("Wage", "30"))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert table_captions(pandoc_html(body)) == ["Rents by city", "Wages by city"]
    assert "field SEQ" not in result.stderr
    assert "dropped field STYLEREF: 1" in result.stderr


def test_a_page_reference_links_to_its_heading_or_stays_text_with_a_note(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """Word's "see page 3" is a { PAGEREF _Ref1 \\h } field whose result is the page of a bookmark: it was reported
    as a dropped field. Its words stay; to a heading the section keeps, it links to that heading (as a REF does),
    else it stays text; and a note says the page number is the draft's."""
    heading = ('<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:bookmarkStart w:id="1" w:name="_Ref1"/>'
               f'{_run("Safe streets")}<w:bookmarkEnd w:id="1"/></w:p>')
    aside = f'<w:p><w:bookmarkStart w:id="2" w:name="_Ref2"/>{_run("Rents rose.")}<w:bookmarkEnd w:id="2"/></w:p>'
    simple = f'<w:fldSimple w:instr=" PAGEREF _Ref2 \\h ">{_run("4")}</w:fldSimple>'
    page = _field("PAGEREF _Ref1 \\h", "3")
    text = f"<w:p>{_run('See page ')}{page}{_run(' and page ')}{simple}{_run('.')}</w:p>"
    draft = _body_draft(tmp_path, heading + aside + text)
    result, out = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(out) or ("", "", 0))[1]
    html = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout
    assert '<h2 id="safe-streets">' in subprocess.run(
        [require_client("pandoc"), "-f", "gfm", "-t", "html", "--wrap=none"], input=body, capture_output=True,
        text=True, check=True).stdout
    assert '<p>See page <a href="#safe-streets">3</a> and page 4.</p>' in html
    assert "field PAGEREF" not in result.stderr
    assert "page references (PAGEREF) that keep the draft's page number" in result.stderr
    assert re.search(r"page references \(PAGEREF\)[^\n]*: 2\n", result.stderr)
    assert "links to places in the draft that are not headings kept as text: 1" in result.stderr
