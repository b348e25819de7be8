"""Section files deleted and later restored (a `git revert` of the deletion, the file checked out again from before
it, the same text committed under another name, or checked out again while merging): git blame starts such a file at
the commit that restored it, and credited every line to whoever restored it, as if they had written the section.

A file whose history, read back from HEAD, starts with an addition that follows a deletion at the same path is a
candidate; so is one whose addition follows deletions at other paths (the nearest `MAX_ELSEWHERE`), and one whose
newest change in the log deletes it (the log lists no merges: the merge that brought it back is asked of git). It is
restored when the added file is the very file deleted (the same blob). Its history then runs on through the deletion
to the older commits (attribution.py's log pass, told which additions to pass through and the path of the file each
brought back), and the lines blame gives to the restoring commit are blamed again as they were just before the
deletion. A file deleted and restored more than once is followed through each restore in turn, newest first, as far
as each brought back the very file deleted. `blame` blames every section file, restored or not: blame's output is
read here alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from itertools import groupby

from .blamecache import Blamed
from .historygit import Git

_ESCAPES = {b"a": b"\a", b"b": b"\b", b"t": b"\t", b"n": b"\n", b"v": b"\v", b"f": b"\f", b"r": b"\r"}


MAX_ELSEWHERE = 8  #: the deletions at other paths, nearest first, whose file an addition may have brought back


@dataclass(frozen=True)
class Restart:
    """A current section file that was added at `path` by `added` after `deleted` had removed a file at `old` (the
    same path, or another: restored under another name); `added` is "" for a merge the log does not list."""

    path: str  # the file's path when it was added (its current path may differ after a rename)
    added: str
    deleted: str
    old: str


class Restarts:
    """The candidates one log pass finds, read newest first: an addition just after a deletion at its path (`add`),
    a file whose newest change deletes it (`add`, with no `added`), and each addition of a current file with no
    deletion at its path before it, whose candidates are the deletions at other paths `seen` before it."""

    def __init__(self) -> None:
        self._place: dict[tuple[str, str], int] = {}  # (path, commit) of an addition -> its place in the log
        self._starts: list[tuple[int, str, str, str]] = []  # (place, current path, path, commit) of each addition
        self._gone: list[tuple[int, str, str, str | None]] = []  # (place, path, commit, current path) of deletions
        self._found: list[tuple[int, str, Restart]] = []
        self._count = 0  # changes seen

    def seen(self, status: str, path: str, commit: str, current: str | None) -> None:
        """A change in the log, to the current file `current` (None: to a path none has at this point)."""
        place, self._count = self._count, self._count + 1
        if status == "A" and current is not None:
            self._place[(path, commit)] = place
            self._starts.append((place, current, path, commit))
        elif status == "D":
            self._gone.append((place, path, commit, current))

    def add(self, current: str, restart: Restart) -> None:
        self._found.append((self._place.get((restart.path, restart.added), -1), current, restart))

    def found(self) -> dict[str, list[Restart]]:
        """The candidates by current path, newest first; those of one addition at other paths nearest first. Each
        addition looks at the deletions from its own place in the log on (found by bisection: the log is read in
        order), so a long history is not searched once for every file added in it."""
        found = list(self._found)
        known = {(current, restart.added) for _, current, restart in self._found}
        places = [gone[0] for gone in self._gone]
        for place, current, path, commit in self._starts:
            if (current, commit) in known:
                continue
            gone: list[tuple[str, str]] = []
            for index in range(bisect_right(places, place), len(self._gone)):
                _, old, at, owner = self._gone[index]
                if old != path and owner in (None, current):
                    gone.append((at, old))
                    if len(gone) == MAX_ELSEWHERE:
                        break
            found += [(place, current, Restart(path, commit, at, old)) for at, old in gone]
        by_path: dict[str, list[Restart]] = {}
        for _, current, restart in sorted(found, key=lambda entry: entry[0]):
            by_path.setdefault(current, []).append(restart)
        return by_path


def restored(git: Git, restarts: dict[str, list[Restart]], commit: str) -> dict[str, list[Restart]]:
    """The restarts (by current path, newest first) whose addition brought back the very file deleted, each file's
    up to the first addition that did not (of an addition's candidates, the first that did): one `git rev-parse`
    for all of them, after one `git log` for each merge that restored a file, all at once."""
    merged = [r for candidates in restarts.values() for r in candidates if not r.added]
    answers = git.at_once(*(["log", "-m", "--first-parent", "--diff-filter=A", "--format=%H", "-1", commit, "--",
                             r.path] for r in merged))
    adders = {r: (out or b"").decode("ascii", "replace").strip() for r, out in zip(merged, answers, strict=True)}
    items = [(path, replace(r, added=adders[r]) if not r.added else r) for path, rs in sorted(restarts.items())
             for r in rs if r.added or adders[r]]
    if not items:
        return {}
    names = [name for _, r in items for name in (f"{r.added}:./{r.path}", f"{r.deleted}^:./{r.old}")]  # from here
    blobs = (git.run("rev-parse", *names) or b"").decode("ascii", "replace").split()  # each name a commit's id first
    if len(blobs) != len(names):  # a name git could not resolve (a deletion in a root commit): none is taken
        return {}
    same = {(path, r): blobs[2 * i] == blobs[2 * i + 1] for i, (path, r) in enumerate(items)}
    back: dict[str, list[Restart]] = {}
    broken: set[str] = set()
    for (path, _), group in groupby(items, key=lambda item: (item[0], item[1].added)):
        if path in broken:
            continue
        match = next((r for _, r in group if same[(path, r)]), None)
        if match is None:
            broken.add(path)
        else:
            back.setdefault(path, []).append(match)
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
          env: dict[str, str] | None = None, prefix: str = "") -> Blamed | None:
    """Lines per commit for one section file (`git blame --incremental`: the porcelain format without the file's
    text): as blame gives them at `commit`, except those of each restoring commit (`restarts`, newest first; none
    for a file never restored), which count for the commits that wrote them before its deletion. Blame names files
    by their path in the repository: `prefix` is the project's folder there ("docs/"; "" at its top)."""
    now = git.run("blame", "--incremental", *options, commit, "--", current, env=env)
    if now is None:
        return None
    lines = _lines(now)
    people = dict(lines.people)
    for restart in restarts:
        before = git.run("blame", "--incremental", *options, f"{restart.deleted}^", "--", restart.old, env=env)
        if before is None:
            return None
        old = _lines(before)
        for final, sha in lines.by_line.items():
            source, line = lines.origin[final]
            if sha == restart.added and source == prefix + restart.path and line in old.by_line:
                lines.by_line[final] = old.by_line[line]  # the restored file is the deleted one: its lines are
                lines.origin[final] = old.origin[line]  # where they were
                people.setdefault(old.by_line[line], old.people.get(old.by_line[line], ("", "")))
    counts = Counter(lines.by_line.values())
    return {sha: (n, *people.get(sha, ("", ""))) for sha, n in sorted(counts.items())}
