"""The hidden source bookmarks that tie the Word document to the sources: `_Coe{section}_{line}` on every block
(the section's index in the paper's order and the 1-based line of its file), written by the renderer and read back
by `comments`, `apply` and `import`. A fragment rendered ahead of its place (fragments.py) carries the section
index -1 until it is placed."""

from __future__ import annotations

import re

PREFIX = "_Coe"
PLACEHOLDER = -1  # the section index of a fragment that is not placed yet
_MARK = re.compile(r"^_Coe(\d+)_(\d+)$")


def source_mark(section: int, line: int) -> str:
    """The bookmark name for `line` of the section at `section` in the paper."""
    return f"{PREFIX}{section}_{line}"


def section_prefix(section: int) -> str:
    """What every source bookmark of the section at `section` starts with."""
    return f"{PREFIX}{section}_"


def parse(name: str) -> tuple[int, int] | None:
    """(section index, line) of a source bookmark's name, or None for another bookmark."""
    match = _MARK.match(name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def is_source_mark(name: str) -> bool:
    return name.startswith(PREFIX)


def placed(name: str, section: int | None) -> str:
    """A fragment's bookmark name once its section is at `section` (other names are kept)."""
    prefix = section_prefix(PLACEHOLDER)
    if section is not None and name.startswith(prefix):
        return section_prefix(section) + name[len(prefix) :]
    return name
