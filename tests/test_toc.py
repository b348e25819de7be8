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
                (2, "Groups", "a5"), (3, "Too deep for the contents", "a6")]  # fmt: skip
    doc.headings = list(headings)
    doc.heading_numbers = {"a1": "1", "a2": "1.1", "a3": "1.2"}  # the annex's headings are not numbered
    paragraphs = toc.table_of_contents(doc, "Contents")
    assert len(paragraphs) == 1 + 5 and [mark for _, _, mark in doc.contents_entries] == ["a1", "a2", "a3", "a4", "a5"]
    width = toc.text_width(doc)
    for (lvl, text, mark), p in zip(headings[1:4], paragraphs[2:5], strict=True):  # the last one ends the field
        built = toc._entry(doc, lvl, doc.heading_numbers.get(mark, ""), text, mark, width)
        assert etree.tostring(p) == etree.tostring(built), mark
    assert b'xml:space="preserve"> Spaced title <' in etree.tostring(paragraphs[3])
