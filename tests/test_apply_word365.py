"""`coe-paper apply` of a review as Word 365 writes it, built as raw WordprocessingML into a .docx that `assemble`
made: revision ids and w:rsid attributes on the paragraphs and runs it touched, a paragraph moved as w:moveFrom and
w:moveTo in named move ranges (their range ends between paragraphs, the paragraph's bookmarks moved with it), and a
heading's level changed with Track Changes on (a w:pPrChange that holds its style before)."""

from __future__ import annotations

import subprocess
from functools import partial
from pathlib import Path

from lxml import etree

from coe_paper import writeback
from conftest import MakeProject, assembled_intro, require_client
from reviewkit import DATE, W, apply_review, edit_part, q
from test_apply_lists import _changed_lines, _html

BODY = """\
## The first phase

First paragraph stays here.

Second paragraph moves down.

Third paragraph is last.
"""
AUTHOR = "Ana Rossi"


def _xml(text: str) -> etree._Element:
    return etree.fromstring(f'<w:root xmlns:w="{W}">{text}</w:root>')[0]


def _paragraph(root: etree._Element, text: str) -> etree._Element:
    return next(p for p in root.iter(q("w:p")) if "".join(p.itertext()).strip().startswith(text))


def _moved(root: etree._Element, text: str, after: str) -> None:
    """The paragraph holding `text` dragged below the one holding `after`, as Word 365 saves it: at its place a
    paragraph whose runs and mark are w:moveFrom, inside a move range whose end follows the paragraph; after
    `after`, a paragraph whose runs and mark are w:moveTo, with the paragraph's bookmarks, which Word moves with
    the text; rsids on both."""
    source, target = _paragraph(root, text), _paragraph(root, after)
    marks = [etree.tostring(m).decode() for m in source if m.tag in (q("w:bookmarkStart"), q("w:bookmarkEnd"))]
    words = "".join(t.text or "" for t in source.iter(q("w:t")))
    style = source.find(q("w:pPr"))
    kept = "".join(etree.tostring(c).decode() for c in (style if style is not None else []) if c.tag != q("w:rPr"))
    props_from = f'<w:pPr>{kept}<w:rPr><w:moveFrom w:id="901" w:author="{AUTHOR}" w:date="{DATE}"/></w:rPr></w:pPr>'
    props_to = props_from.replace("moveFrom", "moveTo").replace('w:id="901"', 'w:id="905"')
    gone = _xml(f'<w:p w:rsidR="00C41A2B" w:rsidDel="00D7E3F1" w:rsidRDefault="00C41A2B" w:rsidP="00C41A2B">'
                f'{props_from}<w:moveFromRangeStart w:id="902" w:author="{AUTHOR}" w:date="{DATE}" '
                f'w:name="move183920411"/><w:moveFrom w:id="903" w:author="{AUTHOR}" w:date="{DATE}"><w:r '
                f'w:rsidDel="00D7E3F1"><w:delText xml:space="preserve">{words}</w:delText></w:r></w:moveFrom></w:p>')
    moved = _xml(f'<w:p w:rsidR="00D7E3F1" w:rsidRDefault="00D7E3F1" w:rsidP="00D7E3F1">{props_to}'
                 f'<w:moveToRangeStart w:id="906" w:author="{AUTHOR}" w:date="{DATE}" w:name="move183920411"/>'
                 f'{"".join(marks)}<w:moveTo w:id="907" w:author="{AUTHOR}" w:date="{DATE}"><w:r w:rsidR="00D7E3F1">'
                 f'<w:t xml:space="preserve">{words}</w:t></w:r></w:moveTo></w:p>')
    source.addprevious(gone)
    gone.addnext(_xml('<w:moveFromRangeEnd w:id="902"/>'))
    source.getparent().remove(source)
    target.addnext(moved)
    moved.addnext(_xml('<w:moveToRangeEnd w:id="906"/>'))


def _relevelled(root: etree._Element, text: str, style: str) -> None:
    """The heading holding `text` given the style `style` (Heading3 for Heading2: a level down) with Track Changes
    on, as Word 365 saves it: the new w:pStyle, and a w:pPrChange that holds the properties before; rsids on it."""
    para = _paragraph(root, text)
    props = para.find(q("w:pPr"))
    assert props is not None
    before = etree.tostring(props).decode()
    props.find(q("w:pStyle")).set(q("w:val"), style)
    change = _xml(f'<w:pPrChange w:id="911" w:author="{AUTHOR}" w:date="{DATE}">{before}</w:pPrChange>')
    for found in change.iter(q("w:pPr")):
        for child in [c for c in found if c.tag == q("w:rPr")]:
            found.remove(child)
    rpr = props.find(q("w:rPr"))
    if rpr is not None:
        rpr.addprevious(change)
    else:
        props.append(change)
    para.set(q("w:rsidR"), "00E1F0A4")
    para.set(q("w:rsidRDefault"), "00C41A2B")
    para.set(q("w:rsidP"), "00E1F0A4")


def _accepted(docx: Path) -> str:
    """The section as pandoc reads the reviewed file, every change accepted."""
    shown = subprocess.run([require_client("pandoc"), "--track-changes=accept", "-f", "docx", "-t", "html",
                            "--wrap=none", str(docx)], capture_output=True, text=True, check=True).stdout
    return shown.replace("\n", "")


def test_a_paragraph_moved_in_word_365_is_moved(make_project: MakeProject, tmp_path: Path) -> None:
    """A paragraph dragged below the next one in Word 365: Word moves its bookmark with its words, to the paragraph
    at the move's end. That paragraph was read as the block of the build, and the paragraph the move leaves as a
    paragraph the sources do not hold: the move was reported as an untracked edit beside a skipped change, and
    nothing was applied. The paragraph moves, as pandoc reads the review."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = edit_part(built, tmp_path / "word365.docx", lambda tree: _moved(tree, "Second paragraph",
                                                                             "Third paragraph"))
    assert "<p>First paragraph stays here.</p><p>Third paragraph is last.</p><p>Second paragraph moves down.</p>" \
        in _accepted(reviewed)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 13, "deleted “Second paragraph moves down. ¶”"),
        ("applied", 15, "inserted “¶ Second paragraph moves down.”")], plan
    assert _changed_lines(root) == ["-Second paragraph moves down.", "-", "+", "+Second paragraph moves down."]
    assert "<p>First paragraph stays here.</p><p>Third paragraph is last.</p><p>Second paragraph moves down.</p>" \
        in _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])


def test_a_heading_given_another_level_in_word_365_is_relevelled(make_project: MakeProject,
                                                                  tmp_path: Path) -> None:
    """A heading given another heading style in Word 365 with Track Changes on (Heading 2 to Heading 3, a
    w:pPrChange) was listed as a formatting change, not applied: the paper kept the level the reviewer changed.
    Its `#`s are written for its new level, credited to the reviewer; a paragraph moved in the same review is
    moved too."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = edit_part(built, tmp_path / "word365.docx", lambda tree: (
        _moved(tree, "Second paragraph", "Third paragraph"), _relevelled(tree, "The first phase", "Heading3")))
    assert '<h3 id="the-first-phase">The first phase</h3>' in _accepted(reviewed)
    plan = apply_review(root, reviewed)
    assert plan.findings == [] and [(o.status, o.author, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", AUTHOR, 9, "heading “The first phase” moved from level 2 to level 3"),
        ("applied", AUTHOR, 13, "deleted “Second paragraph moves down. ¶”"),
        ("applied", AUTHOR, 15, "inserted “¶ Second paragraph moves down.”")], plan
    assert _changed_lines(root) == ["-## The first phase", "+### The first phase", "-Second paragraph moves down.",
                                    "-", "+", "+Second paragraph moves down."], _changed_lines(root)
    assert "<h3>The first phase</h3><p>First paragraph stays here.</p><p>Third paragraph is last.</p><p>Second " \
        "paragraph moves down.</p>" in _html((root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2])


def test_a_heading_given_the_titles_level_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A heading given Heading 1 in Word, the level of the section's title, which a section's body does not hold
    (COE402): reported at its line with its levels, the file left as it is."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = edit_part(built, tmp_path / "word365.docx", lambda tree: _relevelled(tree, "The first phase",
                                                                                  "Heading1"))
    plan = apply_review(root, reviewed)
    assert plan.files == [] and plan.outcomes == []
    assert [line for line in writeback.report_lines(plan) if "heading" in line] == [
        "sections/01-intro.md:9: formatting: heading “The first phase” moved from level 2 to level 1 in Word, which "
        "is not applied: the Markdown has no heading of that level in a section; change it by hand (by Ana Rossi)"
    ], plan


def _moved_and_edited(root: etree._Element, kept: bool) -> None:
    """The paragraph "Second paragraph moves down." dragged below the next one in Word 365, then edited inside the
    move: "now " typed and "moves " deleted, which Word keeps in the move's end as a w:del (`kept`), or drops from
    it (the reviewer's own moved words deleted)."""
    _moved(root, "Second paragraph", "Third paragraph")
    move = next(m for m in root.iter(q("w:moveTo")) if m.getparent().tag == q("w:p"))
    move.find(f"{q('w:r')}/{q('w:t')}").text = "Second paragraph "
    rest = _xml(f'<w:moveTo w:id="908" w:author="{AUTHOR}" w:date="{DATE}"><w:r w:rsidR="00D7E3F1">'
                '<w:t>down.</w:t></w:r></w:moveTo>')
    typed = _xml(f'<w:ins w:id="909" w:author="{AUTHOR}" w:date="{DATE}"><w:r w:rsidR="00E2A1B7">'
                 '<w:t xml:space="preserve">now </w:t></w:r></w:ins>')
    gone = _xml(f'<w:moveTo w:id="910" w:author="{AUTHOR}" w:date="{DATE}"><w:del w:id="911" w:author="{AUTHOR}" '
                f'w:date="{DATE}"><w:r w:rsidDel="00E2A1B7"><w:delText xml:space="preserve">moves </w:delText></w:r>'
                '</w:del></w:moveTo>')
    move.addnext(typed)
    typed.addnext(rest)
    if kept:
        typed.addnext(gone)


def test_a_paragraph_moved_and_edited_inside_the_move_is_moved_with_its_edits(make_project: MakeProject,
                                                                              tmp_path: Path) -> None:
    """A paragraph dragged below the next one in Word 365 and then edited inside the move (a word typed, a word
    deleted): its bookmark, which Word moves with its words, stayed on the paragraph at the move's end, whose text
    no longer matched the paragraph the move left. Nothing was applied: the move was reported as an untracked
    removal, beside "a paragraph the sources do not hold" and a skipped change. The paragraph moves with its edits,
    as pandoc reads the review, whether Word keeps the deleted word in the move or drops it."""
    for kept in (True, False):
        root, built = assembled_intro(make_project, tmp_path / str(kept), BODY)
        reviewed = edit_part(built, tmp_path / f"edited-{kept}.docx", partial(_moved_and_edited, kept=kept))
        assert "<p>First paragraph stays here.</p><p>Third paragraph is last.</p><p>Second paragraph now down.</p>" \
            in _accepted(reviewed)
        plan = apply_review(root, reviewed)
        assert plan.findings == [] and [(o.status, o.line, o.summary) for o in plan.outcomes] == [
            ("applied", 13, "deleted “Second paragraph moves down. ¶”"),
            ("applied", 15, "inserted “¶ Second paragraph now down.”")], plan
        assert _changed_lines(root) == ["-Second paragraph moves down.", "-", "+", "+Second paragraph now down."]
