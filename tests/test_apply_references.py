"""`coe-paper apply` of a paragraph holding a cross-reference: Word shows the caption's number ("Figure 1") where
the source has the link's own words (`[the chart below](#fig-survey)`); that is no edit of the reviewer's, and a
reviewer who deletes the cross-reference deletes the link."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from conftest import MakeProject, assembled_intro, tiny_png
from libreoffice_review import review
from reviewkit import Reviewer, apply_review, edit_part, q

BODY = """\
As [the chart below](#fig-survey) shows, and [Table 1](#tbl-budget) too, members agree.

![A chart](../paper/images/chart.png "Survey priorities {#fig-survey}")

Table: Budget by city {#tbl-budget}

| City | Budget |
|---|---|
| Rome | 10, see [the chart](#fig-survey) |
"""


def _built(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    return assembled_intro(make_project, tmp_path, BODY, {"paper/images/chart.png": tiny_png(4, 4)})


def test_a_cross_references_number_is_no_edit(make_project: MakeProject, tmp_path: Path) -> None:
    root, docx = _built(make_project, tmp_path)
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "members agree", "all members agree"),
                                                  ("replace", "10, see", "12, see")], tmp_path)
    for untracked in (False, True):
        plan = apply_review(root, reviewed, write=False, untracked=untracked)
        assert plan.findings == []
        [changed] = plan.files
        assert changed.after == changed.before.replace("members agree", "all members agree").replace(
            "| 10, see", "| 12, see")


def _delete_first_reference(root: etree._Element) -> None:
    """The first REF field, its instruction and its result, deleted as Word records it."""
    runs = list(root.iter(q("w:r")))
    first = next(i for i, r in enumerate(runs) if "REF " in "".join(r.itertext()))
    begin, end = first - 1, next(i for i in range(first, len(runs)) if runs[i].find(q("w:fldChar")) is not None
                                 and runs[i].find(q("w:fldChar")).get(q("w:fldCharType")) == "end")
    deletion = Reviewer(root)._mark("del", "Ana Rossi")
    runs[begin].addprevious(deletion)
    for run in runs[begin : end + 1]:
        deletion.append(run)
        for node in run.iter(q("w:t"), q("w:instrText")):
            node.tag = q("w:delText") if node.tag == q("w:t") else q("w:delInstrText")


def test_a_deleted_cross_reference_deletes_the_link(make_project: MakeProject, tmp_path: Path) -> None:
    root, docx = _built(make_project, tmp_path)
    plan = apply_review(root, edit_part(docx, tmp_path / "r.docx", _delete_first_reference), write=False)
    assert plan.findings == []
    [changed] = plan.files
    assert changed.after == changed.before.replace("As [the chart below](#fig-survey) shows", "As  shows")


def test_a_cross_reference_to_nowhere_is_named_as_what_changed(make_project: MakeProject, tmp_path: Path) -> None:
    """A document whose first cross-reference was made to point at no caption (its REF field's bookmark renamed):
    the untracked change was reported as 'white space became “Figure 1”', which did not say that a link is what
    --untracked would replace with plain words."""
    root, docx = _built(make_project, tmp_path)

    def retarget(root: etree._Element) -> None:
        node = next(n for n in root.iter(q("w:instrText")) if (n.text or "").strip().startswith("REF "))
        node.text = " REF _Nowhere \\h "

    plan = apply_review(root, edit_part(docx, tmp_path / "r.docx", retarget), write=False)
    assert not plan.files
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [
        ("untracked", 9, "a note, picture or cross-reference became “Figure 1”")]
