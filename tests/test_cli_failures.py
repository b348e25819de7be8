"""A command that cannot do its work, as a script meets it: with `--format json` (or github, gitlab) standard output
still holds that format, the failure as diagnostics (the list `validate --format json` prints), with the same exit
code and the same message on standard error as in text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import INTRO_BODY, MakeProject, cli, section_text

DIAGNOSTIC_KEYS = {"code", "severity", "path", "line", "column", "message", "hint"}


def only_error(stdout: str) -> dict[str, object]:
    found = json.loads(stdout)
    assert isinstance(found, list) and len(found) == 1, stdout
    assert set(found[0]) == DIAGNOSTIC_KEYS and found[0]["severity"] == "error"
    return dict(found[0])


@pytest.mark.parametrize("command", [["comments"], ["apply"], ["import", "--id", "annex", "--lead", "rome"], ["audit"]])
def test_a_file_that_is_no_docx_is_a_json_error(make_project: MakeProject, tmp_path: Path,
                                                command: list[str]) -> None:
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
                                                         command: list[str], fmt: str) -> None:
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
    assert result.exit_code == 2
    assert f"'{root / 'sectionz'}': no such folder" in result.stderr
    if "json" in command:
        assert f"'{root / 'sectionz'}': no such folder" in str(only_error(result.stdout)["message"])
    else:
        assert result.stdout == ""
    assert not (root / "build").exists()
    found = cli("--project", str(root / "sections"), *command)  # a folder of the project finds it, as before
    assert found.exit_code == 0, found.output


@pytest.mark.parametrize("command", [["validate"], ["assemble", "--no-layout"], ["status", "--format", "json"]])
def test_an_empty_project_folder_is_a_usage_error(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                                                  command: list[str]) -> None:
    """`--project ""` (a CI variable that is not set) was taken as the current folder: it names no folder."""
    root = make_project(git=True)
    monkeypatch.chdir(root)
    for option in (["--project", ""], ["-C", ""], ["--project="]):
        result = cli(*option, *command)
        assert result.exit_code == 2, result.output
        assert "Invalid value for '--project' / '-C': an empty folder name" in result.stderr
        if "json" in command:
            assert "an empty folder name" in str(only_error(result.stdout)["message"])
        assert not (root / "build").exists()
    assert cli("--project", ".", *command).exit_code == 0  # the current folder named is found, as before


@pytest.mark.parametrize(("options", "said"), [(["--diff", "--format", "json"], "--diff prints a diff"),
                                               (["--fix", "--diff", "--format", "gitlab"], "--diff prints a diff"),
                                               (["--statistics", "--format", "gitlab"], "--statistics prints counts"),
                                               (["--statistics", "--format", "github"], "--statistics prints counts")])
def test_output_that_is_no_report_is_not_mixed_into_one(make_project: MakeProject, options: list[str],
                                                        said: str) -> None:
    """`validate --diff --format json` printed the diff and then the JSON on stdout, and `--statistics --format
    gitlab` a table of counts (or nothing) where GitLab reads its Code Quality report: neither could be read. Both
    are usage errors now, and nothing is fixed."""
    root = make_project({"sections/01-intro.md": section_text("intro", INTRO_BODY + "\nThe E.U. budget helps.\n")},
                        git=True)
    before = (root / "sections/01-intro.md").read_bytes()
    result = cli("--project", str(root), "validate", *options)
    assert result.exit_code == 2
    assert f"coe-paper: {said}, not a report in --format {options[-1]}" in result.stderr
    if options[-1] == "github":
        assert result.stdout.startswith(f"::error title=COE003::{said}, not a report")
    else:
        assert said in json.dumps(json.loads(result.stdout))
    assert (root / "sections/01-intro.md").read_bytes() == before
    counted = json.loads(cli("--project", str(root), "validate", "--statistics", "--format", "json").stdout)
    assert [row["code"] for row in counted] == ["COE741"]


@pytest.fixture
def reviewed(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    """A project in git and the paper assembled from it, as a reviewer gets it."""
    root = make_project(git=True)
    built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(tmp_path / "paper.docx"))
    assert built.exit_code == 0, built.output
    return root, tmp_path / "paper.docx"


USAGE_ERRORS = [
    (["validate", "--rev", ""], "Invalid value for '--rev': an empty revision"),
    (["validate", "--rev=--output=x"], "is no revision (none starts with '-')"),
    (["validate", "--fix", "--rev", "HEAD"], "--fix and --diff fix the work tree"),
    (["validate", "--formats"], "No such option: --formats"),
    (["status", "--rev", " "], "an empty revision"),
    (["contributors", "--rev", ""], "an empty revision"),
    (["import", "{docx}", "--id", "intro", "--lead", "rome"], "section 'intro' is already sections/01-intro.md"),
    (["import", "{docx}", "--id", "annex", "-o", "sections"], "'sections' names a folder"),
    (["import", "{docx}", "--lead", "rome"], "Missing option '--id'"),
    (["import", "{docx}", "--id", "a" * 300, "--lead", "rome"], "is 300 characters long: at most 100"),
    (["import", "{docx}", "--id", "a" * 250, "--lead", "rome", "-o", "x.md"], "is 250 characters long"),
    (["apply", "{docx}", "--commit", "--dry-run"], "--commit and --dry-run cannot be used together"),
    (["apply", "{docx}", "--author", "Ana"], '--author takes "Name=organisation"'),
    (["apply", "{docx}", "--author", "Ana=nowhere"], "no organisation 'nowhere' in contributors.yaml"),
    (["apply", "{docx}", "--only", "nobody"], "--only 'nobody': no reviewer of paper.docx"),
    (["apply", "{docx}", "--only", ""], "--only '' names no reviewer or organisation"),
    (["apply", "{docx}", "--only", " , ,"], "--only ' , ,' names no reviewer or organisation"),
    (["comments"], "Missing argument 'REVIEWED.docx'"),
    (["audit"], "Missing argument 'FILE.docx'"),
]


@pytest.mark.parametrize(("command", "said"), USAGE_ERRORS)
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_usage_error_is_a_json_error_too(reviewed: tuple[Path, Path], command: list[str], said: str,
                                           fmt: str) -> None:
    """A command refused for its options (found by their checks, or by the command before any work) printed
    nothing on stdout under `--format json`, where a script reads a list of diagnostics: it prints the error there
    as a failure of the work does, still exits 2 and still says why on stderr."""
    root, docx = reviewed
    before = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts)
    args = [arg.format(docx=docx) for arg in command]
    result = cli("--project", str(root), *args[:1], "--format", fmt, *args[1:])
    assert result.exit_code == 2, result.output
    assert said in result.stderr
    if fmt == "json":
        found = only_error(result.stdout)
        assert found["code"] == "COE003" and said in str(found["message"])
    else:
        assert result.stdout == ""
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if ".git" not in p.parts) == before


@pytest.mark.parametrize("fmt", ["gitlab", "github"])
def test_a_usage_error_is_in_the_forges_formats_too(make_project: MakeProject, fmt: str) -> None:
    root = make_project(git=True)
    result = cli("--project", str(root / "missing"), "validate", "-f", fmt, "--rev", "")  # the first error found
    assert result.exit_code == 2
    if fmt == "gitlab":
        assert [d["check_name"] for d in json.loads(result.stdout)] == ["COE003"]
    else:
        assert result.stdout.startswith("::error title=COE003::Invalid value for '--project'")


def test_an_unknown_format_is_said_in_text(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project()), "validate", "--rev", "", "--format", "jsn")
    assert result.exit_code == 2 and result.stdout == ""
    assert "Invalid value for '--rev'" in result.stderr
