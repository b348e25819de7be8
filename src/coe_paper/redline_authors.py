"""Who made each change of a comparison (`assemble --compare REV`): the organisation and date of the last commit
since REV to a section's file, the outline's for a section it moved, and "Uncommitted" for what the work tree
changed (told by the paper rendered at HEAD). The comparison itself is redline.py's."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from . import gitrun, ooxml
from .attribution import IdentityMap
from .gitlog import PAPER_PATHS
from .historygit import GIT_CONFIG
from .locate import CONFIG_PATH
from .model import Project
from .render_inline import clean

if TYPE_CHECKING:
    from .redline import Redliner

Element = ooxml.Element
UNCOMMITTED = "Uncommitted"
Op = tuple[str, Element | None, Element | None]  # ("same" | "del" | "ins" | "pair", old, new)
_COMMIT = "coe-commit"  # marks a commit's line in `git log --name-only` output


def _names(root: Path, *args: str) -> list[str]:
    """The NUL-separated names a git command (`-z`) writes, as Python names files: with `-z` git quotes none (a name
    past ASCII, or with a '"', came back as `"sections/01-intr\\303\\266.md"` and matched no section)."""
    found = gitrun.output(root, *args, config=GIT_CONFIG)
    return found.decode("utf-8", "surrogateescape").split("\0") if found else []


def w_date(date: datetime) -> str:
    """A w:date value: UTC, ISO 8601 with Z."""
    return date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Stamp:
    """Who made a change and when (the w:author and w:date of its w:ins and w:del)."""

    author: str
    date: str


@dataclass(frozen=True)
class Segment:
    """A stretch of the body that is compared as a whole, with the source files it comes from."""

    key: str
    blocks: list[Element]
    paths: tuple[str, ...] = ()


Who = Callable[[Op], list[tuple[Op, Stamp]]]  # who made one change of a segment (an op of `Redliner.align`)


class Authors:
    """The organisation and date of the last commit between `rev` and HEAD that touched each paper file, and, with
    the work tree's changes, who made each change of a comparison (`changes`)."""

    def __init__(self, root: Path, rev: str, project: Project, built: datetime) -> None:
        identities = IdentityMap.from_project(project, root)
        names = {c.id: c.name for c in project.contributors}
        self.uncommitted = Stamp(UNCOMMITTED, w_date(built))
        self.last: dict[str, Stamp] = {}
        self.latest: Stamp | None = None
        log = _names(root, "log", "-z", "--no-renames", "--relative", "--name-only",
                     f"--format={_COMMIT}%n%an%n%ae%n%cI", f"{rev}..HEAD", "--", *PAPER_PATHS)
        stamp: Stamp | None = None
        first = False
        for entry in log:  # a commit's line, then its files, each ended by a NUL (the first after a line break)
            if entry.startswith(f"{_COMMIT}\n"):  # one field a line: a name or e-mail holds no line break
                _, name, email, iso = entry.split("\n")
                org = identities.org_for(name, email)
                author = names.get(org, org) if org else identities.canonical(name, email).name
                stamp = Stamp(clean(author), w_date(datetime.fromisoformat(iso)))  # git takes a control character
                self.latest, first = self.latest or stamp, True
            elif entry and stamp is not None:
                path, first = (entry.removeprefix("\n") if first else entry), False
                self.last.setdefault(path, stamp)  # newest first: the first commit seen is the last change
        changed = _names(root, "diff", "-z", "--name-only", "--relative", "--no-renames", "HEAD", "--", *PAPER_PATHS)
        untracked = _names(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *PAPER_PATHS)
        self.dirty = {p for p in (*changed, *untracked) if p}
        self.built = built

    def stamp(self, paths: Sequence[str]) -> Stamp:
        """The last commit since `rev` to any of `paths`; else the last to any paper file (templates, outline)."""
        found = [self.last[p] for p in paths if p in self.last]
        if found:
            return max(found, key=lambda s: s.date)
        return self.latest or Stamp("coe-paper", w_date(self.built))

    def changes(self, old: Sequence[Segment], new: Sequence[Segment], head: Sequence[Segment] | None,
                redliner: Redliner) -> Callable[[Segment, Segment | None], Who]:
        """Who made each change of a segment (compared with the older one, if any): the last commit to its files
        (`stamp`), or for a section the outline moved (deleted where it was, inserted where it is) the last commit to
        paper/paper.yaml; but what the work tree changed is Uncommitted: a block inserted, or the new side of a
        changed one, that HEAD's segment of the same key does not hold, a block deleted, or the old side of a
        changed one, that it still holds, and a move of a section that has others before it than at HEAD. A block
        changed whose sides are by different authors is deleted and inserted whole. `head` is HEAD's segments when
        the work tree differs from HEAD (None: it does not, or HEAD could not be rendered, and then a segment from a
        changed file, or any without one, is Uncommitted whole)."""
        key, at_head = redliner.key, {s.key: s for s in head or ()}  # blocks compared as the redline aligns them
        as_at_head = {s.key for s in new if s.key in at_head and [key(b) for b in s.blocks] == [
            key(b) for b in at_head[s.key].blocks]}
        moves = {s.key for s in new} & {s.key for s in old}  # those of them compared whole were moved
        moved_here = moves if self.dirty and head is None and CONFIG_PATH in self.dirty else set()
        if head is not None:  # moved by the work tree: what is before it is not what was before it at HEAD
            now = [s.key for s in new if s.key in at_head]
            then = sorted(now, key=[*at_head].index)
            moved_here = {k for k in moves if k not in now or set(now[:now.index(k)]) != set(then[:then.index(k)])}

        def who(segment: Segment, other: Segment | None) -> Who:
            paths = segment.paths + (other.paths if other else ())
            moved = other is None and segment.key in moves
            committed = self.last.get(CONFIG_PATH, self.stamp(paths)) if moved else self.stamp(paths)
            if moved and segment.key in moved_here:
                return lambda op: [(op, self.uncommitted)]
            if not self.dirty or segment.key in as_at_head:
                return lambda op: [(op, committed)]
            if head is None:
                touched = any(p in self.dirty for p in paths) or not paths
                return lambda op: [(op, self.uncommitted if touched else committed)]
            held = Counter(key(b) for b in at_head[segment.key].blocks) if segment.key in at_head else Counter()

            def one(op: Op) -> list[tuple[Op, Stamp]]:
                _, before, after = op
                gone = self.uncommitted if before is not None and key(before) in held and not moved else committed
                came = committed if after is not None and key(after) in held else self.uncommitted
                if op[0] != "pair" or gone == came:
                    return [(op, gone if op[0] == "del" else came)]
                return [(("del", before, None), gone), (("ins", None, after), came)]
            return one
        return who
