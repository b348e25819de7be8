"""Section files deleted and later restored (a `git revert` of the deletion, or the file checked out again from
before it): git blame starts such a file at the commit that restored it, and credited every line to whoever
restored it, as if they had written the section.

A file whose history, read back from HEAD, starts with an addition that follows a deletion at the same path is a
candidate; it is restored when the added file is the very file deleted (the same blob). Its history then runs on
through the deletion to the older commits (attribution.py's log pass, told which additions to pass through), and
the lines blame gives to the restoring commit are blamed again as they were just before the deletion. A file
deleted and restored more than once is followed through each restore in turn, newest first, as far as each brought
back the very file deleted. `blame` blames every section file, restored or not: blame's output is read here alone.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .historygit import Git

_ESCAPES = {b"a": b"\a", b"b": b"\b", b"t": b"\t", b"n": b"\n", b"v": b"\v", b"f": b"\f", b"r": b"\r"}
Blamed = dict[str, tuple[int, str, str]]  # attribution.Blamed: lines, author's name and e-mail, by commit


@dataclass(frozen=True)
class Restart:
    """A current section file that was added at `path` by `added` after `deleted` had removed a file there."""

    path: str  # the file's path when it was added (its current path may differ after a rename)
    added: str
    deleted: str


def restored(git: Git, restarts: dict[str, list[Restart]]) -> dict[str, list[Restart]]:
    """The restarts (by current path, newest first) whose addition brought back the very file deleted, each file's
    up to the first that did not: one `git rev-parse` for all of them."""
    items = [(path, r) for path, found in sorted(restarts.items()) for r in found]
    if not items:
        return {}
    names = [name for _, r in items for name in (f"{r.added}:{r.path}", f"{r.deleted}^:{r.path}")]
    blobs = (git.run("rev-parse", *names) or b"").decode("ascii", "replace").split()  # each name a commit's id first
    if len(blobs) != len(names):  # a name git could not resolve (a deletion in a root commit): none is taken
        return {}
    back: dict[str, list[Restart]] = {}
    broken: set[str] = set()
    for index, (path, restart) in enumerate(items):
        if path in broken or blobs[2 * index] != blobs[2 * index + 1]:
            broken.add(path)
        else:
            back.setdefault(path, []).append(restart)
    return back


@dataclass
class _Lines:
    """One `git blame --incremental` read line by line: the commit of each line, and each commit's author."""

    by_line: dict[int, str]  # final line -> commit
    origin: dict[int, tuple[str, int]]  # final line -> (file the line came from, its line there)
    people: dict[str, tuple[str, str]]


def _lines(raw: bytes) -> _Lines:
    found = _Lines({}, {}, {})
    entries: list[tuple[str, int, int, int]] = []
    sha = ""
    for line in raw.decode("utf-8", "replace").splitlines():
        head, _, value = line.partition(" ")
        if len(head) in (40, 64) and all(c in "0123456789abcdef" for c in head):  # SHA-1 or SHA-256
            sha = head
            orig, final, count = (int(n) for n in value.split()[:3])
            entries.append((sha, orig, final, count))
        elif head == "author":
            found.people[sha] = (value, found.people.get(sha, ("", ""))[1])
        elif head == "author-mail":
            found.people[sha] = (found.people.get(sha, ("", ""))[0], value.strip("<>"))
        elif head == "filename" and entries:
            sha, orig, final, count = entries.pop()
            for offset in range(count):
                found.by_line[final + offset] = sha
                found.origin[final + offset] = (_unquoted(value), orig + offset)
    return found


def _unquoted(name: str) -> str:
    """A file name as blame writes it: between double quotes, with C escapes, when it holds a quote, a backslash
    or a control character (core.quotePath=false leaves other letters as they are)."""
    if len(name) < 2 or not name.startswith('"') or not name.endswith('"'):
        return name

    def byte(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        return bytes([int(code, 8)]) if code[:1].isdigit() else _ESCAPES.get(code, code)

    return re.sub(rb"\\([0-7]{3}|.)", byte, name[1:-1].encode("utf-8")).decode("utf-8", "replace")


def blame(git: Git, commit: str, current: str, restarts: list[Restart], options: tuple[str, ...],
          env: dict[str, str] | None = None) -> Blamed | None:  # fmt: skip
    """Lines per commit for one section file (`git blame --incremental`: the porcelain format without the file's
    text): as blame gives them at `commit`, except those of each restoring commit (`restarts`, newest first; none
    for a file never restored), which count for the commits that wrote them before its deletion."""
    now = git.run("blame", "--incremental", *options, commit, "--", current, env=env)
    if now is None:
        return None
    lines = _lines(now)
    people = dict(lines.people)
    for restart in restarts:
        before = git.run("blame", "--incremental", *options, f"{restart.deleted}^", "--", restart.path, env=env)
        if before is None:
            return None
        old = _lines(before)
        for final, sha in lines.by_line.items():
            source, line = lines.origin[final]
            if sha == restart.added and source == restart.path and line in old.by_line:
                lines.by_line[final] = old.by_line[line]  # the restored file is the deleted one: its lines are
                lines.origin[final] = old.origin[line]  # where they were
                people.setdefault(old.by_line[line], old.people.get(old.by_line[line], ("", "")))
    counts = Counter(lines.by_line.values())
    return {sha: (n, *people.get(sha, ("", ""))) for sha, n in sorted(counts.items())}
