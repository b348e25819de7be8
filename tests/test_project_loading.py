"""Finding and reading a project: path normalisation, the project root, encodings and line endings."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper import pipeline
from coe_paper import project as project_module
from coe_paper.project import ProjectNotFound, find_root, load_project
from coe_paper.revision import GitRevision, parse_batch
from coe_paper.sources import SourceError, WorkTree, normalise
from conftest import INTRO_BODY, MakeProject, git_commit, section_text

INTRO = "sections/01-intro.md"
BROKEN = "## Links\n\nMembers of the partnership wrote this paragraph.\n\nSee [missing](#nope) here.\n"


# -- sources.normalise -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "base", "expected"),
    [
        ("sections/01-intro.md", "", "sections/01-intro.md"),
        ("./sections//01-intro.md", "", "sections/01-intro.md"),
        ("a/../b.md", "", "b.md"),
        ("chart.png", "sections", "sections/chart.png"),
        ("../paper/images/chart.png", "sections", "paper/images/chart.png"),
        ("images\\chart.png", "paper", "paper/images/chart.png"),
        ("..", "sections", ""),
    ],
)
def test_normalise_accepts_paths_inside_the_project(path: str, base: str, expected: str) -> None:
    assert normalise(path, base) == expected


@pytest.mark.parametrize(
    ("path", "base"),
    [
        ("../outside.md", ""),
        ("a/../../outside.md", ""),
        ("../../etc/passwd", "sections"),
        ("..\\..\\etc\\passwd", "sections"),
        ("/etc/passwd", ""),
        ("/etc/passwd", "sections"),
        ("\\\\server\\share\\file", ""),
        ("C:/Windows/win.ini", ""),
        ("c:\\Windows\\win.ini", "sections"),
    ],
)
def test_normalise_refuses_escapes_and_absolute_paths(path: str, base: str) -> None:
    with pytest.raises(SourceError):
        normalise(path, base)


def _normalised_part_by_part(path: str, base: str) -> str | None:
    """What normalise gives, worked out from PurePosixPath's parts alone (None: refused)."""
    if path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        return None
    parts: list[str] = []
    for part in PurePosixPath(base, path.replace("\\", "/")).parts:
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "b.md", ".", "..", "", "é", "a\\b", "c:", " "]), max_size=6),
       st.lists(st.sampled_from(["sections", "paper", "x y", "", "."]), max_size=3))
def test_normalise_gives_what_the_paths_parts_give(segments: list[str], folders: list[str]) -> None:
    """The quick way (a path with no empty, `.` or `..` segment is already normal) and the general one agree."""
    path, base = "/".join(segments), "/".join(folders)
    expected = _normalised_part_by_part(path, base)
    if expected is None:
        with pytest.raises(SourceError):
            normalise(path, base)
    else:
        assert normalise(path, base) == expected


def test_work_tree_refuses_a_symlink_out_of_the_project(make_project: MakeProject, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(section_text("outlook", "Secret text that must not be read into the paper.\n"))
    root = make_project({"sections/03-outlook.md": None})
    (root / "sections" / "03-outlook.md").symlink_to(secret)
    tree = WorkTree(root)
    with pytest.raises(SourceError):
        tree.read_bytes("sections/03-outlook.md")
    assert not tree.exists("sections/03-outlook.md")
    with pytest.raises(SourceError):
        tree.read_bytes("../secret.md")
    assert tree.read_bytes("sections/01-intro.md").startswith(b"---\nid: intro\n")


def test_git_revision_refuses_escapes(make_project: MakeProject) -> None:
    root = make_project(git=True)
    revision = GitRevision(root, "HEAD")
    assert revision.read_bytes("sections/../sections/01-intro.md").startswith(b"---\nid: intro\n")
    with pytest.raises(SourceError):
        revision.read_bytes("../outside.md")
    with pytest.raises(SourceError):
        revision.read_bytes("/etc/passwd")
    assert not revision.exists("../outside.md")


def test_git_revision_reads_the_commit_not_the_work_tree(make_project: MakeProject) -> None:
    root = make_project(git=True)
    (root / INTRO).write_text(section_text("intro", BROKEN), encoding="utf-8")
    assert [d.code for d in pipeline.load(root).diagnostics] == ["COE601"]
    assert pipeline.load(root, "HEAD").diagnostics == []
    git_commit(root, "Break a link")
    assert [d.code for d in pipeline.load(root, "HEAD").diagnostics] == ["COE601"]
    assert pipeline.load(root, "HEAD~1").diagnostics == []
    unknown = pipeline.load(root, "no-such-tag")
    assert [(d.code, d.severity) for d in unknown.diagnostics] == [("COE003", "error")]
    assert "no-such-tag" in unknown.diagnostics[0].message


def test_git_revision_reads_the_paper_in_one_batch(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(git=True)
    revision = GitRevision(root, "HEAD")
    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting_run(command: list[str], **kwargs: Any) -> Any:
        calls.append(command)
        return real_run(command, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting_run)
    names = ["paper/paper.yaml", "contributors.yaml", *revision.list_dir("sections"), "paper/template.docx"]
    for name in names:
        assert revision.read_bytes(name) == (root / name).read_bytes()
    assert len(calls) == 1 and calls[0][-2:] == ["cat-file", "--batch"]


def test_parse_batch_reads_objects_and_skips_missing_ones() -> None:
    output = b"aaa blob 5\nhello\nbbb missing\nccc blob 0\n\nddd blob 3\na\nb\n"
    assert parse_batch(output) == {"aaa": b"hello", "ccc": b"", "ddd": b"a\nb"}


# -- find_root -------------------------------------------------------------------------------------------------


def test_find_root_walks_up(make_project: MakeProject) -> None:
    root = make_project()
    deep = root / "sections" / "drafts" / "old"
    deep.mkdir(parents=True)
    assert find_root(deep) == root.resolve()
    assert find_root(root / "paper") == root.resolve()
    assert find_root(root) == root.resolve()


def test_find_root_takes_the_nearest_project(make_project: MakeProject) -> None:
    outer = make_project()
    inner = make_project(name="inner")
    nested = outer / "sub" / "inner"
    nested.parent.mkdir()
    inner.rename(nested)
    assert find_root(nested / "sections") == nested.resolve()
    assert find_root(outer / "sub") == outer.resolve()


def test_find_root_fails_outside_any_project(tmp_path: Path) -> None:
    (tmp_path / "paper").mkdir()  # a paper folder without paper.yaml is not a project
    with pytest.raises(ProjectNotFound, match=r"no paper/paper\.yaml found"):
        find_root(tmp_path / "paper")


# -- encodings and line endings --------------------------------------------------------------------------------


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def test_crlf_and_bom_files_load(make_project: MakeProject) -> None:
    plain = make_project()
    root = make_project({name: "\ufeff" + crlf((plain / name).read_text(encoding="utf-8"))
                         for name in ("paper/paper.yaml", "contributors.yaml", INTRO)})
    assert (root / INTRO).read_bytes().startswith(b"\xef\xbb\xbf---\r\nid: intro\r\n")
    project, diagnostics = load_project(WorkTree(root))
    assert diagnostics == []
    assert project is not None
    intro = next(s for s in project.sections if s.id == "intro")
    assert "\r" not in intro.body and "\ufeff" not in intro.meta.id
    assert intro.body == "\n" + INTRO_BODY
    assert pipeline.load(root).diagnostics == []
    assert pipeline.assemble(root).output is not None


@pytest.mark.parametrize(
    ("encode", "name"),
    [(crlf, "crlf"), (lambda t: "\ufeff" + t, "bom"), (lambda t: "\ufeff" + crlf(t), "bom+crlf"),
     (lambda t: t.replace("\n", "\r"), "cr")],
)
def test_positions_do_not_move_with_line_endings_or_bom(
    make_project: MakeProject, encode: Callable[[str], str], name: str
) -> None:
    root = make_project({INTRO: encode(section_text("intro", BROKEN))})
    found = pipeline.load(root).diagnostics
    assert [(d.code, d.path, d.line, d.column) for d in found] == [("COE601", INTRO, 13, 15)], name


def test_non_utf8_section_is_coe003(make_project: MakeProject) -> None:
    text = section_text("intro", "## Caf\xe9s\n\nMembers of the partnership wrote this paragraph.\n")
    root = make_project({INTRO: text.encode("cp1252")})
    found = pipeline.load(root).diagnostics
    bad = [d for d in found if d.code == "COE003"]
    assert [(d.severity, d.path, d.line, d.column) for d in bad] == [("error", INTRO, 9, 7)]  # "## Caf" then é
    assert "UTF-8" in bad[0].message and "byte 0xE9 is '\xe9' in Windows-1252" in bad[0].hint
    assert {d.code for d in found} == {"COE003"}  # the section is unreadable, but its file is there: no COE105


def test_non_utf8_paper_yaml_is_coe003(make_project: MakeProject) -> None:
    plain = make_project()
    config = (plain / "paper/paper.yaml").read_text(encoding="utf-8").replace("Test Paper", "Test Paper \u2013 Caf\xe9")
    root = make_project({"paper/paper.yaml": config.encode("latin-1", "replace")})
    loaded = pipeline.load(root)
    assert loaded.project is None
    assert [(d.code, d.path, d.line) for d in loaded.diagnostics] == [("COE003", "paper/paper.yaml", 1)]


def test_utf16_file_is_coe003(make_project: MakeProject) -> None:
    root = make_project({INTRO: section_text("intro", INTRO_BODY).encode("utf-16")})
    found = pipeline.load(root).diagnostics
    assert [(d.code, d.path, d.line) for d in found if d.code == "COE003"] == [("COE003", INTRO, 1)]
    assert "the file is UTF-16" in next(d.hint for d in found if d.code == "COE003")


# -- what a resident process keeps ------------------------------------------------------------------------------


def test_a_resident_process_takes_a_section_again_while_its_text_is_the_same(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once `keep_loaded` was called (a resident process, for its children), a section loaded without a problem is
    taken again while its file's text is the same, without its front matter read again; the front matter's cache
    entry is put back when the cache lost it. A section whose text changed is loaded anew, and one with a problem
    is never kept: its diagnostic is given every time."""
    monkeypatch.setattr(project_module, "_LOADED", None)
    project_module.keep_loaded()
    split = project_module.split_front_matter
    reads: list[str] = []
    monkeypatch.setattr(project_module, "split_front_matter", lambda text: (reads.append(text), split(text))[1])
    root = make_project(git=True)
    first, found = load_project(WorkTree(root))
    assert first is not None and found == [] and len(reads) == len(first.sections) > 1
    again, found = load_project(WorkTree(root))
    assert again is not None and found == [] and len(reads) == len(first.sections)
    assert all(a is b for a, b in zip(again.sections, first.sections, strict=True))

    (root / INTRO).write_text((root / INTRO).read_text(encoding="utf-8") + "\nOne more sentence here.\n",
                              encoding="utf-8")
    changed, _ = load_project(WorkTree(root))
    assert changed is not None and len(reads) == len(first.sections) + 1
    intro = next(s for s in changed.sections if s.path == INTRO)
    assert intro.body.endswith("One more sentence here.\n")

    shutil.rmtree(root / ".git" / "coe-paper-cache")
    kept = project_module.Store(root, "front", "", pack=True)
    load_project(WorkTree(root))
    assert len(kept.key(INTRO, intro.front)) == 64
    assert project_module.Store(root, "front", "", pack=True).get(kept.key(INTRO, intro.front)) is not None

    (root / INTRO).write_text((root / INTRO).read_text(encoding="utf-8") + "A bell \x07 rang.\n", encoding="utf-8")
    for _ in range(2):
        count = len(reads)
        _, found = load_project(WorkTree(root))
        assert [d.code for d in found] == ["COE004"] and len(reads) == count + 1
