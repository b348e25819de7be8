"""The section's title as the editorial rules see it: a heading of the paper, written in the front matter on one
line or several, plain, in quotation marks or as a block scalar (`>-`, `|`). Its words are found where YAML reads
them, and a fix to them is kept only when YAML reads the fixed front matter as the fixed title, every other key as
it was: `Yes.` without its full stop is a yes/no value, no title; a quotation mark would close the quoted title.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from ..diagnostics import Fix
from ..yamlsafe import load_yaml
from .text import MASK, Block, Prose, mask

#: A stretch of the title on one line of the front matter: (index in `["---", *front lines]`, start, end).
Segment = tuple[int, int, int]


def read_title(path: str, front: str, title: str) -> Prose | None:
    """The section's title (a heading of the paper) as prose on its lines of the front matter, which starts on the
    file's line 2; None when its lines do not hold the title as it stands (an escape in quotation marks, a blank line
    in a block scalar): it is then not checked, rather than checked at the wrong places."""
    segments = _segments(front, title)
    if segments is None:
        return None
    lines = ["---", *front.split("\n")]
    masked: dict[int, str] = {}
    for index, start, end in segments:
        line = lines[index]
        indent = "".join(char if char in " \t" else MASK for char in line[:start])  # a blank joins wrapped lines
        masked[index] = indent + mask(line[start:end]) + MASK * (len(line) - end)
    block = Block(segments[0][0], segments[-1][0] + 1, "heading")
    kinds = dict.fromkeys(masked, "heading")
    return Prose(path, 0, lines, masked, kinds, [block], [], refuses=_refusal(front, title, segments))


def _segments(front: str, title: str) -> list[Segment] | None:
    """Where the title's words are, line by line; None when they do not join into the title as YAML reads it."""
    node = _title_node(front)
    if node is None:
        return None
    lines = front.split("\n")
    first, last = node.start_mark, node.end_mark
    style = node.style or ""
    if style in ("|", ">"):  # the indicator's line holds no words; the content ends where the next key starts
        rows = range(first.line + 1, last.line + (1 if last.column else 0))
        found = [(row, len(lines[row]) - len(lines[row].lstrip(" ")), len(lines[row])) for row in rows]
    else:
        quote = 1 if style in ("'", '"') else 0
        found = []
        for row in range(first.line, last.line + 1):
            text = lines[row]
            start = first.column + quote if row == first.line else len(text) - len(text.lstrip(" \t"))
            end = last.column - quote if row == last.line else len(text.rstrip(" \t"))
            found.append((row, start, end))
    segments = [(row + 1, start, end) for row, start, end in found]  # the front matter's lines follow the '---'
    words = [lines[index - 1][start:end] for index, start, end in segments]
    joined = ("\n" if style == "|" else " ").join(words)
    if not segments or any(not word for word in words) or joined != title.rstrip("\n"):
        return None
    return segments


def _title_node(front: str) -> yaml.ScalarNode | None:
    try:
        root = yaml.compose(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's, when there
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "title" and isinstance(value, yaml.ScalarNode):
            return value
    return None


def _refusal(front: str, title: str, segments: list[Segment]) -> Callable[[Fix], str]:
    """Why a fix may not be written into the title ("" when it may): it must leave the front matter reading as it
    did, but for the fixed words of the title."""
    read: list[Any] = []  # the front matter as YAML reads it, once a fix asks
    offsets, offset = {}, 0
    for index, start, end in segments:
        offsets[index] = (start, end, offset)
        offset += end - start + 1

    def refuses(fix: Fix) -> str:
        if not read:
            read.append(load_yaml(front, "")[0])
        before = read[0]
        start, end, offset = offsets.get(fix.line - 1, (0, -1, 0))
        if before is None or not start <= fix.column - 1 <= fix.end - 1 <= end:
            return "in the front matter: fix it by hand"
        at = offset + fix.column - 1 - start
        wanted = title[:at] + fix.replacement + title[at + fix.end - fix.column :]
        lines = front.split("\n")
        line = lines[fix.line - 2]
        lines[fix.line - 2] = line[: fix.column - 1] + fix.replacement + line[fix.end - 1 :]
        after, problems = load_yaml("\n".join(lines), "")
        if after is None or problems or after.data != {**before.data, "title": wanted}:
            return "in the front matter, YAML would not read the fixed title as these words: fix it by hand"
        return ""

    return refuses
