"""`coe-paper apply` of edits that meet the Markdown's inline markup, made by a reviewer in LibreOffice: what is
left of bold or italic text keeps its formatting in the paper rebuilt from the sources (read with pandoc), and
formatting the paper adds itself is not written as markup."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

from coe_paper import pipeline, wordread, writeback
from conftest import MakeProject, assembled_intro, require_client
from libreoffice_review import review
from reviewkit import Reviewer, _run_text, apply_review, edit_part, q

BODY = """\
- **Equality for all groups, with attention to intersections.** Policies should address each group.

The plan is *better regulation and funding* now.

Members want *clear rules* today.
"""


def _accepted_html(pandoc: str, docx: Path) -> str:
    return subprocess.run([pandoc, "--track-changes=accept", "-f", "docx", "-t", "html", str(docx)],
                          capture_output=True, text=True, check=True).stdout


def test_a_deletion_that_leaves_a_space_at_the_edge_of_bold_or_italic_keeps_the_formatting(
        make_project: MakeProject, tmp_path: Path) -> None:
    """A sentence deleted from inside bold text to beyond it left `**Equality for all groups, **`, and one from
    before italic text to inside it `* regulation and funding*`: a delimiter next to white space neither closes nor
    opens, so the rebuilt paper showed the asterisks. The space moves outside the delimiters."""
    pandoc = require_client("pandoc")
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = review(built, tmp_path / "lo.docx", [("delete", "with attention to intersections. Policies should"),
                                                    ("delete", "is better"), ("delete", "clear")], tmp_path)
    doc = wordread.read(reviewed)
    plan = writeback.plan(root, doc, writeback.organisations(root), writeback.Options())
    doc.docx.close()
    writeback.write(root, plan.files)
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 3
    rebuilt = pipeline.assemble(root, tmp_path / "rebuilt.docx").output
    assert rebuilt is not None
    html = _accepted_html(pandoc, rebuilt)
    assert "<strong>Equality for all groups,</strong>" in html, html
    assert "<em>regulation and funding</em>" in html and "<em>rules</em>" in html, html
    assert "*" not in html
    words = " ".join(_accepted_html(pandoc, reviewed).replace("<strong>", "").replace("</strong>", "").split())
    assert "Equality for all groups, address each group." in words and "The plan regulation and funding now." in (
        words.replace("<em>", "").replace("</em>", ""))


def test_words_typed_in_a_table_header_are_not_made_bold_in_the_markdown(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """The paper sets a header row in bold; words a reviewer types over a header cell's text are bold in Word
    because of it, and were written as `**Main aim**`: markup the header never had."""
    body = "| Period | Main purpose |\n|---|---|\n| 2024 | Set-up |\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [("replace", "Main purpose", "Main aim"),
                                                    ("replace", "Set-up", "Launch")], tmp_path)
    doc = wordread.read(reviewed)
    plan = writeback.plan(root, doc, writeback.organisations(root), writeback.Options())
    doc.docx.close()
    writeback.write(root, plan.files)
    assert [o.status for o in plan.outcomes] == ["applied"] * 2
    text = (root / "sections" / "01-intro.md").read_text()
    assert "| Period | Main aim |\n|---|---|\n| 2024 | Launch |\n" in text


WRAPPED = """\
> A quoted text
> runs on here, and on
> to a third line.

1. An item text
   runs on here.

> ```
> make all
> make docs
> ```

Some text[^n] with a note.

[^n]: The note text
    runs on here.
"""


def test_an_edit_over_a_line_break_takes_the_next_lines_prefix_with_it(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """Words replaced over a line break inside a quote, a list item or a footnote kept the next line's prefix,
    which Word does not show, and wrote it after the new words: a stray `>` in the quote's text (`run> on`),
    spaces in the item's and the note's. Words typed at the start of such a line went before its `> `. A line
    break deleted in code within a quote took the next line's last prefix character instead (`>make docs`). The
    prefix goes with the break it belongs to, and typed words go after it."""
    root, built = assembled_intro(make_project, tmp_path, WRAPPED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("replace", "quoted text runs", "quoted words run"), ("insert_before", "to a third", "then "),
        ("replace", "item text runs", "item goes"), ("replace", "note text runs", "note goes"),
        ("delete_before", "make docs")], tmp_path)
    plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root), writeback.Options())
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 5, plan
    writeback.write(root, plan.files)
    body = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert body.lstrip("\n") == WRAPPED.replace("quoted text\n> runs", "quoted words run").replace(
        "> to a third", "> then to a third").replace("item text\n   runs", "item goes").replace(
        "note text\n    runs", "note goes").replace("make all\n> make docs", "make allmake docs"), body
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx")
    assert rebuilt.output is not None
    pandoc = require_client("pandoc")
    for page in (_accepted_html(pandoc, rebuilt.output), _accepted_html(pandoc, reviewed)):  # the section, its note
        intro = page.split('id="introduction"')[1].split('id="housing"')[0] + page.split('class="footnotes')[1]
        assert " ".join(intro.split()) == (
            ">Introduction</h1> <p>Lead: Metropolitan City of Rome. Contributors: ANCT, Leipzig. Status: draft.</p> "
            "<blockquote> <blockquote> <p>A quoted words run on here, and on then to a third line.</p> </blockquote> "
            '</blockquote> <ol type="1"> <li><p>An item goes on here.</p></li> </ol> <blockquote> <pre><code>'
            'make allmake docs</code></pre> </blockquote> <p>Some text<a href="#fn1" '
            'class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a> with a note.</p> <h1 '
            'footnotes-end-of-document" role="doc-endnotes"> <hr /> <ol> <li id="fn1" role="doc-endnote"><p>The note '
            'goes on here.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li> </ol> '
            "</section>"), intro


TAGGED = """\
Table: Cities

| City | Note |
|---|---|
| Rome | First<br>second line |

CO<sub>2</sub> fell by 3 m<sup>2</sup> here.<br>And a <u>new</u> line.

The end.
"""


def test_inline_tags_the_paper_makes_formatting_of_are_read_as_word_shows_them(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """`<br>`, `<sub>`, `<sup>` and `<u>` were read as the words of their paragraph or cell, which Word does not
    show (it shows a line break, or formatting): any change there was reported with a change “made without Track
    Changes” (“<br>” became white space, “<sub>” removed), and `--untracked` took the line break and the tags
    out. They are read as Word shows them: the reviewer's changes are applied, and nothing else."""
    root, built = assembled_intro(make_project, tmp_path, TAGGED)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("replace", "First", "1st"), ("replace", "st\nsec", "st, sec"), ("replace", "fell by", "rose by"),
        ("replace", " line.", " row.")], tmp_path)
    expected = TAGGED.replace("First<br>second", "1st, second").replace("fell by", "rose by").replace(
        "</u> line.", "</u> row.")
    for untracked in (True, False):
        plan = writeback.plan(root, wordread.read(reviewed), writeback.organisations(root),
                              writeback.Options(untracked=untracked))
        assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 4, plan
        assert [f.after.split("---\n", 2)[2].lstrip("\n") for f in plan.files] == [expected]


def test_words_deleted_whole_take_their_inline_markup_with_them(make_project: MakeProject, tmp_path: Path) -> None:
    """All the words of `<u>new</u>`, `<sup>old</sup>`, `**bold words**`, a link's text or a code span deleted left
    `<u></u>`, `****`, `[](https://example.org)` and an empty code span in the source: the rebuilt paper showed the
    asterisks, an empty link and two backticks. An inline span emptied by a deletion goes with its markers."""
    pandoc = require_client("pandoc")
    body = ("The plan is <u>new</u> now and <sup>old</sup> then **bold words** here.\n\n"
            "See [the site](https://example.org) and `code` and *kept* today.\n")
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [("delete", "new"), ("delete", "old"), ("delete", "bold words"),
                                                    ("delete", "the site"), ("delete", "code")], tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 5
    text = (root / "sections" / "01-intro.md").read_text()
    assert text.endswith("The plan is  now and  then  here.\n\nSee  and  and *kept* today.\n"), text
    rebuilt = pipeline.assemble(root, tmp_path / "rebuilt.docx").output
    assert rebuilt is not None
    html = _accepted_html(pandoc, rebuilt).split('id="introduction"')[1].split('id="housing"')[0]
    assert "*" not in html and "`" not in html and "<a " not in html and "<code>" not in html, html
    words = " ".join(_accepted_html(pandoc, reviewed).split())
    assert "The plan is now and then here." in words and "See and and <em>kept</em> today." in words, words


BROKEN = """\
Choose one - or both of them.

- An item with # a hash inside.

> A quote - with a dash.

| City | Note |
|---|---|
| Rome | First row |

Ends here.
"""


def test_a_line_break_typed_is_a_line_break_in_the_source(make_project: MakeProject, tmp_path: Path) -> None:
    """A line break (Shift+Enter) was written as `\\\\` and a new line, whose backslash the escaping doubled: a
    visible backslash and no break in the rebuilt paper, and the words after it began a line of their own, where
    `- or both` became a list item and `# a hash` a heading, out of their quote or item; at a paragraph's end the
    break was a stray backslash, and in a table cell a line end that broke the table. It is `<br>`, which the
    paper shows as a line break, on the line it is typed in."""
    root, built = assembled_intro(make_project, tmp_path, BROKEN)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("break_at", "Choose one"), ("break_at", "An item with"), ("break_at", "A quote"), ("break_at", "First"),
        ("break_at", "Ends here."), ("insert_after", "of them.", "\n1. typed")], tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    body = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert body.lstrip("\n") == BROKEN.replace("one ", "one<br> ").replace("item with ", "item with<br> ").replace(
        "quote ", "quote<br> ").replace("First ", "First<br> ").replace("here.", "here.<br>").replace(
        "of them.", "of them.<br>1. typed")
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx")
    assert rebuilt.output is not None, rebuilt.diagnostics
    pandoc = require_client("pandoc")
    pages = [_accepted_html(pandoc, docx) for docx in (rebuilt.output, reviewed)]
    intro = [" ".join(page.split('id="introduction"')[1].split('id="housing"')[0].split()) for page in pages]
    # pandoc shows no line break at the end of a paragraph, in either
    assert intro[0] == intro[1] and intro[0].count("<br />") == 5 and intro[0].count("<li>") == 1, intro


def test_a_line_break_typed_or_deleted_is_reported_as_a_line_break(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """A line break typed (Shift+Enter) was applied as `<br>` but reported as `inserted “”`, and one deleted as
    `deleted “”`: the report said nothing of what changed. It names the line break."""
    root, built = assembled_intro(make_project, tmp_path, "Choose one - or both of them.\n\nFirst<br>second.\n")
    reviewed = review(built, tmp_path / "lo.docx", [("break_at", "Choose one"), ("delete_before", "second.")],
                      tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [], plan
    assert [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 9, "inserted a line break"), ("applied", 11, "deleted a line break")], plan.outcomes
    body = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert body == "\nChoose one<br> - or both of them.\n\nFirstsecond.\n", body


def test_words_replaced_from_plain_text_into_italic_text_are_italic_once(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """Words typed over plain words and all of an italic span after them, in the italic LibreOffice gives them:
    the span's delimiters stayed beside the new words' own, `*look at results***`, and the rebuilt paper showed
    asterisks. The span's delimiters go with its words."""
    body = "Cities need to look at *outcomes*, and ask whether *their* services work.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [("replace", "look at outcomes", "look at results"),
                                                    ("replace", "ask whether their", "ask if their")], tmp_path)
    pandoc = require_client("pandoc")
    shown = " ".join(_accepted_html(pandoc, reviewed).split())
    assert "to <em>look at results</em>, and <em>ask if their</em> services" in shown  # the words' last format
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and {o.status for o in plan.outcomes} == {"applied"}, plan
    body_now = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert body_now == "\nCities need to *look at results*, and *ask if their* services work.\n"


LINES = """\
The first line of a paragraph
a middle line of it
and its last line.

1. Item one
   its middle line
   and its end.
2. Item two.

> A quote
> goes on here.
"""


def test_the_words_of_a_whole_line_deleted_take_the_line_with_them(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    """A line's words deleted in Word (a line of a paragraph written over several) left the line holding its
    indent or its quote's `>`: a blank line, which split the paragraph in two, made the list loose and the quote
    two paragraphs, where Word showed one. The line goes, and pandoc reads the blocks as Word showed them."""
    root, built = assembled_intro(make_project, tmp_path, LINES)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("delete", "a middle line of it"), ("delete", "its middle line"), ("delete", "goes on here.")], tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and [(o.status, o.line) for o in plan.outcomes] == [
        ("applied", 9), ("applied", 13), ("applied", 18)], plan
    body = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2].lstrip("\n")
    assert body == LINES.replace("a middle line of it\n", "").replace("   its middle line\n", "").replace(
        "> goes on here.\n", ""), body
    page = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout.replace("\n", "")
    assert page == ("<p>The first line of a paragraph and its last line.</p><ol type=\"1\"><li>Item one and its "
                    "end.</li><li>Item two.</li></ol><blockquote><p>A quote</p></blockquote>"), page


def test_plain_words_typed_before_a_bold_lead_in_are_written_before_its_delimiters(make_project: MakeProject,
                                                                                 tmp_path: Path) -> None:
    """Words typed without bold where an item, or a paragraph, begins with bold words (Word shows them plain) were
    written inside the bold: `- **Also: Gamma** rises.`. They go before the delimiters, and words typed in bold
    there still go inside them."""
    root, built = assembled_intro(make_project, tmp_path, "- **Gamma** rises.\n- **Delta** falls.\n\n**Beta** too.\n")

    def typed(root_element: etree._Element) -> None:
        reviewer = Reviewer(root_element)
        for word, new, bold in (("Gamma", "Also: ", False), ("Delta", "Then ", True), ("Beta", "And ", False)):
            run = next(r for r in root_element.iter(q("w:r")) if _run_text(r) == word)
            ins = reviewer._mark("ins", "Ana Rossi")
            added = etree.SubElement(ins, q("w:r"))
            if bold:
                etree.SubElement(etree.SubElement(added, q("w:rPr")), q("w:b"))
            text = etree.SubElement(added, q("w:t"))
            text.text = new
            text.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.addprevious(ins)

    plan = apply_review(root, edit_part(built, tmp_path / "typed.docx", typed))
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 3, plan
    body = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert body == "\n- Also: **Gamma** rises.\n- **Then Delta** falls.\n\nAnd **Beta** too.\n"


def test_words_typed_over_two_spans_of_one_formatting_make_one_span(make_project: MakeProject, tmp_path: Path) -> None:
    """Typed over from one italic span into the next ('*just*, *green*' to 'fair, green', which LibreOffice writes in
    italics), the second span's delimiters were left after the new words (`*fair, green*** and`), and so were the
    delimiters between two bold spans typed over from the first into the second (`...National**** Agency**`): the
    rebuilt paper showed the asterisks. The new words make one span."""
    body = ("We want a *just*, *green* and *productive* Europe.\n\n"
            "**City of Rome** (Italy) and the **National Agency** met.\n")
    root, built = assembled_intro(make_project, tmp_path, body)
    steps = [("replace", "just, green", "fair, green"),
             ("replace", "Rome (Italy) and the National", "Rome and the National")]
    reviewed = review(built, tmp_path / "lo.docx", steps, tmp_path)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and [o.status for o in plan.outcomes] == ["applied"] * 2, plan
    text = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert text == ("\nWe want a *fair, green* and *productive* Europe.\n\n"
                    "**City of Rome and the National Agency** met.\n")


def test_a_table_deleted_row_by_row_leaves_no_line_of_it(make_project: MakeProject, tmp_path: Path) -> None:
    """Every row of a table deleted with changes tracked (a table deleted in Word) took each row's line and left the
    line under the header row, `|---|---|`, which the rebuilt paper then showed as text. It goes with the rows."""
    body = "Before.\n\n| City | Homes |\n|---|---:|\n| Rome | 40 |\n\nAfter.\n"
    root, built = assembled_intro(make_project, tmp_path, body)

    def deleted(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        for table in document.iter(q("w:tbl")):
            if "Rome" in "".join(table.itertext()):
                for row in table.findall(q("w:tr")):
                    reviewer.delete_row(row, "Ana Rossi")

    plan = apply_review(root, edit_part(built, tmp_path / "deleted.docx", deleted))
    assert plan.findings == [], plan.findings
    text = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert "|" not in text and "Before." in text and "After." in text, text
