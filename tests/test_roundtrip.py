"""Real clients read the generated .docx: pandoc parses it back into its AST, LibreOffice renders it to PDF and
re-saves it as .docx, for the kitchen-sink fixture paper and for the bundled Orientation Paper.

These tests skip when pandoc, LibreOffice or poppler are missing, and fail instead when COE_REQUIRE_CLIENTS=1."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from coe_paper.pipeline import assemble
from conftest import kitchen_sink_project, require_client

REPO_ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 300  # seconds; a hung converter fails the test instead of blocking the run

EXTERNAL_URL = "https://futurium.ec.europa.eu/en/urban-agenda"
HEADINGS = [(1, "Kitchen sink of Markdown"), (2, "Formatting runs"), (3, "Lists and numbering"),
            (2, "Tables and notes"), (2, "Blocks"), (3, "Other section"), (1, "The other section"),
            (2, "Second heading")]
LIST_ITEMS = ["Bullet alpha", "Bullet beta", "Nested first", "Nested second", "Bullet gamma", "First list one",
              "First list two", "Second list one", "Second list two", "Third list three",
              "Third list four"]
TABLE = [["Country", "City", "Members"], ["Belgium", "Brussels", "3"], ["Italy", "Rome", "5"]]
FOOTNOTES = [["The first footnote text."],
             ["The second footnote has bold body text.", "Its second paragraph explains more."]]


def build(root: Path, output: Path) -> Path:
    result = assemble(root, output)
    assert result.output is not None, [str(d) for d in result.diagnostics]
    return result.output


# -- the clients ---------------------------------------------------------------------------------------------


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert proc.returncode == 0, f"{command[0]} failed ({proc.returncode}): {proc.stderr}"
    return proc


def pandoc_ast(docx: Path) -> dict[str, Any]:
    """`pandoc -f docx -t json`."""
    ast: dict[str, Any] = json.loads(run([require_client("pandoc"), "-f", "docx", "-t", "json", str(docx)]).stdout)
    return ast


def soffice_convert(source: Path, target: str, outdir: Path) -> Path:
    """LibreOffice headless conversion, with its own profile so that parallel or stale instances do not clash."""
    exe = require_client("soffice")
    profile = outdir.parent / f"{outdir.name}-lo-profile"
    run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(outdir), str(source)])
    converted = outdir / f"{source.stem}.{target.split(':')[0]}"
    assert converted.is_file(), f"LibreOffice wrote no {converted.name}"
    return converted


def pdf_text(pdf: Path) -> str:
    """The PDF's text with all white space collapsed to single spaces (lines wrap differently per renderer)."""
    raw = run([require_client("pdftotext"), "-layout", "-enc", "UTF-8", str(pdf), "-"]).stdout
    return " ".join(raw.split())


def pdf_pages(pdf: Path) -> int:
    info = run([require_client("pdfinfo"), str(pdf)]).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
    assert match, info
    return int(match.group(1))


# -- reading pandoc's AST ------------------------------------------------------------------------------------


def nodes(tree: Any, kind: str) -> Iterator[dict[str, Any]]:
    """Every AST element of type `kind`, in document order."""
    if isinstance(tree, dict):
        if tree.get("t") == kind:
            yield tree
        for value in tree.values():
            yield from nodes(value, kind)
    elif isinstance(tree, list):
        for item in tree:
            yield from nodes(item, kind)


def plain(tree: Any) -> str:
    """Visible text of AST elements; paragraphs end with a newline, footnote bodies are left out."""
    if isinstance(tree, list):
        return "".join(plain(item) for item in tree)
    if not isinstance(tree, dict):
        return ""
    kind, content = tree.get("t"), tree.get("c", [])
    if kind == "Str":
        return str(content)
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "\n"
    if kind in ("Code", "CodeBlock"):
        return str(content[1])
    if kind == "Note":
        return ""
    if kind in ("Link", "Image"):
        return plain(content[1])
    if kind in ("Para", "Plain"):
        return plain(content) + "\n"
    if kind == "Header":
        return plain(content[2])
    return plain(content)


def headers(ast: dict[str, Any]) -> list[tuple[int, str]]:
    return [(h["c"][0], plain(h).strip()) for h in nodes(ast["blocks"], "Header")]


def header_id(ast: dict[str, Any], title: str) -> str:
    found = [h["c"][1][0] for h in nodes(ast["blocks"], "Header") if plain(h).strip() == title]
    assert len(found) == 1 and found[0], f"no single header {title!r} with an id"
    return str(found[0])


def links(ast: dict[str, Any]) -> dict[str, str]:
    """Link text -> target URL."""
    return {" ".join(plain(link).split()): link["c"][2][0] for link in nodes(ast["blocks"], "Link")}


def items(lst: dict[str, Any]) -> list[str]:
    """First paragraph's text of each item of a BulletList or OrderedList."""
    entries = lst["c"] if lst["t"] == "BulletList" else lst["c"][1]
    return [plain(entry[0]).strip() if entry else "" for entry in entries]


def table_rows(table: dict[str, Any]) -> tuple[list[list[str]], list[list[str]]]:
    """(header rows, body rows) of cell texts, for pandoc's table model before and after 2.10."""
    content = table["c"]
    if len(content) == 5:  # caption, alignments, widths, header cells, rows
        head = [[plain(cell).strip() for cell in content[3]]] if any(content[3]) else []
        return head, [[plain(cell).strip() for cell in row] for row in content[4]]

    def rows(rows: list[Any]) -> list[list[str]]:
        return [[plain(cell[4]).strip() for cell in row[1]] for row in rows]

    body = [row for part in content[4] for row in rows(part[2]) + rows(part[3])]
    return rows(content[3][1]), body


def notes(ast: dict[str, Any]) -> list[list[str]]:
    """Each footnote's paragraphs as text."""
    return [[plain(block).strip() for block in note["c"]] for note in nodes(ast["blocks"], "Note")]


def in_order(expected: list[Any], actual: list[Any]) -> bool:
    """Whether `expected` is a subsequence of `actual`."""
    remaining = iter(actual)
    return all(any(item == candidate for candidate in remaining) for item in expected)


# -- fixtures ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kitchen_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = kitchen_sink_project(tmp_path_factory.mktemp("roundtrip") / "project")
    return build(root, root / "build" / "kitchen-sink.docx")


@pytest.fixture(scope="module")
def kitchen_ast(kitchen_docx: Path) -> dict[str, Any]:
    return pandoc_ast(kitchen_docx)


@pytest.fixture(scope="module")
def kitchen_pdf(kitchen_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return soffice_convert(kitchen_docx, "pdf", tmp_path_factory.mktemp("pdf") / "out")


@pytest.fixture(scope="module")
def resaved_ast(kitchen_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    resaved = soffice_convert(kitchen_docx, "docx:MS Word 2007 XML", tmp_path_factory.mktemp("resave") / "out")
    return pandoc_ast(resaved)


@pytest.fixture(scope="module")
def repo_paper(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, list[str]]:
    """The bundled paper built into a temporary file, with its title and its sections' titles in outline order."""
    config = yaml.safe_load((REPO_ROOT / "paper" / "paper.yaml").read_text(encoding="utf-8"))
    titles: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "sections").glob("*.md")):
        front = path.read_text(encoding="utf-8").split("\n---", 1)[0].removeprefix("---\n")
        meta = yaml.safe_load(front)
        titles[meta["id"]] = meta["title"]
    ordered = [titles[entry["id"]] for entry in config["outline"] if entry["id"] in titles]
    assert len(ordered) == len(titles) > 1
    docx = build(REPO_ROOT, tmp_path_factory.mktemp("repo") / "orientation-paper.docx")
    return docx, config["title"], ordered


# -- (a) pandoc reads the kitchen sink -------------------------------------------------------------------------


def test_pandoc_reads_headings_with_their_levels(kitchen_ast: dict[str, Any]) -> None:
    found = headers(kitchen_ast)
    assert [h for h in found if h in HEADINGS] == HEADINGS, found


def test_pandoc_reads_nested_and_restarted_lists(kitchen_ast: dict[str, Any]) -> None:
    bullets = [items(lst) for lst in nodes(kitchen_ast["blocks"], "BulletList")]
    assert ["Bullet alpha", "Bullet beta", "Bullet gamma"] in bullets
    bullet = next(lst for lst in nodes(kitchen_ast["blocks"], "BulletList") if items(lst)[0] == "Bullet alpha")
    nested = list(nodes(bullet["c"][1], "OrderedList"))  # inside the item "Bullet beta"
    assert [items(lst) for lst in nested] == [["Nested first", "Nested second"]]
    ordered = [(lst["c"][0][0], items(lst)) for lst in nodes(kitchen_ast["blocks"], "OrderedList")]
    for expected in ((1, ["First list one", "First list two"]), (1, ["Second list one", "Second list two"]),
                     (3, ["Third list three", "Third list four"])):
        assert expected in ordered, ordered


def test_pandoc_reads_the_table(kitchen_ast: dict[str, Any]) -> None:
    tables = [table_rows(t) for t in nodes(kitchen_ast["blocks"], "Table")]
    assert (TABLE[:1], TABLE[1:]) in tables, tables


def test_pandoc_reads_footnotes(kitchen_ast: dict[str, Any]) -> None:
    assert notes(kitchen_ast) == FOOTNOTES
    second = list(nodes(kitchen_ast["blocks"], "Note"))[1]
    assert [plain(s) for s in nodes(second, "Strong")] == ["bold body"]
    claim = next(p for p in nodes(kitchen_ast["blocks"], "Para") if plain(p).startswith("A claim"))
    assert len(list(nodes(claim, "Note"))) == 2


def test_pandoc_reads_external_and_internal_links(kitchen_ast: dict[str, Any]) -> None:
    found = links(kitchen_ast)
    assert found["Urban Agenda site"] == EXTERNAL_URL
    assert found["other section"] == "#" + header_id(kitchen_ast, "The other section")
    assert found["the lists heading"] == "#" + header_id(kitchen_ast, "Lists and numbering")
    assert found["the kitchen sink"] == "#" + header_id(kitchen_ast, "Kitchen sink of Markdown")


def test_pandoc_reads_inline_formatting(kitchen_ast: dict[str, Any]) -> None:
    blocks = kitchen_ast["blocks"]
    assert "struck words" in [plain(n) for n in nodes(blocks, "Strikeout")]
    assert "bold words" in [plain(n) for n in nodes(blocks, "Strong")]
    assert "italic words" in [plain(n) for n in nodes(blocks, "Emph")]
    assert "inline code" in [n["c"][1] for n in nodes(blocks, "Code")]
    italic = next(n for n in nodes(blocks, "Emph") if plain(n).startswith("italic with"))
    assert [plain(n) for n in nodes(italic, "Strong")] == ["bold inside"]
    verse = next(p for p in nodes(blocks, "Para") if "First line of a verse" in plain(p))
    assert "First line of a verse\nsecond line after a hard break." in plain(verse)


def test_pandoc_reads_code_blocks_quote_and_image(kitchen_ast: dict[str, Any]) -> None:
    blocks = kitchen_ast["blocks"]
    code = "\n".join(n["c"][1] for n in nodes(blocks, "CodeBlock"))
    assert 'def greet(name):\n    return "Hello " + name' in code
    assert "indented code line one\nindented code line two" in code
    quotes = [" ".join(plain(q).split()) for q in nodes(blocks, "BlockQuote")]
    assert "A quoted sentence from the survey. Continued on a second line." in quotes
    assert [plain(image) for image in nodes(blocks, "Image")] == ["Bar chart of survey priorities"]


def test_pandoc_sees_raw_html_as_text_and_the_title_as_metadata(kitchen_ast: dict[str, Any]) -> None:
    blocks = kitchen_ast["blocks"]
    assert not list(nodes(blocks, "RawInline")) and not list(nodes(blocks, "RawBlock"))
    paras = [plain(p).strip() for p in nodes(blocks, "Para")]
    assert "Inline <span>raw inline html</span> stays literal." in paras
    assert '<div class="raw">Raw HTML block</div>' in "\n".join(n["c"][1] for n in nodes(blocks, "CodeBlock"))
    assert plain(kitchen_ast["meta"]["title"]).strip() == "Kitchen Sink Paper"


# -- (b) LibreOffice renders the kitchen sink to PDF -----------------------------------------------------------


def test_libreoffice_renders_every_construct_to_pdf(kitchen_pdf: Path) -> None:
    content = pdf_text(kitchen_pdf)
    assert pdf_pages(kitchen_pdf) > 1
    expected = ["Kitchen Sink Paper", *(title for _, title in HEADINGS), *LIST_ITEMS,
                *(" ".join(row) for row in TABLE), *(text for note in FOOTNOTES for text in note),
                "Inline <span>raw inline html</span> stays literal.", "indented code line two"]
    missing = [text for text in expected if text not in content]
    assert not missing, f"missing from the PDF: {missing}"


def test_libreoffice_restarts_each_ordered_list(kitchen_pdf: Path) -> None:
    content = pdf_text(kitchen_pdf)
    for number, item in ((1, "First list one"), (2, "First list two"), (1, "Second list one"),
                         (2, "Second list two"), (3, "Third list three"), (4, "Third list four")):
        assert re.search(rf"\b{number}\. {item}", content), f"'{number}. {item}' not in the PDF"


# -- (c) LibreOffice re-saves as .docx, pandoc reads that ------------------------------------------------------


def test_libreoffice_resave_keeps_headings_footnotes_and_links(resaved_ast: dict[str, Any]) -> None:
    found = headers(resaved_ast)
    assert [h for h in found if h in HEADINGS] == HEADINGS, found
    assert notes(resaved_ast) == FOOTNOTES
    assert links(resaved_ast).get("Urban Agenda site") == EXTERNAL_URL


# -- the bundled Orientation Paper -----------------------------------------------------------------------------


def test_pandoc_reads_the_bundled_paper(repo_paper: tuple[Path, str, list[str]]) -> None:
    docx, title, sections = repo_paper
    ast = pandoc_ast(docx)
    assert plain(ast["meta"]["title"]).strip() == title
    level1 = [text for level, text in headers(ast) if level == 1]
    assert in_order(sections, level1), (sections, level1)
    assert notes(ast), "the bundled paper's footnotes are lost"


def test_libreoffice_renders_the_bundled_paper(repo_paper: tuple[Path, str, list[str]], tmp_path: Path) -> None:
    docx, title, sections = repo_paper
    pdf = soffice_convert(docx, "pdf", tmp_path / "out")
    assert pdf_pages(pdf) > 1
    content = pdf_text(pdf)
    missing = [text for text in (title, *sections) if " ".join(text.split()) not in content]
    assert not missing, f"missing from the PDF: {missing}"
