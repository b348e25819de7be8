"""The `coe-paper` command line: parses arguments, prints results, maps them to exit codes.

The modules that define commands and their options' callbacks (cli*.py) do not postpone their annotations (no
`from __future__ import annotations`): typer reads every command's annotations to build the command line, and
strings it must compile and evaluate, twice, which took 20 ms of each `--help`."""


import codecs
import contextlib
import errno
import gc
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from . import __version__
from .cli_options import check_file_name, check_format, check_project, check_revision
from .cli_progress import Steps
from .cli_usage import Group, print_failure
from .diagnostics import Diagnostic, count, format_diagnostics, has_errors, summary
from .resident import GC_THRESHOLDS

if TYPE_CHECKING:  # the commands import what they use: `--help` and `--version` load none of it
    from rich.console import Console

SETTINGS: dict[str, Any] = dict(
    name="coe-paper", cls=Group, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no <bool> or <str> type columns
    help="Validate and assemble the Cities of Equality Partnership's Orientation Paper.",
)
app = typer.Typer(**SETTINGS)
#: What a write to standard output ends with when it cannot be written, other than a closed pipe: a full disk or
#: quota, the file size limit, a failing device.
OUTPUT_FAILURES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


class _LazyConsole:
    """A rich Console made on first use: rich takes a while to import, and `--help` never prints through it."""

    def __init__(self, stderr: bool) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=self._stderr, highlight=False, soft_wrap=True)
        return getattr(self._console, name)

    def print(self, *objects: Any, **options: Any) -> None:
        """Plain lines (`markup=False` and nothing else) are written as they are, without loading rich; the control
        characters rich drops (bell, backspace, vertical tab, form feed, carriage return) are dropped here too."""
        if options == {"markup": False} and all(isinstance(o, str) for o in objects):
            stream = sys.stderr if self._stderr else sys.stdout
            stream.write(" ".join(objects).translate(_CONTROL_STRIP) + "\n")
            stream.flush()
            return
        self.__getattr__("print")(*objects, **options)


_CONTROL_STRIP = dict.fromkeys((7, 8, 11, 12, 13))  # as rich.control.strip_control_codes


out = cast("Console", _LazyConsole(stderr=False))
err = cast("Console", _LazyConsole(stderr=True))


class State:
    project: Path | None = None


def _root(fmt: str = "text") -> Path:
    from .sources import ProjectNotFound, find_root

    try:
        return find_root(State.project or Path.cwd())
    except ProjectNotFound as exc:
        fail(str(exc), fmt, code=2)


def fail(message: str, fmt: str, path: str = ".", code: int = 1, rule: str = "COE003") -> NoReturn:
    """End a command that could not do its work: `message` on stderr and, when a format for programs was asked
    (json, github, gitlab), also on stdout as one `rule` error about `path` in that format (for json the list
    `validate --format json` prints), so that a script reading stdout reads what it expects."""
    err.print(f"coe-paper: {message}", markup=False)
    print_failure(message, fmt, path, rule)
    raise typer.Exit(code)


def _report(diagnostics: list[Diagnostic], fmt: str = "text", root: Path | None = None) -> None:
    if fmt == "text":
        if diagnostics:
            err.print(format_diagnostics(diagnostics, "text"), markup=False)
        err.print(summary(diagnostics), markup=False)
    else:
        prefix = _in_repository(root) if root is not None and fmt in ("github", "gitlab") else ""
        print(format_diagnostics(diagnostics, fmt, prefix))


def _in_repository(root: Path) -> str:
    """The project's folder in its git repository ("docs/"), "" at its top or outside git: the forges' annotations
    name files by their path in the repository."""
    from . import gitrun

    return gitrun.answers(gitrun.start(root, [["rev-parse", "--show-prefix"]]))[0] or ""


def _version(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:  # not when a usage error's command line is read again for its --format
        out.print(f"coe-paper {__version__}", markup=False)  # pyproject.toml takes it from there too
        raise typer.Exit(0)


@app.callback()
def main(
    project: Annotated[  # a string: typer's Path would make '' the current folder before the check sees it
        str | None, typer.Option("--project", "-C", metavar="DIR", callback=check_project,
                                 help="Project folder (default: found from here).")
    ] = None,
    show_version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                               help="Print the version and exit.")] = False,
) -> None:
    State.project = Path(project) if project is not None else None


@app.command(short_help="Check the sections, outline, contributors and style.")
def validate(
    fmt: Annotated[str, typer.Option("--format", "-f", callback=check_format, metavar="FORMAT",
                                     help="text, json, github (annotations) or gitlab (Code Quality report).")]
    = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    rev: Annotated[str | None, typer.Option("--rev", metavar="REV", callback=check_revision,
                                            help="Validate the paper as it was at this git revision.")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes to the section files.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show the fixes as a diff; alone, writes nothing.")] = False,
    statistics: Annotated[bool, typer.Option("--statistics", help="Count the findings per code.")] = False,
) -> None:
    """Check every section, the outline, the contributors and the editorial rules; exit 1 on errors."""
    if fmt != "text" and (diff or (statistics and fmt != "json")):  # either would be printed into the report
        fail(f"{'--diff prints a diff' if diff else '--statistics prints counts'}, not a report in --format {fmt}: "
             "run it without --format" + ("" if diff else " or with --format json"), fmt, code=2)
    root = _root(fmt)
    if (fix or diff) and rev is not None:
        fail("--fix and --diff fix the work tree (--diff shows what --fix would write there); they cannot be used "
             "with --rev", fmt, code=2)
    found = kept = None
    if rev is None and not (fix or diff):  # the last check's record, read without loading the paper (checked.py)
        from . import checked, uptodate

        found = uptodate.fingerprint(root)
        kept = checked.reported(root, found)
    diagnostics = kept if kept is not None else _check(root, rev, fix, diff, fmt, found)
    if statistics:
        from .rules.summary import format_statistics
        from .rules.summary import statistics as count_findings

        table = format_statistics(count_findings(diagnostics), "json" if fmt == "json" else "text")
        print(table, end="\n" if table else "")  # nothing found: no rows, not an empty line
    else:
        _report(diagnostics, fmt, root)
    fixable = sum(d.fix is not None for d in diagnostics)
    if fixable and not fix and fmt == "text":
        err.print(f"{fixable} fixable with `coe-paper validate --fix` (see them with --diff)", markup=False)
    raise typer.Exit(1 if has_errors(diagnostics, strict) else 0)


def _check(root: Path, rev: str | None, fix: bool, diff: bool, fmt: str, found: dict[str, str] | None
           ) -> list[Diagnostic]:
    """`validate`'s check of the paper, its fixes written or shown; with `found` (the fingerprint before it), what it
    reported is kept for the next run to find unchanged (checked.py)."""
    from . import pipeline
    from .sources import JournaledTree

    with Steps(err, quiet=fmt != "text") as step:
        loaded = pipeline.check(root, rev, step, journal=found is not None)  # load, then attribution (COE203, 204)
    if found is not None and loaded.project is not None and isinstance(loaded.source, JournaledTree):
        from . import checked

        dictionary = loaded.project.config.checks.dictionary_at(root) or ""
        checked.keep(root, found, loaded.diagnostics, loaded.source.answers, dictionary)
    changes = []
    if fix or diff:
        from .rules import fix as fixes  # (difflib) only for the commands that change or show fixes

        linked = frozenset(link.name for item in loaded.parsed for link in item.facts.links)
        changes = fixes.plan(root, loaded.diagnostics, linked)
    for change in changes:
        for d, why in change.withheld:
            err.print(f"{d.path}:{d.line}:{d.column}: {d.code} not fixed: {why}", markup=False)
    if diff:
        print(fixes.unified_diff(changes), end="")
    unwritten: list[Diagnostic] = []
    if fix:
        written, unwritten = fixes.write(root, changes)
        err.print(f"fixed {count(fixes.fixed_count(written), 'finding')} in {count(len(written), 'file')}",
                  markup=False)
        loaded = pipeline.check(root, rev)  # what is left
    return [*loaded.diagnostics, *unwritten]


@app.command()
def assemble(
    name: Annotated[str | None, typer.Option("--output", "-o", metavar="PATH", callback=check_file_name,
                                             help="Where to write the .docx (a file, not a folder).")] = None,
    rev: Annotated[str | None, typer.Option("--rev", metavar="REV", callback=check_revision,
                                            help="Build the paper as it was at this tag or commit.")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Also write a tagged PDF (PDF/UA) with LibreOffice.")] = False,
    no_layout: Annotated[bool, typer.Option("--no-layout",
                         help="Skip the LibreOffice layout pass that puts page numbers in the contents.")] = False,
    compare: Annotated[str | None, typer.Option("--compare", metavar="REV", callback=check_revision,
                       help="Show every change since this tag or commit as Word tracked changes.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Build even when nothing has changed since the last build.")]
    = False,
) -> None:
    """Build the Word document from all sections."""
    output = Path(name) if name is not None else None
    if compare is not None and rev is not None:
        err.print("coe-paper: --compare shows changes up to the current work tree; it cannot be used with --rev")
        raise typer.Exit(2)
    root = _root()
    fingerprint = None
    if rev is None and compare is None:  # the last build's record, read without loading the build's modules
        from . import uptodate

        fingerprint = uptodate.fingerprint(root)
        seen = None if force else uptodate.check(root, fingerprint, output, not no_layout)
        if seen is not None:
            _report(seen.diagnostics)
            shown = output if output is not None else seen.output  # as the build's "wrote" names it
            out.print(f"{shown} is up to date ({count(seen.sections, 'section')}, {count(seen.words, 'word')}, version "
                      f"{seen.version}): nothing changed since it was built", markup=False)
            raise typer.Exit(_to_pdf(seen.output) if pdf else 0)
    from . import pipeline

    with Steps(err) as step:
        if compare:
            from . import comparison  # only a comparison loads it (and redline.py)

            result = comparison.compare(root, compare, output, paginate=not no_layout, step=step)
        else:
            result = pipeline.assemble(root, output, rev, paginate=not no_layout, step=step, fingerprint=fingerprint)
    _report(result.diagnostics)
    if result.output is None:
        err.print("coe-paper: nothing written")
        raise typer.Exit(1)
    version = result.version.label if result.version else ""
    summary_line = (f"wrote {result.output} ({count(result.sections, 'section')}, {count(result.words, 'word')}, "
                    f"version {version})")
    if compare:
        changes = result.revisions
        summary_line += (f": {count(changes.get('ins', 0), 'insertion')} and {count(changes.get('del', 0), 'deletion')}"
                         f" since {compare}, as tracked changes")
    out.print(summary_line, markup=False)
    if result.layout is not None and result.layout.note:
        err.print(f"coe-paper: note: {result.layout.note}", markup=False)
    if pdf or (result.layout is not None and not result.layout.cached and not result.layout.note):  # LibreOffice ran
        from .fonts import font_note

        fonts = font_note(result.output)
        if fonts:
            err.print(f"coe-paper: note: {fonts}", markup=False)
    if pdf:
        raise typer.Exit(_to_pdf(result.output))


def _to_pdf(path: Path) -> int:
    from . import layout

    pdf, problem = layout.export_pdf(path)
    if pdf is None:
        err.print(f"coe-paper: --pdf: {problem}", markup=False)
        return 1
    out.print(f"wrote {pdf}", markup=False)
    return 0


# -- status and contributors (git attribution; data from report.py) ------------------------------------------------


def run() -> None:
    """Run the command in `sys.argv` here (resident.run, the console script, may run it in a warm process)."""
    _exit(outcome())


def outcome(args: list[str] | None = None, command: Callable[..., Any] | None = None,
            program: str | None = None) -> int | str | None:
    """Run a command (`args`, else `sys.argv`) through `command` (the click command typer builds from `app`, built
    now when not given) and return its exit code, as Python's exit would take it; usage lines name the command
    `program` (default: as click works it out from how Python was started)."""
    gc.set_threshold(*GC_THRESHOLDS)
    for name in ("stdout", "stderr"):  # closed when the process started (`>&-`): Python has None there
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115  # open until the end
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if not codecs.lookup(encoding).name.startswith("utf") and isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(errors=_U_ESCAPE)  # a code page that cannot hold 'ń' or 'é': '\u0144', not a traceback
    try:
        (command or _command_for(sys.argv[1:] if args is None else args))(args=args, prog_name=program)
    except SystemExit as exc:
        if exc.code == 130:  # typer turns Ctrl-C into a silent exit 130: say why nothing happened
            err.print("coe-paper: interrupted", markup=False)
        return exc.code
    except KeyboardInterrupt:  # before typer took over (a document being written is removed by its writer)
        err.print("coe-paper: interrupted", markup=False)
        return 130
    except OSError as exc:  # click ends a closed pipe itself; files coe-paper writes are handled where written
        if exc.errno not in OUTPUT_FAILURES or exc.filename is not None:
            raise
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.write(f"coe-paper: cannot write to standard output: {exc.strerror}\n")
        return 1
    return 0


def _u_escape(exc: UnicodeError) -> tuple[str, int]:
    """An encoding error handler: what the encoding cannot hold as JSON's escapes ('\\u0144'; a character past
    U+FFFF as its two UTF-16 halves), which JSON reads back as the text and a reader of text can make out."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    units = exc.object[exc.start : exc.end].encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2)), exc.end


_U_ESCAPE = "coe-paper-u-escape"
codecs.register_error(_U_ESCAPE, _u_escape)


def _command_for(args: list[str]) -> Callable[..., Any]:
    """The click command that runs `args`: typer builds every command's options before it runs one, 7 ms of the 9
    for the others, so it is built from `app_for`'s app."""
    import typer.main

    return typer.main.get_command(app_for(args))


def app_for(args: list[str]) -> typer.Typer:
    """An app with only the command `args` name after the app's own options, when they name one; else the whole app
    (`--help`, a misspelt name and the like)."""
    index = 0
    while index < len(args) and args[index] in ("--project", "-C"):  # the only option of the app that takes a value
        index += 2
    name = args[index] if index < len(args) else "-"
    chosen = [info for info in app.registered_commands if (info.name or getattr(info.callback, "__name__", "")) == name]
    if name.startswith("-") or len(chosen) != 1:
        return app
    narrow = typer.Typer(**SETTINGS)
    narrow.registered_callback = app.registered_callback
    narrow.registered_commands = chosen
    return narrow


def _exit(code: int | str | None) -> None:
    """End the process once the command is done and its output flushed, without tearing the interpreter down:
    freeing every object of a large paper one by one took a tenth of a second after a build had finished. Every
    file coe-paper writes is complete and closed by then, and it registers nothing to run at exit."""
    os._exit(finish(code))


def finish(code: int | str | None) -> int:
    """The process's exit status for `code`, its output flushed (a message as code is printed, as Python's exit
    prints it)."""
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more can be said
            code = code or 1
    return code or 0


# The other commands register on `app` as their modules load, in the order `--help` lists them: status and
# contributors, those that read Word files, then the forge's.
from . import cli_report  # noqa: E402

# isort: split
from . import cli_word  # noqa: E402

# isort: split
from . import cli_forge  # noqa: E402

__all__ = ["app", "cli_forge", "cli_report", "cli_word", "finish", "outcome", "run"]
