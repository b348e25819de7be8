"""`coe-paper import` of a member's cross-references to captions: Word's { REF _Ref... \\h } to the bookmark of a
caption ("as Table 1 shows") was kept as text, with the draft's number. The caption gets an id and the reference
becomes a cross-reference to it, which the paper numbers as it numbers the caption; a page reference (PAGEREF) to
it keeps the draft's page number as text."""

from __future__ import annotations

import base64
import subprocess
import zipfile
from pathlib import Path

from coe_paper import pipeline
from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client, section_text, tiny_png
from drafts import flat_text, libreoffice_draft
from test_import import NO_OUTLOOK, _body_draft, _import, _relate, _run
from test_import_fields import _field, _table

#: a section before the imported one with a captioned table: the paper's Table 1, so the draft's is its Table 2
_EARLIER = {"sections/02-housing.md": section_text(
    "housing", "Homes are short in every member city we surveyed this year.\n\n## The data we need\n\n"
    "Table: Homes built {#tbl-homes}\n\n| City | Homes |\n|---|---|\n| Lyon | 40 |\n", title="Housing")}


def _caption(bookmark: str, number: int, text: str) -> str:
    return (f'<w:p><w:pPr><w:pStyle w:val="Caption"/></w:pPr><w:bookmarkStart w:id="{number}" w:name="{bookmark}"/>'
            + _run("Table ") + _field("SEQ Table \\* ARABIC", str(number)) + f'<w:bookmarkEnd w:id="{number}"/>'
            + _run(f": {text}") + "</w:p>")


def test_a_reference_to_a_caption_becomes_a_cross_reference_the_paper_numbers(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    ref = _field("REF _Ref7001 \\h", "Table 1")
    page = '<w:fldSimple w:instr=" PAGEREF _Ref7001 \\h ">' + _run("2") + "</w:fldSimple>"
    stray = _field("REF _Ref7002 \\h", "Table 5")  # to a caption beside no table: it stays a paragraph
    text = (f"<w:p>{_run('As ')}{ref}{_run(' on page ')}{page}{_run(' shows, rents rose; see ')}{stray}"
            f"{_run('.')}</w:p>")
    draft = _body_draft(tmp_path, text + _caption("_Ref7001", 1, "Rents by city") + _table("Rent", "12")
                        + f"<w:p>{_run('Wages rose too.')}</w:p>" + _caption("_Ref7002", 5, "Wages by city"))
    root = make_project({**NO_OUTLOOK, **_EARLIER}, git=True)
    result, out = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(out) or ("", "", 0))[1]
    assert "As [Table 1](#tbl-outlook-1) on page 2 shows, rents rose; see Table 5." in body
    assert "Table: Rents by city {#tbl-outlook-1}" in body
    assert "links to places in the draft that are not headings kept as text: 2" in result.stderr
    assert "validate sections/03-outlook.md: 0 errors" in result.stderr
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    plain = subprocess.run([require_client("pandoc"), str(built.output), "-t", "plain", "--wrap=none"],
                           capture_output=True, text=True, check=True).stdout
    assert "As Table 2 on page 2 shows, rents rose; see Table 5." in plain  # the paper's second table
    assert "Table 2: Rents by city" in plain
    with zipfile.ZipFile(built.output) as docx:
        document = docx.read("word/document.xml").decode()
    assert document.count(" REF ") == 1


def _plain(docx: Path) -> str:
    return subprocess.run([require_client("pandoc"), str(docx), "-t", "plain", "--wrap=none"], capture_output=True,
                          text=True, check=True).stdout


def test_libreoffices_references_to_a_figure_and_a_table_are_cross_references(make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    """LibreOffice saves a reference to a caption ("category and number") as a REF field to a bookmark around the
    caption's label, and one to its page as a PAGEREF."""
    picture = ('<draw:frame draw:name="Image1" text:anchor-type="as-char" svg:width="6cm" svg:height="3cm"><draw:image>'
               f"<office:binary-data>{base64.b64encode(tiny_png(40, 20)).decode()}</office:binary-data></draw:image>"
               "<svg:desc>Map of school energy use</svg:desc></draw:frame>")
    def sequence(name: str) -> str:
        return (f'{name} <text:sequence text:ref-name="ref{name}0" text:name="{name}" text:formula="ooow:{name}+1" '
                'style:num-format="1">1</text:sequence>')
    def ref(name: str, form: str = "category-and-value") -> str:
        shown = "1" if form == "page" else f"{name} 1"
        return (f'<text:sequence-ref text:reference-format="{form}" text:ref-name="ref{name}0">{shown}'
                "</text:sequence-ref>")
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=flat_text(
        '<text:h text:outline-level="1">Energy in schools</text:h>'
        f'<text:p>As {ref("Table")} shows, heating dominates; {ref("Figure")} (page {ref("Figure", "page")}) maps it.'
        f'</text:p><text:p text:style-name="Table">{sequence("Table")}: Energy by use</text:p>'
        '<table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/><table:table-row>'
        "<table:table-cell><text:p>Use</text:p></table:table-cell><table:table-cell><text:p>Share</text:p>"
        "</table:table-cell></table:table-row></table:table>"
        f'<text:p>{picture}</text:p><text:p text:style-name="Figure">{sequence("Figure")}: Energy use by region'
        "</text:p>"))
    assert "As Table 1 shows, heating dominates; Figure 1 (page 1) maps it." in _plain(draft)
    root = make_project({**NO_OUTLOOK, **_EARLIER}, git=True)
    result, out = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(out) or ("", "", 0))[1]
    assert ("As [Table 1](#tbl-outlook-1) shows, heating dominates; [Figure 1](#fig-outlook-1) (page 1) maps it."
            in body), body
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    plain = _plain(built.output)  # the paper's second table, its first figure
    assert "As Table 2 shows, heating dominates; Figure 1 (page 1) maps it." in plain
    assert "Figure 1: Energy use by region" in plain and "Table 2: Energy by use" in plain


def test_a_reference_showing_a_whole_caption_keeps_its_words(make_project: MakeProject, tmp_path: Path) -> None:
    """Word's cross-reference to the "Entire caption" shows the caption's words ("Table 1: Rents by city"): as a
    cross-reference the paper would show "Table 1" alone, and the words would be lost. It stays text; one to the
    label and number in the same paragraph is a cross-reference."""
    whole = _field("REF _Ref7003 \\h", "Table 1: Rents by city")
    number = _field("REF _Ref7001 \\h", "Table 1")
    text = f"<w:p>{_run('See ')}{whole}{_run(' and ')}{number}{_run('.')}</w:p>"
    caption = _caption("_Ref7001", 1, "Rents by city").replace(  # Word's bookmark of the whole caption
        "</w:pPr>", '</w:pPr><w:bookmarkStart w:id="9" w:name="_Ref7003"/>', 1).replace(
        "</w:p>", '<w:bookmarkEnd w:id="9"/></w:p>')
    draft = _body_draft(tmp_path, text + caption + _table("Rent", "12"))
    result, out = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(out) or ("", "", 0))[1]
    assert "See Table 1: Rents by city and [Table 1](#tbl-outlook-1)." in body, body


def test_a_link_of_several_runs_kept_as_text_is_counted_once(make_project: MakeProject, tmp_path: Path) -> None:
    """A link whose words are formatted apart is several runs in Word: each run was counted as a link kept as text
    ('links to places in the draft that are not headings kept as text: 3' for one link)."""
    bold = '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">the </w:t></w:r>'
    to_mark = f'<w:hyperlink w:anchor="mymark">{_run("to ")}{bold}{_run("mark")}</w:hyperlink>'
    script = (f'<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
              f'r:id="rJs">{_run("run ")}{bold}{_run("script")}</w:hyperlink>')
    stray = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> REF _Ref7002 \\h '
             '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
             f'{_run("Table ")}{_run("5")}<w:r><w:fldChar w:fldCharType="end"/></w:r>')  # to a caption beside no table
    draft = _body_draft(tmp_path, f'<w:p><w:bookmarkStart w:id="21" w:name="mymark"/>{_run("Marked words.")}'
                                  f'<w:bookmarkEnd w:id="21"/></w:p><w:p>{_run("Jump ")}{to_mark}{_run(", ")}'
                                  f"{script}{_run(', see ')}{stray}{_run('.')}</w:p>"
                        + _caption("_Ref7002", 5, "Wages by city"))
    _relate(draft, '<Relationship Id="rJs" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                   'relationships/hyperlink" Target="javascript:alert(1)" TargetMode="External"/>')
    result, out = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Jump to **the** mark, run **the** script, see Table 5." in out
    assert "warning COE908 links to places in the draft that are not headings kept as text: 2" in result.stderr
    assert "warning COE908 links that are not https, http or mailto kept as text: 1" in result.stderr


def test_a_link_whose_relationship_is_missing_keeps_its_words_and_is_named(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A hyperlink whose relationship the draft lacks (a damaged or hand-made draft) kept its words and lost its link
    without a word said."""
    lost = (f'<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            f'r:id="rMissing">{_run("the lost ")}<w:r><w:rPr><w:b/></w:rPr><w:t>report</w:t></w:r></w:hyperlink>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('See ')}{lost}{_run('.')}</w:p>")
    result, out = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "See the lost **report**." in out
    assert ("warning COE908 links whose target the draft does not hold (no relationship) kept as text: 1"
            in result.stderr)


def test_a_count_of_nothing_is_no_warning(tmp_path: Path) -> None:
    """A count the conversion added to without finding anything (no link named the captions it left out) was said
    as a warning of its own: "COE908 links to places in the draft that are not headings kept as text: 0"."""
    from collections import Counter

    from coe_paper import wordread
    from coe_paper.importer_summary import LINK, summary
    from conftest import REPO_ROOT

    doc = wordread.read(REPO_ROOT / "paper" / "template.docx")
    counts = Counter({(LINK, "links to places in the draft that are not headings kept as text"): 0,
                      (LINK, "links that are not https, http or mailto kept as text"): 2})
    said = summary(doc, [], set(), True, Counter(), 0, counts)
    assert [message for code, message, _ in said if code == LINK] == [
        "links that are not https, http or mailto kept as text: 2"], said
