"""Careless paths and files in a project: a relative spelling dictionary read from another folder, a `.mailmap`
that is a named pipe, line separators in YAML, odd `schema -o` folders. Each is a clear diagnostic naming the file,
never a hang, a traceback or a silently different result."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import pytest

from coe_paper import limits
from conftest import PAPER_YAML, MakeProject, cli, section_text

INTRO = "sections/01-intro.md"
DICTIONARY = Path("/usr/share/hunspell/en_GB")


def _own_dictionary(make_project: MakeProject, where: str = "paper/en_GB") -> Path:
    """A project in git whose paper.yaml names `where` as its dictionary, with Debian's en_GB copied into paper/,
    and a misspelt word in its introduction."""
    if not DICTIONARY.with_suffix(".dic").exists():
        pytest.skip("Debian's hunspell-en-gb is not installed")
    intro = section_text("intro", "The homemkaer went home.\n", title="Introduction")
    root = make_project({"paper/paper.yaml": PAPER_YAML + f"checks:\n  dictionary: {where}\n", INTRO: intro},
                        git=True)
    for suffix in (".aff", ".dic"):
        shutil.copyfile(DICTIONARY.with_suffix(suffix), root / "paper" / f"en_GB{suffix}")
    return root


@pytest.mark.parametrize("where", ["sections", "elsewhere"])
def test_a_relative_dictionary_is_read_from_the_project_not_the_current_folder(
        make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """`checks: {dictionary: paper/en_GB}` was looked up from the current folder: from sections/, or with
    `--project DIR` from another folder, spelling was silently off ('no hunspell dictionary')."""
    root = _own_dictionary(make_project)
    if where == "sections":
        monkeypatch.chdir(root / "sections")
        found = cli("validate")
    else:
        monkeypatch.chdir(tmp_path)
        found = cli("--project", str(root), "validate")
    assert "no hunspell dictionary" not in found.output, found.output
    assert "sections/01-intro.md:9:5: warning COE721 'homemkaer' is not in the en_GB dictionary" in found.output


@pytest.mark.parametrize("where", ["../en_GB", "paper/system/en_GB", "paper/linked"])
def test_a_relative_dictionary_that_leads_out_of_the_project_is_refused(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    """A relative `checks.dictionary` is the project's: one that climbs out, or leaves through a symbolic link to a
    folder outside, is named at its line in paper.yaml (an absolute path is the way to name the system's). So is
    one whose .aff and .dic are links to the system's files: they were read from outside the project."""
    root = _own_dictionary(make_project, where)
    (root / "paper" / "system").symlink_to(DICTIONARY.parent)
    for suffix in (".aff", ".dic"):
        (root / "paper" / f"linked{suffix}").symlink_to(DICTIONARY.with_suffix(suffix))
    for suffix in (".aff", ".dic"):
        shutil.copyfile(DICTIONARY.with_suffix(suffix), root.parent / f"en_GB{suffix}")
    monkeypatch.chdir(root)
    found = cli("validate")
    assert found.exit_code == 1, found.output
    assert (f"paper/paper.yaml:20:3: error COE005 checks: dictionary: '{where}' leads outside the project: spelling "
            "not checked") in found.output
    assert "homemkaer" not in found.output


def test_a_relative_dictionary_linked_within_the_project_is_read(make_project: MakeProject,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A dictionary whose files are links to others in the project, through a linked folder too, is the project's
    own and is read."""
    root = _own_dictionary(make_project, "paper/words/mine")
    (root / "paper" / "words").symlink_to(root / "paper" / "own")
    (root / "paper" / "own").mkdir()
    for suffix in (".aff", ".dic"):
        (root / "paper" / "own" / f"mine{suffix}").symlink_to(root / "paper" / f"en_GB{suffix}")
    monkeypatch.chdir(root)
    found = cli("validate")
    assert "COE005" not in found.output and "no hunspell dictionary" not in found.output, found.output
    assert "sections/01-intro.md:9:5: warning COE721 'homemkaer' is not in the en_GB dictionary" in found.output


@pytest.mark.parametrize("command", ["validate", "status", "contributors"])
def test_a_named_pipe_as_the_mailmap_is_named_before_git_waits_on_it(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    """`mkfifo .mailmap`: git log and git blame waited on it until their time limit (120 s), and validate then said
    nothing of it. It is named before git runs; the report goes on without the history."""
    root = make_project(git=True)
    os.mkfifo(root / ".mailmap")
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, git_seconds=20.0))
    monkeypatch.chdir(root)
    started = time.monotonic()
    found = cli(command)
    assert time.monotonic() - started < 15, found.output
    assert (".mailmap: error COE003 .mailmap is a named pipe, not a file: git would wait on it when it maps authors: "
            "no git history read") in found.output
    assert found.exit_code == (1 if command == "validate" else 0), found.output


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029"])
def test_yaml_errors_after_a_line_separator_are_at_the_line_an_editor_shows(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, separator: str) -> None:
    """PyYAML ends a line at U+2028, U+2029 and U+0085, which editors show within it: an error after one, in front
    matter or paper.yaml, was reported a line late (and a column off)."""
    title = f'"Intro{separator}duction"'
    broken = section_text("intro", "Body text.\n", title=title).replace("status: draft\n", "status: draft\nbad: : x\n")
    unknown = section_text("intro", "Body text.\n", title=title).replace("status: draft\n", "status: draft\nodd: x\n")
    paper = (PAPER_YAML.replace("subtitle: A tiny paper for the test suite", f'subtitle: "A tiny{separator}paper"')
             + "checks:\n  thousands: dots\n")
    monkeypatch.chdir(make_project({INTRO: broken, "paper/paper.yaml": paper}))
    lines = cli("validate").output.splitlines()
    line = broken.split("\n").index("bad: : x") + 1
    assert f"{INTRO}:{line}:6: error COE001 YAML syntax error: mapping values are not allowed here" in lines
    assert any(found.startswith(f"paper/paper.yaml:{PAPER_YAML.count(chr(10)) + 2}:3: error COE002")
               for found in lines), lines
    monkeypatch.chdir(make_project({INTRO: unknown}))
    line = unknown.split("\n").index("odd: x") + 1
    assert any(found.startswith(f"{INTRO}:{line}:1: error COE002") for found in cli("validate").output.splitlines())
