"""`coe-paper apply` of the kinds of revision only Word records: formatting changes (w:rPrChange, w:pPrChange) in
the body, a table cell and a footnote, written as raw WordprocessingML into a .docx that `assemble` made. Each is
listed at the line of the block it is in, never dropped and never at line 0."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

from coe_paper import writeback
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
    para = _paragraph(root, text)
    ppr = para.find(q("w:pPr"))
    if ppr is None:
        ppr = etree.Element(q("w:pPr"))
        para.insert(0, ppr)
    etree.SubElement(ppr, q("w:jc"), {q("w:val"): "center"})
    change = etree.SubElement(ppr, q("w:pPrChange"), {q("w:id"): "802", q("w:author"): "Ana Rossi",
                                                      q("w:date"): DATE})
    etree.SubElement(change, q("w:pPr"))


def test_formatting_changes_in_a_cell_or_a_footnote_are_listed_at_their_lines(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:  # fmt: skip
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
