"""Write the project's Markdown (CommonMark + GFM tables, strikethrough and footnotes) from plain blocks: ATX
headings, `-` bullets and `1.` numbers, pipe tables, `[^n]` footnotes at the end, one line per paragraph, each
paragraph's formatted text pieces written by `mdpieces`. `importer` builds the blocks from a .docx."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mdpieces import Piece, paragraph


@dataclass
class Heading:
    level: int
    pieces: list[Piece]


@dataclass
class Para:
    pieces: list[Piece]
    style: str = "text"  # text, quote
    depth: int = 1  # a quote's: 2 for a quote inside a quote, ...
    item: Item | None = None  # a quote's paragraph that is a list item in the quote (its pieces are the item's)


@dataclass
class TableBlock:
    rows: list[list[list[Piece]]]  # the first row is the header
    aligns: list[str | None] = field(default_factory=list)


@dataclass
class Item:
    """A list item (or, with `continuation`, a further paragraph, a `table` or a `code` block of the item before it)
    at a nesting level."""

    level: int
    ordered: bool
    number: int
    pieces: list[Piece]
    continuation: bool = False
    list_id: str = ""
    table: TableBlock | None = None
    quote: bool = False  # a continuation that is a quote in the item
    code: Code | None = None  # a continuation that is a code block in the item
    spaced: bool = False  # set apart from the list's paragraph before it (Word's spacing): its list is loose


@dataclass
class Code:
    text: str


@dataclass
class Rule:
    pass


MdBlock = Heading | Para | Item | Code | Rule | TableBlock


@dataclass
class Writer:
    """Writes blocks; counts the paragraphs whose formatting Markdown could not express."""

    lost_formatting: int = 0

    def document(self, blocks: list[MdBlock], notes: list[tuple[str, list[MdBlock]]]) -> str:
        """The body: blocks separated by blank lines, then each footnote as `[^label]: text`."""
        out = self.blocks(blocks)
        for label, note_blocks in notes:
            text = self.blocks(note_blocks) or " "
            lines = text.split("\n")
            body = "\n".join(lines[:1] + [f"    {line}" if line else "" for line in lines[1:]])
            out += f"\n\n[^{label}]: {body}"
        return out.strip("\n") + "\n"

    def blocks(self, blocks: list[MdBlock]) -> str:
        parts: list[str] = []
        index = 0
        while index < len(blocks):
            block = blocks[index]
            if isinstance(block, Item):
                end = index
                while end < len(blocks) and isinstance(blocks[end], Item):
                    end += 1
                parts.append(self._list([b for b in blocks[index:end] if isinstance(b, Item)]))
                index = end
                continue
            if isinstance(block, Para) and block.style == "quote":
                end = index
                while end < len(blocks) and isinstance(blocks[end], Para) and blocks[end].style == "quote":  # type: ignore[union-attr]
                    end += 1
                parts.append(self._quote([b for b in blocks[index:end] if isinstance(b, Para)]))
                index = end
                continue
            parts.append(self._block(block))
            index += 1
        return "\n\n".join(part for part in parts if part)

    def _quote(self, paras: list[Para]) -> str:
        """Quoted paragraphs, each `>` deep as its quote; the line between two is quoted as the shallower one. List
        items in a row at one depth are a list in that quote."""
        lines: list[str] = []
        previous = 0
        index = 0
        while index < len(paras):
            para, end = paras[index], index + 1
            if para.item is not None:
                while end < len(paras) and paras[end].item is not None and paras[end].depth == para.depth:
                    end += 1
                text = self._list([p.item for p in paras[index:end] if p.item is not None])
            else:
                text = self.inline(para.pieces)
            index = end
            if not text:
                continue
            if lines:
                lines.append(" ".join(">" * min(previous, para.depth)))
            lines += [f"{'> ' * para.depth}{line}".rstrip() if line else " ".join(">" * para.depth)
                      for line in text.split("\n")]
            previous = para.depth
        return "\n".join(lines)

    def _block(self, block: MdBlock) -> str:
        if isinstance(block, Heading):
            text = self.inline([Piece(p.text.replace("\n", " "), p.flags, p.link, p.raw) for p in block.pieces])
            if text.endswith("#"):
                text = text[:-1] + "\\#"  # not a closing sequence
            return f"{'#' * block.level} {text}" if text else ""
        if isinstance(block, Para):
            return self.inline(block.pieces)
        if isinstance(block, Code):
            fence = "`" * max(3, max((len(m) for m in re.findall(r"`+", block.text)), default=0) + 1)
            return f"{fence}\n{block.text.rstrip(chr(10))}\n{fence}"
        if isinstance(block, Rule):
            return "***"
        if isinstance(block, TableBlock):
            return self._table(block)
        return ""

    def _list(self, items: list[Item]) -> str:
        lists = _lists(items)
        loose = {of for item, of in zip(items, lists, strict=True) if item.continuation}
        loose |= {of for item, of, before in zip(items[1:], lists[1:], lists[:-1], strict=True)
                  if item.spaced and of == before}  # apart from the item before it, in its list
        indents: list[int] = []  # content column of the open item at each level
        lines: list[str] = []
        previous: Item | None = None
        previous_part: Item | None = None  # the item's further paragraph written last, if it was
        delimiter = "."
        for item, of in zip(items, lists, strict=True):
            level = min(item.level, len(indents) if not item.continuation else max(len(indents) - 1, 0))
            pad = " " * (indents[level - 1] if level else 0)
            text = (self._table(item.table) if item.table is not None else self._block(item.code) if item.code
                    else self.inline(item.pieces))
            if item.continuation:
                if text:
                    indent = " " * (indents[level] if level < len(indents) else len(pad))
                    quoted = item.quote and previous_part is not None and previous_part.quote
                    lines.append(f"{indent}>" if quoted else "")  # a quote's paragraphs: one quote
                    lines += [f"{indent}{'> ' if item.quote else ''}{line}" if line else ""  # a code block's
                              for line in text.split("\n")]  # blank line stays blank
                    previous_part = item
                continue
            previous_part = None
            if level == 0 and previous is not None and _restarts(item, previous):
                delimiter = ")" if delimiter == "." else "."  # a new list right after another one
            marker = f"{item.number}{delimiter}" if item.ordered else "-"
            del indents[level:]
            indents.append(len(pad) + len(marker) + 1)
            if lines and (of in loose or (level == 0 and previous is not None and item.ordered != previous.ordered)):
                lines.append("")  # between the items of a loose list, and between two lists
            first, *rest = text.split("\n")  # more lines: a table the item holds alone, under its first line
            lines.append(f"{pad}{marker} {first}".rstrip())
            lines += [" " * indents[-1] + line for line in rest]
            if level == 0:
                previous = item
        return "\n".join(lines)

    def _table(self, table: TableBlock) -> str:
        width = max(len(row) for row in table.rows)
        rows = [[self.inline(cell, in_table=True) for cell in row] + [""] * (width - len(row)) for row in table.rows]
        aligns = (table.aligns + [None] * width)[:width]
        rule = {None: "---", "left": ":--", "center": ":-:", "right": "--:"}
        lines = ["| " + " | ".join(cells) + " |" for cells in rows]
        lines.insert(1, "|" + "|".join(rule.get(a, "---") for a in aligns) + "|")
        return "\n".join(line.replace("|  |", "| |") for line in lines)

    # -- inline --------------------------------------------------------------------------------------------
    def inline(self, pieces: list[Piece], in_table: bool = False) -> str:
        """One paragraph's Markdown on one line (see mdpieces.paragraph)."""
        text, lost = paragraph(pieces, in_table)
        self.lost_formatting += lost
        return text


def _lists(items: list[Item]) -> list[int]:
    """Which list of the run each item is in, by number: a new one where a top-level item's kind changes (bullets
    to numbers) or numbering starts again, as `_list` writes them (CommonMark ends a list there). A list with an
    item of further paragraphs, or one set apart from the item before it (`Item.spaced`), is loose, its items apart;
    the lists beside it stay as tight as they are."""
    out: list[int] = []
    previous: Item | None = None
    for item in items:
        new = previous is not None and item.level == 0 and not item.continuation and (
            item.ordered != previous.ordered or _restarts(item, previous))
        out.append((out[-1] if out else 0) + new)
        if item.level == 0 and not item.continuation:
            previous = item
    return out


def _restarts(item: Item, previous: Item) -> bool:
    """Whether a numbered top-level item begins a new list right after the numbered list of `previous`: it is of
    another list and does not count on from it ("1." again, or "5." after "2.", which CommonMark would number 3)."""
    return item.ordered and previous.ordered and item.list_id != previous.list_id and \
        item.number != previous.number + 1
