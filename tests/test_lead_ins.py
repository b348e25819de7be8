"""A paragraph that introduces a list, a quote, a table or a figure (it ends with a colon) never ends a page alone:
LibreOffice's PDF shows it on the page of the list's first item, the quote's first line, the table's first row or the
figure's picture, however the pages fall. So does a heading typed as a bold line of its own, with its text."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest

from coe_paper import layout, pipeline
from conftest import MakeProject, require_client, section_text, tiny_png
from test_publish import page_texts

FILLER = "Members described how their services reach people who face discrimination in housing and work"


#: What a lead-in introduces in case n, and the words of its first line.
INTRODUCED = {
    "list": ("- first item of case {n}\n- second item of case {n}\n", "first item of case {n}"),
    "quote": ("> quoted words of case {n}, said in a meeting.\n", "quoted words of case {n}"),
    "table": ("| City | Members |\n|---|---|\n| table of case {n} | 2 |\n", "table of case {n}"),
}


def body(kind: str) -> str:
    """Lead-ins of many lengths, each before a short list, quote or table, so that some of them fall at the foot of a
    page."""
    blocks = ["## Lead-ins\n"]
    for n in range(48):
        words = " ".join([FILLER] * (1 + n % 4))
        blocks.append(f"{words}, in case {n} as follows:\n\n{INTRODUCED[kind][0].format(n=n)}")
    return "\n".join(blocks)


def outlook_pages(make_project: MakeProject, folder: Path, text: str) -> list[str]:
    """The text of each page of the PDF LibreOffice makes of a paper whose section 'outlook' has `text`."""
    require_client("soffice")
    root = make_project({"sections/03-outlook.md": section_text("outlook", text, title="Outlook", lead="anct")})
    result = pipeline.assemble(root, folder / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.convert_to_pdf(result.output, folder)
    assert pdf is not None, problem
    return page_texts(pdf)


@pytest.mark.parametrize("kind", sorted(INTRODUCED))
def test_a_lead_in_stays_on_the_page_of_what_it_introduces(make_project: MakeProject, tmp_path: Path,
                                                            kind: str) -> None:
    pages = outlook_pages(make_project, tmp_path, body(kind))
    for n in range(48):
        lead_in = next(i for i, page in enumerate(pages) if f"in case {n} as follows:" in page)
        first = INTRODUCED[kind][1].format(n=n)
        assert first in " ".join(pages[lead_in].split()), f"case {n}: its lead-in ends page {lead_in + 1} alone"



@pytest.mark.parametrize(("height", "extra"), [(150, 0), (60, 0), (64, 0), (60, 1)])
def test_a_lead_in_stays_on_the_page_of_the_figure_it_introduces(make_project: MakeProject, tmp_path: Path,
                                                                 height: int, extra: int) -> None:
    """A paragraph that ends with a colon before a figure was left at the foot of a page, alone, when the picture
    did not fit under it; it now goes with the picture, and the picture with its caption. Lead-ins of many lengths
    bring the pictures to every height of a page, after `extra` short paragraphs; pdfimages gives the page of each
    picture. With 60 px pictures the picture of case 1 ended page 4 and its caption opened page 5 (it was the 21st
    paragraph after the page break before the first section, where LibreOffice guessed a page would begin); with one
    paragraph more, its lead-in ended page 4 alone. The published PDF is laid out from an ODF copy that keeps
    LibreOffice from guessing (office_odf)."""
    require_client("soffice")
    blocks = ["## Lead-ins\n", *(f"Short paragraph {i}.\n" for i in range(extra))]
    for n in range(48):
        words = " ".join([FILLER] * (1 + n % 4))
        figure = f'![A chart](../paper/images/chart.png "Chart of case {n}")'
        blocks.append(f"{words}, in case {n} as follows:\n\n{figure}\n")
    text = "\n".join(blocks)
    root = make_project({"sections/03-outlook.md": section_text("outlook", text, title="Outlook", lead="anct"),
                         "paper/images/chart.png": tiny_png(200, height)})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.export_pdf(result.output)  # the PDF `assemble --pdf` writes
    assert pdf is not None, problem
    pages = page_texts(pdf)
    listed = subprocess.run([require_client("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                            timeout=300, check=True).stdout.splitlines()[2:]
    charts = [int(row.split()[0]) - 1 for row in listed if row.split()[3:5] == ["200", str(height)]]
    assert len(charts) == 48
    for n, chart in enumerate(charts):
        lead_in = next(i for i, page in enumerate(pages) if f"in case {n} as follows:" in page)
        caption = next(i for i, page in enumerate(pages) if f": Chart of case {n} " in page + " ")
        assert lead_in == chart, f"case {n}: its lead-in ends page {lead_in + 1} alone"
        assert caption == chart, f"case {n}: its picture ends page {chart + 1}, its caption opens page {caption + 1}"


def test_only_a_paragraph_with_a_colon_right_before_a_list_is_kept_with_it(make_project: MakeProject,
                                                                           tmp_path: Path) -> None:
    text = ("## Cases\n\nA lead-in:\n\n- item\n\nA plain paragraph.\n\n- item\n\nA colon before text:\n\n"
            "Text after it.\n\nA quote's lead-in:\n\n> quoted\n\nA table's lead-in:\n\n| a |\n|---|\n| b |\n\n"
            "A plain paragraph before a quote.\n\n> quoted\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", text, title="Outlook", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    kept = {p.text: bool(p.paragraph_format.keep_with_next) for p in docx.Document(str(result.output)).paragraphs}
    assert kept["A lead-in:"] and kept["A quote's lead-in:"] and kept["A table's lead-in:"]
    assert not kept["A plain paragraph."] and not kept["A colon before text:"] and not kept["Text after it."]
    assert not kept["A plain paragraph before a quote."]


def test_a_heading_typed_in_bold_stays_on_the_page_of_its_text(make_project: MakeProject, tmp_path: Path) -> None:
    """Members type a heading as a bold line of its own (`**Key findings**`), as they did in Word: it ended a page
    alone, its text on the next, when it fell at a page's foot. Paragraphs of many lengths bring it to every height of
    a page: each case is seven one-line paragraphs (a page holds a number of them that seven does not divide), so that
    the pages end at every one of them in turn."""
    blocks = ["## Run-in headings\n"]
    for n in range(48):
        lines = "".join(f"Line {k} before case {n}.\n\n" for k in range(5))
        blocks.append(f"{lines}**Findings of case {n}**\n\nText of case {n} follows here.\n")
    pages = outlook_pages(make_project, tmp_path, "\n".join(blocks))
    for n in range(48):
        heading = next(i for i, page in enumerate(pages) if f"Findings of case {n} " in page + " ")
        assert f"Text of case {n} follows" in pages[heading], f"case {n}: its heading ends page {heading + 1} alone"


def test_only_a_paragraph_all_in_bold_and_a_line_long_is_kept_with_the_next(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    long = ("A whole sentence in bold that runs on past the end of its line, as members write the key message of a "
            "chapter they want no reader to miss")
    text = (f"## Cases\n\n**Key findings**\n\nText.\n\n**Bold** then plain words.\n\nText.\n\n**{long}.**\n\nText.\n\n"
            "**Bold** and **bold again**\n\nText.\n\n- **A bold item**\n- another item\n- a last item\n\n"
            "**Last line of the section**\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", text, title="Outlook", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    kept = {p.text: bool(p.paragraph_format.keep_with_next) for p in docx.Document(str(result.output)).paragraphs}
    assert kept["Key findings"]
    assert not kept["Bold then plain words."] and not kept[f"{long}."] and not kept["Bold and bold again"]
    assert not kept["A bold item"] and not kept["Text."]
    assert not kept["Last line of the section"]  # it heads nothing: kept with the next chapter, it could leave its own
