"""`coe-paper apply --only`: the changes of some reviewers, the others' left as they are in the sources. A change
one reviewer made inside another's tracked insertion changes words that only that insertion holds: without it,
it cannot be written, and is reported as a change not applied (with its words, at its line)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lxml import etree

from coe_paper import wordread, writeback
from conftest import MakeProject, assembled_intro, cli
from reviewkit import DATE, edit_part, q, tracked

BODY = """\
## Obstacles

The plan meets obstacles in many cities.

Members share their data.
"""
OBSTACLES = 11  # the line of "The plan meets obstacles ..."


def _inside_insertion(src: Path, dest: Path) -> None:
    """Ana Rossi inserts “, of which cost is the main one,” after “obstacles”; Jean Martin then, inside her
    insertion, replaces “cost” with “price” and types “arguably ” before “the main”, as Word writes it: his words
    a w:ins between hers, his deletion a w:del inside hers. He also replaces “share” with “publish” elsewhere."""
    tracked(src, dest, [("Members ", "share", "publish", "Jean Martin")])
    number = iter(range(9100, 9200))

    def mark(kind: str, author: str) -> etree._Element:
        return etree.Element(q(f"w:{kind}"), {q("w:id"): str(next(number)), q("w:author"): author,
                                              q("w:date"): DATE})

    def words(parent: etree._Element, text: str, deleted: bool = False) -> etree._Element:
        run = etree.SubElement(parent, q("w:r"))
        t = etree.SubElement(run, q("w:delText" if deleted else "w:t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return parent

    def change(root: etree._Element) -> None:
        t = next(t for t in root.iter(q("w:t")) if "The plan meets obstacles" in (t.text or ""))
        head, tail = t.text.split("obstacles")
        t.text = head + "obstacles"
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        run = t.getparent()
        rest = etree.Element(q("w:r"))
        etree.SubElement(rest, q("w:t")).text = tail
        struck = mark("ins", "Ana Rossi")
        struck.append(words(mark("del", "Jean Martin"), "cost", deleted=True))
        marks = [words(mark("ins", "Ana Rossi"), ", of which "), struck, words(mark("ins", "Jean Martin"), "price"),
                 words(mark("ins", "Ana Rossi"), " is "), words(mark("ins", "Jean Martin"), "arguably "),
                 words(mark("ins", "Ana Rossi"), "the main one,"), rest]
        for element in reversed(marks):
            run.addnext(element)

    edit_part(dest, dest, change)


def _plan(root: Path, reviewed: Path, only: list[str]) -> writeback.Plan:
    doc = wordread.read(reviewed)
    try:
        return writeback.plan(root, doc, writeback.organisations(root), writeback.Options(only=only))
    finally:
        doc.docx.close()


def test_a_change_inside_an_insertion_not_taken_is_reported_not_written(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """`--only "Jean Martin"` wrote what rejecting Ana Rossi's insertion in Word leaves of his changes inside it,
    “obstaclespricearguably  in many cities”, counted it as applied, said nothing and exited 0. His two changes
    there are not written: each is skipped, named with its words at its line (exit 1), and his change elsewhere is
    applied."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = tmp_path / "r.docx"
    _inside_insertion(built, reviewed)
    before = (root / "sections" / "01-intro.md").read_text()

    plan = _plan(root, reviewed, ["Jean Martin"])
    after = plan.files[0].after
    assert after == before.replace("Members share", "Members publish")
    assert [(o.status, o.author, o.line) for o in plan.outcomes] == [("applied", "Jean Martin", OBSTACLES + 2)]
    assert [(path, f.kind, f.line, f.author) for path, f in plan.findings] == [
        ("sections/01-intro.md", "skipped", OBSTACLES, "Jean Martin")] * 2
    replaced, typed = (finding.message for _, finding in plan.findings)
    insertion = "an insertion by Ana Rossi (“, of which cost is the main one,”), whose changes are not taken"
    assert insertion in replaced and "its new words, not written: “price”; what it deletes: “cost”" in replaced
    assert insertion in typed and typed.endswith("its new words, not written: “arguably”")

    result = cli("--project", str(root), "apply", str(reviewed), "--only", "Jean Martin")
    assert result.exit_code == 1, result.output
    assert result.stderr.count(f"sections/01-intro.md:{OBSTACLES}: skipped: a change inside an insertion") == 2
    assert "Jean Martin: 1 applied, 0 merged, 0 in conflict, 2 skipped" in result.stderr
    assert (root / "sections" / "01-intro.md").read_text() == after


def test_changes_inside_an_insertion_apply_with_it(make_project: MakeProject, tmp_path: Path) -> None:
    """Taken with the insertion they are in (every reviewer, or both named), they apply with it and nothing is
    reported; the insertion alone is written as its author typed it."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = tmp_path / "r.docx"
    _inside_insertion(built, reviewed)
    for only in ([], ["Ana Rossi", "Jean Martin"]):
        plan = _plan(root, reviewed, only)
        assert plan.findings == []
        assert "The plan meets obstacles, of which price is arguably the main one, in many cities.\n" \
            in plan.files[0].after
        assert "Members publish their data." in plan.files[0].after
    plan = _plan(root, reviewed, ["Ana Rossi"])
    assert plan.findings == []
    assert "The plan meets obstacles, of which cost is the main one, in many cities.\n" in plan.files[0].after
    assert "Members share their data." in plan.files[0].after


def test_a_commit_per_reviewer_holds_no_change_inside_an_insertion_not_yet_committed(make_project: MakeProject,
                                                                                       tmp_path: Path) -> None:
    """`--commit` takes the reviewers one by one, in the order of their first changes: Jean Martin's commit, made
    before Ana Rossi's insertion was taken, held “obstaclespricearguably  in many cities”, and her insertion, which
    then met that line changed, was never written, while the report said every change was applied (exit 0). His
    changes inside her insertion go in with it, in her commit; his commit holds his other changes."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    first = tmp_path / "first.docx"
    tracked(built, first, [("", "Obstacles", "Hurdles", "Jean Martin")])  # his first change comes before hers
    reviewed = tmp_path / "r.docx"
    _inside_insertion(first, reviewed)
    result = cli("--project", str(root), "apply", str(reviewed), "--commit")
    assert result.exit_code == 0, result.output
    assert "Jean Martin: 4 applied, 0 merged, 0 in conflict, 0 skipped" in result.stderr

    def at(revision: str) -> str:
        return subprocess.run(["git", "-C", str(root), "show", f"{revision}:sections/01-intro.md"],
                              capture_output=True, text=True, check=True).stdout

    his, hers = at("HEAD~1"), at("HEAD")
    assert "## Hurdles\n\nThe plan meets obstacles in many cities.\n\nMembers publish their data.\n" in his
    assert "The plan meets obstacles, of which price is arguably the main one, in many cities.\n" in hers
    assert (root / "sections" / "01-intro.md").read_text() == hers
    log = subprocess.run(["git", "-C", str(root), "log", "-2", "--format=%s"], capture_output=True, text=True,
                         check=True).stdout
    assert log.splitlines() == ["Apply review by Ana Rossi from r.docx", "Apply review by Jean Martin from r.docx"]


def test_a_commit_per_reviewer_keeps_two_reviewers_changes_to_one_line(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """`--commit` planned each reviewer's commit against the files as the commits before it had left them: the
    second reviewer's change to a line the first had changed met it as a conflict, and was thrown away while the
    report (of the whole review) said it was applied, exit 0. Each commit now holds its reviewer's changes, and the
    last leaves the file as applying the whole review does."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("The plan ", "meets", "faces", "Jean Martin"),
                              (" obstacles in many ", "cities", "regions", "Ana Rossi")])
    result = cli("--project", str(root), "apply", str(reviewed), "--commit")
    assert result.exit_code == 0, result.output

    def at(revision: str) -> str:
        return subprocess.run(["git", "-C", str(root), "show", f"{revision}:sections/01-intro.md"],
                              capture_output=True, text=True, check=True).stdout

    log = subprocess.run(["git", "-C", str(root), "log", "-2", "--format=%s"], capture_output=True, text=True,
                         check=True).stdout
    assert log.splitlines() == ["Apply review by Ana Rossi from r.docx", "Apply review by Jean Martin from r.docx"]
    assert "The plan faces obstacles in many cities.\n" in at("HEAD~1")
    assert "The plan faces obstacles in many regions.\n" in at("HEAD")
    assert (root / "sections" / "01-intro.md").read_text() == at("HEAD")


def _nested(src: Path, dest: Path) -> None:
    """Ana Rossi inserts “, of which cost is the main one,” after “obstacles”; Jean Martin types “by far ” inside
    it, and Karl Weber “very ” inside Jean's words, as Word splits the insertions around one another."""
    number = iter(range(9300, 9400))

    def inserted(author: str, text: str) -> etree._Element:
        ins = etree.Element(q("w:ins"), {q("w:id"): str(next(number)), q("w:author"): author, q("w:date"): DATE})
        t = etree.SubElement(etree.SubElement(ins, q("w:r")), q("w:t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return ins

    def change(root: etree._Element) -> None:
        t = next(t for t in root.iter(q("w:t")) if "The plan meets obstacles" in (t.text or ""))
        head, tail = t.text.split("obstacles")
        t.text = head + "obstacles"
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        rest = etree.Element(q("w:r"))
        etree.SubElement(rest, q("w:t")).text = tail
        marks = [inserted("Ana Rossi", ", of which cost is "), inserted("Jean Martin", "by "),
                 inserted("Karl Weber", "very "), inserted("Jean Martin", "far "),
                 inserted("Ana Rossi", "the main one,"), rest]
        for element in reversed(marks):
            t.getparent().addnext(element)

    edit_part(src, dest, change)


def test_a_change_inside_an_insertion_inside_another_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """Insertions nested three deep: `--only "Ana Rossi,Karl Weber"` wrote Karl Weber's words typed inside Jean
    Martin's (not taken) into Ana Rossi's, “cost is very the main one”, and said nothing: only an insertion not
    taken at both ends of the inserted words was looked for. A change between words of one insertion not taken, on
    either side, however deep, is reported, named with that insertion; taken with it, it is written."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = tmp_path / "r.docx"
    _nested(built, reviewed)
    plan = _plan(root, reviewed, ["Ana Rossi", "Karl Weber"])
    assert "The plan meets obstacles, of which cost is the main one, in many cities.\n" in plan.files[0].after
    assert [(f.kind, f.author, "by Jean Martin (“by far”)" in f.message) for _, f in plan.findings] == [
        ("skipped", "Karl Weber", True)]
    plan = _plan(root, reviewed, ["Jean Martin", "Karl Weber"])
    assert plan.files == [] and len(plan.findings) == 3
    assert all("inside an insertion by Ana Rossi (“, of which cost is the main one,”)" in f.message
               for _, f in plan.findings)
    plan = _plan(root, reviewed, [])
    assert "The plan meets obstacles, of which cost is by very far the main one, in many cities.\n" \
        in plan.files[0].after and plan.findings == []


def test_no_reviewer_s_commit_undoes_another_s(make_project: MakeProject, tmp_path: Path) -> None:
    """Jean Martin typed a character that ends a line in Markdown (U+0085) into the paragraph Ana Rossi changed:
    applied together, that paragraph is skipped whole. `--commit` committed Ana's change alone, and the next
    reviewer's commit took it back, crediting him with the line. A change the whole review does not write is in no
    commit; each commit holds only what the whole review keeps."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("The plan ", "meets", "faces", "Ana Rossi"),
                              (" obstacles in many ", "cities", "regions\u0085x", "Jean Martin"),
                              ("Members ", "share", "publish", "Karl Weber")])
    before = (root / "sections" / "01-intro.md").read_text()
    result = cli("--project", str(root), "apply", str(reviewed), "--commit")
    assert result.exit_code == 1, result.output  # the paragraph skipped
    history = subprocess.run(["git", "-C", str(root), "log", "-p", "--format=%s", "--", "sections"],
                             capture_output=True, text=True, check=True).stdout
    assert "faces" not in history, history
    after = (root / "sections" / "01-intro.md").read_text()
    assert after == before.replace("Members share", "Members publish")


def test_an_only_that_names_no_one_applies_nothing(make_project: MakeProject, tmp_path: Path) -> None:
    """`--only ""` or `--only ","` (a script's `--only "$REVIEWERS"` with the list empty) read as no --only at all:
    every reviewer's changes were written, or committed, exit 0. It is a usage error, exit 2, nothing written."""
    root, built = assembled_intro(make_project, tmp_path, BODY)
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("The plan ", "meets", "faces", "Ana Rossi"),
                              ("Members ", "share", "publish", "Jean Martin")])
    before = (root / "sections" / "01-intro.md").read_text()
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout
    for only in ("", ",", " , "):
        for extra in ([], ["--commit"]):
            result = cli("--project", str(root), "apply", str(reviewed), "--only", only, *extra)
            assert result.exit_code == 2, (only, extra, result.output)
            assert "names no reviewer or organisation" in result.stderr
            assert (root / "sections" / "01-intro.md").read_text() == before
            assert subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                                  check=True).stdout == head


def test_a_reviewer_s_name_is_one_line_of_plain_characters_in_the_commit_message() -> None:
    """A Word author's name went into the commit message as it was: a U+202E reversed the rest of the line in
    `git log`, a line break split the subject, and an empty name left 'Apply review by  from'."""
    from coe_paper.writeback import Reviewer, commit_message

    said = commit_message(Reviewer("Ana\u202eRossi"), [], "r.docx")
    assert said.splitlines()[0] == "Apply review by Ana\\u202eRossi from r.docx", said
    assert "\u202e" not in said
    split = commit_message(Reviewer("Ana\nRossi"), [], "r.docx")
    assert split.splitlines()[0] == "Apply review by Ana Rossi from r.docx"
    assert commit_message(Reviewer("  "), [], "r.docx").splitlines()[0] == "Apply review by (no name) from r.docx"
