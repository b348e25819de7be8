"""Names no output may have, wherever it is written: one inside a `.git` folder (git's own files: `-o .git/hooks/x`
put the paper where git runs hooks from), one with a line break or control character (every listing of the file,
and the build's own report, was split in two); and the schemas' folder, which a failed write left behind empty."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakeProject, cli, require_client, tiny_png
from drafts import pandoc_draft


def _files(root: Path) -> list[Path]:
    """Every file and folder of the project, git's own included (but its objects and the build's cache, which a
    build may add to)."""
    kept = (root / ".git/objects", root / ".git/coe-paper-cache")
    return sorted(path for path in root.rglob("*") if not any(path == k or k in path.parents for k in kept))


@pytest.mark.parametrize(("command", "given"), [
    *((command, given) for command in ("assemble", "schema", "preview")
      for given in (".git/paper.docx", ".git/hooks/pre-commit", "sub/.Git/x")),
    ("schema", ".git")])  # a folder, as assemble's -o and a preview's that is not empty are refused for already
def test_no_output_goes_into_a_git_folder(make_project: MakeProject, command: str, given: str) -> None:
    root = make_project(git=True)
    before = _files(root)
    made = cli("--project", str(root), command, "-o", str(root / given), *(["--no-layout"] * (command == "assemble")))
    assert made.exit_code == 1
    assert f"error COE007 -o {root / given} is inside a .git folder, git's own files" in made.stderr, made.stderr
    assert _files(root) == before


def test_no_output_goes_into_a_git_folder_through_a_link(make_project: MakeProject) -> None:
    root = make_project(git=True)
    (root / "out").symlink_to(root / ".git")
    made = cli("--project", str(root), "assemble", "--no-layout", "-o", str(root / "out/paper.docx"))
    assert made.exit_code == 1 and "is inside a .git folder" in made.stderr
    assert not (root / ".git/paper.docx").exists()


def test_schemas_outside_a_project_go_into_no_git_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    made = cli("schema", "-o", "other/.git/schemas")
    assert made.exit_code == 1 and "error COE007 -o other/.git/schemas is inside a .git folder" in made.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["a\nb.docx", "a\rb.docx", "a\tb.docx", "a\u2028b.docx", "a\x1bb.docx"])
@pytest.mark.parametrize("command", ["assemble", "schema"])
def test_a_line_break_in_an_output_name_is_refused(make_project: MakeProject, command: str, name: str) -> None:
    root = make_project(git=True)
    before = _files(root)
    made = cli("--project", str(root), command, "-o", str(root / "build" / name),
               *(["--no-layout"] * (command == "assemble")))
    assert made.exit_code == 1
    shown = repr(str(root / "build" / name))[1:-1]
    [line] = [line for line in made.stderr.splitlines() if "COE006" in line]  # the diagnostic is one line
    assert line == f"{shown}: error COE006 -o {shown} has a control character or line break in its name"
    assert _files(root) == before


@pytest.mark.parametrize("output", ['"build/a\\nb.docx"', ".git/hooks/pre-commit", "build/.GIT/paper.docx"])
def test_paper_yaml_s_output_with_a_line_break_or_in_git_is_an_error_at_its_line(make_project: MakeProject,
                                                                                  output: str) -> None:
    root = make_project(git=True)
    config = root / "paper/paper.yaml"
    config.write_text(re.sub(r"(?m)^output: .*$", lambda _: f"output: {output}", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    checked = cli("--project", str(root), "validate")
    assert checked.exit_code == 1
    expected = "COE006 output: 'build/a\\nb.docx' has a control" if "\\n" in output else "COE007 output: '"
    assert f"paper/paper.yaml:5:1: error {expected}" in checked.stderr, checked.stderr
    before = _files(root)
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 1
    assert _files(root) == before


@pytest.mark.parametrize("given", [".git/hooks/x.md", "out/a\nb.md"])
def test_import_writes_no_section_into_git_or_under_a_broken_name(make_project: MakeProject, tmp_path: Path,
                                                                  given: str) -> None:
    pandoc = require_client("pandoc")
    root = make_project(git=True)
    draft = pandoc_draft(pandoc, tmp_path, tiny_png())
    before = _files(root)
    made = cli("--project", str(root), "import", str(draft), "--id", "extra", "--lead", "rome", "-o",
               str(root / given))
    assert made.exit_code != 0
    assert "is inside a .git folder" in made.stderr or "has a control character" in made.stderr, made.stderr
    assert _files(root) == before


def test_schemas_that_cannot_be_written_leave_no_empty_folder(tmp_path: Path) -> None:
    """On a full disk (here the file size limit) `schema -o new/schemas` made the folders, failed on the first file
    and left them behind, empty."""
    def capped() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, resource.RLIM_INFINITY))

    run = subprocess.run([sys.executable, "-m", "coe_paper", "schema", "-o", str(tmp_path / "new/schemas")],
                         env={**os.environ, "COE_PAPER_RESIDENT": "0"}, cwd=tmp_path, capture_output=True,
                         text=True, check=False, preexec_fn=capped)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert "cannot write the schemas" in run.stderr
    assert list(tmp_path.iterdir()) == []
