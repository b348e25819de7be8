"""`coe-paper apply` of a review whose reviewer accepted some tracked changes and rejected others before sending
it: the .docx holds plain text that differs from the build beside the tracked changes that remain. The tracked
ones are applied, the accepted ones reported as untracked edits at their lines, and nothing else moves."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

from conftest import MakeProject, assembled_intro, require_client
from libreoffice_review import review
from reviewkit import Reviewer, apply_review, edit_part, q, tracked

BODY = """\
The first paragraph has old words in it.

The second paragraph keeps its wording.

The third paragraph ends here.
"""


def _settle(root: etree._Element, accept: str, reject: str) -> None:
    """The changes of `accept` accepted and those of `reject` rejected, as Word leaves the file after each: an
    insertion kept is unwrapped, a deletion kept has its text back; a paragraph mark's change is dropped, and a
    mark deleted for good joins its paragraph to the next."""
    for change in list(root.iter(q("w:ins"), q("w:del"))):
        author, parent = change.get(q("w:author")), change.getparent()
        if author not in (accept, reject):
            continue
        keep = (change.tag == q("w:ins")) == (author == accept)
        if parent.tag == q("w:rPr"):  # a paragraph mark
            para = parent.getparent().getparent()
            parent.remove(change)
            if not keep:
                after = para.getnext()
                para.extend(child for child in list(after) if child.tag != q("w:pPr"))
                after.getparent().remove(after)
            continue
        if keep:
            for text in change.iter(q("w:delText")):
                text.tag = q("w:t")
            for child in reversed(list(change)):
                change.addnext(child)
        parent.remove(change)


def _paragraphs(root: etree._Element) -> list[etree._Element]:
    return [p for p in root.iter(q("w:p")) if "paragraph" in "".join(p.itertext())]


def test_changes_accepted_before_sending_are_reported_and_the_tracked_ones_applied(make_project: MakeProject,
                                                                                   tmp_path: Path) -> None:
    """A paragraph whose insertion the reviewer accepted was read as a template's paragraph (a byline) and left
    out without a word; a tracked paragraph typed after a block whose text was since edited without a trace was
    skipped as overlapping it. The accepted paragraph is reported at the line it follows; the tracked changes are
    applied, the accepted and rejected ones leave the file as it was."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    words = tmp_path / "words.docx"
    tracked(built, words, [("has ", "old", "new", "Ana Rossi"), ("The first ", "paragraph", "line", "Jean Martin"),
                           ("in ", "it", "there", "Lena Schulz")])

    def paragraphs(tree: etree._Element) -> None:
        found, reviewer = _paragraphs(tree), Reviewer(tree)
        reviewer.insert_paragraph(found[0], "Ana Rossi")
        reviewer.delete_paragraph(found[1], "Ana Rossi")
        reviewer.insert_paragraph(found[2], "Lena Schulz")

    review = edit_part(words, tmp_path / "review.docx", paragraphs)
    sent = edit_part(review, tmp_path / "sent.docx", lambda tree: _settle(tree, "Ana Rossi", "Jean Martin"))
    pandoc = require_client("pandoc")
    shown = subprocess.run([pandoc, "--track-changes=reject", "-f", "docx", "-t", "plain", "--wrap=none", str(sent)],
                           capture_output=True, text=True, check=True).stdout
    added = next(line for line in shown.splitlines() if line.startswith("Data"))  # the accepted paragraph
    assert "The first paragraph has new words in it." in shown and "keeps" not in shown
    plan = apply_review(root, sent)
    assert [(o.status, o.author, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", "Lena Schulz", 9, "replaced “it” with “there”"),
        ("applied", "Lena Schulz", 13, "inserted “¶ Cities services housing funding regional housing.”")]
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [
        ("untracked", 9, "“old” became “new”"),
        ("untracked", 9, f"paragraph “{added}” is not in the sources (typed with Track Changes off, or its "
                         "insertion accepted); add it after line 9 by hand"),
        ("untracked", 11, "“The second paragraph keeps its wording. ¶” removed")]
    text = (root / "sections" / "01-intro.md").read_text().split("---\n", 2)[2]
    assert text == "\n" + BODY.replace("in it.", "in there.") + "\nCities services housing funding regional housing.\n"


def test_an_accepted_change_inside_a_word_is_reported_by_its_whole_words(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """An accepted replacement of `its` by `the` was reported letter by letter, `“i” removed; “s” became “he”`,
    which no member could find in the text, and `paragraph` made `paragraphs` as `“s” added`. The report names
    the words as they were and as they are."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    words = tmp_path / "words.docx"
    tracked(built, words, [("keeps ", "its", "the", "Ana Rossi"), ("first ", "paragraph", "paragraphs", "Ana Rossi"),
                           ("ends ", "here", "there", "Jean Martin")])
    sent = edit_part(words, tmp_path / "sent.docx", lambda tree: _settle(tree, "Ana Rossi", "Nobody"))
    plan = apply_review(root, sent)
    assert [(o.status, o.line, o.summary) for o in plan.outcomes] == [("applied", 13, "replaced “here” with “there”")]
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [
        ("untracked", 9, "“paragraph” became “paragraphs”"), ("untracked", 11, "“its” became “the”")]


def test_a_change_accepted_in_part_in_libreoffice_is_reported_as_what_was_typed(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """LibreOffice splits a tracked change that is accepted in part: the part accepted is plain text beside what
    is still tracked. The report ran it into the word of the tracked change beside it (`“documents” became
    “documentsonline”`, `“the secretariat” became “etariat”`), words no member could find. It names the words
    added or removed, and says that a tracked change is beside them."""
    body = "The members share documents with the secretariat every month.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    said = []
    for name, steps in (("typed", [("replace", "documents", "files online"), ("accept", "online")]),
                        ("cut", [("delete", "with the secretariat"), ("accept", "the secr")])):
        plan = apply_review(root, review(built, tmp_path / f"{name}.docx", steps, tmp_path), write=False)
        said += [(f.kind, f.line, f.message) for _, f in plan.findings]
    assert said == [
        ("untracked", 9, "“online” added (beside a tracked change: part of it accepted or rejected in Word, or "
         "typed with Track Changes off)"),
        ("untracked", 9, "“the secr” removed")], said
