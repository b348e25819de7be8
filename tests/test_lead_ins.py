"""A paragraph that introduces a list, a quote, a table or a figure (it ends with a colon) never ends a page alone:
LibreOffice's PDF shows it on the page of the list's first item, the quote's first line, the table's first row or the
figure's picture, however the pages fall."""

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


@pytest.mark.parametrize("kind", sorted(INTRODUCED))
def test_a_lead_in_stays_on_the_page_of_what_it_introduces(make_project: MakeProject, tmp_path: Path,
                                                            kind: str) -> None:  # fmt: skip
    require_client("soffice")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body(kind), title="Outlook", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.convert_to_pdf(result.output, tmp_path)
    assert pdf is not None, problem
    pages = page_texts(pdf)
    for n in range(48):
        lead_in = next(i for i, page in enumerate(pages) if f"in case {n} as follows:" in page)
        first = INTRODUCED[kind][1].format(n=n)
        assert first in " ".join(pages[lead_in].split()), f"case {n}: its lead-in ends page {lead_in + 1} alone"



@pytest.mark.parametrize(("height", "extra"), [(150, 0), (60, 0), (64, 0), (60, 1)])
def test_a_lead_in_stays_on_the_page_of_the_figure_it_introduces(make_project: MakeProject, tmp_path: Path,
                                                                 height: int, extra: int) -> None:  # fmt: skip
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
                         "paper/images/chart.png": tiny_png(200, height)})  # fmt: skip
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.export_pdf(result.output)  # the PDF `assemble --pdf` writes
    assert pdf is not None, problem
    pages = page_texts(pdf)
    listed = subprocess.run([require_client("pdfimages"), "-list", str(pdf)], capture_output=True, text=True,
                            timeout=300, check=True).stdout.splitlines()[2:]  # fmt: skip
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
            "A plain paragraph before a quote.\n\n> quoted\n")  # fmt: skip
    root = make_project({"sections/03-outlook.md": section_text("outlook", text, title="Outlook", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    kept = {p.text: bool(p.paragraph_format.keep_with_next) for p in docx.Document(str(result.output)).paragraphs}
    assert kept["A lead-in:"] and kept["A quote's lead-in:"] and kept["A table's lead-in:"]
    assert not kept["A plain paragraph."] and not kept["A colon before text:"] and not kept["Text after it."]
    assert not kept["A plain paragraph before a quote."]
