"""Raw WordprocessingML helpers that have a rule of their own (table column widths)."""

from __future__ import annotations

from coe_paper import ooxml


def cell(text: str) -> list[ooxml.Element]:
    p = ooxml.paragraph()
    ooxml.run(p, text)
    return [p]


def test_columns_fit_their_longest_word_and_text_heavy_columns_get_the_rest() -> None:
    rows = [
        [cell("Country"), cell("Role"), cell("Contributed to")],
        [cell("Belgium"), cell("member"), cell("Understanding equality and intersectionality; Next steps")],
        [cell("Netherlands"), cell("observer"), cell("Funding and EU instruments; Data and monitoring")],
    ]
    widths = ooxml.column_widths(rows, 3, total=9000)
    assert sum(widths) == 9000
    assert widths[0] >= len("Netherlands") * 135 + 280
    assert widths[1] >= len("observer") * 135 + 280
    assert widths[2] > widths[0] > widths[1]


def test_columns_too_wide_together_share_the_width_in_proportion() -> None:
    rows = [[cell("x" * 12) for _ in range(8)]]
    widths = ooxml.column_widths(rows, 8, total=9000)
    assert sum(widths) == 9000
    assert max(widths) - min(widths) <= 8  # equal up to rounding


def test_table_cells_and_grid_use_the_computed_widths() -> None:
    rows = [[cell("Country"), cell("A much longer column of running text")]]
    tbl = ooxml.table(rows, 1, None, [None, None])
    grid = [int(col.get(ooxml.w("w"))) for col in tbl.iter(ooxml.w("gridCol"))]
    cells = [int(tc.get(ooxml.w("w"))) for tc in tbl.iter(ooxml.w("tcW"))]
    assert grid == cells == ooxml.column_widths(rows, 2)
