"""The `coe-paper` command line: parses arguments, prints results, maps them to exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from . import pipeline
from .diagnostics import FORMATS, Diagnostic, format_diagnostics, has_errors, summary
from .project import ProjectNotFound, find_root

app = typer.Typer(
    name="coe-paper", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="Validate and assemble the Cities of Equality Partnership's Orientation Paper.",
)  # fmt: skip
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class State:
    project: Path | None = None


def _root() -> Path:
    try:
        return find_root(State.project or Path.cwd())
    except ProjectNotFound as exc:
        err.print(f"coe-paper: {exc}")
        raise typer.Exit(2) from None


def _check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}")
    return fmt


def _report(diagnostics: list[Diagnostic], fmt: str = "text") -> None:
    if fmt == "text":
        if diagnostics:
            err.print(format_diagnostics(diagnostics, "text"), markup=False)
        err.print(summary(diagnostics), markup=False)
    else:
        print(format_diagnostics(diagnostics, fmt))


@app.callback()
def main(
    project: Annotated[
        Path | None, typer.Option("--project", "-C", help="Project directory (default: found from here).")
    ] = None,
) -> None:
    State.project = project


@app.command()
def validate(
    fmt: Annotated[str, typer.Option("--format", "-f", callback=_check_format, help="text, json or github.")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    rev: Annotated[str | None, typer.Option("--rev", help="Validate the paper as it was at this git revision.")] = None,
) -> None:
    """Check every section, the outline and the contributors; exit 1 on errors."""
    loaded = pipeline.load(_root(), rev)
    _report(loaded.diagnostics, fmt)
    raise typer.Exit(1 if has_errors(loaded.diagnostics, strict) else 0)


@app.command()
def assemble(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Where to write the .docx.")] = None,
    rev: Annotated[str | None, typer.Option("--rev", help="Build the paper as it was at this tag or commit.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also convert to PDF with LibreOffice.")] = False,
) -> None:
    """Build the Word document from all sections."""
    result = pipeline.assemble(_root(), output, rev)
    _report(result.diagnostics)
    if result.output is None:
        err.print("coe-paper: nothing written")
        raise typer.Exit(1)
    version = result.version.label if result.version else ""
    summary_line = f"wrote {result.output} ({result.sections} sections, {result.words} words, version {version})"
    out.print(summary_line, markup=False)
    if pdf:
        raise typer.Exit(_to_pdf(result.output))


def _to_pdf(path: Path) -> int:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        err.print("coe-paper: --pdf needs LibreOffice (soffice) on the PATH")
        return 1
    proc = subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(path.parent), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    pdf = path.with_suffix(".pdf")
    if proc.returncode != 0 or not pdf.exists():
        err.print(f"coe-paper: LibreOffice could not convert {path}: {proc.stderr.strip()}", markup=False)
        return 1
    out.print(f"wrote {pdf}", markup=False)
    return 0


def run() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
