"""`coe-paper import` keeps a quote inside a quote, which Word shows as a quote paragraph indented further: from a
member's LibreOffice draft, and from a paper coe-paper assembled; and a list in a quote, as a list. pandoc, reading
the imported section as CommonMark, is the judge."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from coe_paper import pipeline
from coe_paper.cli import app
from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client, section_text
from drafts import libreoffice_draft

_FODT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" '
    'office:mimetype="application/vnd.oasis.opendocument.text"><office:automatic-styles>'
    '<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Quotations">'
    '<style:paragraph-properties fo:margin-left="2cm"/></style:style></office:automatic-styles>'
    '<office:body><office:text><text:h text:outline-level="1">Voices</text:h><text:p>A member said:</text:p>'
    '<text:p text:style-name="Quotations">Outer quote.</text:p><text:p text:style-name="P1">Inner quote.</text:p>'
    '<text:p text:style-name="P1">Inner again.</text:p><text:p text:style-name="Quotations">Outer again.</text:p>'
    "<text:p>After the quote.</text:p></office:text></office:body></office:document>\n"
)
NESTED = ("<p>A member said:</p><blockquote><p>Outer quote.</p><blockquote><p>Inner quote.</p><p>Inner again.</p>"
          "</blockquote><p>Outer again.</p></blockquote><p>After the quote.</p>")


def _import(root: Path, draft: Path, section: str, *more: str) -> str:
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(draft), "--id", "outlook", *more])
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter((root / section).read_text(encoding="utf-8")) or ("", "", 0))[1]
    return subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html"], input=body,
                          capture_output=True, text=True, check=True).stdout.replace("\n", "")


def test_a_quote_indented_further_in_a_draft_is_a_quote_in_the_quote(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_FODT)
    root = make_project({"sections/03-outlook.md": None})
    assert _import(root, draft, "sections/03-outlook.md", "--lead", "leipzig") == NESTED


def test_a_quote_in_a_quote_comes_back_from_an_assembled_paper(make_project: MakeProject, tmp_path: Path) -> None:
    body = ("A member said:\n\n> Outer quote.\n>\n> > Inner quote.\n> >\n> > Inner again.\n>\n> Outer again.\n\n"
            "After the quote.\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Voices")})
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    assert _import(root, built.output, "sections/03-outlook.md", "-o", str(root / "sections" / "03-outlook.md")
                   ) == NESTED


def test_a_quote_style_indented_otherwise_is_no_quote_in_the_quote(make_project: MakeProject, tmp_path: Path) -> None:
    # Word's Intense Quote style has an indent of its own that Quote has not: a quote of another look, not deeper
    import docx

    draft = docx.Document()
    draft.add_heading("Voices", 0)
    draft.add_paragraph("A member said:")
    draft.add_paragraph("A quoted remark.", style="Quote")
    draft.add_paragraph("An intense remark.", style="Intense Quote")
    draft.save(str(tmp_path / "draft.docx"))
    root = make_project({"sections/03-outlook.md": None})
    assert _import(root, tmp_path / "draft.docx", "sections/03-outlook.md", "--lead", "leipzig") == (
        "<p>A member said:</p><blockquote><p>A quoted remark.</p><p>An intense remark.</p></blockquote>")


def test_a_quote_style_of_a_members_own_based_on_quote_and_indented_further_is_a_quote_in_the_quote(
        make_project: MakeProject, tmp_path: Path) -> None:
    # a member who makes "Quote 2" (or "Zitat 2") from Quote, indented further, for the quote inside a quote: it was
    # no quote at all, a paragraph between two quotes
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Inches

    for name in ("Quote 2", "Zitat 2"):
        draft = docx.Document()
        draft.add_heading("Voices", 0)
        draft.add_paragraph("A member said:")
        inner = draft.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        inner.base_style = draft.styles["Quote"]
        inner.paragraph_format.left_indent = Inches(1)
        draft.add_paragraph("Outer quote.", style="Quote")
        draft.add_paragraph("Inner quote.", style=name)
        draft.add_paragraph("Inner again.", style=name)
        draft.add_paragraph("Outer again.", style="Quote")
        draft.add_paragraph("After the quote.")
        draft.save(str(tmp_path / "draft.docx"))
        root = make_project({"sections/03-outlook.md": None})
        assert _import(root, tmp_path / "draft.docx", "sections/03-outlook.md", "--lead", "leipzig") == NESTED


def _list_style(name: str, level_style: str) -> str:
    return (f'<text:list-style style:name="{name}"><{level_style} text:level="1"><style:list-level-properties '
            'text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment '
            'text:label-followed-by="listtab" text:list-tab-stop-position="2cm" fo:text-indent="-0.5cm" '
            f'fo:margin-left="2cm"/></style:list-level-properties></{level_style.split()[0]}></text:list-style>')


def _quoted_items(style: str, *items: str) -> str:
    return (f'<text:list text:style-name="{style}">' + "".join(
        f'<text:list-item><text:p text:style-name="Quotations">{item}</text:p></text:list-item>' for item in items)
        + "</text:list>")


def test_a_list_in_a_quote_stays_a_list_in_the_quote(make_project: MakeProject, tmp_path: Path) -> None:
    """Bullets and numbers on quote paragraphs (a list in a quote, as LibreOffice saves one) were dropped without a
    word, each item a paragraph of the quote, or one quote deeper, its list's indent taken for a quote's."""
    fodt = _FODT.replace("</office:automatic-styles>", _list_style("L1", 'text:list-level-style-bullet '
                         'text:bullet-char="\u2022"') + _list_style("L2", 'text:list-level-style-number '
                         'style:num-suffix="." style:num-format="1"') + "</office:automatic-styles>")
    fodt = fodt[:fodt.index('<text:p text:style-name="Quotations">Outer quote.')] + (
        '<text:p text:style-name="Quotations">We asked for three things:</text:p>'
        + _quoted_items("L1", "safe streets,", "homes we can pay for,")
        + '<text:p text:style-name="Quotations">and then, in order:</text:p>' + _quoted_items("L2", "listen,", "act.")
        + "<text:p>After the quote.</text:p></office:text></office:body></office:document>\n")
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=fodt)
    root = make_project({"sections/03-outlook.md": None})
    assert _import(root, draft, "sections/03-outlook.md", "--lead", "leipzig") == (
        "<p>A member said:</p><blockquote><p>We asked for three things:</p><ul><li>safe streets,</li>"
        "<li>homes we can pay for,</li></ul><p>and then, in order:</p><ol type=\"1\"><li>listen,</li><li>act.</li></ol>"
        "</blockquote><p>After the quote.</p>")


def test_a_quote_paragraph_with_word_bullets_is_an_item_of_a_list_in_the_quote(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    # a member who clicks Bullets on a Quote paragraph in Word: the numbering's indent is the list's, not a quote's
    import docx

    draft = docx.Document()
    draft.add_heading("Voices", 0)
    draft.add_paragraph("A member said:")
    draft.add_paragraph("Our demands:", style="Quote")
    bullets = draft.styles["List Bullet"].element.pPr.numPr.numId.val
    for text in ("safe streets,", "fair rents."):
        para = draft.add_paragraph(text, style="Quote")
        num = para._p.get_or_add_pPr().get_or_add_numPr()
        num.get_or_add_ilvl().val = 0
        num.get_or_add_numId().val = bullets
    draft.add_paragraph("After the quote.")
    draft.save(str(tmp_path / "draft.docx"))
    root = make_project({"sections/03-outlook.md": None})
    assert _import(root, tmp_path / "draft.docx", "sections/03-outlook.md", "--lead", "leipzig") == (
        "<p>A member said:</p><blockquote><p>Our demands:</p><ul><li>safe streets,</li><li>fair rents.</li></ul>"
        "</blockquote><p>After the quote.</p>")
