"""The checks of the command line's option values that typer does not make: formats, revisions, and `-o` naming
the file a command writes. Each is a typer callback: a value it refuses is a usage error (exit 2)."""


import os
from pathlib import Path

import typer

from .diagnostics import FORMATS


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"choose one of {', '.join(FORMATS)}")
    return fmt


def check_table_format(fmt: str) -> str:
    if fmt not in ("text", "json"):
        raise typer.BadParameter("choose text or json")
    return fmt


def check_revision(value: str | None) -> str | None:
    """A `--rev` or `--compare` given as nothing (a CI variable that is not set) is refused, not taken as none; one
    that starts with '-' too: no revision does, and git would read it as an option (`--output=FILE` wrote a file)."""
    if value is not None and not value.strip():
        raise typer.BadParameter("an empty revision: name a tag, branch or commit")
    if value is not None and value.lstrip().startswith("-"):
        raise typer.BadParameter(f"'{value}' is no revision (none starts with '-'): name a tag, branch or commit")
    return value


def check_project(value: str | None) -> Path | None:
    """`--project` must name something that exists: the project was looked for above a folder that does not
    (`--project ../paperr` found the project of the folder above instead, or said no paper.yaml was found); an empty
    one (a variable that is not set) names none, not the current folder, which is what `Path("")` is."""
    if value == "":
        raise typer.BadParameter("an empty folder name: name the project's folder, or leave --project out")
    if value is not None and not os.path.lexists(value):
        raise typer.BadParameter(f"'{value}': no such folder")
    return Path(value) if value is not None else None


def check_folder_name(value: str | None) -> str | None:
    """The `-o` of a command that writes a folder (`schema`, `preview`, `serve`), as typed: an empty one (a variable
    that is not set) names none, and is refused, not taken as the current folder, which is what `Path("")` is
    (`schema -o ""` wrote the schemas there)."""
    if value is not None and not value.strip():
        raise typer.BadParameter("an empty folder name: name the folder to write, or leave -o out")
    return value


def check_file_name(ctx: typer.Context, value: str | None) -> str | None:
    """The `-o` of a command that writes one file, as typed: a folder, or a name that ends in one ('out/', 'out/.',
    '' for the current folder) is a usage error, before any work (typer's Path cut 'out/' to 'out', and a file of
    that name was written)."""
    if value is None:
        return None
    from .safepaths import names_folder  # imported here: it loads the model, which `--version` does not need

    if names_folder(value, Path(value)):
        example = os.path.join(os.path.normpath(value), "NN-id.md" if ctx.info_name == "import" else "paper.docx")
        link = f" (a link to {os.readlink(value)})" if os.path.islink(value) else ""
        raise typer.BadParameter(f"'{value}' names a folder{link}: name the file to write, e.g. {example}")
    return value

