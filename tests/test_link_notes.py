"""A footnote reference inside a link's words, `[the Ljubljana Agreement[^2]](https://...)`, as pandoc and GitHub
read it: the link keeps its words and address, the note its number, in the .docx (read back by pandoc) and in the
preview; the brackets and the address are never shown as typed."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pandoc_ast
from coe_paper import site
from conftest import MakeProject, assembled_intro, require_client, section_text

BODY = """\
## Sources

The partnerships were renewed by [the Ljubljana Agreement[^lj]](https://example.org/ljubljana) in 2021.

[^lj]: Adopted in November 2021.
"""


def test_a_link_whose_words_hold_a_note_is_a_link_with_its_note(make_project: MakeProject, tmp_path: Path) -> None:
    pandoc = require_client("pandoc")
    _, docx = assembled_intro(make_project, tmp_path, BODY)
    native = json.loads(subprocess.run([pandoc, str(docx), "-t", "json"], capture_output=True, text=True,
                                       check=True).stdout)
    links = [n for n in pandoc_ast.walk(native["blocks"]) if n.get("t") == "Link"
             and n["c"][2][0] == "https://example.org/ljubljana"]
    assert len(links) == 1, "the link was shown as the Markdown typed"
    words = links[0]["c"][1]
    assert pandoc_ast.text([n for n in words if n.get("t") != "Note"]).strip() == "the Ljubljana Agreement"
    notes = [n for n in pandoc_ast.walk(words) if n.get("t") == "Note"]
    assert [pandoc_ast.text(note["c"]) for note in notes] == ["Adopted in November 2021."]
    plain = subprocess.run([pandoc, str(docx), "-t", "plain"], capture_output=True, text=True, check=True).stdout
    assert "](" not in plain and "[the Ljubljana" not in plain
    assert "in 2021." in plain


def test_the_preview_shows_the_link_with_its_note(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction")})
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, [str(d) for d in built.diagnostics]
    page = built.page.read_text(encoding="utf-8")
    assert '<a href="https://example.org/ljubljana">the Ljubljana Agreement<sup' in page
    assert "](" not in page.split("Ljubljana Agreement", 1)[1].split("2021", 1)[0]


CROSS = """\
## Sources

Members ranked the themes ([Figure 1[^sv]](#fig-survey)) in spring.

![A grey square](../paper/images/dot.png "Survey priorities {#fig-survey}")

[^sv]: Answers of 21 members.
"""


def test_a_cross_reference_whose_words_hold_a_note_keeps_the_note(make_project: MakeProject, tmp_path: Path) -> None:
    """The words of a link to a caption give way to its number (a REF field), and a footnote reference among them
    follows the number: the note was left out with the words, its text lost."""
    pandoc = require_client("pandoc")
    _, docx = assembled_intro(make_project, tmp_path, CROSS)
    native = json.loads(subprocess.run([pandoc, str(docx), "-t", "json"], capture_output=True, text=True,
                                       check=True).stdout)
    [para] = [n for n in pandoc_ast.walk(native["blocks"]) if n.get("t") == "Para" and "ranked" in pandoc_ast.text(n)]
    words = para["c"]
    notes = [i for i, n in enumerate(words) if n.get("t") == "Note"]
    assert len(notes) == 1, "the cross-reference's note was left out"
    assert pandoc_ast.text(words[notes[0]]["c"]) == "Answers of 21 members."
    assert pandoc_ast.text(words[: notes[0]]).endswith("(Figure 1")
    assert pandoc_ast.text(words[notes[0] + 1:]).startswith(") in spring")


def test_the_preview_shows_a_cross_references_note_after_its_number(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    root = make_project({"sections/01-intro.md": section_text("intro", CROSS, title="Introduction")})
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, [str(d) for d in built.diagnostics]
    page = built.page.read_text(encoding="utf-8")
    assert re.search(r'\(<a href="#fig-survey">Figure 1</a><sup class="footnote-ref"><a [^>]*>\[\d+\]</a></sup>\) '
                     r"in spring", page), page.split("ranked", 1)[1][:300]
