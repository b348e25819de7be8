"""A command that is refused, as a script reading its output meets it: with `--format json` (or github, gitlab)
standard output holds one error in that format, the message stays on standard error, and the exit code is the
same. `Group` is the click group the app is built as: it does this for the usage errors click finds (an option's
value a check refuses, an unknown option, a missing one), which end the command before it runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from typer import BadParameter, Context
from typer.core import TyperGroup

from .diagnostics import FORMATS, error, format_diagnostics

#: click's UsageError, every mistake in a command line that ends it (exit 2) before it runs: typer (which vendors
#: click from 0.26 in a private package) exports only its subclass BadParameter, whose base it is in every version.
UsageError: type[Exception] = BadParameter.__mro__[1]


def print_failure(message: str, fmt: str, path: str = ".", rule: str = "COE003") -> None:
    """On stdout, in a format for programs (json, github, gitlab), `message` as one `rule` error about `path` (for
    json the list `validate --format json` prints); nothing in text or a format that is no report."""
    if fmt in FORMATS and fmt != "text":
        print(format_diagnostics([error(path, 0, 0, rule, message)], fmt), flush=True)


class Group(TyperGroup):
    """The app's group: a usage error of the app's own options or of a command's is also printed in the format the
    command line asks for, before click says it on stderr and exits 2."""

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as exc:
            if not extra.get("resilient_parsing"):
                self._failed(exc, self._command_args(info_name, args))
            raise

    def invoke(self, ctx: Any) -> Any:
        args = [*ctx._protected_args, *ctx.args]
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            self._failed(exc, args)
            raise

    def _command_args(self, info_name: str | None, args: Sequence[str]) -> list[str]:
        """The command's name and its arguments in `args`, after the app's own options, as far as they can be told."""
        try:
            ctx = super().make_context(info_name, list(args), resilient_parsing=True, ignore_unknown_options=True)
        except UsageError:
            return []
        return [*ctx._protected_args, *ctx.args]

    def _failed(self, exc: Exception, args: Sequence[str]) -> None:
        message = getattr(exc, "format_message", None)  # click's words for it ("Invalid value: ...")
        print_failure(str(message()) if callable(message) else str(exc), self._format(args))

    def _format(self, args: Sequence[str]) -> str:
        """The `--format` a command line asks for, read past the errors in it; "text" when it names none."""
        if not args:
            return "text"
        parent = Context(self, resilient_parsing=True)
        command = self.get_command(parent, args[0])
        if command is None:
            return "text"
        try:
            ctx = command.make_context(args[0], list(args[1:]), parent=parent, resilient_parsing=True,
                                       ignore_unknown_options=True)
        except UsageError:
            return "text"
        fmt = ctx.params.get("fmt")
        return fmt if isinstance(fmt, str) else "text"
