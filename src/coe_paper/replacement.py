"""One change to a section file as `apply` writes it: a range of the file and the text that replaces it, who asked
for it, and the line and words it is reported with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Replacement:
    """Replace file[start:end] with text; who asked for it, and the line it is reported at."""

    start: int
    end: int
    text: str
    author: str
    line: int
    summary: str
    listed: bool = True  # False: a further line of a change that is listed once, at its first replacement
