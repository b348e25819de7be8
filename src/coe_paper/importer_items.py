"""A list item of a member's Word draft numbered as Word numbers it, for `import`: the count is its abstract list's,
at its level, across the list instances over that abstract list (LibreOffice splits a list into several); an
instance that restarts the level starts the count again where it is first used, and an item ends the counts of the
levels below it. A new count is a new Markdown list. A further paragraph of an item that only its indent says is
one goes to the item whose level's text it is indented to (`continued`); one that LibreOffice saved with its
numbering taken off and no indent (an item's further paragraph, from a web page) is placed by the items around it
(`resumptions`). Items that Word shows apart, with space
between their paragraphs, are a loose list's (`apart`); a list whose paragraphs have none stays tight."""

from __future__ import annotations

from collections.abc import Sequence

from . import wordblocks as wb
from .mdpieces import Piece
from .mdwrite import Item
from .ooxml_parts import ORDERED

#: The space between two paragraphs of a list, in twips, from which Word shows them apart as a loose list's items:
#: 6 pt (pandoc writes a tight list's items 1.8 pt apart each side and a loose list's 10 pt, LibreOffice 0 and 7 pt).
LOOSE_SPACE = 120


def apart(first: wb.Paragraph, second: wb.Paragraph) -> bool:
    """Whether the draft sets two paragraphs of a list apart, `second` a list item: the first's space after and the
    second's before, but where contextual spacing leaves either out. Word leaves it out between paragraphs of one
    style (List Paragraph); between two list styles that both ask for it (List Bullet, then List Bullet 2) it shows
    the space, but the draft asks for a list without it, and the list is read as tight."""
    compact = (first.contextual and second.contextual) or first.style == second.style
    after = 0 if first.contextual and compact else first.space[1]
    before = 0 if second.contextual and compact else second.space[0]
    return after + before >= LOOSE_SPACE


class ListNumbers:
    """The numbers of a draft's list items, as the importer writes them out (`item`)."""

    def __init__(self, doc: wb.WordDocument) -> None:
        self.doc = doc
        self.lists: dict[tuple[str, int], str] = {}  # (abstract list, level) -> the Markdown list counting it now
        self.begun: set[tuple[str, int]] = set()  # (list instance, level) counted from, or restarted at, already
        self.indents: dict[int, int] = {}  # Markdown level -> the left indent of the last item shown at it

    def item(self, num: tuple[str, int], level: int, pieces: list[Piece], counters: dict[tuple[str, int], int],
             indent: int | None = None) -> tuple[Item, bool]:
        """The item of the paragraph numbered `num` (numId, Word's level) shown at `level`, counted in `counters`
        (a story's: the body's, or a note's); and whether Word numbers it with letters or Roman numerals where the
        paper numbers 1., a., i. by level. `indent`: the paragraph's own left indent, where it sets one."""
        word = num[1]  # Word's level, which counts it; `level` is where it shows (see paragraph_kind)
        shown = indent if indent is not None else self.doc.indents.get(num)
        if shown is not None:
            self.indents[level] = shown
        else:
            self.indents.pop(level, None)
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

    def continued(self, indent: int, deepest: int) -> int:
        """The level, `deepest` at most, of the item that a paragraph indented by `indent` twips (and numbered with
        nothing) goes on: the one whose items' text is nearest its indent, the deeper of two as near. A level whose
        indent the draft does not give is taken at Word's half inch a level (720 twips)."""
        return min(range(deepest + 1), key=lambda level: (abs(self.indents.get(level, 720 * (level + 1)) - indent),
                                                          -level))


def resumptions(doc: wb.WordDocument, body: Sequence[tuple[wb.Block, tuple[str, int]]]) -> dict[int, int | None]:
    """For each paragraph of `body` (its blocks and their kinds, by position) whose numbering is taken off (see
    wordblocks.Paragraph.unlisted), the level of the item the list goes on with after it, past others such; None
    when the next block is no item of the list of the item before it. LibreOffice saves an item's further paragraph
    so, with no level (its ilvl is 0 whatever the item's) and, from a web page, no indent: between two items of one
    list it is in the list. One pass each way, however many such paragraphs a draft has."""
    def abstract(block: wb.Block) -> str | None:
        num = block.num if isinstance(block, wb.Paragraph) else None
        return None if num is None else doc.lists.get(num[0], (f"#{num[0]}", frozenset()))[0]

    unlisted = [isinstance(block, wb.Paragraph) and block.unlisted for block, _ in body]
    if not any(unlisted):
        return {}
    coming: dict[int, tuple[str | None, int] | None] = {}  # the next block that is not such a paragraph, if an item
    nxt: tuple[str | None, int] | None = None
    for position in range(len(body) - 1, -1, -1):
        coming[position] = nxt
        block, (kind, level) = body[position]
        if not unlisted[position]:
            nxt = (abstract(block), level) if kind == "item" else None
    out: dict[int, int | None] = {}
    before: str | None = None  # the list of the last item so far
    for position, (block, (kind, _)) in enumerate(body):
        if unlisted[position]:
            after = coming[position]
            out[position] = after[1] if after is not None and before is not None and after[0] == before else None
        elif kind == "item":
            before = abstract(block)
    return out


def unlisted_place(words: str, previous: int, resumed: int | None) -> tuple[int | None, str]:
    """Where a paragraph whose numbering is taken off goes, after an item at level `previous`, the list going on at
    level `resumed` (None: not going on; see resumptions): the level of the item it is a further paragraph of (None: a
    paragraph after the list), and what to warn of ("" where its place is certain). Before an item as deep as the
    one before it or deeper, it is that one's; before one less deep, it is of one of the items between, and goes on
    the one it follows."""
    shown = f"'{words[:77]}...'" if len(words) > 80 else f"'{words}'"
    if resumed is None:
        return None, (f"the paragraph {shown} after a list item has its numbering taken off and no indent (as "
                      "LibreOffice saves an item's further paragraph from a web page): kept as a paragraph after "
                      "the list")
    if resumed >= previous:
        return previous, ""
    return previous, (f"the paragraph {shown} between two list items has its numbering taken off and no indent (as "
                      "LibreOffice saves an item's further paragraph from a web page): kept in the item before it, "
                      "though it may be a further paragraph of an item further out")
