"""`coe-paper import` of a picture or a table LibreOffice captioned (Insert > Caption): LibreOffice 7 puts the
picture and its caption in a frame, one paragraph in its "Figure" style, the picture, a line break, then "Figure 1:
...". The caption was kept as text after the picture, its label too, and the picture had no title (no figure
caption). A table's caption is a paragraph of its own in the "Table" style."""

from __future__ import annotations

import base64
import re
import subprocess
import zipfile
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client, tiny_png
from drafts import flat_text, libreoffice_draft
from test_import import NO_OUTLOOK, _import

_FODT = flat_text("""\
<text:h text:outline-level="1">Safe streets</text:h>
<text:p>Rents rose.</text:p>
<text:p><draw:frame draw:name="Frame1" text:anchor-type="as-char" svg:width="6cm"><draw:text-box fo:min-height="3cm">\
<text:p text:style-name="Figure"><draw:frame draw:name="Image1" text:anchor-type="as-char" svg:width="6cm" \
svg:height="3cm"><draw:image><office:binary-data>PNG</office:binary-data></draw:image><svg:desc>Chart of rents\
</svg:desc></draw:frame><text:line-break/>Figure <text:sequence text:ref-name="refFigure0" text:name="Figure" \
text:formula="ooow:Figure+1" style:num-format="1">1</text:sequence>: Rents by city</text:p>\
</draw:text-box></draw:frame></text:p>
<text:p>Wages did not.</text:p>""")


def test_a_picture_libreoffice_captioned_gets_its_caption_as_title(make_project: MakeProject, tmp_path: Path) -> None:
    fodt = _FODT.replace("PNG", base64.b64encode(tiny_png(20, 10)).decode())
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    with zipfile.ZipFile(draft) as package:
        document = package.read("word/document.xml").decode()
    assert '<w:pStyle w:val="Figure"/>' in document and "SEQ Figure" in document  # as LibreOffice writes it
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip().split("\n\n") == ["Rents rose.", '![Chart of rents](../paper/images/outlook-1.png "Rents by '
                                          'city"){width=6cm}', "Wages did not."]  # as wide as the draft shows it
    assert "COE506" not in result.stderr  # validate finds the figure's caption


def pandoc_html(body: str, reader: str = "markdown") -> str:
    """pandoc's HTML of a section's body, read as `reader` (pandoc's Markdown, gfm, commonmark) reads it."""
    return subprocess.run([require_client("pandoc"), "-f", reader, "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout


def table_captions(html: str) -> list[str]:
    """The words of the tables' captions in pandoc's HTML of a section."""
    captions = re.findall(r"<caption>(.*?)</caption>", html, re.DOTALL)
    return [" ".join(re.sub("<[^>]+>", "", caption).split()) for caption in captions]


def _table(first: str, second: str) -> str:
    cells = "".join(f'<table:table-row><table:table-cell office:value-type="string"><text:p>{a}</text:p>'
                    f'</table:table-cell><table:table-cell office:value-type="string"><text:p>{b}</text:p>'
                    "</table:table-cell></table:table-row>" for a, b in (("City", first), ("Rome", second)))
    return f'<table:table><table:table-column table:number-columns-repeated="2"/>{cells}</table:table>'


def _table_caption(number: int, text: str) -> str:
    return (f'<text:p text:style-name="Table">Table <text:sequence text:ref-name="refTable{number - 1}" '
            f'text:name="Table" text:formula="ooow:Table+1" style:num-format="1">{number}</text:sequence>: {text}'
            "</text:p>")


def test_a_table_libreoffice_captioned_gets_its_caption(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice's caption of a table (Insert > Caption), in its "Table" style, above or below the table, came in
    as a paragraph, its label "Table 1:" too. Its { SEQ Table } field is what makes it a caption: a paragraph a
    writer put in the "Table" style without one stays a paragraph."""
    fodt = flat_text("<text:h text:outline-level=\"1\">Safe streets</text:h>\n<text:p>Rents rose.</text:p>\n"
                     + _table_caption(1, "Rents by city") + _table("Rent", "12") + "<text:p>Then wages.</text:p>"
                     + _table("Wage", "30") + _table_caption(2, "Wages by city")
                     + '<text:p text:style-name="Table">Tables in the text say more.</text:p>')
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    with zipfile.ZipFile(draft) as package:
        document = package.read("word/document.xml").decode()
    assert document.count('<w:pStyle w:val="Table"/>') == 3 and document.count("SEQ Table") == 2
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    html = pandoc_html(body)
    assert table_captions(html) == ["Rents by city", "Wages by city"]
    assert "Table 1" not in body and "Table 2" not in body  # the paper numbers its tables
    assert "<p>Tables in the text say more.</p>" in html
    assert "COE5" not in result.stderr  # validate finds both tables' captions


def _sequence(label: str, number: int, text: str, style: str = "Standard") -> str:
    return (f'<text:p text:style-name="{style}">{label} <text:sequence text:ref-name="ref{label}{number - 1}" '
            f'text:name="{label}" text:formula="ooow:{label}+1" style:num-format="1">{number}</text:sequence>: '
            f"{text}</text:p>")


def _picture(description: str) -> str:
    return ('<text:p><draw:frame draw:name="Image1" text:anchor-type="as-char" svg:width="6cm" svg:height="3cm">'
            "<draw:image><office:binary-data>PNG</office:binary-data></draw:image>"
            f"<svg:desc>{description}</svg:desc></draw:frame></text:p>")


def test_captions_of_a_german_or_french_libreoffice_are_captions(make_project: MakeProject, tmp_path: Path) -> None:
    """A German or French LibreOffice names its captions' numbers in its language ({ SEQ Tabelle }, { SEQ
    Abbildung }, { SEQ Tableau }, { SEQ Illustration }), and a caption typed in any paragraph style is one too: they
    stayed paragraphs, their labels with them. The SEQ field, whose name the label repeats, is the sure sign; a
    paragraph numbered by a SEQ field of another name (a recommendation) stays one."""
    fodt = flat_text("<text:h text:outline-level=\"1\">Safe streets</text:h>\n"
                     + _sequence("Tabelle", 1, "Mieten nach Stadt") + _table("Rent", "12")
                     + _sequence("Empfehlung", 1, "Mieten deckeln")
                     + _picture("Chart of rents") + _sequence("Abbildung", 1, "Mieten im Jahr")
                     + _table("Wage", "30") + _sequence("Tableau", 2, "Salaires par ville")
                     + _sequence("Illustration", 2, "Salaires en hausse") + _picture("Chart of wages")
                     + "<text:p>Tabelle 3 zeigt mehr.</text:p>").replace("PNG", base64.b64encode(tiny_png(20, 10))
                                                                             .decode())
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    with zipfile.ZipFile(draft) as package:
        document = package.read("word/document.xml").decode()
    assert all(f"SEQ {name}" in document for name in ("Tabelle", "Abbildung", "Tableau", "Illustration"))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    html = pandoc_html(body)
    assert table_captions(html) == ["Mieten nach Stadt", "Salaires par ville"]
    assert re.findall(r'<img [^>]*title="([^"]*)"', html) == ["Mieten im Jahr", "Salaires en hausse"]
    assert not re.search(r"Tabelle \d:|Abbildung \d|Tableau \d|Illustration \d", body)
    assert "<p>Tabelle 3 zeigt mehr.</p>" in html  # a paragraph naming a table, with no SEQ field, stays one
    assert "<p>Empfehlung 1: Mieten deckeln</p>" in html  # and so does one numbered, but not as a caption
    assert "COE5" not in result.stderr  # validate finds every caption


def _framed(number: int, words: str) -> str:
    """A picture LibreOffice captioned: a frame holding the picture and "Figure N: words", its SEQ field's name
    `refFigure{N-1}`, which the draft's reference names, though LibreOffice writes no bookmark for it."""
    return (f'<text:p><draw:frame draw:name="Frame{number}" text:anchor-type="as-char" svg:width="6cm"><draw:text-box '
            f'fo:min-height="3cm"><text:p text:style-name="Figure"><draw:frame draw:name="Image{number}" '
            'text:anchor-type="as-char" svg:width="6cm" svg:height="3cm"><draw:image><office:binary-data>PNG'
            f"</office:binary-data></draw:image><svg:desc>Chart {number}</svg:desc></draw:frame><text:line-break/>"
            f'Figure <text:sequence text:ref-name="refFigure{number - 1}" text:name="Figure" text:formula="ooow:'
            f'Figure+1" style:num-format="1">{number}</text:sequence>: {words}</text:p></draw:text-box></draw:frame>'
            "</text:p>")


def _reference(number: int) -> str:
    return (f'<text:sequence-ref text:reference-format="category-and-value" text:ref-name="refFigure{number - 1}">'
            f"Figure {number}</text:sequence-ref>")


def test_a_reference_to_a_caption_in_a_frame_links_to_it_by_its_number(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    fodt = flat_text(f'<text:h text:outline-level="1">Safe streets</text:h>\n<text:p>See {_reference(2)} and '
                     f"{_reference(1)}.</text:p>\n{_framed(1, 'Rents by city')}\n{_framed(2, 'Wages by city')}\n"
                     ).replace("PNG", base64.b64encode(tiny_png(20, 10)).decode(), 1).replace(
                         "PNG", base64.b64encode(tiny_png(30, 10)).decode())
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    with zipfile.ZipFile(draft) as package:
        document = package.read("word/document.xml").decode()
    assert "REF Ref_Figure1" in document and 'w:name="Ref_Figure1' not in document  # as LibreOffice writes it
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip().split("\n\n") == [
        "See [Figure 2](#fig-outlook-2) and [Figure 1](#fig-outlook-1).",
        '![Chart 1](../paper/images/outlook-1.png "Rents by city {#fig-outlook-1}"){width=6cm}',
        '![Chart 2](../paper/images/outlook-2.png "Wages by city {#fig-outlook-2}"){width=6cm}']
    assert "COE908" not in result.stderr  # validate finds the figures the links name (else COE601):
    assert "validate sections/03-outlook.md: 0 errors, 0 warnings" in result.stderr
