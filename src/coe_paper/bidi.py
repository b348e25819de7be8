"""Bidirectional controls left open in the paper's YAML (COE012): names, short names, titles, the cover's texts.

An embedding or override (U+202A, U+202B, U+202D, U+202E) runs until its pop (U+202C), an isolate (U+2066-U+2068)
until its pop (U+2069); one left open runs on to the end of the paragraph it is printed in. A member's short name
`"Ro\\u202eme"` reversed the rest of every byline that named it, the other organisations' names with it, in the
.docx and on the preview. Balanced controls (an Arabic or Hebrew name isolated as it should be) are the writer's
own and pass. Every string of a YAML file or a section's front matter is looked at, keys included.

In a section's text a control left open runs to the end of its own paragraph only, in Word as on the page: COE013
is a warning, at the control, for each paragraph that leaves one open: lines up to a blank one, but each heading,
list item and footnote definition on its own, and each cell of a table on its own (Word's paragraphs).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from .diagnostics import Diagnostic, error, warning
from .yamlsafe import VALUE, Located, place

_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # left-to-right and right-to-left embedding and override
_ISOLATES = "\u2066\u2067\u2068"  # left-to-right, right-to-left and first-strong isolate
_POP, _POP_ISOLATE = "\u202c", "\u2069"
_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_HINT = ("close each embedding or override with U+202C and each isolate with U+2069 in the same text, or delete "
         "the control (it is often pasted in invisibly)")  # fmt: skip


def unbalanced(text: str) -> tuple[int, str] | None:
    """(index, what is wrong) for the first control of `text` that is never closed or closes nothing, else None."""
    if _CONTROLS.search(text) is None:
        return None
    opened: list[int] = []  # indexes of the controls still open, innermost last
    for match in _CONTROLS.finditer(text):
        char, at = match.group(), match.start()
        if char in _EMBEDDINGS or char in _ISOLATES:
            opened.append(at)
            continue
        wanted = _EMBEDDINGS if char == _POP else _ISOLATES
        if opened and text[opened[-1]] in wanted:
            opened.pop()
            continue
        if char == _POP_ISOLATE and any(text[index] in _ISOLATES for index in opened):  # ends what opened inside
            return opened[-1], f"{_name(text[opened[-1]])} is never closed"
        return at, f"{_name(char)} closes nothing"
    if opened:
        return opened[0], f"{_name(text[opened[0]])} is never closed"
    return None


def _name(char: str) -> str:
    return f"U+{ord(char):04X} ({unicodedata.name(char).lower()})"


def strings(data: object, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Every string of parsed YAML with its key path; a mapping's key with VALUE left off (its own position)."""
    stack: list[tuple[tuple[str | int, ...], object]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield (*where, VALUE), value
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    yield (*where, key), key
                stack.append(((*where, str(key)), item))
        elif isinstance(value, list):
            stack.extend(((*where, index), item) for index, item in enumerate(value))


def open_controls(located: Located, path: str, line_offset: int = 0) -> list[Diagnostic]:
    """COE012 for each string of `located` with a bidirectional control left open or closing nothing."""
    found: list[Diagnostic] = []
    for where, text in strings(located.data):
        problem = unbalanced(text)
        if problem is None:
            continue
        index, what = problem
        key = place(located.data, where)
        line, column = located.where(where, line_offset)
        found.append(error(path, line, column, "COE012", f"{key}: {what} (character {index + 1}): the text after "
                           "it would be shown in another direction to the end of its paragraph", _HINT))
    return sorted(found)


def open_in_paragraphs(body: str, path: str, body_line: int) -> Iterator[Diagnostic]:
    """COE013 for each paragraph of a section's `body` (starting on 0-based file line `body_line`) with a
    bidirectional control left open or closing nothing; a paragraph as Word makes it (`_blocks`)."""
    if _CONTROLS.search(body) is None:  # the usual case: one scan of the text
        return
    for start, end in _blocks(body):
        problem = unbalanced(body[start:end])
        if problem is not None:
            index, what = problem
            at = start + index
            line = body_line + 1 + body.count("\n", 0, at)
            column = at - body.rfind("\n", 0, at)
            yield warning(path, line, column, "COE013", f"{what}: the rest of its paragraph is shown in another "
                          "direction", _HINT)  # fmt: skip


# A line that starts a block of its own though no blank line is before it: a heading, a list item, a footnote.
_BLOCK_START = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)| *(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)| *\[\^[^\]\s]+\]:")
_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_CELL_RULE = r"[ \t]*:?-+:?[ \t]*"  # a pipe table's delimiter row: rules between bars, two at least or one in bars
_DELIMITER_ROW = re.compile(rf"[ \t]*\|?{_CELL_RULE}(?:\|{_CELL_RULE})+\|?[ \t]*|[ \t]*\|{_CELL_RULE}\|[ \t]*")
_BAR = re.compile(r"(?<!\\)\|")  # a table's cell border (an escaped \| is the cell's text)


def _blocks(body: str) -> Iterator[tuple[int, int]]:
    """(start, end) in `body` of each paragraph Word makes of it: lines up to a blank one, each heading, list item
    and footnote definition on its own, and each cell of a pipe table on its own."""
    lines: list[tuple[int, int]] = []  # (start, end) of the lines of the paragraph being read
    offset = 0
    for text in [*body.split("\n"), ""]:
        if text.strip():
            lines.append((offset, offset + len(text)))
        elif lines:
            yield from _split(body, lines)
            lines = []
        offset += len(text) + 1


def _split(body: str, lines: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """The blocks of the lines of one paragraph (no blank line among them)."""
    if any(_DELIMITER_ROW.fullmatch(body, start, end) for start, end in lines):
        for start, end in lines:  # a pipe table: each cell is a paragraph of its own in Word
            if not _DELIMITER_ROW.fullmatch(body, start, end):
                bars = [match.start() for match in _BAR.finditer(body, start, end)]
                yield from zip([start, *(bar + 1 for bar in bars)], [*bars, end], strict=True)
        return
    block_start = lines[0][0]
    after_heading = _HEADING.match(body, block_start) is not None  # a heading is one line (ATX)
    for start, _ in lines[1:]:
        if after_heading or _BLOCK_START.match(body, start):
            yield block_start, start - 1
            block_start = start
        after_heading = _HEADING.match(body, start) is not None
    yield block_start, lines[-1][1]
