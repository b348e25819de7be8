"""`validate --fix` and `--diff`: apply the safe fixes that diagnostics carry, and nothing else, byte for byte.

Each fix replaces a stretch of one line that must still hold the text the rule saw; overlapping fixes after the first
on a line wait for the next run (as ruff's do). Line endings, a byte-order mark and every other byte are kept; files
are written to a temporary file and renamed, with their permissions.
"""

from __future__ import annotations

import codecs
import difflib
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, error
from ..safepaths import write_atomic

_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


@dataclass(frozen=True)
class FileFix:
    """One file's content before and after its fixes, and the diagnostics those fixes resolve."""

    path: str
    before: bytes
    after: bytes
    fixed: tuple[Diagnostic, ...]
    withheld: tuple[tuple[Diagnostic, str], ...] = ()  # fixes not made, and why


def plan(root: Path, diagnostics: Sequence[Diagnostic], linked: frozenset[str] = frozenset()) -> list[FileFix]:
    """The changes the diagnostics' fixes make to each file (files that neither change nor hold a fix withheld are
    left out). A fix that would change the anchor of a heading that a link of the paper goes to (`linked`: the
    anchors links name, without '#') is withheld: the link would lead nowhere."""
    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if d.fix is not None:
            by_path.setdefault(d.path, []).append(d)
    changes: list[FileFix] = []
    for path, found in sorted(by_path.items()):
        try:
            before = (root / path).read_bytes()
        except OSError:
            continue
        change = _apply(path, before, found, linked)
        if change is not None:
            changes.append(change)
    return changes


def _apply(path: str, before: bytes, found: list[Diagnostic], linked: frozenset[str]) -> FileFix | None:
    bom = codecs.BOM_UTF8 if before.startswith(codecs.BOM_UTF8) else b""
    try:
        text = before[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        return None
    parts = _LINE_BREAK.split(text)  # lines at even positions, their line breaks at odd ones
    applied: list[Diagnostic] = []
    withheld: list[tuple[Diagnostic, str]] = []
    last: tuple[int, int] = (0, 0)  # (line, end column) of the last fix applied
    for d in sorted(found, key=lambda d: (d.fix.line, d.fix.column) if d.fix else (0, 0)):
        fix = d.fix
        assert fix is not None
        index = 2 * (fix.line - 1)
        if index >= len(parts) or (fix.line == last[0] and fix.column < last[1]):
            continue
        line = parts[index]
        if line[fix.column - 1 : fix.end - 1] != fix.original:
            continue  # the file changed since it was checked
        heading = _heading(parts, index, line[: fix.column - 1] + fix.replacement + line[fix.end - 1 :])
        why = _anchor_moved(*heading, linked) if heading is not None and linked else None
        if why is not None:
            withheld.append((d, why))
            continue
        applied.append(d)
        last = (fix.line, fix.end)
    for d in sorted(applied, key=lambda d: (d.fix.line, d.fix.column) if d.fix else (0, 0), reverse=True):
        fix = d.fix
        assert fix is not None
        line = parts[2 * (fix.line - 1)]
        parts[2 * (fix.line - 1)] = line[: fix.column - 1] + fix.replacement + line[fix.end - 1 :]
    after = bom + "".join(parts).encode("utf-8")
    return FileFix(path, before, after, tuple(applied), tuple(withheld)) if after != before or withheld else None


_ATX = re.compile(r" {0,3}#{1,6}[ \t]")
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*")


def _heading(parts: list[str], index: int, fixed: str) -> tuple[str, str] | None:
    """The Markdown of the heading whose words line `index` of `parts` (lines at even places) holds, as it is and
    with that line `fixed`: an ATX heading's line, or a setext heading's lines and underline (its words may run over
    several lines); None when the line is no heading's."""
    line = parts[index]
    if _ATX.match(line):
        return line, fixed
    first = last = index
    while first >= 2 and parts[first - 2].strip():
        first -= 2
    while last + 2 < len(parts) and parts[last + 2].strip():
        last += 2
    if last == index or not _UNDERLINE.fullmatch(parts[last]):
        return None
    lines = [parts[at] for at in range(first, last + 1, 2)]
    here = (index - first) // 2
    return "\n".join(lines), "\n".join([*lines[:here], fixed, *lines[here + 1 :]])


def _anchor_moved(heading: str, fixed: str, linked: frozenset[str]) -> str | None:
    """Why a heading (its Markdown, `_heading`) is not to be fixed: a link goes to it and the fixed one would have
    another anchor, or a link goes to the anchor the fixed one would have (another heading's, which the links would
    then leave for this one); None when neither."""
    from ..markdown import content_parser, plain_text, slugify

    def anchor(text: str) -> str:
        tokens = content_parser().parse(text)
        is_heading = tokens[0].type == "heading_open" if tokens else False
        return slugify(plain_text(tokens[1].children)) if is_heading and tokens[1].children else ""

    old, new = anchor(heading), anchor(fixed)
    if new == old:
        return None
    if old in linked:
        return f"a link goes to this heading as '#{old}': fix the heading and the links to it together, by hand"
    if new in linked:
        return (f"a link goes to '#{new}', another heading's, which fixed this one would take: fix the headings and "
                "the links together, by hand")
    return None


def write(root: Path, changes: Sequence[FileFix]) -> tuple[list[FileFix], list[Diagnostic]]:
    """Write each changed file atomically, keeping its permissions (a symbolic link's target is written): the
    changes written, and a COE006 for each file that could not be (read-only, its folder full), left as it was."""
    written: list[FileFix] = []
    failed: list[Diagnostic] = []
    for change in changes:
        if change.after == change.before:  # only fixes withheld
            continue
        try:
            target = (root / change.path).resolve()
            write_atomic(target, change.after, stat.S_IMODE(os.stat(target).st_mode))
        except OSError as exc:
            failed.append(error(change.path, 0, 0, "COE006", f"cannot write the fixes: {exc.strerror or exc}",
                                "make the file and its folder writable, then run validate --fix again"))
        else:
            written.append(change)
    return written, failed


def unified_diff(changes: Sequence[FileFix]) -> str:
    """The changes as one unified diff (`a/path`, `b/path`), as `git diff` shows them."""
    out: list[str] = []
    for change in changes:
        before = change.before.decode("utf-8-sig").splitlines(keepends=True)
        after = change.after.decode("utf-8-sig").splitlines(keepends=True)
        out += difflib.unified_diff(before, after, f"a/{change.path}", f"b/{change.path}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in out)


def fixed_count(changes: Sequence[FileFix]) -> int:
    return sum(len(change.fixed) for change in changes)


