"""A table as the .docx reader meets it (wordread.py): its rows and cells, each cell's blocks read by the reader,
columns a row leaves out before its first cell, merged cells (gridSpan, vMerge), header rows, a row's tracked
insertion or deletion, and tracked changes to a table's, row's or cell's properties, marked on the first paragraph
of the row or cell they change (apply lists them as formatting changes)."""

from __future__ import annotations

from functools import cache
from typing import Protocol

from . import ooxml, wordblocks
from .wordblocks import Block, Cell, Rev, Row, Table
from .wordnodes import rows_or_cells
from .wordparts import int_value, on

Element = ooxml.Element
w = cache(ooxml.w)
COLUMNS = 63  # the most columns a Word table has: what a cell spans or a row skips is cut to it


class Reader(Protocol):
    """What the table asks of the reader: the blocks of a cell, and the tracked change of a row's properties."""

    def blocks(self, parent: Element, nested: bool = False) -> list[Block]: ...

    def tracked(self, props: Element | None) -> Rev | None: ...


def read_table(reader: Reader, tbl: Element, nested: bool) -> Table:
    """The table `tbl`, its cells' blocks read by `reader` (`nested`: the table is in another table's cell)."""
    table = Table(nested=nested)
    grid = tbl.find(w("tblGrid"))
    if grid is not None:
        table.widths = [int_value(col.get(w("w"))) for col in grid.findall(w("gridCol"))[:512]]
    for tr in rows_or_cells(tbl, w("tr")):
        trpr = tr.find(w("trPr"))
        row = Row(rev=reader.tracked(trpr), header=trpr is not None and on(trpr.find(w("tblHeader"))))
        before = trpr.find(w("gridBefore")) if trpr is not None else None
        skipped = int_value(before.get(w("val"))) or 0 if before is not None else 0
        row.cells += [Cell() for _ in range(min(skipped, COLUMNS))]  # grid columns left out before the first cell
        restyled = _changed(trpr, "trPrChange") or (not table.rows and _changed(tbl.find(w("tblPr")),
                                                                                "tblPrChange"))
        for tc in rows_or_cells(tr, w("tc")):
            tcpr = tc.find(w("tcPr"))
            span = tcpr.find(w("gridSpan")) if tcpr is not None else None
            vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
            spans = int_value(span.get(w("val"))) or 1 if span is not None else 1
            cell = Cell(reader.blocks(tc, nested=True), min(max(spans, 1), COLUMNS),
                        (vmerge.get(w("val")) or "continue") if vmerge is not None else None)
            if _changed(tcpr, "tcPrChange") or (restyled and len(row.cells) == skipped):  # a row: its first cell
                for para in wordblocks.paragraphs(cell.blocks)[:1]:
                    para.formatting_changed = True
            row.cells.append(cell)
        table.rows.append(row)
    return table


def _changed(props: Element | None, change: str) -> bool:
    """Whether the properties hold a tracked change of themselves (a w:tcPrChange, w:trPrChange, ...)."""
    return props is not None and props.find(w(change)) is not None
