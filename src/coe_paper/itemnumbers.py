"""The numbers of the items of an ordered list around new and deleted ones: a new item (a numbered item split, or a
paragraph typed after one) takes the next number and the items after it in the same list move up by one; the items
after a deleted one (or one joined to the block before it) move down by one, as a member would write them. A list
written all with one number (`1.` `1.` `1.`, lazy numbering) keeps it."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it.rules_block.html_block import HTML_SEQUENCES

from . import merge3
from .mdinline import Unit

_MARKER_RE = re.compile(r"(\d{1,9})([.)]) ")
# the lines that begin a block even right after a paragraph's line: no lazy continuation of it (CommonMark); an
# HTML block interrupts a paragraph only if it is of the kinds that may (not an inline tag or an autolink), and a
# setext underline (`===`) is no underline there, but words of the paragraph
_INTERRUPTS = re.compile(r"[-+*](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|>|```|~~~|\d{1,9}[.)](?:[ \t]|$)"
                         r"|(?:[-*_][ \t]*){3,}$")
_HTML_INTERRUPTS = [opening for opening, _, interrupts in HTML_SEQUENCES if interrupts]


def _marker(item: Unit) -> re.Match[str] | None:
    return re.fullmatch(r"(\d{1,9})([.)])", item.prefix) if item.kind == "item" and item.ordered else None


def _lines(file: str, pos: int, back: bool) -> Iterator[tuple[int, str]]:
    """The lines after the one holding `pos` (before it, nearest first, when `back`), with their starts."""
    if back:
        end = file.rfind("\n", 0, pos)
        while end >= 0:
            start = file.rfind("\n", 0, end) + 1
            yield start, file[start:end]
            end = start - 1
        return
    start = file.find("\n", pos)
    while start >= 0:
        start += 1
        end = file.find("\n", start)
        yield start, file[start : len(file) if end < 0 else end]
        start = end


def siblings(file: str, item: Unit, pos: int, back: bool = False) -> list[tuple[int, int]]:
    """The numbers, as [start, end) of the file, of the items of `item`'s list after the line holding `pos` (before
    it when `back`): lines at the item's indent with its kind of marker; blank and more deeply indented lines (the
    items' own content) are passed over, and so are a paragraph's lazy continuation lines (unindented, right below
    another line); anything else ends the list."""
    marker = _marker(item)
    found: list[tuple[int, int]] = []
    if marker is None:
        return found
    for start, line in _lines(file, pos, back):
        if not line.strip(" \t>"):
            continue
        if not line.startswith(item.indent):
            break
        rest = line[len(item.indent) :]
        number = _MARKER_RE.match(rest)
        if number is not None and number.group(2) == marker.group(2):
            at = start + len(item.indent)
            found.append((at, at + len(number.group(1))))
        elif rest[:1] not in (" ", "\t") and not _continues(file, start, rest):
            break
    return found


def _continues(file: str, start: int, rest: str) -> bool:
    """Whether the line at `start` (`rest` past its list's indent) continues the paragraph of the line above it."""
    above = file[file.rfind("\n", 0, max(start - 1, 0)) + 1 : max(start - 1, 0)]
    return start > 0 and bool(above.strip(" \t>")) and _INTERRUPTS.match(rest) is None \
        and not any(opening.match(rest) for opening in _HTML_INTERRUPTS)


@dataclass
class Numbers:
    """The new items of a section's ordered lists and the items they move up, as its changes are placed in the
    order of the document: a number moved by several changes is written once, with the sum of their moves."""

    moves: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # a number's start: its end, move, author
    added: dict[int, int] = field(default_factory=dict)  # an item's number's start: new items placed after it
    gone: set[int] = field(default_factory=set)  # the numbers' starts of the items deleted or joined
    first: set[int] = field(default_factory=set)  # the numbers' starts of items that become the first of their list
    resized: dict[int, tuple[int, int]] = field(default_factory=dict)  # a number's start: its end, change of width
    lifts: dict[int, tuple[int, int, str]] = field(default_factory=dict)  # a lifted sub-item's: end, number, author
    joined: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # a lifted sub-item's: the numbers of
    # the items after the deleted item in the list it joins

    def number(self, md: str, near: Unit, file: str, before: bool, author: str) -> str:
        """`md`, inserted beside the ordered item `near` (`before` it: at its start), with the new items at
        `near`'s level numbered on from it; the items after them in the list are moved up (see `moved`)."""
        marker = _marker(near)
        if marker is None:
            return md
        written = f"{near.indent}{near.prefix} "
        lines = md.split("\n")
        new = [index for index, line in enumerate(lines) if line.startswith(written) and (index or before)]
        if not new:
            return md
        line_start = file.rfind("\n", 0, near.start) + 1
        after = siblings(file, near, line_start)
        ahead = siblings(file, near, line_start, back=True)
        if _lazy(file, marker, after, ahead):
            return md
        own = line_start + len(near.indent)
        base = int(marker.group(1)) + self.moves.get(own, (0, 0, ""))[1]
        if own in self.lifts:  # a sub-item gone up to the level of a deleted item: the new ones go with it
            base = self.lifts[own][1]
        first = base if before else base + 1 + self.added.get(own, 0)
        for count, index in enumerate(new):
            lines[index] = f"{near.indent}{first + count}{marker.group(2)} " + lines[index][len(written) :]
        if not before:
            self.added[own] = self.added.get(own, 0) + len(new)
        moving = [(own, own + len(marker.group(1)))] * before + after
        for start, end in moving + (self.joined.get(own, []) if own in self.lifts else []):
            if start in self.lifts:  # numbered on from the deleted item's
                stop, number, who = self.lifts[start]
                self.lifts[start] = (stop, number + len(new), who)
                continue
            _, move, who = self.moves.get(start, (end, 0, author))
            self.moves[start] = (end, move + len(new), who)
        return "\n".join(lines)

    def removed(self, file: str, item: Unit, author: str, taken: int = 0) -> None:
        """The ordered item `item` deleted, or joined to the block before it: the items after it in its list move
        down by one (the next becomes the first when it was the first), less the `taken` sub-items of its that
        go up to take its place (see itemlift)."""
        marker = _marker(item)
        if marker is None:
            return
        line_start = file.rfind("\n", 0, item.start) + 1
        own = line_start + len(item.indent)
        self.gone.add(own)
        after = siblings(file, item, line_start)
        ahead = siblings(file, item, line_start, back=True)
        if _lazy(file, marker, after, ahead):
            return
        if after and not taken and all(start in self.gone for start, _ in ahead):
            self.first.add(after[0][0])
        for start, end in after:
            _, move, who = self.moves.get(start, (end, 0, author))
            self.moves[start] = (end, move - 1 + taken, who)

    def lifted(self, file: str, item: Unit, numbers: tuple[tuple[int, int], ...], author: str) -> None:
        """The sub-items of the deleted ordered `item` that go up to take its place in its list (their numbers'
        [start, end)): the first takes its number, which may be the list's start, and those after it are numbered
        on from it (all with that one number where they were written so)."""
        marker = _marker(item)
        if marker is None or not numbers:
            return
        lazy = len(numbers) > 1 and len({file[start:end] for start, end in numbers}) == 1
        line_start = file.rfind("\n", 0, item.start) + 1
        after = siblings(file, item, line_start)
        for count, (start, end) in enumerate(numbers):  # their own list's moves (a sub-item deleted) are no more
            self.lifts[start] = (end, int(marker.group(1)) + (0 if lazy else count), author)
            self.joined[start] = after

    def moved(self, file: str) -> list[tuple[int, int, str, str]]:
        """Each moved item's number: its [start, end) in the file, the new number, and who moved it first. An item
        with lines of its own below it whose number changes width (`9.` to `10.`) has them re-indented with it (see
        `reindented`), or they would leave the item (a sublist would leave the list); one whose lines are indented
        with tabs keeps its number instead, unless it is its list's first (whose number is the list's start):
        CommonMark reads the numbers after a list's first as order only, so the list reads the same. The numbers of
        items deleted are not written."""
        out = []
        lifted = {start: (end, number - int(file[start:end]), who) for start, (end, number, who) in self.lifts.items()}
        for start, (end, move, who) in sorted((self.moves | lifted).items()):
            number = str(max(int(file[start:end]) + move, 0))
            if start in self.gone or number == file[start:end]:
                continue
            lines = own_lines(file, start, _offset(file, start))
            if len(number) == end - start or start in self.first or lines is not None:
                out.append((start, end, number, who))
            if len(number) != end - start and lines:
                self.resized[start] = (end, len(number) - (end - start))
        return out


def _lazy(file: str, marker: re.Match[str], after: list[tuple[int, int]], ahead: list[tuple[int, int]]) -> bool:
    """Whether an item's list is written all with its number (`marker`): the items beside it have it too."""
    numbers = {int(file[start:end]) for start, end in after[:1] + ahead[:1]}
    return numbers == {int(marker.group(1))}


def _offset(file: str, at: int) -> int:
    """Where the content of the item whose number starts at `at` begins, from the number: past the marker and the
    spaces after it (one when there are more than four, or nothing after the marker)."""
    eol = file.find("\n", at)
    line = file[at : len(file) if eol < 0 else eol]
    marker = _MARKER_RE.match(line + " ")
    width = marker.end() - 1 if marker is not None else len(line)
    rest = line[width:]
    spaces = len(rest) - len(rest.lstrip(" "))
    return width + (spaces if 1 <= spaces <= 4 and rest.strip() else 1)


def marker_offset(file: str, at: int, marker: str) -> int:
    """Where the content of the item whose marker (`-`, `1.`) starts at `at` begins, from the marker: past it and
    the spaces after it (one when there are more than four, or nothing after it)."""
    rest = file[at + len(marker) :].partition("\n")[0]
    spaces = len(rest) - len(rest.lstrip(" "))
    return len(marker) + (spaces if 1 <= spaces <= 4 and rest.strip() else 1)


def holds_lines(file: str, item: Unit) -> bool:
    """Whether the list item has lines of its own below its first (a sublist, a paragraph, a continuation line)."""
    at = item.start + len(item.indent)
    return item.kind == "item" and file.startswith(item.prefix, at) and bool(
        own_lines(file, at, marker_offset(file, at, item.prefix)))


def own_lines(file: str, at: int, offset: int) -> list[int] | None:
    """Where the lines of the item whose number starts at `at` begin past its list's indent: those below it
    indented at least `offset` past that indent (a continuation, a second paragraph, a sublist), after any blank
    lines; an unindented lazy continuation line is passed over. None when one of them is indented with a tab."""
    indent = file[file.rfind("\n", 0, at) + 1 : at]
    found: list[int] = []
    for start, line in _lines(file, at, back=False):
        if not line.strip(" \t>"):
            continue
        if not line.startswith(indent):
            break
        rest = line[len(indent) :]
        lead = rest[: len(rest) - len(rest.lstrip(" \t"))]
        if len(lead.expandtabs(4)) >= offset:
            if "\t" in lead:
                return None
            found.append(start + len(indent))
        elif not _continues(file, start, rest):
            break
    return found


def reindented(base: str, text: str, edits: list[tuple[int, int, int]], resized: dict[int, tuple[int, int]]) -> str:
    """`text`, which is `base` with `edits` made (each [start, end) of `base` and the length of its new text), with
    the lines of each item whose number changed width (`resized`: the number's start in `base`, its end and the
    change of width) indented by as much, new lines typed into the item among them, so that they stay in it."""
    out = text
    for start, (end, delta) in sorted(resized.items(), reverse=True):  # from the end: the starts before hold
        if not any((a, b) == (start, end) for a, b, _ in edits):
            continue  # the number was not written
        at = start + sum(size - (b - a) for a, b, size in edits if b <= start and (a, b) != (start, end))
        lines = own_lines(out, at, _offset(base, start))
        for line in reversed(lines or []):
            out = out[:line] + " " * delta + out[line:] if delta > 0 else out[:line] + out[line - delta :]
    return out


def carried_on(theirs: str, merged: str, moves: list[tuple[int, int, str]]) -> list[tuple[int, int, str, str]]:
    """The numbers of the items added to a list in today's file since the build, in `merged` (today's file with
    the review's changes), that follow items the review moved (`moves`: each such item's line in `theirs`, the
    review's file, its move and who made it): they move with them, as the items after a new one do (`4. Delta.`
    added below `3. Gamma.` becomes `5.` when the review's new item makes Gamma `4.`). Each is [start, end) of
    `merged`, the new number and who moved it; an item whose number would change width with lines of its own
    below it indented with a tab keeps its number (`with_carried` re-indents the others' lines)."""
    mapped = merge3.line_mapper(theirs, merged)
    reviewed = {line for line, how in mapped.values() if how == "same"}  # merged's lines that are the review's
    starts = [0] + [index + 1 for index, char in enumerate(merged) if char == "\n"]
    found: dict[int, tuple[int, str, str]] = {}  # a number's start: its end, new number, author
    for line, move, author in sorted(moves):
        at, how = mapped.get(line, (0, ""))
        if how != "same" or at > len(starts):
            continue
        start = starts[at - 1]
        marker = re.match(r"([ \t>]*)(\d{1,9}[.)]) ", merged[start : start + 200])
        if marker is None:
            continue
        item = Unit("item", at, prefix=marker.group(2), indent=marker.group(1), ordered=True)
        for begin, end in siblings(merged, item, start):
            if bisect.bisect_right(starts, begin) not in reviewed:
                found[begin] = (end, str(max(int(merged[begin:end]) + move, 0)), author)
    return [(begin, end, number, author) for begin, (end, number, author) in sorted(found.items())
            if number != merged[begin:end] and (len(number) == end - begin or own_lines(
                merged, begin, _offset(merged, begin)) is not None)]


def with_carried(base: str, theirs: str, current: str, merged: str, edits: list[tuple[int, int, str]],
                 renumbered: list[tuple[int, int, str, str]]) -> tuple[str, list[tuple[int, str, str]]]:
    """`merged` with the numbers `carried_on` finds written, and each as (its line in `current`, today's file,
    who, what): `edits` are all the review's changes ([start, end) of `base`, the new text), `renumbered` those
    that moved an item's number (its [start, end) in `base`, the new number, who). An item whose number changes
    width (`9.` to `10.`) has its own lines below it (a sublist, a second paragraph) indented to match, as
    `reindented` does for the review's own moves, so that they stay in it."""
    moves = []
    for start, end, number, author in renumbered:
        before = sum(text.count("\n") - base.count("\n", a, b) for a, b, text in edits if b <= start)
        moves.append((base.count("\n", 0, start) + 1 + before, int(number) - int(base[start:end]), author))
    out, said, today = merged, [], merge3.line_mapper(merged, current)
    for start, end, number, author in reversed(carried_on(theirs, merged, moves)):
        line = merged.count("\n", 0, start) + 1
        said.append((today.get(line, (line, ""))[0], author, f"renumbered the item {merged[start:end]} as "
                     f"{number}, added since the build below items the review renumbered"))
        delta = len(number) - (end - start)
        for at in reversed((own_lines(out, start, _offset(out, start)) or []) if delta else []):
            out = out[:at] + " " * delta + out[at:] if delta > 0 else out[:at] + out[at - delta :]
        out = out[:start] + number + out[end:]
    return out, said[::-1]
