"""A table marked `.landscape` in its caption's attributes (`Table: ... {#tbl-x .landscape}`) stands on landscape
pages of its own, between two section breaks, as wide as their text: read back with python-docx, and in the PDF
with poppler (the pages' sizes, their text, and the contents' page numbers)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from typer.testing import CliRunner

from coe_paper import pipeline
from coe_paper.cli import app
from coe_paper.ooxml_sections import LANDSCAPE_WIDTH
from conftest import MakeProject, require_client, section_text
from test_publish import contents, page_texts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WORDS = ("intersectionality", "accessibility", "neighbourhoods", "participation", "discrimination",
         "representation", "infrastructure", "transformation", "implementation", "responsibilities")
WIDE = ("| " + " | ".join(word.capitalize() for word in WORDS) + " |\n" + "|---" * len(WORDS) + "|\n"
        + "".join("| " + " | ".join(f"{word}{row}" for word in WORDS) + " |\n" for row in range(3)))
BODY = ("## Before the table\n\nThe members compared their cities.\n\n## The comparison\n\n"
        "Table: Ten measures compared {#tbl-wide .landscape}\n\n" + WIDE
        + "\nAs [the table](#tbl-wide) shows, the cities differ.\n\n## After the table\n\nThe text goes on.\n")


def build(make_project: MakeProject, tmp_path: Path, body: str = BODY) -> tuple[Path, Path]:
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf", "-o", str(tmp_path / "p.docx")])
    assert result.exit_code == 0, result.output
    return tmp_path / "p.docx", tmp_path / "p.pdf"


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run([require_client("pdfinfo"), "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def test_a_table_marked_landscape_has_landscape_pages_of_its_own(make_project: MakeProject, tmp_path: Path) -> None:
    """Ten columns of long words did not fit a portrait page at 8 pt: the words broke inside. Marked `.landscape`,
    the table and its caption are a landscape section; the pages before and after stay portrait, every page but
    the cover keeps its header and page number, and the contents give each heading's page."""
    require_client("soffice")
    docx, pdf = build(make_project, tmp_path)
    sections = Document(str(docx)).sections
    assert [s.orientation for s in sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert sections[1].page_width > sections[1].page_height == sections[0].page_width
    assert [s.different_first_page_header_footer for s in sections] == [True, False, False]  # the cover's alone
    table = next(t for t in Document(str(docx)).tables if t.rows[0].cells[0].text == "Intersectionality")
    assert sum(int(c.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}w"))
               for c in table._tbl.tblGrid.iterchildren()) == LANDSCAPE_WIDTH
    pages, sizes = page_texts(pdf), page_sizes(pdf)
    wide = [i for i, text in enumerate(pages) if "Ten measures compared" in text and "responsibilities2" in text]
    assert len(wide) == 1 and sizes[wide[0]][0] > sizes[wide[0]][1], sizes
    landscape = [i for i, (width, height) in enumerate(sizes) if width > height]
    assert landscape == wide  # the caption and the table alone
    assert all(word.capitalize() in pages[wide[0]].split() for word in WORDS)  # no word broken
    assert "The members compared" not in pages[wide[0]] and "The text goes on." not in pages[wide[0]]
    assert all(re.search(rf"Page {n + 1} of {len(pages)}", text) for n, text in enumerate(pages) if n)
    for text, page, _ in contents(docx):
        words = text.partition(" ")[2] if text[:1].isdigit() else text
        assert words in pages[int(page) - 1], (text, page)


def test_a_landscape_table_reads_back_and_builds_the_same_bytes(make_project: MakeProject, tmp_path: Path) -> None:
    """pandoc reads the table and the text around it; the caption's number and id are the table's; two builds give
    the same bytes."""
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction")}, git=True)
    first = pipeline.assemble(root, tmp_path / "a.docx")
    second = pipeline.assemble(root, tmp_path / "b.docx")
    assert first.output is not None and second.output is not None, first.diagnostics
    assert first.output.read_bytes() == second.output.read_bytes()
    text = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", "--wrap=none", str(first.output)],
                          capture_output=True, text=True, check=True).stdout
    assert "Table 1: Ten measures compared" in text and "landscape" not in text
    assert "responsibilities2" in text and "As Table 1 shows" in text and "The text goes on." in text


def one_landscape_section(make_project: MakeProject, tmp_path: Path, body: str) -> DocxDocument:
    """The paper of section 'intro' with `body`, read by python-docx, whose landscape pages are one section."""
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "a.docx")
    assert built.output is not None, built.diagnostics
    document = Document(str(built.output))
    assert [s.orientation for s in document.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE,
                                                          WD_ORIENT.PORTRAIT]
    return document


def test_two_landscape_tables_in_a_row_share_their_pages(make_project: MakeProject, tmp_path: Path) -> None:
    """A second landscape table right after the first does not leave an empty portrait page between them."""
    body = BODY.replace("\nAs [the table]", "\nTable: The same again {.landscape}\n\n" + WIDE + "\nAs [the table]")
    document = one_landscape_section(make_project, tmp_path, body)
    assert [p.text for p in document.paragraphs if p.text.startswith("Table ")] == [
        "Table 1: Ten measures compared", "Table 2: The same again"]


def test_the_heading_before_a_landscape_table_opens_its_page(make_project: MakeProject, tmp_path: Path) -> None:
    """Keep-with-next does not reach across a section break: the heading right before the caption stood alone at the
    foot of the portrait page before. It opens the landscape page with its table, and the contents give that page;
    pandoc still reads the heading as a heading, before the table."""
    require_client("soffice")
    docx, pdf = build(make_project, tmp_path)
    pages, sizes = page_texts(pdf), page_sizes(pdf)
    wide = next(i for i, text in enumerate(pages) if "responsibilities2" in text)
    assert sizes[wide][0] > sizes[wide][1]
    assert "The comparison" in pages[wide] and "The comparison" not in pages[wide - 1]
    assert pages[wide].index("The comparison") < pages[wide].index("Ten measures compared")
    entry = next(page for text, page, _ in contents(docx) if text.endswith("The comparison"))
    assert int(entry) == wide + 1
    markdown = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "markdown", "--wrap=none", str(docx)],
                              capture_output=True, text=True, check=True).stdout
    assert re.search(r"^#+ .*The comparison", markdown, re.M)
    assert markdown.index("The comparison") < markdown.index("Ten measures compared")


def test_a_section_that_opens_with_a_landscape_table_has_its_title_there(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """A section whose text starts with a landscape table: its title and byline open the landscape page."""
    require_client("soffice")
    body = "Table: Ten measures compared {.landscape}\n\n" + WIDE + "\nThe text goes on.\n"
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction"),
                         "sections/02-housing.md": section_text("housing", body, title="Wide comparison")}, git=True)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--pdf", "-o", str(tmp_path / "p.docx")])
    assert result.exit_code == 0, result.output
    pages, sizes = page_texts(tmp_path / "p.pdf"), page_sizes(tmp_path / "p.pdf")
    for title in ("Introduction", "Wide comparison"):
        page = next(i for i, text in enumerate(pages) if re.search(rf"\d {title} Lead", text))
        assert sizes[page][0] > sizes[page][1], (title, pages[page])
        assert "responsibilities2" in pages[page]


def test_a_heading_between_two_landscape_tables_shares_their_pages(make_project: MakeProject, tmp_path: Path) -> None:
    """A heading between two landscape tables leaves no portrait page between them: one landscape section holds
    both tables and the heading."""
    body = BODY.replace("\nAs [the table]", "\n## The second comparison\n\nTable: The same again {.landscape}\n\n"
                        + WIDE + "\nAs [the table]")
    body_xml = one_landscape_section(make_project, tmp_path, body).element.body
    breaks = [p for p in body_xml.iterchildren(f"{W}p") if p.find(f"{W}pPr/{W}sectPr") is not None]
    kept = list(body_xml).index(breaks[0]) + 1
    assert "".join(body_xml[kept].itertext()).endswith("The comparison")
