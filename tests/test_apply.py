"""`coe-paper apply`: tracked changes go into the right place of the Markdown, the markup around them survives,
files that moved on since the build are merged three-way, and conflicts, untracked edits and reviewers are
reported and committed as the README says. Real git repositories, real .docx files from `assemble`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coe_paper import pipeline, wordread, writeback
from coe_paper.cli import app
from conftest import GIT_ENV, MakeProject, assembled_intro, git_commit, section_text
from libreoffice_review import review
from reviewkit import edit_part, rewrite_part, tracked

BODY = """\
## Why equal cities

Cities bring **housing policy** and *local services* together, as the [Urban Agenda](https://example.org/ua) says[^1].
Use `coe-paper` to build it.

- first item of the list
- second item of the list

| City | Members |
|---|---|
| Rome | 5 |
| Lyon | 3 |

[^1]: The Pact of Amsterdam, 2016.
"""
PEOPLE = """\
    people:
      - name: Ana Rossi
        email: ana.rossi@example.org
"""


@pytest.fixture
def project(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    contributors = (Path(__file__).parent / "conftest.py").read_text()
    del contributors
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction")}, git=True)
    text = (root / "contributors.yaml").read_text()
    text = text.replace("    emails: [rome@example.org]\n", "    emails: [rome@example.org]\n" + PEOPLE)
    (root / "contributors.yaml").write_text(text)
    git_commit(root, "People")
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    return root, built.output


def apply(root: Path, docx: Path, **options: object) -> writeback.Plan:
    doc = wordread.read(docx)
    plan = writeback.plan(root, doc, writeback.organisations(root), writeback.Options(**options))  # type: ignore[arg-type]
    writeback.write(root, plan.files)
    return plan


def intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text()


def test_markup_around_changes_survives(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [
        ("housing ", "policy", "strategy", "Ana Rossi"),        # inside bold
        ("local ", "", "public ", "Ana Rossi"),                  # inside italic
        ("Urban ", "Agenda", "Agenda for the EU", "Jean Martin"),  # inside a link's text
        ("", "Cities bring ", "Cities and regions bring ", "Jean Martin"),
        ("second item of the ", "list", "list, edited", "Ana Rossi"),
        ("Lyon", "", " Métropole", "Ana Rossi"),                 # a table cell
    ])
    plan = apply(root, reviewed)
    text = intro(root)
    assert ("Cities and regions bring **housing strategy** and *local public services* together, as the "
            "[Urban Agenda for the EU](https://example.org/ua) says[^1].") in text
    assert "- second item of the list, edited\n" in text
    assert "| Lyon Métropole | 3 |" in text
    assert "Use `coe-paper` to build it." in text
    assert {o.status for o in plan.outcomes} == {"applied"}
    assert len(plan.outcomes) == 6


def test_blanks_typed_before_a_paragraph_leave_it_a_paragraph(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A reviewer's four spaces before a paragraph's first word were written as they were, at the line's start,
    where Markdown reads an indented code block: the rebuilt paper showed the paragraph as code and its words were
    no longer counted. Markdown drops a paragraph's leading blanks: they are left out, the words written."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("", "Cities bring ", "    Cities now bring ", "Ana Rossi")])
    plan = apply(root, reviewed)
    assert [o.status for o in plan.outcomes] == ["applied"]
    assert "\nCities now bring **housing policy**" in intro(root)
    loaded = pipeline.load(root)
    code = [t for item in loaded.parsed for t in item.tokens if t.type == "code_block"]
    assert code == []


def test_footnote_heading_and_title_changes(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    step = tmp_path / "step.docx"
    tracked(built, step, [("Why equal ", "cities", "cities and regions", "Ana Rossi"),
                          ("", "Introduction", "Introduction: equal cities", "Ana Rossi")])
    reviewed = tmp_path / "r.docx"
    tracked(step, reviewed, [("The Pact of Amsterdam", ", 2016", " of May 2016", "Ana Rossi")],
            part="word/footnotes.xml")
    apply(root, reviewed)
    text = intro(root)
    assert "## Why equal cities and regions\n" in text
    assert "[^1]: The Pact of Amsterdam of May 2016.\n" in text
    assert 'title: "Introduction: equal cities"\n' in text  # a colon needs quotes in YAML
    assert pipeline.check(root).project is not None


def test_three_way_merge_and_conflict(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    # After the build, the section moved on: a new first paragraph, and the list's first item was rewritten.
    text = intro(root).replace("## Why equal cities\n", "## Why equal cities\n\nA new opening paragraph.\n")
    text = text.replace("- first item of the list", "- first entry, rewritten")
    (root / "sections" / "01-intro.md").write_text(text)
    git_commit(root, "Move on")
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("second item of the ", "list", "series", "Ana Rossi"),
                              ("first ", "item", "point", "Jean Martin")])
    plan = apply(root, reviewed)
    after = intro(root)
    assert "- second item of the series" in after and "A new opening paragraph." in after
    assert "- first entry, rewritten" in after and "<<<<<<<" not in after
    statuses = {(o.author, o.status) for o in plan.outcomes}
    assert ("Ana Rossi", "merged") in statuses and ("Jean Martin", "conflict") in statuses
    conflict = next(o for o in plan.outcomes if o.status == "conflict")
    assert conflict.path == "sections/01-intro.md" and conflict.line == 16  # today's line


def test_a_change_on_the_line_before_a_conflict_is_merged(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A change on the line right before one in conflict was reported in conflict too, while the file was written
    with it: the lines of a change were taken to reach into the next. It is merged, and said so."""
    root, built = project
    text = intro(root).replace("- second item of the list", "- second entry, rewritten")
    (root / "sections" / "01-intro.md").write_text(text)
    git_commit(root, "Move on")
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("first ", "item", "point", "Ana Rossi"),
                              ("second item of the ", "list", "series", "Jean Martin")])
    plan = apply(root, reviewed)
    after = intro(root)
    assert "- first point of the list" in after and "- second entry, rewritten" in after
    assert {(o.author, o.status) for o in plan.outcomes} == {("Ana Rossi", "merged"), ("Jean Martin", "conflict")}


def test_untracked_edits_reported_then_applied(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = tmp_path / "r.docx"
    # A reviewer without Track Changes: the text simply differs (no w:ins or w:del).
    rewrite_part(built, reviewed, lambda xml: xml.replace(b"first item of the list", b"first point"))
    plan = apply(root, reviewed)
    assert plan.files == []
    assert [(p, f.kind, f.line) for p, f in plan.findings] == [("sections/01-intro.md", "untracked", 14)]
    apply(root, reviewed, untracked=True)
    assert "- first point\n" in intro(root)



def test_an_untracked_change_of_white_space_says_what_changed(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A space lost or added without Track Changes (LibreOffice drops one that XML does not keep) was reported as
    `“” removed`: the white space is named."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    rewrite_part(built, reviewed, lambda xml: xml.replace(b"first item of the list", b"first itemof the list"))
    plan = apply(root, reviewed)
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [
        ("untracked", 14, "a space removed")]

def test_a_reviewer_s_name_reaches_the_terminal_as_text(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A reviewer's name is the .docx's to say: one holding a C1 control (CSI, which XML allows and a terminal
    reads as the start of an escape sequence) reached the terminal raw in apply's lines about reviewers."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Eve\x9b2J Mallory")])
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--dry-run"],
                                env={**os.environ, **GIT_ENV})
    assert "\x9b" not in result.stderr and "Eve\\x9b2J Mallory" in result.stderr, result.stderr


def test_cli_dry_run_only_and_commit_per_reviewer(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Ana Rossi"),
                              ("second item of the ", "list", "series", "Jean Martin")])
    runner = CliRunner()
    env = {**os.environ, **GIT_ENV}
    before = intro(root)
    result = runner.invoke(app, ["--project", str(root), "apply", str(reviewed), "--dry-run"], env=env)
    assert result.exit_code == 0, result.output
    assert "reviewer 'Jean Martin' maps to no organisation" in result.stderr
    assert "-Cities bring **housing policy**" in result.stdout and "+Cities bring **housing strategy**" in result.stdout
    assert intro(root) == before
    result = runner.invoke(app, ["--project", str(root), "apply", str(reviewed), "--only", "rome"], env=env)
    assert result.exit_code == 0, result.output
    assert "Jean Martin" not in result.stderr  # not selected, so not warned about
    assert "**housing strategy**" in intro(root) and "second item of the list" in intro(root)
    subprocess.run(["git", "-C", str(root), "checkout", "--", "."], check=True)
    result = runner.invoke(app, ["--project", str(root), "apply", str(reviewed), "--commit",
                                 "--author", "Jean Martin=anct"], env=env)
    assert result.exit_code == 0, result.output
    log = subprocess.run(["git", "-C", str(root), "log", "-2", "--format=%an <%ae>|%s"], capture_output=True,
                         text=True, check=True, env=env).stdout.splitlines()
    assert log[1].startswith("Ana Rossi <ana.rossi@example.org>|Apply review by Ana Rossi (Rome) from r.docx")
    assert log[0].startswith("Jean Martin <") and "(ANCT)" in log[0]
    assert "**housing strategy**" in intro(root) and "second item of the series" in intro(root)
    shares = CliRunner().invoke(app, ["--project", str(root), "contributors", "--format", "json"], env=env)
    commits = {row["id"]: row["commits"] for row in json.loads(shares.stdout)}
    assert commits["anct"] >= 1  # Jean Martin's commit is credited to ANCT through --author


def test_a_review_applied_twice_is_found_in_the_sources(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    env = {**os.environ, **GIT_ENV}
    first = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--commit"], env=env)
    assert first.exit_code == 0, first.output
    after = intro(root)
    again = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--format", "json"], env=env)
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert [c["status"] for c in report["changes"]] == ["already"] and report["files"] == []
    assert report["reviewers"]["Ana Rossi"] == {"applied": 0, "merged": 0, "conflict": 0, "skipped": 0, "already": 1}
    again = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)], env=env)
    assert "Ana Rossi: 0 applied, 0 merged, 0 in conflict, 0 skipped, 1 in the sources already" in again.stderr
    assert intro(root) == after


def test_a_review_with_a_new_list_item_applied_twice_is_found_in_the_sources(make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    """A review applied a second time changes nothing, but a new numbered item and the items it moved up were
    reported as merged again (each alone does not give today's file): every change is in the sources already."""
    root, built = assembled_intro(make_project, tmp_path, "The steps:\n\n1. Alpha.\n2. Beta.\n3. Gamma.\n")
    reviewed = review(built, tmp_path / "lo.docx", [("paragraph_after", "Alpha.", "Alpha two.")], tmp_path)
    env = {**os.environ, **GIT_ENV}
    first = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--commit"], env=env)
    assert first.exit_code == 0, first.output
    after = intro(root)
    assert "1. Alpha.\n2. Alpha two.\n3. Beta.\n4. Gamma.\n" in after, after
    again = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--format", "json"], env=env)
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert [c["status"] for c in report["changes"]] == ["already"] * 3 and report["files"] == [], report
    assert intro(root) == after


def test_cli_errors(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, _ = project
    runner = CliRunner()
    missing = runner.invoke(app, ["--project", str(root), "apply", str(tmp_path / "nope.docx")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    foreign = tmp_path / "foreign.docx"
    foreign.write_bytes(b"not a zip")
    bad = runner.invoke(app, ["--project", str(root), "apply", str(foreign)])
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    mapping = runner.invoke(app, ["--project", str(root), "apply", str(foreign), "--author", "X=nobody"])
    assert mapping.exit_code == 2 and "no organisation 'nobody'" in mapping.output


def test_a_build_with_uncommitted_changes_names_its_own_lines(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A document built from a work tree with uncommitted changes names the lines of that text: `comments` shows
    them as they are (the section map records a digest of each file's text as built), where it took them for the
    committed file's lines, moved them through the diff and marked them changed."""
    root, _ = project
    text = intro(root).replace("## Why equal cities\n", "## Why equal cities\n\nA new opening paragraph.\n")
    (root / "sections" / "01-intro.md").write_text(text)  # not committed
    built = pipeline.assemble(root, tmp_path / "dirty.docx").output
    assert built is not None
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("second item of the ", "list", "series", "Ana Rossi")])
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "second item of the list" in row)
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [(c["line"], c["since"]) for c in json.loads(result.stdout) if c["kind"] == "insertion"] == [(line, None)]
    apply(root, reviewed)
    assert "second item of the series" in intro(root) and "A new opening paragraph." in intro(root)
    git_commit(root, "The opening paragraph")  # committed since: the lines are the same, and still found
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert [(c["line"], c["since"]) for c in json.loads(result.stdout) if c["kind"] == "insertion"] == [
        (line, "changed")]  # the reviewer's change is in the file now: its line differs from the one built


def test_a_file_saved_with_windows_line_ends_is_the_text_it_was_built_from(project: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    """The digest is taken of the text as the build reads it: a file with a byte order mark and CRLF line ends,
    unchanged since the build, is not taken for one changed since (every comment marked changed)."""
    root, _ = project
    path = root / "sections" / "01-intro.md"
    path.write_bytes(b"\xef\xbb\xbf" + intro(root).replace("\n", "\r\n").encode("utf-8"))
    git_commit(root, "Saved on Windows")
    built = pipeline.assemble(root, tmp_path / "crlf.docx").output
    assert built is not None
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("second item of the ", "list", "series", "Ana Rossi")])
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert [c["since"] for c in json.loads(result.stdout) if c["kind"] == "insertion"] == [None]


def test_comments_follow_the_sources(project: tuple[Path, Path], tmp_path: Path) -> None:
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("first item of the ", "list", "series", "Ana Rossi"),
                              ("second item of the ", "list", "series", "Ana Rossi")])
    text = intro(root).replace("## Why equal cities\n", "## Why equal cities\n\nA new opening paragraph.\n")
    (root / "sections" / "01-intro.md").write_text(text.replace("- second item of the list", "- second point"))
    git_commit(root, "Move on")
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert result.exit_code == 0, result.output
    places = [(c["line"], c["since"]) for c in json.loads(result.stdout) if c["kind"] == "insertion"]
    assert places == [(16, None), (17, "changed")]
    text_out = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed)])
    assert "sections/01-intro.md:17 (text since changed): insertion" in text_out.stdout
    assert "0 comments, 0 replies, 4 tracked changes (mapped by" in text_out.stderr


def test_an_edit_of_a_byline_is_reported_at_the_title_s_line(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A byline is not in the section's file: its edit is skipped, and said at the line of the title it follows,
    where `comments` places it too (it was line 0, no line of the file)."""
    root, built = project
    reviewed = review(built, tmp_path / "lo.docx", [("replace", "Lead: ", "Led by: ")], tmp_path)
    plan = apply(root, reviewed)
    assert [(p, f.kind, f.line) for p, f in plan.findings] == [("sections/01-intro.md", "skipped", 1)]
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert {(c["path"], c["line"]) for c in json.loads(result.stdout)} == {("sections/01-intro.md", 1)}


def _deleted_insertion(src: Path, dest: Path, after: str) -> None:
    """After `after`: words Ana Rossi inserted and Jean Martin then deleted (Word nests the w:del in the w:ins),
    and words Ana Rossi inserted that stay."""
    from lxml import etree

    from reviewkit import DATE, q

    def mark(kind: str, author: str, number: int) -> etree._Element:
        return etree.Element(q(f"w:{kind}"), {q("w:id"): str(number), q("w:author"): author, q("w:date"): DATE})

    def change(root: etree._Element) -> None:
        run = next(t for t in root.iter(q("w:t")) if (t.text or "").endswith(after)).getparent()
        struck, kept = mark("ins", "Ana Rossi", 9100), mark("ins", "Ana Rossi", 9102)
        gone = etree.SubElement(struck, q("w:del"), mark("del", "Jean Martin", 9101).attrib)
        etree.SubElement(etree.SubElement(gone, q("w:r")), q("w:delText")).text = " struck words"
        etree.SubElement(etree.SubElement(kept, q("w:r")), q("w:t")).text = " kept words"
        run.addnext(struck)
        struck.addnext(kept)

    edit_part(src, dest, change)


def test_an_insertion_another_reviewer_deleted_was_never_in_the_sources(project: tuple[Path, Path],
                                                                         tmp_path: Path) -> None:
    """Words one reviewer inserted and another deleted (a w:del inside a w:ins) were read as text of the build:
    an “untracked” edit that made both reviewers' changes there skipped. They are neither in the sources nor in
    the result, unless only the reviewer who inserted them is taken. Taken alone, the deletion has no words to
    delete: it is reported as not applied (the insertion, applied later on its own, brings them in)."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    _deleted_insertion(built, reviewed, "second item of the list")
    before = intro(root)
    plan = apply(root, reviewed)
    assert plan.findings == []
    assert "- second item of the list kept words\n" in intro(root)
    assert [(o.status, o.author) for o in plan.outcomes] == [("applied", "Ana Rossi")]
    (root / "sections" / "01-intro.md").write_text(before)
    plan = apply(root, reviewed, only=["Ana Rossi"])
    assert "- second item of the list struck words kept words\n" in intro(root)
    assert {o.author for o in plan.outcomes} == {"Ana Rossi"}
    (root / "sections" / "01-intro.md").write_text(before)
    plan = apply(root, reviewed, only=["Jean Martin"])
    assert intro(root) == before and plan.outcomes == []
    assert [(f.kind, f.line, f.author) for _, f in plan.findings] == [("skipped", 15, "Jean Martin")]
    assert plan.findings[0][1].message.endswith("what it deletes: “struck words”")


def test_a_paragraph_or_row_removed_without_track_changes_is_reported(project: tuple[Path, Path],
                                                                      tmp_path: Path) -> None:
    """A reviewer with Track Changes off who deletes a whole paragraph or table row leaves no trace but the
    missing bookmark: it was not reported at all (exit 0, nothing said). It is an untracked edit, at its line."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    def remove(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        for words, tag in (("first item of the list", "w:p"), ("Lyon", "w:tr")):
            at = text.index(words)
            start = max(text.rfind(f"<{tag}>", 0, at), text.rfind(f"<{tag} ", 0, at))
            end = text.index(f"</{tag}>", at) + len(f"</{tag}>")
            text = text[:start] + text[end:]
        return text.encode("utf-8")

    rewrite_part(built, reviewed, remove)
    before = intro(root)
    plan = apply(root, reviewed)
    assert [(p, f.kind, f.line) for p, f in plan.findings] == [("sections/01-intro.md", "untracked", 14),
                                                                ("sections/01-intro.md", "untracked", 20)]
    assert "first item of the list" in plan.findings[0][1].message
    assert "Lyon" in plan.findings[1][1].message
    assert intro(root) == before


def test_a_review_whose_bookmarks_were_dropped_says_so(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A tool that drops the hidden `_Coe` bookmarks leaves changes apply cannot place: they were reported as
    “a change outside the sections (title page, contents or annex)”, though they were in a section."""
    import re

    root, built = project
    step = tmp_path / "step.docx"
    tracked(built, step, [("housing ", "policy", "strategy", "Ana Rossi")])
    reviewed = rewrite_part(step, tmp_path / "r.docx",
                            lambda xml: re.sub(rb'<w:bookmarkStart [^>]*w:name="_Coe[^"]*"/>', b"", xml))
    before = intro(root)
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bookmarks" in result.stderr and "coe-paper comments" in result.stderr
    assert "outside the sections" not in result.stderr and intro(root) == before


def test_a_section_whose_title_lost_its_bookmark_is_reported_not_a_traceback(project: tuple[Path, Path],
                                                                            tmp_path: Path) -> None:
    """A reviewer's tool that dropped the hidden bookmark of the first section's title (the other sections' kept)
    left that section with no block: apply ended in a Python traceback (ValueError from zip()), even on a review
    without a change. The section's changes are now reported as outside the sections, nothing written."""
    import re

    root, built = project
    step = tmp_path / "step.docx"
    tracked(built, step, [("housing ", "policy", "strategy", "Ana Rossi")])
    for source in (built, step):
        reviewed = rewrite_part(source, tmp_path / f"r-{source.stem}.docx",
                                lambda xml: re.sub(rb'<w:bookmarkStart [^>]*w:name="_Coe0_1"/>', b"", xml))
        before = intro(root)
        result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output and intro(root) == before
        if source == step:  # the change is named, not dropped
            assert result.exit_code == 1 and "outside the sections" in result.stderr
            assert "policy" in result.stderr or "strategy" in result.stderr
        else:
            assert result.exit_code == 0


def test_text_typed_at_the_start_of_a_line_does_not_become_markup(project: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    """“2024. ”, “# ” or “- ” typed at the start of a paragraph or list item is text: written as is, it turned
    the paragraph into a list that starts at 2024, a Heading 1 inside the section, or a nested list."""
    root, built = project
    reviewed = review(built, tmp_path / "lo.docx", [("insert_before", "Cities bring", "2024. "),
                                                    ("insert_before", "first item of", "- ")], tmp_path)
    apply(root, reviewed)
    text = intro(root)
    assert "\n2024\\. Cities bring **housing policy**" in text
    assert "\n- \\- first item of the list\n" in text
    subprocess.run(["git", "-C", str(root), "checkout", "--", "."], check=True)
    step = tmp_path / "word.docx"
    tracked(built, step, [("", "Cities", "# Cities", "Ana Rossi"), ("", "second", "+ second", "Ana Rossi")])
    apply(root, step)
    text = intro(root)
    assert "\n\\# Cities bring **housing policy**" in text and "\n- \\+ second item of the list\n" in text
    assert pipeline.check(root).project is not None


def test_a_number_sign_typed_at_the_end_of_a_heading_is_kept(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A heading that ends in “ #” reads, in Markdown, as a heading with a closing sequence: the reviewer's “#”
    was lost when the paper was built again. It is escaped."""
    root, built = project
    for n, edit in enumerate([("Why equal cities", "", " #", "Ana Rossi"), ("Why equal ", "cities", "cities no. #",
                                                                             "Ana Rossi")]):
        reviewed = tmp_path / f"r{n}.docx"
        tracked(built, reviewed, [edit])
        apply(root, reviewed)
        line = next(row for row in intro(root).splitlines() if row.startswith("## "))
        assert line in ("## Why equal cities \\#", "## Why equal cities no. \\#"), line
        rebuilt = pipeline.assemble(root, tmp_path / f"rebuilt{n}.docx").output
        assert rebuilt is not None
        heading = next(p for p in wordread.read(rebuilt).blocks if getattr(p, "style_name", "") == "heading 2")
        assert heading.text().endswith(" #")  # type: ignore[union-attr]
        subprocess.run(["git", "-C", str(root), "checkout", "--", "."], check=True)


def test_only_with_a_name_that_matches_nobody_is_a_usage_error(project: tuple[Path, Path], tmp_path: Path) -> None:
    """`--only rmoe` (a typo) took nobody's changes and said only “would change 0 section files”, exit 0."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    before = intro(root)
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--only", "rome,Ana Rosi"])
    assert result.exit_code == 2, result.output
    assert "'Ana Rosi'" in result.stderr and "Ana Rossi" in result.stderr and "'rome'" not in result.stderr
    assert intro(root) == before
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--only", "ana rossi"])
    assert result.exit_code == 0 and "**housing strategy**" in intro(root)


def test_a_section_file_renamed_since_the_build_takes_the_changes(project: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    """Sections are renumbered when one is added before them (`01-intro.md` becomes `02-intro.md`): the changes
    follow the section's id to its file today. They were all skipped, “the section file is missing”."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    subprocess.run(["git", "-C", str(root), "mv", "sections/01-intro.md", "sections/00-intro.md"], check=True)
    git_commit(root, "Renumber")
    plan = apply(root, reviewed)
    assert plan.findings == [] and [(o.status, o.path) for o in plan.outcomes] == [("applied",
                                                                                   "sections/00-intro.md")]
    assert "**housing strategy**" in (root / "sections" / "00-intro.md").read_text()
    assert not (root / "sections" / "01-intro.md").exists()


def test_a_missing_section_file_is_named_without_a_line_0(project: tuple[Path, Path], tmp_path: Path) -> None:
    """A finding about a whole file was printed as `sections/01-intro.md:0: ...`: there is no line 0."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    (root / "sections" / "01-intro.md").unlink()
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert result.exit_code == 1
    assert "sections/01-intro.md: skipped: the section file is missing or unreadable" in result.stderr


def test_paragraphs_joined_without_track_changes(project: tuple[Path, Path], tmp_path: Path) -> None:
    """Backspace at the start of a paragraph with Track Changes off: one paragraph holds both bookmarks. The
    second paragraph's text was reported as “added” to the first, and `--untracked` wrote it there while its
    own line stayed: the text twice. It is a join, reported as one and applied as one."""
    from lxml import etree

    from reviewkit import q

    root, built = project
    def join(doc: etree._Element) -> None:
        first, second = (next(p for p in doc.iter(q("w:p")) if words in "".join(p.itertext()))
                         for words in ("first item of the list", "second item of the list"))
        for child in list(second):
            if child.tag != q("w:pPr"):
                first.append(child)
        second.getparent().remove(second)

    reviewed = edit_part(built, tmp_path / "r.docx", join)
    plan = apply(root, reviewed)
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [("untracked", 14, "“¶” removed")]
    apply(root, reviewed, untracked=True)
    assert "- first item of the listsecond item of the list\n\n| City" in intro(root)


def test_a_paragraph_split_without_track_changes(project: tuple[Path, Path], tmp_path: Path) -> None:
    """Enter typed inside a paragraph with Track Changes off: the second half was reported as removed, and
    `--untracked` removed it from the sources. It is a split, reported as one and applied as one."""
    from lxml import etree

    from reviewkit import q

    root, built = project
    def split(doc: etree._Element) -> None:
        para = next(p for p in doc.iter(q("w:p")) if "first item of the list" in "".join(p.itertext()))
        run = next(r for r in para.iter(q("w:r")) if "first item" in "".join(r.itertext()))
        second = etree.Element(q("w:p"))
        second.append(etree.fromstring(etree.tostring(para.find(q("w:pPr")))))
        tail = etree.fromstring(etree.tostring(run))
        run.find(q("w:t")).text, tail.find(q("w:t")).text = "first item ", "of the list"
        second.append(tail)
        para.addnext(second)

    reviewed = edit_part(built, tmp_path / "r.docx", split)
    plan = apply(root, reviewed)
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [("untracked", 14, "“¶” added")]
    apply(root, reviewed, untracked=True)
    assert "- first item\n- of the list\n- second item of the list\n" in intro(root)


def test_comments_follow_a_section_file_renamed_since_the_build(project: tuple[Path, Path], tmp_path: Path) -> None:
    """`comments` named the file as the document was built, which no longer exists once sections are
    renumbered; it names today's file of the same section, at today's line."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("second item of the ", "list", "series", "Ana Rossi")])
    subprocess.run(["git", "-C", str(root), "mv", "sections/01-intro.md", "sections/00-intro.md"], check=True)
    path = root / "sections" / "00-intro.md"
    path.write_text(path.read_text().replace("## Why equal cities\n", "## Why equal cities\n\nA new paragraph.\n"))
    git_commit(root, "Renumber")
    result = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert {(c["path"], c["line"], c["since"]) for c in json.loads(result.stdout)} == {
        ("sections/00-intro.md", 17, None)}


def test_a_section_removed_since_the_build_matters_only_if_it_was_reviewed(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """A section deleted from the project since the build made every apply fail (“the section file is missing”,
    exit 1, counted under “(unknown)”), though the review did not touch it. Only a reviewed one is reported, under
    its reviewer."""
    root = make_project(git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx").output
    assert built is not None
    files = sorted((root / "sections").glob("*.md"))
    texts = [f.read_text() for f in files]
    words = [next(w for w in t.split("\n\n")[-1].split() if w.isalpha() and len(w) > 4) for t in texts]
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("", words[0], words[0] + "s", "Ana Rossi")])
    files[-1].unlink()
    config = root / "paper" / "paper.yaml"
    config.write_text("\n".join(row for row in config.read_text().splitlines()
                                if files[-1].stem.split("-", 1)[1] not in row) + "\n")
    git_commit(root, "Drop the last section")
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert result.exit_code == 0, result.output
    assert "missing" not in result.stderr and "(unknown)" not in result.stderr
    reviewed = tmp_path / "r2.docx"
    tracked(built, reviewed, [("", words[-1], words[-1] + "s", "Ana Rossi")])
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert result.exit_code == 1 and "missing" in result.stderr and "(unknown)" not in result.stderr
    assert "Ana Rossi: 0 applied, 0 merged, 0 in conflict, 1 skipped" in result.stderr


def test_a_section_that_is_a_link_is_changed_where_the_link_leads(make_project: MakeProject, tmp_path: Path) -> None:
    """A section file may be a link inside the project (validate and assemble follow it, `validate --fix` writes
    where it leads): apply replaced the link with a file of its own, so the file it led to kept the old text and the
    project lost its link."""
    root = make_project({"sections/01-intro.md": None, "drafts/intro.md": section_text("intro", BODY,
                                                                                     title="Introduction")})
    (root / "sections/01-intro.md").symlink_to("../drafts/intro.md")
    git_commit(root, "Linked")
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    reviewed = tmp_path / "r.docx"
    tracked(built.output, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert result.exit_code == 0, result.output
    assert (root / "sections/01-intro.md").is_symlink()
    assert "**housing strategy**" in (root / "drafts/intro.md").read_text()
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "--", "."], check=True)
    committed = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--commit"])
    assert committed.exit_code == 0, committed.output
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True,
                            check=True)
    assert status.stdout == "" and "**housing strategy**" in (root / "drafts/intro.md").read_text()


@pytest.mark.parametrize("command", [["comments", "--format", "json"], ["apply", "--dry-run", "--format", "json"]])
def test_json_naming_a_section_file_that_is_not_utf_8_is_valid_utf_8(make_project: MakeProject, tmp_path: Path,
                                                                      command: list[str]) -> None:
    """A section file whose name is not UTF-8 is named in the review's JSON with \\u escapes, as validate's JSON
    names it: the raw byte made the output invalid UTF-8, which no JSON reader takes."""
    name = os.fsdecode(b"sections/01-intro-\xff.md")
    root = make_project({"sections/01-intro.md": None, name: section_text("intro", BODY, title="Introduction")},
                        git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    reviewed = tmp_path / "r.docx"
    tracked(built.output, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    run = subprocess.run([sys.executable, "-m", "coe_paper", command[0], str(reviewed), *command[1:]], cwd=root,
                         env={**os.environ, "COE_PAPER_RESIDENT": "0"}, capture_output=True, check=False)
    assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    found = json.loads(run.stdout.decode("utf-8"))
    assert name in json.dumps(found, ensure_ascii=False)


def test_a_section_now_a_link_loop_is_no_traceback(project: tuple[Path, Path], tmp_path: Path) -> None:
    """The reviewed document names a section file that has since become a link to itself: `comments` and `apply`
    ended in a RuntimeError traceback from Python's resolve(). comments lists the review; apply says it cannot."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    intro_file = root / "sections" / "01-intro.md"
    intro_file.unlink()
    intro_file.symlink_to("01-intro.md")
    listed = CliRunner().invoke(app, ["--project", str(root), "comments", str(reviewed)])
    assert listed.exception is None or isinstance(listed.exception, SystemExit), repr(listed.exception)
    assert listed.exit_code == 0, listed.output
    applied = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert applied.exception is None or isinstance(applied.exception, SystemExit), repr(applied.exception)
    assert intro_file.is_symlink()


def test_commit_where_git_cannot_commit_changes_nothing(make_project: MakeProject, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """`apply --commit` in a project that is not (or no longer) in a git repository is refused before any section
    is written: it had written the first reviewer's changes, then failed at their commit."""
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics
    reviewed = tmp_path / "r.docx"
    tracked(built.output, reviewed, [("housing ", "policy", "strategy", "Ana Rossi")])
    shutil.rmtree(root / ".git")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))
    before = (root / "sections/01-intro.md").read_bytes()
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--commit"])
    assert result.exit_code == 1 and "not in a git repository" in result.stderr, result.output
    assert (root / "sections/01-intro.md").read_bytes() == before


@pytest.mark.parametrize("twice", [False, True])
def test_a_footnote_whose_reference_the_review_deleted_goes_with_it(make_project: MakeProject, tmp_path: Path,
                                                                    twice: bool) -> None:
    """A reviewer deletes a footnote's reference (Word deletes the footnote with it): apply removed the reference
    and left the definition, which the paper no longer shows (COE604) and which nobody had asked to keep. It goes
    now, its lines with it (a line the paragraph runs on to included), and apply says so; a footnote still referred
    to elsewhere stays."""
    from reviewkit import Reviewer, q

    again = " Cities meet again.[^a]" if twice else ""
    body = (f"## Homes\n\nCities share what works for housing policy.[^a] They meet monthly.{again}\n\n"
            "Another paragraph stays.\n\n[^a]: The Housing Partnership's action plan,\n    2018.\n\n[^b]: Kept.\n\n"
            "See also[^b].\n")
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics

    def delete_first_reference(tree: Any) -> None:
        run = next(r for r in tree.iter(q("w:r")) if r.find(q("w:footnoteReference")) is not None)
        Reviewer(tree)._delete(run, "Ana Rossi")

    reviewed = tmp_path / "r.docx"
    edit_part(built.output, reviewed, delete_first_reference)
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert result.exit_code == 0, result.output
    text = (root / "sections/01-intro.md").read_text(encoding="utf-8")
    assert "housing policy. They meet monthly." in text and "[^b]: Kept." in text and "See also[^b]." in text
    if twice:
        assert "[^a]: The Housing Partnership's action plan,\n    2018." in text and "removed" not in result.stderr
    else:
        assert "[^a]" not in text and "2018" not in text and "\n\n\n" not in text, text
        assert "sections/01-intro.md:15: removed: footnote [^a]" in result.stderr, result.stderr
        found = pipeline.check(root).diagnostics
        assert not [d for d in found if d.code in ("COE604", "COE601")], found


def test_commit_for_a_reviewer_without_an_e_mail_says_whose_identity_it_takes(project: tuple[Path, Path],
                                                                             tmp_path: Path) -> None:
    # Leipzig lists no e-mail or domain, and Jean Martin is not among its people: git needs an e-mail to author
    root, built = project
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("second item of the ", "list", "series", "Jean Martin")])
    env = {**os.environ, **GIT_ENV}
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--commit", "--author",
                                      "Jean Martin=leipzig"], env=env)
    assert result.exit_code == 0, result.output
    assert ("reviewer 'Jean Martin' has no e-mail in contributors.yaml (under `people:`, or the organisation's "
            "emails or domains): their changes are committed under your identity") in result.stderr
    log = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%an|%B"], capture_output=True, text=True,
                         check=True, env=env).stdout
    assert log.startswith("Rome Editor|Apply review by Jean Martin (Leipzig) from r.docx")
    assert "Reviewer: Jean Martin (no e-mail in contributors.yaml)" in log


def test_a_renamed_heading_another_section_links_to_is_named_after_apply(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """A reviewer renamed a heading that another section's link names: apply wrote it without a word, and the
    link reached nothing (COE601 at the next validate, or in CI). apply now says so, at the link's line, in text
    and in JSON, with --dry-run too."""
    intro = "## Scope\n\nThe partnership's members agree on what to measure: see [the data part](#the-data-we-need).\n"
    housing = ("## Sources\n\nThe members pool what they know.\n\n### The data we need\n\n"  # not in the contents
               "Cities collect data on rents, evictions and waiting lists for social homes.\n")
    root = make_project({"sections/01-intro.md": section_text("intro", intro, title="Introduction"),
                         "sections/02-housing.md": section_text("housing", housing, title="Housing")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None
    reviewed = review(built.output, tmp_path / "reviewed.docx", [("replace", "data we need", "data we collect")],
                      tmp_path)
    # --dry-run says so too, before anything is written (it said nothing: the links were read from the files)
    for args in ([], ["--format", "json"]):
        result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--dry-run", *args])
        assert "### The data we need" in (root / "sections/02-housing.md").read_text(encoding="utf-8")
        said = json.loads(result.stdout)["unreached_links"] if args else [
            line for line in result.stderr.splitlines() if "COE601" in line]
        assert len(said) == 1 and "#the-data-we-need" in str(said), result.output
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert "### The data we collect" in (root / "sections/02-housing.md").read_text(encoding="utf-8"), result.stderr
    warned = [line for line in result.stderr.splitlines() if "COE601" in line]
    assert len(warned) == 1 and warned[0].startswith("warning: sections/01-intro.md:") and \
        "#the-data-we-need" in warned[0] and "changed or removed what it named" in warned[0], result.stderr
    subprocess.run(["git", "checkout", "-q", "--", "sections"], cwd=root, check=True, env=GIT_ENV)
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--format", "json"])
    found = json.loads(result.stdout)["unreached_links"]
    assert [(d["path"], d["code"]) for d in found] == [("sections/01-intro.md", "COE601")], found
    assert "#the-data-we-need" in found[0]["message"]


def test_a_deleted_figure_a_link_names_is_named_as_removed(make_project: MakeProject, tmp_path: Path) -> None:
    """A reviewer deleted a figure that a link names: apply's warning said the review "changed the heading it
    named", though no heading changed."""
    from lxml import etree

    from reviewkit import Reviewer, q

    intro = "## Scope\n\nThe members agree on what to measure, as [the chart](#fig-chart) shows.\n"
    housing = ('## Homes\n\nThe members pool what they know.\n\n![A grey square standing in for a chart]'
               '(../paper/images/dot.png "Homes by kind {#fig-chart}")\n\nCities collect data on rents.\n')
    root = make_project({"sections/01-intro.md": section_text("intro", intro, title="Introduction"),
                         "sections/02-housing.md": section_text("housing", housing, title="Housing")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, built.diagnostics

    def delete(document: etree._Element) -> None:
        picture = next(run for run in document.iter(q("w:r")) if run.find(q("w:drawing")) is not None)
        Reviewer(document)._delete(picture, "Ana Rossi")

    reviewed = edit_part(built.output, tmp_path / "reviewed.docx", delete)
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed)])
    assert "![A grey square" not in (root / "sections/02-housing.md").read_text(encoding="utf-8"), result.stderr
    warned = [line for line in result.stderr.splitlines() if "COE601" in line]
    assert len(warned) == 1 and "#fig-chart" in warned[0] and "changed or removed what it named" in warned[0] and \
        "heading it named" not in warned[0], result.stderr


_FIGURE = '![A grey square standing in for a chart](../paper/images/dot.png "Homes by kind")'
_HOUSING = f"## Homes\n\nThe members pool what they know.\n\n{_FIGURE}\n\nCities collect data on rents.\n"


@pytest.mark.parametrize(("deleted", "left"), [
    ("the picture", "## Homes\n\nThe members pool what they know.\n\nCities collect data on rents.\n"),
    ("Cities collect", f"## Homes\n\nThe members pool what they know.\n\n{_FIGURE}\n"),
    ("the words of The members pool", f"## Homes\n\n{_FIGURE}\n\nCities collect data on rents.\n"),
])
def test_a_paragraph_deleted_whole_leaves_one_blank_line(make_project: MakeProject, tmp_path: Path, deleted: str,
                                                          left: str) -> None:
    """A reviewer deleted a figure's picture paragraph (its caption, a paragraph of its own, kept apart from the
    paragraphs around it), a section's last paragraph, or all the words of a paragraph and not its mark (an empty
    paragraph, which Markdown cannot hold): apply left two blank lines where the block was, and a blank line at
    the end of the file."""
    from lxml import etree

    from reviewkit import Reviewer, apply_review, q

    root, docx = assembled_intro(make_project, tmp_path, "## Scope\n\nThe members agree on what to measure.\n",
                                 {"sections/02-housing.md": section_text("housing", _HOUSING, title="Housing")})

    def delete(document: etree._Element) -> None:
        words = deleted.removeprefix("the words of ")
        para = next(p for p in document.iter(q("w:p")) if (p.find(".//" + q("w:drawing")) is not None
                                                           if deleted == "the picture" else
                                                           "".join(p.itertext()).startswith(words)))
        reviewer = Reviewer(document)
        if words != deleted:
            for run in para.findall(q("w:r")):
                reviewer._delete(run, "Ana Rossi")
        else:
            reviewer.delete_paragraph(para, "Ana Rossi")

    plan = apply_review(root, edit_part(docx, tmp_path / "reviewed.docx", delete))
    assert plan.findings == []
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    assert text == section_text("housing", left, title="Housing"), text


@pytest.mark.parametrize("picture", [True, False])
def test_a_caption_deleted_with_its_picture_is_no_finding(make_project: MakeProject, tmp_path: Path,
                                                           picture: bool) -> None:
    """A reviewer deleted a figure's picture and its caption, as Word deletes them (the caption's number, a field,
    too): apply removed the figure's line but said that a change to the caption's number or paragraph mark was not
    applied, though the caption went with the figure it belongs to. A caption deleted alone is still reported: its
    image's title stays, for the editor to remove by hand."""
    from lxml import etree

    from reviewkit import Reviewer, apply_review, q

    root, docx = assembled_intro(make_project, tmp_path, "## Scope\n\nThe members agree on what to measure.\n",
                                 {"sections/02-housing.md": section_text("housing", _HOUSING, title="Housing")})

    def delete(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        paras = list(document.iter(q("w:p")))
        at = next(i for i, p in enumerate(paras) if p.find(".//" + q("w:drawing")) is not None)
        assert "".join(paras[at + 1].itertext()).endswith("1: Homes by kind")
        for para in paras[at if picture else at + 1 : at + 2]:
            reviewer.delete_paragraph(para, "Ana Rossi")
            for run in [r for r in para.iter(q("w:r")) if r.getparent().tag != q("w:del")]:
                reviewer._delete(run, "Ana Rossi")  # the field's runs: its code and the number it shows
            for code in para.iter(q("w:instrText")):
                code.tag = q("w:delInstrText")

    plan = apply_review(root, edit_part(docx, tmp_path / "reviewed.docx", delete))
    text = (root / "sections/02-housing.md").read_text(encoding="utf-8")
    if picture:
        assert plan.findings == []
        assert text == section_text("housing", _HOUSING.replace(f"{_FIGURE}\n\n", ""), title="Housing"), text
    else:
        assert [(f.kind, f.line, f.message[:40]) for _, f in plan.findings] == [
            ("skipped", 13, "the caption “Figure 1: Homes by kind” wa")]
        assert text == section_text("housing", _HOUSING, title="Housing"), text


def with_alt_chunk(xml: bytes) -> bytes:
    """The body with an altChunk (a part in HTML that Word converts on opening) after the list's first item, as a
    reviewer's tool may leave pasted text."""
    chunk = (b'<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
             b'r:id="rIdPasted"/>')
    start = xml.index(b"first item of the list")
    end = xml.index(b"</w:p>", start) + len(b"</w:p>")
    return xml[:end] + chunk + xml[end:]


@pytest.mark.parametrize(("name", "kind", "text", "said"), [
    ("pasted.htm", "text/html", "<html><body><p>Words pasted by the reviewer.</p></body></html>",
     "paragraph “Words pasted by the reviewer.” is not in the sources (content a tool put in as an altChunk"),
    ("pasted.rtf", "application/rtf", r"{\rtf1\ansi Words pasted by the reviewer.}",
     "content after “first item of the list” that Word converts on opening (an altChunk"),
])
def test_an_alt_chunk_in_a_review_is_reported_not_passed_over(project: tuple[Path, Path], tmp_path: Path, name: str,
                                                              kind: str, text: str, said: str) -> None:
    """Text a reviewer's tool stored as an altChunk (HTML that Word converts when it opens the file) is in the
    document the reviewer saw, and in no paragraph apply reads: `apply`, with `--untracked` too, passed over it and
    said nothing. It is reported at the line it follows (with its words, when they can be read: HTML), and nothing
    is written for it."""
    root, built = project
    reviewed = tmp_path / "r.docx"
    rewrite_part(built, reviewed, with_alt_chunk)
    rels = "word/_rels/document.xml.rels"
    rewrite_part(reviewed, reviewed.with_name("s.docx"), lambda xml: xml.replace(b"</Relationships>", (
        b'<Relationship Id="rIdPasted" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'aFChunk" Target="' + name.encode() + b'"/></Relationships>')), rels)
    types = f'<Default Extension="{name[-3:]}" ContentType="{kind}"/></Types>'.encode()
    reviewed = rewrite_part(reviewed.with_name("s.docx"), tmp_path / "t.docx",
                            lambda xml: xml.replace(b"</Types>", types), "[Content_Types].xml")
    with zipfile.ZipFile(reviewed, "a") as package:
        package.writestr(f"word/{name}", text)
    before = intro(root)
    for untracked in (False, True):
        result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--format", "json"]
                                    + (["--untracked"] if untracked else []))
        findings = json.loads(result.stdout)["findings"]
        assert [(f["path"], f["kind"], f["line"]) for f in findings if "altChunk" in f["message"]] == [
            ("sections/01-intro.md", "untracked", 14)], findings
        assert intro(root) == before
    result = CliRunner().invoke(app, ["--project", str(root), "apply", str(reviewed), "--untracked"])
    assert f"sections/01-intro.md:14: untracked: {said}" in result.stderr, result.stderr


def test_an_untracked_edit_in_a_group_of_joined_blocks_is_reported_at_its_own_line(make_project: MakeProject,
                                                                                     tmp_path: Path) -> None:
    """Words typed with Track Changes off in a quote, after a tracked deletion of the whole list item above it
    (its paragraph mark too), were reported at the deleted item's line, two lines above the quote they are in:
    the blocks a deleted mark joins are read together, and the report named the first. It names the line of
    the block the edit is in."""
    body = "1. Prepare the survey.\n2. Run the survey.\n\n> Equality is a shared task.\n\nThe end.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("delete_paragraph", "Run the survey."), ("tracking", "", "off"),
        ("insert_after", "Equality is a", "n everyday and a")], tmp_path)
    plan = apply(root, reviewed)
    assert [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 10, "deleted “Run the survey. ¶”")], plan.outcomes
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [
        ("untracked", 12, "“a” became “an everyday and a”")], plan.findings
    assert intro(root).endswith("1. Prepare the survey.\n\n> Equality is a shared task.\n\nThe end.\n"), intro(root)


def test_a_block_whose_first_words_were_deleted_untracked_is_not_reported_removed(make_project: MakeProject,
                                                                                   tmp_path: Path) -> None:
    """LibreOffice deletes the hidden bookmark at the start of a block with the first words a reviewer deletes
    with Track Changes off: the paragraph was reported as "removed without Track Changes; remove it by hand", the
    table row too, and a tracked change in that row as "cannot be traced to its line", at line 1. The block is
    found between its neighbours by its text: the words deleted are an untracked edit at its line, and the
    tracked change is applied."""
    body = "Cities share their plans with the network.\n\n| City | Plan |\n|---|---|\n| Rome | Housing |\n" \
        "| Lyon | Transport |\n\nThe end.\n"
    root, built = assembled_intro(make_project, tmp_path, body)
    reviewed = review(built, tmp_path / "lo.docx", [
        ("tracking", "", "off"), ("delete", "Lyon"), ("delete", "Cities "), ("tracking", "", "on"),
        ("replace", "Transport", "Mobility")], tmp_path)
    plan = apply(root, reviewed)
    assert [(o.status, o.line, o.summary) for o in plan.outcomes] == [
        ("applied", 14, "replaced “Transport” with “Mobility”")], plan.outcomes
    assert [(f.kind, f.line, f.message) for _, f in plan.findings] == [
        ("untracked", 9, "“Cities” removed"), ("untracked", 14, "“Lyon” removed")], plan.findings
    assert intro(root).endswith(body.replace("Transport", "Mobility")), intro(root)
