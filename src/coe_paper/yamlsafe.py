"""YAML parsed safely and within bounds, keeping the line and column of every key.

The node graph PyYAML composes is inspected before anything is built from it: aliases may not expand to more than
`limits.yaml_values` values (an alias bomb of nine nested anchors expands to 387 million), may not refer to the
collection they sit in, collections may not nest deeper than `limits.yaml_depth`, integers may not have more than
`limits.yaml_digits` digits, and a key may appear only once in a mapping (YAML forbids duplicates; PyYAML would
silently keep the last). Every problem is a diagnostic with file and line (COE001, COE009, COE010).

This module holds what the rest of coe-paper keeps of a YAML file (`Located`); the parsing is in yamlparse.py,
loaded with PyYAML only when a file is parsed (a build whose YAML is all in the section cache parses none).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .diagnostics import Diagnostic

#: Last element of a mark path that gives the position of a key's value rather than of the key.
VALUE = "<value>"

Marks = dict[tuple[str | int, ...], tuple[int, int]]


class Located:
    """YAML data together with the 1-based (line, column) of each key path inside it. The positions are found from
    `text` when first asked for, unless given: only a diagnostic needs them, and a contributors.yaml of 12,500
    organisations has 175,000 (a second to find, store and read back on every validate)."""

    def __init__(self, data: Any, marks: Marks | None = None, text: str = "") -> None:
        self.data = data
        self._marks = marks
        self._text = text

    @property
    def marks(self) -> Marks:
        if self._marks is None:
            from .yamlparse import marks_of

            self._marks = marks_of(self._text)
        return self._marks

    def where(self, loc: tuple[str | int, ...], line_offset: int = 0) -> tuple[int, int]:
        """Position of the longest known prefix of `loc`."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark:
                return mark[0] + line_offset, mark[1]
        return 1 + line_offset, 1


_PLAIN_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")  # an id as the schema has it: printed as it is


def place(data: object, loc: tuple[str | int, ...]) -> str:
    """`loc` named for the person who wrote the file: keys joined by dots, an item of a list by its id when it has
    one (`organisations (id 'rome').short`), else by its place counted from 1 (`people (item 1).name`); the
    top level as "(top level)". A character that is not printable (a bidirectional control in a key) is shown as
    its code, so that the message reads as written."""
    named: list[str] = []
    for step in loc:
        if step == VALUE:
            continue
        if isinstance(step, int) and isinstance(data, list) and named:
            item = data[step] if 0 <= step < len(data) else None
            ident = item.get("id") if isinstance(item, dict) else None
            plain = isinstance(ident, str) and _PLAIN_ID.fullmatch(ident) is not None
            named[-1] += f" (id '{ident}')" if plain else f" (item {step + 1})"
            data = item
            continue
        data = data.get(step) if isinstance(data, dict) else None
        named.append("".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in str(step)))
    return ".".join(named) or "(top level)"


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, list[Diagnostic]]:
    """Parse YAML safely and within limits, keeping positions; syntax errors are COE001."""
    from .yamlparse import parse

    return parse(text, path, line_offset)
