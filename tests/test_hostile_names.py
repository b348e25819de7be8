"""Hostile names and titles: bidirectional controls left open (COE012), which reversed the rest of every byline
naming a member, and names or titles too long for a byline, a heading or the annex (COE002)."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from coe_paper import bidi, pipeline
from coe_paper.bidi import unbalanced
from conftest import CONTRIBUTORS_YAML, INTRO_BODY, PAPER_YAML, MakeProject, cli, section_text

INTRO = "sections/01-intro.md"


def test_an_override_left_open_in_a_short_name_is_an_error_and_nothing_is_built(make_project: MakeProject) -> None:
    root = make_project({"contributors.yaml": CONTRIBUTORS_YAML.replace("short: Rome", 'short: "Ro\\u202eme"')},
                        git=True)
    cli("--project", str(root), "validate")  # a second run reads the file's YAML from the cache
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert ("contributors.yaml:4:12: error COE012 organisations (id 'rome').short: U+202E (right-to-left override) is "
            "never closed (character 3)") in result.stderr
    assembled = cli("--project", str(root), "assemble", "--no-layout")
    assert assembled.exit_code == 1 and not (root / "build" / "test-paper.docx").exists()
    previewed = cli("--project", str(root), "preview")
    assert previewed.exit_code == 1 and not (root / "build" / "site").exists()


@pytest.mark.parametrize(("files", "where", "what"), [
    ({INTRO: section_text("intro", INTRO_BODY, title="Intro\u202eduction")}, f"{INTRO}:3:8", "title: U+202E"),
    ({INTRO: section_text("intro", INTRO_BODY, title="'Intro \u2067duction'")}, f"{INTRO}:3:8", "title: U+2067"),
    ({"paper/paper.yaml": PAPER_YAML + "cover:\n  partnership: \"Equal \\u202bcities\"\n"},
     "paper/paper.yaml:20:16", "cover.partnership: U+202B"),
    ({"paper/paper.yaml": PAPER_YAML.replace("subtitle: A", "subtitle: \u202cA")}, "paper/paper.yaml:2:11",
     "subtitle: U+202C (pop directional formatting) closes nothing"),
    ({"contributors.yaml": CONTRIBUTORS_YAML + "    people:\n      - name: \"Ana \\u2066Pop\"\n"},
     "contributors.yaml:28:15", "organisations (id 'dg-regio').people (item 1).name: U+2066"),
    ({INTRO: section_text("intro", INTRO_BODY, contributors='[anct, "leip\\u202ezig"]')}, f"{INTRO}:5:22",
     "contributors (item 2): U+202E"),
    ({"paper/paper.yaml": PAPER_YAML + "cover:\n  logos:\n    - path: a.png\n      alt: \"Flag \\u202e\"\n"},
     "paper/paper.yaml:22:12", "cover.logos (item 1).alt: U+202E"),
    ({"contributors.yaml": CONTRIBUTORS_YAML.replace("id: leipzig", 'id: "leip\\u202ezig"')},
     "contributors.yaml:16:9", "organisations (item 3).id: U+202E"),
    ({"contributors.yaml": CONTRIBUTORS_YAML.replace("  - id: leipzig\n", '  - id: leipzig\n    "ki\\u202end": x\n')},
     "contributors.yaml:17:5", "organisations (id 'leipzig').ki\\u202end: U+202E"),
], ids=["section title", "isolate in a title", "cover", "a pop alone", "person", "front matter's list", "logo",
        "an id", "a key"])
def test_controls_left_open_in_front_matter_and_yaml_are_errors_at_their_line(
        make_project: MakeProject, files: dict[str, str], where: str, what: str) -> None:
    """The place is named as its writer knows it: an organisation or section by its id, another list's item by its
    place counted from 1; a control in a key is shown as its code, the message itself reversing nothing."""
    result = cli("--project", str(make_project(files)), "validate")
    assert result.exit_code == 1
    assert f"{where}: error COE012 {what}" in result.stderr
    assert unbalanced(result.stderr) is None


def test_a_name_isolated_as_it_should_be_passes_and_stays_whole_in_the_byline(make_project: MakeProject) -> None:
    """An Arabic short name between a right-to-left isolate and its pop: the rest of the byline keeps its direction,
    so it is the writer's own and passes; Word's byline (python-docx) holds it as written."""
    name = "\u2067\u0631\u0648\u0645\u0627\u2069"
    escaped = "".join(f"\\u{ord(char):04x}" for char in name)
    root = make_project({"contributors.yaml": CONTRIBUTORS_YAML.replace("short: Rome", f'short: "{escaped}"')})
    assert cli("--project", str(root), "validate").exit_code == 0
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    bylines = [p.text for p in docx.Document(str(root / "build" / "test-paper.docx")).paragraphs
               if p.style is not None and p.style.name == "Byline"]
    assert f"Contributors: {name}, DG REGIO. Status: draft." in bylines[1]


@pytest.mark.parametrize(("text", "expected"), [
    ("Rome", None),
    ("\u202bx\u202c \u2068y\u2069", None),
    ("\u202e\u2067x\u2069\u202c", None),
    ("x\u202ey", (1, "U+202E (right-to-left override) is never closed")),
    ("\u2067\u202ex\u2069", (1, "U+202E (right-to-left override) is never closed")),  # the isolate's pop ends it
    ("\u2067x\u202c\u2069", (2, "U+202C (pop directional formatting) closes nothing")),  # not across an isolate
    ("x\u2069", (1, "U+2069 (pop directional isolate) closes nothing")),
])
def test_unbalanced_finds_the_first_control_open_or_closing_nothing(text: str, expected: object) -> None:
    assert unbalanced(text) == expected


def test_a_title_with_only_balanced_controls_validates(make_project: MakeProject) -> None:
    title = "'\u2066Equal\u2069 \u202bcities\u202c'"
    root = make_project({INTRO: section_text("intro", INTRO_BODY, title=title)})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("files", "where", "what"), [
    ({"contributors.yaml": CONTRIBUTORS_YAML.replace("name: City of Leipzig", "name: " + "L" * 300_000)},
     "contributors.yaml:17:5", "organisations (id 'leipzig').name: 300,000 characters, over the 200 it may have"),
    ({"contributors.yaml": CONTRIBUTORS_YAML.replace("short: ANCT", "short: " + "A" * 61)},
     "contributors.yaml:11:5", "organisations (id 'anct').short: 61 characters, over the 60 it may have"),
    ({INTRO: section_text("intro", INTRO_BODY, title="T" * 251)}, f"{INTRO}:3:1",
     "title: 251 characters, over the 250 it may have"),
    ({"paper/paper.yaml": PAPER_YAML.replace("title: Test Paper", "title: " + "P" * 5000)},
     "paper/paper.yaml:1:1", "title: 5,000 characters, over the 250 it may have"),
], ids=["organisation", "short name", "section title", "paper title"])
def test_names_and_titles_past_their_length_are_errors_at_their_line(
        make_project: MakeProject, files: dict[str, str], where: str, what: str) -> None:
    """A 300,000-character organisation name was printed whole into every byline and the annex."""
    root = make_project(files)
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{where}: error COE002 {what}" in result.stderr
    assert "hint: shorten it" in result.stderr and len(result.stderr) < 2000  # the text itself is not repeated
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 1
    assert not (root / "build" / "test-paper.docx").exists()


def test_names_and_titles_at_their_length_pass(make_project: MakeProject) -> None:
    members = CONTRIBUTORS_YAML.replace("name: City of Leipzig", "name: " + "L" * 200).replace(
        "short: ANCT", "short: " + "A" * 60)
    root = make_project({"contributors.yaml": members, INTRO: section_text("intro", INTRO_BODY, title="T" * 250)})
    assert cli("--project", str(root), "validate").exit_code == 0


def test_a_control_left_open_in_a_paragraph_of_a_section_is_a_warning_at_it(make_project: MakeProject) -> None:
    """In a section's text an override left open reverses its own paragraph's rest only (Word and the browser end
    it there): a warning at the control; a paragraph whose controls are balanced has none."""
    body = ("## Homes\n\nThe first paragraph names \u2067\u0631\u0648\u0645\u0627\u2069 as it should.\n\n"
            "A second paragraph,\nwhose second line ends \u202eit early.\n\nThe third is plain.\n")
    root = make_project({INTRO: section_text("intro", body)})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0, result.stderr
    assert (f"{INTRO}:14:24: warning COE013 U+202E (right-to-left override) is never closed: the rest of its "
            "paragraph is shown in another direction") in result.stderr
    assert result.stderr.count("COE013") == 1
    assert cli("--project", str(root), "validate", "--strict").exit_code == 1


def warned_at(stderr: str, text: str, snippet: str) -> str:
    """The COE013 line of `stderr` at the end of `snippet` (its control) in the section `text`, or ""."""
    lines = text.split("\n")
    line = next(number for number, line in enumerate(lines, start=1) if snippet in line)
    place = f"{INTRO}:{line}:{lines[line - 1].index(snippet) + len(snippet)}: warning COE013 "
    return next((found for found in stderr.split("\n") if found.startswith(place)), "")


@pytest.mark.parametrize(("body", "opened", "closing"), [
    ("| Homes | Cities |\n|---|---|\n| a \u202e | b \u202c |\n", "| a \u202e", "| b \u202c"),
    ("Homes | Cities\n--|--\nfirst\u2067 | second\u2069\n", "first\u2067", "| second\u2069"),
    ("- one \u202e\n- two \u202c\n", "- one \u202e", "- two \u202c"),
    ("## Homes \u202e\nThe text \u202c below.\n", "## Homes \u202e", "The text \u202c"),
    ("Text.[^1] More.[^2]\n\n[^1]: A note \u202e\n[^2]: Another \u202c\n", "A note \u202e", "Another \u202c"),
], ids=["table", "table without outer bars", "list items", "heading", "footnotes"])
def test_a_control_left_open_in_a_cell_item_heading_or_footnote_is_a_warning(
        make_project: MakeProject, body: str, opened: str, closing: str) -> None:
    """Word makes a paragraph of each table cell, list item, heading and footnote, though no blank line is between
    them: an override opened in one and closed in the next reverses the rest of the first and closes nothing in the
    second, so both are warned of, at their control."""
    text = section_text("intro", body)
    root = make_project({INTRO: text})
    result = cli("--project", str(root), "validate")
    assert "is never closed" in warned_at(result.stderr, text, opened)
    assert "closes nothing" in warned_at(result.stderr, text, closing)
    assert result.stderr.count("COE013") == 2


def test_an_override_balanced_within_a_list_item_of_two_lines_passes(make_project: MakeProject) -> None:
    body = "- The first item names \u202ea place\n  on its second line\u202c as it should.\n- The second.\n"
    result = cli("--project", str(make_project({INTRO: section_text("intro", body)})), "validate")
    assert result.exit_code == 0 and "COE013" not in result.stderr, result.stderr


NEVER, NOTHING = "is never closed", "closes nothing"


def word_paragraphs(path: Path) -> list[str]:
    """The text of each paragraph of a .docx as python-docx reads it, in the body and in the tables' cells (the
    contents' entries, which repeat the headings, left out)."""
    document = docx.Document(str(path))
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return [p.text for p in document.paragraphs if not p.style.name.startswith("toc")] + cells


@pytest.mark.parametrize(("body", "expected"), [
    ("Homes \u202e\n-----\nThe text \u202c below.\n", [("Homes \u202e", NEVER), ("The text \u202c", NOTHING)]),
    ("<!-- a note \u202e -->\nThe text \u202c below.\n", [("The text \u202c", NOTHING)]),
    ("A paragraph names \u202ea place\n2. times\u202c as it should.\n", []),
    ("```\nfirst \u202e\n\nsecond \u202c\n```\n", []),
    ("> A quote \u202e\n>\n> goes on \u202c\n", [("> A quote \u202e", NEVER), ("> goes on \u202c", NOTHING)]),
    ("| Homes | Cities |\n|---|---|\n| `a|b` \u202e | left out \u202c |\n", [("`a|b` \u202e", NEVER)]),
    ("+-------+-------+\n| a \u202e | b |\n+=======+=======+\n| c \u202c | d |\n+-------+-------+\n", []),
    ("A reference &#x202E;turns the rest.\n\nIn code `&#8238;` it is shown as written.\n", [("A reference &", NEVER)]),
    ("A remark <!-- left \u202e --> in a paragraph.\n", []),
    ("The [portal](https://example.eu/\u202e/page \"t\u2067\") stays whole.\n", []),
    ("In code `&#x202E;` and in text &#x202E;turned.\n", [("in text &", NEVER)]),
    ("A backslash \\\\&#x202E;turned, \\&#x202E; escaped.\n", [("backslash \\\\&", NEVER)]),
    ("| \u202ey\u202c | \u202ey |\n|---|---|\n| a | b |\n", [("\u202c | \u202e", NEVER)]),
], ids=["setext heading", "html comment", "2. inside a paragraph", "code block with a blank line", "quote",
        "table cell after a code span's bar", "grid table", "character reference", "inline html comment",
        "link's address and title", "reference beside a code span", "escaped backslash", "cells alike"])
def test_each_paragraph_of_the_document_is_checked_as_word_makes_it(
        make_project: MakeProject, body: str, expected: list[tuple[str, str]]) -> None:
    """A setext heading is a paragraph of its own; an HTML comment is not in the document; `2.` does not start a
    list inside a paragraph, nor a blank line end a code block; each paragraph of a quote is one; a cell past the
    table's columns is left out (and a bar in a code span is a cell's border); a grid table is one paragraph; a
    reference to a control is the control, but in a code span or after a backslash that is not itself escaped; a
    link's address and title and an inline HTML comment are not in the text. The paragraphs with a control left
    open are those python-docx reads in the document, one warning each."""
    text = section_text("intro", body)
    root = make_project({INTRO: text})
    result = cli("--project", str(root), "validate")
    for snippet, what in expected:
        assert what in warned_at(result.stderr, text, snippet), result.stderr
    assert result.stderr.count("COE013") == len(expected), result.stderr
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    paragraphs = word_paragraphs(root / "build" / "test-paper.docx")
    assert sum(unbalanced(paragraph) is not None for paragraph in paragraphs) == len(expected)


def test_an_unchanged_section_is_not_looked_at_again(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
                                                     ) -> None:
    """COE013 is one of a section's own checks: a second run takes its warning from the section cache."""
    root = make_project({INTRO: section_text("intro", "A paragraph that ends \u202eit early.\n")}, git=True)
    cold = pipeline.check(root).diagnostics
    looked: list[str] = []
    original = bidi.unbalanced

    def counted(text: str) -> tuple[int, str] | None:
        looked.append(text)
        return original(text)

    monkeypatch.setattr(bidi, "unbalanced", counted)
    warm = pipeline.check(root).diagnostics
    assert warm == cold and [d.code for d in warm].count("COE013") == 1
    assert not [text for text in looked if "early" in text]
