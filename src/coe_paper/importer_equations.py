"""The equations of a member's Word draft, which Markdown has no form for: each is kept as text, in the linear form
Word types, and named in a warning of its own, by that text and where it is (the words of its paragraph, the table
cell or the note it is in), so that the member can find it in the section and check it; past the first
EQUATIONS_LISTED, the rest are counted."""

from __future__ import annotations

from collections.abc import Sequence

from . import wordblocks as wb
from .diagnostics import clipped, count
from .importer_table import cell_place

EQUATIONS_LISTED = 20  # equations named in a warning each
_HINT = "Markdown has no equations: check that the text reads right, or make the equation a picture"


def equation_warnings(paragraphs: Sequence[wb.Paragraph], doc: wb.WordDocument) -> list[tuple[str, str]]:
    """The COE903 warnings of the equations in the imported `paragraphs` of `doc`, as message and hint: one an
    equation for the first EQUATIONS_LISTED, then one counting the rest."""
    cells = _cells([*doc.blocks, *(block for note in doc.notes.values() for block in note)])
    notes = {id(para) for note in doc.notes.values() for para in wb.paragraphs(note)}
    found: list[tuple[str, str]] = []
    for para in paragraphs:
        words = " ".join(para.text().replace(wb.OBJECT, "").split())
        cell, in_cell = cells.get(id(para), (None, ""))
        note = "a note" if id(para) in notes else None
        for equation in para.equations:
            shown = " ".join(equation.split())
            said = f"equation '{clipped(shown, 80)}' kept as text"
            if cell is not None and in_cell == shown:  # the table cell's text: a table row's line in the section
                found.append((f"{said}, alone in {cell}", "Markdown has no equations: check that the cell reads "
                              "right in the section's table, or put the equation in a picture in the cell"))
            elif cell is not None:
                found.append((f"{said} in {cell}, in the words '{clipped(in_cell, 80)}'", _HINT))
            elif words == shown:
                found.append((f"{said} (a paragraph of its own{f' in {note}' if note else ''})", _HINT))
            else:
                found.append((f"{said} in the paragraph '{clipped(words, 80)}'", _HINT))
    if len(found) > EQUATIONS_LISTED:
        found[EQUATIONS_LISTED:] = [(f"{count(len(found) - EQUATIONS_LISTED, 'more equation')} kept as text, not "
                                     "listed one by one", _HINT)]
    return found


def _words(blocks: list[wb.Block]) -> str:
    return " ".join(" ".join(p.text().replace(wb.OBJECT, "") for p in wb.paragraphs(blocks)).split())


def _cells(blocks: list[wb.Block]) -> dict[int, tuple[str, str]]:
    """Where each paragraph of a table cell is, by the paragraph's id: its row and its column, named by the first
    row's text there ("the table cell of row 2, column 'Formula'"), and the cell's words (the section's table joins
    a cell's paragraphs into one line). A table in a cell is named by its own."""
    out: dict[int, tuple[str, str]] = {}
    for table in (block for block in blocks if isinstance(block, wb.Table)):
        heads: list[str] = []
        for cell in table.rows[0].cells if table.rows else []:
            heads += [_words(cell.blocks)] * cell.span
        for number, row in enumerate(table.rows, 1):
            column = 0
            for cell in row.cells:
                head = heads[column] if column < len(heads) and heads[column] and number > 1 else None
                place = cell_place(number, column + 1, head)
                words = _words(cell.blocks)
                for para in wb.paragraphs(cell.blocks):
                    out[id(para)] = (place, words)
                out.update(_cells(cell.blocks))
                column += cell.span
    return out
