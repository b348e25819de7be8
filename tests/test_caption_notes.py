"""Footnotes in a table and in its `Table:` caption written after the table, which the paper shows above it: every
reference shows its own note in LibreOffice (read back through its HTML export), and a reviewer's edits of those
notes, in Word's markup or saved by LibreOffice, go into the right definitions; importing the paper keeps the
caption's note."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from coe_paper import pipeline
from coe_paper.importer import Options, import_draft
from coe_paper.review import read_review
from conftest import MakeProject, assembled_intro, require_client, section_text, tiny_png
from drafts import markdown_words
from libreoffice_review import review
from reviewkit import Reviewer, apply_review, edit_part, q, rewrite_part, tracked

BODY = """\
## Budgets

Opening paragraph with a note.[^a]

| City | Budget |
|---|---|
| Rome | 10[^cell] |
| Lyon | 20[^lyon] |

Table: Budget by city[^cap]

Closing paragraph citing the first again[^a] and another note.[^b]

[^a]: Note on the opening.
[^cell]: Note in the cell.
[^lyon]: Note on Lyon.
[^cap]: Note on the caption.
[^b]: Note on the closing.
"""


@pytest.fixture
def built(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    return assembled_intro(make_project, tmp_path, BODY)


def _libreoffice_notes(docx: Path, tmp_path: Path) -> list[tuple[str, str]]:
    """The note LibreOffice shows at each reference, after the word the reference follows, in reading order."""
    subprocess.run([require_client("soffice"), "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "html", "--outdir", str(tmp_path / "html"), str(docx)], check=True,
                   capture_output=True, timeout=180)
    page = (tmp_path / "html" / docx.with_suffix(".html").name).read_text(encoding="utf-8", errors="replace")
    notes = {n: " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
             for n, text in re.findall(r'<div id="sdfootnote(\d+)">.*?</a>(.*?)</div>', page, re.S)}
    return [(before, notes[number])
            for before, number in re.findall(r'([^>\s]+)<a class="sdfootnoteanc" name="sdfootnote(\d+)anc"', page)]


def test_each_reference_shows_its_own_note_in_libreoffice(built: tuple[Path, Path], tmp_path: Path) -> None:
    assert _libreoffice_notes(built[1], tmp_path) == [
        ("note.", "Note on the opening."), ("city", "Note on the caption."), ("10", "Note in the cell."),
        ("20", "Note on Lyon."), ("again", "Note on the opening."), ("note.", "Note on the closing.")]


EDITED = {"[^cell]: Note in the first cell.", "[^lyon]: Note on Lyon city.", "[^cap]: Note on the table's caption.",
          "[^b]: Note on the last paragraph."}


def _intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text(encoding="utf-8")


def _notes(root: Path) -> set[str]:
    return {line for line in _intro(root).splitlines() if line.startswith("[^")}


def test_word_edits_of_the_notes_go_to_their_definitions(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, docx = built
    reviewed = tmp_path / "reviewed.docx"
    tracked(docx, reviewed, [("Note in the ", "cell", "first cell", "Ana Rossi"),
                             ("Note on ", "Lyon", "Lyon city", "Ana Rossi"),
                             ("Note on the ", "caption", "table's caption", "Ana Rossi"),
                             ("Note on the ", "closing", "last paragraph", "Ana Rossi")], part="word/footnotes.xml")
    apply_review(root, reviewed)
    assert _notes(root) == EDITED | {"[^a]: Note on the opening."}


def test_libreoffice_edits_of_the_notes_go_to_their_definitions(built: tuple[Path, Path], tmp_path: Path) -> None:
    root, docx = built
    reviewed = review(docx, tmp_path / "reviewed.docx", [
        ("replace", "Note in the cell", "Note in the first cell"), ("replace", "Note on Lyon", "Note on Lyon city"),
        ("replace", "Note on the caption", "Note on the table's caption"),
        ("replace", "Note on the closing", "Note on the last paragraph")], tmp_path)
    apply_review(root, reviewed)
    assert _notes(root) == EDITED | {"[^a]: Note on the opening."}


def test_import_of_the_assembled_paper_keeps_the_captions_note(built: tuple[Path, Path]) -> None:
    docx = built[1]
    imported = import_draft(docx, Options("intro"))
    assert "Table: Budget by city[^2]\n\n| City | Budget |" in imported.body
    assert "[^2]: Note on the caption." in imported.body
    assert "\ufffc" not in imported.body
    assert markdown_words("", imported.body) == markdown_words("", BODY)  # the note cited twice is one again


def test_a_reviewers_change_to_a_table_captions_words_goes_to_its_table_line(built: tuple[Path, Path],
                                                                            tmp_path: Path) -> None:
    root, docx = built
    reviewed = review(docx, tmp_path / "reviewed.docx", [("replace", "Budget by city", "Budget per city")], tmp_path)
    apply_review(root, reviewed)
    assert "| Lyon | 20[^lyon] |\n\nTable: Budget per city[^cap]\n" in _intro(root)


def test_a_caption_before_its_table_keeps_its_id_and_markup(make_project: MakeProject, tmp_path: Path) -> None:
    body = "Table: Members by *country* {#tbl-members}\n\n| Country | Members |\n|---|---|\n| Italy | 5 |\n"
    root, docx = assembled_intro(make_project, tmp_path, body)
    words = review(docx, tmp_path / "words.docx", [("replace", "Members by", "Members by city and")], tmp_path)
    apply_review(root, words)
    assert "Table: Members by city and *country* {#tbl-members}\n\n| Country | Members |" in _intro(root)


def test_a_change_to_a_figures_caption_goes_to_its_images_title(make_project: MakeProject, tmp_path: Path) -> None:
    body = ('Intro text.\n\n![A chart](../paper/images/chart.png "Survey priorities {#fig-survey}")\n\n'
            "See [Figure 1](#fig-survey).\n")
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    new = 'Members\' "top" priorities (2024) & more'
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "Survey priorities", new)], tmp_path)
    plan = apply_review(root, reviewed)
    assert not plan.findings and [o.status for o in plan.outcomes] == ["applied"]
    assert ('![A chart](../paper/images/chart.png "Members\' \\"top\\" priorities (2024) & more {#fig-survey}")'
            in _intro(root))
    rebuilt = pipeline.assemble(root, tmp_path / "again.docx")
    assert rebuilt.output is not None, rebuilt.diagnostics
    text = subprocess.run([require_client("pandoc"), "-t", "plain", "--wrap=none", str(rebuilt.output)],
                          capture_output=True, text=True, check=True).stdout
    assert f"Figure 1: {new}" in text and "See Figure 1." in text  # the caption, and the reference to its id


def test_a_change_to_a_figures_caption_leaves_the_rest_of_its_title_as_written(make_project: MakeProject,
                                                                               tmp_path: Path) -> None:
    """The caption is written again whole, and every quote and parenthesis in it was escaped, whatever the title's
    delimiter: a word replaced in "Priority themes (number of respondents)" changed `(number` to `\\(number` too,
    an edit the reviewer did not make. Only what would end the title is escaped."""
    body = ('Intro text.\n\n![A chart](../paper/images/chart.png "Themes chosen (number of respondents) {#fig-a}")'
            "\n\n![A map](../paper/images/chart.png 'Where the \"core\" cities are (and others) {#fig-b}')\n\n"
            "![A plan](../paper/images/chart.png (Plan of the \"old\" town's centre {#fig-c}))\n")
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "Themes chosen", "Themes selected"),
                                                  ("replace", "Where the", "Where our"),
                                                  ("replace", "Plan of the", "Map of the")], tmp_path)
    plan = apply_review(root, reviewed)
    assert not plan.findings and [o.status for o in plan.outcomes] == ["applied"] * 3
    changed = body.replace("Themes chosen", "Themes selected").replace("Where the", "Where our").replace(
        "Plan of the", "Map of the")
    assert _intro(root) == section_text("intro", changed, title="Introduction")


def test_a_figure_caption_that_cannot_be_followed_is_said_to_need_a_hand(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    body = ('Intro text.\n\n![A chart](../paper/images/chart.png "Survey priorities")\n\n'
            '![A map](../paper/images/chart.png "Members &amp; partners")\n\n'
            '![A plan](../paper/images/chart.png "Plan of the city {#fig-plan}")\n')
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "Figure", "Chart"),  # the first caption's label
                                                  ("replace", "Members & partners", "Members and partners"),
                                                  ("replace", "Plan of the city", "")], tmp_path)
    before = _intro(root)
    plan = apply_review(root, reviewed)
    assert not plan.files and _intro(root) == before
    assert [(f.kind, f.line, f.message.split(" is not applied")[0]) for _, f in plan.findings] == [
        ("skipped", 11, "a change to a caption's number (the paper's own) or to its paragraph mark"),
        ("skipped", 13, "a change to a figure's caption whose image's title cannot be followed (it spans lines, or "
                        "holds escapes or entities)"),
        ("skipped", 15, "a title or caption cannot hold this change (a paragraph break, a note, a picture, or no words "
                        "left); apply it by hand")]


def test_comments_name_a_table_captions_own_line(make_project: MakeProject, tmp_path: Path) -> None:
    body = ("Opening paragraph.\n\nTable: Budget by city {#tbl-budget}\n\n| City | Budget |\n|---|---|\n"
            "| Rome | 10 |\n\nBetween the tables.\n\n| Region | Seats |\n|---|---|\n| Lazio | 3 |\n\n"
            "Table: Seats by region\n")
    root, docx = assembled_intro(make_project, tmp_path, body)
    lines = _intro(root).splitlines()
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "Budget by city", "Budget per city"),
                                                   ("replace", "Seats by region", "Seats per region")], tmp_path)
    found = read_review(reviewed)
    assert {(c.kind, c.text, lines[c.place.line - 1]) for c in found.changes if c.place.line} == {
        ("deletion", "Budget by city", "Table: Budget by city {#tbl-budget}"),
        ("insertion", "Budget per city", "Table: Budget by city {#tbl-budget}"),
        ("deletion", "Seats by region", "Table: Seats by region"),
        ("insertion", "Seats per region", "Table: Seats by region")}
    assert len(found.changes) == 4
    apply_review(root, reviewed)  # the caption's bookmark leaves apply as it was: each change on its `Table:` line
    assert "Table: Budget per city {#tbl-budget}\n" in _intro(root) and "Table: Seats per region\n" in _intro(root)


def test_untracked_apply_leaves_a_table_caption_alone(make_project: MakeProject, tmp_path: Path) -> None:
    body = "Opening paragraph.\n\nTable: Budget by city {#tbl-budget}\n\n| City | Budget |\n|---|---|\n| Rome | 10 |\n"
    root, docx = assembled_intro(make_project, tmp_path, body)
    plan = apply_review(root, docx, write=False, untracked=True)
    assert not plan.files and not plan.findings


def test_an_untracked_edit_of_a_figures_caption_goes_to_its_images_title(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    body = 'Intro text.\n\n![A chart](../paper/images/chart.png "Survey priorities {#fig-survey}")\n'
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    edited = rewrite_part(docx, tmp_path / "r.docx", lambda xml: xml.replace(b": Survey priorities</w:t>",
                                                                             b': The "top" priorities</w:t>'))
    plan = apply_review(root, edited, untracked=True)
    assert [(f.kind, f.line) for _, f in plan.findings] == [("untracked", 11)]
    assert '![A chart](../paper/images/chart.png "The \\"top\\" priorities {#fig-survey}")\n' in _intro(root)


def _delete_captions(root: etree._Element) -> None:
    """Every caption's text deleted, its fields' instructions too, as Word records it."""
    reviewer = Reviewer(root)
    for para in [p for p in root.iter(q("w:p")) if p.find(f"{q('w:pPr')}/{q('w:pStyle')}") is not None
                 and p.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val")) == "Caption"]:
        for run in list(para.iter(q("w:r"))):
            for node in run.iter(q("w:instrText")):
                node.tag = q("w:delInstrText")
            reviewer._delete(run, "Ana Rossi")


def test_a_deleted_caption_is_said_to_need_a_hand(make_project: MakeProject, tmp_path: Path) -> None:
    body = ('![A chart](../paper/images/chart.png "Survey priorities {#fig-survey}")\n\n'
            "Table: Budget by city\n\n| City | Budget |\n|---|---|\n| Rome | 10 |\n")
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    before = _intro(root)
    plan = apply_review(root, edit_part(docx, tmp_path / "r.docx", _delete_captions))
    assert not plan.files and _intro(root) == before
    assert [(f.kind, f.line, f.message.split(",")[0]) for path, f in plan.findings if "intro" in path] == [
        ("skipped", 9, "the caption “Figure 1: Survey priorities” was deleted"),
        ("skipped", 11, "the caption “Table 1: Budget by city” was deleted")]


def test_words_typed_as_an_id_at_a_captions_end_are_not_made_its_id(make_project: MakeProject, tmp_path: Path) -> None:
    body = ('Intro text.\n\n![A chart](../paper/images/chart.png "Survey priorities")\n\n'
            "Table: Budget by city\n\n| City | Budget |\n|---|---|\n| Rome | 10 |\n")
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "Survey priorities", "Survey priorities {#fig-other}"),
                                                  ("replace", "Budget by city", "Budget {#tbl-x}")], tmp_path)
    before = _intro(root)
    plan = apply_review(root, reviewed)
    assert not plan.files and _intro(root) == before  # the words Word shows would have become ids, shown nowhere
    assert [(f.kind, f.line, f.message.split(":")[0]) for path, f in plan.findings if "intro" in path] == [
        ("skipped", 11, "a caption's words that end in “{#...}” are not applied"),
        ("skipped", 13, "a caption's words that end in “{#...}” are not applied")]


def _remove_captions(root: etree._Element, bookmarks_only: bool = False) -> None:
    """Every caption paragraph removed, as a reviewer with Track Changes off deletes it; or (`bookmarks_only`)
    only its `_Coe` bookmark, as papers were built before captions carried one."""
    for para in [p for p in root.iter(q("w:p")) if p.find(f"{q('w:pPr')}/{q('w:pStyle')}") is not None
                 and p.find(f"{q('w:pPr')}/{q('w:pStyle')}").get(q("w:val")) == "Caption"]:
        if not bookmarks_only:
            para.getparent().remove(para)
            continue
        for start in [b for b in para.iter(q("w:bookmarkStart")) if b.get(q("w:name")).startswith("_Coe")]:
            end = next(e for e in para.iter(q("w:bookmarkEnd")) if e.get(q("w:id")) == start.get(q("w:id")))
            para.remove(start)
            para.remove(end)


@pytest.mark.parametrize("old", [False, True], ids=["paper", "paper-before-caption-bookmarks"])
def test_a_caption_removed_without_track_changes_is_reported(make_project: MakeProject, tmp_path: Path,
                                                             old: bool) -> None:
    """A caption deleted with Track Changes off left no trace in the report (a table's, in a paper whose captions
    had no bookmark of their own, or a figure's, which has none): its words would be kept in the sources with
    nothing said. Each is reported at its line; a caption still there is not."""
    body = ('![A chart](../paper/images/chart.png "Survey priorities {#fig-survey}")\n\n'
            "Table: Budget by city\n\n| City | Budget |\n|---|---|\n| Rome | 10 |\n\nClosing paragraph.\n")
    root, docx = assembled_intro(make_project, tmp_path, body, {"paper/images/chart.png": tiny_png(4, 4)})
    if old:
        docx = edit_part(docx, tmp_path / "old.docx", lambda tree: _remove_captions(tree, bookmarks_only=True))
        assert not apply_review(root, docx, write=False).findings
    reviewed = edit_part(docx, tmp_path / "r.docx", _remove_captions)
    text = subprocess.run([require_client("pandoc"), "-t", "plain", "--wrap=none", str(reviewed)],
                          capture_output=True, text=True, check=True).stdout
    assert "Survey priorities" not in text and "Budget by city" not in text and "Rome" in text
    before = _intro(root)
    plan = apply_review(root, reviewed)
    assert not plan.files and _intro(root) == before
    assert [(f.kind, f.line, f.message) for path, f in plan.findings if "intro" in path] == [
        ("untracked", 9, "caption “Survey priorities” removed without Track Changes; remove its image's title by hand"),
        ("untracked", 11, "caption “Budget by city” removed without Track Changes; remove its `Table:` line by hand")]
