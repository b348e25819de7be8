"""How the preview's text flows, as it flows in the .docx: the direction of each block of a body with Hebrew or
Arabic in it, and the places a web address in a table cell may break; the templates' tables (the annex's) as cards
where their columns do not fit; and a text from git isolated, so that its direction stops at its end."""

from __future__ import annotations

import re

from markdown_it.token import Token
from markupsafe import Markup, escape

from .bidi import CONTROLS
from .ooxml import any_right_to_left, right_to_left

_DIRECTED = {"paragraph_open", "heading_open", "list_item_open", "th_open", "td_open", "footnote_open"}
_AFTER_SLASH = re.compile(r"(?<=/)(?=[^/\s])")  # after a `/` (or `//`) that something other than a space follows


def directions(tokens: list[Token]) -> None:
    """Each block of a body with text in a right-to-left script says its direction (that of its first letter of a
    strong direction, as the .docx decides it): a list item in Hebrew has its bullet on the right, an English item
    in it has its own on the left."""
    if not any(any_right_to_left(token.content) for token in tokens if token.type == "inline"):
        return
    for index, token in enumerate(tokens):
        if token.type in _DIRECTED and not token.hidden:  # a tight list's paragraphs: their item says it
            after = index + 1
            while after < len(tokens) and tokens[after].type != "inline":
                after += 1
            text = tokens[after].content if after < len(tokens) else ""
            token.attrSet("dir", "rtl" if right_to_left(text) else "ltr")


def address_breaks(tokens: list[Token]) -> None:
    """A web address or a path in a table cell may break after each `/` (a `wbr` token, written `<wbr>`), as the
    .docx's may: a browser sizes a column to its longest unbroken text, and a column of addresses widened the
    table past the page's column, to be read by scrolling it sideways."""
    in_cell = False
    for token in tokens:
        if token.type in ("td_open", "th_open", "td_close", "th_close"):
            in_cell = token.nesting == 1
        elif in_cell and token.type == "inline" and "/" in token.content and token.children:
            token.children = [piece for child in token.children for piece in _broken(child)]


def _broken(child: Token) -> list[Token]:
    if child.type != "text" or "/" not in child.content:
        return [child]
    pieces: list[Token] = []
    for text in _AFTER_SLASH.split(child.content):
        if pieces:
            pieces.append(Token("wbr", "wbr", 0))
        piece = Token("text", "", 0)
        piece.content = text
        pieces.append(piece)
    return pieces


def cards(tokens: list[Token]) -> None:
    """Each table reads as a card a row where its columns do not fit (a phone: the page's style for `table.cards`,
    as for the status board), instead of a table to scroll sideways that shows a column and a half: its first cell
    names its row (a row header), each other cell is labelled with its column's heading, and the table's roles are
    written out, as a browser may forget them of a table set as blocks. For the annex, whose rows are organisations
    and the sections each led or contributed to."""
    headings: list[str] = []
    column = 0
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "table_open":
            token.attrJoin("class", "cards")
            token.attrSet("role", "table")
            headings = []
        elif kind in ("thead_open", "tbody_open"):
            token.attrSet("role", "rowgroup")
        elif kind == "tr_open":
            token.attrSet("role", "row")
            column = 0
        elif kind == "th_open":
            token.attrs.update({"scope": "col", "role": "columnheader"})
            headings.append(_words(tokens[index + 1]))
        elif kind == "td_open":
            if column == 0:
                token.tag = "th"
                token.attrs.update({"scope": "row", "role": "rowheader"})
            else:
                token.attrSet("role", "cell")
                if column < len(headings) and headings[column]:
                    token.attrSet("data-label", headings[column])
            column += 1
        elif kind == "td_close" and column == 1:
            token.tag = "th"


def _words(inline: Token) -> str:
    """The text of a heading cell, without its markup."""
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


def isolated(text: str) -> Markup:
    """`text` escaped, in an isolate of its own (`<bdi>`) when it holds a bidirectional control (an author's name
    from git, which COE012 does not check, on the board or in a COE203 message): a right-to-left override left open
    in it ends there, and reverses nothing of the page after it."""
    return Markup("<bdi>{}</bdi>").format(text) if CONTROLS.search(text) else escape(text)
