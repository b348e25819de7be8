"""A repository whose git would wait: a file-system monitor hook, a remote asking for a password (a partial clone
fetching what it lacks), a git that does not answer at all. Each run ends on its own, in seconds, with the history
it could read."""

from __future__ import annotations

import dataclasses
import http.server
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coe_paper import limits
from conftest import GIT_ENV, HOUSING_BODY, MakeProject, cli, git_commit, require_client, section_text, tiny_png
from drafts import pandoc_draft
from reviewkit import tracked


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)
    return path


def test_a_file_system_monitor_hook_is_not_run(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    marker = tmp_path / "monitor-ran"
    hook = script(tmp_path / "monitor", f"echo ran >> {marker}; sleep 20")
    subprocess.run(["git", "-C", str(root), "config", "core.fsmonitor", str(hook)], check=True)
    started = time.monotonic()
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()  # git status ran it, and waited for it
    assert time.monotonic() - started < 15


class _AsksForPassword(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="paper"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def password_server() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _AsksForPassword)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/paper.git"
    server.shutdown()
    server.server_close()


def test_a_remote_asking_for_a_password_is_not_asked(make_project: MakeProject, tmp_path: Path,
                                                     password_server: str) -> None:
    origin = make_project(git=True)
    (origin / "sections/03-outlook.md").write_text(section_text("outlook", HOUSING_BODY, lead="leipzig"))
    git_commit(origin, "Second draft")
    (origin / "sections/03-outlook.md").write_text(section_text("outlook", HOUSING_BODY + "\nMore.\n", lead="leipzig"))
    git_commit(origin, "Third draft")
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "-C", str(origin), "config", "uploadpack.allowFilter", "true"], check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", f"file://{origin}", str(clone)], check=True, env=env)
    subprocess.run(["git", "-C", str(clone), "remote", "set-url", "origin", password_server], check=True)
    marker = tmp_path / "asked"
    askpass = script(tmp_path / "askpass", f"echo asked >> {marker}; echo secret")
    subprocess.run(["git", "-C", str(clone), "config", "core.askPass", str(askpass)], check=True)
    result = cli("--project", str(clone), "validate")
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()  # git asked for the remote's password, once for every file it lacked
    assert "warning COE204 git blame failed" in result.stderr  # the older versions are not there to blame


def test_a_git_that_does_not_answer_is_stopped(make_project: MakeProject, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(git=True)
    programs = tmp_path / "programs"
    programs.mkdir()
    script(programs / "git", "exec sleep 60")
    monkeypatch.setenv("PATH", f"{programs}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, git_seconds=1.0))
    started = time.monotonic()
    result = cli("--project", str(root), "validate")
    assert time.monotonic() - started < 20
    assert "warning COE204 no git history: git rev-parse did not answer within 1 second;" in result.stderr
    at_rev = cli("--project", str(root), "validate", "--rev", "HEAD")
    assert at_rev.exit_code == 1
    assert "error COE003 git rev-parse did not answer within 1 second\n" in at_rev.stderr


@pytest.mark.parametrize("args", [("validate", "--rev", "HEAD"), ("assemble", "--compare", "main")])
def test_a_revision_in_a_repository_without_commits_says_so(make_project: MakeProject, args: tuple[str, ...]) -> None:
    root = make_project()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    result = cli("--project", str(root), *args)
    assert result.exit_code == 1
    assert "error COE003" in result.stderr and "the repository has no commits yet; commit the paper first" \
        in result.stderr


def test_a_revision_outside_git_says_so(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))  # no repository above the test's folder
    result = cli("--project", str(root), "validate", "--rev", "HEAD")
    assert result.exit_code == 1
    assert f"error COE003 cannot read revision 'HEAD': {root} is not in a git repository" in result.stderr


def _mid_merge(root: Path) -> None:
    """The repository at `root` stopped in a merge with a conflict in README.md, as `git merge` leaves it."""
    env = {**os.environ, **GIT_ENV}

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)

    git("checkout", "-q", "-b", "side")
    (root / "README.md").write_text("The side's words.\n")
    git_commit(root, "Side")
    git("checkout", "-q", "main")
    (root / "README.md").write_text("The main line's words.\n")
    git_commit(root, "Main")
    assert subprocess.run(["git", "-C", str(root), "merge", "-q", "side"], env=env, capture_output=True).returncode


def test_commit_during_a_merge_is_refused_before_writing(make_project: MakeProject, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """git refuses a commit of chosen files during a merge: import wrote and staged the section, then said it had
    not committed it; apply wrote the reviewer's changes before its commit failed."""
    root = make_project({"sections/03-outlook.md": None}, git=True)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 0
    reviewed = tmp_path / "reviewed.docx"
    tracked(root / "build/test-paper.docx", reviewed, [("so that urban policy ", "serves", "works for", "Ana Rossi")])
    draft = pandoc_draft(require_client("pandoc"), tmp_path, tiny_png())
    _mid_merge(root)
    before = subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True).stdout
    imported = cli("--project", str(root), "import", str(draft), "--id", "outlook", "--lead", "rome", "--commit",
                   "--author", "Ana Rossi=rome")
    applied = cli("--project", str(root), "apply", str(reviewed), "--commit", "--author", "Ana Rossi=rome")
    for result in (imported, applied):
        assert result.exit_code != 0
        assert ("--commit: a merge is under way in the repository; finish it first (git commit, or git merge "
                "--abort), or leave out --commit") in result.stderr
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == before


@pytest.mark.parametrize("args", [("validate", "--rev"), ("status", "--rev"), ("contributors", "--rev"),
                                  ("assemble", "--rev"), ("assemble", "--compare")])
def test_a_revision_git_would_read_as_an_option_is_refused(make_project: MakeProject, tmp_path: Path,
                                                           args: tuple[str, ...]) -> None:
    """`--rev=--output=FILE` reached `git log` as its option: git wrote its log to FILE, anywhere."""
    root = make_project(git=True)
    target = tmp_path / "written-by-git"
    result = cli("--project", str(root), *args, f"--output={target}")
    assert result.exit_code == 2
    assert f"'--output={target}' is no revision (none starts with '-')" in result.stderr
    assert not target.exists()


def test_a_commit_without_a_name_or_an_e_mail_is_named_as_such(make_project: MakeProject) -> None:
    """git refuses to make a commit without an author's name, but another tool may, and history holds it as it is:
    COE203 listed that author as ` <>`, which said nothing. Its lines are counted for no organisation."""
    root = make_project(git=True)
    intro = root / "sections/01-intro.md"
    intro.write_text(intro.read_text() + "\nA line that a tool without a name committed for the members.\n")

    def git(*args: str, given: str | None = None) -> str:
        return subprocess.run(["git", "-C", str(root), *args], input=given, capture_output=True, text=True,
                              check=True, env={**os.environ, **GIT_ENV}).stdout.strip()

    git("add", "-A")
    body = (f"tree {git('write-tree')}\nparent {git('rev-parse', 'HEAD')}\nauthor  <> 1706700000 +0000\n"
            "committer  <> 1706700000 +0000\n\nNo name\n")
    git("update-ref", "HEAD", git("hash-object", "-t", "commit", "-w", "--stdin", "--literally", given=body))
    assert git("log", "-1", "--format=[%an][%ae]") == "[][]"
    result = cli("--project", str(root), "validate")
    assert "sections/01-intro.md:1:1: warning COE203 commits by identities that map to no member organisation: " \
        "(no name) <no e-mail>" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_a_right_to_left_override_in_a_git_name_reverses_nothing_after_it(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """A commit whose author's name holds a right-to-left override (U+202E) left open: `status` printed the name
    as it is, and a terminal showed the rest of the line reversed; the preview's board and its COE203 message too
    (COE012 stops such a name in the paper's YAML, not in git's history). The table shows the override as its
    escape, and the page holds the name and each message in an isolate (`<bdi>`) that ends it."""
    from coe_paper import site

    root = make_project(git=True)
    intro = root / "sections/01-intro.md"
    intro.write_text(intro.read_text() + "\nA line written by someone whose name turns the text around.\n")
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_NAME": "x \u202eevil", "GIT_AUTHOR_EMAIL": "x@example.net"}
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "Reversed"], check=True, env=env)
    result = cli("--project", str(root), "status")
    assert "\u202e" not in result.stdout and "x \\u202eevil" in result.stdout, result.stdout
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    html = page.read_text(encoding="utf-8")
    assert "<bdi>x \u202eevil</bdi> (no member organisation)" in html
    assert all("</bdi>" in html[found:].split("</li>", 1)[0] for found in
               (index for index in range(len(html)) if html.startswith("\u202e", index) and
                html.rfind("<li", 0, index) > html.rfind("</li>", 0, index))), "a message's override left open"


@pytest.mark.parametrize(("name", "page"), [("x \u202eevil", "<bdi>x \u202eevil</bdi> (no member organisation)"),
                                            ("<b>Ann</b> & co", "&lt;b&gt;Ann&lt;/b&gt; &amp; co (no member "
                                                                "organisation)")])
def test_status_and_the_board_word_who_changed_a_section_in_one_place(name: str, page: str) -> None:
    """The board's "by" column had its own copy of `SectionStatus.changed_by`, which a change of wording in one
    would have left behind in the other: the row words it for both, the page giving the name as `isolated` shows it
    (escaped, and in an isolate of its own when it holds a bidirectional control)."""
    from markupsafe import Markup

    from coe_paper.html_flow import isolated
    from coe_paper.report import SectionStatus

    row = SectionStatus("intro", "sections/01-intro.md", "Intro", "draft", "1", "rome", 23, 0, None, "", "2024-01-31",
                        None, f"{name} <a@example.net>", 1, 0, 0, last_change_name=name)
    assert row.changed_by("") == f"{name} (no member organisation)"
    shown = row.changed_by("", isolated)
    assert isinstance(shown, Markup) and shown == page
    assert row.changed_by("Rome & Lazio", isolated) == "Rome & Lazio"  # a label: the template escapes it
