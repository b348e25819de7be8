"""The contents: an entry copied from a prepared one is the entry built element by element."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from coe_paper import toc
from coe_paper.docx_writer import DocxBuilder
from coe_paper.sources import WorkTree
from conftest import REPO_ROOT


def test_copied_entries_are_the_entries_built_one_by_one(tmp_path: Path) -> None:
    doc = DocxBuilder((REPO_ROOT / "paper" / "template.docx").read_bytes(), WorkTree(tmp_path))
    headings = [(1, "Executive summary", "a1"), (2, "Why", "a2"), (2, " Spaced title ", "a3"), (1, "Annex", "a4"),
                (2, "Groups", "a5"), (3, "Too deep for the contents", "a6")]
    doc.headings = list(headings)
    doc.heading_numbers = {"a1": "1", "a2": "1.1", "a3": "1.2"}  # the annex's headings are not numbered
    paragraphs = toc.table_of_contents(doc, "Contents")
    assert len(paragraphs) == 1 + 5 and [mark for _, _, mark in doc.contents_entries] == ["a1", "a2", "a3", "a4", "a5"]
    width = toc.text_width(doc)
    for (lvl, text, mark), p in zip(headings[1:4], paragraphs[2:5], strict=True):  # the last one ends the field
        built = toc._entry(doc, lvl, doc.heading_numbers.get(mark, ""), text, mark, width)
        assert etree.tostring(p) == etree.tostring(built), mark
    assert b'xml:space="preserve"> Spaced title <' in etree.tostring(paragraphs[3])


def test_a_numbered_entry_that_wraps_continues_under_its_title_not_under_its_number(tmp_path: Path) -> None:
    """A numbered entry hangs its number: the paragraph's text starts at the tab after the number, and the first
    line starts that far to the left; a long title's second line had started at the margin, left of its number."""
    doc = DocxBuilder((REPO_ROOT / "paper" / "template.docx").read_bytes(), WorkTree(tmp_path))
    doc.headings = [(1, "A chapter title long enough to wrap onto a second line of the contents " * 2, "a1"),
                    (2, "A section title long enough to wrap onto a second line of the contents " * 2, "a2"),
                    (1, "Annex", "a3")]
    doc.heading_numbers = {"a1": "11", "a2": "11.1"}
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for p, start in zip(toc.table_of_contents(doc, "Contents")[1:3], (0, 220), strict=True):
        tab = next(t for t in p.iter(f"{w}tab") if t.get(f"{w}val") == "left")
        ind = p.find(f"{w}pPr/{w}ind")
        assert ind is not None
        assert int(ind.get(f"{w}left", "0")) == int(tab.get(f"{w}pos", "0"))
        assert int(ind.get(f"{w}left", "0")) - int(ind.get(f"{w}hanging", "0")) == start
