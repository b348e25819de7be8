"""A Word table of a member's draft as a GFM pipe table (mdwrite's TableBlock): merged cells split (the text stays
in the first; text Word hides in a cell merged into the one above stays in that cell), a table inside a cell and a
cell of several paragraphs flattened into one line, the first row the header (its bold left to the header's own), a
column aligned when all its cells agree. What changes on the way is counted for `importer.py` to warn about."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from . import wordblocks as wb
from .importer_direction import directed
from .mdpieces import Piece, with_flags
from .mdwrite import TableBlock


def table_block(table: wb.Table, pieces: Callable[[list[wb.Run]], list[Piece]]
                ) -> tuple[TableBlock, list[wb.Paragraph], Counter[str]]:
    """The table's Markdown (`pieces` converts a paragraph's runs), the paragraphs it read, and counts of what
    changed: "merged" cells, cells merged into the one above that hold text Word does not show ("covered", kept in
    their own cell), "nested" tables, cells of several paragraphs "joined", and a table with "no header" row
    marked (nor one in bold)."""
    rows: list[list[list[Piece]]] = []
    aligns: list[list[str | None]] = []
    read: list[wb.Paragraph] = []
    found: Counter[str] = Counter()
    for row in table.rows:
        cells: list[list[Piece]] = []
        row_aligns: list[str | None] = []
        for cell in row.cells:
            found["merged"] += (cell.span > 1) + (cell.vmerge == "continue")
            paras = wb.paragraphs(cell.blocks)
            found["covered"] += cell.vmerge == "continue" and any(p.text().strip() for p in paras)
            found["nested"] += sum(isinstance(b, wb.Table) for b in cell.blocks)
            read += paras
            parts = [directed(p, pieces(p.runs)) for p in paras]
            parts = [part for part in parts if any(p.raw or p.text.strip() for p in part)]
            found["joined"] += len(parts) > 1
            content = [piece for i, part in enumerate(parts) for piece in ([Piece(" ")] if i else []) + part]
            cells += [content] + [[] for _ in range(cell.span - 1)]
            align = paras[0].align if paras else None
            row_aligns += [align if align in ("left", "center", "right") else None] * cell.span
        rows.append(cells)
        aligns.append(row_aligns)
    if not rows:
        return TableBlock([[[]]]), read, found
    bold_row = all(all("b" in p.flags for p in cell if p.text.strip()) for cell in rows[0])
    found["no header"] += not table.rows[0].header and not bold_row
    rows[0] = [with_flags(cell, drop=frozenset("b")) for cell in rows[0]]
    width = max(len(r) for r in aligns)
    column = [{r[c] if c < len(r) else None for r in aligns} for c in range(width)]
    return TableBlock(rows, [next(iter(s)) if len(s) == 1 else None for s in column]), read, found
