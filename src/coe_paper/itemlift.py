"""The sub-items of a list item deleted whole (its words and its paragraph mark) when it was the first of its list:
Word shows them where they were, with no item above them to be nested in, which the Markdown cannot hold (left
indented, they would be a list of their own after the text before the list, or run into the items after it). They
go up to the deleted item's level and take its place in its list: each of its own lines is outdented by the width
of its marker, and the items of the list after it are numbered on from those of its kind that join it. A deleted
item with an item of its list above it leaves its sub-items under that one, as Word shows them, and the Markdown
reads them so already."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .itemjoins import item_above, marker_kind
from .itemnumbers import marker_offset, own_lines
from .mdinline import Unit
from .mdtext import short
from .replacement import Replacement

_MARKER_RE = re.compile(r"([-*+]|\d{1,9}([.)]))(?:[ \t]|$)")


@dataclass(frozen=True)
class Lift:
    """The deleted `item`'s own lines (where each starts past the list's indent), outdented by `shift`; `joins`:
    how many of the items they hold join the item's list (of its kind, after the last line that is not one), and
    `numbers`: where the numbers of those items are in the file, [start, end), when the list is ordered."""

    item: Unit
    author: str
    lines: tuple[int, ...]
    shift: int
    joins: int
    numbers: tuple[tuple[int, int], ...] = ()


def lift(file: str, item: Unit, author: str, kept: int) -> Lift | None:
    """How the sub-items of `item`, deleted whole, go up to its level (those from `kept` on: the deletion takes
    those before); None when it has none, an item of its list above it, or lines the move cannot follow (a list in
    a quote, tabs)."""
    if item.kind != "item" or item.indent.strip(" "):
        return None
    line = file.rfind("\n", 0, item.start) + 1
    at = line + len(item.indent)
    if not file.startswith(item.prefix, at) or item_above(file, line, item):
        return None
    shift = marker_offset(file, at, item.prefix)
    lines = [start for start in own_lines(file, at, shift) or [] if start >= kept]
    if not lines:
        return None
    kind = marker_kind(item.prefix)
    numbers: list[tuple[int, int]] = []  # of the items that join the list
    joins = 0
    for start in lines:
        text = file[start + shift :].partition("\n")[0]
        if file[start : start + shift].strip(" ") or text[:1] in (" ", "\t"):
            continue  # deeper: the lines of a sub-item
        found = _MARKER_RE.match(text)
        joins = joins + 1 if found is not None and marker_kind(found.group(1)) == kind else 0
        numbers = [*numbers, (start + shift, start + shift + len(found.group(1)) - 1)] \
            if found is not None and joins and found.group(2) else []
    return Lift(item, author, tuple(lines), shift, joins, tuple(numbers))


def lifted(file: str, lifts: Sequence[Lift], others: Sequence[Replacement]) -> list[Replacement]:
    """The replacements that outdent the lines of each lift, but for lines another change already replaces from
    their start (a sub-item deleted too)."""
    out: list[Replacement] = []
    for found in lifts:
        summary = f"the sub-items of the deleted list item “{short(found.item.text)}” moved up to its level"
        for start in found.lines:
            if any(rep.start <= start < rep.end for rep in others):
                continue
            lead = len(file[start:]) - len(file[start:].lstrip(" "))
            out.append(Replacement(start, start + min(lead, found.shift), "", found.author, found.item.line, summary,
                                   listed=not any(rep.summary == summary for rep in out)))
    return out


def inserted_lifted(file: str, lifts: Sequence[Lift], reps: Sequence[Replacement]) -> list[Replacement]:
    """`reps` with the lines each inserts among the lines of a lift (a new sub-item typed after one that goes up,
    a sub-item split; at a line's end, as LibreOffice's new paragraph is written, or at the next line's start, as
    Word's is) outdented with them, so that they stay in the list they joined."""
    spans = [(found.lines[0], file.find("\n", found.lines[-1]) % (len(file) + 1) + 1, found.shift)
             for found in lifts]
    out: list[Replacement] = []
    for rep in reps:
        shift = next((shift for lo, hi, shift in spans if lo <= rep.start <= hi and lo <= rep.end <= hi), 0)
        at_start = rep.start == 0 or file[rep.start - 1] == "\n"
        if shift and "\n" in rep.text:
            lines = rep.text.split("\n")
            cut = [line if index == 0 and not at_start else line[min(shift, len(line) - len(line.lstrip(" "))) :]
                   for index, line in enumerate(lines)]
            rep = replace(rep, text="\n".join(cut))
        out.append(rep)
    return out
