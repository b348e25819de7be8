"""What the Word reader gives: a .docx's body, footnotes and endnotes as blocks (paragraphs and tables) of runs,
each run with its formatting, tracked-change mark, link, note or image, and the document's styles, numbering and
properties; and two views of the blocks: with every change accepted (`accepted`), and every paragraph in document
order (`paragraphs`); and a note's own mark taken off its text (`strip_mark`). `wordread.py` fills them in;
`import`, `apply`, `comments` and `audit` read them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .safedocx import SafeDocx
    from .wordparts import Style

OBJECT = "\ufffc"  # stands for a footnote reference or an image in a paragraph's text


#: The link of a run in a hyperlink whose relationship (its target) the draft lacks: the words stay, the link cannot.
NO_TARGET = ""

#: What an altChunk is counted as: a part in another format (HTML, RTF) that Word converts when it opens the file.
EMBEDDED = "embedded content"

@dataclass(frozen=True)
class Rev:
    """A tracked change: `ins` or `del`, by whom and when. A deletion of words another tracked insertion added (a
    w:del inside a w:ins) names the insertion's author: those words were not in the document as built. A move's
    words (Word's w:moveFrom and w:moveTo) are `moved`, as are words deleted inside the move's end."""

    kind: str
    author: str
    date: str = ""
    inserted_by: str | None = None
    moved: bool = field(default=False, compare=False)  # a move's (w:moveFrom, w:moveTo), or a deletion inside one

    @property
    def built(self) -> bool:
        """Whether the marked text was there before any change (every change rejected)."""
        return self.kind == "del" and self.inserted_by is None


@dataclass
class Run:
    text: str  # visible text: "\n" for a line break, "\t" for a tab, OBJECT for a note reference or an image
    flags: frozenset[str] = frozenset()  # b, i, s, u, mark, code, sup, sub, caps, smallcaps (see rpr_flags)
    rev: Rev | None = None
    link: str | None = None  # an external URL, or "#bookmark"; NO_TARGET in a link to a target the draft lacks
    note: tuple[str, str] | None = None  # ("footnote" | "endnote", id)
    image: tuple[str, str] | None = None  # (part name, description)
    extent: tuple[int, int] | None = None  # the size a picture is shown at (EMU), as the draft gives it
    comments: frozenset[str] = frozenset()  # ids of the comments whose ranges hold this run
    page: bool = False  # the result of a page reference (PAGEREF): its link shows the draft's page number
    reformatted: Rev | None = field(default=None, compare=False)  # its formatting changed, tracked: w:rPrChange


@dataclass(frozen=True)
class Comment:
    """A comment in the document's comments part: the id its ranges name, who wrote it and what it says."""

    id: str
    author: str
    text: str


@dataclass
class Paragraph:
    style: str = ""  # style id
    style_name: str = ""
    outline: int | None = None  # 0-based outline level, from the paragraph or its style
    num: tuple[str, int] | None = None  # (numId, ilvl)
    unlisted: bool = False  # its own numbering is none (numId 0): as LibreOffice saves a list item's further paragraph
    bookmarks: list[str] = field(default_factory=list)
    mark: Rev | None = None  # the paragraph mark inserted or deleted
    runs: list[Run] = field(default_factory=list)
    origin: str = "body"  # body, textbox, diagram, chart, contents (a table of contents' content control), chunk
    formatting_changed: bool = False
    restyled: Rev | None = None  # its properties (its style) changed with Track Changes on: w:pPrChange
    align: str | None = None  # w:jc: left, center, right, both, ...
    indent: int | None = None  # left indent in twips, where the paragraph sets one
    border_below: bool = False  # a bottom border (how Word draws a horizontal rule)
    rule: bool = False  # holds a horizontal line drawn as a shape (VML's o:hr: Word's Horizontal Line, pandoc's ***)
    rtl: bool | None = None  # written from right to left (w:bidi, of the paragraph or its style); None: not said
    dropped: Counter[str] = field(default_factory=Counter)  # this paragraph's share of WordDocument.dropped
    comment_marks: list[str] = field(default_factory=list)  # comments that start or are referenced here, in order
    fields: list[str] = field(default_factory=list)  # instructions of the fields whose shown text it keeps ("SEQ
    # ...", "PAGEREF ...")
    equations: list[str] = field(default_factory=list)  # its equations' linear text, kept as text in its runs
    space: tuple[int, int] = (0, 0)  # space before and after it in twips, from it, its style or the defaults
    contextual: bool = False  # no space between it and a paragraph of its style (w:contextualSpacing)

    def text(self, accept: bool = True) -> str:
        """The visible text with every change accepted (or, with accept=False, rejected)."""
        if accept:
            return "".join(r.text for r in self.runs if r.rev is None or r.rev.kind != "del")
        return "".join(r.text for r in self.runs if r.rev is None or r.rev.built)


@dataclass
class Cell:
    blocks: list[Block] = field(default_factory=list)
    span: int = 1
    vmerge: str | None = None  # "restart" or "continue"


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    rev: Rev | None = None
    header: bool = False


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    nested: bool = False
    origin: str = "body"  # body, or textbox: a table in a text box (see Paragraph.origin)
    widths: list[int | None] = field(default_factory=list)  # its grid's columns' widths in twips, where given


Block = Paragraph | Table


@dataclass
class WordDocument:
    blocks: list[Block]
    notes: dict[tuple[str, str], list[Block]]
    styles: dict[str, Style]
    numbering: dict[tuple[str, int], str]  # (numId, ilvl) -> numFmt ("bullet", "decimal", ...)
    properties: dict[str, str]
    dropped: Counter[str]  # what has no Markdown form, by kind
    comments: list[Comment]
    docx: SafeDocx
    starts: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> first number, if not 1
    core: dict[str, str] = field(default_factory=dict)  # core properties: title, creator, ...
    lists: dict[str, tuple[str, frozenset[int]]] = field(default_factory=dict)  # numId -> its abstract list and
    # the levels it restarts (see wordparts.numbering)
    indents: dict[tuple[str, int], int] = field(default_factory=dict)  # (numId, ilvl) -> its left indent in twips
    custom_marks: dict[tuple[str, str], str] = field(default_factory=dict)  # a note referred to by a mark of its
    # own ("*", "†") rather than its number -> that mark
    default_style: str = ""  # the paragraph style of a paragraph that names none
    default_spacing: tuple[int | None, int | None] = (None, None)  # space before and after under every style's

    def image_bytes(self, part: str) -> bytes:
        return self.docx.read(part)


def accepted(blocks: list[Block], changes: list[Rev] | None = None) -> list[Block]:
    """The blocks as they read with every tracked change accepted: a deleted paragraph mark joins the paragraph to
    the next one, deleted table rows go (the tracked changes of rows, inserted or deleted, and the deleted marks are
    added to `changes`, which no run or paragraph then shows). Runs keep their marks (leave out those with
    `rev.kind == "del"`); the blocks given are not changed."""
    out: list[Block] = []
    carry: Paragraph | None = None  # a paragraph whose mark is deleted: joined to the next paragraph
    for block in blocks:
        if isinstance(block, Table):
            if carry is not None:  # no mark joins a paragraph to a table (Word keeps it): it stays before it
                out.append(replace(carry, mark=None))
                carry = None
            if changes is not None:
                changes += [row.rev for row in block.rows if row.rev is not None]
            rows = [replace(row, cells=[replace(cell, blocks=accepted(cell.blocks, changes)) for cell in row.cells])
                    for row in block.rows if row.rev is None or row.rev.kind != "del"]
            out.append(replace(block, rows=rows))
            continue
        if carry is not None:
            block = replace(block, runs=carry.runs + block.runs)
            carry = None
        if block.mark is not None and block.mark.kind == "del":
            if changes is not None:  # the joined paragraphs show no mark of it
                changes.append(block.mark)
            carry = block
            continue
        out.append(block)
    if carry is not None:  # the last paragraph of its story: nothing to join, its style kept
        out.append(replace(carry, mark=None))
    return out


def deleted_with(blocks: list[Block], deletion: Rev) -> None:
    """Mark the runs of `blocks` (a text box's or a diagram's) deleted by `deletion`, the deletion of the shape that
    holds them; runs with a change of their own keep it."""
    for para in paragraphs(blocks):
        para.runs = [replace(run, rev=deletion) if run.rev is None else run for run in para.runs]


def paragraphs(blocks: list[Block]) -> list[Paragraph]:
    """Every paragraph, table cells included, in document order."""
    out: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block)
        else:
            for row in block.rows:
                for cell in row.cells:
                    out += paragraphs(cell.blocks)
    return out


def strip_mark(blocks: list[Block], mark: str) -> None:
    """A note with a mark of its own begins with that mark typed (Word writes no w:footnoteRef for it): the mark, and
    the space or tab after it, are the note's number, not its text."""
    first = next(iter(paragraphs(blocks)), None)
    if first is None or not first.text().lstrip().startswith(mark.strip()):
        return
    rest, started = mark.strip(), False
    for run in first.runs:
        if run.rev is not None and run.rev.kind == "del":
            continue
        if rest:
            text = run.text.lstrip() if not started else run.text
            started = started or bool(text)
            taken = min(len(rest), len(text))
            rest, run.text = rest[taken:], text[taken:]
        if not rest:
            run.text = run.text.lstrip(" \t")
            if run.text:
                break


def contents_origin(paragraphs: list[Paragraph], end: Paragraph | None) -> None:
    """Mark the paragraphs of a table of contents' content control as its entries, up to the one where its last
    TOC field ends (`end`; all of them without one). LibreOffice writes the heading and paragraphs after a contents
    and a list of figures in the same control, which Word shows as ordinary text."""
    last = next((i for i, para in enumerate(paragraphs) if para is end), len(paragraphs) - 1)
    for para in paragraphs[:last + 1]:
        para.origin = "contents"
