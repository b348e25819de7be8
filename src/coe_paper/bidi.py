"""Bidirectional controls left open in the paper's YAML (COE012): names, short names, titles, the cover's texts;
and in a section's paragraphs (COE013).

An embedding or override (U+202A, U+202B, U+202D, U+202E) runs until its pop (U+202C), an isolate (U+2066-U+2068)
until its pop (U+2069); one left open runs on to the end of the paragraph it is printed in. A member's short name
`"Ro\\u202eme"` reversed the rest of every byline that named it, the other organisations' names with it, in the
.docx and on the preview. Balanced controls (an Arabic or Hebrew name isolated as it should be) are the writer's
own and pass. Every string of a YAML file or a section's front matter is looked at, keys included.

In a section's text a control left open runs to the end of its own paragraph only, in Word as on the page: COE013
is a warning, at the control, for each paragraph that leaves one open. The paragraphs are Word's, as the parser's
tokens give them (the renderer writes one of each): a paragraph, a heading, a table cell, each paragraph of a list
item, a quote or a footnote, a code or HTML block. A character reference to a control in the text (`&#x202E;`) is
the control there. It is one of a section's own checks (checks.section_checks), so its findings are kept in the
section cache with the others and an unchanged section is not looked at again.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, error, warning
from .structure import COMMENTS_ONLY, INLINE_HTML
from .yamlsafe import VALUE, Located, place

if TYPE_CHECKING:
    from markdown_it.token import Token

_EMBEDDINGS = "\u202a\u202b\u202d\u202e"  # left-to-right and right-to-left embedding and override
_ISOLATES = "\u2066\u2067\u2068"  # left-to-right, right-to-left and first-strong isolate
_POP, _POP_ISOLATE = "\u202c", "\u2069"
CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")  # every bidirectional control
_HINT = ("close each embedding or override with U+202C and each isolate with U+2069 in the same text, or delete "
         "the control (it is often pasted in invisibly)")


def unbalanced(text: str) -> tuple[int, str] | None:
    """(index, what is wrong) for the first control of `text` that is never closed or closes nothing, else None."""
    if CONTROLS.search(text) is None:
        return None
    opened: list[int] = []  # indexes of the controls still open, innermost last
    for match in CONTROLS.finditer(text):
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


#: An escape of double-quoted YAML that can make any character (`\u202E`, `\U0000202E`); the others make none of
#: the controls.
_YAML_ESCAPE = re.compile(r"\\[uU]")


def open_controls(located: Located, path: str, line_offset: int = 0, text: str | None = None) -> list[Diagnostic]:
    """COE012 for each string of `located` (parsed from `text`, when given) with a bidirectional control left open
    or closing nothing. A text that has no control, and no escape that could make one, is not looked through."""
    if text is not None and CONTROLS.search(text) is None and _YAML_ESCAPE.search(text) is None:
        return []
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


def open_in_paragraphs(path: str, body_line: int, body: str, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE013 for each paragraph of a section's `body` (starting on 0-based file line `body_line`, parsed into
    `tokens`) with a bidirectional control left open or closing nothing, at the control: a character, or a
    reference to one (`&#x202E;`) in the text, which the parser turns into the character. What the document does
    not show is not looked at: an HTML comment, a link's address and title, an image's."""
    if CONTROLS.search(body) is None and not any(_referred(found) for found in _REFERENCE.finditer(body)):
        return  # the usual case: one scan of the text
    lines = body.split("\n")
    cursor: dict[int, int] = {}  # where a line's text was last found (a table row's cells share their row's line)
    for token in tokens:
        first = _first_line(token)
        if first is None or (CONTROLS.search(token.content) is None and "&#" not in token.content):
            continue
        content = token.content
        found = _find(lines, first, content.split("\n", 1)[0], cursor)
        text, offsets = _shown(token)
        problem = unbalanced(text)
        if problem is None:
            continue
        at = offsets[problem[0]]  # in the token's content
        start = content.rfind("\n", 0, at) + 1
        line = first + content.count("\n", 0, at)
        if line != first:
            end = content.find("\n", at)
            found = _find(lines, line, content[start : end if end >= 0 else len(content)], cursor)
        column = found + at - start + 1 if found >= 0 else 1
        yield warning(path, body_line + line + 1, column, "COE013", f"{problem[1]}: the rest of its paragraph is "
                      "shown in another direction", _HINT)


def _find(lines: list[str], line: int, part: str, cursor: dict[int, int]) -> int:
    """Where `part` of a paragraph's text stands in the body's `line`, after the text found there before (-1 when
    it is not there as written)."""
    found = lines[line].find(part, cursor.get(line, 0)) if line < len(lines) else -1
    if found >= 0:
        cursor[line] = found + len(part)
    return found


_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")  # a numeric character reference
_CODES = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])  # the controls' code points


def _referred(reference: re.Match[str]) -> bool:
    """Whether a numeric character reference stands for a control."""
    hexadecimal, decimal = reference.groups()
    return (int(hexadecimal, 16) if hexadecimal else int(decimal)) in _CODES


def _shown(token: Token) -> tuple[str, list[int]]:
    """The text the document shows of a paragraph's `token` and, for each of its characters, where it starts in
    the token's content: an inline token's as the source map reads it (a reference is its character, an escaped
    one is not; a link's or an image's address and an HTML comment or formatting tag are not shown); a code or
    HTML block's as it is written."""
    content = token.content
    if token.type != "inline" or not token.children:
        return content, list(range(len(content)))
    from .mdinline import InlineMap, MapError, Unit  # only for a paragraph with a control: most sections have none

    unit = Unit("paragraph", 0)
    reader = InlineMap(content, list(range(len(content))), unit)
    hidden: list[tuple[int, int]] = []  # the characters of the map's text the document does not show
    try:
        for child in token.children:
            before = len(unit.text)
            reader.run([child])
            if child.type == "html_inline" and (child.content.startswith("<!--")
                                                or INLINE_HTML.fullmatch(child.content.strip())):
                hidden.append((before, len(unit.text)))
    except MapError:  # the source does not follow the tokens: read it as written
        return content, list(range(len(content)))
    keep = [True] * len(unit.text)
    for begin, end in hidden:
        keep[begin:end] = [False] * (end - begin)
    chosen = [index for index, kept in enumerate(keep) if kept]
    return "".join(unit.text[index] for index in chosen), [unit.spans[index][0] for index in chosen]


def _first_line(token: Token) -> int | None:
    """The line of the body where `token`'s text starts when that text is a paragraph in Word, else None: an inline
    token's (a paragraph, a heading, a table cell, one of a list item's or a footnote's paragraphs; the parser took
    the markers of lists and quotes off its lines), a code block's or an HTML block's (one paragraph, its lines
    broken within it; an HTML block of comments only is not in the document)."""
    if token.map is None:
        return None
    if token.type == "inline" or token.type == "code_block":
        return token.map[0]
    if token.type == "fence":  # its text starts under the opening fence
        return token.map[0] + 1
    if token.type == "html_block" and not COMMENTS_ONLY.fullmatch(token.content):
        return token.map[0]
    return None
