"""Placing one change of a group's visible text in the Markdown file (see edits.py): the character map of the
group's source blocks joined, and the replacement of a range of the file that makes the change while the markup
around it stays: emphasis, links and code spans keep their delimiters (a break inside them closes and opens them
again), inserted text is escaped where it is written, a list keeps its numbering, and whole blocks go with their
own lines."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .blanklines import blank_at, blank_before, no_blank_line, one_blank_left
from .itemjoins import kept_item
from .itemlift import lift
from .itemnumbers import Numbers, holds_lines, siblings
from .mdinline import Unit
from .mdtext import PB, Context, Piece, code_lines, flags_of, quoted, render, written_at
from .placing_spans import bridged, emptied, no_empty_tags
from .replacement import Replacement
from .wordblocks import OBJECT, Paragraph


@dataclass
class Edit:
    """A change of the visible text: [a, b) of the built text replaced by `runs` (none: deleted)."""

    a: int
    b: int
    runs: list[Piece] = field(default_factory=list)
    author: str = ""


class Placement:
    """The file, the source units of a group of paragraphs and their character map, and the placing of edits."""

    def __init__(self, group: Sequence[Paragraph], units: Sequence[Unit], ctx: Context, file: str) -> None:
        self.group, self.units, self.ctx, self.file = group, units, ctx, file
        self.source = PB.join(u.text for u in units)
        self.joined: set[int] = set()  # the units joined to the block before them by a deleted mark

    def prepare(self) -> None:
        """The character map of the units, joined: made only for a group that has something to apply."""
        units = self.units
        for unit in units:
            unit.ensure()
        self.spans: list[tuple[int, int]] = []
        self.sflags: list[frozenset[str]] = []
        self.unit_at: list[int] = []
        self.starts: list[int] = []  # position in source text where each unit begins
        for index, unit in enumerate(units):
            if index:
                prev = units[index - 1]
                self.spans.append((prev.end, _content_start(unit)))
                self.sflags.append(frozenset())
                self.unit_at.append(index)
            self.starts.append(len(self.spans))
            self.spans += unit.spans
            self.sflags += unit.flags
            self.unit_at += [index] * len(unit.text)

    def line_at(self, pos: int) -> int:
        if not self.units:
            return 0
        return self.units[self.unit_at[min(pos, len(self.unit_at) - 1)] if self.unit_at else 0].line

    def change_line(self, pos: int) -> int:
        """The line a change that begins at `pos` is reported at: a deleted paragraph mark between two blocks (a
        join) at the block it ends, where Word holds the mark and `comments` lists it, not at the next one."""
        return self.line_at(pos - 1 if 0 < pos < len(self.source) and self.source[pos] == PB else pos)

    def _replacement(self, edit: Edit) -> list[Replacement]:
        units, spans = self.units, self.spans
        if not units:
            return []
        code = any(u.kind == "code" for u in units)
        inserted = [p for p in edit.runs if p.text != OBJECT]
        has_break = any(p.text == PB for p in inserted)
        if has_break and (self.ctx.cell or any(u.kind in ("title", "cell") for u in units)):
            return []
        if edit.a == edit.b:
            return self._insert(edit, inserted, code)
        deleted = self.source[edit.a : edit.b]
        if inserted and edit.a in self.starts and deleted.endswith(PB) and edit.b in self.starts:
            # whole blocks deleted, words typed where the next begins: they go where its own words begin
            return self._replacement(Edit(edit.a, edit.b, [], edit.author)) + self._insert(
                Edit(edit.b, edit.b, edit.runs, edit.author), inserted, code)
        blank = 0  # the length of the blank line after the blocks deleted that goes with them
        a, b = edit.a, edit.b
        first_unit = units[self.unit_at[a]]
        unit_end = self.starts[self.unit_at[a]] + len(first_unit.text)
        whole = a in self.starts and b >= unit_end and not inserted and first_unit.kind not in ("title", "cell") \
            and not holds_lines(self.file, first_unit)  # an item's words: its marker stays for its own lines
        starts_block = a in self.starts and (PB in deleted or whole)
        start = first_unit.start if starts_block else spans[a][0]
        end = spans[b - 1][1]
        if deleted.endswith(PB) and starts_block:
            # whole blocks go with their own lines; the blank line that separates blocks stays
            end = units[self.unit_at[b - 1]].start if b - 1 < len(self.unit_at) else end
            if b - 2 >= a:
                newline = self.file.find("\n", self._own_end(b - 1))
                end = min(end, len(self.file) if newline < 0 else newline + 1)
            before, after = blank_before(self.file, start), blank_at(self.file, end)
            if not inserted and before and after:  # a blank line before and after the blocks: one of them stays
                if before > 1 and after == 1:  # a quote's `>` line before, an empty line after: the quote's goes
                    start -= before
                else:
                    blank = after
                    end += after
        elif whole and b == len(self.source):
            newline = self.file.find("\n", self._own_end(b))
            end = len(self.file) if newline < 0 else newline + 1
            start, end = one_blank_left(self.file, start, end)
        outer = self.sflags[a] if a < len(self.sflags) else frozenset()
        # the delimiters of spans whose words go stay for new words of their formatting written inside them (the
        # span's formatting is where they begin); new words that begin outside are written with delimiters of their own
        keep = set(flags_of(inserted[0]) & outer) if inserted else set()
        if inserted and "link" in outer and not any(p.run is not None and p.run.link for p in inserted) \
                and self._link_text(a, b):  # a link's words typed over whole (LibreOffice writes the new words
            keep.add("link")  # after the link): they are its words, the link kept around them
        # no `****` or `<u></u>` left behind
        for gs, ge in emptied(self.units, self.starts, a, b, keep if inserted else set(), a):
            start, end = min(start, gs), max(end, ge)
        mask = [True] * (end - start)
        if deleted.endswith(PB) and starts_block and blank:
            mask[-blank:] = [False] * blank
        if starts_block:
            mask[: max(spans[a][0] - start, 0)] = [False] * max(spans[a][0] - start, 0)
        if whole and b == len(self.source):
            mask[spans[b - 1][1] - start :] = [False] * (end - spans[b - 1][1])
        for index in range(a, b):
            s, e = spans[index]
            if self.source[index] == PB and starts_block and not self._deleted_whole(self.unit_at[index], b):
                s, e = spans[index][0], units[self.unit_at[index]].start
            for offset in range(max(s, start), min(e, end)):
                mask[offset - start] = False
        for unit in units:
            for va, vb, gs, ge in unit.groups:
                base = self._base_of(unit)
                if a <= base + va and base + vb <= b and gs >= start and ge <= end:
                    flag = unit.flags[va] if va < len(unit.flags) else frozenset()
                    if not (flag & keep) or not inserted or base + va != a:  # the new words are in the first
                        for offset in range(gs, ge):
                            mask[offset - start] = False
        # one span now, from the first to the last
        for gs, ge in bridged(self.units, self.starts, self.spans, a, b, keep) if inserted else ():
            for offset in range(max(gs, start), min(ge, end)):
                mask[offset - start] = False
        text = self.file[start:end]
        first = next((i for i, kept in enumerate(mask) if not kept), 0)
        rendered = render(inserted, outer, self.group, self.ctx, code, False) if inserted else ""
        rendered = code_lines(rendered, first_unit.prefix) if first_unit.kind == "code" else rendered
        rendered = self._escaped(b, start + first, rendered, code or "code" in outer)
        new = "".join(c for c, kept in zip(text[:first], mask[:first], strict=True) if kept) + rendered + "".join(
            c for c, kept in zip(text[first:], mask[first:], strict=True) if kept)
        if not inserted and not starts_block and PB not in deleted:
            start, end, new = self._flanking(a, b, start, end, mask, new)
        start, end, new = no_empty_tags(self.file, start, end, new)
        if not inserted and not starts_block and first_unit.kind != "code":
            start, end, new = no_blank_line(self.file, start, end, new)
        kind = "replaced" if inserted else "deleted"
        out = [Replacement(start, end, new, edit.author, self.change_line(a), f"{kind} {quoted(deleted)}"
                           + (f" with {quoted(''.join(p.text for p in inserted))}" if inserted else ""))]
        if starts_block and not inserted:  # the items deleted: those whose paragraph mark goes, or all of it
            gone = {self.unit_at[index] - 1 for index in range(a, b) if self.source[index] == PB}
            for index in sorted(gone | ({self.unit_at[a]} if whole else set())):
                found = lift(self.file, units[index], edit.author, end)  # its sub-items take its place
                self.ctx.numbers.removed(self.file, units[index], edit.author, found.joins if found else 0)
                self.ctx.numbers.lifted(self.file, units[index], found.numbers if found else (), edit.author)
                self.ctx.lifts += [found] if found is not None else []
        for index in range(a, b) if not starts_block else ():  # an item joined to the block before it: the
            if self.source[index] == PB and index + 1 < len(self.unit_at):  # items after it move down
                kept = self._item_kept(units[self.unit_at[index] - 1], units[self.unit_at[index + 1]], edit.author)
                if kept is not None:
                    out.append(kept)
                    continue
                last = self.unit_at[index + 1]
                while last + 1 < len(units) and last + 1 in self.joined and units[last + 1].kind == "item":
                    last += 1  # the next item that is not joined too
                joined = units[self.unit_at[index + 1]]
                self.ctx.numbers.removed(self.file, joined, edit.author)
                out += self._apart(joined, joined.start, units[last].end + 1, edit.author)
        return out

    def _link_text(self, a: int, b: int) -> bool:
        """Whether [a, b) is the whole text of a link."""
        for unit in self.units:
            base = self._base_of(unit)
            if any(base + va == a and base + vb == b and "link" in unit.flags[va] for va, vb, _gs, _ge in unit.groups
                   if va < len(unit.flags)):
                return True
        return False

    def _own_end(self, b: int) -> int:
        """Where the lines of the block whose words end at `b` end: after its last words, or after the markup Word
        does not show that closes it (a fenced code block's closing fence)."""
        return max(self.spans[b - 1][1], self.units[self.unit_at[b - 1]].close)

    def _deleted_whole(self, index: int, b: int) -> bool:
        """Whether a deletion that ends at `b` takes the unit `index` with its paragraph mark (or to the end of the
        text): its prefix (a list item's marker) goes too."""
        return self.starts[index] + len(self.units[index].text) < b or b == len(self.source)

    def _flanking(self, a: int, b: int, start: int, end: int, mask: list[bool], new: str) -> tuple[int, int, str]:
        """A deletion [a, b) that leaves white space just inside bold, italic or a link's text (`**all groups, **`,
        `* regulation*`): a delimiter beside white space no longer closes (opens), so the space moves outside."""
        index = self.unit_at[a]
        unit, base, spans, file = self.units[index], self.starts[index], self.spans, self.file
        closing = [g for g in unit.groups if g[0] < a - base < g[1] <= b - base]
        opening = [g for g in unit.groups if a - base <= g[0] < b - base < g[1]]
        lead = 0
        while closing and a - lead - 1 > base + max(g[0] for g in closing) and self.source[a - lead - 1] in " \t":
            lead += 1
        trail = 0
        while opening and b + trail + 1 < base + min(g[1] for g in opening) and self.source[b + trail] in " \t":
            trail += 1
        tail = sum(mask[max(min(g[2] for g in opening) - start, 0) :]) if opening else 0  # kept chars from openers
        if lead and not file[spans[a - lead][0] : start].strip():  # the space goes after the closing delimiters
            closes = max(g[3] for g in closing)
            extra = file[end:closes]
            kept = sum(mask[: min(closes, end) - start]) + len(extra)
            new = (new + extra)[:kept] + file[spans[a - lead][0] : start] + (new + extra)[kept:]
            start, end = spans[a - lead][0], max(end, closes)
            if extra:
                return start, end, new
        if trail and not file[end : spans[b + trail - 1][1]].strip():  # and before the opening delimiters
            opens = min(g[2] for g in opening)
            new, tail = file[opens:start] + new, tail + max(start - opens, 0)
            new = new[: len(new) - tail] + file[end : spans[b + trail - 1][1]] + new[len(new) - tail :]
            start, end = min(start, opens), spans[b + trail - 1][1]
        return start, end, new

    def _item_kept(self, before: Unit, item: Unit, author: str) -> Replacement | None:
        """A block joined to the list item after it, shown as the item (see itemjoins): the item's marker where the
        block began; a block that was an item of a list of its own leaves it, and the items after it move down."""
        kept = kept_item(self.file, self.group, before, item, _content_start(before), _content_start(item))
        if kept is None:
            return None
        if kept.leaves:
            self.ctx.numbers.removed(self.file, before, author)
        return Replacement(kept.start, kept.end, kept.text, author, before.line, kept.summary)

    def _apart(self, item: Unit, start: int, end: int, author: str) -> list[Replacement]:
        """The first item of an ordered list joined to the paragraph before it: the next one takes its number (see
        Numbers.removed). Only a list that starts at 1 may interrupt a paragraph (CommonMark): the rest of a list
        that starts at another number is set apart from the joined paragraph by a blank line."""
        number = re.match(r"(\d{1,9})[.)]$", item.prefix) if item.kind == "item" and item.ordered else None
        if number is None or int(number.group(1)) == 1:
            return []
        if siblings(self.file, item, start, back=True):
            return []  # not the first item
        if re.match(rf"{re.escape(item.indent)}\d{{1,9}}[.)] ", self.file[end:]) is None:
            return []
        return [Replacement(end, end, item.indent.rstrip() + "\n", author, item.line, "a blank line before the rest "
                            "of the list")]

    def _base_of(self, unit: Unit) -> int:
        return self.starts[self.units.index(unit)]


    def _insert(self, edit: Edit, inserted: list[Piece], code: bool) -> list[Replacement]:
        if not inserted:
            return []
        pos, units, spans = edit.a, self.units, self.spans
        flags = flags_of(inserted[0])
        text = "".join(p.text for p in inserted)
        summary = f"inserted {quoted(text)}"
        at_block_start = pos in self.starts and PB in text and pos < len(self.source)
        if at_block_start:
            head, tail = _split(inserted, text.rfind(PB) + 1)
            unit = units[self.unit_at[pos]]
            md = render(head, frozenset(), self.group, self.ctx, code, True, unit)
            md = self.ctx.numbers.number(md, unit, self.file, True, edit.author)
            at = unit.start
            if unit.kind == "code":  # lines typed before the code's first: in the code, not before its fence
                at = self.file.rfind("\n", 0, spans[pos][0]) + 1
                md = unit.prefix + code_lines(md.removesuffix("\n"), unit.prefix) + "\n"
            out = [Replacement(at, at, md, edit.author, unit.line, summary)]
            return out + (self._insert(Edit(pos, pos, tail, edit.author), tail, code) if tail else [])
        prev_flags = self.sflags[pos - 1] if pos > 0 else None
        next_flags = self.sflags[pos] if pos < len(self.sflags) else None
        near = units[self.unit_at[pos - 1]] if pos > 0 else units[0]
        if (pos in self.starts and pos < len(self.source) and (pos == 0 or self.source[pos - 1] == PB)
                and PB not in text and next_flags is not None and not next_flags <= flags and not code):
            # words typed where a block begins, without a formatting its first words have: before their delimiters
            near = units[self.unit_at[pos]]
            offset, outer = _content_start(near), frozenset[str]()
        elif pos > 0 and (prev_flags == flags or next_flags is None or PB in text or self.source[pos] == PB):
            offset, outer = spans[pos - 1][1], prev_flags or frozenset()
            if PB in text and (pos == len(self.source) or self.source[pos] == PB):
                offset = units[self.unit_at[pos - 1]].end
        elif next_flags is not None and (next_flags == flags or pos == 0):
            offset, outer = spans[pos][0], next_flags
        else:
            offset, outer = self._boundary(pos), frozenset()
        given = outer & flags if outer <= flags else frozenset()
        md = render(inserted, given, self.group, self.ctx, code, False, near)
        if outer - flags and not code:
            offset, given = self._boundary(pos), frozenset()
            md = render(inserted, given, self.group, self.ctx, code, False, near)
        md = code_lines(md, near.prefix) if near.kind == "code" else md
        md = self._escaped(pos, offset, md, code or ("code" in given and PB not in text))
        md = self.ctx.numbers.number(md, near, self.file, False, edit.author) if PB in text and not code else md
        if PB in text and not code and 0 < pos < len(self.source) and self.source[pos] != PB:
            edges = (text.startswith(PB), text.endswith(PB))
            return [self._split_markup(pos, offset, md, edit.author, summary, edges)]
        return [Replacement(offset, offset, md, edit.author, self.line_at(max(pos - 1, 0)), summary)]

    def _split_markup(self, pos: int, offset: int, md: str, author: str, summary: str,
                      edges: tuple[bool, bool]) -> Replacement:
        """A break inside a block: inside bold, a link or a code span, the markup closes before it and opens again
        after it. White space of the source at the break (`edges`: the inserted text begins, ends with it) goes: a
        new paragraph does not begin, nor the one before it end, with a space (elsewhere, white space at the
        break moves outside the delimiters: `**a **` does not close)."""
        index = self.unit_at[pos - 1]
        unit, base, spans = self.units[index], self.starts[index], self.spans
        inside = sorted((g for g in unit.groups if g[0] < pos - base < g[1]), key=lambda g: (g[2], -g[3]))
        closing: list[str] = []
        opening: list[str] = []
        for va, vb, gs, ge in inside:
            inner = [g for g in inside if gs < g[2] and g[3] < ge]
            opening.append(self.file[gs : min([spans[base + va][0]] + [g[2] for g in inner])])
            closing.insert(0, self.file[max([spans[base + vb - 1][1]] + [g[3] for g in inner]) : ge])
        before, after = pos, pos
        while before > base and self.source[before - 1] in " \t":
            before -= 1
        while after < len(self.source) and self.source[after] in " \t":
            after += 1
        start = min(spans[before][0], offset) if before < pos else offset
        end = max(spans[after - 1][1], offset) if after > pos else offset
        head, tail = self.file[start:offset], self.file[offset:end]
        drop_head, drop_tail = edges[0] and not head.strip(), edges[1] and not tail.strip()
        if not inside:  # white space that stays stays where it is
            start, end = start if drop_head else offset, end if drop_tail else offset
        head, tail = "" if drop_head or not inside else head, "" if drop_tail or not inside else tail
        text = "".join(closing) + head + md + tail + "".join(opening)
        return Replacement(start, end, text, author, self.line_at(pos - 1), summary)

    def _escaped(self, pos: int, offset: int, md: str, code: bool) -> str:
        """`md` as written at `offset` of the file, where it ends the visible text at `pos` (as it is in `code`)."""
        if code or self.ctx.cell or not md:
            return md
        unit = self.units[self.unit_at[pos - 1]] if pos > 0 else None
        end = unit is not None and unit.kind == "heading" and (pos == len(self.source) or self.source[pos] == PB)
        return written_at(self.file[self.file.rfind("\n", 0, offset) + 1 : offset], md, end)

    def _boundary(self, pos: int) -> int:
        """Between two characters: after the markup that closes at pos and before the markup that opens there."""
        offset = self.spans[pos - 1][1] if pos > 0 else self.spans[pos][0]
        for unit in self.units:
            base = self._base_of(unit)
            for _va, vb, _gs, ge in unit.groups:
                if base + vb == pos and ge > offset and (pos >= len(self.spans) or ge <= self.spans[pos][0]):
                    offset = max(offset, ge)
        return offset


def moved_items(file: str, numbers: Numbers) -> list[Replacement]:
    """The items after new ones in their lists, moved up: each its own replacement, so that one in conflict leaves
    the others."""
    return [Replacement(start, end, number, author, file.count("\n", 0, start) + 1, f"renumbered the item "
                        f"{file[start:end]} as {number}") for start, end, number, author in numbers.moved(file)]


def _content_start(unit: Unit) -> int:
    """Where a block's inline Markdown begins: its first character, or the delimiters that open there (a bold or
    a link at the start of an item stays when the paragraph mark before it is deleted)."""
    if not unit.spans:
        return unit.end
    return min([unit.spans[0][0]] + [gs for va, _vb, gs, _ge in unit.groups if va == 0])


def _split(pieces: list[Piece], cut: int) -> tuple[list[Piece], list[Piece]]:
    head: list[Piece] = []
    count = 0
    for index, piece in enumerate(pieces):
        if count >= cut:
            return head, pieces[index:]
        head.append(piece)
        count += len(piece.text)
    return head, []
