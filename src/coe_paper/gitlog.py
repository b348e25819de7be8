"""Version stamp from git: `git describe`, commit hash and date, and whether the tree has uncommitted changes."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import gitrun

#: The files that make up the paper (.mailmap changes the credits); changes elsewhere do not make a build "dirty".
PAPER_PATHS = ("paper", "sections", "contributors.yaml", ".mailmap")


@dataclass(frozen=True)
class Version:
    """The version a build is stamped with, from git (or `unversioned` outside it)."""

    describe: str  # `git describe --tags --always`, or "unversioned" outside git
    commit: str  # full hash, or ""
    date: datetime | None  # SOURCE_DATE_EPOCH, else the commit's date
    dirty: bool
    tag: str = ""  # the newest tag reachable from the commit, or ""

    @property
    def label(self) -> str:
        return self.describe + (" (with uncommitted changes)" if self.dirty else "")

    @property
    def short(self) -> str:
        return self.commit[:12]

    @property
    def month(self) -> str:
        """ "January 2024", as the cover of an EU document dates it."""
        return self.date.strftime("%B %Y") if self.date else ""

    @property
    def release(self) -> str:
        """The version label of the cover: the newest tag ("v1.2" as "Version 1.2"), with the commits since it."""
        if not self.tag:
            return "Working version" + (" (with uncommitted changes)" if self.dirty else "")
        number = self.tag[1:] if self.tag[:1] in "vV" and self.tag[1:2].isdigit() else self.tag
        after = self.describe[len(self.tag):].lstrip("-").split("-")[0] if self.describe.startswith(self.tag) else ""
        extra = f", {after} change{'s' * (after != '1')} since" if after.isdigit() else ""
        return f"Version {number}{extra}" + (" (with uncommitted changes)" if self.dirty else "")

    @property
    def day(self) -> str:
        return self.date.strftime("%d %B %Y").lstrip("0") if self.date else ""


def git(root: Path, *args: str) -> str | None:
    """Output of a git command in `root`, or None when git fails or is missing."""
    return gitrun.text(root, *args)


def repository_problem(root: Path) -> str | None:
    """Why git cannot read the repository at `root` at all (git missing or not answering, or a repository git
    refuses because another user owns it), or None. Asked only after a git command failed, to say more than "not a
    repository"."""
    try:
        proc = gitrun.run(root, "rev-parse", "--git-dir")
    except OSError:
        return "git is not installed (or not on the PATH)"
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode == gitrun.STOPPED:
        return stderr
    if "dubious ownership" in stderr or "safe.directory" in stderr:
        return (f"git refuses to read the repository at {root} because another user owns it; if you trust it, "
                f"run: git config --global --add safe.directory {root}")
    return None


def source_date() -> datetime | None:
    """SOURCE_DATE_EPOCH (reproducible-builds.org) as a UTC datetime, if set and valid (a number of seconds that a
    date holds: the year 10000 or past the system's time_t is not)."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value.isdigit() and len(value) < 20:  # a 5,000-digit value is not even converted
        with contextlib.suppress(OverflowError, OSError, ValueError):
            return datetime.fromtimestamp(int(value), tz=timezone.utc)
    return None


def newest_file_date(root: Path) -> datetime | None:
    """Outside git (an unpacked archive): the newest modification time among the paper's files."""
    times = [
        path.stat().st_mtime
        for name in PAPER_PATHS
        for path in ((root / name).rglob("*") if (root / name).is_dir() else [root / name])
        if path.is_file()
    ]
    return datetime.fromtimestamp(int(max(times)), tz=timezone.utc) if times else None


def version_of(root: Path, rev: str | None = None) -> Version:
    """The version of the paper at `rev`, or of the work tree (dirty if paper files changed)."""
    return PendingVersion(root, rev).result()


class PendingVersion:
    """`version_of`, its git commands started now (all at once: each names the same commit) and read by
    `result`, so that git runs while the caller loads the paper."""

    def __init__(self, root: Path, rev: str | None = None) -> None:
        self.root, self.rev = root, rev
        target = rev or "HEAD"
        asked = [["log", "-1", "--format=%H%x00%cI", target, "--"],
                 ["describe", "--tags", "--long", "--always", "--abbrev=7", target]]  # the tag and the commits since
        if rev is None:
            asked.append(["status", "--porcelain", "--untracked-files=normal", "--", *PAPER_PATHS])
        self.started = gitrun.start(root, asked, config=gitrun.READ_CONFIG)  # log.showSignature: no key's check
        self.version: Version | None = None

    def result(self) -> Version:
        if self.version is None:
            self.version = _version(self.root, self.rev, gitrun.answers(self.started))
        return self.version


_LONG = re.compile(r"(.+)-(\d+)-g([0-9a-f]{7,})")  # `git describe --long`: the tag, the commits since it, the commit


def _version(root: Path, rev: str | None, answers: list[str | None]) -> Version:
    info = answers[0]
    if not info:
        return Version("unversioned", "", source_date() or newest_file_date(root), False)
    commit, _, iso = info.partition("\0")
    described = _LONG.fullmatch(answers[1] or "")
    if described is None:  # no tag: `--always` gave the commit's abbreviation
        describe, tag = answers[1] or commit[:7], ""
    else:  # `v1.2-0-g1a2b3c4` is written `v1.2`, as `git describe` writes it at the tag
        tag, since = described.group(1), described.group(2)
        describe = tag if since == "0" else described.group(0)
    dirty = rev is None and bool(answers[2])
    date = source_date() or datetime.fromisoformat(iso)
    return Version(describe, commit, date, dirty, tag)
