"""A picture's width: a member's draft shows a 40 x 20 pixel picture 6 cm wide, and the paper showed it at its
own size (1.4 cm at 72 dpi). `import` writes the width the draft shows it at as pandoc's attribute,
`![...](...){width=6cm}`, where the paper would show it at another, and the build shows it that wide, within the
text's width."""

from __future__ import annotations

import base64
import re
import subprocess
from pathlib import Path

import docx
import pytest
from docx.shared import Cm

from coe_paper import pipeline
from conftest import MakeProject, require_client, section_text, tiny_png
from reviewkit import apply_review, tracked
from test_import import NO_OUTLOOK, _import


def _shapes(path: Path) -> dict[str, tuple[int, int]]:
    """The pictures python-docx reads in a .docx, by description: (width, height) in EMU."""
    document = docx.Document(str(path))
    return {shape._inline.docPr.get("descr", ""): (int(shape.width), int(shape.height))
            for shape in document.inline_shapes}


def test_a_drafts_picture_keeps_the_width_it_is_shown_at(make_project: MakeProject, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    (tmp_path / "chart.png").write_bytes(tiny_png(40, 20))
    (tmp_path / "logo.png").write_bytes(tiny_png(30, 20))
    draft = docx.Document()
    draft.add_heading("Safe streets", 1)
    for width, words in ((Cm(6), "Shown wide"), (Cm(30), "Wider than the page"), (None, "At its own size")):
        picture = draft.add_picture(str(tmp_path / ("chart.png" if width else "logo.png")), width=width)
        picture._inline.docPr.set("descr", words)
        draft.add_paragraph(f"Figure {words}", style="Caption")
        draft.add_paragraph("Between the figures.")
    draft.save(str(tmp_path / "draft.docx"))
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, tmp_path / "draft.docx")
    assert result.exit_code == 0, result.stderr
    assert '![Shown wide](../paper/images/outlook-1.png "Figure Shown wide"){width=6cm}' in text
    assert '![Wider than the page](../paper/images/outlook-1.png "Figure Wider than the page"){width=30cm}' in text
    assert '![At its own size](../paper/images/outlook-2.png "Figure At its own size")\n' in text
    built = pipeline.assemble(root, root / "out.docx")
    assert built.output is not None, [d.as_text() for d in built.diagnostics]
    shapes = _shapes(built.output)
    assert shapes["Shown wide"] == (Cm(6), Cm(3))  # as the draft shows it, its proportions kept
    assert shapes["Wider than the page"] == (9072 * 635, 9072 * 635 // 2)  # within the text's width
    assert shapes["At its own size"] == (30 * 914400 // 72, 20 * 914400 // 72)  # its pixels at 72 dpi
    document = docx.Document(str(built.output))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "{width" not in text and re.search(r"Figure \d+: Figure Shown wide", text)  # a figure, its caption


def test_a_picture_a_draft_shows_at_its_natural_size_gets_no_width(make_project: MakeProject,
                                                                   tmp_path: Path) -> None:
    """LibreOffice (as Word) shows a picture that gives no dpi at 96 dpi, the paper at 72: each picture of such a
    draft was imported with a width, a 20 px one as `{width=0.53cm}`, though no one had sized it. A width is written
    for the picture the draft sizes alone."""
    png = base64.b64encode(tiny_png(20, 10)).decode()
    (tmp_path / "draft.html").write_text(
        f'<html><body><h1>Safe streets</h1><p>As drawn <img src="data:image/png;base64,{png}" alt="As drawn"> and '
        f'sized <img src="data:image/png;base64,{png}" width="120" alt="Sized"> by the member.</p></body></html>',
        encoding="utf-8")
    subprocess.run([require_client("soffice"), "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path), str(tmp_path / "draft.html")],
                   check=True, capture_output=True, timeout=180)
    draft = docx.Document(str(tmp_path / "draft.docx"))
    assert [shape.width for shape in draft.inline_shapes] == [20 * 914400 // 96, 120 * 914400 // 96]  # at 96 dpi
    for shape, words in zip(draft.inline_shapes, ("As drawn", "Sized"), strict=True):
        shape._inline.docPr.set("descr", words)  # LibreOffice keeps no alt text of HTML
    draft.save(str(tmp_path / "described.docx"))
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, tmp_path / "described.docx")
    assert result.exit_code == 0, result.stderr
    pictures = re.findall(r"!\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?", text)
    assert pictures == ["![As drawn](../paper/images/outlook-1.png)",
                        "![Sized](../paper/images/outlook-1.png){width=3.17cm}"]


def test_pandoc_reads_the_width_as_the_build_does(make_project: MakeProject, tmp_path: Path) -> None:
    body = ('## Pictures\n\n![A chart](../paper/images/chart.png "Rents {#fig-rents}"){width=4.5cm}\n\n'
            "Text {width=2cm} stays, see [Figure 1](#fig-rents).\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/chart.png": tiny_png(40, 20)})
    built = pipeline.assemble(root, root / "out.docx")
    assert built.output is not None, [d.as_text() for d in built.diagnostics]
    assert _shapes(built.output)["A chart"] == (Cm(4.5), Cm(4.5) // 2)
    text = "\n".join(p.text for p in docx.Document(str(built.output)).paragraphs)
    assert re.search(r"Figure \d+: Rents", text) and "Text {width=2cm} stays" in text and "{width=4.5cm}" not in text
    native = subprocess.run([require_client("pandoc"), "-f", "markdown", "-t", "docx", "-o", str(tmp_path / "p.docx"),
                             "--resource-path", str(root / "sections")], input=body, text=True, check=True)
    assert native.returncode == 0
    assert abs(_shapes(tmp_path / "p.docx")["A chart"][0] - Cm(4.5)) <= 1  # pandoc shows it as wide


def test_a_reviewers_edit_beside_a_sized_picture_is_applied(make_project: MakeProject, tmp_path: Path) -> None:
    """The paragraph's map of Word's text to the file takes `{width=...}` as part of the picture: it had stopped
    there, and an edit of the paragraph was not applied."""
    body = "## Pictures\n\nSee ![A chart](../paper/images/chart.png){width=6cm} for the lamps per street.\n"
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction"),
                         "paper/images/chart.png": tiny_png(40, 20)}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    reviewed = tmp_path / "reviewed.docx"
    tracked(built.output, reviewed, [("for the ", "lamps", "street lamps", "Ana Rossi")])
    plan = apply_review(root, reviewed)
    assert {outcome.status for outcome in plan.outcomes} == {"applied"}, plan.outcomes
    text = (root / "sections" / "01-intro.md").read_text(encoding="utf-8")
    assert "See ![A chart](../paper/images/chart.png){width=6cm} for the street lamps per street.\n" in text


def test_the_preview_shows_a_picture_as_wide_as_the_document(make_project: MakeProject, tmp_path: Path) -> None:
    """The preview's parser left `{width=6cm}` as text after the picture."""
    from test_site import page_of

    body = '## Pictures\n\n![A chart](../paper/images/chart.png "Rents {#fig-rents}"){width=6cm}\n'
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/chart.png": tiny_png(40, 20)})
    page = page_of(root, tmp_path / "site")
    assert "{width" not in page
    assert re.search(r'<figure[^>]*id="fig-rents"[^>]*>\s*<img[^>]*style="width: 6cm"[^>]*>\s*<figcaption>', page)


def test_a_picture_as_wide_as_the_text_stays_within_the_margins_in_libreoffice(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """A picture with no distance from the text written on it is set in by LibreOffice's default (0.13 in each side),
    so one as wide as the text ran 9 pt into the right margin of the PDF: each is written with none, as Word does."""
    from test_roundtrip import soffice_convert

    body = "Outlook words for the paper, with a wide chart below them.\n\n![A wide chart](../paper/images/wide.png)\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook", lead="leipzig",
                                                                contributors="[]"),
                         "paper/images/wide.png": tiny_png(600, 300)})
    built = pipeline.assemble(root, tmp_path / "out.docx")
    assert built.output is not None, [d.as_text() for d in built.diagnostics]
    assert _shapes(built.output)["A wide chart"][0] == 9072 * 635  # the text's width
    (tmp_path / "odt").mkdir()
    content = subprocess.run(["unzip", "-p", str(soffice_convert(built.output, "odt", tmp_path / "odt")),
                              "content.xml"], capture_output=True, check=True).stdout.decode()
    frames = re.findall(r'<style:style style:name="fr\d+" style:family="graphic"[^>]*><style:graphic-properties'
                        r'([^>]*)>', content)
    assert frames  # the pictures' frame styles (the same for both here)
    for properties in frames:
        assert 'fo:margin-left="0in"' in properties and 'fo:margin-right="0in"' in properties, properties
