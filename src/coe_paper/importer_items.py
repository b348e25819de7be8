"""A list item of a member's Word draft numbered as Word numbers it, for `import`: the count is its abstract list's,
at its level, across the list instances over that abstract list (LibreOffice splits a list into several); an
instance that restarts the level starts the count again where it is first used, and an item ends the counts of the
levels below it. A new count is a new Markdown list."""

from __future__ import annotations

from . import wordblocks as wb
from .mdpieces import Piece
from .mdwrite import Item
from .ooxml_parts import ORDERED


class ListNumbers:
    """The numbers of a draft's list items, as the importer writes them out (`item`)."""

    def __init__(self, doc: wb.WordDocument) -> None:
        self.doc = doc
        self.lists: dict[tuple[str, int], str] = {}  # (abstract list, level) -> the Markdown list counting it now
        self.begun: set[tuple[str, int]] = set()  # (list instance, level) counted from, or restarted at, already

    def item(self, num: tuple[str, int], level: int, pieces: list[Piece], counters: dict[tuple[str, int], int]
             ) -> tuple[Item, bool]:
        """The item of the paragraph numbered `num` (numId, Word's level) shown at `level`, counted in `counters`
        (a story's: the body's, or a note's); and whether Word numbers it with letters or Roman numerals where the
        paper numbers 1., a., i. by level."""
        word = num[1]  # Word's level, which counts it; `level` is where it shows (see paragraph_kind)
        abstract, restarting = self.doc.lists.get(num[0], (f"#{num[0]}", frozenset({word})))
        key = (abstract, word)
        if (word in restarting and num not in self.begun) or key not in counters:
            self.begun.add(num)
            counters[key] = self.doc.starts.get(num, 1) - 1
            self.lists[key] = f"{abstract}/{num[0]}/{word}/{len(self.begun)}"
        counters[key] += 1
        for deeper in [k for k in counters if k[0] == abstract and k[1] > word]:
            del counters[deeper]
        number_format = self.doc.numbering.get(num, "decimal")
        other = number_format not in ("bullet", "decimal", ORDERED[level % len(ORDERED)][0])  # a), b) as the 1.
        return Item(level, number_format != "bullet", counters[key], pieces, list_id=self.lists[key]), other
