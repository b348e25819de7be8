"""`coe-paper apply` of the kinds of revision only Word records: formatting changes (w:rPrChange, w:pPrChange) in
the body, a table cell and a footnote, written as raw WordprocessingML into a .docx that `assemble` made. Each is
listed at the line of the block it is in, never dropped and never at line 0."""

from __future__ import annotations

import subprocess
from copy import deepcopy
from pathlib import Path

from docx import Document
from lxml import etree

from coe_paper import ooxml, ooxml_review, writeback
from conftest import MakeProject, assembled_intro, require_client
from reviewkit import DATE, apply_review, edit_part, q

BODY = """\
Cities bring housing policy together, as the agenda says[^1].

| City | Members |
|---|---|
| Rome | 5 |
| Lyon | 3 |

[^1]: The Pact of Amsterdam, 2016.
"""


def _paragraph(root: etree._Element, text: str) -> etree._Element:
    return next(p for p in root.iter(q("w:p")) if "".join(p.itertext()).strip().startswith(text))


def _bold(root: etree._Element, text: str) -> None:
    """The paragraph's first run made bold with Track Changes on: a w:rPrChange holds its formatting before."""
    run = next(r for r in _paragraph(root, text).iter(q("w:r")) if r.find(q("w:t")) is not None)
    rpr = run.find(q("w:rPr"))
    if rpr is None:
        rpr = etree.Element(q("w:rPr"))
        run.insert(0, rpr)
    etree.SubElement(rpr, q("w:b"))
    change = etree.SubElement(rpr, q("w:rPrChange"), {q("w:id"): "801", q("w:author"): "Ana Rossi",
                                                      q("w:date"): DATE})
    etree.SubElement(change, q("w:rPr"))


def _centred(root: etree._Element, text: str) -> None:
    """The paragraph centred with Track Changes on: a w:pPrChange holds its properties before."""
    ppr = ooxml.ppr(_paragraph(root, text))
    etree.SubElement(ppr, q("w:jc"), {q("w:val"): "center"})
    change = etree.SubElement(ppr, q("w:pPrChange"), {q("w:id"): "802", q("w:author"): "Ana Rossi",
                                                      q("w:date"): DATE})
    etree.SubElement(change, q("w:pPr"))


def test_formatting_changes_in_a_cell_or_a_footnote_are_listed_at_their_lines(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:
    """A formatting change in a table cell was not listed at all (only paragraphs outside tables were looked at),
    and one in a footnote was listed at line 0. Both are listed at the line of their row, or of the footnote's
    definition; the sources are left as they are."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = edit_part(built, tmp_path / "cells.docx", lambda tree: (_bold(tree, "Rome"), _centred(tree, "Lyon")))
    reviewed = edit_part(reviewed, tmp_path / "notes.docx", lambda tree: _bold(tree, "The Pact"),
                         "word/footnotes.xml")
    native = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "native", str(reviewed)],
                            capture_output=True, text=True, check=True).stdout
    assert 'Strong [ Str "Rome" ]' in native  # the reviewer's bold, as Word shows it
    plan = apply_review(root, reviewed, write=False)
    assert plan.files == [] and plan.outcomes == []
    lines = writeback.report_lines(plan)
    assert [line for line in lines if "formatting" in line] == [
        "sections/01-intro.md:13: formatting: formatting changed on “Rome” (formatting is not taken from Word)",
        "sections/01-intro.md:14: formatting: formatting changed on “Lyon” (formatting is not taken from Word)",
        "sections/01-intro.md:16: formatting: formatting changed on “The Pact of Amsterdam, 2016.” (formatting is "
        "not taken from Word)"], lines


def _restyled(root: etree._Element, text: str, props: str) -> None:
    """The properties (`tcPr`, `trPr` or `tblPr`) of the cell, row or table holding `text` changed with Track
    Changes on: shading or height set, the properties before kept in a w:tcPrChange, w:trPrChange, w:tblPrChange."""
    holder = {"tcPr": "tc", "trPr": "tr", "tblPr": "tbl"}[props]
    node = next(a for a in _paragraph(root, text).iterancestors() if a.tag == q(f"w:{holder}"))
    found = node.find(q(f"w:{props}"))
    if found is None:
        found = etree.Element(q(f"w:{props}"))
        node.insert(1 if holder == "tr" and node.find(q("w:tblPrEx")) is not None else 0, found)
    value = {"tcPr": etree.Element(q("w:shd"), {q("w:val"): "clear", q("w:fill"): "FFFF00"}),
             "trPr": etree.Element(q("w:trHeight"), {q("w:val"): "600"}),
             "tblPr": etree.Element(q("w:tblStyleRowBandSize"), {q("w:val"): "1"})}[props]
    found.append(value)
    change = etree.SubElement(found, q(f"w:{props}Change"), {q("w:id"): "803", q("w:author"): "Ana Rossi",
                                                            q("w:date"): DATE})
    etree.SubElement(change, q(f"w:{props}"))


def test_changes_to_a_cells_a_rows_or_a_tables_properties_are_listed(make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    """A cell shaded, a row's height or a table's properties changed with Track Changes on were not read at all:
    apply said nothing of them. Each is listed as a formatting change at its row's line (a table's at its first
    row's), and the sources are left as they are."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = edit_part(built, tmp_path / "r.docx", lambda tree: (
        _restyled(tree, "Lyon", "tcPr"), _restyled(tree, "Rome", "trPr"), _restyled(tree, "City", "tblPr")))
    xml = subprocess.run(["unzip", "-p", str(reviewed), "word/document.xml"], capture_output=True, text=True,
                         check=True).stdout
    assert all(f"<w:{kind}Change " in xml for kind in ("tcPr", "trPr", "tblPr"))  # python-docx reads it as Word
    table = Document(str(reviewed)).tables[0]
    assert [[cell.text for cell in row.cells] for row in table.rows] == [["City", "Members"], ["Rome", "5"],
                                                                         ["Lyon", "3"]]
    plan = apply_review(root, reviewed, write=False)
    assert plan.files == [] and plan.outcomes == []
    assert [line for line in writeback.report_lines(plan) if "formatting" in line] == [
        f"sections/01-intro.md:{line}: formatting: formatting changed on “{text}” (formatting is not taken from Word)"
        for line, text in ((11, "City"), (13, "Rome"), (14, "Lyon"))]


MOVES = """\
First paragraph stays here.

Second paragraph moves down.

Third paragraph is last.
"""


def _move_paragraph(root: etree._Element, text: str, after: str) -> None:
    """The paragraph holding `text` moved below the one holding `after`, as Word records a move of a whole
    paragraph: its runs and its mark in w:moveFrom inside a named move range, a copy in w:moveTo after `after`."""
    source, target = _paragraph(root, text), _paragraph(root, after)
    copy = deepcopy(source)
    for mark in list(copy.iter(q("w:bookmarkStart"), q("w:bookmarkEnd"))):
        copy.remove(mark)
    for para, kind, ident in ((source, "moveFrom", 810), (copy, "moveTo", 820)):
        runs = [child for child in para if child.tag == q("w:r")]
        move = ooxml_review.revision(kind, ident, "Ana Rossi", DATE)
        runs[0].addprevious(move)
        move.extend(ooxml_review.as_deleted(r) if kind == "moveFrom" else r for r in runs)
        move.addprevious(etree.Element(q(f"w:{kind}RangeStart"), {q("w:id"): str(ident + 1), q("w:name"): "move1",
                                                                   q("w:author"): "Ana Rossi", q("w:date"): DATE}))
        move.addnext(etree.Element(q(f"w:{kind}RangeEnd"), {q("w:id"): str(ident + 1)}))
        ooxml_review.mark_paragraph(para, kind, ident + 2, "Ana Rossi", DATE)
    target.addnext(copy)


def test_a_paragraph_moved_leaves_one_blank_line_where_it_was(make_project: MakeProject, tmp_path: Path) -> None:
    """A paragraph moved (w:moveFrom, w:moveTo, with their move ranges) below the next one was applied as a
    deletion and an insertion, but the deletion left both blank lines around the paragraph, two blank lines where
    there was one; so did any paragraph or list deleted whole between two blank lines. One blank line stays."""
    pandoc = require_client("pandoc")
    root, built = assembled_intro(make_project, tmp_path, MOVES)
    reviewed = edit_part(built, tmp_path / "moved.docx",
                         lambda tree: _move_paragraph(tree, "Second paragraph", "Third paragraph"))
    shown = subprocess.run([pandoc, "--track-changes=accept", "-f", "docx", "-t", "plain", "--wrap=none",
                            str(reviewed)], capture_output=True, text=True, check=True).stdout
    assert "Third paragraph is last.\n\nSecond paragraph moves down." in shown, shown
    plan = apply_review(root, reviewed)
    assert [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 11, "deleted “Second paragraph moves down. ¶”"),
        ("applied", 13, "inserted “¶ Second paragraph moves down.”")]
    body = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert body == "\nFirst paragraph stays here.\n\nThird paragraph is last.\n\nSecond paragraph moves down.\n", body


def _cell_inserted(root: etree._Element, text: str) -> None:
    """A cell added at the end of the row holding `text` with Track Changes on (w:cellIns), with a word typed."""
    row = next(a for a in _paragraph(root, text).iterancestors() if a.tag == q("w:tr"))
    cell = deepcopy(row.findall(q("w:tc"))[-1])
    for node in list(cell.iter(q("w:bookmarkStart"), q("w:bookmarkEnd"), q("w:r"))):
        node.getparent().remove(node)
    inserted = ooxml_review.revision("ins", 830, "Ana Rossi", DATE)
    ooxml.run(inserted, "Extra")
    next(cell.iter(q("w:p"))).append(inserted)
    props = cell.find(q("w:tcPr"))
    if props is None:
        props = etree.Element(q("w:tcPr"))
        cell.insert(0, props)
    props.append(ooxml_review.revision("cellIns", 831, "Ana Rossi", DATE))
    row.append(cell)


def test_a_cell_inserted_in_a_row_is_reported_with_why(make_project: MakeProject, tmp_path: Path) -> None:
    """A cell inserted in a row (w:cellIns) was reported as "a change in a table row that cannot be traced to its
    line", as if the row were unknown, with no reviewer: the row is known, the cells are not the source's."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = edit_part(built, tmp_path / "cell.docx", lambda tree: _cell_inserted(tree, "Lyon"))
    cells = Document(str(reviewed)).tables[0].rows[2].cells  # python-docx sees the third cell, its word inserted
    assert [cell._tc.xpath("string(.)") for cell in cells] == ["Lyon", "3", "Extra"]
    plan = apply_review(root, reviewed, write=False)
    assert plan.files == [] and plan.outcomes == []
    assert [(f.kind, f.line, f.author, f.message) for _, f in plan.findings] == [
        ("skipped", 14, "Ana Rossi", "a change in a table row whose cells no longer match the source's (3 in Word, 2 "
         "in the file: a cell inserted, deleted, merged or split), which a Markdown table cannot take; make it by "
         "hand")]
