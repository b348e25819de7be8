"""Markdown that nests as CommonMark defines it, with no text lost (issue 8, item 9): read back with python-docx
and pandoc. Block quotes hold headings, lists, code and tables, indented with the quote; nested quotes indent
further; list items hold paragraphs, code, quotes and tables as their continuation; an item that starts with a list
gets no empty item; <br>, <sup>, <sub>, <u>, <mark> become Word formatting; other HTML stays visible, COE406."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import docx
from lxml import etree

from coe_paper import pipeline
from conftest import HOUSING_BODY, MakeProject, require_client, section_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
NESTED = """\
## Nested blocks

> ### Quoted heading
>
> Quoted paragraph.
>
> - quoted item
>
> ```
> quoted code
> ```
>
> | Quoted | Table |
> |---|---|
> | qa | qb |
>
> > Inner quote.

- First item.

  Second paragraph of the item.

  ```
  item code
  ```

  > Item quote.

  | Item | Table |
  |---|---|
  | ia | ib |

- - Inner item at once.

Raised x<sup>2</sup>, lowered H<sub>2</sub>O, <u>underlined</u>, <mark>marked</mark>,<br>broken and <span>kept</span>.
"""


def build(make_project: MakeProject, tmp_path: Path) -> tuple[Path, list[str]]:
    root = make_project({"sections/02-housing.md": section_text("housing", HOUSING_BODY + "\n" + NESTED,
                                                                title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "nested.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    return result.output, [f"{d.code}:{d.line}" for d in result.diagnostics]


def paragraph(document: docx.document.Document, text: str) -> etree._Element:
    return next(p._p for p in document.paragraphs if p.text == text)


def indent(p: etree._Element) -> int:
    ind = p.find(f"{W}pPr/{W}ind")
    return int(ind.get(f"{W}left")) if ind is not None else 0


def test_quotes_hold_their_blocks_indented_and_nested_quotes_indent_further(make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    out, _ = build(make_project, tmp_path)
    document = docx.Document(str(out))
    heading = paragraph(document, "Quoted heading")
    assert heading.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Quotations" and heading.find(f".//{W}b") is not None
    assert indent(heading) == indent(paragraph(document, "Quoted paragraph.")) == 720
    assert indent(paragraph(document, "quoted code")) == 720
    assert indent(paragraph(document, "quoted item")) == 1440  # the quote's step plus the list's
    assert indent(paragraph(document, "Inner quote.")) == 1440
    tables = {t.rows[0].cells[0].text: t._tbl for t in document.tables}
    assert tables["Quoted"].find(f"{W}tblPr/{W}tblInd").get(f"{W}w") == "720"
    assert all(p.text != "Quoted heading" for p in document.paragraphs if p.style.name.startswith("Heading"))


def test_list_items_hold_paragraphs_code_quotes_and_tables_as_their_continuation(make_project: MakeProject,
                                                                                 tmp_path: Path) -> None:
    out, _ = build(make_project, tmp_path)
    document = docx.Document(str(out))
    first = paragraph(document, "First item.")
    assert first.find(f"{W}pPr/{W}numPr") is not None
    for text in ("Second paragraph of the item.", "item code", "Item quote."):
        p = paragraph(document, text)
        number = p.find(f"{W}pPr/{W}numPr/{W}numId")  # none, or numId 0: in no list, with no number
        assert (number is None or number.get(f"{W}val") == "0") and indent(p) >= 720, text
    assert indent(paragraph(document, "Item quote.")) == 1440
    table = next(t._tbl for t in document.tables if t.rows[0].cells[0].text == "Item")
    assert table.find(f"{W}tblPr/{W}tblInd").get(f"{W}w") == "720"


def test_a_figure_in_a_list_item_or_quote_has_its_caption_indented_with_it(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    """A figure's caption stands under the figure: indented with the list item or quote that holds it."""
    body = ("## Figures\n\n### The data we need\n\n"
            "1. An item with a chart:\n\n   ![A dot](../paper/images/dot.png \"Chart in an item\")\n\n"
            "> ![A dot](../paper/images/dot.png \"Chart in a quote\")\n")
    root = make_project({"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "figures.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    document = docx.Document(str(result.output))
    for caption, expected in (("Figure 1: Chart in an item", 720), ("Figure 2: Chart in a quote", 720)):
        p = paragraph(document, caption)
        figure = p.getprevious()
        assert figure.find(f".//{W}drawing") is not None
        assert indent(p) == indent(figure) == expected, caption


def test_an_item_that_starts_with_a_list_gets_no_empty_item(make_project: MakeProject, tmp_path: Path) -> None:
    out, _ = build(make_project, tmp_path)
    document = docx.Document(str(out))
    numbered = [p for p in document.paragraphs if p._p.find(f"{W}pPr/{W}numPr") is not None]
    assert all(p.text.strip() for p in numbered), [p.text for p in numbered]
    inner = paragraph(document, "Inner item at once.")
    assert inner.find(f"{W}pPr/{W}numPr/{W}ilvl").get(f"{W}val") == "1"


def test_inline_html_becomes_formatting_and_other_html_stays_visible(make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    out, diagnostics = build(make_project, tmp_path)
    document = docx.Document(str(out))
    p = next(p for p in document.paragraphs if p.text.startswith("Raised"))
    runs = {r.text: r for r in p.runs}
    raised, lowered = [r for r in p.runs if r.text == "2"]
    assert raised.font.superscript and lowered.font.subscript
    assert runs["underlined"].font.underline and runs["marked"].font.highlight_color is not None
    assert p._p.find(f".//{W}br") is not None and "<br>" not in p.text
    assert "<span>kept</span>" in p.text
    assert [d for d in diagnostics if d.startswith("COE406")] == ["COE406:53"]


def test_no_text_is_lost_pandoc_reads_every_word_back(make_project: MakeProject, tmp_path: Path) -> None:
    pandoc = require_client("pandoc")
    out, _ = build(make_project, tmp_path)
    source = subprocess.run([pandoc, "-f", "commonmark_x", "-t", "plain"], input=NESTED, capture_output=True,
                            text=True, check=True).stdout
    back = subprocess.run([pandoc, str(out), "-t", "plain"], capture_output=True, text=True, check=True).stdout
    missing = set(re.findall(r"[a-z]{3,}", source.lower())) - set(re.findall(r"[a-z]{3,}", back.lower()))
    assert not missing
    ast = json.loads(subprocess.run([pandoc, str(out), "-t", "json"], capture_output=True, text=True,
                                    check=True).stdout)
    kinds = {block["t"] for block in ast["blocks"]}
    assert "BlockQuote" in kinds  # indented quote paragraphs read back as quotes


def test_a_footnote_referred_to_inside_a_footnote_leaves_no_reference_there_and_is_reported(
        make_project: MakeProject, tmp_path: Path) -> None:
    """Word has no footnotes in footnotes: a reference inside one made a .docx LibreOffice could not open at all
    (so no layout pass and no PDF). The reference is left out with COE605, and a note that only a note refers to
    is not in the document (COE604); a note the text refers to as well is kept."""
    body = ("## Notes\n\nA claim[^outer] and another[^both].\n\n"
            "[^outer]: The outer note cites[^inner] and[^both].\n\n[^inner]: Only a note refers to this.\n\n"
            "[^both]: Both refer to this.\n\n### The data we need\n\nText.\n")
    root = make_project({"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "notes.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    found = [(d.code, d.line, d.column) for d in result.diagnostics if d.code in ("COE604", "COE605")]
    line = "[^outer]: The outer note cites[^inner] and[^both]."
    assert found == [("COE605", 13, line.index("[^inner]") + 1), ("COE605", 13, line.index("[^both]") + 1),
                     ("COE604", 15, 1)], found
    assert "only from inside another footnote" in next(d.message for d in result.diagnostics if d.code == "COE604")
    document = docx.Document(str(result.output))
    with zipfile.ZipFile(result.output) as package:
        footnotes = etree.fromstring(package.read("word/footnotes.xml"))
    assert not list(footnotes.iter(f"{W}footnoteReference"))
    texts = ["".join(t.text or "" for t in note.iter(f"{W}t")).strip() for note in footnotes.iter(f"{W}footnote")
             if int(note.get(f"{W}id")) > 0]
    assert texts == ["The outer note cites and.", "Both refer to this."], texts
    body_xml = etree.tostring(document.element.body)
    assert body_xml.count(b"footnoteReference") == 2



def test_a_heading_in_a_footnote_stays_in_it_as_bold_text(make_project: MakeProject, tmp_path: Path) -> None:
    """A heading inside a footnote became a Heading 2 of the paper in the footnote: numbered as a section of its
    own, listed in the contents after the chapter's last heading. It is bold footnote text, as in a quote."""
    body = ("## Notes\n\nA claim[^source].\n\n[^source]: The source.\n\n    ## Heading in a note\n\n"
            "    More of the note.\n\n### The data we need\n\nText.\n")
    root = make_project({"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "notes.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    with zipfile.ZipFile(result.output) as package:
        footnotes = etree.fromstring(package.read("word/footnotes.xml"))
        document = package.read("word/document.xml").decode()
    heading = next(p for p in footnotes.iter(f"{W}p") if "".join(t.text or "" for t in p.iter(f"{W}t")) ==
                   "Heading in a note")
    assert heading.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "FootnoteText"
    assert heading.find(f".//{W}b") is not None
    assert "Heading in a note" not in document  # not in the contents


def test_a_line_break_in_a_heading_is_a_space_in_the_contents(make_project: MakeProject, tmp_path: Path) -> None:
    """`<br>` breaks a heading's line in the text; its contents entry ran the two lines together ("Homessecond")."""
    from test_publish import contents

    body = "## Homes for all<br>and for each\n\nText.\n\n### The data we need\n\nText.\n"
    root = make_project({"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "break.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    assert "2.1 Homes for all and for each" in [text for text, _, _ in contents(result.output)]
    heading = paragraph(docx.Document(str(result.output)), "Homes for all\nand for each")
    assert heading.find(f".//{W}br") is not None


def test_a_loose_list_keeps_the_space_between_its_paragraphs_and_a_tight_one_does_not(
        make_project: MakeProject, tmp_path: Path) -> None:
    """The List Paragraph style has contextual spacing (no space between paragraphs of one style): the paragraphs
    of a loose list item, and its items, ran together like the lines of one paragraph. As in pandoc and the
    preview, a loose list's paragraphs keep their space after; a tight list stays compact."""
    body = ("## Lists\n\n- First item.\n\n  Its second paragraph.\n\n- Second item.\n\nBetween.\n\n"
            "- tight one\n- tight two\n\n### The data we need\n\nText.\n")
    root = make_project({"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "loose.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    document = docx.Document(str(result.output))

    def contextual(text: str) -> bool:
        found = paragraph(document, text).find(f"{W}pPr/{W}contextualSpacing")
        return found is None or found.get(f"{W}val") not in ("0", "false")

    assert not any(contextual(text) for text in ("First item.", "Its second paragraph.", "Second item."))
    assert contextual("tight one") and contextual("tight two")


def test_an_item_that_starts_with_a_table_has_its_bullet_before_the_table(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A table cannot carry a bullet: the item's bullet came after its table, as an empty item of its own."""
    body = "## Items\n\n- | In | Item |\n  |---|---|\n  | a | b |\n- normal\n\n### The data we need\n\nText.\n"
    root = make_project({"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")})
    result = pipeline.assemble(root, tmp_path / "items.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    table = next(t._tbl for t in docx.Document(str(result.output)).tables if t.rows[0].cells[0].text == "In")
    bullet, after = table.getprevious(), table.getnext()
    assert bullet.find(f"{W}pPr/{W}numPr") is not None and not "".join(bullet.itertext()).strip()
    assert "".join(t.text or "" for t in after.iter(f"{W}t")) == "normal"
    assert table.find(f"{W}tblPr/{W}tblInd").get(f"{W}w") == "720"


def test_html_in_a_table_caption_is_reported_as_left_out(make_project: MakeProject, tmp_path: Path) -> None:
    """A table's caption is plain text: `Table: Members by <b>city</b>` is captioned "Members by city" in the .docx
    (and the preview), but COE406 said the tag was shown as text. It now says the tag is left out of the caption; in
    a `Table:` line that captions no table (COE508), a paragraph like any other, it is shown as text."""
    body = ("## Members\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Members by <b>city</b>\n\n"
            "Table: Nothing <i>here</i>\n")
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook")})
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    found = {d.line: d.message for d in built.diagnostics if d.code == "COE406"}
    text = "\n".join(p.text for p in docx.Document(str(built.output)).paragraphs)
    assert "Members by city" in text and "<b>" not in text and "Nothing <i>here</i>" in text
    assert "left out of the table's caption" in found[15] and "shown as text" in found[17], found
