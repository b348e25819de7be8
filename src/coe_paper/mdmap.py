"""A source map for a section file: for every block that becomes one Word paragraph (a paragraph, heading, list
item's paragraph, table cell, code block, footnote paragraph, and the title in the front matter), the text Word
shows and, for each of its characters, the range of the file that produced it.

`apply` uses it to turn an edit of the text a reader sees into an edit of the Markdown that leaves the markup
around it alone: emphasis, links, footnote references and code spans keep their delimiters."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from markdown_it.token import Token

from .markdown import parse
from .project import split_front_matter
from .wordread import OBJECT

_PREFIX_RE = re.compile(r"^(?:[ \t>*+\-#\d.)]*|[ \t>]*\[\^[^\]]*\]:[ \t]*)$")
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
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


@dataclass
class SourceMap:
    text: str
    body: dict[int, Unit]  # by line: paragraphs, headings, items, code
    rows: dict[int, list[Unit]]  # by line: a table row's cells
    footnotes: dict[str, list[Unit]]  # by label
    refs: list[str]  # footnote labels in the order the body cites them


class _Inline:
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
        if src.startswith(ch, cur):
            self._add(ch, cur, cur + 1)
            self.cur += 1
        elif src.startswith("\\", cur) and src.startswith(ch, cur + 1):
            self._add(ch, cur, cur + 2)
            self.cur += 2
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
            if kind in ("text", "html_inline"):
                content = tok.content
                if self.src.startswith(content, self.cur):  # the common case: the text stands as it is
                    self._bulk(content)
                else:
                    for ch in content:
                        self._char(ch)
            elif kind == "softbreak":
                start = self._skip_space()
                self._add(" ", start, self.cur)
            elif kind == "hardbreak":
                start = self.cur
                if self.src.startswith("\\", self.cur):
                    self.cur += 1
                self._skip_space()
                self._add("\n", start, self.cur)
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
                self._expect("<" if tok.markup == "autolink" else "[")
                self.flags.append("link")
            elif kind == "link_close":
                if tok.markup == "autolink":
                    self._expect(">")
                else:
                    self._expect("]")
                    self._skip_destination()
                self._close("link")
            elif kind == "image":
                start = self.cur
                self._expect("!")
                self._skip_brackets()
                self._skip_destination()
                self._add(OBJECT, start, self.cur)
            elif kind == "footnote_anchor":
                continue
            elif kind == "footnote_ref":
                start = self.cur
                self._skip_brackets()
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


def _locate(content: str, lines: list[str], line_starts: list[int], first: int) -> tuple[str, list[int]]:
    """The inline content with, per character, its offset in the file (lines keep their markers and indents)."""
    offsets: list[int] = []
    for index, part in enumerate(content.split("\n")):
        row = first + index
        if row >= len(lines):
            raise MapError("content runs past the end of the file")
        line = lines[row]
        col = next((c for c in range(len(line) - len(part) + 1) if line.startswith(part, c)
                    and _PREFIX_RE.match(line[:c])), -1)
        if col < 0:
            raise MapError(f"line {row + 1} does not hold its content")
        base = line_starts[row] + col
        offsets += [base + i for i in range(len(part))]
        offsets.append(base + len(part))  # the newline (or the end)
    return content, offsets


def _cells(line: str) -> list[tuple[int, str]]:
    """A table row's cells: (column, trimmed text), split at pipes outside code spans and escapes."""
    cells: list[tuple[int, str]] = []
    start, i, ticks = 0, 0, 0
    stripped = line.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    if stripped[lead:].startswith("|"):
        start = i = lead + 1
    else:
        i = start = lead
    while i <= len(stripped):
        c = stripped[i] if i < len(stripped) else "|"
        if c == "\\":
            i += 2
            continue
        if c == "`":
            ticks ^= 1
        if c == "|" and not ticks:
            raw = stripped[start:i]
            if i < len(stripped) or raw.strip():
                cells.append((start + len(raw) - len(raw.lstrip()), raw.strip()))
            start = i + 1
        i += 1
    return cells


def build(text: str) -> SourceMap:
    """The map of a whole section file; a block the map cannot follow is left out (and so left alone)."""
    parts = split_front_matter(text)
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    found = SourceMap(text, {}, {}, {}, [])
    if parts is None:
        return found
    _, body, body_line = parts
    _title(found, lines, starts, body_line)
    tokens = parse(body)
    stack: list[Token] = []
    items: list[Unit | None] = []
    lists: list[bool] = []
    footnote: str | None = None
    row_line = 0
    for index, tok in enumerate(tokens):
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            items.append(None)
        elif kind == "list_item_close":
            items.pop()
        elif kind == "footnote_open":
            footnote = str(tok.meta.get("label", ""))
            found.footnotes[footnote] = []
        elif kind == "footnote_close":
            footnote = None
        elif kind == "tr_open" and tok.map:
            row_line = tok.map[0] + body_line
            found.rows[row_line + 1] = []
        elif kind in ("fence", "code_block") and tok.map and footnote is None:
            unit = _code(tok, lines, starts, body_line)
            if unit is not None:
                found.body[unit.line] = unit
        elif kind == "inline":
            for child in tok.children or ():
                if child.type == "footnote_ref":
                    found.refs.append(str(child.meta.get("label", "")))
            parent = stack[-1] if stack else None
            if parent is None:
                continue
            try:
                unit = _unit(tok, parent, lines, starts, body_line, row_line, len(found.rows.get(row_line + 1, [])))
            except MapError:
                continue
            if parent.type in ("th_open", "td_open"):
                found.rows.setdefault(row_line + 1, []).append(unit)
            elif footnote is not None:
                found.footnotes[footnote].append(unit)
                unit.kind = "footnote"
            else:
                if items and items[-1] is None and parent.type == "paragraph_open":
                    unit.kind, unit.ordered, unit.level = "item", lists[-1], len(lists)
                    items[-1] = unit
                    _item_prefix(unit, lines, starts, tokens, index)
                found.body.setdefault(unit.line, unit)
        if kind.endswith("_open"):
            stack.append(tok)
        elif kind.endswith("_close") and stack:
            stack.pop()
    return found


_VISIBLE = {"softbreak": " ", "hardbreak": "\n", "image": OBJECT, "footnote_ref": OBJECT}
_SILENT = {"footnote_anchor", "em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close", "link_open",
           "link_close"}


def visible_text(children: list[Token]) -> str:
    """What Word shows of inline tokens, as `_Inline` maps it, without the map (the cheap path)."""
    out: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "html_inline", "code_inline"):
            out.append(child.content)
        elif kind in _VISIBLE:
            out.append(_VISIBLE[kind])
        elif kind not in _SILENT:
            raise MapError(f"unexpected inline token {kind}")
    return "".join(out)


def _unit(tok: Token, parent: Token, lines: list[str], starts: list[int], body_line: int, row_line: int,
          column: int = 0) -> Unit:
    """A unit whose text is known at once and whose character map is made when an edit needs it."""
    if parent.type in ("th_open", "td_open"):
        return _cell(tok, column, lines, starts, row_line)
    if not tok.map:
        raise MapError("inline token without a map")
    first = tok.map[0] + body_line
    kind = "heading" if parent.type == "heading_open" else "paragraph"
    children = tok.children or []
    unit = Unit(kind, first + 1, visible_text(children), level=int(parent.tag[1:]) if kind == "heading" else 0)
    unit.start = starts[first]

    def fill() -> None:
        expected, unit.text = unit.text, ""
        src, offsets = _locate(tok.content, lines, starts, first)
        _Inline(src, offsets, unit).run(children)
        if unit.text != expected:
            raise MapError("the map does not give the text")
        if unit.kind != "item":
            unit.prefix = lines[first][: offsets[0] - starts[first]] if offsets else ""
        unit.end = offsets[-1] if offsets else starts[first]

    unit.pending = fill
    return unit


def _cell(tok: Token, column: int, lines: list[str], starts: list[int], row_line: int) -> Unit:
    cells = _cells(lines[row_line])
    unit = Unit("cell", row_line + 1)
    if column >= len(cells):
        raise MapError("cell not found in its row")
    col, raw = cells[column]
    offsets = [starts[row_line] + col + i for i in range(len(raw) + 1)]
    _Inline(raw, offsets, unit).run(tok.children or [])
    unit.start, unit.end = starts[row_line], starts[row_line] + len(lines[row_line])
    return unit


def _code(tok: Token, lines: list[str], starts: list[int], body_line: int) -> Unit | None:
    assert tok.map is not None
    first, last = tok.map[0] + body_line, tok.map[1] + body_line
    unit = Unit("code", first + 1, start=starts[first])
    content = tok.content.rstrip("\n").split("\n")
    rows = range(first + 1, first + 1 + len(content)) if tok.type == "fence" else range(first, last)
    for index, (row, part) in enumerate(zip(rows, content, strict=False)):
        if row >= len(lines) or not lines[row].endswith(part):
            return None
        base = starts[row] + len(lines[row]) - len(part)
        if index:
            unit.text += "\n"
            unit.spans.append((base - 1, base))
            unit.flags.append(frozenset())
        unit.text += part
        unit.spans += [(base + i, base + i + 1) for i in range(len(part))]
        unit.flags += [frozenset()] * len(part)
        unit.end = base + len(part)
    return unit


def _item_prefix(unit: Unit, lines: list[str], starts: list[int], tokens: list[Token], index: int) -> None:
    """The list marker and indentation of an item's first paragraph, for inserting a sibling after it."""
    row = unit.line - 1
    line = lines[row]
    match = re.match(r"^([ \t>]*?)( *)([-*+]|\d{1,9}[.)])( +)", line)
    if match:
        unit.indent = match.group(1) + match.group(2)
        unit.prefix = match.group(3)


def _title(found: SourceMap, lines: list[str], starts: list[int], body_line: int) -> None:
    for row in range(1, max(body_line - 1, 1)):
        match = re.match(r"^title:[ \t]*(.*?)[ \t]*$", lines[row])
        if match is None:
            continue
        value = match.group(1)
        quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'"
        if quoted and ("\\" in value or "''" in value):
            return
        inner = value[1:-1] if quoted else value
        base = starts[row] + match.start(1) + (1 if quoted else 0)
        unit = Unit("title", 1, inner, [(base + i, base + i + 1) for i in range(len(inner))],
                    [frozenset()] * len(inner), start=starts[row], end=starts[row] + len(lines[row]))
        unit.prefix = "quoted" if quoted else ""
        found.body[1] = unit
        return
