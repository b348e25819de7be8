"""The `coe-paper` commands that report on the paper from its sources and their git history: `status` (per
section) and `contributors` (per organisation). Registered on the app of `cli.py`, which imports this module."""


import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .cli import _CONTROL_STRIP, _report, _root, app, err, out
from .cli_options import check_revision, check_table_format
from .diagnostics import format_diagnostics, shown, to_json

if TYPE_CHECKING:
    from . import pipeline
    from .attribution import History
    from .diagnostics import Diagnostic
    from .status_rows import StatusReport

#: The options both reports take: how to print (a table, or JSON) and which revision of the paper.
TableFormat = Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", callback=check_table_format,
                                          help="text or json.")]
Revision = Annotated[str | None, typer.Option("--rev", metavar="REV", callback=check_revision,
                                              help="Report on the paper as it was at this revision.")]


def _print_table(title: str, columns: list[str], rows: list[list[tuple[str, str]]], wrap: int = 0) -> None:
    """A table of (text, colour) cells; a column named with a trailing ">" is right-aligned, column `wrap` wraps.
    At a terminal it is drawn by rich at the terminal's width; piped, it is plain aligned text (rich takes a while
    to load, and a script reading the output wants no box lines). A control character in a cell (a git author's
    name may hold a right-to-left override, which would reverse the rest of the line) is shown as its escape."""
    names = [name.rstrip(">") for name in columns]
    right = [name.endswith(">") for name in columns]
    if not sys.stdout.isatty():
        text = [[shown(cell).translate(_CONTROL_STRIP) for cell, _ in row] for row in rows]
        widths = [max([len(name), *(len(row[i]) for row in text)]) for i, name in enumerate(names)]

        def line(cells: list[str]) -> str:
            return "  ".join(c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True))

        print("\n".join([title, line(names).rstrip(), "  ".join("-" * w for w in widths),
                         *(line(cells).rstrip() for cells in text)]))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title)
    for index, name in enumerate(names):
        table.add_column(name, justify="right" if right[index] else "left", no_wrap=index != wrap,
                         min_width=12 if index == wrap else None, overflow="fold")
    for row in rows:
        table.add_row(*(Text(shown(cell), style=colour) for cell, colour in row))  # a git name's U+202E, escaped
    out.print(table)


def _attributed(rev: str | None, fmt: str, journal: bool = False, root: Path | None = None
                ) -> "tuple[pipeline.Loaded, History | None]":
    """The paper at `root` (else the project's root) loaded and attributed (with `journal`, the work tree noting what
    it was asked); one that cannot be loaded ends the command (exit 1) with its diagnostics, on stdout too for
    `--format json` (the list `validate --format json` prints)."""
    from . import pipeline
    from .attribution import without_history

    loaded = pipeline.check(root or _root(fmt), rev, journal=journal)
    if loaded.project is None:
        _report(loaded.diagnostics)
        if fmt == "json":
            print(format_diagnostics(loaded.diagnostics, "json"))
        raise typer.Exit(1)
    for problem in loaded.diagnostics:
        if without_history(problem):
            err.print(problem.as_text(), markup=False)
    return loaded, loaded.history


def _left_out(problems: "list[Diagnostic]") -> None:
    """After the report: the section files it could not read (`problems`: report.left_out), each with its error;
    then exit 1, the report being incomplete."""
    files = sorted({d.path for d in problems})
    if not files:
        return
    err.print(format_diagnostics(problems, "text"), markup=False)
    err.print(f"left out of this report: {len(files)} file{'s' * (len(files) != 1)} in sections/ that cannot be "
              f"read as a section ({', '.join(files)})", markup=False)
    raise typer.Exit(1)


@app.command(short_help="Per section: status, lead, words, last change, issues.")
def status(
    fmt: TableFormat = "text",
    rev: Revision = None,
) -> None:
    """Per section: status, lead, words against the outline's limits, last change and diagnostics."""
    report = _status_report(rev, fmt)
    rows = report.rows
    if fmt == "json":
        print(to_json([row.as_dict() for row in rows]))
        _left_out(report.left)
        return
    colours = {"ok": "green", "under": "yellow", "over": "red", "": ""}
    cells: list[list[tuple[str, str]]] = []
    for row in rows:
        words = f"{row.words}/{row.word_limits}" if row.word_limits else str(row.words)
        by = (row.changed_by(row.last_change_org or "") or "(unmapped)") if row.last_change else ""
        problems = "red" if row.errors else "yellow" if row.warnings else ""
        state = (f"{row.status}, late (due {row.due})", "red") if row.late else (row.status, "")
        if row.status == "invalid" and row.path:  # the file that cannot be read, named as the README says
            state = (f"invalid ({row.path})", "red")
        cells.append([(row.number, ""), (row.id, ""), state, (row.lead, ""),
                      (words, colours[row.words_check]), (row.last_change or "-", ""), (by, ""),
                      (str(row.diagnostics), problems)])
    if report.members:  # numbered after the outline's annexes, made from contributors.yaml
        cells.append([(report.members, ""), ("(contributors)", ""), *[("", "")] * 6])
    _print_table("Sections", ["no.", "section", "status", "lead", "words>", "changed", "by", "issues>"], cells, 1)
    _left_out(report.left)


def _status_report(rev: str | None, fmt: str) -> "StatusReport":
    """What `status` shows: the last report of the work tree's, while nothing it depended on has changed and the day
    is the same (checked.py), else made from the paper (and kept for the next run)."""
    found, root = None, _root(fmt)
    if rev is None:
        from . import checked, uptodate

        found = uptodate.fingerprint(root)
        kept = checked.status_reported(root, found)
        if kept is not None:
            for problem in kept.said:
                err.print(problem.as_text(), markup=False)
            return kept
    from . import report
    from .attribution import without_history
    from .sources import JournaledTree
    from .status_rows import StatusReport

    loaded, history = _attributed(rev, fmt, journal=found is not None, root=root)
    made = StatusReport(report.section_status(loaded, history), report.members_annex(loaded),
                        [d for d in loaded.diagnostics if without_history(d)], report.left_out(loaded))
    if found is not None and loaded.project is not None and isinstance(loaded.source, JournaledTree):
        from . import checked

        dictionary = loaded.project.config.checks.dictionary_at(loaded.root) or ""
        checked.keep_status(loaded.root, found, made, loaded.source.answers, dictionary)
    return made


@app.command(short_help="Per organisation: sections, commits, share of the lines.")
def contributors(
    fmt: TableFormat = "text",
    rev: Revision = None,
) -> None:
    """Per organisation: sections led and contributed to, commits, and share of the current lines."""
    from . import report

    loaded, history = _attributed(rev, fmt)
    rows = report.organisations(loaded, history)
    unmapped = report.unmapped_row(history)  # the lines the organisations' shares leave out (COE203 names whose)
    if fmt == "json":
        print(to_json([row.as_dict() for row in rows] + ([unmapped] if unmapped else [])))
        _left_out(report.left_out(loaded))
        return
    cells = [[(row.short, ""), (str(len(row.led)), ""), (str(len(row.contributed)), ""), (str(row.commits), ""),
              (str(row.lines), ""), (f"{row.share:.1%}", "")] for row in rows]
    lines, share = report.unmapped_lines(history)
    if lines:
        cells.append([(report.UNMAPPED, "yellow"), *[("", "")] * 3, (str(lines), ""), (f"{share:.1%}", "")])
    _print_table("Contributors", ["organisation", "led>", "contributed>", "commits>", "lines>", "share>"], cells)
    _left_out(report.left_out(loaded))
