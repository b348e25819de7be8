"""List items a review moved to another level (Tab and Shift+Tab in a list, which LibreOffice saves with no tracked
change): each is re-indented in the Markdown, with its own lines (continuation lines, further paragraphs,
sub-items), when the source reads the new nesting one way only; otherwise it is reported at its line.

Unambiguous: the item's sub-items moved with it by as much (or it has none); indented, it follows an item of its
level in the same list, which it joins as a sub-item (after the sub-items it has, if they are of its kind of list;
as the first of a new numbered sublist it is numbered 1); indented by more than one level, it goes down through the
last sub-item at each level between (the last thing in the item above it), and where there is none it starts with
the markers of the lists between (`1. 1. Two.`, an item that starts with a list, which Word shows as the deeper
item alone); outdented, it is the last thing in the item above it (and in each item above that, by as many levels
as it moved), whose list (of its kind) it joins after that item. Only the indents change (and a new sublist's first
number): the numbers of the other items are left as they are, which CommonMark reads the same."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .edits import Finding
from .importer_kinds import paragraph_kind
from .itemnumbers import marker_offset, own_lines
from .mdinline import Unit
from .mdtext import short
from .replacement import Replacement
from .wordblocks import Paragraph

_NUMBER_RE = re.compile(r"\d{1,9}([.)])")


@dataclass(frozen=True)
class LevelMove:
    """A list item whose paragraph Word shows at another level: `level` (1 = top), `kind` the finding's kind when it
    is not applied (untracked, or formatting when Word tracked it)."""

    unit: Unit
    level: int
    kind: str


@dataclass(frozen=True)
class _Block:
    line_start: int  # where the item's line starts in the file
    marker: int  # where its marker starts
    offset: int  # its content's column past the marker's
    lines: list[int]  # where each of its own lines below it starts
    numbers: set[int]  # the file lines of the item and of its own lines


def _block(text: str, unit: Unit, starts: list[int]) -> _Block | None:
    """The item's place and its own lines; None when its line is not a plain indented marker (a list in a quote,
    tabs)."""
    if unit.indent.strip(" ") or unit.line > len(starts):
        return None
    line_start = starts[unit.line - 1]
    line = text[line_start:].partition("\n")[0]
    if not line.startswith(unit.indent + unit.prefix):
        return None
    if line[len(unit.indent) + len(unit.prefix) :][:1] not in ("", " "):
        return None
    offset = marker_offset(text, line_start + len(unit.indent), unit.prefix)
    found = own_lines(text, line_start + len(unit.indent), offset)
    if found is None:
        return None
    lines = [text.rfind("\n", 0, at) + 1 for at in found]
    numbers = {unit.line} | {text.count("\n", 0, at) + 1 for at in lines}
    return _Block(line_start, line_start + len(unit.indent), offset, lines, numbers)


def _kind(unit: Unit) -> str:
    """The kind of list an item is in: its bullet, or its number's delimiter."""
    found = _NUMBER_RE.fullmatch(unit.prefix)
    return found.group(1) if found is not None else unit.prefix


class _Plan:
    def __init__(self, text: str, items: list[Unit], moves: list[LevelMove]) -> None:
        self.text = text
        self.starts = [0] + [index + 1 for index, char in enumerate(text) if char == "\n"]
        self.items = sorted(items, key=lambda u: u.line)
        self.moves = {m.unit.line: m for m in moves}
        self.blocks = {u.line: _block(text, u, self.starts) for u in self.items}
        self.targets: dict[int, tuple[int, str]] = {}  # where the moves read so far put each item's marker

    def _owner(self, unit: Unit, level: int) -> Unit | None:
        """The nearest item before `unit` at `level` whose own lines hold it."""
        for other in reversed([u for u in self.items if u.line < unit.line and u.level == level]):
            block = self.blocks[other.line]
            if block is not None and unit.line in block.numbers:
                return other
        return None

    def _before(self, unit: Unit) -> Unit | None:
        """The item of the same list and level right before `unit` (only its own lines and blank ones between)."""
        for other in reversed([u for u in self.items if u.line < unit.line]):
            block = self.blocks[other.line]
            if other.level < unit.level or block is None:
                return None
            if other.level == unit.level:
                between = range(other.line + 1, unit.line)
                gap = all(n in block.numbers or not self._line(n).strip() for n in between)
                return other if gap and other.indent == unit.indent else None
        return None

    def _line(self, number: int) -> str:
        return self.text[self.starts[number - 1] :].partition("\n")[0]

    def target(self, move: LevelMove) -> tuple[int, str] | None:
        """Where the item's marker goes (its column) and the marker it has there; None: not one way only."""
        unit, block = move.unit, self.blocks[move.unit.line]
        delta = move.level - unit.level
        if block is None or delta == 0 or max(unit.level, move.level) >= 9:  # Word's deepest holds the deeper ones
            return None
        inner = [u for u in self.items if u.line in block.numbers and u.line != unit.line]
        if any(u.line not in self.moves or self.moves[u.line].level - u.level != delta for u in inner):
            return None  # its sub-items stayed where they were, or moved otherwise
        parent = self._owner(unit, unit.level - 1)
        if parent is not None and parent.line in self.moves:
            return None
        if delta > 0:
            before = self._before(unit)
            if before is not None and before.line in self.moves:  # indented with the item before it: its next
                return self._after_moved(before, move)
            above = self.blocks[before.line] if before is not None else None
            if before is None or above is None or before.line in self.moves:
                return None
            return self._under(before, above, move)
        return self._out(unit, block, move.level)

    def _under(self, host: Unit, block: _Block, move: LevelMove) -> tuple[int, str] | None:
        """The marker of an item indented into `host` (the item of its level before it) down to `move.level`:
        through the last sub-item at each level between, and the markers of new lists where there is none."""
        unit = move.unit
        new = "1" + _kind(unit) if unit.ordered else unit.prefix
        for level in range(unit.level + 1, move.level + 1):
            column = len(host.indent) + block.offset
            subs = [u for u in self.items if u.line in block.numbers and u.level == level and u.line < unit.line]
            if not subs:  # no list at this level: the item starts the lists down to its own
                return column, " ".join([new] * (move.level - level + 1))
            last, inner = subs[-1], self.blocks[subs[-1].line]
            if level == move.level:
                return (column, unit.prefix) if _kind(last) == _kind(unit) else None
            if inner is None or last.line in self.moves or not self._ends(block, inner, unit.line):
                return None
            host, block = last, inner
        return None

    def _ends(self, outer: _Block, inner: _Block, line: int) -> bool:
        """Whether `inner`'s lines are the last of `outer`'s before `line` that hold text."""
        last = max(inner.numbers)
        return all(n in inner.numbers or n > line or n < last or not self._line(n).strip() for n in outer.numbers)

    def _out(self, unit: Unit, block: _Block, level: int) -> tuple[int, str] | None:
        """The marker of an item outdented to `level`: after the item of that level that holds it, when it is the
        last thing in that item and in each item between."""
        holder: Unit | None = unit
        for depth in range(unit.level - 1, level - 1, -1):
            assert holder is not None
            holder = self._owner(holder, depth)
            held = self.blocks[holder.line] if holder is not None else None
            if holder is None or held is None or holder.line in self.moves:
                return None
            if any(n > max(block.numbers) for n in held.numbers):
                return None  # items or paragraphs of an item above follow it: they would become its own
        if holder is None or _kind(holder) != _kind(unit):
            return None
        return len(holder.indent), unit.prefix

    def _after_moved(self, before: Unit, move: LevelMove) -> tuple[int, str] | None:
        """The marker of an item indented with the item of its list before it (two items selected, Tab): after
        that item, in the sublist it joins (numbered on from it)."""
        placed = self.targets.get(before.line)
        if placed is None or self.moves[before.line].level != move.level or _kind(before) != _kind(move.unit):
            return None
        column, markers = placed
        lists, _, marker = markers.rpartition(" ")  # the markers of the lists it began, then its own
        column += len(lists) + 1 if lists else 0
        number = _NUMBER_RE.fullmatch(marker)
        return column, f"{int(marker[:-1]) + 1}{marker[-1]}" if number is not None else move.unit.prefix

    def replacements(self, move: LevelMove, column: int, marker: str) -> list[Replacement]:
        unit = move.unit
        block = self.blocks[unit.line]
        assert block is not None
        way = "outdented" if move.level < unit.level else "indented"
        summary = f"list item “{short(unit.text)}” {way} from level {unit.level} to level {move.level}"
        head = Replacement(block.line_start, block.marker + len(unit.prefix), " " * column + marker, "untracked",
                           unit.line, summary)
        shift = column + len(marker) - len(unit.indent) - len(unit.prefix)
        out = [head]
        for start in block.lines:
            line = self.text[start:].partition("\n")[0]
            lead = len(line) - len(line.lstrip(" "))
            out.append(Replacement(start, start + lead, " " * (lead + shift), "untracked", unit.line, summary,
                                   listed=False))
        return out


def reindent(text: str, items: list[Unit], moves: list[LevelMove]) -> tuple[list[Replacement], list[Finding]]:
    """The replacements that re-indent each moved item that reads one way only, and a finding for each other."""
    plan = _Plan(text, items, moves)
    reps: list[Replacement] = []
    findings: list[Finding] = []
    carried: set[int] = set()  # the lines of sub-items that move with their item
    for line, move in sorted(plan.moves.items()):
        if line in carried:
            continue
        where = plan.target(move)
        block = plan.blocks[line]
        if where is None or block is None:
            way = "outdented" if move.level < move.unit.level else "indented"
            findings.append(Finding(move.kind, line, "", f"list item “{short(move.unit.text)}” {way} in Word from "
                                    f"level {move.unit.level} to level {move.level}, which is not applied: the "
                                    "Markdown could read it more than one way; change its indent by hand"))
            continue
        carried |= block.numbers
        plan.targets[line] = where
        reps += plan.replacements(move, *where)
    return reps, findings


def relevelled(text: str, para: Paragraph, unit: Unit, accepted: Callable[[str], bool]
               ) -> tuple[list[Replacement], list[Finding]] | None:
    """The heading `unit` given another heading style in Word (tracked as a w:pPrChange, or not): its `#`s written
    for the new level (unless the change is a reviewer's whose changes are not taken), or a finding when the
    Markdown cannot take it (a level-1 heading, the section title's, or one below `######`; an underlined heading);
    None when its level is the build's."""
    kind, level = paragraph_kind(para, {}, True)
    if unit.kind != "heading" or kind != "heading" or level == unit.level:
        return None
    author = para.restyled.author if para.restyled is not None else "untracked"
    summary = f"heading “{short(unit.text)}” moved from level {unit.level} to level {level}"
    marks = re.match(r" {0,3}(#{1,6})(?:[ \t]|$)", text[unit.start :])
    if marks is None or not 2 <= level <= 6:
        return [], [Finding("formatting" if para.restyled is not None else "untracked", unit.line, author,
                            f"{summary} in Word, which is not applied: " + (
                                "the Markdown has no heading of that level in a section; change it by hand" if marks
                                else "its underline gives no other level; write it with `#`s by hand"))]
    if author != "untracked" and not accepted(author):
        return [], []
    start = unit.start + marks.start(1)
    return [Replacement(start, start + len(marks.group(1)), "#" * level, author, unit.line, summary)], []
