"""`coe-paper serve` rebuilds for what the site is built from, and for nothing else saved in the project."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from coe_paper.serve import PreviewServer, Rebuilt
from conftest import GIT_ENV, MakeProject, git_commit, section_text, tiny_png


def _wait_for(seen: list[list[str]], name: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not any(name in changed for changed in seen) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_serve_rebuilds_for_what_the_site_is_built_from_and_nothing_else(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """Any file saved in the project made a rebuild: notes kept beside the paper, an editor's backup, the PDF of a
    draft assembled to another name, `git status` refreshing git's index. serve rebuilds for the paper's own files
    and for what the last build read elsewhere: here a picture a section shows from a folder of its own, and a
    new redline in the build folder, which the page links to."""
    body = "## Maps\n\n![A map of the districts](../figures/map.png)\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook"),
                         "figures/map.png": tiny_png(4, 4), "notes/minutes.md": "Minutes of the meeting.\n"},
                        git=True)
    seen: list[list[str]] = []

    def record(rebuilt: Rebuilt) -> None:
        seen.append(rebuilt.changed)

    server = PreviewServer(root, tmp_path / "site", port=0, on_build=record)
    server.start()
    try:
        (root / "notes/minutes.md").write_text("Minutes of the meeting, amended.\n", encoding="utf-8")
        (root / "notes/minutes.md.bak").write_text("Minutes of the meeting.\n", encoding="utf-8")
        (root / "build").mkdir()
        (root / "build/draft-for-rome.pdf").write_bytes(b"%PDF-1.7\n")
        (root / "build/draft-for-rome.docx").write_bytes(b"PK\x05\x06" + bytes(18))
        subprocess.run(["git", "status", "--porcelain"], cwd=root, check=True, capture_output=True)
        time.sleep(1.5)  # time for any rebuild they would make
        (root / "figures/map.png").write_bytes(tiny_png(8, 8))
        _wait_for(seen, "figures/map.png")
        (root / "build/test-paper-changes-since-v1.docx").write_bytes(b"PK\x05\x06" + bytes(18))
        _wait_for(seen, "build/test-paper-changes-since-v1.docx")
        time.sleep(0.3)  # any later batch too
    finally:
        server.stop()
    assert seen == [[], ["figures/map.png"], ["build/test-paper-changes-since-v1.docx"]], seen


@pytest.mark.parametrize(("worktree", "old_git"), [(False, False), (True, False), (True, True)],
                         ids=["repository", "worktree", "worktree-git-2.30"])
def test_serve_rebuilds_after_a_commit(make_project: MakeProject, tmp_path: Path, worktree: bool, old_git: bool,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """After `git commit` the page kept saying "with uncommitted changes", with the commit and last changes of
    before, until the next saved edit: serve watched none of git's files. A change of HEAD, the refs or packed-refs
    rebuilds the page (the index and the objects do not), also in a work tree whose git directory is elsewhere,
    where the change was shown by its whole path; and with a git older than 2.31, which has no
    `--path-format=absolute` (here a git that refuses it, as one before 2.31 does), where no commit was seen."""
    if old_git:
        shim = tmp_path / "bin" / "git"
        shim.parent.mkdir()
        shim.write_text('#!/bin/sh\nfor a in "$@"; do case "$a" in --path-format=*) echo "unknown option $a" >&2; '
                        f'exit 129;; esac; done\nexec {shutil.which("git")} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
        monkeypatch.setenv("PATH", f"{shim.parent}{os.pathsep}{os.environ['PATH']}")
    root = make_project(git=True)
    if worktree:
        subprocess.run(["git", "-C", str(root), "worktree", "add", "-q", "-b", "draft", str(tmp_path / "draft")],
                       env={**os.environ, **GIT_ENV}, check=True, capture_output=True)
        root = tmp_path / "draft"
    seen: list[list[str]] = []
    pages: list[str] = []

    def record(rebuilt: Rebuilt) -> None:
        seen.append(rebuilt.changed)
        assert rebuilt.built.page is not None
        pages.append(rebuilt.built.page.read_text(encoding="utf-8"))

    server = PreviewServer(root, tmp_path / "site", port=0, on_build=record)
    server.start()
    try:
        intro = root / "sections/01-intro.md"
        intro.write_text(intro.read_text(encoding="utf-8") + "\nA sentence added.\n", encoding="utf-8")
        _wait_for(seen, "sections/01-intro.md")
        assert "(with uncommitted changes)" in pages[-1]
        edited = len(seen)
        commit = git_commit(root, "Add a sentence", env={"GIT_COMMITTER_DATE": "2024-02-15T10:00:00+00:00"})
        deadline = time.monotonic() + 20
        while len(seen) == edited and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # any later batch too
    finally:
        server.stop()
    assert len(seen) > edited, seen
    assert all(name in ("HEAD", "packed-refs") or name.startswith("refs/") for name in seen[edited]), seen
    assert "(with uncommitted changes)" not in pages[-1] and f"<code>{commit[:12]}</code>" in pages[-1]


def test_each_changed_file_is_asked_once_whether_it_is_one_of_gits(make_project: MakeProject, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch of changes asked of each file twice whether it was one of git's refs (once to keep it, once more to
    name it for the rebuild): it is asked once, and the names are those it had, git's files by git's names."""
    import threading

    import watchfiles

    from coe_paper import site_inputs

    root = make_project(git=True)
    git_dir = tmp_path / "elsewhere.git"  # a work tree's git directory, outside the project
    (git_dir / "refs/heads").mkdir(parents=True)
    for name in ("HEAD", "refs/heads/main", "packed-refs"):
        (git_dir / name).write_text("ref\n", encoding="utf-8")
    batch = {(watchfiles.Change.modified, str(root / "sections/01-intro.md")),
             (watchfiles.Change.modified, str(git_dir / "HEAD")),
             (watchfiles.Change.added, str(git_dir / "refs/heads/main")),
             (watchfiles.Change.modified, str(git_dir / "refs/heads/main")),
             (watchfiles.Change.modified, str(git_dir / "packed-refs"))}
    asked: list[str] = []
    cover = site_inputs.GitRefs.cover

    def counted(self: site_inputs.GitRefs, path: str) -> bool:
        asked.append(path)
        return cover(self, path)

    def one_batch(*folders: Path, **options: object) -> object:
        yield batch

    monkeypatch.setattr(site_inputs, "git_refs", lambda root: site_inputs.GitRefs(git_dir, git_dir))
    monkeypatch.setattr(watchfiles, "watch", one_batch)
    server = PreviewServer(root, tmp_path / "site", port=0)
    built: list[list[str]] = []
    monkeypatch.setattr(server, "build", built.append)
    monkeypatch.setattr(site_inputs.GitRefs, "cover", counted)
    try:
        server._watch(threading.Event())
    finally:
        server.httpd.server_close()
    assert built == [["HEAD", "packed-refs", "refs/heads/main", "sections/01-intro.md"]]
    assert sorted(asked) == sorted({str(Path(path).resolve()) for _, path in batch}), asked
