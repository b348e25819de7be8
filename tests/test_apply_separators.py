"""`coe-paper apply` and the characters Python's `str.splitlines` breaks at but git and CommonMark do not (U+2028,
U+0085), and the carriage return CommonMark breaks at: a reviewer's text holding them is written so that the
Markdown stays on its line, and a source line holding one does not shift the lines that reports name."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from lxml import etree

from coe_paper import pipeline
from conftest import MakeProject, assembled_intro, git_commit, require_client, tiny_png
from libreoffice_review import review
from reviewkit import DATE, apply_review, edit_part, q, tracked

BODY = """\
Opening paragraph.

![A chart](../paper/images/chart.png "Survey priorities")

Table: Budget by city

| City | Budget |
|---|---|
| Rome | 10 |

Closing paragraph.
"""


def _intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text(encoding="utf-8")


def _figure_caption_replaced(root: etree._Element) -> None:
    """The figure caption's "Survey priorities" replaced by "Survey", U+2028, "priorities", as tracked changes."""
    run = next(r for r in root.iter(q("w:r")) if "".join(r.itertext()) == ": Survey priorities")
    run.find(q("w:t")).text = ": Survey"
    for kind, tag, text in (("ins", "w:t", "\u2028priorities"), ("del", "w:delText", " priorities")):
        mark = etree.Element(q(f"w:{kind}"), {q("w:id"): f"90{len(kind)}", q("w:author"): "Ana Rossi",
                                               q("w:date"): DATE})
        etree.SubElement(etree.SubElement(mark, q("w:r")), q(tag)).text = text
        run.addnext(mark)


def _accepted(docx: Path) -> str:
    return subprocess.run([require_client("pandoc"), "--track-changes=accept", "-t", "plain", "--wrap=none",
                           str(docx)], capture_output=True, text=True, check=True).stdout


def test_a_line_separator_typed_by_a_reviewer_keeps_the_markdown_on_its_line(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:
    """U+2028 in a caption and a carriage return in the title were written as they came: the title's YAML broke,
    and every later line number `str.splitlines` counted was off. U+0085, which Markdown cannot hold as a character
    reference (it reads U+FFFD), is reported, not written."""
    root, built = assembled_intro(make_project, tmp_path, BODY, {"paper/images/chart.png": tiny_png(4, 4)})
    reviewed = tmp_path / "r.docx"
    edit_part(built, tmp_path / "figure.docx", _figure_caption_replaced)
    tracked(tmp_path / "figure.docx", reviewed, [(": Budget", " by city", "\u2028by city", "Ana Rossi"),
                              ("Closing", " paragraph", "\x85paragraph", "Ana Rossi"),
                              ("Intro", "duction", "duc\rtion", "Ana Rossi")])
    plan = apply_review(root, reviewed)
    assert [o.status for o in plan.outcomes] == ["applied"] * 3
    assert [(f.kind, f.line, f.message.split(" (")[0]) for _, f in plan.findings] == [
        ("skipped", 19, "a change that types U+0085")]
    text = _intro(root)
    assert "Table: Budget&#x2028;by city\n" in text and "Closing paragraph.\n" in text
    assert '![A chart](../paper/images/chart.png "Survey&#x2028;priorities")\n' in text
    assert 'title: "Introduc\\rtion"\n' in text
    assert text.splitlines() == text.split("\n")[:-1]
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx")
    assert rebuilt.output is not None and not rebuilt.diagnostics, rebuilt.diagnostics
    again = _accepted(rebuilt.output)
    for words in ("Budget\u2028by city", "Survey\u2028priorities"):
        assert words in _accepted(reviewed) and words in again
    assert not apply_review(root, rebuilt.output, write=False).files  # the paper built from them reads the same


def test_a_source_line_holding_a_line_separator_does_not_shift_the_lines_reported(make_project: MakeProject,
                                                                                   tmp_path: Path) -> None:
    """A change merged into a file that moved on since the build is reported at today's line, mapped line by line;
    the map split lines where `str.splitlines` does, one line too many for each U+2028 or U+0085 above."""
    root, built = assembled_intro(make_project, tmp_path, BODY.replace("Opening paragraph.",
                                                                       "Opening\u2028paragraph\x85here."),
                                  {"paper/images/chart.png": tiny_png(4, 4)})
    moved = _intro(root).replace("Closing", "A new paragraph.\n\nClosing")
    (root / "sections" / "01-intro.md").write_text(moved, encoding="utf-8")
    git_commit(root, "Move on")
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("", "Closing", "Final", "Ana Rossi")])
    plan = apply_review(root, reviewed)
    assert [(o.status, o.line) for o in plan.outcomes] == [("merged", 21)]
    assert _intro(root).split("\n")[20] == "Final paragraph."


CODE = "Run `make all now` here.\n\nThen `make docs` and `make site` here.\n\nThe end.\n"


def _code_spans(markdown: str) -> list[str]:
    page = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "json"], input=markdown,
                          capture_output=True, text=True, check=True).stdout
    return [found.group(1) for found in re.finditer(r'"t":"Code","c":\[\["",\[\],\[\]\],("(?:[^"\\]|\\.)*")\]', page)]


def test_text_typed_in_inline_code_is_written_as_it_is(make_project: MakeProject, tmp_path: Path) -> None:
    """Text typed inside inline code was escaped as text is (`make all a\\*b\\_c`), but a code span reads no
    escapes and no character references: it showed the backslashes. It is written as it is; a backtick, which could
    end the span, is reported at its line and not applied."""
    root, built = assembled_intro(make_project, tmp_path, CODE)
    typed = " a*b_c<d> &amp; \\x [y](z)"
    reviewed = review(built, tmp_path / "lo.docx", [("insert_after", "make all", typed),
                                                    ("insert_after", "make site", "`")], tmp_path)
    plan = apply_review(root, reviewed)
    assert [(o.status, o.line) for o in plan.outcomes] == [("applied", 9)]
    assert [(f.kind, f.line, f.message.split(" (")[0]) for _, f in plan.findings] == [
        ("skipped", 11, "a change that types a backtick in inline code is not applied")]
    text = _intro(root)
    assert f"Run `make all{typed} now` here.\n" in text and "Then `make docs` and `make site` here.\n" in text
    assert _code_spans(text.split("---\n", 2)[2])[0] == json.dumps(f"make all{typed} now", ensure_ascii=False)


def test_a_line_separator_typed_in_inline_code_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """U+2028 typed inside inline code was written as a character reference, `&#x2028;`, which a code span shows
    as it is (and a raw one, which a code span would keep, breaks the line for editors and `str.splitlines`): it
    is reported at its line and not applied. In text, it is still written as a reference."""
    root, built = assembled_intro(make_project, tmp_path, CODE)
    reviewed = review(built, tmp_path / "lo.docx", [("insert_after", "make docs", "\u2028html"),
                                                    ("insert_after", "Run", "\u2028then")], tmp_path)
    plan = apply_review(root, reviewed)
    assert [(o.status, o.line) for o in plan.outcomes] == [("applied", 9)]
    assert [(f.kind, f.line, f.message.split(" (a code")[0]) for _, f in plan.findings] == [
        ("skipped", 11, "a change that types U+2028 (LINE SEPARATOR) in inline code is not applied")]
    text = _intro(root)
    assert "Run&#x2028;then `make all now` here.\n\nThen `make docs` and `make site` here.\n" in text


SEPARATED = "A plain paragraph here.\n\nSome **bold words** here.\n\n- an item\n- another item\n\nThe end.\n"


def test_a_paragraph_separator_typed_by_a_reviewer_is_a_character_of_its_paragraph(make_project: MakeProject,
                                                                                  tmp_path: Path) -> None:
    """U+2029 (PARAGRAPH SEPARATOR), which LibreOffice saves in the text of its paragraph and shows there, was read
    as a paragraph break: typed alone, it split the paragraph (`**bold**` / `**words**`), and with words it was
    written as it came, a line break to editors and `str.splitlines`. It is written as a character reference and
    the paper built from the sources reads as the reviewer's."""
    root, built = assembled_intro(make_project, tmp_path, SEPARATED)
    reviewed = review(built, tmp_path / "lo.docx", [("insert_after", "A plain", "\u2029one"),
                                                    ("insert_after", "bold", "\u2029"),
                                                    ("insert_after", "an item", "\u2029two")], tmp_path)
    plan = apply_review(root, reviewed)
    assert [(o.status, o.line) for o in plan.outcomes] == [("applied", 9), ("applied", 11), ("applied", 13)]
    assert "inserted “U+2029”" in plan.outcomes[1].summary, plan.outcomes[1]  # it was “”: a separator is blank
    assert plan.findings == []
    text = _intro(root)
    assert text.endswith("A plain&#x2029;one paragraph here.\n\nSome **bold&#x2029; words** here.\n\n"
                         "- an item&#x2029;two\n- another item\n\nThe end.\n"), text
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx")
    assert rebuilt.output is not None and not rebuilt.diagnostics, rebuilt.diagnostics
    for words in ("plain\u2029one paragraph", "bold\u2029 words", "item\u2029two"):
        assert words in _accepted(reviewed) and words in _accepted(rebuilt.output)
    assert not apply_review(root, rebuilt.output, write=False).files


FENCED = """\
The steps:

1. Install:

   ```sh
   make all
   make docs
   ```
2. Check.

> A member wrote:
>
> ```
> ls -l
> ```

Then:

```
git pull
```

The end.
"""


def _code_blocks(markdown: str) -> list[str]:
    page = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "json"], input=markdown,
                          capture_output=True, text=True, check=True).stdout
    return [block["c"][1] for block in _blocks(json.loads(page)["blocks"]) if block["t"] == "CodeBlock"]


def _blocks(blocks: list[Any]) -> list[Any]:
    """Every block, those in lists and quotes too."""
    out: list[Any] = []
    for block in blocks:
        out.append(block)
        if block["t"] == "BlockQuote":
            out += _blocks(block["c"])
        elif block["t"] == "OrderedList":
            out += [found for item in block["c"][1] for found in _blocks(item)]
    return out


def test_line_breaks_typed_in_a_code_block_are_lines_of_the_code(make_project: MakeProject, tmp_path: Path) -> None:
    """A line typed into a code block within a list item or a quote was written without the item's indent or the
    quote's `>`: it ended the code block, and the rest of the section became code. A line typed before the code's
    first line went before its fence, out of the code. U+2028 and U+2029 were written as they came, raw line ends
    to editors, git and `str.splitlines` that CommonMark keeps as characters. Each is a new line of the code,
    written inside it, and the paper built from the sources holds the same code."""
    root, built = assembled_intro(make_project, tmp_path, FENCED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("insert_after", "make all", "\rmake test"), ("break_at", "make docs"), ("insert_after", "ls -l", "\u2028pwd"),
        ("insert_before", "git pull", "git fetch\r"), ("insert_after", "git pull", "\u2029git log")], tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    text = _intro(root).split("---\n", 2)[2]
    assert text.lstrip("\n") == FENCED.replace("   make all\n", "   make all\n   make test\n").replace(
        "   make docs\n", "   make docs\n   \n").replace("> ls -l\n", "> ls -l\n> pwd\n").replace(
        "git pull\n", "git fetch\ngit pull\ngit log\n"), text
    assert _code_blocks(text) == ["make all\nmake test\nmake docs\n", "ls -l\npwd", "git fetch\ngit pull\ngit log"]
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx")
    assert rebuilt.output is not None and not rebuilt.diagnostics, rebuilt.diagnostics
    assert not apply_review(root, rebuilt.output, write=False).files
