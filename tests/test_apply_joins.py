"""`coe-paper apply` of paragraphs joined and split by a reviewer: a deleted paragraph mark joins two blocks and a
typed one splits a block, in LibreOffice's own tracked changes and in Word's markup (a `w:del` in the paragraph
mark's run properties), and the Markdown around the join keeps its delimiters."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from coe_paper import pipeline, wordread, writeback
from conftest import MakeProject, section_text
from libreoffice_review import review
from reviewkit import DATE, q

BODY = """\
## Steps

The work went in steps.

1. **Brainstorming.** Members described the inequalities they observe.
2. **Online survey.** The coordinators circulated a survey.

A paragraph before a link.

[The Urban Agenda](https://example.org/ua) says so.
"""


@pytest.fixture
def project(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    return root, built.output


def apply(root: Path, docx: Path) -> writeback.Plan:
    plan = writeback.plan(root, wordread.read(docx), writeback.organisations(root), writeback.Options())
    writeback.write(root, plan.files)
    return plan


def intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text()


def word_join(src: Path, dest: Path, after: str) -> None:
    """Word's record of a join: the paragraph mark of the paragraph holding `after` deleted."""
    with zipfile.ZipFile(src) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    para = next(p for p in root.iter(q("w:p")) if after in "".join(p.itertext()))
    ppr = para.find(q("w:pPr"))
    if ppr is None:
        ppr = etree.Element(q("w:pPr"))
        para.insert(0, ppr)
    rpr = ppr.find(q("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(ppr, q("w:rPr"))
    rpr.append(etree.Element(q("w:del"), {q("w:id"): "9001", q("w:author"): "Ana Rossi", q("w:date"): DATE}))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


JOINED_ITEMS = ("1. **Brainstorming.** Members described the inequalities they observe.**Online survey.** The "
                "coordinators circulated a survey.\n")
JOINED_LINK = "A paragraph before a link.[The Urban Agenda](https://example.org/ua) says so.\n"


def test_a_join_in_word_markup_keeps_the_delimiters_that_open_the_second_block(project: tuple[Path, Path],
                                                                                tmp_path: Path) -> None:
    """The second block's markup (the bold that opens an item, a link's bracket) was deleted with its list marker
    or blank line: `observe.Online survey.** The`, which reads as a stray `**`."""
    root, built = project
    step = tmp_path / "step.docx"
    word_join(built, step, "they observe.")
    reviewed = tmp_path / "r.docx"
    word_join(step, reviewed, "before a link.")
    plan = apply(root, reviewed)
    text = intro(root)
    assert JOINED_ITEMS in text and "2. " not in text
    assert JOINED_LINK in text
    assert {o.status for o in plan.outcomes} == {"applied"} and len(plan.outcomes) == 2


def test_a_join_made_in_libreoffice(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = review(built, tmp_path / "lo.docx", [("join_after", "they observe."),
                                                    ("join_after", "before a link.")], tmp_path)
    plan = apply(root, reviewed)
    text = intro(root)
    assert JOINED_ITEMS in text and "2. " not in text
    assert JOINED_LINK in text
    assert {(o.status, o.author) for o in plan.outcomes} == {("applied", "Ana Rossi")}
    assert pipeline.check(root).project is not None
