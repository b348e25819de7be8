"""A Markdown table as the renderer collects it (its rows of cells, header rows, columns' alignment and the columns
holding a picture) before it becomes a Word table, and the space a paragraph right after a table leaves above it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ooxml, ooxml_table
from .ooxml_sections import LANDSCAPE_WIDTH

if TYPE_CHECKING:
    from markdown_it.token import Token

Element = ooxml.Element
_ALIGN = {"left": "left", "center": "center", "right": "right"}
_ALIGN_RE = re.compile(r"text-align:\s*(\w+)")
_TABLE, _PARAGRAPH = ooxml.w("tbl"), ooxml.w("p")
SPACE_AFTER_TABLE = 200  # twips: the template's default space after a paragraph (docDefaults)
SPACE_AFTER_TABLE_IN_NOTE = 80  # twips (4 pt): a footnote's paragraphs keep no space after them, but a table's


@dataclass
class Table:
    """A table being rendered: its cells' elements by row, its header rows and alignments."""

    rows: list[list[list[Element]]] = field(default_factory=list)
    header_rows: int = 0
    aligns: list[str | None] = field(default_factory=list)
    in_head: bool = False
    row: Token | None = None  # the current row, whose source line the row's first cell bookmarks
    pictured: set[int] = field(default_factory=set)  # the columns holding a picture
    landscape: bool = False  # on landscape pages of its own: as wide as their text

    def add_row(self, token: Token) -> None:
        self.rows.append([])
        self.row = token
        if self.in_head:
            self.header_rows += 1

    def add_cell(self, token: Token) -> list[Element]:
        """A new cell of the current row (a header cell gives its column's alignment), for its paragraphs."""
        if self.in_head:
            match = _ALIGN_RE.search(str(token.attrs.get("style", "")))
            self.aligns.append(_ALIGN.get(match.group(1)) if match else None)
        cell: list[Element] = []
        self.rows[-1].append(cell)
        return cell

    def add_picture(self) -> None:
        """The current cell holds a picture."""
        self.pictured.add(len(self.rows[-1]) - 1 if self.rows else 0)

    def element(self, style: str | None, indent: int, fit: Callable[[Sequence[Element], int], None]) -> Element:
        width = LANDSCAPE_WIDTH if self.landscape else ooxml_table.TABLE_WIDTH
        return ooxml_table.table(self.rows, self.header_rows, style, self.aligns, indent, self.pictured, fit, width)


def space_after_tables(blocks: Sequence[Element], plain: set[str | None], space: int) -> None:
    """A paragraph of text (a style in `plain`: the text's, a caption's, a code block's) right after a table leaves
    `space` above it, the space a paragraph leaves below itself: its first line had touched the table's last
    border, and the caption of a table right after another stood under the first as if it were that one's (a
    figure's caption is under its figure). A heading has space of its own."""
    for before, after in itertools.pairwise(blocks):
        if before.tag == _TABLE and after.tag == _PARAGRAPH and ooxml.style_of(after) in plain:
            ooxml.set_space_before(after, space)
