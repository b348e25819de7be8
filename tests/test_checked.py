"""`validate` when nothing changed since the last check of the work tree (checked.py): it reports what that check
reported, fixes and all, without loading the paper; any change the check depends on makes it check again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from coe_paper import pipeline
from coe_paper.cli import app
from conftest import MakeProject, section_text

INTRO = "sections/01-intro.md"
#: A warning with a fix (COE722: British spelling) and one without.
FINDINGS = section_text("intro", "## Colours\n\nThe color of the city halls was discussed at length by everyone "
                        "there.\n\nToo few words.\n")


def validate(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--project", str(root), "validate", *args])


@pytest.fixture
def project(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = make_project(git=True)
    (root / INTRO).write_text(FINDINGS, encoding="utf-8")
    return root


def checks_counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    check = pipeline.check

    def counting(*args: object, **kwargs: object) -> pipeline.Loaded:
        counted.append(1)
        return check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "check", counting)
    return counted


@pytest.mark.parametrize("args", [(), ("--format", "json"), ("--statistics",), ("--strict",), ("--format", "github")])
def test_an_unchanged_paper_is_reported_as_its_last_check_did(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                              args: tuple[str, ...]) -> None:
    counted = checks_counted(monkeypatch)
    first = validate(project, *args)
    again = validate(project, *args)
    assert counted == [1], "the paper was checked again"
    assert ("COE722" in first.output and "fixable with `coe-paper validate --fix`" in first.stderr) or args
    assert (again.exit_code, again.stdout, again.stderr) == (first.exit_code, first.stdout, first.stderr)


def test_a_changed_section_is_checked_again(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted = checks_counted(monkeypatch)
    assert "COE722" in validate(project).output
    (project / INTRO).write_text(FINDINGS.replace("color", "colour"), encoding="utf-8")
    again = validate(project)
    assert counted == [1, 1] and "COE722" not in again.output


def test_fix_diff_and_rev_always_check(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    validate(project)
    counted = checks_counted(monkeypatch)
    assert "-The color" in validate(project, "--diff").stdout
    assert validate(project, "--rev", "HEAD").exit_code == 0
    fixed = validate(project, "--fix")
    assert "fixed 1 finding in 1 file" in fixed.stderr and "colour" in (project / INTRO).read_text(encoding="utf-8")
    assert len(counted) == 4  # --fix checks once more, for what is left
    assert "COE722" not in validate(project).output


def test_a_damaged_record_is_ignored(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = validate(project)
    for entry in (project / ".git" / "coe-paper-cache" / "uptodate").glob("*.json"):
        entry.write_text(entry.read_text(encoding="utf-8").replace("COE722", "COE999"), encoding="utf-8")
    counted = checks_counted(monkeypatch)
    again = validate(project)
    assert counted == [1] and again.output == first.output


def test_an_unchanged_check_loads_none_of_the_paper(project: Path) -> None:
    """Reported again without the checks, the rules or the models' modules (the library the options need aside)."""
    code = ("import sys\nfrom coe_paper import cli\n"
            "try:\n    cli.app(['--project', sys.argv[1], 'validate'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m in ('coe_paper.pipeline', 'coe_paper.model', 'coe_paper.checks',"
            " 'coe_paper.rules.engine', 'markdown_it', 'lxml.etree')))")
    runs = [subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, check=True)
            for _ in range(2)]
    assert "coe_paper.pipeline" in runs[0].stdout
    assert runs[1].stdout.strip() == "[]", runs[1].stdout


def status(root: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--project", str(root), "status", *args])


@pytest.mark.parametrize("args", [(), ("--format", "json")])
def test_status_of_an_unchanged_paper_is_its_last_report(project: Path, monkeypatch: pytest.MonkeyPatch,
                                                         args: tuple[str, ...]) -> None:
    (project / "sections" / "99-notes.md").write_text("no front matter\n", encoding="utf-8")  # left out, exit 1
    counted = checks_counted(monkeypatch)
    first = status(project, *args)
    again = status(project, *args)
    assert counted == [1], "the paper was loaded again"
    assert first.exit_code == 1 and "sections/99-notes.md" in first.stderr and "intro" in first.stdout
    assert (again.exit_code, again.stdout, again.stderr) == (first.exit_code, first.stdout, first.stderr)
    (project / INTRO).write_text(FINDINGS + "\nMore words.\n", encoding="utf-8")
    assert status(project, *args).stdout != first.stdout and counted == [1, 1]


def test_status_judges_lateness_on_the_day_it_runs(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record is the report of one day: the next day a section may be late."""
    from datetime import date

    from coe_paper import status_rows

    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    config = project / "paper" / "paper.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - id: intro\n", "  - id: intro\n    due: "
                                                                 "2030-06-30\n"), encoding="utf-8")

    class Day(date):
        today_is = date(2030, 6, 30)

        @classmethod
        def today(cls) -> Day:
            return cls(cls.today_is.year, cls.today_is.month, cls.today_is.day)

    monkeypatch.setattr(status_rows, "date", Day)
    counted = checks_counted(monkeypatch)
    assert "late" not in status(project).stdout and "late" not in status(project).stdout
    Day.today_is = date(2030, 7, 1)
    assert "draft, late (due 2030-06-30)" in status(project).stdout
    assert counted == [1, 1]


def test_a_check_that_asked_for_a_path_out_of_the_project_is_kept_and_reported_again(project: Path) -> None:
    """Its question (reading '../abbreviations.yaml', COE005) is asked again, not taken for one of the paper's files:
    the record of such a check ended validate with a traceback."""
    config = project / "paper" / "paper.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "abbreviations: ../abbreviations.yaml\n", encoding="utf-8")
    first, again = validate(project), validate(project)
    assert first.exit_code == 1 and "error COE005 abbreviations: '../abbreviations.yaml'" in first.stderr
    assert (again.exit_code, again.stderr) == (first.exit_code, first.stderr)
