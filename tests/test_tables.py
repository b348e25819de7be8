"""Tables next to each other, and the `Table:` captions between them: each table stays a table of its own in the
.docx (Word joins two tables with nothing between them into one), and a caption goes to the table pandoc gives it
to, in the .docx and the preview alike: a table takes the caption right before it, else the one right after it."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from lxml import etree
from markdown_it.token import Token

from chromium import Browser
from coe_paper import captions, pipeline, site
from coe_paper.markdown import parse
from conftest import MakeProject, require_client, section_text
from scaling import growth
from test_roundtrip import run, soffice_convert

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWO_CAPTIONED = ("## Budget\n\nTable: The budget per year {#tbl-budget}\n\n"
                 "| Year | Amount |\n|---|---|\n| 2024 | 10 |\n\n"
                 "Table: The members per city {#tbl-members}\n\n| City | Members |\n|---|---|\n| Ghent | 2 |\n")


def housing(body: str) -> str:
    """The housing section with `body`, and the heading the introduction links to."""
    return section_text("housing", body + "\n### The data we need\n\nMembers collect data.\n", title="Housing")


def build(make_project: MakeProject, tmp_path: Path, body: str) -> Path:
    root = make_project({"sections/02-housing.md": housing(body)})
    result = pipeline.assemble(root, tmp_path / "tables.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    return result.output


def blocks(out: Path, after: str) -> list[str]:
    """The body's blocks from the paragraph `after` on: a paragraph's text, "TABLE <first cell>" for a table."""
    found: list[str] = []
    for element in docx.Document(str(out)).element.body:
        if element.tag == f"{W}tbl":
            found.append("TABLE " + "".join(t.text or "" for t in element.find(f".//{W}tc").iter(f"{W}t")))
        elif element.tag == f"{W}p":
            found.append("".join(t.text or "" for t in element.iter(f"{W}t")))
    return found[found.index(after):]


def test_a_caption_between_two_tables_belongs_to_the_table_after_it_when_the_one_before_has_its_own(
        make_project: MakeProject, tmp_path: Path) -> None:
    out = build(make_project, tmp_path, TWO_CAPTIONED)
    assert blocks(out, "Budget")[1:5] == ["Table 1: The budget per year", "TABLE Year",
                                          "Table 2: The members per city", "TABLE City"]


def test_a_caption_between_two_tables_goes_above_the_first_when_it_has_none(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    body = "## Budget\n\n| Year |\n|---|\n| 2024 |\n\nTable: Written after its table\n\n| City |\n|---|\n| Ghent |\n"
    out = build(make_project, tmp_path, body)
    assert blocks(out, "Budget")[1:3] == ["Table 1: Written after its table", "TABLE Year"]
    assert "TABLE City" in blocks(out, "Budget")


def test_the_preview_places_a_caption_between_two_tables_as_the_word_document_does(
        make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"sections/02-housing.md": housing(TWO_CAPTIONED)})
    page = site.build(root, tmp_path / "site").page.read_text(encoding="utf-8")  # type: ignore[union-attr]
    order = [page.index(text) for text in ("Table 1: The budget per year", "2024", "Table 2: The members per city",
                                           "Ghent")]
    assert order == sorted(order), order
    assert re.search(r'id="tbl-members"[^>]*>\s*Table 2: The members per city<', page)


def test_two_tables_with_nothing_between_them_stay_two_tables(make_project: MakeProject, tmp_path: Path) -> None:
    body = ("## Budget\n\n| Year | Amount |\n|---|---|\n| 2024 | 10 |\n\n"
            "| City | Members |\n|---|---|\n| Ghent | 2 |\n\n"
            "- | In | Item |\n  |---|---|\n  | a | b |\n\n  | Second | Item |\n  |---|---|\n  | c | d |\n")
    out = build(make_project, tmp_path, body)
    found = blocks(out, "Budget")
    assert found[1:4] == ["TABLE Year", "", "TABLE City"], found  # an empty paragraph keeps them apart
    start = found.index("TABLE In")
    assert found[start:start + 3] == ["TABLE In", "", "TABLE Second"], found


def test_a_footnote_in_a_table_caption_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A caption is written from its words: a footnote reference in a `Table:` line was dropped, and with it the
    footnote, from the .docx and (its reference) from the preview, without a word."""
    body = ("## Budget\n\nTable: The budget per year[^source] {#tbl-budget}\n\n| Year |\n|---|\n| 2024 |\n\n"
            "[^source]: The partnership's accounts.\n")
    out = build(make_project, tmp_path, body)
    with zipfile.ZipFile(out) as package:
        document = etree.fromstring(package.read("word/document.xml"))
        footnotes = etree.fromstring(package.read("word/footnotes.xml"))
    caption = next(p for p in document.iter(f"{W}p") if "budget per year" in "".join(p.itertext()))
    reference = caption.find(f".//{W}footnoteReference")
    assert reference is not None
    note = next(n for n in footnotes.iter(f"{W}footnote") if n.get(f"{W}id") == reference.get(f"{W}id"))
    assert "".join(t.text or "" for t in note.iter(f"{W}t")).strip() == "The partnership's accounts."
    root = make_project({"sections/02-housing.md": housing(body)})
    page = site.build(root, tmp_path / "site").page.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert re.search(r'Table 1: The budget per year<sup class="footnote-ref"><a href="#fn-housing-1"', page)


def test_a_table_caption_line_that_captions_nothing_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A table takes one caption: a second `Table:` line after a table that has its caption before it stays text,
    as in pandoc, `{#id}` and all; it is now reported (COE508) instead of printing unsaid."""
    body = ("## Budget\n\nTable: The budget per year\n\n| Year |\n|---|\n| 2024 |\n\n"
            "Table: A second caption {#tbl-second}\n")
    root = make_project({"sections/02-housing.md": housing(body)})
    found = [(d.code, d.severity, d.line, d.column) for d in pipeline.load(root).diagnostics if d.code == "COE508"]
    assert found == [("COE508", "warning", 17, 1)], found
    out = build(make_project, tmp_path, body)
    assert blocks(out, "Budget")[1:4] == ["Table 1: The budget per year", "TABLE Year",
                                          "Table: A second caption {#tbl-second}"]


def test_which_table_a_caption_belongs_to_is_found_in_one_pass() -> None:
    """Each caption's table was found by walking back over every captioned table before it: 4,000 tables with a
    caption each (130 KB) took a minute. Four times the tables take four times the time (the walk took sixteen)."""
    def run(n: int) -> Callable[[], object]:
        tokens = parse("".join(f"Table: Caption {i}\n\n| a |\n|---|\n| b |\n\n" for i in range(n)))
        return lambda: captions.collect([tokens])

    assert growth(run, 1000, bound=8) < 8
    found = run(4000)()
    assert isinstance(found, captions.Captions)
    assert len(found.by_token) == 4000 and not any(caption.below for caption in found.by_token.values())


def test_the_preview_moves_captions_written_after_their_tables_in_one_pass() -> None:
    """Each caption written after its table was moved above it by a search from the section's start and a splice
    of the rest: 8,000 such tables took many seconds to lay out."""
    from coe_paper import html

    def tables(n: int) -> list[Token]:
        return html.section_parser().parse("".join(f"| a{i} |\n|---|\n| b |\n\nTable: After {i}\n\n"
                                                   for i in range(n)), {})

    def run(n: int) -> Callable[[], object]:
        tokens = tables(n)
        found = captions.collect([tokens])
        return lambda: html._table_captions(tokens, found)

    assert growth(run, 2000, bound=8) < 8  # four times the tables, four times the time (the splices took sixteen)
    tokens = tables(8000)
    found, count = captions.collect([tokens]), len(tokens)
    html._table_captions(tokens, found)
    assert [t.type for t in tokens[:4]] == ["paragraph_open", "inline", "paragraph_close", "table_open"]
    assert tokens[1].children[0].content == "Table 1: After 0"  # type: ignore[index]
    last = max(i for i, t in enumerate(tokens) if t.type == "table_open")
    assert len(tokens) == count and tokens[last - 2].children[0].content == "Table 8000: After 7999"  # type: ignore[index]


def test_a_table_in_a_list_item_or_quote_ends_at_the_text_s_right_margin_as_a_full_width_one(
        make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice's reading of the tables (its OpenDocument): each ends where the text does, indented or not."""
    table = "| Left | Right |\n|---|---|\n| a | b |\n"
    nested = "\n".join("  " + line for line in table.splitlines())
    quoted = "\n".join("> " + line for line in table.splitlines())
    body = f"## Tables\n\n{table}\n- An item\n\n{nested}\n\n{quoted}\n"
    odt = soffice_convert(build(make_project, tmp_path, body), "odt", tmp_path / "odt")
    with zipfile.ZipFile(odt) as package:
        content, styles = (etree.fromstring(package.read(part)) for part in ("content.xml", "styles.xml"))
    ns = {name: f"urn:oasis:names:tc:opendocument:xmlns:{urn}" for name, urn in
          (("style", "style:1.0"), ("table", "table:1.0"), ("fo", "xsl-fo-compatible:1.0"))}

    def inches(props: etree._Element, name: str) -> float:
        value = props.get(f"{{{ns[name.split(':')[0]]}}}{name.split(':')[1]}") or "0in"
        assert value.endswith("in"), value
        return float(value[:-2])

    page = styles.find(".//style:page-layout-properties[@fo:page-width]", ns)
    text_width = inches(page, "fo:page-width") - inches(page, "fo:margin-left") - inches(page, "fo:margin-right")
    right_edges = []
    for name in content.xpath("//table:table[.//text()='Left']/@table:style-name", namespaces=ns):
        props = content.find(f".//style:style[@style:name='{name}']/style:table-properties", ns)
        relative = props.get(f"{{{ns['style']}}}rel-width")
        width = text_width * float(relative[:-1]) / 100 if relative else inches(props, "style:width")
        right_edges.append(inches(props, "fo:margin-left") + width)
    assert len(right_edges) == 3
    assert max(right_edges) - min(right_edges) < 0.005, right_edges  # inches


COMPOUNDS = ("Städtebauförderungsprogramm", "Wohnungsbauförderungsgesetz", "Gemeindefinanzreformgesetz")
ADDRESS = "https://www.staedtebaufoerderung.info/DE/Programme/SozialerZusammenhalt/sozialerzusammenhalt_node.html"
LONG_WORDS = f"""## Instruments

| Instrument | Legal basis | Address |
|---|---|---|
| {COMPOUNDS[0]} | Baugesetzbuch | {ADDRESS} |
| {COMPOUNDS[1]} | Landesrecht | https://example.org/a |
| Ok | {COMPOUNDS[2]} | Nachhaltigkeitsberichterstattungspflichten |
"""


def test_long_compounds_stay_whole_when_another_column_breaks_anyway(make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    """Words of 26 and 27 letters in two columns, a web address and a word of 42 letters in the third: the third
    column's words break whatever its width, so the other two keep room for theirs, whole on one line each (three
    equal columns broke all three). Read from LibreOffice's PDF with poppler's word boxes."""
    pdf = soffice_convert(build(make_project, tmp_path, LONG_WORDS), "pdf", tmp_path / "pdf")
    boxes = run([require_client("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"]).stdout
    found = set(re.findall(r"<word [^>]*>([^<]*)</word>", boxes))
    assert set(COMPOUNDS) <= found, sorted(w for w in found if w.startswith(("St", "Wo", "Ge")))


def test_the_preview_breaks_a_web_address_in_a_table_cell_as_the_document_does(make_project: MakeProject,
                                                                                 tmp_path: Path) -> None:
    """A browser sizes a column to its longest unbroken text: the address made the table wider than the page's
    column on a desktop, its last column readable only by scrolling the table sideways. It may break after a `/`,
    as LibreOffice breaks it in the .docx, and copies as it is written."""
    body = f"## Sources\n\n| Programme | Address |\n|---|---|\n| Städtebauförderung | {ADDRESS} |\n"
    root = make_project({"sections/02-housing.md": housing(body)})
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser = Browser(require_client("chromium"))
    try:
        browser.load(page.as_uri(), width=1366, height=900)
        shown = browser.evaluate("""(() => {
            const cell = [...document.querySelectorAll('td')].find(td => td.textContent.includes('staedtebau'));
            const region = cell.closest('.scroll');
            return {text: cell.textContent.trim(), wide: region.scrollWidth, room: region.clientWidth};
        })()""")
    finally:
        browser.close()
    assert shown["text"] == ADDRESS
    assert shown["wide"] <= shown["room"], shown


STATES = ("Indicator", "Belgium", "Bulgaria", "Czechia", "Denmark", "Germany", "Estonia", "Ireland", "Greece",
          "Portugal")
MEASURES = ("Employment", "Households", "Unemployed", "Commuters")
TEN_COLUMNS = "## Indicators\n\n| " + " | ".join(STATES) + " |\n|" + "---|" * 10 + "\n" + "".join(
    f"| {measure} | " + " | ".join(["1 234 567"] * 9) + " |\n" for measure in MEASURES)


def test_a_ten_column_table_is_set_smaller_rather_than_breaking_its_words(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """Ten columns of words of up to ten letters do not fit side by side at 11 pt: the table's text is set smaller
    (and its cells' margins narrower) until they do, where its columns had broken them every three or four
    letters ("Em ploy me nt"). Read from LibreOffice's PDF with poppler's word boxes, and the size from python-docx;
    a table that fits keeps the body's size."""
    out = build(make_project, tmp_path, TEN_COLUMNS + "\n| Left | Right |\n|---|---|\n| a | b |\n")
    pdf = soffice_convert(out, "pdf", tmp_path / "pdf")
    boxes = run([require_client("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"]).stdout
    found = set(re.findall(r"<word [^>]*>([^<]*)</word>", boxes))
    assert {*STATES, *MEASURES} <= found, sorted(found)
    tables = {table.rows[0].cells[0].text: table for table in docx.Document(str(out)).tables}
    wide, narrow = tables["Indicator"], tables["Left"]
    sizes = {run.font.size.pt for row in wide.rows for cell in row.cells for p in cell.paragraphs for run in p.runs}
    assert sizes and max(sizes) <= 10, sizes
    assert {run.font.size for cell in narrow.rows[1].cells for run in cell.paragraphs[0].runs} == {None}


def _lines(pdf: Path, holding: str) -> list[tuple[float, float, str]]:
    """The lines of the PDF's page that holds `holding`, as poppler's word boxes give them: (top, bottom, words)."""
    boxes = run([require_client("pdftotext"), "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"]).stdout
    for page in boxes.split("<page ")[1:]:
        found = []
        for attrs, words in re.findall(r"<line ([^>]*)>(.*?)</line>", page, re.S):
            top, bottom = (float(re.search(rf'{edge}="([-\d.]+)"', attrs).group(1))  # type: ignore[union-attr]
                           for edge in ("yMin", "yMax"))
            found.append((top, bottom, " ".join(re.findall(r"<word [^>]*>([^<]*)</word>", words))))
        if any(line[2].startswith(holding) for line in found):
            return found
    raise AssertionError(f"no page holds {holding!r}")


def test_a_caption_or_code_right_after_a_table_stands_apart_from_it(make_project: MakeProject,
                                                                   tmp_path: Path) -> None:
    """The caption of a table right after another, and a code block right after a table, leave the space above them
    that a caption after a paragraph has: the second table's caption had touched the first table's last row, and
    read as its caption. Measured in LibreOffice's PDF, text line to text line."""
    tables = TWO_CAPTIONED.split("\n\n", 1)[1]
    body = f"## Budget\n\nThe figures follow.\n\n{tables}\n```\nsource: members' survey\n```\n"
    pdf = soffice_convert(build(make_project, tmp_path, body), "pdf", tmp_path / "pdf")
    lines = _lines(pdf, "The figures follow.")

    def gap(above: str, below: str) -> float:
        index = next(i for i, line in enumerate(lines) if line[2].startswith(below))
        assert lines[index - 1][2].startswith(above), lines[index - 1]
        return lines[index][0] - lines[index - 1][1]

    after_text = gap("The figures follow.", "Table 1: The budget per year")
    assert gap("10", "Table 2: The members per city") >= after_text - 1
    assert gap("2", "source: members") >= after_text - 1
