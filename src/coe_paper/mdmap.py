"""A source map for a section file: for every block that becomes one Word paragraph (a paragraph, heading, list
item's paragraph, table cell, code block, raw HTML shown as code, footnote paragraph, and the title in the front
matter), the text Word shows and, for each of its characters, the range of the file that produced it.

`apply` uses it to turn an edit of the text a reader sees into an edit of the Markdown that leaves the markup
around it alone: emphasis, links, footnote references and code spans keep their delimiters."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field

from markdown_it.token import Token

from .captions import figure_image, outside_tables, split_id, table_captions
from .figure_notes import inline_notes, written_title
from .markdown import parse, row_cells
from .mdinline import InlineMap, MapError, Unit, references, visible_text
from .project import split_front_matter
from .structure import COMMENTS_ONLY

_PREFIX_RE = re.compile(r"^(?:[ \t>*+\-#\d.)]*|[ \t>]*\[\^[^\]]*\]:[ \t]*)$")


@dataclass
class SourceMap:
    text: str
    body: dict[int, Unit]  # by line: paragraphs, headings, items, code
    rows: dict[int, list[Unit]]  # by line: a table row's cells
    footnotes: dict[str, list[Unit]]  # by label
    refs: list[str]  # footnote labels in the order the body cites them, as Word shows it
    captions: dict[int, Unit] = field(default_factory=dict)  # a `Table:` line's unit by its table's first row line
    figures: dict[int, Unit] = field(default_factory=dict)  # a figure's caption (its image's title) by its line


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


def build(text: str, caption_ids: Container[str] = ()) -> SourceMap:
    """The map of a whole section file; a block the map cannot follow is left out (and so left alone). A link to
    one of the paper's `caption_ids` is a cross-reference, one character (mdinline.references)."""
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
    refs: list[tuple[int, str]] = []  # (the token where Word shows the reference, its label)
    above: dict[int, int] = {}  # a caption after its table: its paragraph_open -> the table's table_open
    captions, table = table_captions(tokens), 0
    for tok in tokens if caption_ids else ():
        if tok.type == "inline" and tok.children:
            tok.children = references(tok.children, caption_ids)
    for index, tok in enumerate(tokens):
        if tok.type == "table_open":
            table = index
        elif captions.get(index, ("", False))[1]:
            above[index] = table
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
        elif kind in ("fence", "code_block", "html_block") and tok.map and footnote is None \
                and not (kind == "html_block" and COMMENTS_ONLY.fullmatch(tok.content)):  # raw HTML shows as code
            # (render.py), and a comment nowhere
            unit = _code(tok, lines, starts, body_line)
            if unit is not None:
                found.body[unit.line] = unit
        elif kind == "inline":
            place = above.get(index - 1, index)  # a `Table:` caption after its table stands above it in Word
            refs += [(place, str(c.meta.get("label", ""))) for c in inline_notes(tok)]
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
    found.refs = [label for _, label in sorted(refs, key=lambda ref: ref[0])]
    for index, (_, below) in captions.items():
        row = next((t for t in tokens[above[index] if below else index + 3 :] if t.type == "tr_open"), None)
        inline = tokens[index + 1]
        unit = found.body.get(inline.map[0] + body_line + 1) if inline.map else None
        if row is not None and row.map and unit is not None:
            found.captions[row.map[0] + body_line + 1] = unit
    _figures(found, tokens, lines, starts, body_line)
    return found


def _figures(found: SourceMap, tokens: list[Token], lines: list[str], starts: list[int], body_line: int) -> None:
    """The words of each figure's caption, in the title of its image as written, `![alt](src "words {#id}")`;
    left out (and so left alone) when the title is not on one line, or holds escapes or entities, which would
    make its characters differ from the words Word shows."""
    for index, tok in outside_tables(tokens):
        image = figure_image(tok) if tok.type == "inline" and tok.map and tokens[index - 1].type == "paragraph_open" \
            else None
        title = str(image.attrs.get("title", "") or "") if image is not None else ""
        words = split_id(title)[0]
        if image is None or not words or "\n" in title or not tok.map:
            continue
        written, offsets = written_title(image)  # its footnote references (figure_notes.py) are no words
        first, last = tok.map[0] + body_line, tok.map[1] + body_line
        places = [(row, match) for row in range(first, min(last, len(lines)))
                  for match in re.finditer(r'(["\'(])' + re.escape(written) + r'(["\')])\s*\)', lines[row])
                  if match.group(1) + match.group(2) in ('""', "''", "()")]
        if len(places) != 1:
            continue
        row, match = places[0]
        base, lead = starts[row] + match.start(1) + 1, len(title) - len(title.lstrip())
        spans = [(base + at, base + at + 1) for at in
                 (offsets[lead + i] if offsets is not None else lead + i for i in range(len(words)))]
        found.figures[first + 1] = Unit("figure", first + 1, words, spans, [frozenset()] * len(words),
                                        start=starts[first], end=spans[-1][1])


def _unit(tok: Token, parent: Token, lines: list[str], starts: list[int], body_line: int, row_line: int,
          column: int = 0) -> Unit:
    """A unit whose text is known at once and whose character map is made when an edit needs it."""
    if parent.type in ("th_open", "td_open"):
        return _cell(tok, column, lines, starts, row_line, parent.type == "th_open")
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
        InlineMap(src, offsets, unit).run(children)
        if unit.text != expected:
            raise MapError("the map does not give the text")
        if unit.kind != "item":
            unit.prefix = lines[first][: offsets[0] - starts[first]] if offsets else ""
        unit.end = offsets[-1] if offsets else starts[first]

    unit.pending = fill
    return unit


def _cell(tok: Token, column: int, lines: list[str], starts: list[int], row_line: int, header: bool) -> Unit:
    """A table cell; a header cell's text is bold, as the paper writes it, so that bold typed there is no markup."""
    cells = row_cells(lines[row_line])
    unit = Unit("cell", row_line + 1)
    if column >= len(cells):
        raise MapError("cell not found in its row")
    col, raw = cells[column]
    offsets = [starts[row_line] + col + i for i in range(len(raw) + 1)]
    InlineMap(raw, offsets, unit).run(tok.children or [])
    if header:
        unit.flags = [flags | {"b"} for flags in unit.flags]
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
            unit.spans.append((starts[row] - 1, base))  # the line end, and the next line's prefix (indent, `> `)
            unit.flags.append(frozenset())
        unit.text += part
        unit.spans += [(base + i, base + i + 1) for i in range(len(part))]
        unit.flags += [frozenset()] * len(part)
        unit.end = base + len(part)
        if part and not unit.prefix:  # what the code's lines are written after: a list's indent, a quote's `> `
            unit.prefix = lines[row][: len(lines[row]) - len(part)]
    closing = lines[last - 1].lstrip(" \t>") if first + len(content) < last - 1 < len(lines) else ""
    if tok.type == "fence" and tok.markup and closing.startswith(tok.markup):  # its closing fence, which Word
        unit.close = starts[last - 1] + len(lines[last - 1])  # does not show, goes with the code
    if not unit.text.strip() and first < len(lines):  # no line to go by: the fence's
        unit.prefix = lines[first][: len(lines[first]) - len(lines[first].lstrip(" \t>"))]
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
