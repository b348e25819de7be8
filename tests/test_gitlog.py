"""The version stamp (`git describe`, commit, date, dirty) and building the paper at a git revision."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from coe_paper import pipeline
from coe_paper.cli import app
from coe_paper.gitlog import version_of
from conftest import GIT_ENV, INTRO_BODY, MakeProject, git_commit, require_client, section_text, write_project

INTRO = "sections/01-intro.md"
OLD = "Cities of Equality brings together cities, regions and Commission services"
NEW = "The partnership rewrote this sentence after the tag was made, in a later commit."
UNCOMMITTED = "This sentence exists only in the work tree and was never committed."


@pytest.fixture(autouse=True)
def _no_source_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def git(root: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], env={**os.environ, **GIT_ENV},
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def on_day(day: int) -> dict[str, str]:
    date = f"2024-03-{day:02d}T09:30:00+01:00"
    return {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}


def intro_with(sentence: str) -> str:
    return section_text("intro", INTRO_BODY.replace(OLD, sentence), title="Introduction")


def tree_state(root: Path) -> tuple[str, dict[str, tuple[bytes, int]]]:
    """`git status` and every work tree file's bytes and modification time (the .git directory left out)."""
    files = {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns)
             for p in sorted(root.rglob("*")) if p.is_file() and ".git" not in p.relative_to(root).parts}
    return git(root, "status", "--porcelain", "--ignored", "--untracked-files=all"), files


def texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


# -- the version stamp -------------------------------------------------------------------------------------------


def test_describe_follows_tags_commits_and_changes(make_project: MakeProject) -> None:
    root = make_project(git=True)
    untagged = version_of(root)
    assert (untagged.describe, untagged.tag) == (git(root, "rev-parse", "--short=7", "HEAD"), "")
    git(root, "tag", "v0.1")
    tagged = version_of(root)
    assert (tagged.describe, tagged.commit, tagged.dirty) == ("v0.1", git(root, "rev-parse", "HEAD"), False)
    assert tagged.tag == "v0.1" and tagged.release == "Version 0.1"
    assert tagged.date == datetime(2024, 1, 31, 10, tzinfo=timezone.utc)
    assert tagged.label == "v0.1"

    (root / INTRO).write_text(intro_with(NEW), encoding="utf-8")
    commit = git_commit(root, "Rewrite the introduction", on_day(4))
    later = version_of(root)
    assert later.describe == f"v0.1-1-g{commit[:7]}" and later.commit == commit and not later.dirty
    assert later.tag == "v0.1" and later.release == "Version 0.1, 1 change since"
    assert later.date == datetime(2024, 3, 4, 8, 30, tzinfo=timezone.utc)
    assert later.day == "4 March 2024"

    (root / "notes.txt").write_text("not part of the paper", encoding="utf-8")
    assert not version_of(root).dirty  # files outside the paper do not count
    (root / INTRO).write_text(intro_with(UNCOMMITTED), encoding="utf-8")
    dirty = version_of(root)
    assert dirty.dirty and dirty.label == f"v0.1-1-g{commit[:7]} (with uncommitted changes)"
    assert not version_of(root, "HEAD").dirty  # a build at a revision reads git, not the work tree
    git(root, "tag", "release-2-g1234567")  # a tag spelt as a description is still the tag
    assert (version_of(root, "HEAD").describe, version_of(root, "HEAD").tag) == ("release-2-g1234567",) * 2


def test_a_signed_commit_shown_with_its_signature_keeps_the_version_clean(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """`log.showSignature=true` in git config (common for people who sign their commits) makes `git log` write the
    signature's check before the commit: the version's commit (the document's identifier) held git's words about
    the key ("Good \\"git\\" signature ... No principal matched.\\n33f884a...")."""
    key = tmp_path / "key"
    subprocess.run([require_client("ssh-keygen"), "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    root = make_project(git=True)
    (root / INTRO).write_text(intro_with(NEW), encoding="utf-8")
    for setting in ("gpg.format=ssh", f"user.signingKey={key}", f"gpg.ssh.allowedSignersFile={tmp_path / 'none'}"):
        git(root, "config", *setting.split("=", 1))
    git(root, "commit", "-q", "-S", "-am", "Signed")
    git(root, "config", "log.showSignature", "true")
    commit = git(root, "rev-parse", "HEAD")
    assert re.fullmatch("[0-9a-f]{40}", commit)
    version = version_of(root)
    assert version.commit == commit and version.describe == commit[:7]


def test_a_new_untracked_section_makes_the_tree_dirty(make_project: MakeProject) -> None:
    root = make_project(git=True)
    (root / "sections" / "04-more.md").write_text(section_text("more", "Text.\n"), encoding="utf-8")
    assert version_of(root).dirty


def test_outside_git_the_paper_is_unversioned(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    assert version_of(root).describe == "unversioned" and version_of(root).commit == ""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1717200000")
    assert version_of(root).date == datetime(2024, 6, 1, 0, 0, tzinfo=timezone.utc)


def test_a_dirty_build_says_so_on_the_title_page_and_in_the_properties(
    make_project: MakeProject, tmp_path: Path
) -> None:
    root = make_project(git=True)
    git(root, "tag", "v0.1")
    commit = git(root, "rev-parse", "HEAD")
    (root / INTRO).write_text(intro_with(UNCOMMITTED), encoding="utf-8")
    result = pipeline.assemble(root, tmp_path / "dirty.docx")
    assert result.output is not None, result.diagnostics
    document = docx.Document(str(result.output))
    assert document.core_properties.version == "v0.1 (with uncommitted changes)"
    assert document.core_properties.identifier == commit
    page = "\n".join(texts(result.output)[:12])
    assert "Draft, Version 0.1 (with uncommitted changes)" in page and "January 2024" in page
    assert f"from commit {commit[:12]} of 31 January 2024" in page  # the small print on the back: the commit's date

    (root / INTRO).write_text(intro_with(OLD), encoding="utf-8")  # back to the committed text
    clean = pipeline.assemble(root, tmp_path / "clean.docx")
    assert clean.output is not None
    assert docx.Document(str(clean.output)).core_properties.version == "v0.1"


# -- building at a revision --------------------------------------------------------------------------------------


def test_assemble_at_a_tag_reads_git_and_leaves_the_work_tree_alone(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    git(root, "tag", "-a", "v0.1", "-m", "First draft for the members")
    tagged = git(root, "rev-parse", "v0.1^{commit}")
    (root / INTRO).write_text(intro_with(NEW), encoding="utf-8")
    git_commit(root, "Rewrite the introduction", on_day(4))
    (root / INTRO).write_text(intro_with(UNCOMMITTED), encoding="utf-8")
    before = tree_state(root)

    runner = CliRunner()
    first, second = tmp_path / "first.docx", tmp_path / "second.docx"
    for out in (first, second):
        result = runner.invoke(app, ["--project", str(root), "assemble", "--rev", "v0.1", "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "version v0.1)" in result.stdout

    assert tree_state(root) == before
    assert first.read_bytes() == second.read_bytes()
    body = "\n".join(texts(first))
    assert OLD in body and NEW not in body and UNCOMMITTED not in body
    properties = docx.Document(str(first)).core_properties
    assert (properties.version, properties.identifier) == ("v0.1", tagged)
    assert properties.modified == datetime(2024, 1, 31, 10, 0, tzinfo=timezone.utc)

    head = runner.invoke(app, ["--project", str(root), "assemble", "--rev", "HEAD", "-o", str(tmp_path / "h.docx")])
    assert head.exit_code == 0, head.output
    body = "\n".join(texts(tmp_path / "h.docx"))
    assert NEW in body and UNCOMMITTED not in body


def test_an_unknown_revision_is_an_error_not_a_traceback(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    result = CliRunner().invoke(app, ["--project", str(root), "assemble", "--rev", "v9.9", "-o", str(tmp_path / "x")])
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
    assert re.search(r"error COE003 unknown revision 'v9\.9': the repository has no tag, branch or commit of that "
                     r"name \('git tag' lists the tags", result.stderr)  # what to do next, for one who is no programmer
    assert not (tmp_path / "x").exists()


def test_a_project_in_a_subdirectory_builds_at_a_revision(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    root = write_project(repo / "docs" / "paper")
    git_commit(repo, "Paper in a sub-directory")
    (root / INTRO).write_text(intro_with(NEW), encoding="utf-8")
    result = pipeline.assemble(root, tmp_path / "sub.docx", rev="HEAD")
    assert result.output is not None, result.diagnostics
    body = "\n".join(texts(result.output))
    assert OLD in body and NEW not in body
    assert result.version is not None and not result.version.dirty


def test_a_relative_git_dir_is_read_from_where_coe_paper_started(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """git sets GIT_DIR=.git itself in `git rebase --exec` and some hooks, relative to where they run: every git
    command runs in the project's folder (`-C`), where `.git` is not, so a project in a folder of its repository
    lost its history (COE204 'not a git repository')."""
    repository = tmp_path / "repository"
    write_project(repository / "docs" / "paper")
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "First draft"]):
        subprocess.run(["git", "-C", str(repository), *args], env=env, check=True, capture_output=True)
    monkeypatch.chdir(repository)
    monkeypatch.setenv("GIT_DIR", ".git")
    found = pipeline.check(repository / "docs" / "paper").diagnostics
    assert [d.code for d in found if d.code == "COE204"] == [], [d.as_text() for d in found]
