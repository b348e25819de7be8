"""No word of a section's text is lost between the Markdown and the .docx without a diagnostic.

A differential check: a section is written from the constructs members use and misuse; the words a reader of the
Markdown takes for text start with "q", and no other word does (a comment's, a link's destination, a label). The
paper is assembled and read back with pandoc (body, tables, footnotes), the pictures' descriptions and titles from
the parts themselves. A word of the text missing from that reading must come with a diagnostic from `validate` that
says the document leaves something out, on the word's line or before it in its block (a footnote's report is on
its first line; a comment left open, COE408, names the line where it ends). Hypothesis writes the sections
(examples capped so the file runs in well under a minute); the cases found are kept below as plain tests."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from coe_paper import pipeline
from coe_paper.diagnostics import Diagnostic
from conftest import CONTRIBUTORS_YAML, require_client, write_project

INTRO = "sections/01-intro.md"
BODY_LINE = 7  # the first line of the body in the file `section` writes
PAPER = """\
title: Generated Paper
output: build/generated.docx
checks:
  ignore: [COE7]  # generated words are no English: the editorial rules say nothing about losses
outline:
  - id: intro
"""
PICTURE = "../paper/images/dot.png"
#: Codes that say the document leaves words out, or shows them otherwise than as the text they were written as.
LOSSES = {"COE404", "COE406", "COE407", "COE408", "COE409", "COE604", "COE605", "COE606", "COE607"}
SOME = settings(max_examples=30, deadline=30_000, derandomize=True, database=None, phases=[Phase.generate],
                suppress_health_check=[HealthCheck.too_slow])


def section(body: str) -> str:
    return f"---\nid: intro\ntitle: Introduction\nlead: rome\n---\n\n{body}"


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold()))


def document_text(docx: Path) -> str:
    """The text pandoc reads from the document, with the pictures' descriptions and titles (which it leaves out)."""
    text = subprocess.run([require_client("pandoc"), str(docx), "-t", "plain", "--wrap=none"], check=True,
                          capture_output=True, text=True).stdout
    with zipfile.ZipFile(docx) as package:
        xml = "".join(package.read(name).decode() for name in ("word/document.xml", "word/footnotes.xml")
                      if name in package.namelist())
    for picture in re.findall(r"<wp:docPr [^>]*>", xml):
        text += " " + html.unescape(" ".join(re.findall(r'(?:descr|title)="([^"]*)"', picture)))
    return unicodedata.normalize("NFC", text).casefold()


def lost(root: Path, body: str) -> tuple[list[tuple[str, int]], list[Diagnostic]]:
    """The words of `body` missing from the assembled paper without a diagnostic saying so, each with its file
    line; and validate's diagnostics of the section."""
    (root / INTRO).write_text(section(body), encoding="utf-8")
    found = [d for d in pipeline.check(root).diagnostics if d.path == INTRO]
    output = root / "build" / "generated.docx"
    output.unlink(missing_ok=True)
    built = pipeline.assemble(root, output)
    assert built.output is not None, [d.as_text() for d in built.diagnostics]
    have = document_text(output)
    lines = body.split("\n")
    told = [d.line - BODY_LINE for d in found if d.code in LOSSES]
    hidden = [range(d.line - BODY_LINE, int(end.group(1)) - BODY_LINE + 1) for d in found if d.code == "COE408"
              and (end := re.search(r"'-->' on line (\d+)", d.message))]
    missing: list[tuple[str, int]] = []
    for index, line in enumerate(lines):
        for word in sorted(word for word in words(line) if word.startswith("q") and word not in have):
            if not any(0 <= at <= index and all(text.strip(" >") for text in lines[at:index + 1]) for at in told) \
                    and not any(index in span for span in hidden):
                missing.append((word, BODY_LINE + index))  # no report on its line, nor earlier in its block
    return missing, found


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lost-words")
    root = write_project(folder / "paper", {"paper/paper.yaml": PAPER, "contributors.yaml": CONTRIBUTORS_YAML,
                                            "sections/02-housing.md": None, "sections/03-outlook.md": None})
    (root / "paper" / "templates").mkdir(exist_ok=True)
    (root / "paper" / "templates" / "byline.md.j2").unlink(missing_ok=True)
    yield root
    shutil.rmtree(folder, ignore_errors=True)


# -- sections written from the constructs members use and misuse ---------------------------------------------------

WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).map(lambda w: "q" + w)
HEBREW = "\u05e9\u05dc\u05d5\u05dd"
SCRIPT = st.sampled_from(["città", "Łódź", "中文字", "عربي", HEBREW, "e\u0301te", "naïve", "Ελλάδα"]).map(
    lambda w: "q" + w)
HIDDEN = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).map(lambda w: "z" + w)  # not text
PAIR = st.tuples(WORD, WORD)
SPAN = st.one_of(
    WORD, SCRIPT, WORD.map(lambda w: f"*{w}*"), WORD.map(lambda w: f"**{w}**"), WORD.map(lambda w: f"_{w}_"),
    WORD.map(lambda w: f"***{w}***"), WORD.map(lambda w: f"*{w}"), WORD.map(lambda w: f"{w}**"),
    PAIR.map(lambda p: f"**{p[0]}* {p[1]}"), PAIR.map(lambda p: f"*{p[0]} **{p[1]}*"),
    WORD.map(lambda w: f"`{w}`"), WORD.map(lambda w: f"``{w}`"), WORD.map(lambda w: f"~~{w}~~"),
    WORD.map(lambda w: f"~{w}~"), WORD.map(lambda w: f"[{w}](https://example.org/{w[1:]})"),
    WORD.map(lambda w: f"[{w}][ref]"), WORD.map(lambda w: f"[{w}][nowhere]"), WORD.map(lambda w: f"[{w}]"),
    WORD.map(lambda w: f"<https://example.org/{w}>"), WORD.map(lambda w: f"![{w}]({PICTURE})"),
    PAIR.map(lambda p: f'![{p[0]}]({PICTURE} "{p[1]}")'),
    PAIR.map(lambda p: f"[![{p[0]}]({PICTURE})](https://example.org) {p[1]}"),
    PAIR.map(lambda p: f"[{p[0]}[^1] {p[1]}](https://example.org)"), WORD.map(lambda w: f"[^{w}]"),
    WORD.map(lambda w: f"<span>{w}</span>"), WORD.map(lambda w: f"<sup>{w}</sup>"), WORD.map(lambda w: f"{w}<br>"),
    HIDDEN.map(lambda w: f"<!-- {w} -->"),
    WORD.map(lambda w: f"{w}&amp;&copy;&#8212;&nbsp;&bogus;"), WORD.map(lambda w: f'"{w}"'),
    WORD.map(lambda w: f"'{w}'"), PAIR.map(lambda p: f"{p[0]}--{p[1]}---"), WORD.map(lambda w: f"{w} \U0001F600"),
    WORD.map(lambda w: f"{{.{w}}}"), WORD.map(lambda w: f"{w}\\\n"), WORD.map(lambda w: f"{w}  \n"),
    st.integers(1, 3).map(lambda n: f"[^{n}]"), WORD.map(lambda w: f"\\*{w}\\*"), WORD.map(lambda w: f"\\[{w}]"),
)
TEXT = st.lists(SPAN, min_size=1, max_size=5).map(lambda spans: " ".join(spans).strip())
ONE_LINE = TEXT.map(lambda text: " ".join(text.split()))


def item_lines(marker: str, blocks: list[str]) -> list[str]:
    lines: list[str] = []
    for number, line in enumerate("\n\n".join(blocks).split("\n")):
        lines.append((marker if number == 0 else " " * len(marker)) + line if line else "")
    return lines


def table(rows: list[list[str]]) -> str:
    """A table as written: the header's cells decide the columns; a row may have more or fewer."""
    lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in rows[0]) + " |", "|" + " --- |" * len(rows[0])]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows[1:]])


CELL = st.one_of(ONE_LINE.map(lambda text: text.replace("|", "\\|")), WORD.map(lambda w: f"`{w}|{w}`"),
                 WORD.map(lambda w: f"{w} \\| {w}"))
LEAF = st.one_of(
    TEXT, ONE_LINE.map(lambda text: f"## {text}"), ONE_LINE.map(lambda text: f"{text}\n---"),
    ONE_LINE.map(lambda text: f"## {text} ##"), st.tuples(ONE_LINE, TEXT).map(lambda p: f"{p[0]}\n===\n{p[1]}"),
    st.lists(WORD, min_size=1, max_size=3).map(lambda ws: "```\n" + "\n".join(ws) + "\n```"),
    st.lists(WORD, min_size=1, max_size=3).map(lambda ws: "~~~ info\n" + "\n".join(ws)),  # never closed
    WORD.map(lambda w: f"    {w}"), WORD.map(lambda w: f"<div>\n{w}\n</div>"), HIDDEN.map(lambda w: f"<!-- {w} -->"),
    st.tuples(HIDDEN, WORD).map(lambda p: f"<!-- {p[0]} -->{p[1]}"), WORD.map(lambda w: f"<!--\n{w}"),
    WORD.map(lambda w: f"<script>\n{w}\n</script>"), WORD.map(lambda w: f"<pre>{w}"), WORD.map(lambda w: f"<?x {w} ?>"),
    WORD.map(lambda w: f"<![CDATA[ {w} ]]>"), WORD.map(lambda w: f"<table><tr><td>{w}</td></tr></table>"),
    st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=2, max_size=4).map(table),
    st.tuples(ONE_LINE, st.lists(st.lists(CELL, min_size=1, max_size=2), min_size=2, max_size=3).map(table)).map(
        lambda p: f"Table: {p[0]}\n\n{p[1]}"),
    PAIR.map(lambda p: f'![{p[0]}]({PICTURE} "{p[1]}")'), WORD.map(lambda w: f"[{w}]: pending"),
    WORD.map(lambda w: f"[^{w} x]: {w}"), st.tuples(WORD, TEXT).map(lambda p: f"2024. {p[0]} {p[1]}"),
    TEXT.map(lambda text: f"{text}\n***"), TEXT.map(lambda text: f"+ {text}\n* {text}"),
)


def container(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    items = st.lists(st.lists(children, min_size=1, max_size=2), min_size=1, max_size=3)
    return st.one_of(
        items.map(lambda its: "\n".join(line for item in its for line in item_lines("- ", item))),
        items.map(lambda its: "\n".join(line for n, item in enumerate(its) for line in item_lines(f"{n + 1}. ", item))),
        st.lists(children, min_size=1, max_size=2).map(
            lambda blocks: "\n".join(f"> {line}".rstrip() for line in "\n\n".join(blocks).split("\n"))),
        st.tuples(WORD, WORD).map(lambda p: f"- {p[0]}\n{p[1]}"),  # a lazy line
    )


BLOCKS = st.lists(st.recursive(LEAF, container, max_leaves=6), min_size=1, max_size=5)
NOTES = st.lists(st.tuples(st.integers(1, 4), TEXT), max_size=4)  # a label may come twice, or not be referred to


@SOME
@given(blocks=BLOCKS, notes=NOTES)
def test_no_word_is_lost_unsaid(project: Path, blocks: list[str], notes: list[tuple[int, str]]) -> None:
    body = "\n\n".join(blocks) + "\n\n" + "".join(f"[^{n}]: {text}\n" for n, text in notes)
    body += "\n[ref]: https://example.org/ref\n" if "][ref]" in body else ""
    missing, found = lost(project, body)
    assert not missing, f"{missing}\n{[d.as_text() for d in found]}\n{body}"


# -- the cases found, kept as they are ------------------------------------------------------------------------------

FOUND = {
    "a footnote defined twice": ("A claim.[^a]\n\n[^a]: qfirst source.\n[^a]: qsecond source.\n", ("COE606", 9, 1)),
    "a line meant as text that reads as a link definition": ("[Note]: qpending\n\nqtext here.\n", ("COE607", 7, 1)),
    "a link label defined twice": ("See [qtext][r].\n\n[r]: https://example.org/a\n[r]: https://example.org/b "
                                   '"qsecond"\n', ("COE607", 10, 1)),
    "a footnote whose label has a space": ("A claim.\n\n[^x y]: qspaced\n", ("COE607", 9, 1)),
    "a comment left open until another": ("<!-- to check\n\nqlost words.\n\nqmore <!-- a note -->\n",
                                          ("COE408", 7, 1)),
    "a comment left open in a paragraph": ("qsome <!-- todo qthese\nqwords <!-- a note --> qtoo.\n", ("COE408", 7, 7)),
    "a comment never closed, shown as code": ("qbefore\n\n<!--\nqshown\n\nqafter\n", ("COE406", 9, 1)),
    "cells past the header's columns": ("| qa | qb |\n|---|---|\n| qc | qd | qe |\n", ("COE407", 9, 13)),
    "a code span with a pipe in a table": ("| qa | qb |\n|---|---|\n| `qc|qd` |\n", None),
    "a code span whose spaces join words": ("qŁódź ``qrz` qyviv | qmore `qend\n", None),
    "combining marks, right-to-left and wide scripts": (f"qe\u0301te q{HEBREW} q中文字 qعربي \U0001F600 qnaïve\n",
                                                        None),
    "a picture's title in a footnote": (f'A claim.[^1]\n\n[^1]: ![qalt]({PICTURE} "qtitle") qnote.\n', None),
    "a picture in a table's caption": (f'Table: qhomes ![qhouse]({PICTURE} "qbuilt")\n\n| qa |\n|---|\n| qb |\n',
                                       ("COE409", 7, 25)),
    "a closed comment across paragraphs": ("qkept\n\n<!-- set aside\n\nzold\n-->\n\nqafter\n", None),
}


@pytest.mark.parametrize("body, told", FOUND.values(), ids=FOUND.keys())
def test_found_cases(project: Path, body: str, told: tuple[str, int, int] | None) -> None:
    missing, found = lost(project, body)
    assert not missing, f"{missing}\n{[d.as_text() for d in found]}"
    if told is not None:
        assert told in [(d.code, d.line, d.column) for d in found], [d.as_text() for d in found]
