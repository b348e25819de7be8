"""Block structure Word cannot show as written: lists nested deeper than Word's nine numbering levels (their items
are shown at the ninth, COE403) and nesting so deep that the Markdown parser stops reading it (COE404). The parser's
bound (`limits.markdown_nesting`) keeps it from recursing without end; past it, text would be dropped, so that is an
error rather than a silent loss. Raw HTML shown as text (COE406), and a footnote no text refers to, whose words the
document leaves out (COE604)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from . import limits
from .diagnostics import Diagnostic, error, warning

if TYPE_CHECKING:
    from markdown_it.token import Token

_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_LIST_CLOSE = ("bullet_list_close", "ordered_list_close")
#: Inline HTML that becomes the Word formatting it means; other HTML shows as text (COE406).
INLINE_HTML = re.compile(r"<(/?)(br|sup|sub|u|mark)\s*/?>", re.IGNORECASE)
COMMENTS_ONLY = re.compile(r"(?:\s*<!--.*?-->)+\s*", re.DOTALL)  # an HTML block that only holds comments


def raw_html(path: str, body_line: int, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE406 raw HTML that Word cannot show as formatting (comments and <br>, <sup>, <sub>, <u>, <mark> can)."""
    for token in tokens:
        line = body_line + (token.map[0] if token.map else 0) + 1
        found = [token.content] if token.type == "html_block" and not COMMENTS_ONLY.fullmatch(token.content) else []
        if token.type == "inline":
            found = [child.content for child in token.children or [] if child.type == "html_inline"
                     and not child.content.startswith(("<!--", "</"))  # a closing tag is reported with its opening
                     and not INLINE_HTML.fullmatch(child.content.strip())]
        for html in found:
            tag = " ".join(html.split())[:40]
            yield warning(path, line, 1, "COE406", f"raw HTML '{tag}' is shown as text in Word",
                          "write it in Markdown; only <br>, <sup>, <sub>, <u> and <mark> become formatting")


def nesting(path: str, body_line: int, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE403 once per list that goes deeper than Word's levels, COE404 once where the parser stopped reading."""
    bounds = limits.LIMITS
    depth, warned, stopped = 0, False, False
    for token in tokens:
        line = body_line + (token.map[0] if token.map else 0) + 1
        if token.level >= bounds.markdown_nesting - 1 and not stopped:
            stopped = True
            yield error(path, line, 1, "COE404", f"lists and quotes nested more than {bounds.markdown_nesting} "
                        "levels deep: the text inside is not read", "nest less deeply")  # fmt: skip
        if token.type in _LIST_OPEN:
            depth += 1
            if depth > bounds.word_list_levels and not warned:
                warned = True
                yield warning(path, line, 1, "COE403",
                              f"list nested more than {bounds.word_list_levels} levels deep: Word has "
                              f"{bounds.word_list_levels} list levels, so deeper items are shown at the last one",
                              "nest less deeply, or make the deeper items a list of their own")  # fmt: skip
        elif token.type in _LIST_CLOSE:
            depth -= 1
            warned = warned and depth > 0


_FOOTNOTE_DEF = re.compile(r"^[ \t>]*\[\^([^\]\s]+)\]:")
_CODE = ("fence", "code_block")


def unreferenced_footnotes(path: str, body_line: int, body: str, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE604 a footnote defined (`[^label]: ...`) that no text refers to: the parser leaves its words out of the
    document, so they would be lost without a word."""
    if "[^" not in body:
        return
    referred = {str(child.meta.get("label")) for token in tokens if token.type == "inline"
                for child in token.children or () if child.type == "footnote_ref"}  # fmt: skip
    code = {line for token in tokens if token.type in _CODE and token.map for line in range(*token.map)}
    for index, text in enumerate(body.split("\n")):
        found = _FOOTNOTE_DEF.match(text) if "[^" in text else None
        if found and found.group(1) not in referred and index not in code:
            yield warning(path, body_line + index + 1, found.start(1) - 1, "COE604",
                          f"footnote [^{found.group(1)}] is never referred to: its text is not in the document",
                          f"refer to it with [^{found.group(1)}] where it belongs, or delete it")  # fmt: skip
