"""Block structure Word cannot show as written: lists nested deeper than Word's nine numbering levels (their items
are shown at the ninth, COE403) and nesting so deep that the Markdown parser stops reading it (COE404). The parser's
bound (`limits.markdown_nesting`) keeps it from recursing without end; past it, text would be dropped, so that is an
error rather than a silent loss. Raw HTML shown as text (COE406), an HTML comment left open that ends at a later
one's end, hiding the text between (COE408), a footnote no text refers to, whose words the document leaves out
(COE604), a footnote reference inside a footnote, which Word cannot hold (COE605), a footnote defined twice, of
which the parser keeps the last (COE606), cells of a table row past its header's columns, which
the parser leaves out as GitHub's tables do (COE407), and a numeric character reference to a character no Word
document holds (`&#1;`), which the parser shows as U+FFFD (COE004, as the character itself is)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING

from . import limits
from .diagnostics import Diagnostic, clipped, error, warning
from .figure_notes import inline_notes

if TYPE_CHECKING:
    from markdown_it.token import Token

_LIST_OPEN = ("bullet_list_open", "ordered_list_open")
_LIST_CLOSE = ("bullet_list_close", "ordered_list_close")
#: Inline HTML that becomes the Word formatting it means; other HTML shows as text (COE406).
INLINE_HTML = re.compile(r"<(/?)(br|sup|sub|u|mark)\s*/?>", re.IGNORECASE)
COMMENTS_ONLY = re.compile(r"(?:\s*<!--.*?-->)+\s*", re.DOTALL)  # an HTML block that only holds comments
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_NUMERIC_REFERENCE = re.compile(r"&#(?:([0-9]{1,7})|[xX]([0-9A-Fa-f]{1,6}));")  # as markdown-it's entity rule reads


def raw_html(path: str, body_line: int, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE406 raw HTML that Word cannot show as formatting (comments and <br>, <sup>, <sub>, <u>, <mark> can); in a
    table's caption, which is plain text, it is left out."""
    captioning: set[int] = set()  # the inline tokens of `Table:` paragraphs that caption a table
    if any(token.type == "table_open" for token in tokens):
        from .captions import table_captions

        captioning = {index + 1 for index in table_captions(list(tokens))}
    for position, token in enumerate(tokens):
        line = body_line + (token.map[0] if token.map else 0) + 1
        found = [token.content] if token.type == "html_block" and not COMMENTS_ONLY.fullmatch(token.content) else []
        if token.type == "inline":
            found = [child.content for child in token.children or [] if child.type == "html_inline"
                     and not child.content.startswith(("<!--", "</"))  # a closing tag is reported with its opening
                     and not INLINE_HTML.fullmatch(child.content.strip())]
        for html in found:
            tag = " ".join(html.split())[:40]
            if position in captioning:
                yield warning(path, line, 1, "COE406", f"raw HTML '{tag}' is left out of the table's caption",
                              "a caption is plain text: write it without the tag")
                continue
            if html.lstrip().startswith("<!--") and "-->" not in html:  # runs to the block's end, shown
                yield warning(path, line, 1, "COE406", f"an HTML comment that is never closed ('{tag}'): it and "
                              "the rest of its block are shown as text in Word", "close it with -->")
                continue
            yield warning(path, line, 1, "COE406", f"raw HTML '{tag}' is shown as text in Word",
                          "write it in Markdown; only <br>, <sup>, <sub>, <u> and <mark> become formatting")


def open_comments(path: str, body_line: int, body: str, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE408 an HTML comment holding another `<!--`: the first was left open and ends at the other's `-->`, so
    the text between, which a comment hides, is left out of the document; the words a member meant to keep were
    lost unsaid (a comment closed where meant, even across paragraphs, is not reported)."""
    if body.count("<!--") < 2:
        return
    lines = body.split("\n")
    for token in tokens:
        if token.type == "html_block" and token.map and COMMENTS_ONLY.fullmatch(token.content):
            comments = [(token.map[0], match.group()) for match in _COMMENT.finditer(token.content)]
            comments = [(first + token.content[:token.content.find(text)].count("\n"), text)
                        for first, text in comments]
        elif token.type == "inline" and token.map and "<!--" in token.content:
            comments = [(token.map[0] + token.content[:token.content.find(child.content)].count("\n"), child.content)
                        for child in token.children or () if child.type == "html_inline"
                        and child.content.startswith("<!--")]
        else:
            continue
        for first, text in comments:
            inner = text.find("<!--", 4)
            if inner < 0:
                continue
            opened = next((index for index in range(first, len(lines)) if "<!--" in lines[index]), first)
            again = opened + text[:inner].count("\n")
            closed = opened + text.count("\n")
            yield warning(path, body_line + opened + 1, lines[opened].find("<!--") + 1, "COE408",
                          f"this HTML comment is not closed before another '<!--' on line {body_line + again + 1}: "
                          f"it ends at that one's '-->' on line {body_line + closed + 1}, and the text between is "
                          "not in the document", "close the first comment with '-->' where it "
                          "should end")


def nesting(path: str, body_line: int, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE403 once per list that goes deeper than Word's levels, COE404 once where the parser stopped reading."""
    bounds = limits.LIMITS
    depth, warned, stopped = 0, False, False
    for token in tokens:
        line = body_line + (token.map[0] if token.map else 0) + 1
        if token.level >= bounds.markdown_nesting - 1 and not stopped:
            stopped = True
            yield error(path, line, 1, "COE404", "lists and quotes nested past what the Markdown parser reads "
                        f"({bounds.markdown_nesting} blocks inside each other, a list's level two of them: its list "
                        f"and its item; about {bounds.markdown_nesting // 2 - 2} list levels or "
                        f"{bounds.markdown_nesting - 3} quotes): the text inside is not read", "nest less deeply")
        if token.type in _LIST_OPEN:
            depth += 1
            if depth > bounds.word_list_levels and not warned:
                warned = True
                yield warning(path, line, 1, "COE403",
                              f"list nested more than {bounds.word_list_levels} levels deep: Word has "
                              f"{bounds.word_list_levels} list levels, so deeper items are shown at the last one",
                              "nest less deeply, or make the deeper items a list of their own")
        elif token.type in _LIST_CLOSE:
            depth -= 1
            warned = warned and depth > 0


_FOOTNOTE_DEF = re.compile(r"^[ \t>]*\[\^([^\]\s]+)\]:")
_CODE = ("fence", "code_block")


def footnote_references(tokens: Sequence[Token]) -> tuple[set[str], list[tuple[Token, str]]]:
    """The footnote labels the text refers to, and the references inside footnotes (inline token and label)."""
    text: set[str] = set()
    inner: list[tuple[Token, str]] = []
    depth = 0
    for token in tokens:
        depth += {"footnote_open": 1, "footnote_close": -1}.get(token.type, 0)
        for child in inline_notes(token) if token.type == "inline" else ():
            label = str(child.meta.get("label"))
            if depth:
                inner.append((token, label))
            else:
                text.add(label)
    return text, inner


def _alt_references(tokens: Sequence[Token]) -> set[str]:
    """The footnote labels referred to in a picture's alt text (`![A map[^1]](map.png)`): the document's
    description of the picture is its plain text, the reference left out."""
    return {str(inner.meta.get("label")) for token in tokens if token.type == "inline" for child in token.children or ()
            if child.type == "image" for inner in child.children or () if inner.type == "footnote_ref"}


def unreferenced_footnotes(path: str, body_line: int, body: str, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE604 a footnote defined (`[^label]: ...`) that no text refers to: the parser leaves its words out of the
    document, so they would be lost without a word. COE605 a reference inside a footnote: Word has no footnotes in
    footnotes, so the reference is left out (and the note's words with it when only notes refer to it: COE604)."""
    if "[^" not in body:
        return
    referred, inner = footnote_references(tokens)
    lines = body.split("\n")
    for token, label in inner:
        first, last = token.map or (0, 1)
        line, column = next(((index, lines[index].find(f"[^{label}]")) for index in range(first, last)
                             if f"[^{label}]" in lines[index]), (first, 0))
        yield warning(path, body_line + line + 1, column + 1, "COE605", f"footnote reference [^{label}] inside a "
                      "footnote is left out: Word has no footnotes in footnotes",
                      f"refer to [^{label}] from the text, or write its words into this footnote")
    from_notes = {label for _, label in inner}
    from_pictures = _alt_references(tokens)
    code = {line for token in tokens if token.type in _CODE and token.map for line in range(*token.map)}
    defined: dict[str, list[int]] = {}  # each label's definitions, by line
    for index, text in enumerate(lines):
        found = _FOOTNOTE_DEF.match(text) if "[^" in text else None
        if found and index not in code:
            defined.setdefault(found.group(1), []).append(index)
        if found and found.group(1) not in referred and index not in code:
            label = found.group(1)
            why = "is referred to only from inside another footnote" if label in from_notes else \
                "is referred to only from a picture's alt text, which is plain text and cannot hold it" \
                if label in from_pictures else "is never referred to"
            where = "in the text beside the picture" if label in from_pictures else "where it belongs"
            yield warning(path, body_line + index + 1, found.start(1) - 1, "COE604",
                          f"footnote [^{label}] {why}: its text is not in the document",
                          f"refer to it with [^{label}] {where}, or delete it")
    yield from repeated_footnotes(path, body_line, lines, {k: v for k, v in defined.items() if k in referred})


def repeated_footnotes(path: str, body_line: int, lines: list[str],
                       defined: dict[str, list[int]]) -> Iterator[Diagnostic]:
    """COE606 a footnote label defined more than once: the parser keeps the last definition for the note and leaves
    the words of the others out of the document. (A label nothing refers to is COE604, every definition of it.)"""
    for label, places in defined.items():
        last = body_line + places[-1] + 1
        for index in places[:-1]:
            column = lines[index].find(f"[^{label}]:") + 1
            yield warning(path, body_line + index + 1, column, "COE606", f"footnote [^{label}] is defined again on "
                          f"line {last}, whose text the note shows: this definition's text is not in the document",
                          "give one of them another label and refer to it, or merge their words")


def table_cells(path: str, body_line: int, body: str, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE407 a table row with words in cells past its header's columns: the parser (as GitHub's tables) makes a row
    as wide as its header and leaves the rest of it out, so those words would be lost without a word. A row's cells
    are counted as the parser splits them (`escapedSplit`: at each `|` not after a backslash)."""
    if "|" not in body:
        return
    from markdown_it.rules_block.table import escapedSplit  # here: tokens mean markdown-it is loaded already

    lines = body.split("\n")
    columns = 0
    for token in tokens:
        if token.type == "thead_open":
            columns = 0
        elif token.type == "th_open":
            columns += 1
        elif token.type == "tr_open" and token.map and columns:
            text = lines[token.map[0]]
            cells = escapedSplit(text.lstrip(" \t>").strip())  # a quote's markers are not the row's
            cells = cells[1:] if cells and cells[0] == "" else cells
            cells = cells[:-1] if cells and cells[-1] == "" else cells
            extra = " ".join(cell.strip() for cell in cells[columns:] if cell.strip())
            if extra:
                bars = [at for at in range(len(text)) if text[at] == "|" and (at == 0 or text[at - 1] != "\\")]
                leading = text.lstrip(" \t>").startswith("|")
                start = bars[columns - 1 + leading] + 1 if len(bars) >= columns + leading else 0
                at = len(text) - len(text[start:].lstrip()) + 1  # the cell's first word
                yield warning(path, body_line + token.map[0] + 1, at, "COE407",
                              f"this row has {len(cells)} cells and its table's header {columns}: "
                              f"'{clipped(extra, 40)}' is left out of the document", "add a column to the header row "
                              "and the line under it, or move these words into a cell of the row")


def unshown_references(path: str, body_line: int, body: str, tokens: Sequence[Token]) -> Iterator[Diagnostic]:
    """COE004 a numeric character reference in the text (not in code, an autolink or an HTML tag) to a character
    the parser will not give: a control character, a surrogate, a noncharacter or past U+10FFFF, which it shows as
    U+FFFD without a word. Only in a paragraph whose parsed text has such a U+FFFD that its source does not: a code
    span over two lines, whose lines are read one by one, holds none."""
    if "&#" not in body:
        return
    from markdown_it.common.utils import isValidEntityCode  # here: tokens mean markdown-it is loaded already

    from .rules.text import code_spans_masked

    lines = body.split("\n")
    prose = sorted({row for token in tokens if token.type == "inline" and token.map and _replaced(token)
                    for row in range(token.map[0], min(token.map[1], len(lines)))})
    for row in prose:
        line = lines[row]
        if "&#" not in line:
            continue
        line = _tags_or_autolinks().sub(lambda m: " " * len(m.group()), line) if "<" in line else line
        for found in _NUMERIC_REFERENCE.finditer(code_spans_masked(line) if "`" in line else line):
            decimal, hexadecimal = found.groups()
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            if not isValidEntityCode(code):
                yield error(path, body_line + row + 1, found.start() + 1, "COE004",
                            f"'{found.group()}' stands for U+{code:04X}, which a Word document cannot hold: it "
                            "would be shown as the replacement character (U+FFFD)",
                            "delete it, or write the character it was meant to be")


@cache
def _tags_or_autolinks() -> re.Pattern[str]:
    """What a numeric reference in is not decoded, as markdown-it reads them: an HTML tag (its attributes too) or an
    autolink (`<https://...>`, `<name@example.org>`)."""
    from markdown_it.common.html_re import HTML_TAG_RE
    from markdown_it.rules_inline.autolink import AUTOLINK_RE, EMAIL_RE

    links = [pattern.pattern.removeprefix("^").removesuffix("$") for pattern in (AUTOLINK_RE, EMAIL_RE)]
    return re.compile("|".join([HTML_TAG_RE.pattern, *(f"<{link}>" for link in links)]))


def _replaced(token: Token) -> bool:
    """Whether parsing the inline `token` gave a U+FFFD its source does not hold (a reference it could not decode)."""
    made: int = sum(piece.content.count("\ufffd") for child in token.children or ()
                    for piece in (child, *(child.children or ())) if piece.type == "text")  # a picture's alt text too
    return made > token.content.count("\ufffd")
