"""A table a reviewer deleted whole in Word, every row a tracked deletion, as `apply` writes it: each row's line goes
with its row (apply.py), and with the last of them go the lines Word shows as no row of their own: the delimiter
row under the header row (`|---|---|`), the table's `Table:` caption line when its caption was deleted with it
(before or after the table, with the blank line between them), and one of the two blank lines around the table, as
for any block deleted whole."""

from __future__ import annotations

import re
from collections.abc import Container
from typing import TYPE_CHECKING

from .blanklines import one_blank_left
from .captions import TABLE_CAPTION_RE, split_id
from .mdinline import Unit
from .mdtext import quoted
from .replacement import Replacement

if TYPE_CHECKING:
    from .wordblocks import Rev

_DELIMITER_ROW = re.compile(r"[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)*[ \t]*:?-+:?[ \t]*\|?[ \t]*")  # | --- | :-: |


def table_gone(text: str, header: Unit, after: int, caption: Unit | None, gone: Container[int], rev: Rev | None
               ) -> list[Replacement]:
    """The lines of a table deleted whole besides its rows' own: `header` is its first row's first cell, `after`
    where its last row's line ends (before its line end), `caption` its `Table:` line's unit, if it has one, which
    goes when its line is among those of the captions `gone` with their tables (a caption left alone stays, with
    its blank line); `rev` the first row's deletion."""
    out: list[Replacement] = []
    author = rev.author if rev is not None else ""
    rows_end = min(after + 1, len(text))
    caption = caption if caption is not None and caption.line in gone else None
    start = text.find("\n", header.start) + 1
    end = text.find("\n", start) + 1 or len(text)
    if start and _DELIMITER_ROW.fullmatch(text[start:end].rstrip("\n")):
        out.append(Replacement(start, end, "", author, header.line + 1, "deleted the table"))
    first, last = header.start, rows_end
    if caption is not None:
        line_end = text.find("\n", caption.start) + 1 or len(text)
        words = quoted(split_id(TABLE_CAPTION_RE.sub("", caption.text))[0])
        if line_end <= first and not text[line_end:first].strip():  # above the table
            out.append(Replacement(caption.start, first, "", author, caption.line, f"deleted the caption {words}"))
            first = caption.start
        elif caption.start >= last and not text[last : caption.start].strip():  # below it
            out.append(Replacement(last, line_end, "", author, caption.line, f"deleted the caption {words}"))
            last = line_end
    start, _ = one_blank_left(text, first, last)  # a blank line before and after the table: one stays, not both
    if start < first:
        out.append(Replacement(start, first, "", author, header.line, "deleted the table", listed=False))
    return out
