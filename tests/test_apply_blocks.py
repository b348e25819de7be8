"""`coe-paper apply` of blocks a reviewer deleted whole whose Markdown has lines Word does not show as a paragraph
of their own (a fenced code block's closing fence, a table's delimiter row, or its `Table:` line, shown as a caption
apart) or that Word shows otherwise than as Markdown (raw HTML, as code). The block goes with all its lines and one
blank line, and the rest of the section is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MakeProject, assembled_intro, section_text
from reviewkit import edit_part, tracked

_BEFORE = "## Homes\n\nThe members pool what they know.\n\n"
_AFTER = "\n\nCities collect data on rents.\n"


def _reviewed(make_project: MakeProject, tmp_path: Path, housing: str, words: str, lines: bool = False) -> Path:
    """The project with `housing` as a section, and the paper built from it with the paragraph whose words begin
    with `words` deleted whole as Word tracks it (or, with `lines`, the line of code `words` and its line break)."""
    from lxml import etree

    from reviewkit import Reviewer, q

    root, docx = assembled_intro(make_project, tmp_path, "## Scope\n\nThe members agree on what to measure.\n",
                                 {"sections/02-housing.md": section_text("housing", housing, title="Housing")})

    def delete(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        if lines:
            run = next(r for r in document.iter(q("w:r")) if "".join(r.itertext()) == words)
            after = run.getnext()
            reviewer._delete(run, "Ana Rossi")
            assert after is not None and after.find(q("w:br")) is not None
            reviewer._delete(after, "Ana Rossi")
            return
        para = next(p for p in document.iter(q("w:p")) if "".join(p.itertext()).startswith(words))
        reviewer.delete_paragraph(para, "Ana Rossi")

    edit_part(docx, tmp_path / "reviewed.docx", delete)
    return root


@pytest.mark.parametrize(("code", "after"), [
    ("```text\nline one\nline two\n```", _AFTER),
    ("```text\nline one\nline two\n```", "\n"),  # the section's last block
    ("~~~~\nline one\n```\nline two\n~~~~", _AFTER),  # a longer fence of `~`, holding a shorter one of backticks
    ("````\nline one\n``` not its end\nline two\n`````", _AFTER),
    ("    line one\n    line two", _AFTER),  # indented: no fence
])
def test_a_code_block_deleted_whole_goes_with_its_fences(make_project: MakeProject, tmp_path: Path, code: str,
                                                        after: str) -> None:
    """A reviewer deleted a whole code block in Word: apply left its closing fence behind, which opened a code
    block that took in the rest of the section."""
    from reviewkit import apply_review

    root = _reviewed(make_project, tmp_path, _BEFORE + code + after, "line one")
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE.removesuffix("\n") + after.removeprefix("\n"),
                                title="Housing"), text


def test_a_code_block_deleted_whole_in_libreoffice(make_project: MakeProject, tmp_path: Path) -> None:
    """The code block's paragraph selected whole and deleted in LibreOffice, which saves it as its own tracked
    deletion: the block goes, fences and all."""
    from libreoffice_review import review
    from reviewkit import apply_review

    code = "```text\nline one\nline two\n```"
    root, docx = assembled_intro(make_project, tmp_path, "## Scope\n\nThe members agree on what to measure.\n",
                                 {"sections/02-housing.md": section_text("housing", _BEFORE + code + _AFTER,
                                                                         title="Housing")})
    plan = apply_review(root, review(docx, tmp_path / "lo.docx", [("delete_paragraph", "line one")], tmp_path))
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE + _AFTER.removeprefix("\n\n"), title="Housing"), text


@pytest.mark.parametrize(("around", "code"), [
    ("- The members pool what they know.\n\n{}- Cities collect data on rents.\n",
     "  ```text\n  line one\n  line two\n  ```\n\n"),
    ("The members pool what they know.\n\n{}Cities collect data on rents.\n", "> ```text\n> line one\n> ```\n\n"),
])
def test_a_code_block_deleted_whole_in_a_list_item_or_quote(make_project: MakeProject, tmp_path: Path, around: str,
                                                            code: str) -> None:
    """A code block in a list item (its second block) or a quote (all of it): its lines go, indent or `>` and
    fences, and one blank line."""
    from reviewkit import apply_review

    root = _reviewed(make_project, tmp_path, around.format(code), "line one")
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", around.format(""), title="Housing"), text


@pytest.mark.parametrize(("line", "left"), [("line one", "line two"), ("line two", "line three")])
def test_lines_deleted_from_a_code_block_leave_its_fences(make_project: MakeProject, tmp_path: Path, line: str,
                                                          left: str) -> None:
    """Some lines of a code block deleted: they go, and the fences stay around the others."""
    from reviewkit import apply_review

    code = "```text\nline one\nline two\nline three\n```"
    root = _reviewed(make_project, tmp_path, _BEFORE + code + _AFTER, line, lines=True)
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    kept = code.replace(f"{line}\n", "")
    assert left in kept
    assert text == section_text("housing", _BEFORE + kept + _AFTER, title="Housing"), text


@pytest.mark.parametrize(("block", "words"), [
    ("<div>\nline one\n</div>", "<div>line one</div>"),  # raw HTML, which the paper shows as code
    ("> line one\n>\n> line two", "line one"),  # a quote, each of its paragraphs deleted
])
def test_raw_html_or_a_quote_deleted_whole_goes(make_project: MakeProject, tmp_path: Path, block: str,
                                                words: str) -> None:
    """A reviewer deleted a block of raw HTML (shown in Word as code) whole: apply wrote nothing and said that a
    change ran over the section's title or byline into the paragraph after it. A quote whose paragraphs are all
    deleted goes with its `>` lines, as it did."""
    from lxml import etree

    from reviewkit import Reviewer, apply_review, q

    root = _reviewed(make_project, tmp_path, _BEFORE + block + _AFTER, words)
    if block.startswith(">"):  # the quote's second paragraph too

        def delete(document: etree._Element) -> None:
            para = next(p for p in document.iter(q("w:p")) if "".join(p.itertext()) == "line two")
            Reviewer(document).delete_paragraph(para, "Ana Rossi")

        edit_part(tmp_path / "reviewed.docx", tmp_path / "reviewed2.docx", delete)
        (tmp_path / "reviewed2.docx").replace(tmp_path / "reviewed.docx")
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE + _AFTER.removeprefix("\n\n"), title="Housing"), text


def test_lines_of_raw_html_deleted_or_typed(make_project: MakeProject, tmp_path: Path) -> None:
    """A line of raw HTML deleted in Word, where the paper shows it as code, and words typed in another: the line
    goes, the words are written, and the lines around them stay."""
    from reviewkit import apply_review

    root = _reviewed(make_project, tmp_path, _BEFORE + "<div>\nline one\nline two\n</div>" + _AFTER, "line one",
                     lines=True)
    tracked(tmp_path / "reviewed.docx", tmp_path / "typed.docx", [("line ", "", "number ", "Ana Rossi")])
    plan = apply_review(root, tmp_path / "typed.docx")
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE + "<div>\nline number two\n</div>" + _AFTER,
                                title="Housing"), text


_TABLE = "| City | Homes |\n|---|---:|\n| Rome | 40 |"


def _table_reviewed(make_project: MakeProject, tmp_path: Path, housing: str, rows: bool, caption: bool) -> Path:
    """The project with `housing` as a section, and the paper built from it with the table's rows, its caption or
    both deleted as Word tracks them (the caption's number, a field, too)."""
    from lxml import etree

    from reviewkit import Reviewer, q

    root, docx = assembled_intro(make_project, tmp_path, "## Scope\n\nThe members agree on what to measure.\n",
                                 {"sections/02-housing.md": section_text("housing", housing, title="Housing")})

    def delete(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        table = next(t for t in document.iter(q("w:tbl")) if "Rome" in "".join(t.itertext()))
        for row in table.findall(q("w:tr")) if rows else ():
            reviewer.delete_row(row, "Ana Rossi")
        para = table.getprevious()
        assert "".join(para.itertext()).endswith("1: Homes by kind"), "".join(para.itertext())
        if caption:
            reviewer.delete_paragraph(para, "Ana Rossi")
            for run in [r for r in para.iter(q("w:r")) if r.getparent().tag != q("w:del")]:
                reviewer._delete(run, "Ana Rossi")
            for code in para.iter(q("w:instrText")):
                code.tag = q("w:delInstrText")

    edit_part(docx, tmp_path / "reviewed.docx", delete)
    return root


@pytest.mark.parametrize(("block", "after"), [
    (f"{_TABLE}\n\nTable: Homes by kind {{#tbl-homes}}", _AFTER),  # the caption after the table
    (f"Table: Homes by kind\n\n{_TABLE}", _AFTER),  # before it
    (f"{_TABLE}\n\nTable: Homes by kind", "\n"),  # the section's last block
])
def test_a_table_deleted_with_its_caption_goes_with_its_table_line(make_project: MakeProject, tmp_path: Path,
                                                                  block: str, after: str) -> None:
    """A reviewer deleted a table and its caption in Word: apply removed the rows but left the `Table:` line, with
    the blank lines around the table, and said that the caption's deletion was not applied."""
    from reviewkit import apply_review

    root = _table_reviewed(make_project, tmp_path, _BEFORE + block + after, rows=True, caption=True)
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert plan.findings == []
    assert ("applied", "deleted the caption “Homes by kind”") in [(o.status, o.summary) for o in plan.outcomes]
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE.removesuffix("\n") + after.removeprefix("\n"),
                                title="Housing"), text


@pytest.mark.parametrize(("rows", "left"), [
    (True, "Table: Homes by kind\n\n"),  # the rows alone: the caption stays, the table's lines and a blank line go
    (False, f"{_TABLE}\n\nTable: Homes by kind\n\n"),  # the caption alone: reported, for the editor to remove
])
def test_a_table_or_its_caption_deleted_alone(make_project: MakeProject, tmp_path: Path, rows: bool,
                                             left: str) -> None:
    """A table deleted without its caption leaves the caption and one blank line where the table was (it left two);
    a caption deleted without its table is reported, not applied."""
    from reviewkit import apply_review

    housing = _BEFORE + f"{_TABLE}\n\nTable: Homes by kind" + _AFTER
    root = _table_reviewed(make_project, tmp_path, housing, rows=rows, caption=not rows)
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert [(f.kind, f.line, f.message[:43]) for _, f in plan.findings] == ([] if rows else [
        ("skipped", 17, "the caption “Table 1: Homes by kind” was de")])
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE + left + _AFTER.removeprefix("\n\n"), title="Housing"), text


_QUOTE = "> First said.\n>\n> Second said.\n>\n> Third said."


@pytest.mark.parametrize(("deleted", "left"), [
    ("First said", "> Second said.\n>\n> Third said."),
    ("Second said", "> First said.\n>\n> Third said."),
    ("Third said", "> First said.\n>\n> Second said."),
])
@pytest.mark.parametrize("after", [_AFTER, "\n"])  # the quote the section's last block, or not
def test_a_paragraph_of_a_quote_deleted_whole_leaves_no_empty_quote_line(
        make_project: MakeProject, tmp_path: Path, deleted: str, left: str, after: str) -> None:
    """A reviewer deleted a paragraph of a quote of several: the quote's blank line (`>` alone) that set it apart
    was left, a `>` line opening or closing the quote for nothing ('>\\n> Second said.')."""
    from reviewkit import apply_review

    root = _reviewed(make_project, tmp_path, _BEFORE + _QUOTE + after, deleted)
    plan = apply_review(root, tmp_path / "reviewed.docx")
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", _BEFORE + left + after, title="Housing"), text
