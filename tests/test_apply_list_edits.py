"""`coe-paper apply` of several edits to one list by a reviewer in LibreOffice (items joined, re-indented, deleted
with their sub-items, emptied): `git diff` after apply is the reviewer's edit, and pandoc reads the lists as the
reviewer left them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from coe_paper import pipeline, wordblocks, wordread, writeback
from conftest import MakeProject, assembled_intro, section_text
from libreoffice_review import review
from reviewkit import Reviewer, apply_review, edit_part, q
from test_apply_lists import _changed_lines, _html

STEPS = "The steps:\n\n1. First step.\n2. Second step.\n3. Third step.\n4. Fourth step.\n\nThe end.\n"


def _plan(root: Path, reviewed: Path) -> writeback.Plan:
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    writeback.write(root, plan.files)
    return plan


def _body(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]


def test_items_joined_and_another_indented_in_one_list_are_both_applied(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """Two items joined and a later one indented (Tab) in the same list: the join renumbered the item that moved,
    and its re-indent was reported as overlapping that number. The item moved into a sublist is its first, 1, and
    is not renumbered in the list it left."""
    root, built = assembled_intro(make_project, tmp_path, STEPS)
    reviewed = review(built, tmp_path / "lo.docx", [("join_after", "First step."), ("level", "Fourth step.", "1")],
                      tmp_path)
    plan = _plan(root, reviewed)
    assert sorted((o.line, o.summary) for o in plan.outcomes) == [
        (11, "deleted “¶”"), (13, "renumbered the item 3 as 2"),
        (14, "list item “Fourth step.” indented from level 1 to level 2")], plan.outcomes
    assert _changed_lines(root) == [
        "-1. First step.", "-2. Second step.", "-3. Third step.", "-4. Fourth step.",
        "+1. First step.Second step.", "+2. Third step.", "+   1. Fourth step."]
    assert "<ol type=\"1\"><li>First step.Second step.</li><li>Third step.<ol type=\"1\"><li>Fourth step.</li></ol>" \
        "</li></ol>" in _html(_body(root))


NESTED = ("The plan:\n\n1. **First half of 2024**\n   1. Online meetings.\n   2. A survey.\n2. Second half.\n\n"
          "- Alpha.\n- Beta.\n\nThe end.\n")


def test_an_emptied_or_empty_new_item_is_written_without_trailing_white_space(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:
    """The words of an item with a sublist deleted (its marker stays for the sublist) left `1. ` with a trailing
    space, and so did a new empty item (Enter at an item's end) and an item split at its end: no line apply
    writes ends in white space, and pandoc reads the same lists."""
    root, built = assembled_intro(make_project, tmp_path, NESTED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("delete", "First half of 2024"), ("split_at", "A survey."), ("paragraph_after", "Alpha.", "")], tmp_path)
    _plan(root, reviewed)
    assert _changed_lines(root) == [
        "-1. **First half of 2024**", "+1.", "+   3.", "+-"], _changed_lines(root)
    assert ("<ol type=\"1\"><li><ol type=\"1\"><li>Online meetings.</li><li>A survey.</li><li></li></ol></li>"
            "<li>Second half.</li></ol><ul><li>Alpha.</li><li></li><li>Beta.</li></ul>") in _html(_body(root))


FIRSTS = ("The steps:\n- First step.\n  - Sub one.\n  - Sub two.\n- Second step.\n\nThe plan:\n\n1. Alpha.\n"
          "   1. Sub alpha.\n   2. Sub beta.\n2. Beta.\n3. Gamma.\n\nOther kinds:\n\n1. Leader.\n   - A follower.\n"
          "2. Next.\n\nNested:\n\n1. Top.\n   1. Middle.\n      1. Deep one.\n      2. Deep two.\n   2. Middle two.\n\n"
          "After:\n\n- One.\n- Another one.\n  - Under it.\n- Three.\n\nBoth:\n\n1. Head.\n   1. Sub head.\n"
          "   2. Sub tail.\n2. Tail.\n\nThe end.\n")


def test_the_sub_items_of_a_deleted_first_item_take_its_place_in_its_list(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A list's first item deleted with its paragraph mark left its sub-items indented with no item above them: a
    list of their own after the text before the list, which ran into the items after it (`1.` `2.` `1.`). They go
    up to its level and take its place, one list with the items after it, numbered on; sub-items of another kind
    of list are a list of their own before them. A deleted item with an item above it leaves its sub-items under
    that item, as Word shows them; a sub-item deleted with it is no part of its place."""
    root, built = assembled_intro(make_project, tmp_path, FIRSTS)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("delete_paragraph", "First step."), ("delete_paragraph", "Alpha."), ("delete_paragraph", "Leader."),
        ("delete_paragraph", "Middle."), ("replace", "Deep two", "Deep 2"), ("delete_paragraph", "Another one."),
        ("delete_paragraph", "Head."), ("delete_paragraph", "Sub head.")],
        tmp_path)
    plan = _plan(root, reviewed)
    assert [(o.line, o.summary) for o in plan.outcomes if "sub-items" in o.summary] == [
        (10, "the sub-items of the deleted list item “First step.” moved up to its level"),
        (17, "the sub-items of the deleted list item “Alpha.” moved up to its level"),
        (25, "the sub-items of the deleted list item “Leader.” moved up to its level"),
        (32, "the sub-items of the deleted list item “Middle.” moved up to its level"),
        (46, "the sub-items of the deleted list item “Head.” moved up to its level")], plan.outcomes
    assert _changed_lines(root) == [
        "-- First step.", "-  - Sub one.", "-  - Sub two.", "+- Sub one.", "+- Sub two.",
        "-1. Alpha.", "-   1. Sub alpha.", "-   2. Sub beta.", "-2. Beta.", "-3. Gamma.",
        "+1. Sub alpha.", "+2. Sub beta.", "+3. Beta.", "+4. Gamma.",
        "-1. Leader.", "-   - A follower.", "-2. Next.", "+- A follower.", "+1. Next.",
        "-   1. Middle.", "-      1. Deep one.", "-      2. Deep two.", "-   2. Middle two.",
        "+   1. Deep one.", "+   2. Deep 2.", "+   3. Middle two.",
        "-- Another one.", "-1. Head.", "-   1. Sub head.", "-   2. Sub tail.", "+1. Sub tail."], _changed_lines(root)
    page = _html(_body(root))
    assert ("<p>The steps:</p><ul><li>Sub one.</li><li>Sub two.</li><li>Second step.</li></ul><p>The plan:</p>"
            "<ol type=\"1\"><li>Sub alpha.</li><li>Sub beta.</li><li>Beta.</li><li>Gamma.</li></ol>"
            "<p>Other kinds:</p><ul><li>A follower.</li></ul><ol type=\"1\"><li>Next.</li></ol><p>Nested:</p>"
            "<ol type=\"1\"><li>Top.<ol type=\"1\"><li>Deep one.</li><li>Deep 2.</li><li>Middle two.</li></ol></li>"
            "</ol><p>After:</p><ul><li>One.<ul><li>Under it.</li></ul></li><li>Three.</li></ul><p>Both:</p>"
            "<ol type=\"1\"><li>Sub tail.</li><li>Tail.</li></ol>") in page, page


TOGETHER = "The list:\n\n- Alpha.\n- Beta.\n- Gamma.\n- Delta.\n\nThe steps:\n\n1. One.\n2. Two.\n3. Three.\n4. Four.\n"


def test_items_indented_together_are_re_indented_together(make_project: MakeProject, tmp_path: Path) -> None:
    """Two items next to each other indented (both selected, Tab): the first was re-indented, and the second,
    whose item before it had moved too, was reported for the member to re-indent by hand. It follows the first in
    the sublist that one begins, numbered on from it."""
    root, built = assembled_intro(make_project, tmp_path, TOGETHER)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("level", "Beta.", "1"), ("level", "Gamma.", "1"), ("level", "Two.", "1"), ("level", "Three.", "1")], tmp_path)
    plan = _plan(root, reviewed)
    assert [(o.line, o.summary) for o in plan.outcomes] == [
        (12, "list item “Beta.” indented from level 1 to level 2"),
        (13, "list item “Gamma.” indented from level 1 to level 2"),
        (19, "list item “Two.” indented from level 1 to level 2"),
        (20, "list item “Three.” indented from level 1 to level 2")], plan.outcomes
    assert _changed_lines(root) == ["-- Beta.", "-- Gamma.", "+  - Beta.", "+  - Gamma.",
                                    "-2. Two.", "-3. Three.", "+   1. Two.", "+   2. Three."], _changed_lines(root)
    assert ("<ul><li>Alpha.<ul><li>Beta.</li><li>Gamma.</li></ul></li><li>Delta.</li></ul><p>The steps:</p>"
            "<ol type=\"1\"><li>One.<ol type=\"1\"><li>Two.</li><li>Three.</li></ol></li><li>Four.</li></ol>"
            ) in _html(_body(root))


STARTS = ("The plan:\n\n3. Third.\n   1. Sub one.\n   2. Sub two.\n4. Fourth.\n\nThe late ones:\n\n9. Ninth.\n"
          "   1. Under nine.\n   2. Under it too.\n      - Deeper.\n10. Tenth.\n\nThe end.\n")


def test_the_sub_items_of_a_deleted_first_item_keep_the_lists_start(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """A list starting at 3 whose first item was deleted with its paragraph mark: its sub-items went up to its
    level with their own numbers, `1.` `2.`, and the list started at 1 where Word shows 3. The first of them takes
    the deleted item's number and those after it are numbered on; one whose number widens (`9.` to `10.`) takes
    its own lines along."""
    root, built = assembled_intro(make_project, tmp_path, STARTS)
    reviewed = review(built, tmp_path / "lo.docx", [("delete_paragraph", "Third."), ("delete_paragraph", "Ninth.")],
                      tmp_path)
    plan = _plan(root, reviewed)
    assert [(o.line, o.summary) for o in plan.outcomes if "renumbered" in o.summary] == [
        (12, "renumbered the item 1 as 3"), (13, "renumbered the item 2 as 4"), (14, "renumbered the item 4 as 5"),
        (19, "renumbered the item 1 as 9"), (20, "renumbered the item 2 as 10"), (22, "renumbered the item 10 as 11")
    ], plan.outcomes
    assert _changed_lines(root) == [
        "-3. Third.", "-   1. Sub one.", "-   2. Sub two.", "-4. Fourth.",
        "+3. Sub one.", "+4. Sub two.", "+5. Fourth.",
        "-9. Ninth.", "-   1. Under nine.", "-   2. Under it too.", "-      - Deeper.", "-10. Tenth.",
        "+9. Under nine.", "+10. Under it too.", "+    - Deeper.", "+11. Tenth."], _changed_lines(root)
    assert ("<p>The plan:</p><ol start=\"3\" type=\"1\"><li>Sub one.</li><li>Sub two.</li><li>Fourth.</li></ol>"
            "<p>The late ones:</p><ol start=\"9\" type=\"1\"><li>Under nine.</li><li>Under it too.<ul>"
            "<li>Deeper.</li></ul></li><li>Tenth.</li></ol>") in _html(_body(root)), _html(_body(root))


DEEP = ("The steps:\n\n1. One.\n2. Two.\n   - a part\n3. Three.\n4. Four.\n\n- Alpha.\n  - Sub.\n- Beta.\n- Gamma.\n\n"
        "Deep:\n\n1. Top.\n   1. Mid.\n      1. Low.\n2. Next.\n\nThe end.\n")


def test_an_item_moved_by_more_than_one_level_is_re_indented(make_project: MakeProject, tmp_path: Path) -> None:
    """A top-level item made level 3 in Word (Tab twice), or a level-3 item made level 1, was reported for the
    member to re-indent by hand, though the Markdown reads its place one way only. Indented, it goes under the last
    sub-item of the item above it, or starts the lists between with their markers (`1. 1. Two.`, which Word shows as
    the level-3 item alone), taking its own lines along; an item indented with it follows it there; outdented, it
    joins the list of the item that held it."""
    root, built = assembled_intro(make_project, tmp_path, DEEP)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("level", "Two.", "2"), ("level", "a part", "3"), ("level", "Three.", "2"), ("level", "Beta.", "2"),
        ("level", "Low.", "0")], tmp_path)
    plan = _plan(root, reviewed)
    assert [(o.line, o.summary) for o in plan.outcomes] == [
        (12, "list item “Two.” indented from level 1 to level 3"),
        (14, "list item “Three.” indented from level 1 to level 3"),
        (19, "list item “Beta.” indented from level 1 to level 3"),
        (26, "list item “Low.” outdented from level 3 to level 1")], plan.outcomes
    assert _changed_lines(root) == [
        "-2. Two.", "-   - a part", "-3. Three.", "+   1. 1. Two.", "+         - a part", "+      2. Three.",
        "-- Beta.", "+    - Beta.", "-      1. Low.", "+1. Low."], _changed_lines(root)
    assert ("<ol type=\"1\"><li>One.<ol type=\"1\"><li><ol type=\"1\"><li>Two.<ul><li>a part</li></ul></li>"
            "<li>Three.</li></ol></li></ol></li><li>Four.</li></ol><ul><li>Alpha.<ul><li>Sub.<ul><li>Beta.</li>"
            "</ul></li></ul></li><li>Gamma.</li></ul><p>Deep:</p><ol type=\"1\"><li>Top.<ol type=\"1\"><li>Mid.</li>"
            "</ol></li><li>Low.</li><li>Next.</li></ol>") in _html(_body(root))
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx").output
    assert rebuilt is not None
    doc = wordread.read(rebuilt)
    levels = {p.text(): p.num[1] for p in wordblocks.paragraphs(doc.blocks) if p.num is not None}
    doc.docx.close()
    assert [levels[t] for t in ("Two.", "a part", "Three.", "Beta.", "Low.")] == [2, 3, 2, 2, 0], levels


LIFTED = ("The plan:\n\n1. Alpha.\n   1. Sub alpha.\n   2. Sub beta.\n2. Beta.\n3. Gamma.\n\n"
          "The steps:\n\n- First step.\n  - Sub one.\n  - Sub two.\n- Second step.\n\nThe end.\n")


def _new_items_among_lifted(root: etree._Element) -> None:
    """As Word records them: the first items of two lists deleted whole, and a new item typed after a sub-item of
    each (its mark and its words inserted)."""
    def para(text: str) -> etree._Element:
        return next(p for p in root.iter(q("w:p")) if "".join(p.itertext()).startswith(text))

    reviewer = Reviewer(root)
    for item, sub in (("Alpha.", "Sub alpha."), ("First step.", "Sub two.")):
        reviewer.delete_paragraph(para(item), "Ana Rossi")
        reviewer.insert_paragraph(para(sub), "Ana Rossi")


def test_a_new_item_among_sub_items_that_go_up_goes_up_with_them(make_project: MakeProject, tmp_path: Path) -> None:
    """A list's first item deleted whole and a new item typed after one of its sub-items: the sub-items went up to
    its level, but the new one was written at their old indent (`   2. New sub.` below `1. Sub alpha.`, which
    CommonMark reads as words of that item) and numbered in the sublist they left, and the items after it kept
    their numbers (`2.` twice). The new item goes up with them and is numbered among them, the items after it
    numbered on; as LibreOffice and as Word record the new paragraph."""
    root, built = assembled_intro(make_project, tmp_path / "lo", LIFTED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("delete_paragraph", "Alpha."), ("paragraph_after", "Sub alpha.", "New sub."),
        ("delete_paragraph", "First step."), ("paragraph_after", "Sub two.", "New two.")], tmp_path)
    _plan(root, reviewed)
    assert _changed_lines(root) == [
        "-1. Alpha.", "-   1. Sub alpha.", "-   2. Sub beta.", "-2. Beta.", "-3. Gamma.",
        "+1. Sub alpha.", "+2. New sub.", "+3. Sub beta.", "+4. Beta.", "+5. Gamma.",
        "-- First step.", "-  - Sub one.", "-  - Sub two.", "+- Sub one.", "+- Sub two.", "+- New two."
    ], _changed_lines(root)
    assert ("<ol type=\"1\"><li>Sub alpha.</li><li>New sub.</li><li>Sub beta.</li><li>Beta.</li><li>Gamma.</li>"
            "</ol><p>The steps:</p><ul><li>Sub one.</li><li>Sub two.</li><li>New two.</li><li>Second step.</li></ul>"
            ) in _html(_body(root))

    root, built = assembled_intro(make_project, tmp_path / "word", LIFTED)
    plan = apply_review(root, edit_part(built, tmp_path / "word.docx", _new_items_among_lifted))
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    page = _html(_body(root))
    assert re.search(r"<ol type=\"1\"><li>Sub alpha\.</li><li>[A-Z][a-z ]+\.</li><li>Sub beta\.</li><li>Beta\.</li>"
                     r"<li>Gamma\.</li></ol><p>The steps:</p><ul><li>Sub one\.</li><li>Sub two\.</li><li>[A-Z][a-z ]+"
                     r"\.</li><li>Second step\.</li></ul>", page), page
    assert [line[:3] for line in _changed_lines(root) if line.startswith("+")] == [
        "+1.", "+2.", "+3.", "+4.", "+5.", "+- ", "+- ", "+- "], _changed_lines(root)


def test_words_typed_where_a_block_begins_after_whole_blocks_deleted_go_into_that_block(make_project: MakeProject,
                                                                                     tmp_path: Path) -> None:
    """An item deleted whole (its words and mark) and words typed where the next item begins: the words were
    written where the deleted item was, before the next item's marker (`Also - Gamma.`: no item to pandoc), and
    after a list's last item deleted whole, words typed in the paragraph after it went into the list. They go where
    the next block's words begin."""
    body = "The list:\n\n- Alpha.\n- Beta.\n- Gamma.\n- Delta.\n\nThe end.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [("delete_paragraph", "Beta."), ("insert_before", "Gamma.", "Also "),
                                                    ("delete_paragraph", "Delta."),
                                                    ("insert_before", "The end.", "So ")], tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [], plan.findings
    assert _body(root) == "\nThe list:\n\n- Alpha.\n- Also Gamma.\n\nSo The end.\n"
    assert "<ul><li>Alpha.</li><li>Also Gamma.</li></ul>" in _html(_body(root)).replace("\n", "")


@pytest.mark.parametrize("after", ["\n## Next\n\nThe end.\n", ""])
@pytest.mark.parametrize("bookmark_moves", [False, True])  # Word's move takes the paragraph's bookmark with it
def test_an_item_moved_after_a_lists_last_item_goes_on_that_list(make_project: MakeProject, tmp_path: Path,
                                                                 after: str, bookmark_moves: bool) -> None:
    """An item moved (or cut and pasted) to follow a list's last item is a new paragraph that Word joins to the
    block after the list: it was written after the list's blank line, against the heading below, as `1.`. It goes
    on the list as its last item, numbered after the items before it; so it does where the list ends the section
    (where reading the groups of paragraphs failed with an IndexError)."""
    root, built = assembled_intro(make_project, tmp_path, f"The steps:\n\n1. Plan.\n2. Build.\n3. Check.\n{after}")

    def moved(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        paragraphs = [p for p in document.iter(q("w:p")) if "".join(p.itertext()) in ("Build.", "Check.")]
        plan, check = paragraphs[-2], paragraphs[-1]
        copy = etree.fromstring(etree.tostring(plan))
        for mark in [*(plan if bookmark_moves else copy).iter(q("w:bookmarkStart")),
                     *(plan if bookmark_moves else copy).iter(q("w:bookmarkEnd"))]:
            mark.getparent().remove(mark)
        for run in copy.findall(q("w:r")):
            ins = reviewer._mark("ins", "Ana Rossi")
            run.addprevious(ins)
            ins.append(run)
        ppr = copy.find(q("w:pPr"))
        rpr = ppr.find(q("w:rPr")) if ppr is not None else None
        if rpr is None:
            rpr = etree.SubElement(ppr, q("w:rPr"))
        rpr.append(reviewer._mark("ins", "Ana Rossi"))
        check.addnext(copy)
        for run in plan.findall(q("w:r")):
            reviewer._delete(run, "Ana Rossi")
        plan_ppr = plan.find(q("w:pPr"))
        etree.SubElement(plan_ppr, q("w:rPr")).append(reviewer._mark("del", "Ana Rossi"))

    plan = apply_review(root, edit_part(built, tmp_path / "moved.docx", moved))
    assert plan.findings == [], plan.findings
    assert _body(root) == f"\nThe steps:\n\n1. Plan.\n2. Check.\n3. Build.\n{after}"


def test_an_item_moved_in_word_to_the_end_of_a_list_that_ends_the_section(make_project: MakeProject,
                                                                           tmp_path: Path) -> None:
    """Word's move (w:moveFrom, w:moveTo, the paragraph's bookmark going with it) of an item to follow the last of a
    list that ends the section: reading the groups of paragraphs failed with an IndexError (a group joined to the
    one before it left an empty one, which the next was compared with)."""
    last = "sections/03-outlook.md"  # the paper's last section: the page break before the annex follows its list
    root = make_project({last: section_text("outlook", "## Lists\n\n- Item one.\n- Item two.\n- Item three.\n",
                                            title="Outlook", lead="leipzig", contributors="[]")}, git=True)
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, result.diagnostics
    built = result.output

    def moved(document: etree._Element) -> None:
        two, three = [p for p in document.iter(q("w:p")) if "".join(p.itertext()) in ("Item two.", "Item three.")]
        _word_move(Reviewer(document), two, three)

    plan = apply_review(root, edit_part(built, tmp_path / "moved.docx", moved))
    assert plan.findings == [], plan.findings
    assert (root / last).read_text().split("---\n", 2)[2] == "\n## Lists\n\n- Item one.\n- Item three.\n- Item two.\n"


def _word_move(reviewer: Reviewer, paragraph: etree._Element, after: etree._Element) -> None:
    """Move `paragraph` after `after` as Word records it: w:moveFrom where it was, w:moveTo where it goes, the
    paragraph's bookmark going with it."""
    copy = etree.fromstring(etree.tostring(paragraph))
    for mark in [*paragraph.iter(q("w:bookmarkStart")), *paragraph.iter(q("w:bookmarkEnd"))]:
        mark.getparent().remove(mark)
    for moving, kind in ((paragraph, "moveFrom"), (copy, "moveTo")):
        for run in moving.findall(q("w:r")):
            wrapper = reviewer._mark(kind, "Ana Rossi")
            run.addprevious(wrapper)
            wrapper.append(run)
            if kind == "moveFrom":
                for text in run.iter(q("w:t")):
                    text.tag = q("w:delText")
        ppr = moving.find(q("w:pPr"))
        assert ppr is not None
        etree.SubElement(ppr, q("w:rPr")).append(reviewer._mark(kind, "Ana Rossi"))
    after.addnext(copy)


def test_a_moved_item_apply_cannot_place_is_named_in_its_finding(make_project: MakeProject, tmp_path: Path) -> None:
    """An item moved after a sublist whose items were deleted whole: its move's deletion was written and its words,
    which apply could not place, were lost with no word of them. The finding names the words not written."""
    body = ("The steps were these:\n\n1. First item.\n2. Second item\n   with a continuation line.\n\n"
            "   Second paragraph of item two.\n3. Third item.\n   - nested a\n   - nested b\n\n"
            "Table: Caption of the table {#tbl-x}\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    root, built = assembled_intro(make_project, tmp_path, body)

    def edited(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        found = {"".join(p.itertext()): p for p in document.iter(q("w:p"))}
        _word_move(reviewer, found["First item."], found["nested b"])
        for words in ("nested a", "nested b"):
            reviewer.delete_paragraph(found[words], "Ana Rossi")

    plan = apply_review(root, edit_part(built, tmp_path / "moved.docx", edited))
    messages = [finding.message for _, finding in plan.findings]
    assert "First item." in _body(root) or any("its new words, not written: “First item.”" in message
                                                for message in messages), (_body(root), messages)
