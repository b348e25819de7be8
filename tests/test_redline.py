"""`coe-paper assemble --compare REV`: every difference between REV and the work tree is a real Word tracked change,
by the organisation that made it and dated with its commit. Checked with pandoc's docx reader: accepting all
changes must give the new version's text, rejecting them the old version's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from coe_paper import cli, layout, ooxml
from conftest import INTRO_BODY, PAPER_YAML, MakeProject, require_client, section_text

W = ooxml.w
INTRO = "sections/01-intro.md"
HOUSING = "sections/02-housing.md"
OUTLOOK = "sections/03-outlook.md"
ANCT = ("Marie Dupont", "marie@anct.example.org")  # maps to ANCT by its domain
ROME = ("Ana Rossi", "rome@example.org")  # maps to Rome by its e-mail
V2_DATE = "2024-03-05T16:30:00+01:00"

INTRO_V1 = (
    INTRO_BODY
    + """
The plan has three steps:

1. First step of the plan.
2. Second step of the plan.
3. Third step of the plan.

A paragraph that will disappear entirely from the text.

| City | Focus |
|---|---|
| Rome | housing |
| Leipzig | energy |

A note on scope[^1].

[^1]: The original footnote text.
"""
)

INTRO_V2 = (
    INTRO_BODY.replace("Why equal cities", "Why equal cities matter").replace(
        "so that urban policy serves everyone", "so that urban policy truly serves every resident"
    )
    + """
A brand new paragraph written for the second version, with **bold** words.

The plan has three steps:

1. First step of the plan.
2. Second step, agreed in Rome.
3. Third step of the plan.

| City | Focus |
|---|---|
| Rome | affordable housing |
| Leipzig | energy |

A note on scope[^1].

[^1]: The revised footnote text.
"""
)


@pytest.fixture(autouse=True)
def isolated_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user or system git configuration, and no SOURCE_DATE_EPOCH unless a test sets it."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def git(root: Path, *args: str, who: tuple[str, str] = ROME, date: str = "2024-02-01T10:00:00+01:00") -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME=who[0], GIT_AUTHOR_EMAIL=who[1], GIT_COMMITTER_NAME=who[0],
               GIT_COMMITTER_EMAIL=who[1], GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    proc = subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True, check=True)
    return proc.stdout


def repository(make_project: MakeProject, v1: dict[str, str | None]) -> Path:
    """A project committed and tagged v1 by Rome."""
    root = make_project(v1)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "First draft")
    git(root, "tag", "v1")
    return root


def commit_v2(root: Path, files: dict[str, str | None]) -> None:
    """Apply `files` (None deletes) and commit them as ANCT."""
    for name, content in files.items():
        if content is None:
            (root / name).unlink()
        else:
            (root / name).write_text(content, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Second draft", who=ANCT, date=V2_DATE)


def build(root: Path, out: Path, *args: str) -> Path:
    result = CliRunner().invoke(cli.app, ["-C", str(root), "assemble", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


def plain(path: Path, track: str = "accept") -> str:
    """The document's words as pandoc reads them, in document order (table cells row by row, whatever the layout)."""
    pandoc = require_client("pandoc")
    proc = subprocess.run([pandoc, "-f", "docx", "-t", "json", f"--track-changes={track}", str(path)],
                          capture_output=True, text=True, check=True)
    words: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("t") in ("Str", "Code"):
                words.append(str(node["c"] if node["t"] == "Str" else node["c"][1]))
            elif node.get("t") == "OrderedList":  # where numbering starts is part of the text a reader sees
                words.append(f"[list from {node['c'][0][0]}]")
                walk(node["c"][1])
            else:
                walk(node.get("c"))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(json.loads(proc.stdout)["blocks"])
    return " ".join(words)


def body_of(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def text_of(element: etree._Element) -> str:
    return "".join(t.text or "" for t in element.iter(W("t"), W("delText")))


def accepted(p: etree._Element) -> str:
    """A paragraph's text with its changes accepted: everything but deleted text."""
    return "".join(t.text or "" for t in p.iter(W("t")))


def rejected(p: etree._Element) -> str:
    """A paragraph's text with its changes rejected: deleted text back, inserted text out."""
    kept = [t for t in p.iter(W("t"), W("delText")) if not any(a.tag == W("ins") for a in t.iterancestors())]
    return "".join(t.text or "" for t in kept)


def revisions(document: etree._Element) -> list[etree._Element]:
    return list(document.iter(W("ins"), W("del")))


def commit_date_utc(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_accept_gives_new_text_and_reject_gives_old(make_project: MakeProject, tmp_path: Path) -> None:
    root = repository(make_project, {INTRO: section_text("intro", INTRO_V1, title="Introduction")})
    commit_v2(root, {INTRO: section_text("intro", INTRO_V2, title="Introduction"), OUTLOOK: None})
    old = build(root, tmp_path / "old.docx", "--rev", "v1", "--no-layout")
    new = build(root, tmp_path / "new.docx", "--no-layout")
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout")  # the words, not the pages

    assert plain(redline, "accept") == plain(new)
    assert plain(redline, "reject") == plain(old)
    assert plain(new) != plain(old)

    document = body_of(redline)
    changes = revisions(document)
    assert len(changes) > 10
    assert {(c.get(W("author")), c.get(W("date"))) for c in changes} == {
        ("National Agency for Territorial Cohesion", commit_date_utc(V2_DATE))
    }
    heading = next(p for p in document.iter(W("p")) if "Why equal cities" in text_of(p))
    assert [text_of(i) for i in heading.iter(W("ins"))] == [" matter"]  # word by word, heading kept
    gone = next(p for p in document.iter(W("p")) if "disappear entirely" in text_of(p))
    assert gone.find(f"{W('pPr')}/{W('rPr')}/{W('del')}") is not None  # the paragraph mark is deleted too
    assert not list(gone.iter(W("t")))
    added = next(p for p in document.iter(W("p")) if "brand new paragraph" in text_of(p))
    assert added.find(f"{W('pPr')}/{W('rPr')}/{W('ins')}") is not None
    assert not [t for t in added.iter(W("t")) if t.getparent().getparent().tag != W("ins")]  # type: ignore[union-attr]
    outlook = [p for p in document.iter(W("p")) if "Next steps" in text_of(p)]
    assert outlook and all(p.find(f"{W('pPr')}/{W('rPr')}/{W('del')}") is not None for p in outlook)


def test_uncommitted_changes_are_by_uncommitted(make_project: MakeProject, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = repository(make_project, {INTRO: section_text("intro", INTRO_V1, title="Introduction")})
    commit_v2(root, {INTRO: section_text("intro", INTRO_V2, title="Introduction")})
    housing = root / HOUSING
    housing.write_text(housing.read_text().replace("Affordable and accessible", "Affordable, healthy and accessible"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717236000")  # 2024-06-01T10:00:00Z
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1")
    document = body_of(redline)
    homes = next(p for p in document.iter(W("p")) if "accessible homes" in text_of(p))
    assert {(c.get(W("author")), c.get(W("date"))) for c in revisions(homes)} == {
        ("Uncommitted", "2024-06-01T10:00:00Z")
    }
    assert accepted(homes).startswith("Affordable, healthy and accessible homes")
    assert rejected(homes).startswith("Affordable and accessible homes")
    resident = next(p for p in document.iter(W("p")) if "every resident" in text_of(p))
    assert {c.get(W("author")) for c in revisions(resident)} == {"National Agency for Territorial Cohesion"}


@pytest.mark.parametrize("name", ["sections/01-intrö ß.md", "sections/01-région\u0301 ✓.md"])  # a '"' is COE107
def test_changes_to_a_file_git_quotes_are_by_who_made_them(make_project: MakeProject, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           name: str) -> None:
    """git quotes a name with a character past ASCII in its lists of files (`"sections/01-intr\\303\\266 ..."`; a
    '"' too, but Windows cannot hold that name, COE107): the section matched neither its commits (its changes went
    down as the newest commit's member's) nor the work tree's changed files (an uncommitted edit went down as a
    commit's)."""
    root = repository(make_project, {INTRO: None, name: section_text("intro", INTRO_V1, title="Introduction")})
    commit_v2(root, {name: section_text("intro", INTRO_V2, title="Introduction")})
    housing = root / HOUSING
    housing.write_text(housing.read_text().replace("Affordable and accessible", "Affordable, healthy and accessible"))
    git(root, "commit", "-q", "-am", "Third draft", date="2024-04-01T10:00:00+01:00")  # by Rome, the newest
    document = body_of(build(root, tmp_path / "committed.docx", "--compare", "v1", "--no-layout"))
    resident = next(p for p in document.iter(W("p")) if "every resident" in text_of(p))
    assert {c.get(W("author")) for c in revisions(resident)} == {"National Agency for Territorial Cohesion"}
    (root / name).write_text((root / name).read_text() + "\nAn uncommitted paragraph about equal cities.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717236000")  # 2024-06-01T10:00:00Z
    document = body_of(build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout"))
    added = next(p for p in document.iter(W("p")) if "uncommitted paragraph" in text_of(p))
    assert {c.get(W("author")) for c in revisions(added)} == {"Uncommitted"}


def test_an_author_name_with_a_control_character_is_written_without_it(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    """git takes a control character in an author's name (a hostile or careless commit); for an author who maps to
    no organisation the name is the tracked change's w:author, and XML cannot hold it: `assemble --compare` ended in
    lxml's ValueError traceback. The character is left out, as in the text of a section."""
    root = repository(make_project, {INTRO: section_text("intro", INTRO_V1, title="Introduction")})
    (root / INTRO).write_text(section_text("intro", INTRO_V2, title="Introduction"), encoding="utf-8")
    git(root, "commit", "-q", "-am", "Second draft", who=("Guest\x01 Writer", "guest@nowhere.example"))
    document = body_of(build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout"))
    resident = next(p for p in document.iter(W("p")) if "every resident" in text_of(p))
    assert {c.get(W("author")) for c in revisions(resident)} == {"Guest Writer"}


def test_deleted_list_item_and_table_row(make_project: MakeProject, tmp_path: Path) -> None:
    v1 = INTRO_BODY + "\n1. First step.\n2. Second step.\n3. Third step.\n\n| City | Focus |\n|---|---|\n" \
        "| Rome | housing |\n| Leipzig | energy |\n| Vienna | services |\n"
    v2 = INTRO_BODY + "\n1. First step.\n2. Third step.\n\n| City | Focus |\n|---|---|\n| Rome | housing |\n" \
        "| Vienna | services |\n"
    root = repository(make_project, {INTRO: section_text("intro", v1, title="Introduction")})
    commit_v2(root, {INTRO: section_text("intro", v2, title="Introduction")})
    old = build(root, tmp_path / "old.docx", "--rev", "v1", "--no-layout")
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout")
    assert plain(redline, "reject") == plain(old)
    document = body_of(redline)
    items = [p for p in document.iter(W("p")) if text_of(p).endswith("step.")]
    assert [text_of(p) for p in items] == ["First step.", "Second step.", "Third step."]
    assert not revisions(items[0]) and not revisions(items[2])  # kept with the next item now, or no longer: no change
    second = items[1]
    assert second.find(f"{W('pPr')}/{W('rPr')}/{W('del')}") is not None
    assert [text_of(d) for d in second.iter(W("del")) if d.getparent().tag != W("rPr")] == ["Second step."]  # type: ignore[union-attr]
    numbers = [p.find(f".//{W('numId')}").get(W("val")) for p in items]  # type: ignore[union-attr]
    assert len(set(numbers)) == 1  # the deleted item stays in the same list, so rejecting keeps the numbering
    rows = list(document.iter(W("tr")))
    leipzig = next(r for r in rows if "Leipzig" in text_of(r))
    assert leipzig.find(f"{W('trPr')}/{W('del')}") is not None
    assert not list(leipzig.iter(W("t"))) and text_of(leipzig) == "Leipzigenergy"


def test_inserted_list_item_and_table_row(make_project: MakeProject, tmp_path: Path) -> None:
    v1 = INTRO_BODY + "\n- bullet one\n- bullet two\n\n| City | Focus |\n|---|---|\n| Rome | housing |\n"
    v2 = INTRO_BODY + "\n- bullet one\n- bullet two\n- bullet three\n\n| City | Focus |\n|---|---|\n" \
        "| Rome | housing |\n| Vienna | services |\n"
    root = repository(make_project, {INTRO: section_text("intro", v1, title="Introduction")})
    commit_v2(root, {INTRO: section_text("intro", v2, title="Introduction")})
    new = build(root, tmp_path / "new.docx", "--no-layout")
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout")
    assert plain(redline, "accept") == plain(new)
    document = body_of(redline)
    three = next(p for p in document.iter(W("p")) if text_of(p) == "bullet three")
    assert three.find(f"{W('pPr')}/{W('rPr')}/{W('ins')}") is not None
    assert three.find(f".//{W('numPr')}") is not None
    vienna = next(r for r in document.iter(W("tr")) if "Vienna" in text_of(r))
    assert vienna.find(f"{W('trPr')}/{W('ins')}") is not None
    assert all(t.getparent().getparent().tag == W("ins") for t in vienna.iter(W("t")))  # type: ignore[union-attr]


def test_compare_errors_are_clear(make_project: MakeProject, tmp_path: Path) -> None:
    root = repository(make_project, {})
    runner = CliRunner()
    both = runner.invoke(cli.app, ["-C", str(root), "assemble", "--compare", "v1", "--rev", "v1"])
    assert both.exit_code == 2 and "cannot be used with --rev" in both.output
    unknown = runner.invoke(cli.app, ["-C", str(root), "assemble", "--compare", "no-such-tag", "-o",
                                      str(tmp_path / "x.docx")])
    assert unknown.exit_code == 1
    assert "unknown revision 'no-such-tag'" in unknown.output
    assert "Traceback" not in unknown.output
    assert not (tmp_path / "x.docx").exists()



def test_errors_at_the_compared_revision_are_reported_as_of_that_revision(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A section whose front matter was broken at REV was left out of the old paper without a word, so the
    comparison showed all of it as inserted and said nothing of why."""
    intro = section_text("intro", INTRO_V1, title="Introduction")
    root = repository(make_project, {INTRO: intro.replace("title: Introduction", "title: [Introduction", 1)})
    commit_v2(root, {INTRO: intro})
    result = CliRunner().invoke(cli.app, ["-C", str(root), "assemble", "--compare", "v1", "-o",
                                          str(tmp_path / "r.docx")])
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith(INTRO)]
    assert said and all(": warning COE" in line and "at v1: " in line for line in said), result.stderr
    assert "shows what this left out at that revision as inserted" in result.stderr


def test_an_empty_revision_is_a_usage_error(make_project: MakeProject) -> None:
    """`--compare ""` (the CI files' `--compare "$BASE_SHA"` with the variable unset) built the plain paper over the
    document and said nothing of a comparison; `--rev ""` built and reported the work tree."""
    root = repository(make_project, {})
    runner = CliRunner()
    for args in (["assemble", "--compare", ""], ["assemble", "--rev", " "], ["validate", "--rev", ""],
                 ["status", "--rev", ""], ["contributors", "--rev", ""]):
        result = runner.invoke(cli.app, ["-C", str(root), *args])
        assert result.exit_code == 2, (args, result.output)
        assert "revision" in result.stderr and "Traceback" not in result.output
    assert not list(root.glob("build/*.docx"))


def test_one_change_is_counted_in_the_singular(make_project: MakeProject, tmp_path: Path) -> None:
    """A commit that changes no section changes little more than the version on the cover: one deletion, which the
    summary said as "1 deletions"."""
    root = repository(make_project, {INTRO: section_text("intro", INTRO_BODY)})
    (root / "notes.txt").write_text("Minutes of the second meeting.\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Minutes")  # by Rome on v1's date: only the version differs
    target = tmp_path / "changes.docx"
    result = CliRunner().invoke(cli.app, ["-C", str(root), "assemble", "--compare", "v1", "-o", str(target)])
    assert result.exit_code == 0, result.output
    said = re.search(r": (\d+) (insertions?) and (\d+) (deletions?) since v1, as tracked changes", result.stdout)
    assert said is not None, result.stdout
    assert said[3] == "1"  # the version's old text, replaced
    for number, noun in ((said[1], said[2]), (said[3], said[4])):
        assert noun.endswith("s") == (number != "1"), said[0]


def test_default_output_name_and_no_changes(make_project: MakeProject) -> None:
    root = repository(make_project, {})
    result = CliRunner().invoke(cli.app, ["-C", str(root), "assemble", "--compare", "v1"])
    assert result.exit_code == 0, result.output
    target = root / "build" / "test-paper-changes-since-v1.docx"
    assert target.exists()
    assert "0 insertions and 0 deletions since v1" in result.stdout
    assert revisions(body_of(target)) == []


def test_the_comparison_s_contents_give_the_page_of_each_heading(make_project: MakeProject, tmp_path: Path) -> None:
    """The comparison ran no layout pass: its contents had no page numbers, and Word asked to update fields on
    opening. They now carry the pages LibreOffice lays the comparison out on, its changes shown: a changed entry
    the page of the current heading, an inserted entry a page inserted with it (rejecting it leaves none behind),
    and an entry deleted with its heading none."""
    require_client("soffice")
    require_client("pdfinfo")
    long_text = "".join(f"Paragraph {n} of the new chapter, which pushes what follows further down.\n\n"
                        for n in range(60))
    root = repository(make_project, {INTRO: section_text("intro", INTRO_V1, title="Introduction"),
                                     "paper/paper.yaml": PAPER_YAML.replace("max_words: 200", "max_words: 2000")})
    commit_v2(root, {INTRO: section_text("intro", INTRO_V2 + f"\n## A brand new heading\n\n{long_text}",
                                         title="Introduction"), OUTLOOK: None})
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1")
    document = body_of(redline)
    assert not [f for f in document.iter(W("fldChar")) if f.get(W("dirty"))]
    with zipfile.ZipFile(redline) as package:
        assert b"updateFields" not in package.read("word/settings.xml")
    entries = [p for p in document.iter(W("p")) if re.fullmatch(r"TOC\d", ooxml.style_of(p) or "")]
    deleted = [p for p in entries if p.find(f"{W('pPr')}/{W('rPr')}/{W('del')}") is not None]
    assert {text_of(p) for p in deleted} == {"3Outlook", "3.1Next steps"}
    assert not [p for p in deleted if "PAGEREF" in etree.tostring(p, encoding="unicode")]
    pdf, problem = layout.convert_to_pdf(redline, tmp_path)
    assert pdf is not None, problem
    raw = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = [" ".join(page.split()) for page in raw.split("\f")[:-1]]
    seen: dict[str, int] = {}
    for p in entries:
        if p in deleted:
            continue
        words = re.sub(r"^[\d.]+", "", accepted(p)).rstrip("0123456789")
        page = int(re.findall(r"\d+$", accepted(p))[0])
        seen[words] = page
        assert words in pages[page - 1], (words, page)
    assert seen["Why equal cities matter"] <= seen["A brand new heading"] < seen["Housing"]
    new = next(p for p in entries if "A brand new heading" in text_of(p))
    assert new.find(f"{W('pPr')}/{W('rPr')}/{W('ins')}") is not None and rejected(new) == ""


def test_a_paragraph_whose_page_keeping_alone_changed_is_no_change(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """A lead-in ending with a colon is kept on the page of the list after it (w:keepNext); with a paragraph
    written between them it is not. Its words did not change, but the comparison took the two as different kinds of
    paragraph and showed it deleted and inserted whole. Properties that only decide where pages break (keepNext,
    keepLines, widowControl) are no change a reviewer can accept or reject: the paragraph is the same."""
    v1 = INTRO_BODY + "\nThe plan has three steps:\n\n1. First step.\n2. Second step.\n"
    v2 = INTRO_BODY + "\nThe plan has three steps:\n\nA paragraph added between the two.\n\n1. First step.\n" \
        "2. Second step.\n"
    root = repository(make_project, {INTRO: section_text("intro", v1, title="Introduction")})
    commit_v2(root, {INTRO: section_text("intro", v2, title="Introduction")})
    old = build(root, tmp_path / "old.docx", "--rev", "v1", "--no-layout")
    new = build(root, tmp_path / "new.docx", "--no-layout")
    lead_ins = [p for p in body_of(old).iter(W("p")) if text_of(p) == "The plan has three steps:"]
    assert [p.find(f"{W('pPr')}/{W('keepNext')}") is not None for p in lead_ins] == [True]
    lead_ins = [p for p in body_of(new).iter(W("p")) if text_of(p) == "The plan has three steps:"]
    assert [p.find(f"{W('pPr')}/{W('keepNext')}") is not None for p in lead_ins] == [False]
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout")
    assert plain(redline, "reject") == plain(old) and plain(redline, "accept") == plain(new)
    document = body_of(redline)
    lead_ins = [p for p in document.iter(W("p")) if "three steps" in text_of(p)]
    assert [text_of(p) for p in lead_ins] == ["The plan has three steps:"]
    assert not revisions(lead_ins[0])
    added = next(p for p in document.iter(W("p")) if "added between" in text_of(p))
    assert added.find(f"{W('pPr')}/{W('rPr')}/{W('ins')}") is not None


def test_footnotes_are_numbered_as_the_comparison_cites_them(make_project: MakeProject, tmp_path: Path) -> None:
    """Both versions' notes were numbered as they were rendered, the new version's first: after a deleted note the
    references ran 1, 3, 2 and LibreOffice, which gives the note texts to the references in the order of their ids,
    put another note's text under each later reference (in `--compare --pdf` too). The comparison numbers them in
    the order it cites them, old and new together, and holds no note it does not cite."""
    notes = ("\nFirst claim[^a]. Second claim[^b]. Third claim[^c].\n\n[^a]: Alpha source.\n\n[^b]: Bravo source."
             "\n\n[^c]: Charlie source.\n")
    root = repository(make_project, {INTRO: section_text("intro", INTRO_BODY + notes, title="Introduction")})
    fewer = notes.replace("Second claim[^b]", "Second claim").replace("\n\n[^b]: Bravo source.", "")
    commit_v2(root, {INTRO: section_text("intro", INTRO_BODY + fewer, title="Introduction")})
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1")
    cited = [r.get(W("id")) for r in body_of(redline).iter(W("footnoteReference"))]
    assert cited == ["1", "2", "3"]
    with zipfile.ZipFile(redline) as package:
        part = etree.fromstring(package.read("word/footnotes.xml"))
    texts = {n.get(W("id")): "".join(n.itertext()).strip() for n in part.iter(W("footnote"))
             if int(n.get(W("id"), "0")) > 0}
    assert texts == {"1": "Alpha source.", "2": "Bravo source.", "3": "Charlie source."}
    pdf, problem = layout.convert_to_pdf(redline, tmp_path)  # the comparison as LibreOffice lays it out
    assert pdf is not None, problem
    raw = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    shown = " ".join(raw.split())  # the deleted note's number, struck through, comes out after its words
    assert re.search(r"1 Alpha source\. (?:2 )?Bravo source\. (?:2 )?3 Charlie source\.", shown), shown


def test_a_link_to_another_place_in_the_paper_is_a_change(make_project: MakeProject, tmp_path: Path) -> None:
    """A link's words kept and its target changed from one heading to another (`(#housing)` to
    `(#the-data-we-need)`) was no change: the comparison led to the new place and marked nothing. It is compared
    as a changed web address is: the old link deleted, the new one inserted."""
    root = repository(make_project, {})
    intro = (root / INTRO).read_text(encoding="utf-8")
    commit_v2(root, {INTRO: intro.replace("[housing](#housing)", "[housing](#the-data-we-need)")})
    redline = build(root, tmp_path / "redline.docx", "--compare", "v1", "--no-layout")
    paragraph = next(p for p in body_of(redline).iter(W("p")) if "Read about" in text_of(p))
    anchors = {kind: [link.get(W("anchor"), "") for change in paragraph.iter(W(kind))
                      for link in change.iterancestors(W("hyperlink"))] for kind in ("ins", "del")}
    assert [len(found) for found in anchors.values()] == [1, 1], anchors
    assert "data_we_need" in anchors["ins"][0] and "housing" in anchors["del"][0]
    assert "Read about housing and the data we need" in plain(redline, "reject")  # the same words, led elsewhere
    assert "Read about housing and the data we need" in plain(redline, "accept")
