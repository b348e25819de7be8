"""`coe-paper apply` of new items of numbered lists and of paragraphs typed in nested quotes, by a reviewer in
LibreOffice: the sources are written as a member would write them, and pandoc reads them as the reviewer saw
them."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper import wordread, writeback
from conftest import MakeProject, assembled_intro, git_commit, require_client
from libreoffice_review import review

LISTS = """\
The timeline:

1. **First half of 2024**
   1. Online meetings every month.
   2. Member survey and synthesis of results.
   3. First in-person meeting in Rome.
2. **Second half of 2024**
   1. Sub-groups analyse bottlenecks.
   2. Proposals for actions are drafted.
3. **2025: Action Plan**
   1. Public consultation.
   2. Start of implementation.

The lazy list:

1. Alpha.
1. Beta.
1. Gamma.

The end.
"""


def _apply(root: Path, docx: Path) -> str:
    plan = writeback.plan(root, wordread.read(docx), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    writeback.write(root, plan.files)
    return (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]


def _html(markdown: str) -> str:
    return subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"],
                          input=markdown, capture_output=True, text=True, check=True).stdout.replace("\n", "")


def test_new_items_of_a_numbered_list_take_the_next_numbers(make_project: MakeProject, tmp_path: Path) -> None:
    """A split numbered item, and a paragraph typed after one, were written with the number of the item before
    them (`2. Member survey and synthesis` / `2. of results.`): each new item takes the next number and the items
    after it in its list move up, by as many items as were added; a list written all `1.` stays so."""
    root, built = assembled_intro(make_project, tmp_path, LISTS)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("split_at", "Member survey"), ("split_at", "and synthesis"),
        ("paragraph_after", "Start of implementation.", "Evaluation of the first actions."),
        ("split_at", "Second half"), ("paragraph_after", "Beta.", "Delta.")], tmp_path)
    body = _apply(root, reviewed)
    assert body.lstrip("\n") == LISTS.replace(
        "   2. Member survey and synthesis of results.\n   3. First",
        "   2. Member survey\n   3. and synthesis\n   4. of results.\n   5. First").replace(
        "2. **Second half of 2024**", "2. **Second half**\n3. **of 2024**").replace(
        "3. **2025", "4. **2025").replace(
        "   2. Start of implementation.\n", "   2. Start of implementation.\n   3. Evaluation of the first actions.\n"
        ).replace("1. Beta.\n", "1. Beta.\n1. Delta.\n")
    page = _html(body)
    assert ("<li>Online meetings every month.</li><li>Member survey</li><li>and synthesis</li><li>of results.</li>"
            "<li>First in-person meeting in Rome.</li></ol>") in page
    assert "<li>Start of implementation.</li><li>Evaluation of the first actions.</li></ol>" in page
    assert "<li>Alpha.</li><li>Beta.</li><li>Delta.</li><li>Gamma.</li>" in page


NESTED = """\
A member said:

> The offices work apart.
>
> > Nobody feels responsible for them.

The end.
"""


def test_a_paragraph_typed_in_a_quote_within_a_quote_stays_at_its_depth(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """A paragraph typed after, or split from, a paragraph of a quote within a quote was written with one `> `:
    it left the inner quote. It is written with the `> > ` of the quote it joins."""
    root, built = assembled_intro(make_project, tmp_path, NESTED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("split_at", "Nobody feels "), ("paragraph_after", "responsible for them.", "A typed paragraph.")], tmp_path)
    read = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "html", "--wrap=none", str(reviewed),
                           "--track-changes=accept"], capture_output=True, text=True, check=True).stdout
    body = _apply(root, reviewed)
    assert _html(body) == (
        "<p>A member said:</p><blockquote><p>The offices work apart.</p><blockquote><p>Nobody feels</p>"
        "<p>responsible for them.</p><p>A typed paragraph.</p></blockquote></blockquote><p>The end.</p>"), read


LONG = "The plan:\n\n" + "".join(f"{n}. Step {n}.\n" for n in range(1, 9)) + """\
9. Step nine, in parts:
   - a first part
   - a second part

The end.
"""


def test_an_item_whose_number_grows_has_its_lines_indented_with_it(make_project: MakeProject,
                                                                   tmp_path: Path) -> None:
    """An item typed after `8.` moved `9.` up to `10.`, whose sublist, indented for `9.`, would then fall out of the
    item (and out of the list). The item takes its new number and its lines, a part typed into its sublist among
    them, are indented for it."""
    root, built = assembled_intro(make_project, tmp_path, LONG)
    reviewed = review(built, tmp_path / "lo.docx", [("paragraph_after", "Step 8.", "Step eight and a half."),
                                                    ("paragraph_after", "a first part", "a new part")], tmp_path)
    body = _apply(root, reviewed)
    assert ("8. Step 8.\n9. Step eight and a half.\n10. Step nine, in parts:\n    - a first part\n    - a new part\n"
            "    - a second part\n\nThe end.\n") in body, body
    assert ("<li>Step eight and a half.</li><li>Step nine, in parts:<ul><li>a first part</li><li>a new part</li>"
            "<li>a second part</li></ul></li></ol>") in _html(body)


JOIN_FIRST = """\
The plan:

A paragraph before.

9. Step nine.
10. Step ten, in parts:
    - a first part

    A second paragraph of ten:

        an indented code line
11. Step eleven.

The end.
"""


def test_a_first_item_whose_number_shrinks_has_its_lines_indented_with_it(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A paragraph joined to a list's first item `9.` made the next item, `10.`, the first, written `9.`: its lines
    stayed indented for `10.`, one space deeper than the item's content, and its indented code gained that space
    (` an indented code line`). They are indented for `9.`, and the code reads as it did in Word."""
    root, built = assembled_intro(make_project, tmp_path, JOIN_FIRST)
    reviewed = review(built, tmp_path / "lo.docx", [("join_after", "A paragraph before.")], tmp_path)
    body = _apply(root, reviewed)
    assert body.lstrip("\n") == JOIN_FIRST.replace("before.\n\n9. Step nine.\n10.", "before.Step nine.\n\n9.").replace(
        "\n    ", "\n   ").replace("11. Step", "10. Step"), body
    assert _html(body) == (
        '<p>The plan:</p><p>A paragraph before.Step nine.</p><ol start="9" type="1"><li><p>Step ten, in parts:</p><ul>'
        "<li>a first part</li></ul><p>A second paragraph of ten:</p><pre><code>an indented code line</code></pre></li>"
        "<li><p>Step eleven.</p></li></ol><p>The end.</p>")


DELETED = "The steps:\n\n1. Brainstorming.\n2. A survey.\n3. Synthesis.\n4. Proposals.\n\nThe actions:\n\n" \
    + "".join(f"{n}. Action {n}.\n" for n in range(1, 6)) \
    + "\nThe lazy list:\n\n1. Alpha.\n1. Beta.\n1. Gamma.\n\nThe plan:\n\n" \
    + "".join(f"{n}. Step {n}.\n" for n in range(1, 10)) + """\
10. Step ten, in parts:
    - a first part
    - a second part

The end.
"""


def test_the_items_after_a_deleted_numbered_item_move_down(make_project: MakeProject, tmp_path: Path) -> None:
    """A numbered item deleted in the middle of its list left a gap in the numbers (`1.` `3.` `4.`): only the
    first item's deletion renumbered. The items after a deleted one move down, by as many items as were deleted; a
    list written all `1.` stays so, and an item with lines of its own that moves down from `10.` to `9.` has them
    indented for its new number."""
    root, built = assembled_intro(make_project, tmp_path, DELETED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("delete_paragraph", "A survey."), ("delete_paragraph", "Action 2."), ("delete_paragraph", "Action 3."),
        ("delete_paragraph", "Beta."), ("delete_paragraph", "Step 5.")], tmp_path)
    body = _apply(root, reviewed)
    assert body.lstrip("\n") == DELETED.replace("2. A survey.\n3. Synthesis.\n4.", "2. Synthesis.\n3.").replace(
        "2. Action 2.\n3. Action 3.\n4. Action 4.\n5.", "2. Action 4.\n3.").replace("1. Beta.\n", "").replace(
        "5. Step 5.\n6. Step 6.\n7. Step 7.\n8. Step 8.\n9.", "5. Step 6.\n6. Step 7.\n7. Step 8.\n8.").replace(
        "10. Step ten, in parts:\n    - a first part\n    - a",
        "9. Step ten, in parts:\n   - a first part\n   - a"), body
    page = _html(body)
    assert "<li>Step 9.</li><li>Step ten, in parts:<ul><li>a first part</li><li>a second part</li></ul></li></ol>" \
        in page


def test_consecutive_items_deleted_take_their_markers(make_project: MakeProject, tmp_path: Path) -> None:
    """Two items deleted one after the other (one deletion in LibreOffice) left the second one's marker before the
    next item (`- - Gamma.`), which made it a list within a list."""
    body = "The list:\n\n- Alpha.\n- Beta.\n- Gamma.\n- Delta.\n\nThe end.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [("delete_paragraph", "Alpha."), ("delete_paragraph", "Beta.")],
                      tmp_path)
    body = _apply(root, reviewed)
    assert body.lstrip("\n") == "The list:\n\n- Gamma.\n- Delta.\n\nThe end.\n", body
    assert "<ul><li>Gamma.</li><li>Delta.</li></ul>" in _html(body)


JOINED = ("The steps were these:\n\n1. Brainstorming.\n2. A survey.\n3. Synthesis.\n4. Proposals.\n\nThen:\n\n"
          "1. Alpha.\n2. Beta.\n3. Gamma.\n4. Delta.\n\nAfter the lists.\n")


def test_the_items_after_an_item_joined_to_the_block_before_it_move_down(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """An item joined to the paragraph or item before it (its paragraph mark deleted) gave its number to the next
    item when it was its list's first, and nothing otherwise: the numbers after it kept a gap (`1.` `3.` `4.`).
    The items after it move down by one."""
    root, built = assembled_intro(make_project, tmp_path, JOINED)
    reviewed = review(built, tmp_path / "lo.docx", [("join_after", "were these:"), ("join_after", "Alpha.")],
                      tmp_path)
    body = _apply(root, reviewed)
    assert "\n1. A survey.\n2. Synthesis.\n3. Proposals.\n" in body, body
    assert "\n1. Alpha.Beta.\n2. Gamma.\n3. Delta.\n" in body, body
    assert _html(body) == ("<p>The steps were these:Brainstorming.</p><ol type=\"1\"><li>A survey.</li>"
                           "<li>Synthesis.</li><li>Proposals.</li></ol><p>Then:</p><ol type=\"1\"><li>Alpha.Beta.</li>"
                           "<li>Gamma.</li><li>Delta.</li></ol><p>After the lists.</p>")


LAZY = ("The plan:\n\n1. Brainstorming.\n2. Start of\nimplementation.\n3. Evaluation.\n\nThe lazy list:\n\n"
        "1. Alpha, first\nof all.\n1. Beta.\n\nThe end.\n")


def test_an_item_continued_on_an_unindented_line_keeps_its_list_numbered(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """An item continued on an unindented line (a lazy continuation, `2. Start of` / `implementation.`) ended the
    list for the renumbering: the items after it kept their numbers when one was added before them, and a list
    written all `1.` above such a line was taken for a numbered one (`1. Beta.` / `2. Gamma.`)."""
    root, built = assembled_intro(make_project, tmp_path, LAZY)
    reviewed = review(built, tmp_path / "lo.docx", [("paragraph_after", "Brainstorming.", "A survey."),
                                                    ("paragraph_after", "Beta.", "Gamma.")], tmp_path)
    body = _apply(root, reviewed)
    assert body.lstrip("\n") == LAZY.replace("2. Start of\nimplementation.\n3.", "2. A survey.\n3. Start of\n"
                                             "implementation.\n4.").replace("1. Beta.\n", "1. Beta.\n1. Gamma.\n"), body
    assert "<li>Start of implementation.</li><li>Evaluation.</li></ol>" in _html(body)


LINKED = ("The plan:\n\n1. Brainstorming.\n2. Reading the report at\n<https://example.org/report> with the members.\n"
          "3. Evaluation.\n\nThe end.\n")


def test_an_item_continued_on_a_line_starting_with_a_link_keeps_its_list_numbered(make_project: MakeProject,
                                                                                 tmp_path: Path) -> None:
    """A lazy continuation line that starts with an autolink (`<https://...>`) was taken for an HTML block, which
    ended the list for the renumbering: the item after it kept its number when one was added before it (`3.`
    `3.`). An autolink or an inline tag cannot interrupt a paragraph; the line is the item's."""
    root, built = assembled_intro(make_project, tmp_path, LINKED)
    reviewed = review(built, tmp_path / "lo.docx", [("paragraph_after", "Brainstorming.", "A survey.")], tmp_path)
    body = _apply(root, reviewed)
    assert body.lstrip("\n") == LINKED.replace("2. Reading", "2. A survey.\n3. Reading").replace(
        "3. Evaluation", "4. Evaluation"), body
    assert ('<ol type="1"><li>Brainstorming.</li><li>A survey.</li><li>Reading the report at <a '
            'href="https://example.org/report">https://example.org/report</a> with the members.</li>'
            "<li>Evaluation.</li></ol>") in _html(body)


def test_items_added_since_the_build_move_with_the_items_the_review_renumbered(make_project: MakeProject,
                                                                                tmp_path: Path) -> None:
    """A member added `4. Delta.` and `5. Epsilon.` below `3. Gamma.` after the build, and a reviewer typed a new
    item after Beta: the review's new item became 3. and Gamma 4., but the member's items kept their numbers, and
    the source read `4. Gamma.` then `4. Delta.`. Items added since the build below the items the review moves
    move with them; a list written all `1.` stays so."""
    lists = "Steps:\n\n1. Alpha.\n2. Beta.\n3. Gamma.\n\nLazy:\n\n1. One.\n1. Two.\n\nThe end.\n"
    root, built = assembled_intro(make_project, tmp_path, lists)
    path = root / "sections" / "01-intro.md"
    path.write_text(path.read_text().replace("3. Gamma.\n", "3. Gamma.\n4. Delta.\n5. Epsilon.\n").replace(
        "1. Two.\n", "1. Two.\n1. Three.\n"))
    git_commit(root, "Delta, Epsilon and Three")
    reviewed = review(built, tmp_path / "lo.docx", [("paragraph_after", "Beta.", "New."),
                                                    ("paragraph_after", "One.", "Half.")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"merged"}, plan
    assert [(o.line, o.summary) for o in plan.outcomes if "since the build" in o.summary] == [
        (14, "renumbered the item 4 as 5, added since the build below items the review renumbered"),
        (15, "renumbered the item 5 as 6, added since the build below items the review renumbered")]
    writeback.write(root, plan.files)
    body = path.read_text().split("---\n", 2)[2]
    assert body.lstrip("\n") == ("Steps:\n\n1. Alpha.\n2. Beta.\n3. New.\n4. Gamma.\n5. Delta.\n6. Epsilon.\n\n"
                                 "Lazy:\n\n1. One.\n1. Half.\n1. Two.\n1. Three.\n\nThe end.\n"), body
    page = _html(body)
    assert '<li>Alpha.</li><li>Beta.</li><li>New.</li><li>Gamma.</li><li>Delta.</li><li>Epsilon.</li></ol>' in page
    assert '<ol type="1"><li>One.</li><li>Half.</li><li>Two.</li><li>Three.</li></ol>' in page


def test_an_item_added_since_the_build_whose_number_widens_takes_its_sublist_along(make_project: MakeProject,
                                                                                   tmp_path: Path) -> None:
    """A member added `9. Iota.` with a sublist below `8. Theta.` after the build, and a reviewer typed a new item
    after Beta: Theta became 9. but Iota kept its number, for `10.` would have left the sublist's lines (indented
    three spaces) outside the item, and the list read 9, 9. The item takes its number and its lines are indented
    to match, as those of the review's own renumbered items are."""
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
    lists = "Steps:\n\n" + "".join(f"{n}. {name}.\n" for n, name in enumerate(names, 1)) + "\nThe end.\n"
    root, built = assembled_intro(make_project, tmp_path, lists)
    path = root / "sections" / "01-intro.md"
    path.write_text(path.read_text().replace("8. Theta.\n", "8. Theta.\n9. Iota.\n   - first part;\n"
                                             "   - second part.\n\n   More on Iota.\n"))
    git_commit(root, "Iota")
    reviewed = review(built, tmp_path / "lo.docx", [("paragraph_after", "Beta.", "New.")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"merged"}, plan
    assert [(o.line, o.summary) for o in plan.outcomes if "since the build" in o.summary] == [
        (19, "renumbered the item 9 as 10, added since the build below items the review renumbered")]
    writeback.write(root, plan.files)
    body = path.read_text().split("---\n", 2)[2]
    assert "9. Theta.\n10. Iota.\n    - first part;\n    - second part.\n\n    More on Iota.\n\nThe end." in body
    page = _html(body)
    assert ("<li><p>Theta.</p></li><li><p>Iota.</p><ul><li>first part;</li><li>second part.</li></ul>"
            "<p>More on Iota.</p></li></ol><p>The end.</p>") in page, page


def test_an_item_moved_to_another_level_in_word_is_reported_at_its_line(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """Tab and Shift+Tab in a list move an item to another level, which LibreOffice saves with no tracked change:
    apply neither applied it nor said so, and the sources kept the old levels without a word. Each item whose level
    is not the one the build gave it is reported at its line, and its file is left as it was."""
    root, built = assembled_intro(make_project, tmp_path, LISTS)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("level", "Member survey", "0"), ("level", "Second half", "1"), ("level", "Public consultation", "2")],
        tmp_path)
    before = (root / "sections" / "01-intro.md").read_text()
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.outcomes == [] and plan.files == [], plan
    assert [(path, f.kind, f.line, f.message.split(", which")[0]) for path, f in plan.findings] == [
        ("sections/01-intro.md", "untracked", 13, "list item “Member survey and synthesis of results.” outdented in "
         "Word from level 2 to level 1"),
        ("sections/01-intro.md", "untracked", 15, "list item “Second half of 2024” indented in Word from level 1 to "
         "level 2"),
        ("sections/01-intro.md", "untracked", 19, "list item “Public consultation.” indented in Word from level 2 "
         "to level 3")], plan.findings
    assert (root / "sections" / "01-intro.md").read_text() == before


BULLETS = """\
Intro.

- Housing costs rise
  in every city.
- Transport
  - buses;
  - trains.

  More on transport.
- Energy.

The end.
"""


def _changed_lines(root: Path) -> list[str]:
    """The lines `git diff` shows removed and added in the section file."""
    diff = subprocess.run(["git", "diff", "--unified=0", "--", "sections/01-intro.md"], cwd=root, capture_output=True,
                          text=True, check=True).stdout
    return [line for line in diff.splitlines() if line[:1] in "-+" and line[:3] not in ("---", "+++")]


def test_an_item_moved_to_another_level_in_word_is_re_indented(make_project: MakeProject, tmp_path: Path) -> None:
    """Tab and Shift+Tab in a list were reported for the member to re-indent by hand. An item whose new level
    reads one way only in the Markdown is re-indented there with its own lines (its continuation line, its
    sub-items and its second paragraph, which moved with it); a numbered item that begins a new sublist is its
    first, 1. Nothing else of the file changes, and pandoc reads the lists nested as the reviewer left them."""
    root, built = assembled_intro(make_project, tmp_path, LISTS)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("level", "Beta.", "1"), ("level", "Start of implementation.", "0"), ("level", "Proposals for", "2")],
        tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [], plan.findings
    assert [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 17, "list item “Proposals for actions are drafted.” indented from level 2 to level 3"),
        ("applied", 20, "list item “Start of implementation.” outdented from level 2 to level 1"),
        ("applied", 25, "list item “Beta.” indented from level 1 to level 2")], plan.outcomes
    writeback.write(root, plan.files)
    assert _changed_lines(root) == [
        "-   2. Proposals for actions are drafted.", "+      1. Proposals for actions are drafted.",
        "-   2. Start of implementation.", "+2. Start of implementation.",
        "-1. Beta.", "+   1. Beta."]
    page = _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])
    assert ("<li>Sub-groups analyse bottlenecks.<ol type=\"1\"><li>Proposals for actions are drafted.</li></ol></li>"
            "</ol></li>") in page, page
    assert "<li>Public consultation.</li></ol></li><li>Start of implementation.</li></ol>" in page, page
    assert "<li>Alpha.<ol type=\"1\"><li>Beta.</li></ol></li><li>Gamma.</li></ol>" in page, page

    root, built = assembled_intro(make_project, tmp_path, BULLETS)
    reviewed = review(built, tmp_path / "bullets.docx", [
        ("level", "Transport", "1"), ("level", "buses", "2"), ("level", "trains", "2")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and [(o.line, o.summary) for o in plan.outcomes] == [
        (13, "list item “Transport” indented from level 1 to level 2")], plan
    writeback.write(root, plan.files)
    assert _changed_lines(root) == [
        "-- Transport", "-  - buses;", "-  - trains.", "+  - Transport", "+    - buses;", "+    - trains.",
        "-  More on transport.", "+    More on transport."]
    page = _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])
    assert ("<li>Housing costs rise in every city.<ul><li><p>Transport</p><ul><li>buses;</li><li>trains.</li></ul>"
            "<p>More on transport.</p></li></ul></li><li>Energy.</li></ul>") in page, page


def test_an_item_moved_where_the_markdown_reads_two_ways_is_reported(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    """An item outdented with paragraphs of the item above after it (they would become its own), or whose
    sub-items stayed where they were, is not re-indented: it is reported at its line, and the file is left."""
    root, built = assembled_intro(make_project, tmp_path, BULLETS)
    reviewed = review(built, tmp_path / "lo.docx", [("level", "trains", "0"), ("level", "Transport", "1")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.files == [] and plan.outcomes == [], plan
    assert [(f.kind, f.line, f.message.split(", which")[0]) for _, f in plan.findings] == [
        ("untracked", 13, "list item “Transport” indented in Word from level 1 to level 2"),
        ("untracked", 15, "list item “trains.” outdented in Word from level 2 to level 1")], plan.findings


def test_the_words_of_an_item_with_a_sublist_deleted_leave_its_marker(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """All the words of an item that has a sublist deleted (its paragraph kept, as Word shows it: an empty item
    with its sub-items under it) took the item's line with its marker: its sub-items left it, and the items after
    it were renumbered. The marker stays, and only the words go."""
    root, built = assembled_intro(make_project, tmp_path, LISTS)
    reviewed = review(built, tmp_path / "lo.docx", [("delete", "Second half of 2024")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and [(o.line, o.summary) for o in plan.outcomes] == [
        (15, "deleted “Second half of 2024”")], plan
    writeback.write(root, plan.files)
    assert _changed_lines(root) == ["-2. **Second half of 2024**", "+2."]
    page = _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])
    assert ("<li><ol type=\"1\"><li>Sub-groups analyse bottlenecks.</li><li>Proposals for actions are drafted.</li>"
            "</ol></li><li><strong>2025: Action Plan</strong>") in page, page


def test_an_item_split_and_moved_to_another_level_is_re_indented(make_project: MakeProject, tmp_path: Path) -> None:
    """An item moved to another level whose paragraph was also split (Enter typed in it) was passed over: neither
    applied nor reported, and the file kept its old level without a word. Its move is read as any other's."""
    root, built = assembled_intro(make_project, tmp_path, "Steps:\n\n1. One\n2. Two\n3. Three\n")
    reviewed = review(built, tmp_path / "lo.docx", [("level", "Two", "1"), ("split_at", "Two")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and [(o.line, o.summary) for o in plan.outcomes] == [
        (12, "inserted “¶”"), (12, "list item “Two” indented from level 1 to level 2")], plan
    writeback.write(root, plan.files)
    assert _changed_lines(root) == ["-2. Two", "+   1. Two", "+   1."]
