"""`coe-paper apply` of paragraphs joined and split by a reviewer: a deleted paragraph mark joins two blocks and a
typed one splits a block, in LibreOffice's own tracked changes and in Word's markup (a `w:del` in the paragraph
mark's run properties), and the Markdown around the join keeps its delimiters. `coe-paper comments` lists them."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from collections.abc import Callable
from copy import deepcopy
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from coe_paper import ooxml_review, pipeline, wordread, writeback
from coe_paper.cli import app
from conftest import MakeProject, assembled_intro, cli, require_client, section_text
from libreoffice_review import review
from reviewkit import DATE, edit_part, q

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
    return assembled_intro(make_project, tmp_path, BODY)


def apply(root: Path, docx: Path) -> writeback.Plan:
    plan = writeback.plan(root, wordread.read(docx), writeback.organisations(root), writeback.Options())
    writeback.write(root, plan.files)
    return plan


def intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text()


def body_html(root: Path, reader: str = "commonmark") -> str:
    """The intro's body as pandoc reads its Markdown, as HTML on one line."""
    return subprocess.run([require_client("pandoc"), "-f", reader, "-t", "html", "--wrap=none"],
                          input=intro(root).split("---\n", 2)[2], capture_output=True, text=True,
                          check=True).stdout.replace("\n", "")


def docx_intro_html(docx: Path) -> str:
    """The Introduction of a reviewed .docx as pandoc reads it with every change accepted, as HTML."""
    page = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "html", "--wrap=none",
                           "--track-changes=accept", str(docx)], capture_output=True, text=True, check=True).stdout
    return page[page.index('id="introduction"') : page.index("<h1", page.index('id="introduction"'))]


def lists(page: str) -> list[list[str]]:
    """Each list of an HTML page as its items' characters (tags and white space left out: pandoc puts a space
    where it joins two paragraphs of a .docx, which Word does not show); the footnotes' list is left out."""
    text = re.split(r'<(?:section|aside)[^>]*class="footnotes', page)[0]
    return [[re.sub(r"<[^>]+>|\s", "", item) for item in re.findall(r"<li>(.*?)</li>", body, re.S)]
            for body in re.findall(r"<[ou]l[^>]*>(.*?)</[ou]l>", text, re.S)]


def _mark(para: etree._Element, kind: str) -> None:
    """The paragraph's mark recorded as inserted or deleted, as Word writes it (in the mark's run properties)."""
    ooxml_review.mark_paragraph(para, kind, 9001, "Ana Rossi", DATE)


def word_join(src: Path, dest: Path, after: str) -> None:
    """Word's record of a join: the paragraph mark of the paragraph holding `after` deleted."""
    edit_part(src, dest, lambda root: _mark(next(p for p in root.iter(q("w:p")) if after in "".join(p.itertext())),
                                        "del"))


def word_split(src: Path, dest: Path, after: str, part: str = "word/document.xml") -> None:
    """Word's record of Enter typed after `after` (inside one run): the first half's paragraph mark inserted, the
    second half a paragraph of the same style without the bookmarks."""
    def change(root: etree._Element) -> None:
        t = next(t for t in root.iter(q("w:t")) if after in (t.text or ""))
        run = t.getparent()
        para = next(run.iterancestors(q("w:p")))
        head, tail = t.text.split(after, 1)
        t.text = head + after
        second = etree.Element(q("w:p"))
        ppr = para.find(q("w:pPr"))
        if ppr is not None:
            second.append(deepcopy(ppr))
        rest = deepcopy(run)
        rest.find(q("w:t")).text = tail
        rest.find(q("w:t")).set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        holder, link = second, run.getparent()
        if link is not para:  # inside a hyperlink: the second half is a link to the same place
            holder = etree.SubElement(second, link.tag, dict(link.attrib))
        holder.append(rest)
        for sibling in list(run.itersiblings()):
            holder.append(sibling)
        if link is not para:
            for sibling in list(link.itersiblings()):
                second.append(sibling)
        para.addnext(second)
        _mark(para, "ins")
    edit_part(src, dest, change, part)


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


def test_a_paragraph_split_in_word_markup(project: tuple[Path, Path], tmp_path: Path) -> None:
    """Enter typed inside a paragraph: the second half has no bookmark and no tracked text, only the first half's
    mark is new. It was taken for a paragraph of the template's (a byline), the first half reported as an
    untracked edit (“… removed”) and the split left out."""
    root, built = project
    step = tmp_path / "step.docx"
    word_split(built, step, "The work went ")
    reviewed = tmp_path / "r.docx"
    word_split(step, reviewed, "A paragraph before ")
    plan = apply(root, reviewed)
    assert not plan.findings
    text = intro(root)
    assert "The work went\n\nin steps.\n" in text
    assert "A paragraph before\n\na link.\n" in text
    assert {o.status for o in plan.outcomes} == {"applied"} and len(plan.outcomes) == 2


def test_a_paragraph_split_in_libreoffice(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = review(built, tmp_path / "lo.docx", [("split_at", "The work went "),
                                                    ("split_at", "A paragraph before ")], tmp_path)
    plan = apply(root, reviewed)
    assert not plan.findings
    text = intro(root)
    assert "The work went\n\nin steps.\n" in text
    assert "A paragraph before\n\na link.\n" in text
    assert {(o.status, o.author) for o in plan.outcomes} == {("applied", "Ana Rossi")} and len(plan.outcomes) == 2
    assert pipeline.check(root).project is not None


def test_a_join_with_what_follows_the_section_is_reported_not_lost(project: tuple[Path, Path],
                                                                   tmp_path: Path) -> None:
    """The last paragraph's mark deleted joins it to the next section's title: nothing in this section's file can
    say that. The change was dropped without a word (no finding, exit 0); it is reported as skipped, at its line."""
    root, built = project
    before = intro(root)
    for name, reviewed in (("word", tmp_path / "r.docx"), ("libreoffice", tmp_path / "lo.docx")):
        if name == "word":
            word_join(built, reviewed, "says so.")
        else:
            review(built, reviewed, [("join_after", "says so.")], tmp_path)
        plan = apply(root, reviewed)
        assert intro(root) == before
        assert [(path, f.kind, f.line, f.author) for path, f in plan.findings] == [
            ("sections/01-intro.md", "skipped", 18, "Ana Rossi")], name
        assert "join" in plan.findings[0][1].message


def test_comments_lists_joins_and_splits(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A paragraph mark inserted or deleted is a tracked change: `comments` said “0 tracked changes” for a review
    that split one paragraph and joined two others. It is shown as ¶, and with the text of a paragraph deleted
    or inserted whole it makes one change."""
    root, built = project
    reviewed = review(built, tmp_path / "lo.docx", [("split_at", "The work went "), ("join_after", "they observe."),
                                                    ("insert_after", "says so.", " More.")], tmp_path)
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert result.exit_code == 0, result.output
    changes = [(c["kind"], c["line"], c["text"]) for c in json.loads(result.stdout)]
    assert changes == [("insertion", 11, "\u00b6"), ("deletion", 13, "\u00b6"), ("insertion", 18, " More.")]
    step = tmp_path / "step.docx"
    word_join(built, step, "A paragraph before a link.")
    whole = tmp_path / "whole.docx"
    edit_part(step, whole, _delete_runs("A paragraph before a link."))
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(whole), "--format", "json"])
    assert [(c["kind"], c["line"], c["text"]) for c in json.loads(result.stdout)] == [
        ("deletion", 16, "A paragraph before a link.\u00b6")]


def _delete_runs(text: str) -> Callable[[etree._Element], None]:
    """Every run of the paragraph holding `text` deleted, as Word records a paragraph deleted whole."""
    def change(root: etree._Element) -> None:
        para = next(p for p in root.iter(q("w:p")) if text in "".join(p.itertext()))
        for run in para.findall(q("w:r")):
            wrapper = etree.Element(q("w:del"), {q("w:id"): "9002", q("w:author"): "Ana Rossi", q("w:date"): DATE})
            run.addprevious(wrapper)
            wrapper.append(run)
            for t in run.iter(q("w:t")):
                t.tag = q("w:delText")
    return change


def test_a_split_another_reviewer_joined_again(project: tuple[Path, Path], tmp_path: Path) -> None:
    """Ana Rossi's new paragraph mark, deleted by Jean Martin (a w:del next to the w:ins in the mark's run
    properties): the paragraph stays whole, unless only Ana Rossi's changes are taken."""
    root, built = project
    step = tmp_path / "step.docx"
    word_split(built, step, "The work went ")
    reviewed = tmp_path / "r.docx"

    def rejoin(root: etree._Element) -> None:
        mark = next(m for m in root.iter(q("w:ins")) if m.getparent().tag == q("w:rPr"))
        mark.addnext(etree.Element(q("w:del"), {q("w:id"): "9003", q("w:author"): "Jean Martin",
                                                q("w:date"): DATE}))
    edit_part(step, reviewed, rejoin)
    before = intro(root)
    plan = apply(root, reviewed)
    assert intro(root) == before and plan.findings == [] and plan.outcomes == []
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root),
                          writeback.Options(only=["Ana Rossi"]))
    assert "The work went\n\nin steps.\n" in plan.files[0].after
    assert [(o.status, o.author) for o in plan.outcomes] == [("applied", "Ana Rossi")]


def test_a_paragraph_break_typed_in_a_table_cell_is_said_to_need_a_hand(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """A pipe table's cell is one line: Enter typed in a cell cannot be written. Its two halves were taken for
    two untracked removals (“… removed”, twice); the break is reported as a change the table cannot hold."""
    body = "Some text.\n\n| City | Members |\n|---|---|\n| Rome and Lazio | 5 |\n"
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx").output
    assert built is not None
    reviewed = review(built, tmp_path / "lo.docx", [("split_at", "Rome and"), ("replace", "Some", "Any")], tmp_path)
    plan = apply(root, reviewed)
    assert [(f.kind, f.line) for _, f in plan.findings] == [("skipped", 13)]
    assert "table" in plan.findings[0][1].message
    assert "| Rome and Lazio | 5 |" in intro(root) and "Any text." in intro(root)


def test_a_footnote_split_in_two_paragraphs_stays_a_footnote(make_project: MakeProject, tmp_path: Path) -> None:
    """The second paragraph of a footnote is indented in the Markdown: without it, the half after a break typed
    in a footnote left the footnote and became a paragraph of the body."""
    body = "A claim[^1].\n\n[^1]: The Pact of Amsterdam. It was agreed in 2016.\n"
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx").output
    assert built is not None
    reviewed = review(built, tmp_path / "lo.docx", [("split_at", "The Pact of Amsterdam. ")], tmp_path)
    plan = apply(root, reviewed)
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"]
    assert intro(root).endswith("[^1]: The Pact of Amsterdam.\n\n    It was agreed in 2016.\n")
    rebuilt = pipeline.assemble(root, tmp_path / "rebuilt.docx").output
    assert rebuilt is not None
    with zipfile.ZipFile(rebuilt) as z:
        notes = z.read("word/footnotes.xml").decode("utf-8")
        document = z.read("word/document.xml").decode("utf-8")
    assert "It was agreed in 2016." in notes and "It was agreed in 2016." not in document


def test_a_split_inside_bold_or_a_link_closes_and_reopens_the_markup(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    """Enter typed inside bold text or a link's text: each half keeps the formatting. The break went between
    the delimiters (`**Cities of` and `Equality Partnership**`), which leaves both halves with stray `**`."""
    body = ("The **Cities of Equality Partnership** met.\n\n"
            "Read the [Urban Agenda web site](https://example.org/ua) now.\n")
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx").output
    assert built is not None
    want = ("The **Cities of**\n\n**Equality Partnership** met.\n\n"
            "Read the [Urban Agenda web](https://example.org/ua)\n\n[site](https://example.org/ua) now.\n")
    step = tmp_path / "step.docx"
    word_split(built, step, "Cities of ")
    word = tmp_path / "word.docx"
    word_split(step, word, "Agenda web ")
    lo = review(built, tmp_path / "lo.docx", [("split_at", "Cities of "), ("split_at", "Agenda web ")], tmp_path)
    before = intro(root)
    for reviewed in (word, lo):
        (root / "sections" / "01-intro.md").write_text(before)
        plan = apply(root, reviewed)
        assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied", "applied"], reviewed.name
        assert intro(root).endswith(want), reviewed.name
        assert pipeline.check(root).project is not None


@pytest.mark.parametrize("tool", ["Word", "LibreOffice"])
def test_a_paragraph_joined_with_a_numbered_lists_first_item_leaves_the_rest_a_list(
        project: tuple[Path, Path], tmp_path: Path, tool: str) -> None:
    # a numbered list that starts at 2 cannot interrupt a paragraph: the rest of the list became its text.
    # LibreOffice takes the item out of its list as it joins them; Word keeps the item's mark, and with it the item
    root, built = project
    reviewed = tmp_path / "joined.docx"
    if tool == "Word":
        word_join(built, reviewed, "went in steps.")
    else:
        review(built, reviewed, [("join_after", "went in steps.")], tmp_path)
    apply(root, reviewed)
    page = body_html(root)
    joined = "The work went in steps.<strong>Brainstorming.</strong> Members described the inequalities they observe."
    rest = "<li><strong>Online survey.</strong> The coordinators circulated a survey.</li></ol>"
    if tool == "Word":
        assert f'<ol type="1"><li>{joined}</li>{rest}' in page
    else:
        assert f'<p>{joined}</p><ol type="1">{rest}' in page
    assert lists(page) == lists(docx_intro_html(reviewed))


@pytest.mark.parametrize("tool", ["Word", "LibreOffice"])
def test_a_paragraph_joined_with_a_list_that_starts_at_three_leaves_the_rest_a_list(
        make_project: MakeProject, tmp_path: Path, tool: str) -> None:
    # only a list that starts at 1 may interrupt a paragraph: the rest of this one needs a blank line before it
    body = "The work went in steps.\n\n3. Brainstorming.\n4. Online survey.\n5. Meetings.\n\nAfter the list.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = tmp_path / "joined.docx"
    if tool == "Word":
        word_join(built, reviewed, "went in steps.")
    else:
        review(built, reviewed, [("join_after", "went in steps.")], tmp_path)
    plan = apply(root, reviewed)
    assert plan.findings == []
    page = body_html(root)
    if tool == "Word":  # the item's mark stays: the joined text is the item, its number kept
        assert page == ("<ol start=\"3\" type=\"1\"><li>The work went in steps.Brainstorming.</li><li>Online "
                        "survey.</li><li>Meetings.</li></ol><p>After the list.</p>")
    else:
        assert page == ("<p>The work went in steps.Brainstorming.</p><ol start=\"3\" type=\"1\"><li>Online "
                        "survey.</li><li>Meetings.</li></ol><p>After the list.</p>")
    assert lists(page) == lists(docx_intro_html(reviewed))


def test_a_paragraph_joined_with_the_list_item_after_it_in_word_markup_is_the_item(make_project: MakeProject,
                                                                                   tmp_path: Path) -> None:
    """Word's record of a join (the paragraph's mark deleted) keeps the list item's mark, and Word and pandoc show
    the joined text as the item; the source read `says[^1].first item;` as a paragraph, the bullet gone and, in a
    numbered list, the next item renumbered to take its place. The item keeps its marker and number."""
    body = ("The paper says[^1].\n\n- first item;\n- second item.\n\nNumbered:\n\n3. one.\n4. two.\n\nEnd.\n\n"
            "[^1]: A note.\n")
    root, built = assembled_intro(make_project, tmp_path, body)
    step, reviewed = tmp_path / "step.docx", tmp_path / "joined.docx"
    word_join(built, step, "The paper says")
    word_join(step, reviewed, "Numbered:")
    plan = apply(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    assert "\n- The paper says[^1].first item;\n- second item.\n\n3. Numbered:one.\n4. two.\n\nEnd.\n" in intro(root)
    page = body_html(root, "commonmark+footnotes")
    assert lists(page) == [["Thepapersays1.firstitem;", "seconditem."], ["Numbered:one.", "two."]]
    assert lists(page) == lists(docx_intro_html(reviewed)) and '<ol start="3"' in page


SENTENCES = """\
The work went in steps. Members met online.

- Members described inequalities. They named obstacles.

> Our services are organised by group. Nobody feels responsible.

A claim[^1].

[^1]: The Pact of Amsterdam. It was agreed in 2016.
"""


@pytest.mark.parametrize("tool", ["Word", "LibreOffice"])
def test_a_split_after_a_sentence_starts_the_new_paragraph_without_a_space(make_project: MakeProject,
                                                                           tmp_path: Path, tool: str) -> None:
    """Enter typed after a sentence's full stop: the space before the next sentence began the new paragraph
    (`\\n\\n Members met online.`, `>  Nobody`), an untidy line in the member's diff that Markdown does not show."""
    root, built = assembled_intro(make_project, tmp_path, SENTENCES)
    cuts = ("went in steps.", "described inequalities.", "organised by group.", "The Pact of Amsterdam.")
    reviewed = tmp_path / "reviewed.docx"
    if tool == "Word":
        step = built
        for k, cut in enumerate(cuts):
            word_split(step, tmp_path / f"step{k}.docx", cut, "word/footnotes.xml" if "Pact" in cut else
                       "word/document.xml")
            step = tmp_path / f"step{k}.docx"
        reviewed = step
    else:
        review(built, reviewed, [("split_at", cut) for cut in cuts]
               + [("paragraph_after", "Members met online.", "  Typed after two spaces.")], tmp_path)
    typed = "Typed after two spaces.\n\n" if tool == "LibreOffice" else ""
    plan = apply(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}
    assert intro(root).split("---\n", 2)[2] == (
        f"\nThe work went in steps.\n\nMembers met online.\n\n{typed}"
        "- Members described inequalities.\n- They named obstacles.\n\n"
        "> Our services are organised by group.\n>\n> Nobody feels responsible.\n\n"
        "A claim[^1].\n\n[^1]: The Pact of Amsterdam.\n\n    It was agreed in 2016.\n")


KINDS = """\
The first paragraph ends here.

The second paragraph follows.

The steps were these:

1. Brainstorming in the meetings.
2. A survey of members.

Table: Online meetings in spring {#tbl-meetings}

| Period | Format |
|---|---|
| January | Online kick-off |

Next:

1. Start of implementation.

The timeline may be adjusted.

A claim[^a] and another[^b].

[^a]: The first note.
[^b]: The second note. It has two sentences.
"""


def test_comments_and_apply_name_the_same_line_for_each_change(make_project: MakeProject, tmp_path: Path) -> None:
    """A deleted paragraph mark (a join) was listed by `comments` at the paragraph it ends and reported by `apply`
    at the next one: two lines for one change; so was a change inside a footnote, at its reference and at its
    definition. A new list item and words typed at the start of the next paragraph, one insertion in LibreOffice,
    were listed as one change at the item and applied as two, the words at their paragraph. Each kind of change is
    at one line in both."""
    root, built = assembled_intro(make_project, tmp_path, KINDS)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("join_after", "ends here."), ("join_after", "were these:"), ("split_at", "A survey "),
        ("replace", "kick-off", "launch"), ("replace", "in spring", "in winter"), ("replace", "two sentences",
                                                                                   "two parts"),
        ("paragraph_after", "Start of implementation.", "Evaluation of the first actions."),
        ("insert_before", "The timeline may be adjusted", "As agreed, ")], tmp_path)
    listed = cli("--project", str(root), "comments", str(reviewed), "--format", "json")
    applied = cli("--project", str(root), "apply", str(reviewed), "--dry-run", "--format", "json")
    assert listed.exit_code == 0 and applied.exit_code == 0, (listed.output, applied.output)
    lines = {(c["path"], c["line"]) for c in json.loads(listed.stdout)}
    reported = {(c["path"], c["line"]) for c in json.loads(applied.stdout)["changes"]
                if not c["summary"].startswith("renumbered")}
    assert lines == reported
    source = section_text("intro", KINDS, title="Introduction").split("\n")
    first, note, item, timeline = (1 + source.index(line) for line in (
        "The first paragraph ends here.", "[^b]: The second note. It has two sentences.",
        "1. Start of implementation.", "The timeline may be adjusted."))
    assert {("sections/01-intro.md", line) for line in (first, note, item, timeline)} <= reported
    assert ("sections/01-intro.md", first + 2) not in reported


def test_a_new_paragraph_and_words_typed_at_the_start_of_the_next_block_in_libreoffice(
        make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice saves a new paragraph and words typed at the start of the next block as one insertion, the mark
    between them inserted too: rejected, the two blocks of the build were one. The boundary was reported as an
    untracked edit (“¶ removed”) and an empty list item was written before the new one."""
    body = "1. First step.\n2. Last step.\n\nAfter the list.\n\nA paragraph.\n\nThe next paragraph.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("paragraph_after", "Last step.", "A new step."), ("insert_before", "After the list.", "Then, "),
        ("paragraph_after", "A paragraph.", "A new paragraph."), ("insert_before", "The next paragraph.", "So, ")],
        tmp_path)
    plan = apply(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}
    page = body_html(root)
    assert page == ("<ol type=\"1\"><li>First step.</li><li>Last step.</li><li>A new step.</li></ol>"
                    "<p>Then, After the list.</p><p>A paragraph.</p><p>A new paragraph.</p>"
                    "<p>So, The next paragraph.</p>")


def test_a_paragraph_joined_with_the_first_items_of_a_list_in_turn(make_project: MakeProject, tmp_path: Path) -> None:
    """A paragraph joined with the first item and that with the second: the next item was to take the first's
    number, an edit of the second item's joined marker, and was reported as skipped (exit 1, also when no item
    was left to number); the third item kept its `3.`, which cannot interrupt a paragraph, and became its text."""
    body = ("The steps were these:\n\n1. Brainstorming.\n2. A survey.\n3. Synthesis.\n\nThen:\n\n1. Alpha.\n"
            "2. Beta.\n\nAfter the lists.\n")
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [("join_after", "were these:"), ("join_after", "Brainstorming."),
                                                    ("join_after", "Then:"), ("join_after", "Alpha.")], tmp_path)
    plan = apply(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}
    page = body_html(root)
    assert page == ("<p>The steps were these:Brainstorming.A survey.</p><ol type=\"1\"><li>Synthesis.</li></ol>"
                    "<p>Then:Alpha.Beta.</p><p>After the lists.</p>")


QUOTED = """\
During the brainstorming, one member said:

> Nobody feels responsible for them.

For cities, this has consequences.

Another member said:

> The offices work apart.

The end.
"""


def test_a_paragraph_typed_at_the_end_of_a_quote_in_libreoffice_stays_in_the_quote(
        make_project: MakeProject, tmp_path: Path) -> None:
    """Enter at the end of a quote's last paragraph gives the new paragraph Normal (the Quote style's next style)
    and keeps the quote's indent: pandoc and a reader see it in the quote, and `apply` wrote a paragraph after it.
    A paragraph typed there and then set flush left stays a paragraph after the quote."""
    root, built = assembled_intro(make_project, tmp_path, QUOTED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("paragraph_after", "responsible for them.", "A second quoted paragraph."),
        ("paragraph_after", "The offices work apart.", "Not in the quote."), ("outdent", "Not in the quote.")],
        tmp_path)
    read = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "html", "--wrap=none", str(reviewed),
                           "--track-changes=accept"], capture_output=True, text=True, check=True).stdout
    assert "<p>A second quoted paragraph.</p>\n</blockquote>" in read
    assert "</blockquote>\n<p>Not in the quote.</p>" in read
    plan = apply(root, reviewed)
    assert {o.status for o in plan.outcomes} == {"applied"}
    assert body_html(root) == (
        "<p>During the brainstorming, one member said:</p><blockquote><p>Nobody feels responsible for them.</p>"
        "<p>A second quoted paragraph.</p></blockquote><p>For cities, this has consequences.</p>"
        "<p>Another member said:</p><blockquote><p>The offices work apart.</p></blockquote>"
        "<p>Not in the quote.</p><p>The end.</p>")


class _Items(HTMLParser):
    """Each list item of an HTML page as (depth, its own characters without white space), in order; items with no
    characters of their own left out (pandoc keeps an empty item where a paragraph mark was deleted)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.open: list[int] = []  # the items open, innermost last: their places in found
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ul", "ol"):
            self.depth += 1
        elif tag == "li":
            self.open.append(len(self.found))
            self.found.append((self.depth, ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.depth -= 1
        elif tag == "li" and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.open:
            depth, text = self.found[self.open[-1]]
            self.found[self.open[-1]] = (depth, text + re.sub(r"\s", "", data))


def items(page: str) -> list[tuple[int, str]]:
    parser = _Items()
    parser.feed(page)
    return [item for item in parser.found if item[1]]


ITEM_LEVELS = """\
Second paragraphs:

- first item

  more of it.
- second item

Nested:

- outer item
  - nested item
- next outer item

Into a sublist:

1. one
2. two
   1. sub one
3. three

End.
"""


@pytest.mark.parametrize("tool", ["Word", "LibreOffice"])
def test_a_block_joined_with_a_list_item_at_another_level_reads_as_the_reviewed_file_shows_it(
        make_project: MakeProject, tmp_path: Path, tool: str) -> None:
    """A paragraph mark deleted between a list item and a block at another indent (an earlier item's second
    paragraph, a nested item, or an item followed by its sublist): in Word's markup the mark that stays is the
    second block's, and Word and pandoc show the joined text as that item at its level; the source glued the text
    into the first block (`  more of it.second item`, still a paragraph of the first item). LibreOffice gives the
    second block the first one's properties, and the text stays where the first block was."""
    root, built = assembled_intro(make_project, tmp_path, ITEM_LEVELS)
    cuts = ("more of it.", "nested item", "two")
    reviewed = tmp_path / "joined.docx"
    if tool == "Word":
        step = built
        for k, cut in enumerate(cuts):
            word_join(step, tmp_path / f"step{k}.docx", cut)
            step = tmp_path / f"step{k}.docx"
        reviewed = step
    else:
        review(built, reviewed, [("join_after", cut) for cut in cuts], tmp_path)
    plan = apply(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    body = intro(root).split("---\n", 2)[2]
    if tool == "Word":
        assert "- first item\n\n- more of it.second item\n" in body
        assert "- outer item\n- nested itemnext outer item\n" in body
        assert "1. one\n   1. twosub one\n2. three\n" in body
    else:
        assert "- first item\n\n  more of it.second item\n" in body
        assert "- outer item\n  - nested itemnext outer item\n" in body
        assert "1. one\n2. twosub one\n3. three\n" in body
    assert items(body_html(root)) == items(docx_intro_html(reviewed))


def test_a_join_to_a_sublist_of_a_lists_first_item_is_reported_and_left_out(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    """A list's first item joined in Word to its sublist is shown as a nested item with no item above it, which
    Markdown cannot write: the join is reported at the item's line, and the file is left as it was."""
    body = "The steps:\n\n- first item\n  - nested item\n\nEnd.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = tmp_path / "joined.docx"
    word_join(built, reviewed, "first item")
    before = intro(root)
    result = cli("--project", str(root), "apply", str(reviewed))
    assert result.exit_code == 1 and intro(root) == before
    line = 1 + section_text("intro", body, title="Introduction").split("\n").index("- first item")
    assert f"sections/01-intro.md:{line}: skipped: the paragraph mark deleted here joins this block to the list " \
           "item “nested item”" in result.stderr


def test_words_typed_at_the_end_of_a_block_and_the_start_of_the_next_in_libreoffice(make_project: MakeProject,
                                                                                     tmp_path: Path) -> None:
    """LibreOffice makes one insertion of words typed at the end of a block and at the start of the next (one
    author, one time), and saves the mark between them as inserted: rejected, the two blocks of the build were one.
    The new words and a paragraph break went inside the first block's bold (`**Second half: preparing work\\n   1.
    The **`), an item of nothing but `The` was made and the break was reported as an untracked edit."""
    body = ("1. **First half: planning**\n   1. Meetings every month.\n2. **Second half: preparation of work**\n"
            "   1. Sub-groups analyse bottlenecks.\n\nThe first paragraph ends here.\n\nSecond paragraph.\n")
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("replace", "preparation of work", "preparing work"), ("insert_before", "Sub-groups analyse", "The "),
        ("replace", "ends here.", "ends now."), ("insert_before", "Second paragraph.", "A ")], tmp_path)
    plan = apply(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    assert intro(root).split("---\n", 2)[2] == (
        "\n1. **First half: planning**\n   1. Meetings every month.\n2. **Second half: preparing work**\n"
        "   1. The Sub-groups analyse bottlenecks.\n\nThe first paragraph ends now.\n\nA Second paragraph.\n")
    listed = cli("--project", str(root), "comments", str(reviewed), "--format", "json")
    assert "¶" not in listed.stdout


def test_a_deletion_over_the_next_section_s_title_is_reported_at_the_text_it_reaches(
        project: tuple[Path, Path], tmp_path: Path) -> None:
    """A deletion from the end of one section over the next one's title and byline into its first words: the next
    section's part was skipped as “a change outside the section's own text (a byline, ...)” at line 1, though the
    words it deletes are the section's own, on a line of their own. It is reported at that line, naming the text."""
    from reviewkit import Reviewer

    root, built = project
    before = (root / "sections/02-housing.md").read_text(encoding="utf-8")

    def delete(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        paras = list(document.iter(q("w:p")))
        title = next(i for i, p in enumerate(paras) if "".join(p.itertext()) == "Housing")
        _mark(paras[title - 1], "del")  # the intro's last paragraph joined to what follows
        for para in paras[title : title + 2]:  # the title and the byline, deleted whole
            reviewer.delete_paragraph(para, "Ana Rossi")
        heading = paras[title + 2]
        assert "".join(heading.itertext()) == "Homes for all"
        run = next(heading.iter(q("w:r")))
        reviewer._delete(run, "Ana Rossi")

    reviewed = edit_part(built, tmp_path / "reviewed.docx", delete)
    plan = apply(root, reviewed)
    assert (root / "sections/02-housing.md").read_text(encoding="utf-8") == before
    found = [(f.kind, f.line, f.message) for path, f in plan.findings if path == "sections/02-housing.md"]
    line = before.split("\n").index("## Homes for all") + 1
    assert [(kind, at) for kind, at, _ in found] == [("skipped", line)], found
    assert "“Homes for all”" in found[0][2] and "title" in found[0][2], found
