"""`coe-paper comments`: a generated .docx gets real comments (with a reply), tracked insertions and deletions,
written with the project's own OOXML functions; extraction must give back exactly who wrote what, when, on
which text, in which section file and on which source line. The same after a LibreOffice round trip."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

import docx_comments
from coe_paper import cli, ooxml, ooxml_review, pipeline
from coe_paper.review import current_project, read_review
from coe_paper.review_model import Review
from conftest import INTRO_BODY, PAPER_YAML, MakeProject, require_client, section_text

W = ooxml.w
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
INTRO = "sections/01-intro.md"
HOUSING = "sections/02-housing.md"
INTRO_WITH_NOTE = INTRO_BODY + "\nA note on scope[^1].\n\n[^1]: The scope is set by the partnership.\n"


@dataclass(frozen=True)
class Note:
    """A comment to add: author, initials, date, paragraphs, and the reply's parent (index into the list)."""

    author: str
    initials: str
    date: str
    paragraphs: tuple[str, ...]
    parent: int | None = None
    done: bool = False


def line_of(root: Path, path: str, text: str) -> int:
    """1-based line of the first line of `path` that contains `text`."""
    for number, line in enumerate((root / path).read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def build(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    root = make_project({INTRO: section_text("intro", INTRO_WITH_NOTE, title="Introduction")})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, result.diagnostics
    return root, result.output


def paragraph_with(root: etree._Element, text: str) -> etree._Element:
    """The first paragraph with `text` that is not a contents entry (the contents list the annex's groups, one of
    them "European Commission services ...")."""
    for p in root.iter(W("p")):
        style = p.find(f"{W('pPr')}/{W('pStyle')}")
        if style is not None and style.get(W("val"), "").startswith("TOC"):
            continue
        if text in "".join(t.text or "" for t in p.iter(W("t"))):
            return p
    raise AssertionError(f"no paragraph with {text!r}")


def isolate(p: etree._Element, fragment: str) -> etree._Element:
    """Split the run holding `fragment` so that the fragment is a run of its own; returns that run."""
    for r in p.iter(W("r")):
        t = r.find(W("t"))
        if t is None or fragment not in (t.text or ""):
            continue
        before, _, after = (t.text or "").partition(fragment)
        pieces = []
        for text in (before, fragment, after):
            piece = deepcopy(r)
            piece_t = piece.find(W("t"))
            assert piece_t is not None
            piece_t.text = text
            piece_t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            pieces.append(piece)
        for piece in pieces:
            r.addprevious(piece)
        r.getparent().remove(r)  # type: ignore[union-attr]
        for piece in (pieces[0], pieces[2]):
            if not (piece.find(W("t")).text or ""):  # type: ignore[union-attr]
                piece.getparent().remove(piece)  # type: ignore[union-attr]
        return pieces[1]
    raise AssertionError(f"no run with {fragment!r}")


def anchor(run: etree._Element, *comment_ids: int) -> None:
    """commentRangeStart before `run`, commentRangeEnd and the reference run after it, for each id."""
    for cid in comment_ids:
        run.addprevious(docx_comments.comment_range_start(cid))
    last = run
    for cid in comment_ids:
        end = docx_comments.comment_range_end(cid)
        last.addnext(end)
        reference = docx_comments.comment_reference(cid)
        end.addnext(reference)
        last = reference


def span(document: etree._Element, comment_id: int, start: str, end: str) -> None:
    """A comment on the text from `start` to `end`, each the words of a run of its own in the first paragraph
    that holds them."""
    first = isolate(paragraph_with(document, start), start)
    first.addprevious(docx_comments.comment_range_start(comment_id))
    last = isolate(paragraph_with(document, end), end)
    last.addnext(docx_comments.comment_range_end(comment_id))
    last.getnext().addnext(docx_comments.comment_reference(comment_id))  # type: ignore[union-attr]


def track(run: etree._Element, kind: str, rev_id: int, author: str, date: str) -> None:
    """Wrap an existing run in a w:ins or w:del."""
    wrapper = ooxml_review.revision(kind, rev_id, author, date)
    run.addprevious(wrapper)
    wrapper.append(ooxml_review.as_deleted(run) if kind == ooxml_review.DEL else run)


def save_with_review(source: Path, target: Path, edit: Callable[[etree._Element, etree._Element], None],
                     notes: list[Note]) -> Path:
    """Copy `source` with the body edited by `edit(document, footnotes)` and `notes` as the comments part."""
    with zipfile.ZipFile(source) as package:
        files = {info.filename: package.read(info.filename) for info in package.infolist()}
    document = etree.fromstring(files["word/document.xml"])
    footnotes = etree.fromstring(files.get("word/footnotes.xml", b"<none/>"))
    edit(document, footnotes)
    para_ids = [f"{index + 1:08X}" for index in range(len(notes))]
    files["word/comments.xml"] = docx_comments.comments_part([
        docx_comments.comment(index, n.author, n.date, n.initials, n.paragraphs,
                      ["00000000"] * (len(n.paragraphs) - 1) + [para_ids[index]])
        for index, n in enumerate(notes)
    ])
    files["word/commentsExtended.xml"] = docx_comments.comments_extended_part(
        [(para_ids[i], para_ids[n.parent] if n.parent is not None else None, n.done) for i, n in enumerate(notes)]
    )
    rels = etree.fromstring(files["word/_rels/document.xml.rels"])
    for rid, kind, name in (("rIdReview1", ooxml_review.REL_COMMENTS, "comments.xml"),
                            ("rIdReview2", ooxml_review.REL_COMMENTS_EXTENDED, "commentsExtended.xml")):
        etree.SubElement(rels, f"{{{RELS_NS}}}Relationship", Id=rid, Type=kind, Target=name)
    types = etree.fromstring(files["[Content_Types].xml"])
    for name, kind in (("/word/comments.xml", docx_comments.CT_COMMENTS),
                       ("/word/commentsExtended.xml", docx_comments.CT_COMMENTS_EXTENDED)):
        etree.SubElement(types, f"{{{TYPES_NS}}}Override", PartName=name, ContentType=kind)
    files["word/document.xml"] = etree.tostring(document, xml_declaration=True, encoding="UTF-8")
    if "word/footnotes.xml" in files:
        files["word/footnotes.xml"] = etree.tostring(footnotes, xml_declaration=True, encoding="UTF-8")
    files["word/_rels/document.xml.rels"] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8")
    files["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            package.writestr(name, data)
    return target


NOTES = [
    Note("Ana Rossi", "AR", "2024-03-01T10:00:00Z", ("Please name the Commission services.", "Which ones?")),
    Note("Jean Martin", "JM", "2024-03-01T11:30:00Z", ("DG REGIO and DG JUST.",), parent=0),
    Note("Lena Schulz", "LS", "2024-03-02T08:15:00Z", ("Say who decides what is affordable.",), done=True),
    Note("Ana Rossi", "AR", "2024-03-02T09:00:00Z", ("Cite the decision.",)),
    Note("Piotr Nowak", "PN", "2024-03-03T12:00:00Z", ("Shorter title?",)),
]
REVIEWER, WHEN = "Lena Schulz", "2024-03-02T08:20:00Z"


def review_edits(document: etree._Element, footnotes: etree._Element, note_in_footnote: bool = True) -> None:
    """The reviewers' work: comments 0 and 1 (a reply) on "Commission services", comment 2 on "accessible
    homes", comment 3 inside the footnote, comment 4 on the title page; an insertion and two deletions."""
    anchor(isolate(paragraph_with(document, "Commission services"), "Commission services"), 0, 1)
    housing = paragraph_with(document, "Affordable and accessible homes")
    anchor(isolate(housing, "accessible homes"), 2)
    union = isolate(housing, " across the Union")
    track(union, ooxml_review.DEL, 901, REVIEWER, WHEN)
    inserted = ooxml.run(etree.Element(W("p")), " and healthy")  # with xml:space="preserve", as Word writes it
    housing.find(f".//{W('commentReference')}/..").addnext(inserted)  # type: ignore[union-attr]
    track(inserted, ooxml_review.INS, 902, REVIEWER, WHEN)
    data = paragraph_with(document, "Members will collect")
    track(isolate(data, "Members "), ooxml_review.DEL, 903, REVIEWER, WHEN)
    track(isolate(data, "will "), ooxml_review.DEL, 904, REVIEWER, WHEN)  # Word splits one deletion over runs
    if note_in_footnote:
        anchor(isolate(paragraph_with(footnotes, "The scope is set"), "The scope is set"), 3)
    else:  # LibreOffice 7.4 cannot open a file with a comment reference inside a footnote
        anchor(isolate(paragraph_with(document, "A note on scope"), "A note on scope"), 3)
    anchor(isolate(paragraph_with(document, "Test Paper"), "Test Paper"), 4)


@pytest.fixture
def reviewed(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    root, built = build(make_project, tmp_path)
    return root, save_with_review(built, tmp_path / "REVIEWED.docx", review_edits, NOTES)


def comment_rows(review: Review) -> list[tuple[object, ...]]:
    rows = []
    for c in review.comments:
        where = (c.place.section.id if c.place.section else None, c.place.line)
        replies = [(r.author, r.date, r.text) for r in c.replies]
        rows.append((c.author, c.initials, c.date, c.text, c.anchor, *where, c.resolved, replies))
    return rows


def test_comments_replies_and_changes_map_to_sources(reviewed: tuple[Path, Path]) -> None:
    root, path = reviewed
    review = read_review(path, current_project(root))
    assert review.mapping == "bookmarks"
    intro_line = line_of(root, INTRO, "Commission services")
    note_line = line_of(root, INTRO, "A note on scope")
    housing_line = line_of(root, HOUSING, "Affordable and accessible homes")
    data_line = line_of(root, HOUSING, "Members will collect")
    assert comment_rows(review) == [
        ("Piotr Nowak", "PN", "2024-03-03T12:00:00Z", "Shorter title?", "Test Paper", None, None, False, []),
        ("Ana Rossi", "AR", "2024-03-01T10:00:00Z", "Please name the Commission services.\nWhich ones?",
         "Commission services", "intro", intro_line, False,
         [("Jean Martin", "2024-03-01T11:30:00Z", "DG REGIO and DG JUST.")]),
        ("Ana Rossi", "AR", "2024-03-02T09:00:00Z", "Cite the decision.", "The scope is set", "intro", note_line,
         False, []),
        ("Lena Schulz", "LS", "2024-03-02T08:15:00Z", "Say who decides what is affordable.", "accessible homes",
         "housing", housing_line, True, []),
    ]
    changes = [(c.kind, c.author, c.date, c.text, c.place.section.id if c.place.section else None, c.place.line)
               for c in review.changes]
    assert changes == [
        ("insertion", REVIEWER, WHEN, " and healthy", "housing", housing_line),
        ("deletion", REVIEWER, WHEN, " across the Union", "housing", housing_line),
        ("deletion", REVIEWER, WHEN, "Members will ", "housing", data_line),
    ]
    assert [s.path for s in review.sections] == [INTRO, HOUSING, "sections/03-outlook.md"]
    assert review.commit == ""  # the temporary project is not a git repository


def test_text_json_and_markdown_output(reviewed: tuple[Path, Path]) -> None:
    root, path = reviewed
    runner = CliRunner()
    text = runner.invoke(cli.app, ["-C", str(root), "comments", str(path)])
    assert text.exit_code == 0, text.output
    intro_line = line_of(root, INTRO, "Commission services")
    assert (f"{INTRO}:{intro_line}: comment by Ana Rossi (2024-03-01 10:00): Please name the Commission services. / "
            'Which ones? [on "Commission services"]') in text.stdout
    assert f"{INTRO}:{intro_line}: reply by Jean Martin (2024-03-01 11:30): DG REGIO and DG JUST." in text.stdout
    assert re.search(r"^\d+ comments, 1 reply, \d+ tracked changes \(mapped by ", text.stderr, re.MULTILINE)
    assert 'REVIEWED.docx: comment by Piotr Nowak (2024-03-03 12:00): Shorter title? [on "Test Paper"]' in text.stdout

    as_json = runner.invoke(cli.app, ["-C", str(root), "comments", str(path), "--format", "json"])
    items = json.loads(as_json.stdout)
    assert [item["kind"] for item in items] == ["comment", "comment", "comment", "comment", "insertion",
                                                "deletion", "deletion"]
    first = items[1]
    assert first["path"] == INTRO and first["line"] == intro_line and first["section"] == "intro"
    assert first["replies"][0] | {"replies": []} == {
        "kind": "reply", "id": "1", "author": "Jean Martin", "initials": "JM", "date": "2024-03-01T11:30:00Z",
        "text": "DG REGIO and DG JUST.", "anchor": "Commission services", "resolved": False, "section": "intro",
        "path": INTRO, "line": intro_line, "since": None, "replies": [],
    }

    sheet = runner.invoke(cli.app, ["-C", str(root), "comments", str(path), "--format", "markdown"]).stdout
    housing = sheet.index("## 2. Housing")
    assert "Lead: **National Agency for Territorial Cohesion**" in sheet[housing:]
    assert "| 1. Introduction | Metropolitan City of Rome | 2 | 0 |" in sheet
    assert "| 2. Housing | National Agency for Territorial Cohesion | 1 | 3 |" in sheet
    assert "> Say who decides what is affordable." in sheet[housing:]
    assert "deleted by **Lena Schulz**, 2024-03-02 08:20: “ across the Union”" in sheet
    assert "## Outside the sections" in sheet and "> Shorter title?" in sheet
    assert "   - Reply by **Jean Martin**, 2024-03-01 11:30: DG REGIO and DG JUST." in sheet


def test_lost_bookmarks_fall_back_to_heading_titles(make_project: MakeProject, tmp_path: Path) -> None:
    root, built = build(make_project, tmp_path)

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        review_edits(document, footnotes)
        for mark in list(document.iter(W("bookmarkStart"))):
            if mark.get(W("name"), "").startswith("_Coe"):
                mark.getparent().remove(mark)  # type: ignore[union-attr]

    path = save_with_review(built, tmp_path / "stripped.docx", edit, NOTES)
    with zipfile.ZipFile(path) as package:  # and no custom property: the document says nothing of its sources
        files = {
            i.filename: package.read(i.filename) for i in package.infolist() if i.filename != "docProps/custom.xml"
        }
    with zipfile.ZipFile(path, "w") as package:
        for name, data in files.items():
            package.writestr(name, data)
    review = read_review(path, current_project(root))
    assert review.mapping == "headings"
    assert [(c.place.section.id if c.place.section else None, c.place.line) for c in review.comments] == [
        (None, None),
        ("intro", None),
        ("intro", None),
        ("housing", None),
    ]
    assert {c.place.section.id for c in review.changes if c.place.section} == {"housing"}


def saved_by_libreoffice(path: Path, tmp_path: Path) -> Path:
    """`path` opened and saved again as .docx by LibreOffice."""
    out = tmp_path / "lo"
    proc = subprocess.run(
        [require_client("soffice"), "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
         "--convert-to", 'docx:MS Word 2007 XML', "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    saved = out / path.name
    assert proc.returncode == 0 and saved.exists(), proc.stderr
    return saved


def test_libreoffice_round_trip_keeps_the_mapping(make_project: MakeProject, tmp_path: Path) -> None:
    root, built = build(make_project, tmp_path)
    path = save_with_review(built, tmp_path / "REVIEWED.docx", lambda d, f: review_edits(d, f, False), NOTES)
    saved = saved_by_libreoffice(path, tmp_path)
    project = current_project(root)
    before, after = read_review(path, project), read_review(saved, project)
    assert after.mapping == "bookmarks"

    def flat(review: Review) -> list[tuple[object, ...]]:
        rows = []
        for c in review.comments:
            for item in (c, *c.replies):  # LibreOffice 7.x keeps replies as comments on the same text
                rows.append((item.author, item.date, item.text, c.anchor,
                             c.place.section.id if c.place.section else None, c.place.line))
        return sorted(rows, key=repr)

    assert flat(after) == flat(before)
    assert [(c.kind, c.author, c.text, c.place) for c in after.changes] == [
        (c.kind, c.author, c.text, c.place) for c in before.changes
    ]


def test_cli_without_a_project_still_maps_paths(reviewed: tuple[Path, Path], tmp_path: Path) -> None:
    _, path = reviewed
    alone = tmp_path / "elsewhere"
    alone.mkdir()
    moved = shutil.copy(path, alone / "copy.docx")
    result = CliRunner().invoke(cli.app, ["-C", str(alone), "comments", str(moved), "--format", "markdown"])
    assert result.exit_code == 0
    assert "Lead: **unknown (no paper project found)**. Source: `sections/02-housing.md`." in result.stdout


def test_comment_in_a_table_maps_to_its_row(make_project: MakeProject, tmp_path: Path) -> None:
    table = "\n| City | Focus |\n|---|---|\n| Rome | housing |\n| Leipzig | energy poverty |\n"
    root = make_project({INTRO: section_text("intro", INTRO_BODY + table, title="Introduction")})
    result = pipeline.assemble(root, tmp_path / "table.docx")
    assert result.output is not None, result.diagnostics

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        anchor(isolate(paragraph_with(document, "energy poverty"), "poverty"), 0)

    path = save_with_review(result.output, tmp_path / "t.docx", edit, NOTES[:1])
    [comment] = read_review(path, current_project(root)).comments
    assert (comment.anchor, comment.place.line) == ("poverty", line_of(root, INTRO, "| Leipzig | energy poverty |"))


def test_a_comment_over_two_sections_is_listed_in_both(make_project: MakeProject, tmp_path: Path) -> None:
    """A comment whose text runs from one section into the next was listed under the first alone: the second
    section's lead never saw it on the review sheet."""
    from coe_paper.review_format import as_json, format_text, review_sheet

    root, built = build(make_project, tmp_path)

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        span(document, 0, "Commission services", "Affordable")

    note = Note("Ana Rossi", "AR", "2024-03-01T10:00:00Z", ("Both sections say this.",))
    project = current_project(root)
    review = read_review(save_with_review(built, tmp_path / "span.docx", edit, [note]), project)
    [comment] = review.comments
    assert comment.place.section is not None and comment.place.section.id == "intro"
    assert [(p.section.id if p.section else None, p.line) for p in comment.reaches] == [("housing", 1)]  # title
    lines = format_text(review).splitlines()
    assert [line.split(":")[0] for line in lines] == [INTRO, "sections/02-housing.md"]
    assert "continued from sections/01-intro.md:" in lines[1] and lines[1].endswith("Both sections say this.")
    assert json.loads(as_json(review))[0]["reaches"][0]["section"] == "housing"
    sheet = review_sheet(review, project)
    housing = sheet[sheet.index("Housing"):]
    assert "continued from section 1" in housing and "Both sections say this." in housing


@pytest.mark.parametrize(("numbering", "intro", "housing", "outlook", "continued"), [
    ("numbering: false\n", "Introduction", "Housing", "Outlook", "“Introduction”"),
    ("", "1. Introduction", "2. Housing", "Annex I Outlook", "section 1"),
])
def test_the_review_sheet_names_the_sections_as_the_paper_numbers_them(
        make_project: MakeProject, tmp_path: Path, numbering: str, intro: str, housing: str, outlook: str,
        continued: str) -> None:
    """The review sheet numbered the sections by their place in the document: a paper with `numbering: false`
    has no "2. Housing" for a lead to look for, and an annex read "3. Outlook" where the paper says "Annex I"."""
    paper = PAPER_YAML.replace("  - id: outlook\n", "  - id: outlook\n    annex: true\n") + numbering
    root = make_project({INTRO: section_text("intro", INTRO_WITH_NOTE, title="Introduction"),
                         "paper/paper.yaml": paper})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, result.diagnostics

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        span(document, 0, "Commission services", "Affordable")
        anchor(isolate(paragraph_with(document, "action plan"), "action plan"), 1)

    notes = [Note("Ana Rossi", "AR", "2024-03-01T10:00:00Z", ("Both sections say this.",)),
             Note("Jean Martin", "JM", "2024-03-01T11:00:00Z", ("Say when.",))]
    reviewed = save_with_review(result.output, tmp_path / "numbered.docx", edit, notes)
    sheet = CliRunner().invoke(cli.app, ["-C", str(root), "comments", str(reviewed), "--format", "markdown"])
    assert sheet.exit_code == 0, sheet.output
    headings = [line for line in sheet.stdout.splitlines() if line.startswith("## ")]
    assert headings == [f"## {intro}", f"## {housing}", f"## {outlook}"]
    rows = [line.split(" | ")[0] for line in sheet.stdout.splitlines() if line.startswith("| ") and "Lead" not in line]
    assert rows == [f"| {intro}", f"| {housing}", f"| {outlook}"]
    assert f"continued from {continued}, on" in sheet.stdout


def test_a_comment_from_the_title_page_or_a_byline_into_a_section_is_listed_there(make_project: MakeProject,
                                                                                  tmp_path: Path) -> None:
    """A comment that started on the title page and ended inside the Introduction was listed against the .docx
    (in JSON with no section), and on the review sheet under "Outside the sections" and, bare, under the
    Introduction; one that started in a byline was at the title's line with nothing to say why. Each is listed in
    the section it ends in, saying where it starts, in Word's markup and after a LibreOffice round trip; `apply`
    counts both as not applied and stops on neither."""
    from coe_paper.review_format import as_json, format_text, review_sheet
    from conftest import cli as run

    root, built = build(make_project, tmp_path)

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        span(document, 0, "Working version", "Commission services")
        span(document, 1, "Lead: National", "Affordable")

    notes = [Note("Ana Rossi", "AR", "2024-03-01T10:00:00Z", ("From the cover.",)),
             Note("Jean Martin", "JM", "2024-03-01T11:00:00Z", ("From the byline.",))]
    word = save_with_review(built, tmp_path / "span.docx", edit, notes)
    project = current_project(root)
    for docx in (word, saved_by_libreoffice(word, tmp_path)):
        found = read_review(docx, project)
        assert [(c.text, c.place.section.id if c.place.section else None, c.place.line, c.starts, c.reaches)
                for c in found.comments] == [("From the cover.", "intro", 1, "outside", []),
                                             ("From the byline.", "housing", 1, "byline", [])], docx
        assert format_text(found).splitlines() == [
            f"{INTRO}:1: comment by Ana Rossi (2024-03-01 10:00): From the cover. [on \"{found.comments[0].anchor}\"] "
            "[starts before the section, on the title page or in the contents]",
            f"{HOUSING}:1: comment by Jean Martin (2024-03-01 11:00): From the byline. [on \"Lead: National Agency "
            "for Territorial Cohesion. Contributors: Rome, DG REGIO. Status: draft. Homes for all Affordable\"] "
            "[starts in the section's byline]"]
        assert [(c["section"], c["line"], c["starts"]) for c in json.loads(as_json(found))] == [
            ("intro", 1, "outside"), ("housing", 1, "byline")]
        sheet = review_sheet(found, project)
        assert "Outside the sections" not in sheet
        intro = sheet[sheet.index("## 1. Introduction") : sheet.index("## 2. Housing")]
        assert "line 1, starts before the section, on the title page or in the contents" in intro
        assert "From the cover." in intro and "From the cover." not in sheet[sheet.index("## 2. Housing") :]
        applied = run("--project", str(root), "apply", str(docx), "--dry-run")
        assert applied.exit_code == 0 and "2 comments are not applied" in applied.stderr, applied.output


def test_a_comment_over_two_sections_names_the_second_as_it_is_today(make_project: MakeProject,
                                                                      tmp_path: Path) -> None:
    """A comment that goes on into a section whose file was renamed since the build (sections renumbered) was
    listed there under the file's old name, which no longer exists, while the rest of the review named today's."""
    from conftest import cli as run
    from conftest import git_commit

    root = make_project({INTRO: section_text("intro", INTRO_WITH_NOTE, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx").output
    assert built is not None

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        span(document, 0, "Commission services", "Affordable")

    docx = save_with_review(built, tmp_path / "span.docx", edit, [Note("Ana Rossi", "AR", "2024-03-01T10:00:00Z",
                                                                       ("Both sections say this.",))])
    subprocess.run(["git", "-C", str(root), "mv", HOUSING, "sections/05-housing.md"], check=True)
    git_commit(root, "Renumber")
    listed = run("--project", str(root), "comments", str(docx), "--format", "json")
    assert listed.exit_code == 0, listed.output
    [comment] = json.loads(listed.stdout)
    assert (comment["path"], [(p["path"], p["line"]) for p in comment["reaches"]]) == (
        INTRO, [("sections/05-housing.md", 1)])
    text = run("--project", str(root), "comments", str(docx))
    assert text.stdout.splitlines()[1].startswith("sections/05-housing.md:1: comment by Ana Rossi"), text.stdout


def test_apply_lists_each_comment_it_does_not_apply_at_its_line(reviewed: tuple[Path, Path]) -> None:
    """apply said only how many comments it left ("4 comments are not applied"); it lists each one, with its
    replies, at its section file and line, as `comments` does (in JSON under `comments`)."""
    root, path = reviewed
    runner = CliRunner()
    applied = runner.invoke(cli.app, ["-C", str(root), "apply", str(path), "--dry-run", "--format", "json"])
    assert applied.exit_code == 0, applied.output
    listed = runner.invoke(cli.app, ["-C", str(root), "comments", str(path), "--format", "json"])
    found = json.loads(applied.stdout)["comments"]
    assert found == [item for item in json.loads(listed.stdout) if item["kind"] == "comment"] and len(found) == 4
    lines = (root / HOUSING).read_text().split("\n")
    housing = next(c for c in found if c["path"] == HOUSING)
    assert housing["anchor"] in lines[housing["line"] - 1]

    applied = runner.invoke(cli.app, ["-C", str(root), "apply", str(path)])
    assert applied.exit_code == 0, applied.output
    assert "and healthy" in (root / HOUSING).read_text()
    listed = runner.invoke(cli.app, ["-C", str(root), "comments", str(path)])
    comment_lines = [line for line in listed.stdout.splitlines() if ": comment by " in line or ": reply by " in line]
    assert len(comment_lines) == 5 and "\n".join(comment_lines) in applied.stderr
    assert f"{HOUSING}:{housing['line']}: comment by Lena Schulz (2024-03-02 08:15): Say who decides what is " \
           'affordable. [on "accessible homes"] [resolved]' in applied.stderr
    assert "4 comments are not applied" in applied.stderr


def test_a_comment_in_a_footnote_is_listed_at_the_footnote_definition(reviewed: tuple[Path, Path]) -> None:
    """A comment on a footnote's words was listed at the line that cites the footnote, where its words are not; a
    tracked change in a footnote was already at the definition. `comments` and apply's list both give the line of
    the definition, `[^1]: ...`."""
    root, path = reviewed
    definition = line_of(root, INTRO, "[^1]: The scope is set")
    assert definition != line_of(root, INTRO, "A note on scope")
    said = (f"{INTRO}:{definition}: comment by Ana Rossi (2024-03-02 09:00): Cite the decision. "
            '[on "The scope is set"]')
    runner = CliRunner()
    listed = runner.invoke(cli.app, ["-C", str(root), "comments", str(path)])
    assert said in listed.stdout.splitlines(), listed.stdout
    applied = runner.invoke(cli.app, ["-C", str(root), "apply", str(path), "--dry-run"])
    assert applied.exit_code == 0 and said in applied.stderr.splitlines(), applied.stderr


def test_apply_lists_comments_at_the_lines_of_the_text_it_wrote(make_project: MakeProject, tmp_path: Path) -> None:
    """After `apply` (written, not a dry run) in a git project, a comment on a line the review changed was listed
    as "(text since changed)", at the line the review had moved it from: its place was worked out against the
    files as apply wrote them, as if someone else had changed them. It is the line of the text apply wrote, with
    nothing added (a line changed since the build by someone else is still said to be)."""
    from conftest import git_commit

    root = make_project({INTRO: section_text("intro", INTRO_WITH_NOTE, title="Introduction")}, git=True)
    built = pipeline.assemble(root, tmp_path / "paper.docx").output
    assert built is not None

    def edit(document: etree._Element, footnotes: etree._Element) -> None:
        review_edits(document, footnotes)
        housing = paragraph_with(document, "Affordable and accessible homes")
        new = etree.Element(W("p"))
        mark = etree.SubElement(etree.SubElement(etree.SubElement(new, W("pPr")), W("rPr")), W("ins"))
        mark.attrib.update({W("id"): "950", W("author"): REVIEWER, W("date"): WHEN})
        track(ooxml.run(new, "A new first paragraph."), ooxml_review.INS, 951, REVIEWER, WHEN)
        housing.addprevious(new)

    docx = save_with_review(built, tmp_path / "REVIEWED.docx", edit, NOTES)
    intro = (root / INTRO).read_text()
    (root / INTRO).write_text(intro.replace("Read about", "Please read about"))  # someone else's, since the build
    git_commit(root, "Reword the pointer")
    runner = CliRunner()
    applied = runner.invoke(cli.app, ["-C", str(root), "apply", str(docx)])
    assert applied.exit_code == 0, applied.output
    housing = (root / HOUSING).read_text()
    assert "A new first paragraph.\n\nAffordable and accessible homes and healthy are" in housing, housing
    listed = [line for line in applied.stderr.splitlines() if ": comment by " in line]
    assert listed == [
        'REVIEWED.docx: comment by Piotr Nowak (2024-03-03 12:00): Shorter title? [on "Test Paper"]',
        f"{INTRO}:{line_of(root, INTRO, 'Commission services')}: comment by Ana Rossi (2024-03-01 10:00): Please "
        'name the Commission services. / Which ones? [on "Commission services"]',
        f"{INTRO}:{line_of(root, INTRO, '[^1]: The scope')}: comment by Ana Rossi (2024-03-02 09:00): Cite the "
        'decision. [on "The scope is set"]',
        f"{HOUSING}:{line_of(root, HOUSING, 'Affordable and accessible')}: comment by Lena Schulz (2024-03-02 "
        '08:15): Say who decides what is affordable. [on "accessible homes"] [resolved]'], applied.stderr
    assert "since" not in applied.stderr, applied.stderr


def test_a_deleted_picture_or_footnote_reference_is_listed(make_project: MakeProject, tmp_path: Path) -> None:
    """A picture or a footnote's reference deleted as a tracked change has no text: `comments` left it out (0 tracked
    changes), and `apply` deleted the picture's line and the footnote all the same. Each is listed, by name."""
    from reviewkit import Reviewer, edit_part, q

    root = make_project({INTRO: section_text("intro", INTRO_WITH_NOTE, title="Introduction")}, git=True)
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, result.diagnostics

    def delete(document: etree._Element) -> None:
        reviewer = Reviewer(document)
        runs = [run for run in document.iter(q("w:r"))
                if run.find(q("w:drawing")) is not None or run.find(q("w:footnoteReference")) is not None]
        assert len(runs) == 2, runs
        for run in runs:
            reviewer._delete(run, "Ana Rossi")

    reviewed = edit_part(result.output, tmp_path / "reviewed.docx", delete)
    changes = read_review(reviewed, current_project(root)).changes
    assert sorted((c.kind, c.text, c.place.section.path if c.place.section else "", c.place.line) for c in changes) == [
        ("deletion", "[footnote reference]", INTRO, line_of(root, INTRO, "A note on scope[^1].")),
        ("deletion", "[picture: A grey square standing in for a chart]", HOUSING,
         line_of(root, HOUSING, "![A grey square standing in for a chart]")),
    ]


def test_formatting_changes_are_listed_with_the_words_they_changed(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """A reviewer's tracked change of formatting (words made bold: w:rPrChange) or of a paragraph's style (a
    heading made a level lower: w:pPrChange) was left out of `comments`, while `apply` acted on the restyle. Each is
    listed at its line with who made it, the runs one change spans as one, beside an insertion in the same runs."""
    root, built = build(make_project, tmp_path)

    def formatted(document: etree._Element, footnotes: etree._Element) -> None:
        words = paragraph_with(document, "regions and Commission services")
        for fragment in ("regions ", "and "):
            rpr = isolate(words, fragment).find(W("rPr"))
            assert rpr is None
            rpr = etree.SubElement(isolate(words, fragment), W("rPr"))
            rpr.append(etree.Element(W("b")))
            change = etree.SubElement(rpr, W("rPrChange"), {W("id"): "950", W("author"): REVIEWER, W("date"): WHEN})
            etree.SubElement(change, W("rPr"))
        track(isolate(words, "and "), ooxml_review.INS, 951, REVIEWER, WHEN)
        heading = paragraph_with(document, "Why equal cities")
        ppr = heading.find(W("pPr"))
        assert ppr is not None
        old = deepcopy(ppr)
        change = etree.SubElement(ppr, W("pPrChange"), {W("id"): "952", W("author"): "Jean Martin",
                                                         W("date"): "2024-03-04T09:00:00Z"})
        change.append(old)

    path = save_with_review(built, tmp_path / "formatted.docx", formatted, [])
    review = read_review(path, current_project(root))
    changes = [(c.kind, c.author, c.text, c.place.line) for c in review.changes]
    assert changes == [
        ("formatting", "Jean Martin", "Why equal cities", line_of(root, INTRO, "## Why equal cities")),
        ("formatting", REVIEWER, "regions and ", line_of(root, INTRO, "regions and Commission")),
        ("insertion", REVIEWER, "and ", line_of(root, INTRO, "regions and Commission")),
    ], changes
    runner = CliRunner()
    text = runner.invoke(cli.app, ["-C", str(root), "comments", str(path)])
    assert text.exit_code == 0, text.output
    assert (f'{INTRO}:{line_of(root, INTRO, "## Why equal cities")}: formatting change by Jean Martin (2024-03-04 '
            '09:00): "Why equal cities"') in text.stdout
    sheet = runner.invoke(cli.app, ["-C", str(root), "comments", str(path), "--format", "markdown"]).stdout
    assert "formatting changed by **Jean Martin**" in sheet and "3 tracked changes" in sheet


def test_a_change_or_comment_with_no_author_says_so(make_project: MakeProject, tmp_path: Path) -> None:
    """A tracked change whose w:author and w:date were left blank (some tools write them so) was listed as
    `insertion by  ()`, and the review sheet made `by ****,` of it. It says that no author is given."""
    root, built = build(make_project, tmp_path)

    def anonymous(document: etree._Element, footnotes: etree._Element) -> None:
        inserted = ooxml.run(etree.Element(W("p")), " and healthy")
        paragraph_with(document, "Affordable and accessible homes").append(inserted)
        track(inserted, ooxml_review.INS, 960, "", "")

    path = save_with_review(built, tmp_path / "anonymous.docx", anonymous, [])
    runner = CliRunner()
    text = runner.invoke(cli.app, ["-C", str(root), "comments", str(path)])
    assert text.exit_code == 0, text.output
    assert 'insertion by (no author given): " and healthy"' in text.stdout, text.stdout
    sheet = runner.invoke(cli.app, ["-C", str(root), "comments", str(path), "--format", "markdown"]).stdout
    assert "inserted by (no author given): “ and healthy”" in sheet and "****" not in sheet, sheet
