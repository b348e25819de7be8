"""A paper the partnership can publish, read back by real clients: the bundled paper assembled with the layout pass,
converted by LibreOffice to the tagged PDF of `assemble --pdf`, its pages read with poppler and the .docx with
pandoc. One LibreOffice layout pass and one conversion serve every test here."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from coe_paper import layout
from coe_paper.pipeline import Assembled, assemble
from conftest import REPO_ROOT, MakeProject, require_client
from test_roundtrip import headers, pandoc_ast

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TIMEOUT = 300


@dataclass
class Published:
    result: Assembled
    docx: Path
    pdf: Path
    pages: list[str]  # text of each PDF page, white space collapsed
    destinations: dict[str, int]  # LibreOffice's own layout of the final file: bookmark destination -> page
    ast: dict[str, Any]


def page_texts(pdf: Path) -> list[str]:
    """`pdftotext` of each page (form feeds separate pages), white space collapsed."""
    raw = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, timeout=TIMEOUT, check=True).stdout  # fmt: skip
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def document_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def contents(docx: Path) -> list[tuple[str, str, str]]:
    """Each contents entry: (its text, its PAGEREF's cached page, the bookmark it points at)."""
    root = document_xml(docx)
    found = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None or not style.get(f"{W}val", "").startswith("TOC"):
            continue
        link = p.find(f"{W}hyperlink")
        if link is None:
            continue
        instr = " ".join(t.text or "" for t in link.iter(f"{W}instrText"))
        texts = [t.text or "" for t in link.iter(f"{W}t")]
        match = re.search(r"PAGEREF (\S+)", instr)
        found.append(("".join(texts[:-1]) if match else "".join(texts), texts[-1] if match else "",
                      match.group(1) if match else ""))  # fmt: skip
    return found


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A layout cache of the module's own (the user's cache is never read or written by the tests)."""
    path = tmp_path_factory.mktemp("layout-cache")
    old = os.environ.get("COE_PAPER_CACHE")
    os.environ["COE_PAPER_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("COE_PAPER_CACHE", None)
    else:
        os.environ["COE_PAPER_CACHE"] = old


@pytest.fixture(scope="module")
def published(cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Published:
    require_client("soffice")
    require_client("pdfinfo")
    out = tmp_path_factory.mktemp("publish")
    result = assemble(REPO_ROOT, out / "orientation-paper.docx", paginate=True)
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.convert_to_pdf(result.output, out)
    assert pdf is not None, problem
    dests = layout.destinations(pdf)
    assert dests is not None
    return Published(result, result.output, pdf, page_texts(pdf), dests, pandoc_ast(result.output))


# -- 1. contents with page numbers -------------------------------------------------------------------------


def test_contents_carry_page_numbers_without_the_update_prompt(published: Published) -> None:
    entries = contents(published.docx)
    assert len(entries) > 20
    assert all(page.isdigit() for _, page, _ in entries), entries
    root = document_xml(published.docx)
    assert not [f for f in root.iter(f"{W}fldChar") if f.get(f"{W}dirty")], "a field is still marked dirty"
    settings = document_xml(published.docx, "word/settings.xml")
    assert settings.find(f"{W}updateFields") is None
    assert published.result.layout is not None and not published.result.layout.note


def test_each_heading_is_on_the_page_the_contents_give(published: Published) -> None:
    entries = contents(published.docx)
    misplaced = [(text, page) for text, page, _ in entries
                 if " ".join(text.split()) not in published.pages[int(page) - 1]]  # fmt: skip
    assert not misplaced, misplaced


def test_contents_agree_with_libreoffice_layout_of_the_final_file(published: Published) -> None:
    entries = contents(published.docx)
    agree = [published.destinations.get(layout.destination_name(mark)) == int(page) for _, page, mark in entries]
    assert all(agree), [e for e, ok in zip(entries, agree, strict=True) if not ok]


def test_pandoc_reads_the_contents_and_every_heading(published: Published) -> None:
    titles = [text for _, text in headers(published.ast)]
    for text, _, _ in contents(published.docx):
        assert text in titles


def test_layout_is_reused_from_the_cache_and_the_bytes_stay_the_same(published: Published, tmp_path: Path) -> None:
    again = assemble(REPO_ROOT, tmp_path / "again.docx", paginate=True)
    assert again.layout is not None and again.layout.cached
    assert again.output is not None and again.output.read_bytes() == published.docx.read_bytes()


def test_without_libreoffice_the_contents_keep_their_form_and_a_note_says_so(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("COE_PAPER_CACHE", str(tmp_path / "cache"))
    result = assemble(make_project(), paginate=True)
    assert result.output is not None and result.layout is not None
    assert "LibreOffice is not installed" in result.layout.note
    entries = contents(result.output)
    assert entries and all(page == "" for _, page, _ in entries)
    settings = document_xml(result.output, "word/settings.xml")
    assert settings.find(f"{W}updateFields") is not None
    assert [f for f in document_xml(result.output).iter(f"{W}fldChar") if f.get(f"{W}dirty") == "true"]


def test_layout_key_ignores_properties_only() -> None:
    def package(parts: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return buffer.getvalue()

    base = {"word/document.xml": b"<a/>", "docProps/core.xml": b"<x/>"}
    assert layout.layout_key(package(base)) == layout.layout_key(package(base | {"docProps/core.xml": b"<y/>"}))
    assert layout.layout_key(package(base)) != layout.layout_key(package(base | {"word/document.xml": b"<b/>"}))
    assert layout.destination_name("_Coe3_12") == "5FCoe35F12"
