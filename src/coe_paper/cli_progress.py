"""Progress on a terminal for work that takes a while (a cold check, attribution, the layout pass): the core names
each slow stage as it starts, and a spinner on standard error shows it; nothing is shown when standard error is not a
terminal or JSON is asked for."""

from __future__ import annotations

import sys
from typing import Any


class Steps:
    """The stages' spinner on `console` (rich's, for standard error); quiet with `quiet` or away from a terminal."""

    def __init__(self, console: Any, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet or not sys.stderr.isatty()
        self.status: Any = None

    def __call__(self, text: str) -> None:
        if self.quiet:
            return
        if self.status is None:
            self.status = self.console.status(f"{text}…")
            self.status.start()
        else:
            self.status.update(f"{text}…")

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.stop()
