"""`coe-paper import` of drafts as members send them, made by the programs they use: a contents list LibreOffice
saved from an .odt (its entries in the Normal style, only the content control around them says what they are), an
equation (Office Math) in a paragraph, on a line of its own and outside any paragraph."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from drafts import libreoffice_draft
from test_import import _NS, NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part

_FODT = """\
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" \
office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
<text:h text:outline-level="1">Safe streets</text:h>
<text:table-of-content text:name="Contents1"><text:table-of-content-source text:outline-level="3">\
<text:index-title-template>Contents</text:index-title-template></text:table-of-content-source><text:index-body>
<text:index-title text:name="Contents1_Head"><text:p text:style-name="Contents_20_Heading">Contents</text:p>\
</text:index-title>
<text:p text:style-name="Contents_20_1">Safe streets<text:tab/>1</text:p>
<text:p text:style-name="Contents_20_2">Lighting<text:tab/>1</text:p>
</text:index-body></text:table-of-content>
<text:h text:outline-level="2">Lighting</text:h>
<text:p>Rents rose where the streets were lit.</text:p>
</office:text></office:body></office:document>
"""


def test_a_contents_list_libreoffice_saved_is_left_out_as_contents(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice writes an .odt's contents list to .docx in the Normal style, inside a content control marked as
    a table of contents: its title and entries ('Lighting 1') came in as paragraphs of the section."""
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_FODT)
    plain = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(draft)], capture_output=True,
                           text=True, check=True).stdout
    assert "Lighting 1" in plain  # the entries are in the draft as text, as pandoc reads it
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip() == "## Lighting\n\nRents rose where the streets were lit."
    assert "warning COE903 dropped table of contents entries (Word makes them from the headings): 3" in result.stderr


_M = 'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'


def _m(text: str) -> str:
    return f"<m:r><m:t>{text}</m:t></m:r>"


def test_an_equation_comes_in_as_word_types_it(make_project: MakeProject, tmp_path: Path) -> None:
    """An equation's pieces ran together: x = (a+b)/2 came in as 'x=a+b2', e to the power -x as 'e-x'. It comes in
    in the linear form Word types and shows: fractions, powers, indices, sums with their limits."""
    fraction = f"<m:f><m:num>{_m('a+b')}</m:num><m:den>{_m('2')}</m:den></m:f>"
    power = f"<m:sSup><m:e>{_m('e')}</m:e><m:sup>{_m('-x')}</m:sup></m:sSup>"
    total = (f'<m:nary><m:naryPr><m:chr m:val="\u2211"/></m:naryPr><m:sub>{_m("i=1")}</m:sub><m:sup>{_m("n")}</m:sup>'
             f"<m:e><m:sSub><m:e>{_m('x')}</m:e><m:sub>{_m('i')}</m:sub></m:sSub></m:e></m:nary>")
    root = f"<m:rad><m:radPr><m:degHide m:val=\"1\"/></m:radPr><m:deg/><m:e>{_m('n+1')}</m:e></m:rad>"
    brackets = (f'<m:d><m:dPr><m:begChr m:val="["/><m:endChr m:val="]"/></m:dPr><m:e>{_m("0")}</m:e>'
                f"<m:e>{_m('1')}</m:e></m:d>")
    draft = _body_draft(tmp_path, f"<w:p>{_run('The mean is ')}<m:oMath {_M}>{_m('x=')}{fraction}</m:oMath>"
                                  f"{_run(' and the decay ')}<m:oMath {_M}>{power}</m:oMath>{_run('.')}</w:p>"
                                  f"<w:p><m:oMathPara {_M}><m:oMath>{_m('S=')}{total}</m:oMath>"
                                  f"<m:oMath>{_m('r=')}{root}{_m(chr(0x2208))}{brackets}</m:oMath></m:oMathPara></w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    plain = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "plain", "--wrap=none"], input=body,
                           capture_output=True, text=True, check=True).stdout
    assert plain.split("\n\n") == ["The mean is x=(a+b)/2 and the decay e^(-x).",
                                    "S=\u2211_(i=1)^n x_i r=\u221a(n+1)\u2208[0|1]\n"]



def test_each_equation_is_named_with_the_paragraph_it_is_in(make_project: MakeProject, tmp_path: Path) -> None:
    """Equations (pandoc writes a Markdown draft's TeX as Office Math) in a paragraph, a table cell, a note and on a
    line of their own were counted in one warning ('dropped equation (kept as text): 4'), which said neither which
    nor where: each is named, with the words of its paragraph, and its text is in the section. One alone in a table
    cell was 'a paragraph of its own', which the section has not: it is named by its row and column."""
    (tmp_path / "costs.md").write_text("# Costs\n\nThe cost is $x=\\frac{a+b}{2}$ per household.[^1]\n\n"
                                       "| Item | Formula |\n|------|---------|\n| Rent | $r^2$ |\n\n$$E=mc^2$$\n\n"
                                       "[^1]: Where $a$ is the rent.\n", encoding="utf-8")
    subprocess.run([require_client("pandoc"), "costs.md", "-o", "costs.docx"], cwd=tmp_path, check=True)
    result, text = _import(make_project(NO_OUTLOOK), tmp_path / "costs.docx")
    assert result.exit_code == 0, result.stderr
    named = [line.split(" COE903 ", 1)[1] for line in result.stderr.splitlines() if " COE903 " in line]
    assert named == ["equation 'x=(a+b)/2' kept as text in the paragraph 'The cost is x=(a+b)/2 per household.'",
                     "equation 'r^2' kept as text, alone in the table cell of row 2, column 'Formula'",
                     "equation 'E=mc^2' kept as text (a paragraph of its own)",
                     "equation 'a' kept as text in the paragraph 'Where a is the rent.'"]
    assert "hint: Markdown has no equations: check that the cell reads right in the section's table, or put the " \
        "equation in a picture in the cell" in result.stderr  # not "a paragraph of its own": it is in a table
    body = (split_front_matter(text) or ("", "", 0))[1]
    plain = subprocess.run([require_client("pandoc"), "-f", "commonmark_x", "-t", "plain", "--wrap=none"],
                           input=body, capture_output=True, text=True, check=True).stdout
    for shown in ("The cost is x=(a+b)/2 per household.", "r^2", "E=mc^2", "Where a is the rent."):
        assert shown in plain


_FIGURES = """\
<text:illustration-index text:name="Illustration Index1"><text:illustration-index-source \
text:caption-sequence-name="Figure"><text:index-title-template>Figures</text:index-title-template>\
</text:illustration-index-source><text:index-body><text:index-title text:name="Illustration Index1_Head">\
<text:p text:style-name="Illustration_20_Index_20_Heading">Figures</text:p></text:index-title>\
<text:p text:style-name="Illustration_20_Index_20_1">Figure 1: Lamps per street<text:tab/>1</text:p>\
</text:index-body></text:illustration-index>
"""


def test_text_after_a_contents_and_a_list_of_figures_libreoffice_saved_is_kept(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """A contents list and a list of figures: LibreOffice writes both, and the heading and paragraphs after them
    up to the first table, in one content control marked as a table of contents, which Word shows as ordinary
    text. They were all dropped as contents entries."""
    fodt = _FODT.replace("</text:table-of-content>\n", "</text:table-of-content>\n" + _FIGURES).replace(
        "<text:p>Rents rose where the streets were lit.</text:p>", "<text:p>Rents rose where the streets were lit."
        "</text:p>\n<text:p>Crime fell by a third.</text:p>\n<table:table table:name=\"T1\"><table:table-column "
        "table:number-columns-repeated=\"2\"/><table:table-row><table:table-cell><text:p>City</text:p>"
        "</table:table-cell><table:table-cell><text:p>Lamps</text:p></table:table-cell></table:table-row>"
        "</table:table>").replace('office:version="1.3"', 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:'
                                  'table:1.0" office:version="1.3"')
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    plain = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(draft)], capture_output=True,
                           text=True, check=True).stdout
    assert "Crime fell by a third." in plain and "Figure 1: Lamps per street 1" in plain
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip().startswith("## Lighting\n\nRents rose where the streets were lit.\n\nCrime fell by a third.\n")
    assert "warning COE903 dropped table of contents entries (Word makes them from the headings): 4" in result.stderr
    assert "warning COE903 dropped list of figures entries (Word makes them from the captions): 1" in result.stderr


def test_an_equation_in_a_cell_with_words_or_alone_in_a_note_is_named_where_it_is(make_project: MakeProject,
                                                                                  tmp_path: Path) -> None:
    """An equation in a table cell was named by its paragraph alone, and one in a paragraph of its own in a note as
    if in the body: the cell's row and column, and the note, say where to look in the section."""
    (tmp_path / "rates.md").write_text("# Rates\n\nThe rate.[^1]\n\n| Tax | Rule |\n|-----|------|\n"
                                       "| Land | rate $t$ of it |\n\n[^1]: The rate is:\n\n    $$t=0.2$$\n",
                                       encoding="utf-8")
    subprocess.run([require_client("pandoc"), "rates.md", "-o", "rates.docx"], cwd=tmp_path, check=True)
    result, _text = _import(make_project(NO_OUTLOOK), tmp_path / "rates.docx")
    assert result.exit_code == 0, result.stderr
    named = [line.split(" COE903 ", 1)[1] for line in result.stderr.splitlines() if " COE903 " in line]
    assert named == ["equation 't' kept as text in the table cell of row 2, column 'Rule', in the words 'rate t of "
                     "it'", "equation 't=0.2' kept as text (a paragraph of its own in a note)"]


def test_an_equation_outside_any_paragraph_is_kept_as_one_inside_one(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    """A display equation written as a child of the body (`m:oMathPara` outside any `w:p`, as some tools write it),
    of a table cell or of a note was left out without a word: it is kept as text and named, as one in a paragraph."""
    equation = f"<m:oMathPara {_M}><m:oMath>{_m('y=mx+c')}</m:oMath></m:oMathPara>"
    cell = "<w:tc><w:p>{}</w:p></w:tc>"
    table = (f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{cell.format(_run('Name'))}"
             f"{cell.format(_run('Formula'))}</w:tr><w:tr>{cell.format(_run('Line'))}<w:tc>"
             f"<m:oMathPara {_M}><m:oMath>{_m('z=2')}</m:oMath></m:oMathPara></w:tc></w:tr></w:tbl>")
    draft = _body_draft(tmp_path, f"<w:p>{_run('The line is:')}</w:p>{equation}<w:p>{_run('So it rose.')}"
                                  f'<w:r><w:footnoteReference w:id="1"/></w:r></w:p>{table}')
    _set_part(draft, "word/footnotes.xml", (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {_NS}><w:footnote w:id="1"><w:p>'
        f'<w:r><w:footnoteRef/></w:r>{_run(" Where:")}</w:p><m:oMathPara {_M}><m:oMath>{_m("c=1")}</m:oMath>'
        "</m:oMathPara></w:footnote></w:footnotes>").encode())
    _relate(draft, '<Relationship Id="rNotes" Target="footnotes.xml" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"/>')
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert "The line is:\n\ny=mx+c\n\nSo it rose.[^1]\n" in body
    assert "| Line | z=2 |" in body
    assert "[^1]: Where:" in body and "c=1" in body.split("[^1]:", 1)[1]
    named = [line.split(" COE903 ", 1)[1] for line in result.stderr.splitlines() if " COE903 " in line]
    assert named == ["equation 'y=mx+c' kept as text (a paragraph of its own)",
                     "equation 'z=2' kept as text, alone in the table cell of row 2, column 'Formula'",
                     "equation 'c=1' kept as text (a paragraph of its own in a note)"]
