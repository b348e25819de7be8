"""Annexes in the outline (`annex: true`): numbered "Annex I" or "Annex A" as `annex_numbering` says, their headings
"I.1", listed so in the contents, in `status` and on the preview; read back from LibreOffice's PDF and the .docx."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import docx
import pytest

from chromium import Browser
from coe_paper import layout, pipeline, site
from conftest import PAPER_YAML, MakeProject, cli, require_client, section_text

ANNEX_BODY = """\
## Questions asked

The survey asked members which groups their policies reach.

![A grey square](../paper/images/dot.png "Survey answers")
"""


def pdf_pages(path: Path, out: Path) -> list[str]:
    """The text of each page of the paper's PDF as LibreOffice lays it out, read in lines (the contents' number,
    title and page side by side), dot leaders and white space collapsed."""
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(path, out)
    assert pdf is not None, problem
    raw = subprocess.run([require_client("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [" ".join(re.sub(r"\.{2,}", " ", page).split()) for page in raw.split("\f")[:-1]]


def annexed(make_project: MakeProject, numbering: str = "") -> Path:
    paper = PAPER_YAML + "  - id: survey\n    annex: true\n" + numbering
    return make_project({"paper/paper.yaml": paper,
                         "sections/04-survey.md": section_text("survey", ANNEX_BODY, title="Survey")},
                        git=True)


@pytest.mark.parametrize(("numbering", "label"), [("", "I"), ("annex_numbering: letters\n", "A")])
def test_an_annex_is_numbered_as_an_annex_in_the_pdf_and_its_contents(make_project: MakeProject, tmp_path: Path,
                                                                      numbering: str, label: str) -> None:
    root = annexed(make_project, numbering)
    built = pipeline.assemble(root, tmp_path / "paper.docx", paginate=True)
    assert built.output is not None, [str(d) for d in built.diagnostics]
    pages = pdf_pages(built.output, tmp_path)
    contents = next(page for page in pages if "Contents" in page)
    assert "3 Outlook" in contents and f"Annex {label} Survey" in contents and f"{label}.1 Questions asked" in contents
    assert "4 Survey" not in contents and "4.1" not in contents
    body = " ".join(pages[pages.index(contents) + 1:])
    assert f"Annex {label} Survey" in body and f"{label}.1 Questions asked" in body and "4 Survey" not in body
    assert "Figure 2: Survey answers" in body  # captions are numbered on through the paper, as the chapters' are


def test_an_annex_title_stands_as_near_its_label_as_a_chapter_title_to_its_number(make_project: MakeProject,
                                                                                tmp_path: Path) -> None:
    """The room for "Annex I" was measured as seven digits: its title stood 32 pt after it, where a chapter's stands
    20 pt after its number. Read from poppler's word boxes in LibreOffice's PDF."""
    built = pipeline.assemble(annexed(make_project), tmp_path / "paper.docx")
    assert built.output is not None
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(built.output, tmp_path)
    assert pdf is not None, problem
    boxes = subprocess.run([require_client("pdftotext"), "-bbox", "-enc", "UTF-8", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', boxes)

    def gap(label: str, title: str) -> float:  # in the heading: the last time they stand on one line, in order
        pairs = [(a, b) for a, b in itertools.product(words, words) if a[3] == label and b[3] == title and
                 a[1] == b[1] and float(b[0]) > float(a[2])]
        return min(float(b[0]) - float(a[2]) for a, b in pairs if a[1] == pairs[-1][0][1])

    # the widest label is the contributors' annex's, numbered after the survey; a narrower one stands further off
    assert 4 < gap("II", "Contributors") <= gap("3", "Outlook") + 2 and gap("I", "Survey") <= gap("3", "Outlook") + 5


def test_the_annex_heading_is_numbered_by_word_with_the_annex_word(make_project: MakeProject, tmp_path: Path) -> None:
    built = pipeline.assemble(annexed(make_project), tmp_path / "paper.docx")
    assert built.output is not None
    document = docx.Document(str(built.output))
    heading = next(p for p in document.paragraphs if p.text == "Survey")
    num_id = heading._p.pPr.numPr.numId.val
    numbering = document.part.numbering_part.element
    abstract_id = numbering.xpath(f"w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val")[0]
    level = f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='0']"
    assert numbering.xpath(f"{level}/w:numFmt/@w:val") == ["upperRoman"]
    assert numbering.xpath(f"{level}/w:lvlText/@w:val") == ["Annex %1"]
    outlook = next(p for p in document.paragraphs if p.text == "Outlook")
    assert outlook._p.pPr.numPr is None  # a chapter keeps its style's numbering


def test_status_and_the_preview_number_the_annex(make_project: MakeProject, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = annexed(make_project)
    monkeypatch.chdir(root)
    status = cli("status")
    assert status.exit_code == 0, status.output
    assert any(line.split()[:2] == ["Annex", "I"] and "survey" in line for line in status.output.splitlines())
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, built.diagnostics
    page = built.page.read_text(encoding="utf-8")
    assert "Annex I Survey" in page and "I.1 Questions asked" in page and "4 Survey" not in page


BOARD_JS = """[...document.querySelector('section.board table').rows]
  .map(row => [...row.cells].slice(0, 2).map(cell => cell.innerText.split('\\n')[0].trim()))"""


@pytest.mark.parametrize(("numbering", "label"), [("", "I"), ("annex_numbering: letters\n", "A")])
def test_the_status_board_numbers_the_sections_as_the_document_does(make_project: MakeProject, tmp_path: Path,
                                                                    numbering: str, label: str) -> None:
    """The board's table had no number column where `status` has one: it numbers the chapters and the annex as the
    .docx does (read from LibreOffice's PDF of the same paper), and the annex's headings go on from its number.
    Read in Chromium."""
    root = annexed(make_project, numbering)
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    browser = Browser(require_client("chromium"))
    try:
        browser.load(page.as_uri())
        rows = browser.evaluate(BOARD_JS)
        headings = browser.evaluate("[...document.querySelectorAll('main h3')].map(h => h.innerText)")
    finally:
        browser.close()
    assert rows == [["No.", "Section"], ["1", "Introduction"], ["2", "Housing"], ["3", "Outlook"],
                    [f"Annex {label}", "Survey"]]
    assert f"{label}.1 Questions asked" in headings, headings
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None
    body = " ".join(pdf_pages(built.output, tmp_path))
    for number, title in rows[1:]:
        assert f"{number} {title}" in body, (number, title)


def test_a_board_without_numbers_has_no_number_column(make_project: MakeProject, tmp_path: Path) -> None:
    root = annexed(make_project, "numbering: false\n")
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    text = page.read_text(encoding="utf-8")
    assert '<th scope="col">No.</th>' not in text and '<td class="no">' not in text


def test_status_numbers_nothing_when_the_paper_numbers_nothing(make_project: MakeProject,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """With `numbering: false` the .docx and the preview's board show no numbers, but `status` gave each chapter
    and the annex theirs ("1", "Annex I"): it numbers nothing either, in its table and in its JSON."""
    monkeypatch.chdir(annexed(make_project, "numbering: false\n"))
    rows = json.loads(cli("status", "--format", "json").stdout)
    assert [(row["id"], row["number"]) for row in rows] == [
        ("intro", ""), ("housing", ""), ("outlook", ""), ("survey", "")]
    table = cli("status")
    assert table.exit_code == 0, table.output
    body = table.output.splitlines()[3:]
    assert [line.split()[0] for line in body] == ["intro", "housing", "outlook", "survey"], table.output
    assert "Annex" not in table.output


def test_a_chapter_after_an_annex_is_refused_at_its_line(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    paper = PAPER_YAML.replace("  - id: housing\n", "  - id: housing\n    annex: true\n")
    monkeypatch.chdir(make_project({"paper/paper.yaml": paper}))
    result = cli("validate")
    assert result.exit_code == 1
    assert "paper/paper.yaml:" in result.output and "section 'outlook' comes after an annex" in result.output
    assert "Traceback" not in result.output


def test_the_contributors_annex_is_numbered_after_the_outlines_annexes(make_project: MakeProject, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The contributors' annex stood unnumbered as "Annex: contributors" after "Annex I": it is "Annex II", its title's
    own "Annex:" giving way to the number, and its groups "II.1", in the PDF, the contents, status and the preview."""
    root = annexed(make_project)
    built = pipeline.assemble(root, tmp_path / "paper.docx", paginate=True)
    assert built.output is not None, [str(d) for d in built.diagnostics]
    pages = pdf_pages(built.output, tmp_path)
    contents = next(page for page in pages if "Contents" in page)
    assert "Annex I Survey" in contents and "Annex II Contributors" in contents
    assert "II.1 Organisations from Member States" in contents and "Annex:" not in contents
    body = " ".join(pages[pages.index(contents) + 1:])
    assert "Annex II Contributors" in body and "II.2 European Commission services and other EU bodies" in body
    document = docx.Document(str(built.output))
    survey, members = (next(p for p in document.paragraphs if p.text == text) for text in ("Survey", "Contributors"))
    assert members._p.pPr.numPr.numId.val == survey._p.pPr.numPr.numId.val  # Word numbers it in the annexes' list
    monkeypatch.chdir(root)
    status = cli("status")
    assert status.exit_code == 0, status.output
    assert any(line.split()[:3] == ["Annex", "II", "(contributors)"] for line in status.output.splitlines())
    site_built = site.build(root, tmp_path / "site")
    assert site_built.page is not None, site_built.diagnostics
    page = site_built.page.read_text(encoding="utf-8")
    assert "Annex II Contributors" in page and "II.1 Organisations from Member States" in page


def test_without_annexes_the_contributors_annex_keeps_its_own_unnumbered_title(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:
    built = pipeline.assemble(make_project(git=True), tmp_path / "paper.docx")
    assert built.output is not None
    document = docx.Document(str(built.output))
    title = next(p for p in document.paragraphs if p.text == "Annex: contributors" and p.style.name == "Heading 1")
    assert title._p.pPr.numPr.numId.val == 0  # the heading style's numbering switched off
