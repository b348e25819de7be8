"""The inline spans (bold, italic, links, code, inline tags) an edit of the Markdown meets: which delimiters go with
the words they held, which join two spans into one, and which empty tags are left behind (see placing.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from .mdinline import Unit

_EMPTY_TAG = re.compile(r"<(sup|sub|u|mark)\s*></\1\s*>", re.IGNORECASE)


def emptied(units: Sequence[Unit], starts: Sequence[int], a: int, b: int, keep: set[str], host: int
            ) -> list[tuple[int, int]]:
    """The file ranges of the inline spans (bold, italic, a link, a code span) whose words [a, b) takes all of:
    their delimiters go with them, unless the inserted text keeps their formatting and begins in them (at `host`:
    typed over '*just*, *green*', 'fair, green' is written in the first, and the second goes)."""
    return [(gs, ge) for first, end, gs, ge, flag in _spans(units, starts)
            if a <= first and end <= b and (not flag & keep or first != host)]


def bridged(units: Sequence[Unit], starts: Sequence[int], spans: Sequence[tuple[int, int]], a: int, b: int,
            keep: set[str]) -> list[tuple[int, int]]:
    """The file ranges of the delimiters between two spans of the kept formatting that new words [a, b) run from
    one into the other ('**City of Rome** (Italy) and the **National Agency**' typed over from 'Rome' to
    'National'): the first's closing ones and the last's opening ones, so that they are one span."""
    if not keep or a >= b:
        return []
    found = [(first, end, gs, ge) for first, end, gs, ge, flag in _spans(units, starts)  # each of a kept
             if flag & keep and (first <= a < end or first <= b - 1 < end)]  # formatting that holds a or b - 1
    first = next((g for g in found if g[0] <= a < g[1]), None)
    last = next((g for g in reversed(found) if g[0] <= b - 1 < g[1]), None)
    if first is None or last is None or first[:2] == last[:2] or last[0] <= a or first[1] > b or last[1] <= b:
        return []  # a last span taken whole goes whole (`emptied`), the first keeping its closing delimiters
    return [(spans[first[1] - 1][1], first[3]), (last[2], spans[last[0]][0])]


def _spans(units: Sequence[Unit], starts: Sequence[int]
           ) -> Iterator[tuple[int, int, int, int, frozenset[str]]]:
    """Each inline span with words: where its words begin and end in the built text, where it begins and ends in
    the file (its delimiters included), and its formatting."""
    for unit, base in zip(units, starts, strict=False):
        for va, vb, gs, ge in unit.groups:
            if va < vb:
                yield base + va, base + vb, gs, ge, unit.flags[va] if va < len(unit.flags) else frozenset()


def no_empty_tags(file: str, start: int, end: int, new: str) -> tuple[int, int, str]:
    """The replacement of file[start:end] with `new`, widened so that an inline tag it leaves empty (`<u></u>`,
    `<sup></sup>`: its words deleted) goes with its end tag; other text of the line stays as it is."""
    line_start = file.rfind("\n", 0, start) + 1
    line_end = file.find("\n", end)
    line_end = len(file) if line_end < 0 else line_end
    head, tail = file[line_start:start], file[end:line_end]
    text, lo, hi = head + new + tail, len(head), len(head) + len(new)
    while (found := next((m for m in _EMPTY_TAG.finditer(text) if m.start() <= hi and m.end() >= lo), None)):
        cut = found.end() - found.start()
        text = text[: found.start()] + text[found.end() :]
        lo, hi = min(lo, found.start()), max(found.start(), hi - cut)
    if text == head + new + tail:
        return start, end, new
    return line_start + lo, line_end - (len(text) - hi), text[lo:hi]
