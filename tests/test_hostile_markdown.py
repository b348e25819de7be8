"""Deep structure (issue 11): lists nested past Word's nine levels and block quotes twenty deep keep every word,
with a warning naming file and line; nesting past what the parser reads is an error, never a silent loss."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from typer.testing import Result

from conftest import MakeProject, cli, section_text

INTRO = "sections/01-intro.md"
FILLER = "Members of the partnership wrote this paragraph so the section has enough words.\n\n"


def document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        xml = package.read("word/document.xml").decode()
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


def build(make_project: MakeProject, body: str) -> tuple[Result, Path]:
    root = make_project({INTRO: section_text("intro", "## Deep\n\n" + FILLER + body, title="Introduction")}, git=True)
    return cli("--project", str(root), "assemble"), root / "build" / "test-paper.docx"


def test_list_twelve_levels_deep_keeps_its_text_with_a_warning(make_project: MakeProject) -> None:
    items = "\n".join("  " * level + f"- itemword{level}" for level in range(12)) + "\n"
    result, docx = build(make_project, items)
    assert result.exit_code == 0, result.stderr
    assert f"{INTRO}:22:1: warning COE403 list nested more than 9 levels deep" in result.stderr  # item 10, line 22
    text = document_text(docx)
    assert all(f"itemword{level}" in text for level in range(12)), text


def test_ordered_list_past_nine_levels_is_numbered_at_the_ninth(make_project: MakeProject) -> None:
    items = "\n".join("   " * level + f"1. numbered{level}" for level in range(11)) + "\n"
    result, docx = build(make_project, items)
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(docx) as package:
        xml = package.read("word/document.xml").decode()
    levels = [int(v) for v in re.findall(r'<w:ilvl w:val="(\d+)"/>', xml)]
    assert max(levels) == 8 and levels.count(8) == 3  # levels 9, 10 and 11 share Word's ninth
    assert all(f"numbered{level}" in document_text(docx) for level in range(11))


def test_block_quote_twenty_deep_keeps_its_text(make_project: MakeProject) -> None:
    result, docx = build(make_project, "> " * 20 + "quotedword deep inside\n")
    assert result.exit_code == 0, result.stderr
    assert "quotedword deep inside" in document_text(docx)


def test_nesting_past_the_parser_bound_is_an_error_not_a_loss(make_project: MakeProject) -> None:
    result, docx = build(make_project, "> " * 150 + "lostword\n")
    assert result.exit_code == 1
    assert f"{INTRO}:13:1: error COE404 lists and quotes nested more than 100 levels deep" in result.stderr
    assert not docx.exists()
