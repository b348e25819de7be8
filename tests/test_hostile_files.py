"""Hostile files and repositories (issue 11): oversized sections, merge conflicts, symbolic links out of the project,
git missing or refusing the repository, shallow clones, Ctrl-C. Each ends in a diagnostic naming the file (and the
line where there is one) and a non-zero exit, never a traceback."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import coe_paper
from coe_paper import cli as cli_module
from coe_paper import limits, pipeline
from conftest import (
    GIT_ENV,
    HOUSING_BODY,
    INTRO_BODY,
    PAPER_YAML,
    MakeProject,
    bomb_png,
    cli,
    git_commit,
    real_jpeg,
    section_text,
    tiny_png,
)
from scaling import growth

INTRO = "sections/01-intro.md"


PAPER_LOGO = PAPER_YAML + "cover:\n  logos:\n    - path: paper/images/dot.png\n      alt: Partnership logo\n"


def outside(tmp_path: Path, name: str = "elsewhere") -> Path:
    folder = tmp_path / name
    folder.mkdir(exist_ok=True)
    return folder


# -- size ------------------------------------------------------------------------------------------------------


def test_oversized_section_is_refused_before_it_is_read(make_project: MakeProject) -> None:
    """A section over the limit is refused by its size: one four times as large takes no longer to refuse (read and
    parsed, it took four times as long)."""
    def validating(repeats: int) -> Callable[[], object]:
        root = make_project({INTRO: section_text("intro", "Members wrote this. " * repeats, title="Introduction")})
        return lambda: cli("--project", str(root), "validate")

    assert growth(validating, 250_000, bound=2) < 2  # 5 MB and 20 MB: over the 1 MB limit
    words = "Members wrote this. " * 250_000
    result = cli("--project", str(make_project({INTRO: section_text("intro", words, title="Introduction")})),
                 "validate")
    assert result.exit_code == 1
    assert f"{INTRO}: error COE008 '{INTRO}' is 4.8 MB, over the limit of 1 MB" in result.stderr
    assert "COE301" not in result.stderr  # refused before parsing, so never counted


def test_oversized_section_at_a_revision_is_refused_too(make_project: MakeProject) -> None:
    root = make_project({INTRO: section_text("intro", "word " * 300_000, title="Introduction")}, git=True)
    result = cli("--project", str(root), "validate", "--rev", "HEAD")
    assert result.exit_code == 1
    assert "error COE008" in result.stderr and INTRO in result.stderr


def test_a_section_of_brackets_is_refused_before_it_is_parsed(make_project: MakeProject,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """markdown-it looks for the closing bracket of every '[' (about 0.15 ms each): a 1 MB section of 'a [' kept
    validate busy for minutes. More '[' than the limit is COE008 at the first one past it, and nothing is parsed;
    a section at the limit is read as ever."""
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, markdown_brackets=300))
    body = "## Brackets\n\n" + "[" * 99 + "\n" + "[" * 100 + "\n" + "[" * 100  # and the front matter's one
    root = make_project({INTRO: section_text("intro", body + "\n", title="Introduction")})
    assert cli("--project", str(root), "validate").exit_code == 0
    (root / INTRO).write_text(section_text("intro", body + "\n[ and the last\n", title="Introduction"), "utf-8")
    lines = (root / INTRO).read_text(encoding="utf-8").splitlines()
    last = lines.index("[ and the last") + 1
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{INTRO}:{last}:1: error COE008 more than 300 '[' in one section" in result.stderr
    assert "COE301" not in result.stderr  # not parsed, so its words are not counted


# -- merge conflicts -------------------------------------------------------------------------------------------


def conflicted_repository(make_project: MakeProject) -> Path:
    """A real merge that conflicts on the intro's first paragraph, left unresolved."""
    root = make_project(git=True)
    env = {**os.environ, **GIT_ENV}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, check=False)

    intro = root / INTRO
    git("checkout", "-q", "-b", "other")
    intro.write_text(intro.read_text().replace("so that urban", "so that every urban"))
    git("commit", "-q", "-am", "other")
    git("checkout", "-q", "main")
    intro.write_text(intro.read_text().replace("so that urban", "so that all urban"))
    git("commit", "-q", "-am", "main")
    git("merge", "-q", "other")
    assert "<<<<<<<" in intro.read_text()
    return root


def test_merge_conflict_markers_are_an_error_with_line(make_project: MakeProject) -> None:
    root = conflicted_repository(make_project)
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{INTRO}:11:1: error COE011 merge conflict left in the file (lines 11-15)" in result.stderr
    built = cli("--project", str(root), "assemble")
    assert built.exit_code == 1
    assert not (root / "build").exists()


def test_conflict_in_paper_yaml_is_reported_alone(make_project: MakeProject) -> None:
    paper = (Path(make_project()) / "paper/paper.yaml").read_text()
    conflicted = paper.replace("status: Draft\n", "<<<<<<< HEAD\nstatus: Draft\n=======\nstatus: Final\n>>>>>>> b\n")
    root = make_project({"paper/paper.yaml": conflicted})
    result = cli("--project", str(root), "validate")
    assert "paper/paper.yaml:4:1: error COE011 merge conflict left in the file (lines 4-8)" in result.stderr
    assert "COE001" not in result.stderr


def test_setext_heading_underline_is_not_a_conflict(make_project: MakeProject) -> None:
    body = "Why equal cities\n=======\n\n" + INTRO_BODY
    root = make_project({INTRO: section_text("intro", body, title="Introduction")})
    assert "COE011" not in cli("--project", str(root), "validate").stderr


# -- symbolic links out of the project -------------------------------------------------------------------------


def test_sections_folder_linked_out_of_the_project(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    target = outside(tmp_path)
    (root / "sections").rename(target / "sections")
    (root / "sections").symlink_to(target / "sections")
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert "sections: error COE005 'sections' leads outside the project through a symbolic link" in result.stderr
    assert "COE105" not in result.stderr and "COE104" not in result.stderr  # one mistake, one error: not three more
    status = cli("--project", str(root), "status", "--format", "json")
    rows = {(row["id"], row["status"], row["path"], row["errors"]) for row in json.loads(status.stdout)}
    assert rows == {(name, "invalid", "sections", 1) for name in ("intro", "housing", "outlook")}, rows


def test_templates_folder_linked_out_of_the_project(make_project: MakeProject, tmp_path: Path) -> None:
    target = outside(tmp_path)
    (target / "byline.md.j2").write_text("{{ section.title }}\n")
    root = make_project()
    (root / "paper" / "templates").symlink_to(target)
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command)
        assert result.exit_code == 1, command
        assert "paper/paper.yaml:7:1: error COE005 templates: 'paper/templates' leads outside" in result.stderr


def test_image_linked_out_of_the_project_says_so(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    picture = outside(tmp_path) / "dot.png"
    (root / "paper/images/dot.png").rename(picture)
    (root / "paper/images/dot.png").symlink_to(picture)
    result = cli("--project", str(root), "validate")
    assert "sections/02-housing.md:13:42: error COE503 image '../paper/images/dot.png' leads outside" in result.stderr
    assert "COE501" not in result.stderr


@pytest.mark.parametrize("name", ["contributors.yaml", "paper/images/dot.png"])
def test_a_named_pipe_in_place_of_a_file_is_refused_at_once(make_project: MakeProject, name: str) -> None:
    """A file the paper reads that is a named pipe is reported, not waited on: opening one for reading waits for a
    writer, and validate hung (contributors.yaml, a cover logo)."""
    root = make_project({"paper/paper.yaml": PAPER_LOGO} if "images" in name else {})
    (root / name).unlink()
    os.mkfifo(root / name)
    env = {**os.environ, "PYTHONPATH": str(Path(coe_paper.__file__).resolve().parents[1]), "COE_PAPER_RESIDENT": "0"}
    proc = subprocess.run([sys.executable, "-m", "coe_paper", "--project", str(root), "validate"], capture_output=True,
                          text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    if name == "contributors.yaml":
        assert "contributors.yaml: error COE003 cannot read 'contributors.yaml': it is a pipe, device or socket" in (
            proc.stderr)
    else:
        assert "paper/paper.yaml:" in proc.stderr
        assert "COE501 logo 'paper/images/dot.png' is a pipe, device or socket, not a file" in proc.stderr


def test_a_named_pipe_as_the_spelling_dictionary_is_named_not_waited_on(make_project: MakeProject) -> None:
    """`checks.dictionary` naming named pipes (`mkfifo words.aff words.dic`): validate waited for a writer for ever.
    They are named, spelling is not checked (as without a dictionary), and the other checks run."""
    root = make_project({"paper/paper.yaml": PAPER_YAML + "checks:\n  dictionary: paper/words\n"})
    for suffix in (".aff", ".dic"):
        os.mkfifo(root / f"paper/words{suffix}")
    env = {**os.environ, "PYTHONPATH": str(Path(coe_paper.__file__).resolve().parents[1]), "COE_PAPER_RESIDENT": "0"}
    proc = subprocess.run([sys.executable, "-m", "coe_paper", "validate", "--strict"], cwd=root, capture_output=True,
                          text=True, env=env, timeout=60, check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert ("paper/paper.yaml:20:3: warning COE721 paper/words.aff is a pipe, device, socket or folder, not a file: "
            "spelling not checked") in proc.stderr


def test_a_folder_in_place_of_a_picture_or_logo_is_named_as_one(make_project: MakeProject) -> None:
    """A folder, or a named pipe, where a section's picture or a cover logo is named was 'not found', though it is
    there: the diagnostic says what is in the picture's place."""
    root = make_project({"paper/paper.yaml": PAPER_LOGO})
    (root / "paper/images/dot.png").unlink()
    (root / "paper/images/dot.png").mkdir()
    (root / "paper/images/dot.png/logo.png").write_bytes(tiny_png())
    git_commit(root)
    for rev, at in (((), ""), (("--rev", "HEAD"), " at revision HEAD")):
        result = cli("--project", str(root), "validate", *rev)
        assert result.exit_code == 1
        assert f"COE501 logo 'paper/images/dot.png' is a folder{at}, not a file" in result.stderr
        assert (f"sections/02-housing.md:13:42: error COE501 image '../paper/images/dot.png' is a folder{at}, not a "
                "file (paper/images/dot.png)") in result.stderr
        assert "not found" not in result.stderr


def test_an_image_or_logo_over_the_size_limit_is_coe008(make_project: MakeProject,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A picture is read within a bound (that of a part of a reviewer's .docx, so the paper stays one coe-paper can
    read back), checked on its size before it is read."""
    root = make_project({"paper/paper.yaml": PAPER_LOGO})
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, image_bytes=16))
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    size = (root / "paper/images/dot.png").stat().st_size
    over = f"'paper/images/dot.png' is {size} bytes, over the limit of 16 bytes for this kind of file"
    assert f"sections/02-housing.md:13:42: error COE008 image {over}" in result.stderr
    assert re.search(rf"paper/paper.yaml:\d+:\d+: error COE008 logo {re.escape(over)}", result.stderr)
    assert "COE505" not in result.stderr


def test_a_picture_of_too_many_pixels_is_coe008(make_project: MakeProject, tmp_path: Path) -> None:
    """A small file may hold a huge picture (a decompression bomb): 20,000 x 10,000 pixels in a few KB, which Word,
    LibreOffice and a browser unpack whole to show it. It is refused as a file too large is; a picture 20,000
    pixels wide but short is a genuine banner and is kept."""
    bomb = bomb_png(20_000, 10_000)
    assert len(bomb) < 100_000
    root = make_project({"paper/paper.yaml": PAPER_LOGO, "paper/images/dot.png": bomb,
                         "paper/images/banner.png": bomb_png(20_000, 2)})
    started = time.monotonic()
    result = cli("--project", str(root), "validate")
    assert time.monotonic() - started < 30
    assert result.exit_code == 1
    over = "is 20,000 x 10,000 pixels, over the 100,000,000 a picture may have"
    assert f"sections/02-housing.md:13:42: error COE008 image '../paper/images/dot.png' {over}" in result.stderr
    assert re.search(rf"paper/paper.yaml:\d+:\d+: error COE008 logo 'paper/images/dot.png' {over}", result.stderr)
    assert "COE505" not in result.stderr and "Traceback" not in result.stderr
    result = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx"))
    assert result.exit_code == 1 and not (tmp_path / "paper.docx").exists()
    (root / "paper/images/dot.png").write_bytes((root / "paper/images/banner.png").read_bytes())
    result = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx"))
    assert result.exit_code == 0, result.stderr
    from docx import Document

    shapes = Document(str(tmp_path / "paper.docx")).inline_shapes
    assert any(shape.width > 100 * shape.height for shape in shapes)  # the banner, at the column's width


def test_a_picture_cut_short_is_coe505_at_the_line_naming_it(make_project: MakeProject, tmp_path: Path) -> None:
    """A JPEG whose header is whole but whose data stops early (an upload or copy cut short) passed validate, only
    its header being read, and went into the document (python-docx reads a PNG's chunks up to its end chunk, but
    not that chunk's checksum); the whole ones still go in."""
    jpeg, png = real_jpeg(tmp_path), tiny_png(300, 200)
    assert jpeg.endswith(b"\xff\xd9") and png.endswith(b"IEND\xaeB`\x82")
    logo = PAPER_LOGO.replace("dot.png", "logo.jpg")
    root = make_project({"paper/paper.yaml": logo, "paper/images/dot.png": png[:-4],
                         "paper/images/logo.jpg": jpeg[: len(jpeg) - 40]}, git=True)
    cli("--project", str(root), "validate")  # the second run has the pictures' facts from the cache
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert ("sections/02-housing.md:13:42: error COE505 image '../paper/images/dot.png' ends early: the PNG's end "
            "chunk (IEND) is missing or incomplete") in result.stderr
    assert ("paper/paper.yaml:21:7: error COE505 logo 'paper/images/logo.jpg' ends early: the JPEG's end-of-image "
            "marker is missing") in result.stderr
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx")).exit_code == 1
    assert not (tmp_path / "paper.docx").exists()
    (root / "paper/images/dot.png").write_bytes(png)
    (root / "paper/images/logo.jpg").write_bytes(jpeg + b"\x00" * 16)  # padding after the end, as cameras write
    result = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx"))
    assert result.exit_code == 0, result.stderr
    from docx import Document

    package = Document(str(tmp_path / "paper.docx")).part.package
    pictures = {part.blob for part in package.iter_parts() if part.content_type.startswith("image/")}
    assert {png, jpeg + b"\x00" * 16} <= pictures


def test_template_docx_linked_out_of_the_project_says_so(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    template = outside(tmp_path) / "template.docx"
    (root / "paper/template.docx").rename(template)
    (root / "paper/template.docx").symlink_to(template)
    result = cli("--project", str(root), "validate")
    assert "paper/paper.yaml:6:1: error COE005 template: 'paper/template.docx' leads outside" in result.stderr
    assert "not found" not in result.stderr


def test_symbolic_link_committed_to_git_is_not_followed_out(make_project: MakeProject, tmp_path: Path) -> None:
    secret = outside(tmp_path) / "secret.md"
    secret.write_text(section_text("intro", "A secret kept outside the project.", title="Secret"))
    root = make_project()
    (root / INTRO).unlink()
    (root / INTRO).symlink_to(secret)
    git_commit(root)
    result = cli("--project", str(root), "validate", "--rev", "HEAD")
    assert result.exit_code == 1
    assert f"{INTRO}: error COE005 '{INTRO}' leads outside the project through a symbolic link" in result.stderr


def test_symbolic_link_inside_the_project_is_followed_at_a_revision(make_project: MakeProject) -> None:
    root = make_project()
    (root / "paper/images/chart.png").write_bytes((root / "paper/images/dot.png").read_bytes())
    (root / "paper/images/dot.png").unlink()
    (root / "paper/images/dot.png").symlink_to("chart.png")
    git_commit(root)
    result = cli("--project", str(root), "validate", "--rev", "HEAD")
    assert result.exit_code == 0, result.stderr


def test_a_section_link_that_leads_nowhere_is_an_error_as_at_a_revision(make_project: MakeProject) -> None:
    """A section that is a link to a file since moved, or to a folder: in the work tree it was left out without a
    word (the paper built without it), while at a revision the same link was COE003."""
    root = make_project(git=True)
    (root / "sections/05-moved.md").symlink_to("05-moved-away.md")  # the file has since moved
    (root / "sections/04-folder.md").symlink_to(".")
    git_commit(root, "Links")
    for args in ([], ["--rev", "HEAD"]):
        result = cli("--project", str(root), "validate", *args)
        assert result.exit_code == 1, (args, result.stderr)
        assert "sections/05-moved.md: error COE003" in result.stderr, (args, result.stderr)
        assert "sections/04-folder.md: error COE003" in result.stderr, (args, result.stderr)


def test_symbolic_link_loops_are_errors_not_tracebacks(make_project: MakeProject, tmp_path: Path) -> None:
    """A link that leads to itself (`ln -s loop.md loop.md`) made Python's resolve() raise RuntimeError: a section,
    an output or --project so linked ended the command in a traceback."""
    root = make_project(git=True)
    (root / "sections/05-loop.md").symlink_to("05-loop.md")
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 1
    assert "sections/05-loop.md: error COE003 cannot read 'sections/05-loop.md': a symbolic link loop" in checked.stderr
    (root / "sections/05-loop.md").unlink()
    (root / "build").mkdir()
    (root / "build/loop").symlink_to("loop")
    for target in (root / "build/loop", root / "build/loop/paper.docx"):
        built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(target))
        assert built.exit_code == 1 and "error COE006" in built.stderr and "symbolic link loop" in built.stderr
    assert cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "draft.docx")).exit_code == 0
    imported = cli("--project", str(root), "import", str(tmp_path / "draft.docx"), "--id", "extra", "-o",
                   str(root / "build/loop"))
    assert imported.exit_code != 0 and "symbolic link loop" in imported.stderr, imported.stderr
    shutil.rmtree(root / "paper/templates", ignore_errors=True)
    (root / "paper/templates").symlink_to("templates")
    for command in ("validate", "assemble"):
        looped = cli("--project", str(root), command)
        assert looped.exit_code == 1 and "COE003 templates: cannot read 'paper/templates': a symbolic link loop" in \
            looped.stderr, looped.stderr
    (tmp_path / "project-loop").symlink_to("project-loop")
    lost = cli("--project", str(tmp_path / "project-loop"), "validate")
    assert lost.exit_code == 2 and "no paper/paper.yaml found" in lost.stderr


def test_a_mailmap_committed_as_a_link_loop_is_ignored(make_project: MakeProject) -> None:
    """git commits a symbolic link as it is, and a clone makes it again: a `.mailmap` linked to itself ended every
    command that reads history in a RuntimeError traceback. git reads no mailmap from it, and neither does
    coe-paper."""
    root = make_project(git=True)
    (root / ".mailmap").unlink(missing_ok=True)
    (root / ".mailmap").symlink_to(".mailmap")
    git_commit(root, "A looping mailmap")
    for command in ("validate", "status", "contributors"):
        result = cli("--project", str(root), command)
        assert result.exit_code == 0, (command, result.stderr)


def test_templates_naming_a_file_is_an_error(make_project: MakeProject) -> None:
    root = make_project({"paper/templates/only.md.j2": "x"})
    paper = (root / "paper/paper.yaml").read_text()
    named = paper.replace("templates: paper/templates", "templates: paper/templates/only.md.j2")
    (root / "paper/paper.yaml").write_text(named)
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert "paper/paper.yaml:7:1: error COE002 templates: 'paper/templates/only.md.j2' is a file" in result.stderr


# -- git -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [("validate", "--rev", "HEAD"), ("assemble", "--rev", "HEAD"),
                                  ("assemble", "--compare", "HEAD"), ("status", "--rev", "HEAD")])
def test_rev_and_compare_without_git(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                                     tmp_path: Path, args: tuple[str, ...]) -> None:
    root = make_project(git=True)
    monkeypatch.setenv("PATH", str(outside(tmp_path, "no-programs")))
    result = cli("--project", str(root), *args)
    assert result.exit_code == 1
    assert "git is not installed (or not on the PATH)" in result.stderr


def test_repository_git_refuses_is_not_called_not_a_repository(make_project: MakeProject,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(git=True)
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")  # what git does when another user owns the repository
    result = cli("--project", str(root), "validate")
    assert "warning COE204 no git history: git refuses to read the repository" in result.stderr
    assert "safe.directory" in result.stderr and "not a git repository" not in result.stderr
    assert "unshallow" not in result.stderr and "git commit" not in result.stderr  # the problem says what to do
    at_rev = cli("--project", str(root), "validate", "--rev", "HEAD")
    assert at_rev.exit_code == 1
    assert "error COE003 git refuses to read the repository" in at_rev.stderr
    assert "unknown revision" not in at_rev.stderr


def test_unknown_revision_in_a_shallow_clone_says_so(make_project: MakeProject, tmp_path: Path) -> None:
    origin = make_project(git=True)
    (origin / "sections/03-outlook.md").write_text(section_text("outlook", HOUSING_BODY, lead="leipzig"))
    git_commit(origin, "Second draft")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True,
                   env={**os.environ, **GIT_ENV})
    result = cli("--project", str(clone), "validate", "--rev", "HEAD~1")
    assert result.exit_code == 1
    assert "unknown revision 'HEAD~1': this is a shallow clone" in result.stderr
    assert "git fetch --unshallow" in result.stderr


@pytest.mark.parametrize("source", ["commit", "SOURCE_DATE_EPOCH"])
def test_a_date_past_what_a_zip_can_hold_is_written_as_its_last_day(make_project: MakeProject,
                                                                     monkeypatch: pytest.MonkeyPatch,
                                                                     source: str) -> None:
    """A zip entry's date holds the years 1980 to 2107: a commit dated 2200 (a wrong clock; git takes it), or
    SOURCE_DATE_EPOCH so late, ended the build in a struct.error traceback. The entries take the zip's last day, as
    an earlier date than 1980 takes its first; the document's own properties keep the date as it is."""
    root = make_project(git=True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    when = 7258118400  # 2200-01-01T00:00:00Z
    if source == "commit":
        (root / INTRO).write_text((root / INTRO).read_text() + "\nA later paragraph.\n")
        stamp = f"@{when} +0000"
        git_commit(root, "From the future", {"GIT_COMMITTER_DATE": stamp, "GIT_AUTHOR_DATE": stamp})
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(when))
    result = cli("--project", str(root), "assemble", "--no-layout", "-o", str(root / "out.docx"))
    assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(root / "out.docx") as package:
        assert {info.date_time[:3] for info in package.infolist()} == {(2107, 12, 31)}
        assert "2200-01-01T00:00:00Z" in package.read("docProps/core.xml").decode()


@pytest.mark.parametrize("value", ["253402300800", "99999999999999999999"])  # the year 10000; past time_t
def test_source_date_epoch_past_any_date_is_ignored_as_other_invalid_values_are(make_project: MakeProject,
                                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                                 value: str) -> None:
    """SOURCE_DATE_EPOCH that no date can hold ended every command in a ValueError or OverflowError traceback; like
    a value that is not a number, it is not used, and the commit's date is."""
    root = make_project(git=True)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    for args in (["validate"], ["status"], ["assemble", "--no-layout", "-o", str(root / "out.docx")]):
        result = cli("--project", str(root), *args)
        assert result.exit_code == 0, result.stderr
    with zipfile.ZipFile(root / "out.docx") as package:
        assert "2024-01-31T10:00:00Z" in package.read("docProps/core.xml").decode()


# -- interruption ----------------------------------------------------------------------------------------------


def test_ctrl_c_says_interrupted(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "load", interrupted)  # the command imports pipeline when it runs
    monkeypatch.setattr(sys, "argv", ["coe-paper", "--project", str(make_project()), "validate"])
    with pytest.raises(SystemExit) as exit_info:
        cli_module.run()
    assert exit_info.value.code == 130
    assert "coe-paper: interrupted" in capsys.readouterr().err


def test_ctrl_c_in_a_real_process_leaves_no_traceback(make_project: MakeProject) -> None:
    root = make_project()
    code = ("import signal, os, coe_paper.pipeline as p\n"
            "signal.signal(signal.SIGINT, signal.default_int_handler)\n"  # as a terminal's: a job started in the
            "p.load = lambda *a, **k: os.kill(os.getpid(), signal.SIGINT)\n"  # background inherits SIGINT ignored
            "from coe_paper.cli import run; run()")
    env = {**os.environ, "PYTHONPATH": str(Path(coe_paper.__file__).resolve().parents[1])}  # the code under test
    proc = subprocess.run([sys.executable, "-c", code, "--project", str(root), "assemble"], capture_output=True,
                          text=True, env=env, check=False)
    assert proc.returncode == 130
    assert proc.stderr.strip() == "coe-paper: interrupted"


def test_every_code_in_the_source_is_in_the_readme_table() -> None:
    root = Path(__file__).resolve().parents[1]
    used = set()
    for module in (root / "src" / "coe_paper").rglob("*.py"):
        used |= set(re.findall(r'"(COE\d{3})"', module.read_text(encoding="utf-8")))
    listed = set(re.findall(r"^\| (COE\d{3}) \|", (root / "README.md").read_text(encoding="utf-8"), re.MULTILINE))
    assert used - listed == set(), "codes missing from the README's rule table"
    assert listed - used == set(), "codes in the README's rule table that nothing emits"


def test_a_file_that_grows_while_read_is_read_to_one_byte_past_the_limit(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from coe_paper import sources

    (tmp_path / "grown.md").write_bytes(b"x" * 5000)
    tree = sources.WorkTree(tmp_path)
    real_fstat = os.fstat

    def smaller(fd: int) -> os.stat_result:  # the size the file had when it was opened
        found = real_fstat(fd)
        return os.stat_result((*found[:6], 10, *found[7:]))

    monkeypatch.setattr(sources.os, "fstat", smaller)
    assert len(tree.read_bytes("grown.md", 100)) == 101  # the caller sees it is over the limit
    assert len(tree.read_bytes("grown.md", 10_000)) == 5000
    assert len(tree.read_bytes("grown.md")) == 5000


def test_json_nested_past_the_parser_is_damaged_data_not_a_traceback(monkeypatch: pytest.MonkeyPatch,
                                                                     tmp_path: Path) -> None:
    """A reviewer's .docx property that maps caption bookmarks, and the layout pass's kept page numbers: brackets
    nested 100,000 deep read as nothing (json raises RecursionError, not ValueError, for them)."""
    from coe_paper import captions_read, layout

    nested = "[" * 100_000 + "]" * 100_000
    assert captions_read.caption_anchors({captions_read.PROPERTY: nested}) == {}
    monkeypatch.setattr(layout, "_cache_file", lambda key: tmp_path / f"{key}.json")
    (tmp_path / "k.json").write_text(nested, encoding="utf-8")
    assert layout._read_cache("k") is None


def test_a_table_of_thousands_of_rows_moves_into_the_document_whole(repo_root: Path) -> None:
    """The annex of a contributors.yaml of 12,500 organisations (1 MB, the size allowed) took three minutes to
    assemble, nearly all of it moving its table from the XML it was read back from into the document (lxml takes
    time growing with the square of a tree's size to move it out of one that declares its namespaces above it): 6,000
    rows took about 3 s, 0.05 s now (timed by hand; bench/ measures speed, tests do not)."""
    import docx

    from coe_paper import fragments, ooxml

    row = "<w:tr>" + "<w:tc><w:p><w:r><w:t>Member</w:t></w:r></w:p></w:tc>" * 4 + "</w:tr>"
    grid = "<w:tblGrid>" + "<w:gridCol w:w=\"2000\"/>" * 4 + "</w:tblGrid>"
    text = f"<w:tbl>{grid}{row * 6000}</w:tbl><w:p><w:r><w:t>After</w:t></w:r></w:p>"
    document = docx.Document(str(repo_root / "paper/template.docx"))
    end = document.element.body.find(ooxml.w("sectPr"))
    for element in fragments.elements(text):
        end.addprevious(element)
    table = document.tables[-1]
    assert len(table.rows) == 6000 and table.cell(5999, 3).text == "Member"
    assert [t.text for t in end.getprevious().iter(ooxml.w("t"))] == ["After"]
