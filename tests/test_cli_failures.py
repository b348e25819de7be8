"""A command that cannot do its work, as a script meets it: with `--format json` (or github, gitlab) standard output
still holds that format, the failure as diagnostics (the list `validate --format json` prints), with the same exit
code and the same message on standard error as in text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from coe_paper.cli import app
from conftest import INTRO_BODY, MakeProject, section_text

DIAGNOSTIC_KEYS = {"code", "severity", "path", "line", "column", "message", "hint"}


def cli(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def only_error(stdout: str) -> dict[str, object]:
    found = json.loads(stdout)
    assert isinstance(found, list) and len(found) == 1, stdout
    assert set(found[0]) == DIAGNOSTIC_KEYS and found[0]["severity"] == "error"
    return dict(found[0])


@pytest.mark.parametrize("command", [["comments"], ["apply"], ["import", "--id", "annex", "--lead", "rome"], ["audit"]])
def test_a_file_that_is_no_docx_is_a_json_error(make_project: MakeProject, tmp_path: Path,
                                                command: list[str]) -> None:  # fmt: skip
    root = make_project(git=True)
    notes = tmp_path / "notes.docx"
    notes.write_text("meeting notes, saved as plain text\n", encoding="utf-8")
    result = cli("--project", str(root), command[0], str(notes), *command[1:], "--format", "json")
    assert result.exit_code == 1
    found = only_error(result.stdout)
    assert (found["code"], found["path"]) == ("COE003", "notes.docx")
    assert "notes.docx is not a Word document" in str(found["message"])
    if command[0] != "audit":  # the text message is kept for a person reading the job's log
        assert "coe-paper: notes.docx is not a Word document" in result.stderr


@pytest.mark.parametrize("command", [["comments"], ["apply"], ["import", "--id", "annex", "--lead", "rome"]])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_missing_file_is_a_usage_error_in_every_format(make_project: MakeProject, tmp_path: Path,
                                                         command: list[str], fmt: str) -> None:  # fmt: skip
    root = make_project(git=True)
    result = cli("--project", str(root), command[0], str(tmp_path / "gone.docx"), *command[1:], "--format", fmt)
    assert result.exit_code == 2
    assert f"coe-paper: {tmp_path / 'gone.docx'}: no such file" in result.stderr
    if fmt == "json":
        found = only_error(result.stdout)
        assert (found["code"], found["path"]) == ("COE003", "gone.docx")
    else:
        assert result.stdout == ""


@pytest.mark.parametrize("command", ["status", "contributors"])
def test_a_project_that_cannot_be_loaded_is_json(make_project: MakeProject, command: str) -> None:
    root = make_project(git=True)
    config = root / "paper" / "paper.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  broken: [\n", encoding="utf-8")
    result = cli("--project", str(root), command, "--format", "json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found == json.loads(cli("--project", str(root), "validate", "--format", "json").stdout)
    assert {(d["code"], d["path"]) for d in found} == {("COE001", "paper/paper.yaml")}
    assert "paper/paper.yaml:" in result.stderr and "error COE001" in result.stderr


@pytest.mark.parametrize("command", [["validate", "--format", "json"], ["status", "--format", "json"],
                                     ["contributors", "--format", "json"], ["validate", "--format", "gitlab"]])
def test_no_project_is_a_json_error(tmp_path: Path, command: list[str]) -> None:
    result = cli("--project", str(tmp_path), *command)
    assert result.exit_code == 2
    found = json.loads(result.stdout)
    assert len(found) == 1 and "no paper/paper.yaml found" in json.dumps(found)
    assert "coe-paper: no paper/paper.yaml found in" in result.stderr


def test_no_project_is_a_github_annotation(tmp_path: Path) -> None:
    result = cli("--project", str(tmp_path), "validate", "--format", "github")
    assert result.exit_code == 2
    assert result.stdout.startswith("::error title=COE003::no paper/paper.yaml found in ")


@pytest.mark.parametrize("command", [["status", "--format", "json"], ["validate"], ["assemble", "--no-layout"]])
def test_a_project_folder_that_does_not_exist_is_a_usage_error(make_project: MakeProject, command: list[str]) -> None:
    """`--project` misspelt inside a project (`sectionz`) reported on the project above it, and one nowhere said
    that no paper.yaml was found above it: both now say the folder does not exist, and nothing is built."""
    root = make_project(git=True)
    result = cli("--project", str(root / "sectionz"), *command)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"'{root / 'sectionz'}': no such folder" in result.stderr
    assert not (root / "build").exists()
    found = cli("--project", str(root / "sections"), *command)  # a folder of the project finds it, as before
    assert found.exit_code == 0, found.output


@pytest.mark.parametrize(("options", "said"), [(["--diff", "--format", "json"], "--diff prints a diff"),
                                               (["--fix", "--diff", "--format", "gitlab"], "--diff prints a diff"),
                                               (["--statistics", "--format", "gitlab"], "--statistics prints counts"),
                                               (["--statistics", "--format", "github"], "--statistics prints counts")])
def test_output_that_is_no_report_is_not_mixed_into_one(make_project: MakeProject, options: list[str],
                                                        said: str) -> None:  # fmt: skip
    """`validate --diff --format json` printed the diff and then the JSON on stdout, and `--statistics --format
    gitlab` a table of counts (or nothing) where GitLab reads its Code Quality report: neither could be read. Both
    are usage errors now, and nothing is fixed."""
    root = make_project({"sections/01-intro.md": section_text("intro", INTRO_BODY + "\nThe E.U. budget helps.\n")},
                        git=True)  # fmt: skip
    before = (root / "sections/01-intro.md").read_bytes()
    result = cli("--project", str(root), "validate", *options)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"coe-paper: {said}, not a report in --format {options[-1]}" in result.stderr
    assert (root / "sections/01-intro.md").read_bytes() == before
    counted = json.loads(cli("--project", str(root), "validate", "--statistics", "--format", "json").stdout)
    assert [row["code"] for row in counted] == ["COE741"]
