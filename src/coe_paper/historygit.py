"""What attribution reads from git before it blames, with few git processes and fewer one after another.

`rev-parse` (the repository's facts and the target commit) and `config` (the settings git blame and git log read)
start at once. The section files' blob ids (`ls-tree`) and the one log pass over `sections/` (commits, renames,
`Co-authored-by:` trailers) depend only on the commit and those settings, so they are kept in the section cache by
both: a build at a commit built before starts two git processes here, side by side, where it started four, and no
log pass, which walks the whole history (15 ms on this repository's, more with every commit). A commit that git
shows otherwise through `git replace` or grafts is not noticed: the blame cache has the same blind spot.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import gitrun
from .project import SECTIONS_DIR
from .store import Store

GIT_CONFIG = gitrun.READ_CONFIG
_TRAILERS = "%(trailers:key=Co-authored-by,valueonly=true,separator=%n,unfold=true)"
#: Commit, author, date, co-authors, one a line: git takes any character but a line break in a name or an e-mail,
#: and a trailer's value is one line, so no field can hold the separator. Then the message's body, a field of its
#: own (git keeps a NUL out of a message), for the commit a revert names (`reverted`).
LOG_FORMAT = f"%x1e%H%n%an%n%ae%n%aI%n{_TRAILERS}%x1d%x00%x1f%b"
_REVERTS = re.compile(r"^This reverts commit ([0-9a-f]{40})\.$", re.M)  # as `git revert` writes it
#: The settings read: those that change git blame's answers (mailmap.*, blame.*) or the log pass's (diff.*, log.*,
#: and trailer.* and core.commentChar, which decide the `Co-authored-by:` lines `%(trailers)` finds).
SETTINGS = r"^(mailmap|blame|diff|log|trailer)\.|^core\.comment"


class Git:
    """Runs git in one directory and counts the processes it starts (thread-safe)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        self._lock = threading.Lock()

    def run(self, *args: str, env: dict[str, str] | None = None, stdin: bytes | None = None) -> bytes | None:
        with self._lock:
            self.count += 1
        return gitrun.output(self.root, *args, stdin=stdin, env=env, config=GIT_CONFIG)

    def why(self, *args: str, env: dict[str, str] | None = None) -> str:
        """The last line git wrote to its error output for a command that failed (run again to ask), or ""."""
        with self._lock:
            self.count += 1
        try:
            proc = gitrun.run(self.root, *args, env=env, config=GIT_CONFIG)
        except OSError as exc:
            return exc.strerror or str(exc)
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return lines[-1] if lines and proc.returncode != 0 else ""

    def at_once(self, *commands: Sequence[str]) -> list[bytes | None]:
        """What each command wrote (None: it failed), all started before any is waited for."""
        with self._lock:
            self.count += len(commands)
        return gitrun.outputs(gitrun.start(self.root, commands, config=GIT_CONFIG))


@dataclass(frozen=True)
class Repository:
    """What `rev-parse` says: whether the clone is shallow, the git directory, the work tree's top, the commit."""

    shallow: bool
    git_dir: str
    top: str
    commit: str


def repository(git: Git, rev: str | None) -> tuple[Repository | None, bytes]:
    """The repository's facts at `rev` (None: no repository, or no such commit) and the raw `config` settings
    (`SETTINGS`), both asked at once."""
    facts, found = git.at_once(["rev-parse", "--is-shallow-repository", "--git-common-dir", "--show-toplevel",
                                f"{rev or 'HEAD'}^{{commit}}"],
                               ["config", "-z", "--get-regexp", SETTINGS])
    lines = facts.decode("utf-8", "surrogateescape").splitlines() if facts is not None else []
    if len(lines) < 4:
        return None, found or b""
    shallow, git_dir, top, commit = lines[:4]
    return Repository(shallow == "true", git_dir, top, commit), found or b""  # none set: git config exits 1


def settings(git: Git, top: Path, found: bytes) -> bytes:
    """The `config` settings with the files they name (git reads them from the top of the work tree) and the blob
    `mailmap.blob` names: what else changes git blame's and the log pass's answers."""
    named = [found]
    for entry in found.split(b"\0"):
        key, _, value = entry.partition(b"\n")
        if key in (b"mailmap.file", b"blame.ignorerevsfile") and value:
            try:
                named.append(hashlib.sha256((top / os.path.expanduser(os.fsdecode(value))).read_bytes()).digest())
            except OSError:
                named.append(b"-")
        elif key == b"mailmap.blob" and value:
            named.append(git.run("rev-parse", "--verify", "-q", os.fsdecode(value)) or b"-")
    return b"\0".join(named)


def log_and_blobs(git: Git, root: Path, commit: str, settings: bytes, use_cache: bool = True,
                  keep_others: bool = False) -> tuple[bytes | None, dict[str, str]]:
    """The log pass's output over `sections/` up to `commit` and the blob id of each file under `sections/` at it
    (by path relative to the project root): from the section cache of the project at `root`, else from git (the
    two at once) and kept there. Only the entry used is kept unless `keep_others` (a build at another revision
    leaves the work tree's)."""
    store = Store(root if use_cache else None, "history", "", pack=True, raw=True)
    key = store.key(commit, hashlib.sha256(settings).hexdigest())
    kept = _split(store.get_bytes(key))
    if kept is None:
        from concurrent.futures import ThreadPoolExecutor  # here: a run that finds both kept does without it

        with ThreadPoolExecutor(max_workers=1) as pool:  # the log and the listing at once: neither needs the other
            log = pool.submit(git.run, "log", "-z", "--relative", "--topo-order", "--full-history", "--no-merges", "-M",
                              "--name-status", f"--format={LOG_FORMAT}", commit, "--", SECTIONS_DIR)
            listing = git.run("ls-tree", "-r", "-z", commit, "--", SECTIONS_DIR)
            kept = log.result(), listing or b""
        if kept[0] is not None and listing is not None:
            store.put_bytes(key, b"%d\n%s%s" % (len(kept[0]), kept[0], kept[1]))
    store.prune(drop_unused=not keep_others)
    return kept[0], _blobs(kept[1])


def _split(data: bytes | None) -> tuple[bytes | None, bytes] | None:
    """A kept entry's log output and listing, or None when it is not exactly of that form."""
    if data is None:
        return None
    head, newline, rest = data.partition(b"\n")
    if not newline or not head.isdigit() or int(head) > len(rest):
        return None
    size = int(head)
    return rest[:size], rest[size:]


def _blobs(listing: bytes) -> dict[str, str]:
    blobs: dict[str, str] = {}
    for entry in listing.split(b"\0"):
        info, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
        parts = info.split()
        if len(parts) == 3 and parts[1] == "blob":
            blobs[name] = parts[2]
    return blobs


def reverted(git: Git, raw: bytes | None, known: set[str]) -> set[str]:
    """The commits blame looks past (`--ignore-rev`): each revert in the log pass's output `raw` (its message says
    "This reverts commit <sha>.", as `git revert` writes it) with the commit it reverts, among the `known` ones:
    restored text is its writer's again. Only a revert that undoes that commit and does nothing else (its patch is
    the reverted commit's, reversed: `_undoes`); one that also holds new words, or was resolved by hand, is blamed
    as any commit is, or its new words would go to someone else. Newest first, so that a revert reverted goes with
    the revert of it, and what the older one reverted stands."""
    found: list[tuple[str, str]] = []  # (revert, the commit it reverts), newest first
    commit = ""
    for token in (raw or b"").decode("utf-8", "surrogateescape").split("\0"):
        if token.startswith("\x1e"):
            commit = token[1:].split("\n", 1)[0]
        elif token.startswith("\x1f") and (named := _REVERTS.search(token[1:])) is not None \
                and named.group(1) in known and commit in known:
            found.append((commit, named.group(1)))
    whole = _undoes(git, found) if found else set()
    ignored: set[str] = set()
    for revert, original in found:
        if (revert, original) in whole and revert not in ignored:
            ignored |= {revert, original}
    return ignored


def _undoes(git: Git, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (revert, reverted) pairs whose revert's patch is the reverted commit's reversed, by `git patch-id`: two
    pipelines of two git processes, for every revert at once."""
    of_reverts = _patch_ids(git, [revert for revert, _ in pairs], reverse=False)
    of_reversed = _patch_ids(git, [original for _, original in pairs], reverse=True)
    return {(revert, original) for revert, original in pairs
            if of_reverts.get(revert) is not None and of_reverts.get(revert) == of_reversed.get(original)}


def _patch_ids(git: Git, commits: list[str], reverse: bool) -> dict[str, str]:
    """Each commit's patch id (`--stable`: of its changes, not of where they stand), of its patch reversed with
    `reverse` (no a/ and b/ before the paths, which -R swaps); none for a merge, whose patch diff-tree leaves out."""
    listed = "".join(f"{commit}\n" for commit in dict.fromkeys(commits)).encode()
    patches = git.run("diff-tree", "-p", "-r", "--no-prefix", *(["-R"] if reverse else []), "--stdin", stdin=listed)
    ids = git.run("patch-id", "--stable", stdin=patches) if patches else None
    found: dict[str, str] = {}
    for line in (ids or b"").decode("ascii", "replace").splitlines():
        patch, _, commit = line.partition(" ")
        found[commit] = patch
    return found
