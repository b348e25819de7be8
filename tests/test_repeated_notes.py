"""A footnote cited twice in a section is two footnotes in Word, one for each citation (Word has one citation per
note): importing the assembled paper gives one note cited twice again, and a reviewer's change to either copy
reaches the note's one definition through `apply`."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from coe_paper.importer import Options, import_draft
from conftest import MakeProject, assembled_intro
from reviewkit import Reviewer, _run_like, apply_review, edit_part, q

BODY = """\
Opening paragraph with a note.[^a]

Closing paragraph citing the first again[^a] and another.[^b]

[^a]: Note on the opening.
[^b]: Note on the closing.
"""


@pytest.fixture
def built(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    return assembled_intro(make_project, tmp_path, BODY)


def test_import_of_the_assembled_paper_cites_the_one_note_twice(built: tuple[Path, Path]) -> None:
    imported = import_draft(built[1], Options("intro"))
    assert imported.body == ("Opening paragraph with a note.[^1]\n\nClosing paragraph citing the first again[^1] and "
                             "another.[^2]\n\n[^1]: Note on the opening.\n\n[^2]: Note on the closing.\n")


def _edit_copies(src: Path, dest: Path, new: dict[int, str]) -> Path:
    """The copies of note [^a] (by their order in footnotes.xml) replaced with tracked changes, as Word records them."""
    def change(root: etree._Element) -> None:
        copies = [n for n in root.iter(q("w:footnote")) if "Note on the opening" in "".join(n.itertext())]
        assert len(copies) == 2
        reviewer = Reviewer(root)
        for index, text in new.items():
            run = next(r for r in copies[index].iter(q("w:r")) if "Note on the opening" in "".join(r.itertext()))
            inserted = reviewer._mark("ins", "Ana Rossi")
            inserted.append(_run_like(run, text))
            reviewer._delete(run, "Ana Rossi").addnext(inserted)

    return edit_part(src, dest, change, part="word/footnotes.xml")


def _definition(root: Path) -> str:
    text = (root / "sections" / "01-intro.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("[^a]:"))


@pytest.mark.parametrize("copy", [0, 1])
def test_a_change_to_either_copy_reaches_the_definition(built: tuple[Path, Path], tmp_path: Path, copy: int) -> None:
    root, docx = built
    plan = apply_review(root, _edit_copies(docx, tmp_path / "r.docx", {copy: "Note on both citations."}))
    assert _definition(root) == "[^a]: Note on both citations."
    assert not plan.findings and [o.status for o in plan.outcomes] == ["applied"]


def test_the_same_change_to_both_copies_is_made_once(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, docx = built
    plan = apply_review(root, _edit_copies(docx, tmp_path / "r.docx", {0: "Note, twice.", 1: "Note, twice."}))
    assert _definition(root) == "[^a]: Note, twice."
    assert not plan.findings and [o.status for o in plan.outcomes] == ["applied"]


def test_different_changes_to_the_copies_are_reported(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, docx = built
    plan = apply_review(root, _edit_copies(docx, tmp_path / "r.docx", {0: "First version.", 1: "Second version."}))
    assert _definition(root) == "[^a]: First version."
    assert [(f.kind, f.line, f.message.split(":")[0]) for _, f in plan.findings] == [
        ("skipped", 13, "footnote [^a] is cited more than once, and each citation has its own copy in Word")]


def _retype_copy(src: Path, dest: Path, copy: int, text: str) -> Path:
    """Copy `copy` of note [^a] retyped with Track Changes off."""
    def change(root: etree._Element) -> None:
        copies = [n for n in root.iter(q("w:footnote")) if "Note on the opening" in "".join(n.itertext())]
        assert len(copies) == 2
        node = next(t for t in copies[copy].iter(q("w:t")) if t.text and "Note on the opening" in t.text)
        node.text = node.text.replace("Note on the opening.", text)

    return edit_part(src, dest, change, part="word/footnotes.xml")


@pytest.mark.parametrize("copy", [0, 1])
def test_an_untracked_change_to_either_copy_is_found(built: tuple[Path, Path], tmp_path: Path, copy: int) -> None:
    """The second copy retyped without Track Changes was passed over without a word: only the first copy was
    compared with the source. Either copy's untracked edit is reported, and applied with --untracked."""
    root, docx = built
    reviewed = _retype_copy(docx, tmp_path / "r.docx", copy, "Note on the closing paragraph.")
    plan = apply_review(root, reviewed, write=False)
    assert not plan.files and [(f.kind, f.line) for _, f in plan.findings] == [("untracked", 13)]
    apply_review(root, reviewed, untracked=True)
    assert _definition(root) == "[^a]: Note on the closing paragraph."
