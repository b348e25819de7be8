"""Columns of figures in a pipe table: where a figure's comma is a decimal comma because of the column it is in.

A cell of '1,250' alone (or with its unit: '1,250 km') reads as a thousand; in a column whose other cells are '0,5'
and '12,75' it is 1.25, as the languages that write a decimal comma write it. A column is one of decimals when a
figure of it has one or two digits after its comma, or four or more (a group of thousands has three), and none is
grouped in thousands twice ('1,250,000'): COE743 then reports each figure with a comma of the column, and COE719
none of them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..markdown import row_cells
from .units import QUANTITY

if TYPE_CHECKING:
    from .text import Prose

#: A cell that is one figure with a comma, its unit after it ('1,250 km', '3,5 %'); a figure whose comma can only be
#: a decimal one; one grouped in thousands.
_FIGURE = re.compile(rf"(?P<figure>[-+\u2212]?\d+(?:,\d+)+)(?:{QUANTITY})?")
_DECIMAL = re.compile(r"[-+\u2212]?\d+,(?:\d{1,2}|\d{4,})")
_THOUSANDS = re.compile(r"[-+\u2212]?\d{1,3}(?:,\d{3}){2,}")


def decimal_cells(prose: Prose) -> dict[int, list[tuple[int, int]]]:
    """By body index, the (start, end) of each figure in a table cell whose comma is a decimal comma."""
    found: dict[int, list[tuple[int, int]]] = {}
    for block in prose.blocks:
        if block.kind != "table":
            continue
        columns: dict[int, list[tuple[int, int, str]]] = {}
        for index in range(block.start, block.end):
            text = prose.masked.get(index, "")
            if "," not in text:
                continue
            for number, (start, cell) in enumerate(row_cells(text)):
                if figure := _FIGURE.fullmatch(cell):
                    columns.setdefault(number, []).append((index, start, figure.group("figure")))
        for figures in columns.values():
            if any(_DECIMAL.fullmatch(cell) for *_, cell in figures) and not any(
                    _THOUSANDS.fullmatch(cell) for *_, cell in figures):
                for index, start, cell in figures:
                    first = start + (cell[0] in "-+\u2212")  # the sign is no part of the figure
                    found.setdefault(index, []).append((first, start + len(cell)))
    return found
