"""`coe-paper import` of the tables of members' drafts: the columns a reader sees are the table's columns, whatever
grid the program that saved it laid under them. pandoc, reading the imported section as CommonMark, is the judge."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import, _run


def _cell(text: str, width: int, span: int = 1, merge: str = "") -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>' + (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{merge}"/>' if merge else "")
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{_run(text)}</w:p></w:tc>"


def _rows(make_project: MakeProject, tmp_path: Path, grid: list[int], rows: list[str]) -> list[list[str]]:
    """The cells of each row of the table imported from a draft of a table of `grid` and `rows`."""
    cols = "".join(f'<w:gridCol w:w="{width}"/>' for width in grid)
    body = f"<w:tbl><w:tblPr/><w:tblGrid>{cols}</w:tblGrid>{''.join(rows)}</w:tbl>"
    result, text = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, body))
    assert result.exit_code == 0, result.stderr
    page = subprocess.run([require_client("pandoc"), "-f", "gfm", "-t", "html"], input=text.split("---\n", 2)[2],
                          capture_output=True, text=True, check=True).stdout
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page,
                                                                                        re.S)]


def test_a_sliver_column_libreoffice_saves_is_no_column(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice, saving a table whose rows' borders nearly meet (a cell across two columns, 6424 twips wide,
    above one of 3212 and 3213), lays a grid column of 1 twip between them, which each row spans. It came in as a
    column of its own, and a row's figures moved under the heading before theirs ('30' under an empty heading, none
    under 'Amount')."""
    header = (f'<w:tr><w:trPr><w:tblHeader/></w:trPr>{_cell("Region", 3212)}{_cell("Fund", 3213, 2)}'
              f"{_cell('Amount', 3213)}</w:tr>")
    rows = [header, f"<w:tr>{_cell('Nordwest', 3212, merge='restart')}{_cell('ERDF', 3213, 2)}{_cell('10', 3213)}"
            f"</w:tr>", f"<w:tr>{_cell('', 3212, merge='continue')}{_cell('ESF', 3213, 2)}{_cell('20', 3213)}</w:tr>",
            f"<w:tr>{_cell('Total', 6424, 2)}{_cell('30', 3214, 2)}</w:tr>"]
    assert _rows(make_project, tmp_path, [3212, 3212, 1, 3213], rows) == [
        ["Region", "Fund", "Amount"], ["Nordwest", "ERDF", "10"], ["", "ESF", "20"], ["Total", "", "30"]]


def test_a_narrow_column_with_words_of_its_own_stays_a_column(make_project: MakeProject, tmp_path: Path) -> None:
    rows = [f"<w:tr>{_cell('Region', 3212)}{_cell('#', 40)}{_cell('Amount', 3213)}</w:tr>",
            f"<w:tr>{_cell('Nordwest', 3212)}{_cell('a', 40)}{_cell('10', 3213)}</w:tr>"]
    assert _rows(make_project, tmp_path, [3212, 40, 3213], rows) == [["Region", "#", "Amount"],
                                                                       ["Nordwest", "a", "10"]]


def test_a_cell_spanning_more_columns_than_a_table_has_spans_what_a_table_can(make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    # a damaged or hostile draft's w:gridSpan: import made as many empty cells (100,000 here; for 2,000,000,000 it
    # never ended, its memory growing); a Word table has 63 columns at most
    rows = [f"<w:tr>{_cell('Region', 3212, 100_000)}{_cell('Amount', 3213)}</w:tr>",
            f"<w:tr>{_cell('Nordwest', 3212)}{_cell('10', 3213)}</w:tr>"]
    found = _rows(make_project, tmp_path, [3212, 3213], rows)
    assert [[cell for cell in row if cell] for row in found] == [["Region", "Amount"], ["Nordwest", "10"]]
    assert len(found[0]) == 64


def test_a_list_in_a_table_cell_is_one_line_named_by_its_cell(make_project: MakeProject, tmp_path: Path) -> None:
    """A cell holding a list (pandoc writes a grid table's list as numbered paragraphs in the cell) becomes one line of
    the section's table, its items' words in their order; the COE907 warning said only "table cells with several
    paragraphs joined into one line: 2", leaving the member to hunt for them. Each is named by its row and column, as
    the list it was, with the line it became."""
    from test_import_pandoc import imported

    grid = ("# Outlook\n\nSome text.\n\n+--------+------------------+\n| City   | Measures         |\n"
            "+========+==================+\n| Rome   | - first point    |\n|        | - second point   |\n"
            "+--------+------------------+\n| Lyon   | Calm streets.    |\n|        |                  |\n"
            "|        | Wider pavements. |\n+--------+------------------+\n")
    warnings: list[str] = []
    body = imported(make_project, tmp_path, "pandoc 2", grid, warnings)
    assert "| Rome | first point second point |" in body
    assert "| Lyon | Calm streets. Wider pavements. |" in body
    joined = [line for line in warnings if "COE907" in line]
    assert any("list of 2 items in the table cell of row 2, column 'Measures' joined into one line: "
               "'first point second point'" in line for line in joined), joined
    assert any("2 paragraphs of the table cell of row 3, column 'Measures' joined into one line: "
               "'Calm streets. Wider pavements.'" in line for line in joined), joined
    assert not any("table cells with several paragraphs" in line for line in joined), joined


def test_a_row_inserted_or_deleted_with_changes_tracked_is_counted_as_a_tracked_change(make_project: MakeProject,
                                                                                      tmp_path: Path) -> None:
    """A table row deleted with changes tracked is left out (the change taken as accepted), and an inserted one kept,
    but neither was counted in COE901: a draft whose only tracked change was a deleted row lost the row's words
    without a word of it."""
    cell = "<w:tc><w:p>{}</w:p></w:tc>"
    mark = '<w:trPr><w:{} w:id="{}" w:author="Claire Dubois" w:date="2024-05-02T10:00:00Z"/></w:trPr>'
    rows = [("", "Measure"), ("", "Rent caps"), (mark.format("del", 7), "Old quotas"),
            (mark.format("ins", 8), "Social leases")]
    table = ('<w:tbl><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid>'
             + "".join(f"<w:tr>{props}{cell.format(_run(words))}</w:tr>" for props, words in rows) + "</w:tbl>")
    result, text = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, table))
    assert result.exit_code == 0, result.stderr
    assert "Old quotas" not in text and "Social leases" in text and "Rent caps" in text
    assert "warning COE901 2 tracked changes taken as accepted" in result.stderr, result.stderr


def test_counted_words_are_singular_for_one(make_project: MakeProject, tmp_path: Path) -> None:
    """'formatting changes in 1 paragraphs', '1 tracked changes', '1 of them list items': a count of one took the
    plural."""
    changed = ('<w:r><w:rPr><w:b/><w:rPrChange w:id="1" w:author="Ana" w:date="2024-05-01T10:00:00Z"><w:rPr/>'
               '</w:rPrChange></w:rPr><w:t>Rents</w:t></w:r>')
    item = f'<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr>{_run("a point")}</w:p>'
    cell = f"<w:tc><w:p>{_run('Calm streets.')}</w:p>{item}<w:p>{_run('Wider pavements.')}</w:p></w:tc>"
    table = ('<w:tbl><w:tblGrid><w:gridCol w:w="4000"/></w:tblGrid><w:tr><w:tc><w:p>' + _run("Measures")
             + f"</w:p></w:tc></w:tr><w:tr>{cell}</w:tr></w:tbl>")
    result, _ = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, f"<w:p>{changed}{_run(' rose.')}</w:p>"
                                                                         + table))
    assert result.exit_code == 0, result.stderr
    assert "warning COE901 formatting changes in 1 paragraph taken as accepted" in result.stderr, result.stderr
    assert "3 paragraphs, 1 of them a list item, of the table cell of row 2" in result.stderr, result.stderr
    deleted = ('<w:del w:id="2" w:author="Ana" w:date="2024-05-01T10:00:00Z"><w:r><w:delText>old </w:delText></w:r>'
               "</w:del>")
    result, _ = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, f"<w:p>{deleted}{_run('Rents rose.')}</w:p>"))
    assert "warning COE901 1 tracked change taken as accepted" in result.stderr, result.stderr
