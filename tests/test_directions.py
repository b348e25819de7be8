"""Text in scripts written from right to left (Hebrew, Arabic) reads in its own direction in the paper: a paragraph,
table cell or footnote whose first letter is of such a script is a right-to-left paragraph (w:bidi), which
LibreOffice lays out from the right margin with the full stop on the left; every other paragraph stays left to
right. Bold and italic words of those scripts are bold and italic. Read back with python-docx, from LibreOffice's
PDF with poppler's word boxes and from the OpenDocument LibreOffice makes of the paper."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from chromium import Browser
from coe_paper import layout, pipeline, site
from conftest import HOUSING_BODY, OUTLOOK_BODY, require_client, section_text, write_project
from test_roundtrip import soffice_convert

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
HEBREW = "שלום עולם, זהו משפט בעברית עם מילה English באמצע."
ARABIC = "مرحبا بالعالم، هذه جملة باللغة العربية."
HEADING = "מדיניות הדיור של Interreg בערים?"  # a Latin word inside, a full stop of no direction at its end
BODY = f"""\
## {HEADING}

## Scripts

A paragraph that quotes שלום in Hebrew.

{HEBREW}

{ARABIC}

| Language | Sample |
|---|---|
| Hebrew | שלום עולם. |

A note[^rtl]. Bold **שלום** and italic *مرحبا*.

[^rtl]: הערה בעברית.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_project(tmp_path_factory.mktemp("rtl-project"), {
        "sections/02-housing.md": section_text("housing", HOUSING_BODY + "\n" + BODY, title="Housing", lead="anct"),
    })
    result = pipeline.assemble(root, tmp_path_factory.mktemp("rtl-out") / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    return result.output


def right_to_left(p: docx.text.paragraph.Paragraph) -> bool:
    return p._p.find(f"{W}pPr/{W}bidi") is not None


def test_paragraphs_cells_and_notes_take_the_direction_of_their_first_letter(built: Path) -> None:
    document = docx.Document(str(built))
    by_text = {p.text: right_to_left(p) for p in document.paragraphs}
    assert by_text[HEBREW] and by_text[ARABIC] and by_text[HEADING]
    assert not by_text["A paragraph that quotes שלום in Hebrew."]
    assert not any(rtl for text, rtl in by_text.items() if text not in (HEBREW, ARABIC, HEADING)
                   and not text.endswith(HEADING))
    cells = {cell.text: right_to_left(cell.paragraphs[0]) for table in document.tables for row in table.rows
             for cell in row.cells}
    assert cells["שלום עולם."] and not cells["Hebrew"] and not cells["Sample"]
    notes = document.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes")
    note = next(p for p in etree.fromstring(notes.blob).iter(f"{W}p") if "הערה" in "".join(p.itertext()))
    assert note.find(f"{W}pPr/{W}bidi") is not None


def test_the_contents_entry_of_a_heading_reads_as_the_heading_does(built: Path) -> None:
    entries = {p.text: right_to_left(p) for p in docx.Document(str(built)).paragraphs
               if p.style is not None and p.style.name.lower().startswith("toc ")}
    assert [rtl for text, rtl in entries.items() if text.endswith(HEADING)] == [True], entries
    assert [rtl for text, rtl in entries.items() if text.endswith("Scripts")] == [False], entries


def words_of_line(pdf: Path, marker: str, last: bool = False) -> list[tuple[float, float, str]]:
    """Poppler's word boxes (left, right, word) on the first (or `last`) line of the PDF that holds the word
    `marker`."""
    boxes = subprocess.run([require_client("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = [(page, (float(x0), float(y0), float(x1), word))
             for page, text in enumerate(boxes.split("<page ")) for x0, y0, x1, word in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', text)]
    tops = [(page, y0) for page, (_, y0, _, word) in words if word == marker]
    top = tops[-1 if last else 0]
    return sorted((x0, x1, word) for page, (x0, y0, x1, word) in words if page == top[0] and abs(y0 - top[1]) < 1)


def test_libreoffice_sets_a_right_to_left_paragraph_from_the_right_margin(built: Path, tmp_path: Path) -> None:
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(built, tmp_path)
    assert pdf is not None, problem
    english = words_of_line(pdf, "quotes")
    hebrew = words_of_line(pdf, "English")
    left_margin, right_margin = english[0][0], max(x1 for _, x1, _ in hebrew)
    assert left_margin < 80 and right_margin > 500  # the English line starts on the left, the Hebrew one ends right
    assert hebrew[0][0] > left_margin + 100  # the short Hebrew line does not start at the left margin
    assert hebrew[0][2].startswith(".") or hebrew[0][2].endswith(".")  # its full stop stands on its left


def test_libreoffice_sets_a_right_to_left_contents_entry_from_the_right(built: Path, tmp_path: Path) -> None:
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(built, tmp_path)
    assert pdf is not None, problem
    entry = words_of_line(pdf, "Interreg")  # the contents come before the heading itself
    words = [word for _, _, word in entry]
    first, last = (next(x0 for x0, _, word in entry if name in word or name[::-1] in word)  # poppler: as shown
                   for name in ("מדיניות", "בערים"))
    latin = next(x0 for x0, _, word in entry if word == "Interreg")
    assert first > latin > last, entry  # the title's words in its own order, from the right
    assert re.fullmatch(r"\d+\.\d+", words[-1]), words  # its number on its right, as the heading's is


def test_libreoffice_sets_the_number_of_a_right_to_left_heading_inside_the_right_margin(built: Path,
                                                                                       tmp_path: Path) -> None:
    require_client("soffice")
    before = built.read_bytes()
    pdf, problem = layout.convert_to_pdf(built, tmp_path)
    assert pdf is not None, problem
    assert built.read_bytes() == before  # Word's .docx keeps its numbering as Word reads it
    right_margin = max(x1 for _, x1, _ in words_of_line(pdf, "English"))  # a full Hebrew line reaches it
    heading = words_of_line(pdf, "Interreg", last=True)  # the heading, not its entry in the contents
    number = [(x0, x1) for x0, x1, word in heading if re.fullmatch(r"\d+\.\d+", word)]
    assert len(number) == 1, heading
    assert right_margin - 30 < number[0][0] and number[0][1] <= right_margin + 1, (number, right_margin)
    assert all(x1 < number[0][0] for x0, x1, word in heading if (x0, x1) != number[0])  # the words on its left
    scripts = words_of_line(pdf, "Scripts", last=True)
    assert scripts[0][0] < 80 and re.fullmatch(r"\d+\.\d+", scripts[0][2]), scripts  # left to right as before


def test_libreoffice_counts_a_right_to_left_numbered_list_from_one_on_the_right(tmp_path: Path) -> None:
    require_client("soffice")
    lists = ("1. First English item.\n2. Second English item.\n\nBetween.\n\n"
             "1. פריט ראשון ברשימה.\n2. פריט שני ברשימה.\n")
    root = write_project(tmp_path / "project", {
        "sections/02-housing.md": section_text("housing", HOUSING_BODY + "\n" + lists, title="Housing", lead="anct"),
    })
    result = pipeline.assemble(root, tmp_path / "out" / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.convert_to_pdf(result.output, tmp_path)
    assert pdf is not None, problem
    right_margin = 595.3 - words_of_line(pdf, "Affordable")[0][0]  # A4, its margins alike
    for word, number in (("ראשון", "1"), ("שני", "2")):
        line = words_of_line(pdf, word[::-1])  # poppler gives Hebrew words in the order they are drawn
        assert [text.strip(".") for _, _, text in line if text.strip(".").isdigit()] == [number], line  # from 1
        assert max(x1 for _, x1, _ in line) <= right_margin + 1, line  # its number inside the right margin


def test_libreoffice_shows_bold_and_italic_words_of_right_to_left_scripts(built: Path, tmp_path: Path) -> None:
    odt = soffice_convert(built, "odt", tmp_path / "odt")
    with zipfile.ZipFile(odt) as package:
        content = etree.fromstring(package.read("content.xml"))
    office, text_ns, style_ns = (f"{{urn:oasis:names:tc:opendocument:xmlns:{name}:1.0}}"
                                 for name in ("office", "text", "style"))
    properties = {style.get(f"{style_ns}name"): style.find(f"{style_ns}text-properties")
                  for style in content.iter(f"{style_ns}style")}

    def complex_property(word: str, name: str) -> str | None:
        span = next(s for s in content.find(f"{office}body").iter(f"{text_ns}span") if "".join(s.itertext()) == word)
        props = properties.get(span.get(f"{text_ns}style-name"))
        return None if props is None else props.get(f"{style_ns}{name}-complex")

    assert complex_property("שלום", "font-weight") == "bold"
    assert complex_property("مرحبا", "font-style") == "italic"


LIST = "- פריט ראשון בעברית.\n  - An English item inside it.\n"
SITE_JS = """Object.fromEntries([...document.querySelectorAll('main h2, main h3, main p, main li, main td, nav a')]
    .filter(e => /[\\u0590-\\u06ff]|^(.* Scripts|An English item inside it\\.|Hebrew)$/.test(e.textContent.trim()))
    .map(e => {
        const box = e.getBoundingClientRect(), main = document.querySelector('main').getBoundingClientRect();
        return [e.tagName + ' ' + e.textContent.trim().replace(/\\s+/g, ' '), [getComputedStyle(e).direction,
                Math.round(main.right - box.right), Math.round(box.left - main.left)]];
    }))"""


def test_the_preview_shows_right_to_left_text_from_the_right_as_the_document_does(tmp_path: Path) -> None:
    """A browser takes a page's direction for every block in it: a Hebrew paragraph started at the left, its full
    stop on its right. Each block of a body with such text says its own, as the .docx's paragraphs do."""
    root = write_project(tmp_path / "project", {
        "sections/02-housing.md": section_text("housing", f"{HOUSING_BODY}\n{BODY}\n{LIST}", title="Housing",
                                               lead="anct"),
        "sections/03-outlook.md": section_text("outlook", OUTLOOK_BODY, title="מבט קדימה", lead="leipzig",
                                               contributors="[]"),
    })
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, built.diagnostics
    browser = Browser(require_client("chromium"))
    try:
        browser.load(built.page.as_uri(), width=1366)
        shown = browser.evaluate(SITE_JS)
    finally:
        browser.close()
    rtl = {text: (direction, right) for text, (direction, right, _) in shown.items() if direction == "rtl"}
    ltr = {text: left for text, (direction, _, left) in shown.items() if direction == "ltr"}
    assert set(rtl) == {f"H3 2.2 {HEADING}", f"P {HEBREW}", f"P {ARABIC}", "TD שלום עולם.", "P הערה בעברית. ↩︎",
                        "LI פריט ראשון בעברית. An English item inside it.", "H2 3 מבט קדימה", "A מבט קדימה",
                        "LI הערה בעברית. ↩︎",  # the note, its number on its right as in the .docx
                        "TD מבט קדימה"}, shown  # the annex's table names the section too
    assert all(right < 10 for text, (_, right) in rtl.items() if text[0] in "HP"), rtl  # at the right margin
    assert ltr["P A paragraph that quotes שלום in Hebrew."] < 10 and ltr["H3 2.3 Scripts"] < 10, shown
    assert ltr["LI An English item inside it."] > 0 and "TD Hebrew" in ltr, ltr  # its bullet on its left


def test_a_sections_title_takes_the_direction_of_its_first_letter(tmp_path: Path) -> None:
    """The section's title, its Heading 1, was always left to right, while its contents entry read from the right."""
    title = "السكن الميسور للجميع"
    root = write_project(tmp_path / "project", {
        "sections/02-housing.md": section_text("housing", HOUSING_BODY, title=title, lead="anct")})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    headings = {p.text: right_to_left(p) for p in docx.Document(str(result.output)).paragraphs
                if p.style is not None and p.style.name == "Heading 1"}
    assert headings[title] is True
    assert not any(rtl for text, rtl in headings.items() if text != title)
