"""A block joined to the list item after it by its deleted paragraph mark, in Word's markup: the mark that stays is
the item's, so Word (and pandoc) show the joined text as that item, at the item's level, its marker and number
kept. LibreOffice gives the item the joined block's properties as it joins them: the text is that block, and the
join alone says so in the Markdown. Which of the two a reviewed file holds is read from the list level of the
paragraph that holds the item's bookmark."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import marks
from .mdinline import Unit
from .mdtext import Unwritable, short
from .wordblocks import Paragraph

_MARKER = re.compile(r"[ \t]*([-*+]|\d{1,9}[.)])[ \t]+")


@dataclass(frozen=True)
class KeptItem:
    """file[start:end] becomes `text` (the item's marker at its indent, where the joined block began); `leaves`:
    the block before was an item of a list of its own, which the join takes it out of."""

    start: int
    end: int
    text: str
    leaves: bool
    summary: str


def kept_item(file: str, group: Sequence[Paragraph], before: Unit, item: Unit, at: int, content: int
              ) -> KeptItem | None:
    """The item's marker put where the joined block `before` (its words from `at`) begins, when the reviewed file
    shows the joined text as `item` (its words from `content`); None when the join alone writes what it shows (the
    block before keeps its own marker, or has none where Word shows none). A block whose line cannot take the
    item's marker (in a quote, or an item that would have no item above it to be nested in) raises Unwritable."""
    if before.kind not in ("paragraph", "item") or item.kind != "item":
        return None
    para = next((p for p in group if any((found := marks.parse(name)) is not None and found[1] == item.line
                                         for name in p.bookmarks)), None)
    if para is None or para.num is None or para.num[0] == "0" or para.num[1] + 1 != item.level:
        return None  # LibreOffice's join: the item took the block's properties
    if before.kind == "item" and before.level == item.level:
        return None  # two items of one level: the first one's marker stays
    marker = file[file.rfind("\n", 0, content) + 1 + len(item.indent) : content]
    if not marker.startswith(item.prefix):
        return None
    line = file.rfind("\n", 0, at) + 1
    lead = file[line:at]
    summary = f"the joined paragraph is the list item “{short(item.text)}” (its marker {item.prefix} kept)"
    if before.kind == "paragraph" and lead == item.indent:
        return KeptItem(at, at, marker, False, summary)
    unwritable = bool(lead.strip(" \t")) if before.kind == "paragraph" else not _MARKER.fullmatch(lead) or (
        item.level > before.level and not item_above(file, line, before))
    if unwritable:
        raise Unwritable(f"the paragraph mark deleted here joins this block to the list item “{short(item.text)}”, "
                         "which Word shows at the item's level; the Markdown cannot be written so here: join them "
                         "by hand")
    return KeptItem(line, at, item.indent + marker, before.kind == "item", summary)


def item_above(file: str, line: int, item: Unit) -> bool:
    """Whether list item `item` (whose line starts at `line`) has an item of its own list above it, under which an
    item of a deeper level can be nested: lines at its indent with its kind of marker, the items' own (more deeply
    indented) lines and blank lines passed over."""
    kind = marker_kind(item.prefix)
    for text in reversed(file[: max(line - 1, 0)].split("\n") if line else []):
        if not text.strip():
            continue
        if not text.startswith(item.indent):
            return False
        rest = text[len(item.indent) :]
        if rest[:1] in (" ", "\t"):
            continue
        found = _MARKER.match(rest)
        return found is not None and marker_kind(found.group(1)) == kind
    return False


def marker_kind(marker: str) -> str:
    """A list marker's kind: its bullet, or a number's delimiter (`.` or `)`)."""
    return f"1{marker[-1:]}" if marker[:1].isdigit() else marker
