"""`coe-paper import` of a draft with a list of figures (Word's References > Insert Table of Figures, a TOC field
listing the captions, `\\c "Figure"`; LibreOffice's Figure Index): its entries were kept as text or reported as
"table of contents entries". They are dropped as the contents are, and named a list of figures."""

from __future__ import annotations

import base64
from pathlib import Path

from conftest import MakeProject, require_client, tiny_png
from drafts import flat_text, libreoffice_draft
from test_import import NO_OUTLOOK, _body_draft, _import, _run
from test_import_fields import _field


def _entry(bookmark: str, text: str, page: str, first: bool = False, last: bool = False) -> str:
    """A paragraph of Word's list of figures: a link to the caption's bookmark, its page (a PAGEREF field); the
    list's TOC field begins in the first paragraph and ends in the last."""
    begin = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \\h \\z \\c '
             '"Figure" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>') if first else ""
    end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>' if last else ""
    page_field = _field(f"PAGEREF {bookmark} " + "\\h", page)
    return (f'<w:p><w:pPr><w:pStyle w:val="TableofFigures"/></w:pPr>{begin}<w:hyperlink w:anchor="{bookmark}">'
            f'{_run(text)}<w:r><w:tab/></w:r>{page_field}</w:hyperlink>{end}</w:p>')


def test_a_list_of_figures_word_writes_is_dropped_and_named_so(make_project: MakeProject, tmp_path: Path) -> None:
    body = (_entry("_Toc1", "Figure 1: Rents by city", "2", first=True)
            + _entry("_Toc2", "Figure 2: Wages", "3", last=True) + f"<w:p>{_run('Rents rose.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, body))
    assert result.exit_code == 0, result.stderr
    assert "Rents by city" not in text and "Wages" not in text and "Rents rose." in text
    assert "dropped list of figures entries (Word makes them from the captions): 2" in result.stderr
    assert "table of contents" not in result.stderr and "PAGEREF" not in result.stderr


def test_a_list_of_figures_libreoffice_writes_is_dropped(make_project: MakeProject, tmp_path: Path) -> None:
    figure = ('<text:p text:style-name="Figure"><draw:frame draw:name="Image1" text:anchor-type="as-char" '
              'svg:width="6cm" svg:height="3cm"><draw:image><office:binary-data>PNG</office:binary-data></draw:image>'
              '<svg:desc>Chart of rents</svg:desc></draw:frame><text:line-break/>Figure <text:sequence text:ref-name='
              '"refFigure0" text:name="Figure" text:formula="ooow:Figure+1" style:num-format="1">1</text:sequence>: '
              "Rents by city</text:p>")
    index = ('<text:illustration-index text:name="Figures1"><text:illustration-index-source '
             'text:caption-sequence-name="Figure" text:caption-sequence-format="text"><text:index-title-template>'
             "Figures</text:index-title-template><text:illustration-index-entry-template><text:index-entry-text/>"
             '<text:index-entry-tab-stop style:type="right" style:leader-char="."/><text:index-entry-page-number/>'
             "</text:illustration-index-entry-template></text:illustration-index-source><text:index-body>"
             "<text:p>Figure 1: Rents by city<text:tab/>1</text:p></text:index-body></text:illustration-index>")
    fodt = flat_text(f'<text:h text:outline-level="1">Safe streets</text:h>\n{index}\n<text:p>Rents rose.</text:p>\n'
                     f"{figure}\n").replace("PNG", base64.b64encode(tiny_png(20, 10)).decode())
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert text.count("Rents by city") == 1  # the figure's caption alone, not the list's entry
    assert "dropped list of figures entries (Word makes them from the captions): 1" in result.stderr
