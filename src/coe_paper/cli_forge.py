"""The `coe-paper` commands for a paper on its forge: `init`, `schema`, `preview` and `serve`. Registered on the app
of cli.py, whose helpers they share."""


import shlex
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from .cli import State, _root, app, err, out
from .cli_options import check_folder_name
from .diagnostics import count, format_diagnostics, summary

# -- init, schema, preview, serve (a paper on its forge: scaffold.py, forge.py, schema.py, site.py, serve.py) ------


def _folder_named(value: str) -> str:
    """`init ""` (a variable that is not set) names no folder: not the current one, which `Path("")` is."""
    if not value.strip():
        raise typer.BadParameter("an empty folder name: name the folder, or leave DIR out for this one")
    return value


@app.command(short_help="Create a new paper project.")
def init(
    folder: Annotated[str, typer.Argument(metavar="DIR", show_default=False, callback=_folder_named,
                      help="Where to create the paper project (default: this folder).")] = ".",
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="The partnership's name.")]
    = "Urban Agenda Partnership",
    forge: Annotated[str, typer.Option("--forge", metavar="gitlab|github", help="Whose CI file to write.")]
    = "gitlab",
    install: Annotated[str | None, typer.Option(
        "--install", metavar="REQUIREMENT", show_default=False,
        help="What CI installs with pip (default: this coe-paper, from the git repository or package index it came "
             "from).")] = None,
) -> None:
    """Create a new paper project that validates and assembles at once."""
    from . import scaffold

    directory = Path(folder)

    try:
        created = scaffold.init(directory, name, forge, install)
    except scaffold.InitError as exc:
        err.print(f"coe-paper: {exc}", markup=False)
        raise typer.Exit(2) from None
    for path in created.files:
        out.print(f"wrote {directory / path}", markup=False)
    for path in created.kept:
        err.print(f"kept {directory / path} (it exists)", markup=False)
    for path in created.extended:
        err.print(scaffold.EXTENDED[path].format(directory / path), markup=False)
    for note in created.notes:
        err.print(f"note: {note}", markup=False)
    if created.unread:
        folder = shlex.quote(created.folder)
        err.print(f"note: the paper is in the folder {folder} of the git repository {created.repository}, whose "
                  f"forge and pre-commit read {' and '.join(created.unread)} at its top only: to use them, move "
                  f"them there, run their coe-paper commands with --project {folder} and put {folder}/ before the "
                  f"paths they name", markup=False)
    place = str(directory) if directory.is_absolute() or not str(directory).startswith("-") else f"./{directory}"
    here = directory.resolve() == Path.cwd().resolve()
    if created.errors:  # files that were there already: named from where init was run
        shown = created.errors if here else [replace(d, path=(directory / d.path).as_posix()) for d in created.errors]
        err.print(format_diagnostics(shown, "text"), markup=False)
        err.print(f"coe-paper: {count(len(created.errors), 'error')}: the project does not validate until the files "
                  f"that were in {place} already are corrected (init changed none of them)", markup=False)
    enter = "" if here else f"cd {shlex.quote(place)} && "  # for a shell
    err.print(f"next: {enter}{created.commit_command()} && coe-paper assemble", markup=False)
    if created.errors:
        raise typer.Exit(1)


def _project() -> Path | None:
    """The project's folder, or None outside one (`schema -o DIR` needs none)."""
    from .sources import ProjectNotFound, find_root

    try:
        return find_root(State.project or Path.cwd())
    except ProjectNotFound:
        return None


@app.command(short_help="Write JSON Schemas for the paper's YAML files.")
def schema(
    named: Annotated[str | None, typer.Option("--output", "-o", metavar="DIR", callback=check_folder_name,
                                              help="Where to write the schemas (default: schemas/).")] = None,
) -> None:
    """Write JSON Schemas for paper.yaml, contributors.yaml and section front matter (for YAML editors)."""
    from . import schema as schemas

    output = Path(named) if named is not None else None

    root = _root() if output is None else _project()
    target = output if output is not None else _root() / schemas.SCHEMA_DIR
    refused = schemas.refusal(root, target, output is not None)
    if refused is not None:
        err.print(format_diagnostics([refused], "text"), markup=False)
        raise typer.Exit(1)
    try:
        written = schemas.write(target)
    except OSError as exc:  # permissions, a full disk (what is no folder is refused above)
        err.print(f"coe-paper: cannot write the schemas to {target}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(1) from None
    for path in written:
        out.print(f"wrote {path}", markup=False)


@app.command(short_help="Build the paper as a static site with a status board.")
def preview(
    named: Annotated[str | None, typer.Option("--output", "-o", metavar="DIR", callback=check_folder_name,
                                              help="Where to write the site (default: build/site).")] = None,
) -> None:
    """Build the paper as a static site with a status board (no request leaves the machine)."""
    from . import site

    output = Path(named) if named is not None else None

    built = site.build(_root(), output)
    if built.diagnostics:
        err.print(format_diagnostics(built.diagnostics, "text"), markup=False)
    if built.page is None:
        err.print("coe-paper: nothing written", markup=False)
        raise typer.Exit(1)
    out.print(f"wrote {built.page} ({count(built.sections, 'section')}, {count(len(built.files), 'download')}, "
              f"{built.seconds:.2f} s)", markup=False)


def _address(value: str) -> str:
    """An empty address would have the socket listen on every interface: only a named one may."""
    if not value.strip():
        raise typer.BadParameter("an empty address: name one (127.0.0.1, or 0.0.0.0 for every interface)")
    return value


@app.command(short_help="Preview the paper in a browser, rebuilt on every change.")
def serve(
    port: Annotated[int, typer.Option("--port", "-p", metavar="N", min=0, max=65535, help="Port to listen on.")]
    = 8000,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", callback=_address, help="Address to bind to.")]
    = "127.0.0.1",
    named: Annotated[str | None, typer.Option("--output", "-o", metavar="DIR", callback=check_folder_name,
                                              help="Where to write the site (default: build/site).")] = None,
) -> None:
    """Preview the paper in a browser; rebuild when a file changes and reload the page."""
    from .serve import PreviewServer, Rebuilt
    from .site import refusal

    output = Path(named) if named is not None else None

    def report(rebuilt: Rebuilt) -> None:
        if rebuilt.same:  # nothing to see, nothing said: a log of serve's kept in the project stays quiet
            return
        problems = summary(rebuilt.built.diagnostics)
        what = ", ".join(rebuilt.changed) or "start"
        err.print(f"built in {rebuilt.built.seconds:.2f} s ({what}): {problems}", markup=False)

    refused = refusal(_root(), output)
    if refused is not None:  # serving it would show that folder's own files, or write out of the project
        err.print(refused.as_text(), markup=False)
        raise typer.Exit(1)
    try:
        server = PreviewServer(_root(), output, host, port, report, resident=True)
    except OSError as exc:
        where = f"[{host.strip('[]')}]" if ":" in host else host
        err.print(f"coe-paper: cannot listen on {where}:{port}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(2) from None
    server.start()
    out.print(f"serving {server.url} (Ctrl-C to stop); assemble, validate and status start warm meanwhile",
              markup=False)
    try:
        server.wait()
    finally:
        server.stop()
