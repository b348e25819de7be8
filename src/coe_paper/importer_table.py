"""A Word table of a member's draft as a GFM pipe table (mdwrite's TableBlock): merged cells split (the text stays
in the first; text Word hides in a cell merged into the one above stays in that cell), a table inside a cell and a
cell of several paragraphs (a list in it too) flattened into one line, the first row the header (its bold left to the
header's own), a column aligned when all its cells agree. What changes on the way is counted for `importer.py` to
warn about; a flattened cell is named, by its row and column (`cell_place`), with the line it became."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from itertools import accumulate

from . import wordblocks as wb
from .diagnostics import clipped, count
from .importer_direction import directed
from .mdpieces import Piece, with_flags
from .mdwrite import TableBlock

SLIVER = 60  # twips (about 1 mm): a grid column narrower holds no text
TABLE_CHANGES = {  # what table_block counts -> its warning's code and words
    "merged": ("COE906", "merged table cells split (the text stays in the first cell)"),
    "covered": ("COE906", "cells merged into the one above whose text Word does not show (kept in their own cell)"),
    "nested": ("COE907", "tables inside table cells flattened into the cell's text"),
    "no header": ("COE914", "tables without a header row: the first row is the header")}
JOINED_LISTED = 20  # flattened cells of a table named in a warning each
_JOINED_HINT = ("a cell of the section's table is one line: check that it reads right, or put what is not one line "
                "after the table")


def cell_place(row: int, column: int, head: str | None) -> str:
    """A table cell as a warning names it: by its row and its column (both from 1), the column by the first row's
    words there, where it has some ("the table cell of row 2, column 'Formula'")."""
    return f"the table cell of row {row}, column " + (f"'{clipped(head, 40)}'" if head else str(column))


def table_block(table: wb.Table, pieces: Callable[[list[wb.Run]], list[Piece]],
                numbering: Mapping[tuple[str, int], str] | None = None
                ) -> tuple[TableBlock, list[wb.Paragraph], Counter[str], list[tuple[str, str]]]:
    """The table's Markdown (`pieces` converts a paragraph's runs), the paragraphs it read, counts of what changed:
    "merged" cells, cells merged into the one above that hold text Word does not show ("covered", kept in their own
    cell), "nested" tables, and a table with "no header" row marked (nor one in bold); and the warnings (message and
    hint) of the cells of several paragraphs, or of a list (its items' marks by `numbering`), joined into one line,
    each named for the first JOINED_LISTED, the rest counted."""
    rows: list[list[list[Piece]]] = []
    aligns: list[list[str | None]] = []
    read: list[wb.Paragraph] = []
    found: Counter[str] = Counter()
    joined: list[tuple[str, str]] = []
    spans = _visible_spans(table)
    heads = [" ".join(p.text().replace(wb.OBJECT, "") for p in wb.paragraphs(cell.blocks)).split()
             for cell, span in zip(table.rows[0].cells if table.rows else [], spans[0] if spans else [], strict=True)
             for _ in range(span)]
    for number, (row, row_spans) in enumerate(zip(table.rows, spans, strict=True), 1):
        cells: list[list[Piece]] = []
        row_aligns: list[str | None] = []
        for cell, span in zip(row.cells, row_spans, strict=True):
            if not span:  # a cell of a sliver column alone, without text
                continue
            found["merged"] += (span > 1) + (cell.vmerge == "continue")
            paras = wb.paragraphs(cell.blocks)
            found["covered"] += cell.vmerge == "continue" and any(p.text().strip() for p in paras)
            found["nested"] += sum(isinstance(b, wb.Table) for b in cell.blocks)
            read += paras
            shown = [(para, directed(para, pieces(para.runs))) for para in paras]
            shown = [(para, part) for para, part in shown if any(p.raw or p.text.strip() for p in part)]
            parts = [part for _, part in shown]
            content = [piece for i, part in enumerate(parts) for piece in ([Piece(" ")] if i else []) + part]
            if len(parts) > 1:
                items = sum(para.num is not None and (numbering or {}).get(para.num, "decimal") != "none"
                            for para, _ in shown)
                listed = "a list item" if items == 1 else "list items"
                what = (f"a list of {items} items in" if items == len(parts) else f"{len(parts)} paragraphs"
                        + (f", {items} of them {listed}," if items else "") + " of")
                head = " ".join(heads[len(cells)]) if number > 1 and len(cells) < len(heads) else None
                line = " ".join("".join(p.text for p in content).split())
                joined.append((f"{what} {cell_place(number, len(cells) + 1, head)} joined into one line: "
                               f"'{clipped(line, 80)}'", _JOINED_HINT))
            cells += [content] + [[] for _ in range(span - 1)]
            align = paras[0].align if paras else None
            row_aligns += [align if align in ("left", "center", "right") else None] * span
        rows.append(cells)
        aligns.append(row_aligns)
    if len(joined) > JOINED_LISTED:
        joined[JOINED_LISTED:] = [(f"{count(len(joined) - JOINED_LISTED, 'more table cell')} of several paragraphs "
                                   "joined into one line, not named one by one", _JOINED_HINT)]
    if not rows:
        return TableBlock([[[]]]), read, found, joined
    bold_row = all(all("b" in p.flags for p in cell if p.text.strip()) for cell in rows[0])
    found["no header"] += not table.rows[0].header and not bold_row
    rows[0] = [with_flags(cell, drop=frozenset("b")) for cell in rows[0]]
    width = max(len(r) for r in aligns)
    column = [{r[c] if c < len(r) else None for r in aligns} for c in range(width)]
    return TableBlock(rows, [next(iter(s)) if len(s) == 1 else None for s in column]), read, found, joined


def _visible_spans(table: wb.Table) -> list[list[int]]:
    """How many columns each cell spans, by row, leaving out the table's sliver columns: grid columns narrower than
    SLIVER where two rows' borders nearly meet (LibreOffice saves one of 1 twip), which no one sees as a column, each
    spanned by a cell of every row. Split as columns, they put a row's figures under the wrong heading. A sliver in
    which a cell of its own holds text stays a column."""
    slivers = {at for at, width in enumerate(table.widths) if width is not None and width < SLIVER}
    starts = [list(accumulate((cell.span for cell in row.cells), initial=0)) for row in table.rows]
    for row, row_starts in zip(table.rows, starts, strict=True):
        for at, cell in enumerate(row.cells) if slivers else ():
            covered = set(range(row_starts[at], min(row_starts[at + 1], len(table.widths))))
            if len(covered) == cell.span and covered <= slivers and any(
                    p.text().strip() for p in wb.paragraphs(cell.blocks)):
                slivers -= covered
    return [[cell.span - sum(start <= at < end for at in slivers)
             for cell, start, end in zip(row.cells, row_starts, row_starts[1:], strict=False)]
            for row, row_starts in zip(table.rows, starts, strict=True)]
