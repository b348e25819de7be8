"""`coe-paper import` of drafts pandoc wrote (2.17, and pandoc 3 where its wheel is installed): structure that
pandoc's .docx writer marks its own way comes back as the Markdown it was written from. pandoc, reading the
imported section as CommonMark, is the judge."""

from __future__ import annotations

import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coe_paper.cli import app
from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client, tiny_png


def _pandoc3() -> str:
    try:
        import pypandoc  # type: ignore[import-untyped]
    except ImportError:
        message = "pandoc 3 (pypandoc-binary, the bench extra) is not installed"
        if os.environ.get("COE_REQUIRE_CLIENTS") == "1":
            pytest.fail(f"{message} and COE_REQUIRE_CLIENTS=1 requires it")
        pytest.skip(message)
    return str(pypandoc.get_pandoc_path())


WRITERS = {"pandoc 2": lambda: require_client("pandoc"), "pandoc 3": _pandoc3}


def imported(make_project: MakeProject, tmp_path: Path, writer: str, markdown: str,
             warnings: list[str] | None = None) -> str:
    """The body of the section imported from the .docx `writer` makes of `markdown` (its warnings' lines added to
    `warnings`)."""
    pandoc = WRITERS[writer]()
    (tmp_path / "draft.md").write_text(markdown, encoding="utf-8")
    subprocess.run([pandoc, "draft.md", "-o", "draft.docx"], cwd=tmp_path, check=True, capture_output=True)
    root = make_project({"sections/03-outlook.md": None})
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(tmp_path / "draft.docx"), "--id",
                                      "outlook", "--lead", "leipzig"])
    assert result.exit_code == 0, result.stderr
    if warnings is not None:
        warnings += result.stderr.splitlines()
    text = (root / "sections" / "03-outlook.md").read_text(encoding="utf-8")
    return (split_front_matter(text) or ("", "", 0))[1]


def html(pandoc: str, markdown: str) -> str:
    return subprocess.run([pandoc, "-f", "commonmark", "-t", "html"], input=markdown, capture_output=True,
                          text=True, check=True).stdout.replace("\n", "").replace('<ol type="1">', "<ol>")


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_list_items_further_paragraph_stays_in_the_item(make_project: MakeProject, tmp_path: Path,
                                                          writer: str) -> None:
    # pandoc numbers an item's further paragraph with a blank bullet; it is no list item of its own
    body = imported(make_project, tmp_path, writer, "# Outlook\n\n1. First item\n   - nested point\n\n"
                    "     More on the nested point.\n\n2. Second item\n\n   More on the second item.\n\n"
                    "3. Third item\n")
    page = html(require_client("pandoc"), body)
    assert ("<ol><li><p>First item</p><ul><li><p>nested point</p><p>More on the nested point.</p></li></ul></li>"
            "<li><p>Second item</p><p>More on the second item.</p></li><li><p>Third item</p></li></ol>") in page


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_first_heading_that_repeats_the_title_is_left_out(make_project: MakeProject, tmp_path: Path,
                                                            writer: str) -> None:
    # pandoc writes the `title:` as a Title paragraph and `# Outlook` as a Heading 1 after it: the same title twice
    body = imported(make_project, tmp_path, writer, "---\ntitle: Outlook\n---\n\n# Outlook\n\nWhy it matters.\n\n"
                    "## Next steps\n\nWhat comes.\n")
    page = html(require_client("pandoc"), body)
    assert page == "<p>Why it matters.</p><h2>Next steps</h2><p>What comes.</p>"


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_note_cited_twice_comes_back_as_two_notes(make_project: MakeProject, tmp_path: Path, writer: str) -> None:
    # pandoc writes a note cited twice as two notes of the same words, as Word holds one citation per note: in a
    # member's draft they cannot be told from two notes of the same words ("Ibid."), and stay two
    markdown = "# Outlook\n\nFirst citation.[^a] Second citation.[^a] Another.[^b]\n\n[^a]: Shared note.\n" \
        "[^b]: Shared *note* in italics.\n"
    body = imported(make_project, tmp_path, writer, markdown)
    assert body.strip() + "\n" == ("First citation.[^1] Second citation.[^2] Another.[^3]\n\n[^1]: Shared note.\n\n"
                                   "[^2]: Shared note.\n\n[^3]: Shared *note* in italics.\n")
    pandoc = require_client("pandoc")
    plain = [subprocess.run([pandoc, "-f", "commonmark_x", "-t", "plain"], input=text, capture_output=True,
                            text=True, check=True).stdout for text in (markdown.split("\n", 2)[2], body)]
    assert plain[0] == plain[1]  # the same text and notes for a reader


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_quote_in_a_note_stays_a_quote(make_project: MakeProject, tmp_path: Path, writer: str) -> None:
    # pandoc 3 writes a quote in a note in a style of its own, Footnote Block Text: it came back a plain paragraph
    markdown = "# Outlook\n\nA claim.[^a]\n\n[^a]: As the report says:\n\n    > Quoted words in the note.\n"
    body = imported(make_project, tmp_path, writer, markdown)
    assert body.strip() + "\n" == "A claim.[^1]\n\n[^1]: As the report says:\n\n    > Quoted words in the note.\n"


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_quote_in_a_list_item_stays_in_the_item(make_project: MakeProject, tmp_path: Path, writer: str) -> None:
    # pandoc numbers a quote in an item with no mark, as it does the item's further paragraphs: the quote left the
    # item, which ended the list there, and the next item began a second list (a tight list beside it stays tight)
    markdown = ("# Outlook\n\n- one\n- two\n\n1. Item\n\n   > Quote in item.\n   >\n   > Its second paragraph.\n\n"
                "2. Next\n")
    body = imported(make_project, tmp_path, writer, markdown)
    pandoc = require_client("pandoc")
    assert html(pandoc, body) == html(pandoc, markdown.split("\n\n", 1)[1]) == (
        "<ul><li>one</li><li>two</li></ul><ol><li><p>Item</p><blockquote><p>Quote in item.</p><p>Its second "
        "paragraph.</p></blockquote></li><li><p>Next</p></li></ol>")


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_code_block_in_a_list_item_stays_in_the_item(make_project: MakeProject, tmp_path: Path,
                                                       writer: str) -> None:
    # pandoc numbers a code block in an item with no mark, as it does the item's further paragraphs: the code left
    # the item, which ended the list there, and the next item began a second list
    markdown = ("# Outlook\n\n1. Install it:\n\n   ```\n   pip install tram\n\n   tram --check\n   ```\n\n"
                "2. Run it.\n\nAfter.\n\n```\nplain code\n```\n")
    body = imported(make_project, tmp_path, writer, markdown)
    pandoc = require_client("pandoc")
    assert html(pandoc, body) == html(pandoc, markdown.split("\n\n", 1)[1]) == (
        "<ol><li><p>Install it:</p><pre><code>pip install tram\n\ntram --check\n</code></pre></li><li><p>Run it.</p>"
        "</li></ol><p>After.</p><pre><code>plain code\n</code></pre>").replace("\n", "")
    assert [line for line in body.splitlines() if line != line.rstrip()] == []  # the code's blank line is blank


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_horizontal_line_is_a_rule(make_project: MakeProject, tmp_path: Path, writer: str) -> None:
    # pandoc writes a thematic break as Word writes its Horizontal Line, a VML rectangle marked o:hr in a paragraph
    # of its own: it was dropped as a "shape", the break between the two parts gone
    warnings: list[str] = []
    body = imported(make_project, tmp_path, writer, "# Outlook\n\nThe first part.\n\n***\n\nThe second part.\n",
                    warnings)
    assert body.strip() == "The first part.\n\n***\n\nThe second part."
    assert not [line for line in warnings if "COE903" in line], warnings


@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_picture_whose_image_the_draft_lacks_is_named_by_its_description(make_project: MakeProject,
                                                                            tmp_path: Path, writer: str) -> None:
    # pandoc relates a picture in a note to its image from the body's part, not the notes': no reader shows it, and
    # it was counted as a "shape", which the member looked for in vain, its description lost without a word
    (tmp_path / "icon.png").write_bytes(tiny_png())
    pandoc = WRITERS[writer]()
    (tmp_path / "draft.md").write_text("# Outlook\n\nText.[^1]\n\n[^1]: A note with ![a bus stop icon](icon.png) in "
                                       "it.\n", encoding="utf-8")
    subprocess.run([pandoc, "draft.md", "-o", "draft.docx"], cwd=tmp_path, check=True, capture_output=True)
    with zipfile.ZipFile(tmp_path / "draft.docx") as draft:
        embed = re.search(r'r:embed="([^"]+)"', draft.read("word/footnotes.xml").decode())
        names = draft.namelist()
        related = draft.read("word/_rels/footnotes.xml.rels").decode() if "word/_rels/footnotes.xml.rels" in names \
            else ""
    assert embed is not None and f'Id="{embed.group(1)}"' not in related  # the note's part relates no such image
    root = make_project({"sections/03-outlook.md": None})
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(tmp_path / "draft.docx"), "--id",
                                      "outlook", "--lead", "leipzig"])
    assert result.exit_code == 0, result.stderr
    assert ("warning COE903 dropped picture whose image is missing from the draft ('a bus stop icon'): 1"
            in result.stderr)
    assert "shape" not in result.stderr
