"""The character map of one block's inline Markdown: for each character a reader sees in Word, the range of the
file it comes from, its formatting (b, i, s, code, link) and the spans of the delimiters around it.

markdown-it gives inline tokens without positions; the map walks them over the block's source text, skipping the
delimiters each token stands for (emphasis markers, a link's destination, a code span's backticks, escapes and
entities), so that an edit of the text can leave the markup alone."""

from __future__ import annotations

import html
import re
import string
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from markdown_it.token import Token

from .picture_widths import WIDTH_RE
from .structure import INLINE_HTML
from .wordblocks import OBJECT

_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_PUNCTUATION = frozenset(string.punctuation)  # the ASCII punctuation a backslash escapes
_FLAG = {"strong": "b", "em": "i", "s": "s"}


class MapError(Exception):
    """The tokens do not match the source the way this map expects (the block is then left alone)."""


@dataclass
class Unit:
    """One Word paragraph's worth of a section: visible text and, per character, its [start, end) in the file."""

    kind: str  # paragraph, heading, item, cell, code, title, footnote
    line: int  # 1-based file line (the `_Coe` bookmark's line)
    text: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    flags: list[frozenset[str]] = field(default_factory=list)
    groups: list[tuple[int, int, int, int]] = field(default_factory=list)  # visible a, b; source start, end
    start: int = 0  # where the block's first line starts in the file (its prefix included)
    end: int = 0  # end of the block's content
    close: int = 0  # end of the block's own lines where markup follows its content (a fence's closing line)
    prefix: str = ""  # the first line's text before the content ("- ", "## ", "> ")
    indent: str = ""  # the indentation of the item's content, for new siblings
    ordered: bool = False
    level: int = 0  # list nesting (1 = top-level item) or heading level
    pending: Callable[[], None] | None = None  # makes the character map (spans, flags, groups, end) when needed

    def ensure(self) -> None:
        """Make the character map now; raises MapError when the source does not follow."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending()


_VISIBLE = {"softbreak": " ", "hardbreak": "\n", "image": OBJECT, "footnote_ref": OBJECT, "reference": OBJECT}
REFERENCE = "reference"  # a link to a caption's id, which Word shows as the caption's number (see `references`)
_SILENT = {"footnote_anchor", "em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close", "link_open",
           "link_close"}


def visible_text(children: list[Token]) -> str:
    """What Word shows of inline tokens, as `_Inline` maps it, without the map (the cheap path)."""
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind == "html_inline" and (shown := _tag_shown(child.content)) is not None:
            out.append(shown)
        elif kind in ("text", "html_inline", "code_inline"):
            out.append(child.content)
        elif kind in _VISIBLE:
            out.append(_VISIBLE[kind])
        elif kind not in _SILENT:
            raise MapError(f"unexpected inline token {kind}")
    return "".join(out)


def _tag_shown(content: str) -> str | None:
    """What Word shows of an inline tag the paper makes formatting of: a line break for `<br>`, nothing for `<sup>`,
    `<sub>`, `<u>`, `<mark>` and their ends (None: another tag, shown as it is written)."""
    tag = INLINE_HTML.fullmatch(content.strip())
    return None if tag is None else "\n" if tag.group(2).lower() == "br" else ""


def references(children: list[Token], ids: Container[str]) -> list[Token]:
    """Inline tokens with each link to a caption's id (`[the chart](#fig-survey)`) as one REFERENCE token: Word
    shows a cross-reference there, the caption's number ("Figure 1") rather than the link's words, which a
    reviewer's text cannot be compared with; the map reads it as one character, as it reads a picture."""
    out: list[Token] = []
    depth = 0  # inside such a link
    for child in children:
        href = str(child.attrs.get("href", "")) if child.type == "link_open" else ""
        if depth:
            depth += (child.type == "link_open") - (child.type == "link_close")
        elif href.startswith("#") and href[1:] in ids and child.markup != "autolink":
            depth = 1
            out.append(Token(REFERENCE, "", 0, attrs={"href": href}))
        else:
            out.append(child)
    return out


class InlineMap:
    """Maps an inline token's children onto its source text."""

    def __init__(self, src: str, offsets: list[int], unit: Unit) -> None:
        self.src, self.offsets, self.unit, self.cur = src, offsets, unit, 0
        self.flags: list[str] = []
        self.opened: list[tuple[str, int, int]] = []  # flag, visible start, source start

    def _abs(self, index: int) -> int:
        return self.offsets[min(index, len(self.offsets) - 1)]

    def _add(self, char: str, start: int, end: int) -> None:
        unit = self.unit
        unit.text += char
        unit.spans.append((self._abs(start), self._abs(end - 1) + 1 if end > start else self._abs(start)))
        unit.flags.append(frozenset(self.flags))

    def _add_break(self, char: str, start: int) -> None:
        """A line break, from `start` to the next line's text: its span takes in that line's prefix in the file (a
        quote's `>`, a list item's indent), which goes with the break when it is deleted, and text typed after the
        break goes after it."""
        if self.cur >= len(self.src):
            self._add(char, start, self.cur)
            return
        self.unit.text += char
        self.unit.spans.append((self._abs(start), self._abs(self.cur)))
        self.unit.flags.append(frozenset(self.flags))

    def _bulk(self, content: str) -> None:
        unit, cur = self.unit, self.cur
        offsets = self.offsets[cur : cur + len(content)]
        unit.text += content
        unit.spans += [(o, o + 1) for o in offsets]
        unit.flags += [frozenset(self.flags)] * len(content)
        self.cur += len(content)

    def _expect(self, literal: str) -> None:
        if not self.src.startswith(literal, self.cur):
            raise MapError(f"expected {literal!r} at {self.cur}")
        self.cur += len(literal)

    def _char(self, ch: str) -> None:
        src, cur = self.src, self.cur
        if src.startswith("\\", cur) and src.startswith(ch, cur + 1) and ch in _PUNCTUATION:  # `\\` is one `\`
            self._add(ch, cur, cur + 2)
            self.cur += 2
        elif src.startswith(ch, cur):
            self._add(ch, cur, cur + 1)
            self.cur += 1
        elif (m := _ENTITY_RE.match(src, cur)) and html.unescape(m.group()) == ch:
            self._add(ch, cur, m.end())
            self.cur = m.end()
        else:
            raise MapError(f"text {ch!r} not found at {cur}")

    def _skip_space(self) -> int:
        start = self.cur
        while self.cur < len(self.src) and self.src[self.cur] in " \t\n":
            self.cur += 1
        return start

    def _skip_destination(self) -> None:
        """After a link's or image's `]`: `(dest "title")`, `[ref]`, or nothing (a shortcut reference)."""
        src = self.src
        if src.startswith("(", self.cur):
            depth, i = 0, self.cur
            while i < len(src):
                c = src[i]
                if c == "\\":
                    i += 2
                    continue
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth -= 1
                    if depth == 0:
                        break
                elif c in "\"'" and depth == 1:
                    close = src.find(c, i + 1)
                    i = close if close > 0 else i
                i += 1
            self.cur = i + 1
        elif src.startswith("[", self.cur):
            close = src.find("]", self.cur)
            self.cur = close + 1 if close > 0 else self.cur

    def _skip_brackets(self) -> None:
        depth, i, src = 0, self.cur, self.src
        while i < len(src):
            c = src[i]
            if c == "\\":
                i += 2
                continue
            depth += c == "["
            depth -= c == "]"
            i += 1
            if depth == 0:
                break
        self.cur = i

    def run(self, children: list[Token]) -> None:
        for tok in children:
            kind = tok.type
            if kind == "html_inline" and (shown := _tag_shown(tok.content)) is not None:
                start = self.cur
                self._expect(tok.content)
                if shown:
                    self._add(shown, start, self.cur)
            elif kind in ("text", "html_inline"):
                content = tok.content
                if self.src.startswith(content, self.cur):  # the common case: the text stands as it is
                    self._bulk(content)
                else:
                    for ch in content:
                        self._char(ch)
            elif kind == "softbreak":
                start = self._skip_space()
                self._add_break(" ", start)
            elif kind == "hardbreak":
                start = self.cur
                if self.src.startswith("\\", self.cur):
                    self.cur += 1
                self._skip_space()
                self._add_break("\n", start)
            elif kind.endswith("_open") and kind[:-5] in _FLAG:
                self.opened.append((_FLAG[kind[:-5]], len(self.unit.text), self._abs(self.cur)))
                self._expect(tok.markup)
                self.flags.append(_FLAG[kind[:-5]])
            elif kind.endswith("_close") and kind[:-6] in _FLAG:
                self._expect(tok.markup)
                self._close(_FLAG[kind[:-6]])
            elif kind == "code_inline":
                self._code(tok)
            elif kind == "link_open":
                self.opened.append(("link", len(self.unit.text), self._abs(self.cur)))
                if tok.markup != "linkify":  # a bare address (`https://...`, `www.`, an e-mail) has no marks
                    self._expect("<" if tok.markup == "autolink" else "[")
                self.flags.append("link")
            elif kind == "link_close":
                if tok.markup == "autolink":
                    self._expect(">")
                elif tok.markup != "linkify":
                    self._expect("]")
                    self._skip_destination()
                self._close("link")
            elif kind == "image":
                start = self.cur
                self._expect("!")
                self._skip_brackets()
                self._skip_destination()
                width = WIDTH_RE.match(self.src, self.cur) if tok.meta.get("width") else None
                self.cur = width.end() if width else self.cur  # `{width=6cm}`, part of the picture
                self._add(OBJECT, start, self.cur)
            elif kind == "footnote_anchor":
                continue
            elif kind == "footnote_ref":
                start = self.cur
                self._skip_brackets()
                self._add(OBJECT, start, self.cur)
            elif kind == REFERENCE:  # the whole link, `[words](#fig-id)`
                start = self.cur
                self._skip_brackets()
                self._skip_destination()
                self._add(OBJECT, start, self.cur)
            else:
                raise MapError(f"unexpected inline token {kind}")

    def _close(self, flag: str) -> None:
        if flag in self.flags:
            self.flags.remove(flag)
        for index in range(len(self.opened) - 1, -1, -1):
            name, visible, source = self.opened[index]
            if name == flag:
                del self.opened[index]
                self.unit.groups.append((visible, len(self.unit.text), source, self._abs(self.cur - 1) + 1))
                return

    def _code(self, tok: Token) -> None:
        start = self.cur
        self._expect(tok.markup)
        body_end = self.src.find(tok.markup, self.cur)
        inner = self.src[self.cur : body_end]
        lead = 1 if len(inner) > 2 and inner[0] in " \n" and inner[-1] in " \n" and inner.strip() else 0
        self.cur += lead
        self.flags.append("code")
        for ch in tok.content:
            if self.src[self.cur] == ch or (ch == " " and self.src[self.cur] == "\n"):
                self._add(ch, self.cur, self.cur + 1)
                self.cur += 1
            else:
                raise MapError("code span text not found")
        self.flags.remove("code")
        self.cur = body_end + len(tok.markup)
        self.unit.groups.append((len(self.unit.text) - len(tok.content), len(self.unit.text), self._abs(start),
                                 self._abs(self.cur - 1) + 1))
