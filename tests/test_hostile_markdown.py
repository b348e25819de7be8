"""Deep structure (issue 11): lists nested past Word's nine levels and block quotes twenty deep keep every word,
with a warning naming file and line; nesting past what the parser reads is an error, never a silent loss."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
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
    assert f"{INTRO}:13:1: error COE404 lists and quotes nested past what the Markdown parser reads" in result.stderr
    assert not docx.exists()


@pytest.mark.parametrize(("kind", "kept", "levels"), [("list", True, 48), ("list", False, 49), ("quote", True, 97),
                                                      ("quote", False, 98)])
def test_the_depth_coe404_names_is_the_depth_the_parser_reads(make_project: MakeProject, kind: str, kept: bool,
                                                              levels: int) -> None:
    """COE404 said lists and quotes nested "more than 100 levels deep" were not read, but a list of 49 levels was
    refused: a list's level is two of the parser's blocks. It names the depths that are read, and they are."""
    body = ("".join("  " * i + f"- item{i}\n" for i in range(levels)) if kind == "list"
            else "> " * levels + "quoted words\n")
    result, docx = build(make_project, body)
    said = "about 48 list levels or 97 quotes"
    assert (result.exit_code == 0 and docx.exists()) if kept else (result.exit_code == 1 and said in result.stderr), \
        result.stderr


def test_a_link_to_a_heading_of_letters_past_ascii_reaches_it_however_its_accents_are_written(
        make_project: MakeProject, tmp_path: Path) -> None:
    """A link to '#égalité-des-chances' was COE601 'matches no section or heading' with the hint "did you mean
    '#égalité-des-chances'?": the parser had percent-encoded it. Written with 'e' and a combining accent, or in
    full-width letters, it reads the same and reaches the heading too, in the document and in the preview."""
    from docx import Document

    from coe_paper import site

    links = ("#\u00e9galit\u00e9-des-chances", "#e\u0301galite\u0301-des-chances",
             "#\uff45\u0301galit\u00e9-des-chances")  # composed; 'e' and a combining accent; full-width
    body = "## \u00c9galit\u00e9 des chances\n\n" + FILLER + "".join(f"See [the heading]({to}).\n\n" for to in links)
    root = make_project({INTRO: section_text("intro", body, title="Introduction")}, git=True)
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 0 and "COE601" not in checked.stderr, checked.stderr
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx")).exit_code == 0
    body_xml = Document(str(tmp_path / "paper.docx")).element.body  # python-docx reads the document back
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    heading = next(p for p in body_xml.iter(f"{w}p") if "".join(p.itertext()).endswith("\u00c9galit\u00e9 des chances")
                   and p.find(f"{w}bookmarkStart") is not None)
    bookmark = [b.get(f"{w}name") for b in heading.iter(f"{w}bookmarkStart") if not b.get(f"{w}name").startswith("_")]
    linked = [h.get(f"{w}anchor") for h in body_xml.iter(f"{w}hyperlink") if "the heading" in "".join(h.itertext())]
    assert len(bookmark) == 1 and linked == bookmark * 3, (bookmark, linked)
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    text = page.read_text(encoding="utf-8")
    assert 'id="\u00e9galit\u00e9-des-chances"' in text and text.count('href="#\u00e9galit\u00e9-des-chances"') == 3


def test_a_link_address_past_its_limit_is_coe008_at_its_place(make_project: MakeProject, tmp_path: Path) -> None:
    """A link of 200,000 characters went whole into the document and onto every page of the preview; past 2,048
    it is an error at the link's address, and nothing is built. An address of 2,048 characters is taken."""
    long, fitting = "https://example.org/" + "a" * 200_000, "https://example.org/" + "b" * 2028
    body = (f"Our survey asked every member about the measures they take.\n\nSee [the survey]({long}) and "
            f"[the data]({fitting}) for the answers of all members.\n")
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert ("sections/01-intro.md:11:18: error COE008 link address of 200,020 characters, over the 2,048 a link "
            "may have") in result.stderr, result.stderr[:2000]
    assert result.stderr.count("COE008") == 1
    out = tmp_path / "paper.docx"
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(out)).exit_code == 1
    assert not out.exists()
