"""A three-way merge of lines, as `git merge-file` does it, except that changes to neighbouring lines do not
conflict: only a change to a line that the other side also changed (differently) does. A conflicting change is
left out and named by its lines in the base, never written with conflict markers. Lines end at "\n" alone, as git
and CommonMark count them (not at U+2028 or U+0085, where `str.splitlines` would also break)."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher


@dataclass(frozen=True)
class Hunk:
    """Lines [start, end) of the base replaced by `lines`."""

    start: int
    end: int
    lines: tuple[str, ...]


def lines(text: str, keepends: bool = False) -> list[str]:
    """The lines of a file, split at "\n" only (without their ends, a "\r" before it goes too)."""
    parts = text.split("\n")
    parts = [part + "\n" for part in parts[:-1]] + parts[-1:] if keepends else [p.removesuffix("\r") for p in parts]
    return parts if parts[-1] else parts[:-1]


def hunks(base: list[str], other: list[str]) -> list[Hunk]:
    """Changed stretches; a stretch that replaces as many lines as it had is split line by line, so that each
    line is judged on its own."""
    matcher = SequenceMatcher(None, base, other, autojunk=False)
    out: list[Hunk] = []
    for tag, a, b, c, d in matcher.get_opcodes():
        if tag == "replace" and b - a == d - c:
            out += [Hunk(a + i, a + i + 1, (other[c + i],)) for i in range(b - a) if base[a + i] != other[c + i]]
        elif tag != "equal":
            out.append(Hunk(a, b, tuple(other[c:d])))
    return out


def _clash(mine: Hunk, theirs: Hunk) -> bool:
    if (mine.start, mine.end, mine.lines) == (theirs.start, theirs.end, theirs.lines):
        return False
    if mine.start == mine.end and theirs.start == theirs.end:
        return mine.start == theirs.start
    if mine.start == mine.end:
        return theirs.start < mine.start < theirs.end
    if theirs.start == theirs.end:
        return mine.start < theirs.start < mine.end
    return mine.start < theirs.end and theirs.start < mine.end


def merge(ours: str, base: str, theirs: str) -> tuple[str, list[tuple[int, int]]]:
    """`theirs`' changes to `base` applied to `ours`; the base line ranges of the changes left out (conflicts)."""
    base_lines = lines(base, keepends=True)
    our_hunks = hunks(base_lines, lines(ours, keepends=True))
    their_hunks = hunks(base_lines, lines(theirs, keepends=True))
    conflicts: list[tuple[int, int]] = []
    taken: list[Hunk] = []
    for hunk in their_hunks:
        if any(_clash(mine, hunk) for mine in our_hunks):
            conflicts.append((hunk.start, hunk.end))
        elif hunk not in our_hunks:
            taken.append(hunk)
    # Both sides' hunks, in base order; ours first where they touch the same point.
    combined = sorted([(h.start, h.end, 0, h) for h in our_hunks] + [(h.start, h.end, 1, h) for h in taken],
                      key=lambda item: (item[0], item[2], item[1]))
    out: list[str] = []
    pos = 0
    for start, end, _, hunk in combined:
        out += base_lines[pos:start] if start > pos else []
        out += hunk.lines
        pos = max(pos, end)
    out += base_lines[pos:]
    return "".join(out), conflicts


def line_mapper(base: str, current: str, paired: bool = False) -> dict[int, tuple[int, str]]:
    """For each 1-based line of base: its line in current and whether it is `same`, `changed` or `deleted` (then
    the line is where it stood). `paired`: a changed line is the most like it of the lines that replace it (a line
    edited and a new paragraph typed above it is the edited line, not the new one)."""
    base_lines, current_lines = lines(base), lines(current)
    out: dict[int, tuple[int, str]] = {}
    matcher = SequenceMatcher(None, base_lines, current_lines, autojunk=False)
    for tag, a, b, c, d in matcher.get_opcodes():
        if tag == "replace" and paired and (b - a) * (d - c) <= _MAX_PAIRS:
            _pair(base_lines[a:b], current_lines[c:d], a, c, out)
            continue
        for i in range(a, b):
            if tag == "equal":
                out[i + 1] = (c + i - a + 1, "same")
            elif tag == "replace":
                out[i + 1] = (min(c + i - a, d - 1) + 1, "changed")
            else:
                out[i + 1] = (c + 1, "deleted")
    return out


_MAX_PAIRS = 2500  # lines compared in one replaced block, beyond which its lines are mapped in order
_LIKE = 0.5  # how alike two lines must be (difflib's ratio) to be one line changed


def _pair(old: list[str], new: list[str], a: int, c: int, out: dict[int, tuple[int, str]]) -> None:
    """Lines `old` (from a) replaced by `new` (from c): the most alike pair first, then the lines before and after
    it likewise, as difflib.Differ pairs lines; a line like none of them is changed in place, or deleted."""
    best, where = _LIKE, None
    for i, before in enumerate(old):
        for j, after in enumerate(new):
            ratio = SequenceMatcher(None, before, after, autojunk=False).ratio()
            if ratio > best:
                best, where = ratio, (i, j)
    if where is None:
        for i in range(len(old)):
            out[a + i + 1] = (min(c + i, c + len(new) - 1) + 1, "changed") if new else (c + 1, "deleted")
        return
    i, j = where
    _pair(old[:i], new[:j], a, c, out)
    out[a + i + 1] = (c + j + 1, "changed")
    _pair(old[i + 1 :], new[j + 1 :], a + i + 1, c + j + 1, out)
