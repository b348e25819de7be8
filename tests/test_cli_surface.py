"""The command line as a new user meets it: --version, help without type placeholders, GitLab's report format,
and the bundled paper validating cleanly (its own commits map to an organisation through .mailmap)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coe_paper.cli import app
from coe_paper.diagnostics import Diagnostic, error, format_diagnostics
from conftest import REPO_ROOT, MakeProject

COMMANDS = ["validate", "assemble", "status", "contributors", "comments", "apply", "import", "audit", "init",
            "schema", "preview", "serve"]


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("coe-paper ") and len(result.stdout.split()) == 2


def test_version_is_the_packages_and_is_read_without_importlib_metadata() -> None:
    """`--version` prints the version pyproject.toml gives the distribution (taken from `coe_paper.__version__`),
    without importlib.metadata, which took 40 ms to find it."""
    from importlib.metadata import version

    import coe_paper

    code = "import sys; sys.modules['importlib.metadata'] = None; from coe_paper.cli import run; run()"
    env = {**os.environ, "COE_PAPER_RESIDENT": "0", "PYTHONPATH": str(REPO_ROOT / "src")}
    shown = subprocess.run([sys.executable, "-c", code, "--version"], capture_output=True, text=True, env=env)
    assert (shown.returncode, shown.stdout) == (0, f"coe-paper {coe_paper.__version__}\n"), shown.stderr
    assert version("coe-paper") == coe_paper.__version__  # the installed distribution's, from the same line


def test_python_dash_m_runs_the_command(make_project: MakeProject) -> None:
    root = make_project({"sections/03-outlook.md": "---\nid: outlook\ntitle: Outlook\nlead: malmoe\n---\n\nText.\n"})
    env = {**os.environ, "COE_PAPER_RESIDENT": "0", "PYTHONPATH": str(REPO_ROOT / "src")}
    shown = subprocess.run([sys.executable, "-m", "coe_paper", "--version"], capture_output=True, text=True, env=env)
    assert shown.returncode == 0 and shown.stdout.startswith("coe-paper ")
    checked = subprocess.run([sys.executable, "-m", "coe_paper", "--project", str(root), "validate"],
                             capture_output=True, text=True, env=env)
    assert checked.returncode == 1 and "COE201" in checked.stderr  # the outline does not list the section


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_no_type_placeholder_for_flags(command: str | None) -> None:
    result = CliRunner().invoke(app, [command, "--help"] if command else ["--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and "<bool>" not in result.stdout
    options = [line for line in result.stdout.splitlines() if line.lstrip().startswith("-")]
    assert not [line for line in options if "<" in line.split("  ")[1]], options  # `--rev REV`, not `--rev <str>`
    assert "[[" not in result.stdout  # `[DIR]`, not `[[DIR]]`


def test_help_lists_every_command_with_its_whole_summary() -> None:
    """`coe-paper --help` cut most commands' summaries short at 80 columns ("Check every section, the outline, the
    contributors and..."): each now fits, so a new user reads what every command does."""
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}, terminal_width=80)
    assert result.exit_code == 0
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed if line.strip()] == COMMANDS
    assert [line for line in listed if line.rstrip().endswith("...") or len(line) > 80] == []


def test_gitlab_format_is_a_code_quality_report(make_project: MakeProject) -> None:
    root = make_project({"sections/03-outlook.md": "---\nid: outlook\ntitle: Outlook\nlead: malmoe\n---\n\nText.\n"})
    result = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "gitlab"])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)
    assert isinstance(issues, list) and issues
    unknown = next(i for i in issues if i["check_name"] == "COE201")
    assert unknown["location"] == {"path": "sections/03-outlook.md", "lines": {"begin": 4}}
    assert unknown["severity"] == "major" and "malmoe" in unknown["description"]
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}



def test_gitlab_fingerprints_are_unique_for_findings_alike() -> None:
    """Two findings with the same code, place and message (two links to one missing id on a line, both reported
    where its first one is) got one fingerprint, and GitLab shows only one of them."""
    same = [error("sections/03-outlook.md", 9, 5, "COE601", "link to '#x' matches no section or heading")] * 2
    issues = json.loads(format_diagnostics(same, "gitlab"))
    assert len(issues) == 2 and issues[0]["fingerprint"] != issues[1]["fingerprint"]
    assert issues[0] == json.loads(format_diagnostics(same[:1], "gitlab"))[0]  # the first keeps its fingerprint


def test_gitlab_fingerprints_stay_when_lines_above_move() -> None:
    """The fingerprint held the finding's line and column: a paragraph added at the top of a section changed every
    fingerprint below it, and the merge request showed those findings as resolved and as new. A finding keeps its
    fingerprint where it moves; two alike in one file keep theirs apart in their order."""
    found = [error("sections/03-outlook.md", 9, 5, "COE601", "link to '#x' matches no section or heading"),
             error("sections/03-outlook.md", 12, 1, "COE601", "link to '#x' matches no section or heading")]
    moved = [error(d.path, d.line + 2, d.column + 3, d.code, d.message) for d in found]

    def prints(diagnostics: list[Diagnostic]) -> list[str]:
        return [i["fingerprint"] for i in json.loads(format_diagnostics(diagnostics, "gitlab"))]

    assert prints(found) == prints(moved) and len(set(prints(found))) == 2

def test_bundled_paper_validates_strictly_with_real_shares() -> None:
    """A fresh clone: no COE203 (the bundled commits map to the technical secretariat) and real line shares."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    run = subprocess.run([sys.executable, "-c", "from coe_paper.cli import run; run()", "validate", "--strict"],
                         cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    shares = subprocess.run([sys.executable, "-c", "from coe_paper.cli import run; run()", "contributors", "--format",
                             "json"], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True)
    rows = json.loads(shares.stdout)
    assert sum(row["lines"] for row in rows) > 0 and abs(sum(row["share"] for row in rows) - 1) < 0.01
    assert (REPO_ROOT / ".mailmap").is_file()


def test_readme_names_python_and_libreoffice() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "Python 3.10" in readme and "LibreOffice" in readme
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci and Path(REPO_ROOT / "scripts" / "test.sh").is_file()


def test_a_message_that_quotes_a_line_break_stays_on_its_line(make_project: MakeProject) -> None:
    """A front-matter value with a line break (`lead: "coor\\ndinator"`) was quoted raw in its message: the one-line
    diagnostic split in two, which editors and CI logs read as two findings, the second with no place."""
    root = make_project({"sections/03-outlook.md": '---\nid: outlook\ntitle: Outlook\nlead: "coor\\ndinator"\n---\n'
                                                   "\nText.\n"})
    result = CliRunner().invoke(app, ["--project", str(root), "validate"])
    line = next(line for line in result.stderr.splitlines() if "COE201" in line)
    assert line.startswith("sections/03-outlook.md:4:") and "coor\\ndinator" in line, result.stderr


def test_status_names_the_file_of_an_invalid_row(make_project: MakeProject) -> None:
    """`status`'s table showed `invalid` for an outline entry whose file cannot be read, without naming the file,
    which the README says it does (the JSON had its path): the row names it."""
    root = make_project({"sections/03-outlook.md": "---\nid: outlook\ntitle: [Outlook\n---\n\nText.\n"})
    result = CliRunner().invoke(app, ["--project", str(root), "status"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if "outlook" in line)
    assert "invalid (sections/03-outlook.md)" in row, result.stdout
