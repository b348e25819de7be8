"""`coe-paper import`: Word drafts into section files.

- Self round trip: the bundled paper and the kitchen-sink fixture are assembled, and every section imported back
  from the .docx renders (CommonMark -> HTML) as its source does.
- Foreign drafts: made by pandoc (from known Markdown, styles renamed to localised names) and by LibreOffice (from
  a flat OpenDocument file with an endnote, a text box, a merged cell, tracked changes and a comment). Each becomes
  a valid section with the expected warnings and keeps every word pandoc reads in the draft.
- Hostile or wrong files: a clear message, exit 1, no traceback, nothing written.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from typer.testing import Result

from coe_paper import pipeline
from coe_paper.importer import Options, import_draft
from coe_paper.markdown import content_parser, parse, plain_text
from coe_paper.mdpieces import Piece
from coe_paper.mdwrite import Writer
from coe_paper.project import split_front_matter
from conftest import (
    CONTRIBUTORS_YAML,
    GIT_ENV,
    KITCHEN_SINK,
    REPO_ROOT,
    MakeProject,
    cli,
    kitchen_sink_project,
    require_client,
    tiny_png,
)
from drafts import libreoffice_draft, markdown_words, pandoc_draft, pandoc_words

NO_OUTLOOK = {"sections/03-outlook.md": None}
#: contributors.yaml with a person of ANCT's, for the commits made as the member who wrote the draft
WITH_CLAIRE = CONTRIBUTORS_YAML.replace("    domains: [anct.example.org]\n", "    domains: [anct.example.org]\n"
                                        "    people:\n      - name: Claire Dubois\n"
                                        "        email: claire@anct.example.org\n")


def body_html(body: str) -> str:
    """CommonMark HTML of a body, whitespace-normalised. Raw HTML counts as the literal text Word shows (the
    renderer writes it so), a code block's language and an image's path are left out (Word keeps neither)."""
    md = content_parser()
    tokens = [t for t in md.parse(body) if not (t.type == "html_block" and t.content.lstrip().startswith("<!--"))]
    for token in tokens:  # an HTML comment (a suppression, a note) never reaches Word, so it cannot come back
        if token.type == "html_block":
            token.type = "code_block"
        if token.type == "fence":
            token.info = ""
        for child in token.children or ():
            if child.type == "html_inline" and not re.fullmatch(r"</?su[bp]>", child.content):
                child.type = "text"
            if child.type == "image":
                child.attrs["src"] = "IMAGE"
    return re.sub(r"\s+", " ", md.renderer.render(tokens, md.options, {})).replace("> <", "><").strip()


def section_files(root: Path) -> list[tuple[str, Path]]:
    out = []
    for path in sorted((root / "sections").glob("*.md")):
        parts = split_front_matter(path.read_text(encoding="utf-8"))
        assert parts is not None
        match = re.search(r"^id: (\S+)", parts[0], re.MULTILINE)
        assert match
        out.append((match.group(1), path))
    return out


@pytest.fixture(scope="module")
def papers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Project root and assembled .docx of the bundled paper and of the kitchen sink."""
    folder = tmp_path_factory.mktemp("papers")
    sink = kitchen_sink_project(folder / "kitchen-sink")
    built = {}
    for name, root in (("paper", REPO_ROOT), ("kitchen-sink", sink)):
        result = pipeline.assemble(root, folder / f"{name}.docx")
        assert result.output is not None, result.diagnostics
        built[name] = (root, result.output)
    return built


ROUND_TRIP = [("paper", p.name) for p in sorted((REPO_ROOT / "sections").glob("*.md"))]
ROUND_TRIP += [("kitchen-sink", p.name) for p in sorted((KITCHEN_SINK / "sections").glob("*.md"))]


@pytest.mark.parametrize(("paper", "filename"), ROUND_TRIP)
def test_round_trip_renders_as_the_source(papers: dict[str, tuple[Path, Path]], paper: str, filename: str) -> None:
    root, docx = papers[paper]
    section_id, path = next((i, p) for i, p in section_files(root) if p.name == filename)
    parts = split_front_matter(path.read_text(encoding="utf-8"))
    assert parts is not None
    imported = import_draft(docx, Options(section_id))
    assert body_html(imported.body) == body_html(parts[1])
    title = re.search(r"^title: (.+)$", parts[0], re.MULTILINE)
    assert title and imported.title == title.group(1)
    assert [d.code for d in imported.diagnostics] == ["COE912"]  # only "one section of an assembled paper"


def test_round_trip_image_bytes_and_validation(papers: dict[str, tuple[Path, Path]], tmp_path: Path) -> None:
    root, docx = papers["kitchen-sink"]
    project = shutil.copytree(root, tmp_path / "sink")
    result = cli("--project", str(project), "import", str(docx), "--id", "kitchen-sink", "--lead", "rome",
                 "-o", str(project / "sections" / "01-kitchen-sink.md"))
    assert result.exit_code == 0, result.stderr
    assert "validate sections/01-kitchen-sink.md: 0 errors, 0 warnings" in result.stderr
    image = project / "paper" / "images" / "kitchen-sink-1.png"
    assert image.read_bytes() == (root / "paper" / "images" / "pixel.png").read_bytes()
    assert '![Bar chart of survey priorities](../paper/images/kitchen-sink-1.png "Survey priorities")' in (
        project / "sections" / "01-kitchen-sink.md").read_text(encoding="utf-8")


def test_assembled_paper_without_the_id_is_imported_whole(papers: dict[str, tuple[Path, Path]]) -> None:
    imported = import_draft(papers["kitchen-sink"][1], Options("not-there"))
    assert "COE912" in {d.code for d in imported.diagnostics}
    assert "## Annex: member organisations and their contributions" in imported.body
    assert imported.title == "Kitchen Sink Paper"  # the title page's Title paragraph


# -- foreign drafts ---------------------------------------------------------------------------------------------------


def _import(root: Path, draft: Path, *more: str) -> tuple[Result, str]:
    result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "leipzig", *more)
    path = root / "sections" / "03-outlook.md"
    return result, path.read_text(encoding="utf-8") if path.exists() else ""


def test_pandoc_draft(make_project: MakeProject, tmp_path: Path) -> None:
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png(20, 10))
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft, "--contributors", "rome,anct")
    assert result.exit_code == 0, result.stderr
    assert f"wrote {root / 'sections' / '03-outlook.md'}" in result.stdout
    assert "validate sections/03-outlook.md: 0 errors, 0 warnings" in result.stderr
    front, body, _ = split_front_matter(text) or ("", "", 0)
    assert front == "id: outlook\ntitle: Inclusive housing\nlead: leipzig\ncontributors: [rome, anct]\nstatus: draft"
    assert "## Affordable homes\n" in body  # "Titre 2", a name without an outline level
    assert "### Discrimination\n" in body
    assert ("Rents have risen **faster** than *incomes* in `many` cities ~~before~~, see H<sub>2</sub>O and "
            "x<sup>2</sup>.[^1]") in body
    assert "- first point\n  - nested point\n- second point\n\n1. step one\n2. step two" in body
    assert "| Group | Share |\n|:--|--:|\n| Young people | 12 |" in body
    assert "[a link](https://example.org), [back up](#affordable-homes) and " in body
    assert "![chart of rents](../paper/images/outlook-1.png)" in body
    assert body.rstrip().endswith("[^1]: A footnote with *emphasis*.")
    assert (root / "paper" / "images" / "outlook-1.png").read_bytes() == tiny_png(20, 10)
    missing = Counter(pandoc_words(pandoc, draft)) - markdown_words("Inclusive housing", body)
    assert not missing, missing


def test_libreoffice_draft(make_project: MakeProject, tmp_path: Path) -> None:
    pandoc, soffice = require_client("pandoc"), require_client("soffice")
    draft = libreoffice_draft(soffice, tmp_path)
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    codes = set(re.findall(r"warning (COE9\d\d)", result.stderr))
    assert codes == {"COE901", "COE902", "COE903", "COE904", "COE905", "COE906"}, result.stderr
    assert "2 tracked changes taken as accepted" in result.stderr
    assert "warning COE902 comment by Jean Martin dropped: 'Which cities?'" in result.stderr
    assert "dropped text box (text kept as paragraphs): 1" in result.stderr
    assert "'Measures we propose' is a short paragraph in bold" in result.stderr
    assert "validate sections/03-outlook.md: 0 errors, 0 warnings" in result.stderr
    _, body, _ = split_front_matter(text) or ("", "", 0)
    assert text.startswith("---\nid: outlook\ntitle: Safe streets for everyone\n")
    assert "## Why public space matters\n" in body  # "Überschrift 1" with an outline level
    assert "Members strongly agree on this." in body  # the insertion kept, the deletion gone
    assert "removedword" not in body and "Which cities" not in body
    assert "unsafe[^1]." in body and "[^1]: Survey of twelve member cities in spring." in body  # the endnote
    assert "- Better lighting on footpaths\n  - near stations\n  - near schools\n- Reporting apps" in body
    assert "### Steps\n\n1. Map the dark spots\n2. Repair the lamps" in body
    assert "- Typed bullet about benches\n- Typed bullet about toilets" in body
    assert "Boxed note about night buses" in body
    assert "| Rome and Lyon together | | 2023 |" in body
    assert "[the steps](#steps)" in body
    missing = Counter(pandoc_words(pandoc, draft)) - markdown_words("Safe streets for everyone", body)
    assert not missing


# -- the project side ------------------------------------------------------------------------------------------------


def test_commit_as_the_member(make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project({**NO_OUTLOOK, "contributors.yaml": WITH_CLAIRE}, git=True)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    result, _ = _import(root, draft, "--commit", "--author", "Claire Dubois=anct")
    assert result.exit_code == 0, result.stderr
    log = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%an <%ae>|%cn|%s", "--name-only"],
                         capture_output=True, text=True, check=True).stdout
    assert log.startswith("Claire Dubois <claire@anct.example.org>|Rome Editor|Import outlook from housing.docx")
    assert "sections/03-outlook.md" in log and "paper/images/outlook-1.png" in log
    status = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == ""


def test_commit_refused_before_anything_is_written(make_project: MakeProject, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """--commit where git cannot commit (no repository; no committer identity) is refused before the section and
    its pictures are written: the member's draft is not left half imported."""
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project({**NO_OUTLOOK, "contributors.yaml": WITH_CLAIRE})
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))
    result, text = _import(root, draft, "--commit", "--author", "Claire Dubois=anct")
    assert result.exit_code == 2 and "not in a git repository" in result.stderr and "git init" in result.stderr
    assert text == "" and not list((root / "paper").glob("images/outlook*"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    home = tmp_path / "home"
    home.mkdir()
    for key in ("GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "EMAIL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "none"))
    subprocess.run(["git", "-C", str(root), "config", "user.useConfigOnly", "true"], check=True)
    result, text = _import(root, draft, "--commit", "--author", "Claire Dubois=anct")
    assert result.exit_code == 2 and "user.email" in result.stderr, result.stderr
    assert text == "" and not list((root / "paper").glob("images/outlook*"))


def test_a_path_or_a_write_the_system_refuses_is_a_message(make_project: MakeProject, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`-o` with a name longer than the file system allows, or a write that fails (a full disk), ended the import
    in a traceback."""
    import errno

    from coe_paper import intake

    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project(NO_OUTLOOK)
    long = root / "sections" / ("x" * 300 + ".md")
    result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome", "-o", str(long))
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
    assert f"-o {long}: File name too long" in result.stderr

    def full(path: Path, data: bytes, mode: int | None = None, swept: bool = False) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(intake, "write_atomic", full)
    result, text = _import(root, draft)
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
    assert "cannot write" in result.stderr and "No space left on device" in result.stderr and text == ""
    # the pictures were written, then the section could not be: they go, and one they replaced comes back
    images = root / "paper" / "images"
    images.mkdir(exist_ok=True)
    (images / "outlook-1.png").write_bytes(b"the picture before")
    before = sorted(p.name for p in images.iterdir())
    monkeypatch.undo()
    real = intake.write_atomic

    def sections_full(path: Path, data: bytes, mode: int | None = None, swept: bool = False) -> None:
        if path.suffix == ".md":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, swept=swept)

    monkeypatch.setattr(intake, "write_atomic", sections_full)
    result, text = _import(root, draft)
    assert result.exit_code == 2 and text == "", result.stderr
    assert sorted(p.name for p in images.iterdir()) == before
    assert (images / "outlook-1.png").read_bytes() == b"the picture before"


def test_commit_of_a_section_outside_the_project_is_refused(make_project: MakeProject, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`--commit -o PATH` outside the project wrote the file, then failed with git's own message ('outside
    repository'), leaving a file the request had not asked for without its commit."""
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project({**NO_OUTLOOK, "contributors.yaml": WITH_CLAIRE}, git=True)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    outside = tmp_path / "outlook.md"
    result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--commit", "--author",
                 "Claire Dubois=anct", "-o", str(outside))
    assert result.exit_code == 2, result.output
    assert f"-o {outside}" in result.stderr and "--commit" in result.stderr and "git add failed" not in result.stderr
    assert not outside.exists() and not (root / "paper/images/outlook-1.png").exists()


def test_a_draft_imported_beside_its_section_leaves_the_sections_pictures(make_project: MakeProject,
                                                                           tmp_path: Path) -> None:
    """A draft written beside its section, to compare them, wrote its pictures over the section's (`outlook-1.png`),
    changing the committed section's figures: its own take the next free names; replacing the section still
    replaces them."""
    pandoc = require_client("pandoc")
    root = make_project(NO_OUTLOOK)
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    result, text = _import(root, pandoc_draft(pandoc, tmp_path / "first", tiny_png(20, 10)))
    assert result.exit_code == 0, result.stderr
    assert "](../paper/images/outlook-1.png" in text
    shown = (root / "paper/images/outlook-1.png").read_bytes()
    second = pandoc_draft(pandoc, tmp_path / "second", tiny_png(30, 10))
    aside = root / "compare" / "outlook.md"
    (aside.parent).mkdir()
    result = cli("--project", str(root), "import", str(second), "--id", "outlook", "-o", str(aside))
    assert result.exit_code == 0, result.stderr
    assert (root / "paper/images/outlook-1.png").read_bytes() == shown  # the section's picture, as it was
    assert "](../paper/images/outlook-2.png" in aside.read_text(encoding="utf-8")
    assert (root / "paper/images/outlook-2.png").read_bytes() == tiny_png(30, 10)
    result = cli("--project", str(root), "import", str(second), "--id", "outlook", "-o",
                 str(root / "sections/03-outlook.md"))
    assert result.exit_code == 0, result.stderr
    assert (root / "paper/images/outlook-1.png").read_bytes() == tiny_png(30, 10)  # the section replaced, its picture


def test_usage_problems(make_project: MakeProject, tmp_path: Path) -> None:
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project()
    assert "already sections/03-outlook.md" in _import(root, draft)[0].stderr
    again = cli("--project", str(root), "import", str(draft), "--id", "outlook", "-o", str(root / "sections/09-x.md"))
    assert again.exit_code == 2 and "already sections/03-outlook.md" in again.stderr  # two files of one id
    aside = tmp_path / "outlook-draft.md"  # outside sections/: the new draft beside the section, to compare
    result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "-o", str(aside))
    assert result.exit_code == 0, result.stderr
    assert "id: outlook" in aside.read_text(encoding="utf-8") and "is not in sections/" in result.stderr
    result = cli("--project", str(root), "import", str(draft), "--id", "Bad_Id", "--lead", "rome")
    assert result.exit_code == 2 and "--id 'Bad_Id'" in result.stderr
    result = cli("--project", str(root), "import", str(draft), "--id", "annex", "--commit")
    assert result.exit_code == 2 and "--commit needs --author" in result.stderr
    result = cli("--project", str(root), "import", str(draft), "--id", "annex")
    assert result.exit_code == 2 and "--lead" in result.stderr
    result = cli("--project", str(root), "import", str(draft), "--id", "annex", "--lead", "rome")
    assert result.exit_code == 1  # written, but not in the outline
    assert (root / "sections" / "04-annex.md").exists()
    assert "error COE103 section 'annex' is not in the paper's outline" in result.stderr



def test_output_over_the_papers_own_files_or_onto_a_folder_is_refused(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """`-o` replaces the section with the same id, and nothing else of the paper: `-o sections/01-intro.md` for
    another id overwrote the introduction, `-o paper/paper.yaml` the paper's configuration; a folder or a path
    below a file ended in a traceback."""
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project(NO_OUTLOOK)
    before = {name: (root / name).read_bytes() for name in ("sections/01-intro.md", "paper/paper.yaml",
                                                            "contributors.yaml")}
    for name in before:
        result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome",
                     "-o", str(root / name))
        assert result.exit_code == 2, (name, result.output)
        assert "would overwrite the paper's own files" in result.stderr
    assert {name: (root / name).read_bytes() for name in before} == before
    for target in (root / "sections", root / "paper/paper.yaml/outlook.md"):
        result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome",
                     "-o", str(target))
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        expected = f"'{target}' names a folder" if target.is_dir() else f"-o {target}"
        assert result.exit_code == 2 and expected in result.stderr
    assert not (root / "paper/images/outlook-1.png").exists()


def test_an_existing_id_replaces_its_own_file_and_no_other(make_project: MakeProject, tmp_path: Path) -> None:
    """For an id that a section has already, `-o` was let over any file: `--id intro -o paper/paper.yaml` replaced
    the paper's configuration (and contributors.yaml, a README, a file outside the project) with the draft's
    Markdown, exit 0. Only the section's own file may be replaced."""
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project(NO_OUTLOOK)
    (root / "README.md").write_text("# The paper\n", encoding="utf-8")
    outside = tmp_path / "elsewhere.md"
    outside.write_text("kept\n", encoding="utf-8")
    names = ("paper/paper.yaml", "contributors.yaml", "README.md")
    before = {path: path.read_bytes() for path in [*(root / name for name in names), outside]}
    for path in before:
        result = cli("--project", str(root), "import", str(draft), "--id", "intro", "--lead", "rome", "-o", str(path))
        assert result.exit_code == 2, (path, result.output)
        assert "would overwrite the paper's own files" in result.stderr or "already exists" in result.stderr, path
    assert {path: path.read_bytes() for path in before} == before
    own = root / "sections/01-intro.md"
    result = cli("--project", str(root), "import", str(draft), "--id", "intro", "--lead", "rome", "-o", str(own))
    assert result.exit_code in (0, 1) and own.read_text(encoding="utf-8").startswith("---\nid: intro\n"), result.output


def test_output_over_any_other_existing_file_is_refused(make_project: MakeProject, tmp_path: Path) -> None:
    """Only the paper's own files were guarded: `-o README.md` replaced the project's README and `-o .git/config`
    the repository's configuration with the section's Markdown, without a word."""
    pandoc = require_client("pandoc")
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    root = make_project({**NO_OUTLOOK, "README.md": "# The paper\n"}, git=True)
    elsewhere = tmp_path / "notes.md"
    elsewhere.write_text("kept\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in (root / "README.md", root / ".git" / "config", elsewhere)}
    for path in before:
        result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome",
                     "-o", str(path))
        assert result.exit_code == 2, (path, result.output)
        why = "is inside a .git folder" if path.parent.name == ".git" else "already exists"  # git's own files first
        assert f"-o {path}" in result.stderr and why in result.stderr, result.stderr
    assert {path: path.read_bytes() for path in before} == before
    assert not (root / "paper/images/outlook-1.png").exists()
    result = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome",
                 "-o", str(tmp_path / "new.md"))
    assert result.exit_code == 0, result.output  # a new file outside sections/ is still written

# -- Word constructs whose words must come through -------------------------------------------------------------------

_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
       'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
       'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
       'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
       'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
       'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
       'xmlns:v="urn:schemas-microsoft-com:vml"')


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def text_box(content: str) -> str:
    """A run holding a text box (Word's drawing) whose content is `content` (paragraphs and tables)."""
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wp:docPr id="1" name="Box"/>'
            "<a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>"
            f"{content}</w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
            "</mc:Choice></mc:AlternateContent></w:r>")


def _cell(text: str) -> str:
    return f"<w:tc><w:p>{_run(text)}</w:p></w:tc>"


def _body_draft(folder: Path, body: str) -> Path:
    """A .docx (python-docx's default package) whose body is `body` after a title paragraph."""
    import docx

    draft = folder / "draft.docx"
    docx.Document().save(str(draft))
    with zipfile.ZipFile(draft) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    title = f'<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr>{_run("Draft title")}</w:p>'
    entries["word/document.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_NS}>'
                                    f"<w:body>{title}{body}<w:sectPr/></w:body></w:document>").encode()
    with zipfile.ZipFile(draft, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in entries.items():
            target.writestr(name, data)
    return draft


def test_table_rows_and_cells_in_content_controls_are_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """Word wraps a repeating section's rows, and a form's cells, in content controls (`w:sdt`); their text was
    left out without a word."""
    header = f'<w:tr><w:trPr><w:tblHeader/></w:trPr>{_cell("Name")}{_cell("Share")}</w:tr>'
    rows = (f"<w:sdt><w:sdtPr/><w:sdtContent><w:tr>{_cell('Rome')}{_cell('12')}</w:tr></w:sdtContent></w:sdt>"
            f"<w:tr>{_cell('Lyon')}<w:sdt><w:sdtPr/><w:sdtContent>{_cell('30')}</w:sdtContent></w:sdt></w:tr>"
            f'<w:customXml w:element="row"><w:tr>{_cell("Ghent")}{_cell("7")}</w:tr></w:customXml>')
    draft = _body_draft(tmp_path, f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{header}{rows}"
                                  "</w:tbl>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "| Name | Share |\n|---|---|\n| Rome | 12 |\n| Lyon | 30 |\n| Ghent | 7 |" in text


def test_text_after_a_shape_in_the_same_run_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A run may go on after a drawing (python-docx's `run.add_picture()` then `run.add_text()`): the words after
    it were dropped, and only the shape was reported."""
    run = ('<w:r><w:t xml:space="preserve">Before the shape </w:t><w:pict><v:rect/></w:pict>'
           '<w:t xml:space="preserve"> and after it.</w:t></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{run}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "dropped shape: 1" in result.stderr
    assert re.search(r"Before the shape +and after it\.", text), text


def test_a_horizontal_line_beside_words_is_named(make_project: MakeProject, tmp_path: Path) -> None:
    """Word's Horizontal Line (a VML rectangle marked o:hr) alone in its paragraph is a rule (see
    test_import_pandoc); one beside words has no rule of its own: it is named, and the words are kept."""
    line = ('<w:pict><v:rect style="width:0;height:1.5pt" o:hralign="center" o:hrstd="t" o:hr="t" '
            'xmlns:o="urn:schemas-microsoft-com:office:office"/></w:pict>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Words before the line.')}<w:r>{line}</w:r></w:p>"
                        f"<w:p><w:r>{line}</w:r></w:p><w:p>{_run('Words after it.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "dropped horizontal line in a paragraph with text: 1" in result.stderr
    assert "shape" not in result.stderr
    assert text.endswith("Words before the line.\n\n***\n\nWords after it.\n"), text


def test_every_text_box_of_a_group_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A group of shapes (a diagram) holds several text boxes, Word's VML fallback a copy of each: only the first
    box's text was kept, though the warning says the text of text boxes is."""
    def box(text: str) -> str:
        return f"<wps:wsp><wps:txbx><w:txbxContent><w:p>{_run(text)}</w:p></w:txbxContent></wps:txbx></wps:wsp>"

    def vml(text: str) -> str:
        return f"<v:shape><v:textbox><w:txbxContent><w:p>{_run(text)}</w:p></w:txbxContent></v:textbox></v:shape>"

    group = ('<mc:AlternateContent><mc:Choice Requires="wpg"><w:drawing><wp:anchor><wp:docPr id="1" name="Group"/>'
             f'<a:graphic><a:graphicData><wpg:wgp>{box("Plan the route")}{box("Light the path")}</wpg:wgp>'
             "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:group>"
             f'{vml("Plan the route")}{vml("Light the path")}</v:group></w:pict></mc:Fallback></mc:AlternateContent>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Diagram: ')}<w:r>{group}</w:r></w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "dropped text box (text kept as paragraphs)" in result.stderr
    _, body, _ = split_front_matter(text) or ("", "", 0)
    assert body.split() == ["Diagram:", "Plan", "the", "route", "Light", "the", "path"]


def test_a_text_box_in_a_list_item_keeps_the_list_whole(make_project: MakeProject, tmp_path: Path) -> None:
    """A text box's text, which follows the paragraph holding it, split a list whose item held one: the items after
    it were a second list, which CommonMark starts at "2.". Its text is the item's next paragraph; a text box in an
    empty paragraph after the list stays out of it."""
    def paragraph(text: str, style: str = "", box: str = "") -> str:
        drawing = text_box(f"<w:p>{_run(box)}</w:p>") if box else ""
        return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{_run(text)}{drawing}</w:p>'

    draft = _body_draft(tmp_path, paragraph("Plan", "ListNumber", "Ask the residents")
                        + paragraph("Build", "ListNumber") + paragraph("Light", "ListBullet", "Solar lamps")
                        + paragraph("Paint", "ListBullet") + paragraph("", "", "Costs apart")
                        + paragraph("After the lists."))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "dropped text box (text kept as paragraphs): 3" in result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    html = subprocess.run([require_client("pandoc"), "-f", "commonmark", "-t", "html", "--wrap=none"], input=body,
                          capture_output=True, text=True, check=True).stdout
    assert html.replace("\n", "") == (
        '<ol type="1"><li><p>Plan</p><p>Ask the residents</p></li><li><p>Build</p></li></ol>'
        "<ul><li><p>Light</p><p>Solar lamps</p></li><li><p>Paint</p></li></ul>"
        "<p>Costs apart</p><p>After the lists.</p>")


def test_list_instances_that_count_on_are_one_list(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice saves a numbered list it has split as two list instances of one abstract list; Word counts on
    across them (1, 2), so they are one list: the second item was written as the start of another list ('1)').
    An instance that restarts its level is a list of its own."""
    def item(num: int, text: str) -> str:  # no space between items, as in Word's list styles: a tight list
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num}"/></w:numPr><w:contextualSpacing/>'
                f"</w:pPr>{_run(text)}</w:p>")

    draft = _body_draft(tmp_path, item(1, "Map the services") + item(2, "Ask the residents")
                        + f"<w:p>{_run('Then, again:')}</w:p>" + item(3, "Start over"))
    numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {_NS}>'
                 '<w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
                 '<w:numFmt w:val="decimal"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="7"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="7"/></w:num>'
                 '<w:num w:numId="3"><w:abstractNumId w:val="7"/><w:lvlOverride w:ilvl="0">'
                 '<w:startOverride w:val="1"/></w:lvlOverride></w:num></w:numbering>')
    _set_part(draft, "word/numbering.xml", numbering.encode())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "1. Map the services\n2. Ask the residents\n" in text
    assert "1. Start over" in text or "1) Start over" in text


def _set_part(draft: Path, name: str, data: bytes) -> None:
    with zipfile.ZipFile(draft) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries[name] = data
    with zipfile.ZipFile(draft, "w", zipfile.ZIP_DEFLATED) as target:
        for part, content in entries.items():
            target.writestr(part, content)


def _relate(draft: Path, relationship: str) -> None:
    """Add a relationship (its `<Relationship .../>` element) to the draft's main part."""
    with zipfile.ZipFile(draft) as source:
        rels = source.read("word/_rels/document.xml.rels").decode()
    _set_part(draft, "word/_rels/document.xml.rels", rels.replace("</Relationships>", f"{relationship}</Relationships>"
                                                                 ).encode())


def test_bullets_of_a_list_style_or_a_level_override_stay_bullets(make_project: MakeProject, tmp_path: Path) -> None:
    """A list that takes its levels from a list style (w:numStyleLink, as Word writes one made with "Define New
    List Style") and a list instance that defines a level anew (w:lvl in w:lvlOverride) were read as numbered
    lists, their bullets written as '1.', '2.'."""
    def item(num: int, text: str, level: int = 0) -> str:  # no space between items (Word's list styles): tight
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
                f"<w:contextualSpacing/></w:pPr>{_run(text)}</w:p>")

    bullet = '<w:numFmt w:val="bullet"/><w:lvlText w:val="\u2022"/>'
    numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {_NS}>'
                 f'<w:abstractNum w:abstractNumId="0"><w:styleLink w:val="Bullets"/><w:lvl w:ilvl="0">{bullet}</w:lvl>'
                 f'<w:lvl w:ilvl="1">{bullet}</w:lvl></w:abstractNum>'
                 '<w:abstractNum w:abstractNumId="1"><w:numStyleLink w:val="Bullets"/></w:abstractNum>'
                 '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>'
                 '</w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
                 f'<w:num w:numId="3"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0">{bullet}'
                 '</w:lvl></w:lvlOverride></w:num>'
                 '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num></w:numbering>')
    draft = _body_draft(tmp_path, item(2, "Housing") + item(2, "Transport") + item(2, "Rail", 1)
                        + f"<w:p>{_run('And also:')}</w:p>" + item(3, "Schools") + item(3, "Parks")
                        + f"<w:p>{_run('In order:')}</w:p>" + item(4, "Plan") + item(4, "Build"))
    _set_part(draft, "word/numbering.xml", numbering.encode())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "- Housing\n- Transport\n  - Rail\n" in text
    assert "- Schools\n- Parks\n" in text
    assert re.search(r"\n\d+\. Plan\n\d+\. Build\n", text)  # the instance without the override is numbered still


def test_a_picture_grouped_with_a_text_box_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A group holding a text box and a picture is read as the box's text: the picture was left out unsaid."""
    picture = ('<a:graphicData><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               'r:embed="rId99"/></a:graphicData>')
    group = ('<w:drawing><wp:anchor><wp:docPr id="1" name="Group"/><a:graphic><a:graphicData><wpg:wgp>'
             f"<wps:wsp><wps:txbx><w:txbxContent><w:p>{_run('Caption in a box')}</w:p></w:txbxContent></wps:txbx>"
             f"</wps:wsp>{picture}</wpg:wgp></a:graphicData></a:graphic></wp:anchor></w:drawing>")
    draft = _body_draft(tmp_path, f"<w:p>{_run('Chart: ')}<w:r>{group}</w:r></w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Caption in a box" in text
    assert "warning COE903 dropped picture grouped with a text box: 1" in result.stderr


def test_text_in_bidirectional_embeddings_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """Word holds right-to-left embedded text in `w:dir` and `w:bdo`: the words in them were dropped."""
    draft = _body_draft(tmp_path, f'<w:p>{_run("The sign reads ")}<w:dir w:val="rtl">{_run("مرحبا بكم")}</w:dir>'
                                  f'{_run(" and ")}<w:bdo w:val="rtl">{_run("שלום")}</w:bdo>{_run(".")}</w:p>')
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "The sign reads مرحبا بكم and שלום." in text


def test_the_base_text_of_a_phonetic_guide_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """Ruby (a phonetic guide over East Asian text) holds its base text in the run: it was dropped, guide and
    all, without a word; now the base text stays and the guide is reported."""
    ruby = ("<w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>とうきょう</w:t></w:r></w:rt>"
            "<w:rubyBase><w:r><w:t>東京</w:t></w:r></w:rubyBase></w:ruby></w:r>")
    draft = _body_draft(tmp_path, f"<w:p>{_run('Meeting in ')}{ruby}{_run(' in May.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Meeting in 東京 in May." in text
    assert "warning COE903 dropped phonetic guide (its base text kept): 1" in result.stderr


def test_a_symbol_is_kept_or_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """Insert > Symbol writes a w:sym with the character's code: a Unicode character (an arrow) is kept; a symbol
    font's own (Wingdings' check mark, in the private use area) is reported. Both were dropped without a word."""
    syms = ('<w:r><w:sym w:font="Cambria Math" w:char="2192"/></w:r>'
            '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents ')}{syms}{_run(' fell.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Rents \u2192 fell." in text
    assert "warning COE903 dropped symbol of the font Wingdings: 1" in result.stderr


def test_a_positional_tab_keeps_words_apart(make_project: MakeProject, tmp_path: Path) -> None:
    """A positional tab (w:ptab: a tab set against the margin, as Word's header and footer layouts write) was read
    as nothing, so the words either side of it ran together ('Report2024')."""
    ptab = ('<w:r><w:t>Report</w:t><w:ptab w:relativeTo="margin" w:alignment="right" w:leader="none"/>'
            "<w:t>2024</w:t></w:r>")
    draft = _body_draft(tmp_path, f"<w:p>{ptab}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Report 2024" in text


def _with_pictures(draft: Path) -> None:
    """Give a draft a picture (relationship rPic) and a picture linked from outside it (rLink)."""
    with zipfile.ZipFile(draft) as source:
        rels = source.read("word/_rels/document.xml.rels").decode()
    rels = rels.replace("</Relationships>", (
        '<Relationship Id="rPic" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        'Target="media/pic.png"/><Relationship Id="rLink" TargetMode="External" Target="file:///C:/maps/rome.png" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>'))
    _set_part(draft, "word/_rels/document.xml.rels", rels.encode())
    _set_part(draft, "word/media/pic.png", tiny_png())


def test_the_alt_text_of_a_legacy_picture_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A picture in VML (w:pict, as Word keeps one from a .doc) carries its description as the shape's alt text:
    it was left out, so the image came in without one (COE502)."""
    picture = ('<w:r><w:pict><v:shape id="p1" alt="Map of the tram network" style="width:20pt;height:10pt">'
               '<v:imagedata xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               'r:id="rPic" o:title="" xmlns:o="urn:schemas-microsoft-com:office:office"/></v:shape></w:pict></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{picture}</w:p>")
    _with_pictures(draft)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "![Map of the tram network](../paper/images/outlook-1.png)" in text
    assert "COE502" not in result.stderr


def test_a_linked_picture_is_reported_as_one(make_project: MakeProject, tmp_path: Path) -> None:
    """A picture linked to a file outside the draft (Insert > Pictures > Link to File; LibreOffice saves an HTML
    page's images so) has no bytes to import: it was reported as a 'shape or chart'."""
    picture = ('<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" descr="Map of Rome"/><a:graphic>'
               '<a:graphicData><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               'r:link="rLink"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('The map: ')}{picture}</w:p>")
    _with_pictures(draft)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "The map:" in text
    assert "warning COE903 dropped picture linked to a file outside the draft: 1" in result.stderr
    assert "dropped shape" not in result.stderr



@pytest.mark.parametrize("extension", ["x" * 300, "p ng)", "p\nng"])
def test_a_picture_part_with_a_strange_extension_is_written_as_bin(make_project: MakeProject, tmp_path: Path,
                                                                   extension: str) -> None:
    """A picture's file takes its extension from the draft's part name: one of 300 characters ended import in a
    traceback (the file name too long), one with a space, bracket or line break was written into paper/images
    under that name, and the section's image link broke at it (the picture became literal text)."""
    picture = ('<w:r><w:drawing><wp:inline><wp:docPr id="1" name="Picture 1" descr="Map of rents"/><a:graphic>'
               '<a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
               '<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
               'r:embed="rOdd"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents by district: ')}{picture}</w:p>")
    with zipfile.ZipFile(draft) as source:
        rels = source.read("word/_rels/document.xml.rels").decode()
    target = "media/map." + extension.replace("\n", "&#10;")
    _set_part(draft, "word/_rels/document.xml.rels", rels.replace("</Relationships>", (
        f'<Relationship Id="rOdd" Target="{target}" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"/></Relationships>')).encode())
    _set_part(draft, f"word/media/map.{extension}", tiny_png())
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Rents by district: ![Map of rents](../paper/images/outlook-1.bin)\n" in text
    assert [p.name for p in (root / "paper" / "images").glob("outlook*")] == ["outlook-1.bin"]
    assert (root / "paper" / "images" / "outlook-1.bin").read_bytes() == tiny_png()
    assert "COE910 image outlook-1.bin is a .bin file" in result.stderr

def _field(instruction: str, result: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{instruction}'
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{result}'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_a_field_inside_another_fields_instruction_is_not_text(make_project: MakeProject, tmp_path: Path) -> None:
    """Word nests fields in a field's instruction ({ IF { DOCPROPERTY Status } = "Final" "approved" "pending" }):
    the inner field's result, which Word does not show, came in glued to the outer one's ('Finalapproved'), and
    the outer field was reported under the inner one's name."""
    instruction = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
                   '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
                   + _field(" DOCPROPERTY Status ", _run("Final"))
                   + '<w:r><w:instrText xml:space="preserve"> = "Final" "approved" "pending" </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("approved")
                   + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('The paper is ')}{instruction}{_run(' now.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "The paper is approved now." in text
    assert "dropped field IF: 1" in result.stderr and "dropped field DOCPROPERTY: 1" in result.stderr


def test_a_row_that_starts_after_the_first_column_keeps_its_cells_in_place(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A row that skips grid columns before its first cell (w:gridBefore, as Word writes an indented row) had its
    cells moved left, under the wrong headings."""
    header = f'<w:tr><w:trPr><w:tblHeader/></w:trPr>{_cell("City")}{_cell("2023")}{_cell("2024")}</w:tr>'
    row = f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{_cell("12")}{_cell("15")}</w:tr>'
    draft = _body_draft(tmp_path, "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
                                  f"{header}{row}</w:tbl>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert re.search(r"\n\| +\| 12 \| 15 \|\n", text), text


def test_a_list_numbered_otherwise_than_the_paper_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A list numbered a), b) (or i., ii.) at a level the paper numbers 1., 2. came in as '1.', '2.' without a word,
    so a sentence that cites 'point (b)' no longer matched its list."""
    def item(num: int, text: str, level: int = 0) -> str:  # no space between items (Word's list styles): tight
        return (f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
                f"<w:contextualSpacing/></w:pPr>{_run(text)}</w:p>")

    numbering = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering {_NS}>'
                 '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="lowerLetter"/></w:lvl>'
                 '</w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/>'
                 '</w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="lowerLetter"/></w:lvl></w:abstractNum>'
                 '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
                 '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>')
    draft = _body_draft(tmp_path, item(1, "Housing") + item(1, "Transport") + f"<w:p>{_run('As point (b) says:')}</w:p>"
                        + item(2, "Plan") + item(2, "Stops", 1) + item(2, "Build"))
    _set_part(draft, "word/numbering.xml", numbering.encode())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "1. Housing\n2. Transport\n" in text and "1. Plan\n   1. Stops\n2. Build\n" in text
    assert "warning COE911 list items numbered with letters or Roman numerals where the paper numbers 1., a., i. " \
           "by level: 2" in result.stderr  # the second list is numbered as the paper numbers it


def test_heading_levels_start_at_two_and_skip_none(make_project: MakeProject, tmp_path: Path) -> None:
    """The draft's top heading level becomes `##`, a skipped level is closed up, Word's heading numbers are left
    out; each is reported (COE909)."""
    def heading(level: int, text: str, numbered: bool = False) -> str:
        number = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>' if numbered else ""
        return f'<w:p><w:pPr><w:pStyle w:val="Heading{level}"/>{number}</w:pPr>{_run(text)}</w:p>'

    draft = _body_draft(tmp_path, heading(2, "Rents", True) + heading(4, "Cities") + heading(9, "Rome", True)
                        + heading(3, "Towns") + heading(2, "Wages"))
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip().split("\n\n") == ["## Rents", "### Cities", "#### Rome", "### Towns", "## Wages"]
    assert "COE909 heading numbers (Word's automatic numbering) left out: 2" in result.stderr
    assert "COE909 headings moved up so that no level is skipped (or below level 6): 2" in result.stderr


def test_a_web_link_keeps_the_place_in_the_page_it_leads_to(make_project: MakeProject, tmp_path: Path) -> None:
    """Word keeps the part of a web address after '#' in the link's w:anchor, beside the relationship that holds the
    rest: the link came in without it, to the top of the page (pandoc's reader keeps it)."""
    link = ('<w:hyperlink xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rWeb" '
            f'w:anchor="chapter-2" w:history="1">{_run("the report")}</w:hyperlink>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('See ')}{link}{_run('.')}</w:p>")
    _relate(draft, '<Relationship Id="rWeb" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                   'hyperlink" Target="https://example.org/report.html" TargetMode="External"/>')
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "See [the report](https://example.org/report.html#chapter-2)." in text


def test_a_note_or_picture_on_the_title_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A footnote on the draft's title (which becomes the front matter's `title`, where no note or picture can go)
    was left out without a word, its text with it; so was a picture (a logo) in the title."""
    reference = ('<w:r><w:footnoteReference w:id="1"/></w:r><w:r><w:drawing><wp:inline><wp:docPr id="1" name="Logo"/>'
                 '<a:graphic><a:graphicData><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                 'relationships" r:embed="rPic"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Body text.')}</w:p>")
    with zipfile.ZipFile(draft) as source:
        document = source.read("word/document.xml").decode()
        rels = source.read("word/_rels/document.xml.rels").decode()
    _set_part(draft, "word/document.xml", document.replace(
        f"{_run('Draft title')}</w:p>", f"{_run('Draft title')}{reference}</w:p>", 1).encode())
    _set_part(draft, "word/footnotes.xml", (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {_NS}><w:footnote w:id="1"><w:p>'
        f'<w:r><w:footnoteRef/></w:r>{_run(" Drafted by the housing  working group.")}</w:p></w:footnote>'
        "</w:footnotes>").encode())
    _set_part(draft, "word/_rels/document.xml.rels", rels.replace("</Relationships>", (
        '<Relationship Id="rNotes" Target="footnotes.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"/></Relationships>')).encode())
    _with_pictures(draft)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "title: Draft title\n" in text and "[^" not in text
    assert "warning COE903 dropped pictures in the title: 1" in result.stderr
    assert "warning COE903 dropped the footnote on the title: 'Drafted by the housing working group.'" in result.stderr


def test_hidden_text_is_kept_and_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """Text formatted as hidden (w:vanish), which Word does not show, came into the section as ordinary text
    without a word: the paper would print what the member had hidden."""
    hidden = '<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve">(check the 2021 figure) </w:t></w:r>'
    shown = '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>fell.</w:t></w:r>'
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents ')}{hidden}{shown}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Rents (check the 2021 figure) fell." in text
    assert "warning COE903 dropped hidden text (kept as ordinary text): 1" in result.stderr


# -- hostile and wrong files -----------------------------------------------------------------------------------------


def _docx_with(document: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types xmlns='http://schemas.openxmlformats.org/package/2006/content-types'/>")
        z.writestr("word/document.xml", document)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


HOSTILE = {
    "bomb.docx": (_docx_with(b"<w:document xmlns:w='x'/>", {"word/media/zeros.bin": b"\0" * (8 * 2**20)}),
                  "zip bomb"),
    "dtd.docx": (_docx_with(b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><d>&e;</d>'), "DTD"),
    "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "an Office file of an older kind"),
    "report.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "is a PDF"),
    "draft.odt": (b"PK\x03\x04" + b"\0" * 26 + b"mimetypeapplication/vnd.oasis.opendocument.text", "OpenDocument"),
    "notes.txt": (b"just some text", "not a Word document"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_or_wrong_files(make_project: MakeProject, tmp_path: Path, name: str) -> None:
    data, message = HOSTILE[name]
    draft = tmp_path / name
    draft.write_bytes(data)
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert text == "" and not (root / "sections" / "03-outlook.md").exists()


def test_real_odt_is_refused(make_project: MakeProject, tmp_path: Path) -> None:
    draft = libreoffice_draft(require_client("soffice"), tmp_path, "odt")
    result, _ = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 1 and "is an OpenDocument file (.odt)" in result.stderr and "save it as" in result.stderr



def test_a_draft_of_too_many_pictures_is_refused(make_project: MakeProject, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Each picture of a draft is a file written (and synced) into paper/images: a draft of 4,900 one-pixel pictures
    kept import busy for over a minute writing them. Past the limit it is refused before anything is written."""
    import docx

    from coe_paper import limits

    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, draft_pictures=3))
    for count in (3, 4):
        document = docx.Document()
        document.add_heading("Safe streets", 1)
        for size in range(1, count + 1):  # pictures of different sizes: parts of their own
            (tmp_path / f"p{size}.png").write_bytes(tiny_png(size, 1))
            document.add_picture(str(tmp_path / f"p{size}.png"))._inline.docPr.set("descr", f"Bar {size}")
        draft = tmp_path / f"pictures{count}.docx"
        document.save(str(draft))
        root = make_project(NO_OUTLOOK)
        result, text = _import(root, draft)
        written = sorted(p.name for p in (root / "paper" / "images").glob("outlook-*"))
        if count == 3:
            assert result.exit_code == 0, result.stderr
            assert written == ["outlook-1.png", "outlook-2.png", "outlook-3.png"] and text
        else:
            assert result.exit_code == 1
            assert f"{draft.name} has more than 3 pictures, far more than a section holds" in result.stderr
            assert "Traceback" not in result.stderr and written == [] and text == ""


def test_a_draft_of_a_million_paragraphs_is_refused(make_project: MakeProject, tmp_path: Path) -> None:
    """A 5 MB draft of 1.7 million one-word paragraphs kept import busy for minutes and took gigabytes; past 50,000
    paragraphs (a 100-page paper has about 2,500) it is refused, at once, with nothing written."""
    draft = _body_draft(tmp_path, "".join(f"<w:p>{_run(f'w{n}')}</w:p>" for n in range(50_000)))
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 1 and text == "" and "Traceback" not in result.stderr
    assert "draft.docx: part 'word/document.xml' has more than 50,000 paragraphs" in result.stderr


# -- the Markdown writer ---------------------------------------------------------------------------------------------

_FLAGS = st.frozensets(st.sampled_from(["b", "i", "s", "code", "sup"]), max_size=2)
_TEXT = st.text(alphabet=st.sampled_from([*"ab1 .,*_[]()<>#-+!|`\\&~", "é", "\n"]), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_TEXT, _FLAGS), min_size=1, max_size=6))
@example([("1\n", frozenset(["b"])), (" >", frozenset(["b"]))])  # a space after a break hid '>' from the escaping
def test_inline_keeps_every_character(runs: list[tuple[str, frozenset[str]]]) -> None:
    """Whatever the text and formatting, CommonMark reads back the same characters (spaces aside)."""
    text = Writer().inline([Piece(t, f) for t, f in runs])
    tokens = parse(text)
    inline = [t for t in tokens if t.type == "inline"]
    got = "".join(plain_text(t.children) for t in inline)
    got += "".join(t.content for t in tokens if t.type in ("code_block", "fence"))
    got = re.sub(r"</?su[bp]>", "", "".join(
        c.content if c.type == "html_inline" else "" for t in inline for c in t.children or ())) + got
    assert re.sub(r"\s", "", got) == re.sub(r"\s", "", "".join(t for t, _ in runs))
    assert len([t for t in tokens if t.type == "paragraph_open"]) <= 1


def test_a_paragraph_of_many_runs_keeps_every_word() -> None:
    """A paragraph of 100,000 runs (a hostile draft has one in 4 MB) was written in time growing with the square of
    its length: a copy of the rest of the paragraph at each bold mark, texts merged by adding to a growing string,
    blanks at its start taken off one by one (17 s; about 3 s now, timed by hand, not here). Every word is kept."""
    count = 100_000
    pieces = [Piece("\n")] * 1000 + [Piece(" " if n % 2 else f"w{n}", frozenset({"b"}) if n % 3 else frozenset())
                                      for n in range(count)]
    text = Writer().inline(pieces)
    assert re.findall(r"w\d+", text) == [f"w{n}" for n in range(0, count, 2)]


def test_a_long_code_block_typed_a_line_per_paragraph_is_one_block(tmp_path: Path) -> None:
    """Code typed a line per paragraph (as Word and LibreOffice keep a code block) is one block: each line was added
    to the block's growing text, so 50,000 lines took 13 s to join (2 s now, timed by hand, not here). Every line is
    kept, in order."""
    from coe_paper import wordblocks, wordread
    from coe_paper.importer import convert

    doc = wordread.read(_body_draft(tmp_path, ""))
    try:
        lines = [f"step({n}); " + "x" * 60 for n in range(50_000)]
        doc.blocks = [wordblocks.Paragraph(style_name="Source Code", runs=[wordblocks.Run(line)]) for line in lines]
        imported = convert(doc, "draft.docx", Options("outlook"))
    finally:
        doc.docx.close()
    assert imported.body == "```\n" + "\n".join(lines) + "\n```\n"


def test_a_figure_caption_after_a_table_is_not_the_tables(make_project: MakeProject, tmp_path: Path) -> None:
    """A figure's caption (pandoc's Image Caption style) whose picture is not there (left out, or never put in)
    right after a table became that table's `Table:` line: a table captioned above it then had two, which validate
    reported (COE508), and one without a caption took the figure's. It stays a paragraph of its own."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.add_paragraph("Rents in member cities", style="Title")
    document.styles.add_style("Image Caption", WD_STYLE_TYPE.PARAGRAPH)
    for caption in ("Table 1 \u2013 Share of income spent on rent", ""):
        if caption:
            document.add_paragraph(caption, style="Caption")
        table = document.add_table(rows=2, cols=2)
        for cell, text in zip([c for row in table.rows for c in row.cells], ["City", "Share", "Rome", "31%"],
                              strict=True):
            cell.text = text
        document.add_paragraph("Rents over time in member cities", style="Image Caption")
    draft = tmp_path / "rents.docx"
    document.save(str(draft))
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    assert text.count("Table: ") == 1 and "Table: Share of income spent on rent\n\n| City | Share |" in text, text
    assert text.count("\nRents over time in member cities\n") == 2, text
    assert "COE508" not in result.stderr


def test_captions_of_a_word_draft_become_the_papers_captions(make_project: MakeProject, tmp_path: Path) -> None:
    """A member's draft captions its figures and tables as Word does (the Caption style, "Figure 1: ..." with its
    number a SEQ field, the figure's caption below it, the table's above) or as pandoc does (Image Caption and Table
    Caption, no label): the captions came in as paragraphs of their own, so validate said the figures had none
    (COE506) and the numbers were typed text. They become the image's title and the `Table:` line, without their
    label, which the paper numbers itself; a caption that captions nothing stays a paragraph."""
    import docx

    picture = tmp_path / "rents.png"
    picture.write_bytes(tiny_png(40, 20))
    document = docx.Document()
    document.add_paragraph("Rents in member cities", style="Title")
    document.add_paragraph("Rents have risen faster than incomes.")
    document.add_picture(str(picture))
    document.inline_shapes[0]._inline.docPr.set("descr", "Chart of rents")
    document.add_paragraph("Figure 1: Rents in Rome and Lyon, 2015-2023", style="Caption")
    document.add_paragraph("Table 1 \u2013 Share of income spent on rent", style="Caption")
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip([c for row in table.rows for c in row.cells], ["City", "Share", "Rome", "31%"], strict=True):
        cell.text = text
    document.add_paragraph("Figure 2. A caption with no figure near it", style="Caption")
    document.add_paragraph("Next, a figure captioned above it.")
    document.add_paragraph("Figure 3: Members' cities on a map", style="Caption")
    document.add_picture(str(picture))
    document.inline_shapes[1]._inline.docPr.set("descr", "Map of members")
    draft = tmp_path / "rents.docx"
    document.save(str(draft))
    root = make_project(NO_OUTLOOK)
    result, text = _import(root, draft)
    assert result.exit_code == 0, result.stderr
    assert re.search(r'!\[[^\]]*\]\([^)\s]+ "Rents in Rome and Lyon, 2015-2023"\)', text), text
    assert "Table: Share of income spent on rent\n\n| City | Share |" in text
    assert "Figure 2. A caption with no figure near it" in text
    assert re.search(r'!\[Map of members\]\([^)\s]+ "Members\' cities on a map"\)', text), text
    assert "COE506" not in result.stderr and "Figure 1" not in text and "Figure 3" not in text and "Table 1" not in text
    pandoc = require_client("pandoc")
    source = tmp_path / "pandoc.md"
    source.write_text("Text.\n\n![Rents over time](rents.png)\n\n| City | Share |\n|---|---|\n| Rome | 31% |\n\n"
                      "Table: Share of income on rent\n", encoding="utf-8")
    made = tmp_path / "pandoc.docx"
    subprocess.run([pandoc, str(source), "-o", str(made)], cwd=tmp_path, check=True)
    (root / "sections" / "03-outlook.md").unlink()
    result, text = _import(root, made)
    assert result.exit_code == 0, result.stderr
    assert re.search(r'!\[[^\]]*\]\([^)\s]+ "Rents over time"\)', text), text
    assert "Table: Share of income on rent\n\n| City | Share |" in text and "COE506" not in result.stderr
