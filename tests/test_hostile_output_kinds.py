"""What is in the way of an output `-o` names, that is no file or folder to write: a named pipe, a symbolic link to a
missing target, or one of them on the way to it. `preview -o` called a link to nothing "a file", `schema -o` a named
pipe "File exists" (the OSError's words), `serve -o` one on the way "cannot listen"; every command that writes
(`assemble`, `import`, `preview`, `serve`, `schema`) now names it alike (filekinds.py), exits as for an output it
refuses, writes nothing, and never opens the pipe (which would wait for a writer)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coe_paper import pipeline
from conftest import MakeProject, cli

#: Each command: its arguments (before `-o`), the name it writes below the place tried, its exit for a refusal.
COMMANDS = {"assemble": (["assemble", "--no-layout"], "paper.docx", 1),
            "import": (["import", "{draft}", "--id", "extra", "--lead", "rome"], "extra.md", 2),
            "preview": (["preview"], "site", 1), "serve": (["serve", "--port", "0"], "site", 1),
            "schema": (["schema"], "schemas", 1)}
FOLDERS = ("preview", "serve", "schema")  # what they write is a folder: a named pipe is "not a folder"


def _state(top: Path) -> dict[str, str]:
    """Every name under `top` (a project's git folder aside, where a build keeps its cache) and what it is: what a
    refused command leaves as it was."""
    found = {}
    for folder, dirs, files in os.walk(top):
        dirs[:] = [name for name in dirs if name != ".git"]
        for name in (*dirs, *files):
            path = Path(folder, name)
            mode = os.lstat(path).st_mode
            found[str(path.relative_to(top))] = os.readlink(path) if stat.S_ISLNK(mode) else str(stat.S_IFMT(mode))
    return found


def _draft(root: Path, tmp_path: Path) -> Path:
    """A draft for `import`: the paper, as coe-paper assembles it (made before the state is taken)."""
    draft = tmp_path / "draft.docx"
    assert pipeline.assemble(root, draft).output == draft
    return draft


def _run(root: Path, tmp_path: Path, command: str, target: Path) -> tuple[int, str]:
    """`command -o target` in the project (import's draft made by `_draft`); its exit code and all it printed. `serve`
    runs in a process of its own, stopped after 60 s: one that took the output for a folder served on for ever."""
    args = [arg.format(draft=tmp_path / "draft.docx") for arg in COMMANDS[command][0]]
    if command != "serve":
        result = cli("--project", str(root), *args, "-o", str(target))
        return result.exit_code, result.output
    try:
        run = subprocess.run([sys.executable, "-m", "coe_paper", "--project", str(root), *args, "-o", str(target)],
                             env={**os.environ, "COE_PAPER_RESIDENT": "0"}, capture_output=True, text=True,
                             check=False, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail(f"serve -o {target} served on")
    return run.returncode, run.stdout + run.stderr


@pytest.mark.parametrize("inside", [False, True], ids=["outside", "in-the-project"])
def test_preview_onto_a_link_to_nothing_says_what_it_is(make_project: MakeProject, tmp_path: Path,
                                                        inside: bool) -> None:
    """`preview -o site`, `site` a symbolic link to a folder that is not there (since removed): the message said it
    was "a file". It says it is a link to a missing target, and where that is; the link stays, nothing is made."""
    root = make_project(git=True)
    top = root if inside else tmp_path / "out"
    top.mkdir(exist_ok=True)
    gone = top / "gone"
    (top / "site").symlink_to(gone)
    before = _state(tmp_path)
    code, said = _run(root, tmp_path, "preview", top / "site")
    assert code == 1 and "Traceback" not in said
    assert f"{top / 'site'}: error COE006 cannot write the site: it is a symbolic link to a missing target ({gone})" \
        in said, said
    assert "a file" not in said and "nothing written" in said
    assert _state(tmp_path) == before and not os.path.lexists(gone)


@pytest.mark.parametrize("inside", [False, True], ids=["outside", "in-the-project"])
def test_schema_onto_a_named_pipe_says_it_is_no_folder(make_project: MakeProject, tmp_path: Path,
                                                       inside: bool) -> None:
    """`schema -o PIPE`, PIPE made with mkfifo: the message was "File exists", the OSError of making the folder. It is
    COE006, as for any output that cannot be written, exit 1 (README's row of `schema`), naming the pipe, which is
    left as it was and never opened."""
    root = make_project(git=True)
    top = root if inside else tmp_path / "out"
    top.mkdir(exist_ok=True)
    pipe = top / "schemas"
    os.mkfifo(pipe)
    before = _state(tmp_path)
    code, said = _run(root, tmp_path, "schema", pipe)
    assert code == 1 and "Traceback" not in said
    assert f"{pipe}: error COE006 cannot write the schemas: it is a named pipe, not a folder" in said, said
    assert "File exists" not in said
    assert _state(tmp_path) == before and stat.S_ISFIFO(os.lstat(pipe).st_mode)


CASES = [(command, case) for command in COMMANDS for case in ("pipe", "link", "pipe on the way", "link on the way")
         # a file's -o that is a link is no folder in the way: assemble replaces the link with the document, import
         # writes where it leads (as to where any link of its path leads), both as they do for a link to a file
         if not (command in ("assemble", "import") and case == "link")
         and not (command == "import" and case == "link on the way")]


@pytest.mark.parametrize(("command", "case"), CASES)
def test_what_is_in_the_way_of_an_output_is_named_alike(make_project: MakeProject, tmp_path: Path, command: str,
                                                        case: str) -> None:
    """Every command that writes says what is in the way of its `-o`, in the same words, where it said "File exists",
    "Not a directory", "not a regular file (a device, pipe or socket)", "the file already exists", "it is a file" or,
    for serve, "cannot listen"; it exits as for any output it refuses, and nothing is written or made."""
    root = make_project(git=True)
    out = tmp_path.resolve() / "out"  # import names a path resolved
    out.mkdir()
    _, leaf, refused = COMMANDS[command]
    gone = out / "gone"
    on_the_way = case.endswith("on the way")
    blocker = out / ("blocker" if on_the_way else leaf)
    if case.startswith("pipe"):
        os.mkfifo(blocker)
    else:
        blocker.symlink_to(gone)
    target = blocker / leaf if on_the_way else blocker
    what = "a named pipe" if case.startswith("pipe") else f"a symbolic link to a missing target ({gone})"
    if on_the_way:
        why = f"{blocker} on the way is {what}" + (", not a folder" if case.startswith("pipe") else "")
    else:
        why = f"it is {what}" + (f", not {'a folder' if command in FOLDERS else 'a file'}" if case == "pipe" else "")
    if command == "import":
        _draft(root, tmp_path)
    before = _state(tmp_path)
    code, said = _run(root, tmp_path, command, target)
    assert code == refused and "Traceback" not in said, said
    assert why in said, said
    assert _state(tmp_path) == before and not os.path.lexists(gone)


@pytest.mark.parametrize("command", ["preview", "serve"])
def test_a_site_s_folder_that_is_a_link_loop_says_so(make_project: MakeProject, tmp_path: Path,
                                                       command: str) -> None:
    """`-o loop`, `loop` a symbolic link to itself: the preview called it "a file" too."""
    root = make_project(git=True)
    (tmp_path / "loop").symlink_to("loop")
    code, said = _run(root, tmp_path, command, tmp_path / "loop")
    assert code == 1 and "Traceback" not in said, said
    assert f"{tmp_path / 'loop'}: error COE006 cannot write the site: it is a symbolic link loop" in said, said
    assert os.readlink(tmp_path / "loop") == "loop"
