"""Named pipes where the paper's files go: a section, a template or the words list that is a named pipe was taken
for no file at all (the section was "missing", the built-in byline used, the words not accepted) without a word of
why. Each is named as what it is, at once: opening one to read would wait for a writer for ever."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import coe_paper
from conftest import MakeProject

BYLINE = "{.Byline}\nLead: {{ section.lead.name }}\n"


def _validate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`coe-paper validate` in a process of its own, stopped after 60 s (a hang fails the test, not the run)."""
    env = {**os.environ, "PYTHONPATH": str(Path(coe_paper.__file__).resolve().parents[1]), "COE_PAPER_RESIDENT": "0"}
    return subprocess.run([sys.executable, "-m", "coe_paper", "--project", str(root), *args], capture_output=True,
                          text=True, env=env, timeout=60, check=False)


@pytest.mark.parametrize("name", ["paper/words.txt", "paper/templates/byline.md.j2", "sections/01-intro.md"])
def test_a_named_pipe_in_place_of_a_file_of_the_paper_is_named(make_project: MakeProject, name: str) -> None:
    root = make_project({"paper/words.txt": "Nowa\n", "paper/templates/byline.md.j2": BYLINE})
    (root / name).unlink()
    os.mkfifo(root / name)
    found = _validate(root, "validate")
    assert found.returncode == 1 and "Traceback" not in found.stderr, found.stderr
    assert f"{name}: error COE003 cannot read '{name}': it is a pipe, device or socket, not a file" in found.stderr
    assert "COE105" not in found.stderr  # the section is there, not missing
    built = _validate(root, "assemble", "--no-layout")
    assert built.returncode == 1 and not (root / "build").exists(), built.stderr


def test_a_named_pipe_among_the_templates_is_named(make_project: MakeProject) -> None:
    root = make_project()
    (root / "paper/templates").mkdir(exist_ok=True)
    os.mkfifo(root / "paper/templates/annex.md.j2")
    found = _validate(root, "validate")
    assert found.returncode == 1, found.stderr
    assert "paper/templates/annex.md.j2: error COE003 cannot read" in found.stderr


@pytest.mark.parametrize("name", [".gitattributes", ".gitignore", "sections/.gitattributes", "paper/.gitignore"])
@pytest.mark.parametrize("command", ["validate", "status"])
def test_a_named_pipe_git_reads_for_itself_is_named_before_git_waits_on_it(make_project: MakeProject, name: str,
                                                                          command: str) -> None:
    """`mkfifo .gitattributes` (or a `.gitignore`, in the paper's folders too): git blame and git status waited on
    it until their time limit (120 s a command), and validate then said nothing of it."""
    root = make_project(git=True)
    os.mkfifo(root / name)
    started = time.monotonic()
    found = _validate(root, command)
    assert time.monotonic() - started < 30, found.stderr
    assert "Traceback" not in found.stderr
    assert (f"{name}: error COE003 {name} is a named pipe, not a file: git would wait on it: no git history read"
            in found.stderr), found.stderr
    # status reports without the history (exit 0), a pipe in sections/ too: it is no section the report leaves out
    assert found.returncode == (1 if command == "validate" else 0), found.stderr
    assert "left out of this report" not in found.stderr


@pytest.mark.parametrize("name", [".gitattributes", ".mailmap"])
def test_a_build_whose_history_cannot_be_read_for_a_named_pipe_writes_nothing(make_project: MakeProject,
                                                                             name: str) -> None:
    """The history's error (a named pipe git would wait on) was printed, and the document written all the same with
    exit code 0: validate failed on the paper that assemble built."""
    root = make_project(git=True)
    os.mkfifo(root / name)
    built = _validate(root, "assemble", "--no-layout")
    assert "Traceback" not in built.stderr
    assert f"{name}: error COE003" in built.stderr, built.stderr
    assert built.returncode == 1 and not (root / "build").exists(), built.stderr


@pytest.mark.parametrize("name", ["blame-v1.json", "spelling.json"])
@pytest.mark.parametrize("kind", ["pipe", "endless"])
def test_a_cache_file_that_is_a_pipe_or_endless_is_ignored(make_project: MakeProject, tmp_path: Path, name: str,
                                                          kind: str) -> None:
    """`mkfifo .git/coe-paper-cache/blame-v1.json` (or spelling.json, or a link from either to /dev/zero): assemble
    waited for a writer for ever (or read without end), where the packs of the section cache in that folder are
    read without waiting and only when they are files. A cache that cannot be trusted is ignored: the build gives
    the bytes of a cold one."""
    root = make_project(git=True)
    cold = _validate(root, "assemble", "--no-layout", "-o", str(tmp_path / "cold.docx"))
    assert cold.returncode == 0, cold.stderr
    shutil.rmtree(root / ".git/coe-paper-cache")
    (root / ".git/coe-paper-cache").mkdir()
    if kind == "pipe":
        os.mkfifo(root / ".git/coe-paper-cache" / name)
    else:
        (root / ".git/coe-paper-cache" / name).symlink_to("/dev/zero")
    started = time.monotonic()
    built = _validate(root, "assemble", "--no-layout", "-o", str(tmp_path / "again.docx"))
    assert time.monotonic() - started < 30 and built.returncode == 0, built.stderr
    assert "Traceback" not in built.stderr
    assert (tmp_path / "again.docx").read_bytes() == (tmp_path / "cold.docx").read_bytes()


def test_a_layout_cache_file_that_is_a_pipe_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The layout pass's pages are kept in the user's cache (`~/.cache/coe-paper/layout/KEY.json`): one that is a
    pipe kept the build waiting for a writer; it is no page numbers, and the pass runs LibreOffice instead."""
    from coe_paper import layout

    monkeypatch.setenv("COE_PAPER_CACHE", str(tmp_path))
    (tmp_path / "layout").mkdir()
    os.mkfifo(tmp_path / "layout" / f"{'a' * 64}.json")
    (tmp_path / "layout" / f"{'b' * 64}.json").write_text('{"_Toc1": 3}', encoding="utf-8")
    result: list[object] = []
    reader = threading.Thread(target=lambda: result.append(layout._read_cache("a" * 64)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert result == [None]
    assert layout._read_cache("b" * 64) == {"_Toc1": 3}


def test_a_cache_file_that_cannot_be_written_leaves_no_temporary_file(make_project: MakeProject,
                                                                     tmp_path: Path) -> None:
    """A folder in place of `blame-v1.json` and `spelling.json` (or a full disk): each build wrote the answers to a
    temporary file beside them, could not rename it into place and left it there, one more file every build."""
    root = make_project(git=True)
    folder = root / ".git/coe-paper-cache"
    folder.mkdir()
    (folder / "blame-v1.json").mkdir()
    (folder / "spelling.json").mkdir()
    for _ in range(2):
        built = _validate(root, "assemble", "--no-layout", "--force", "-o", str(tmp_path / "paper.docx"))
        assert built.returncode == 0 and "Traceback" not in built.stderr, built.stderr
    assert sorted(path.name for path in folder.iterdir() if path.is_file()) == sorted(
        path.name for path in folder.iterdir() if path.is_file() and path.suffix == ".pack")


@pytest.mark.parametrize(("name", "forge"), [(".gitlab-ci.yml", "gitlab"), (".github/workflows/paper.yml", "github"),
                                             (".pre-commit-config.yaml", "gitlab")])
def test_init_beside_a_named_pipe_in_place_of_a_forge_file_does_not_wait_on_it(tmp_path: Path, name: str,
                                                                              forge: str) -> None:
    """`init DIR` where DIR's CI file or pre-commit configuration is a named pipe opened it to see whether it runs
    a coe-paper command, and waited for a writer for ever, the project half written. The pipe is kept, as a file
    there is, and init ends."""
    folder = tmp_path / "paper"
    (folder / name).parent.mkdir(parents=True)
    os.mkfifo(folder / name)
    try:
        done = _validate(folder, "init", str(folder), "--forge", forge)
    except subprocess.TimeoutExpired:
        pytest.fail(f"init waited on the named pipe {name}")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert f"kept {folder / name} (it exists)" in done.stdout + done.stderr
    assert (folder / "paper" / "paper.yaml").is_file() and (folder / "sections").is_dir()
