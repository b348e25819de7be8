"""What a renderer writes into (`Sink`: the document being built, or a section's fragment) and where the content
it renders comes from (`Origin`: the section, its first line, its folder, the paper's captions), and the state of
a list it is rendering (`OpenList`); and what a renderer keeps on the page of what follows it: a list's last but one
item (`keep_last_items`), a paragraph that introduces what follows it (`keep_lead_in`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from . import captions as cap
from . import ooxml

Element = ooxml.Element


class Sink(Protocol):
    """What a renderer writes into: the document being built (see docx_writer.DocxBuilder)."""

    def style(self, name: str) -> str | None: ...
    def new_list(self, ordered: bool, level: int, start: int) -> int: ...
    def nest_list(self, num_id: int, level: int) -> None: ...  # list num_id's `level` is of the other kind
    def hyperlink_rel(self, url: str) -> str: ...
    def picture(self, path: str, alt: str, title: str, missing: str, room: int = 0, width: int = 0
                ) -> Element: ...
    def fit_pictures(self, elements: Sequence[Element], room: int) -> None: ...
    def next_footnote_id(self) -> int: ...
    def add_footnote(self, footnote_id: int, paragraphs: list[Element]) -> None: ...
    def next_bookmark_id(self) -> int: ...
    def claim_anchor(self, anchor: str) -> bool: ...
    def add_heading(self, level: int, text: str, bookmark: str) -> None: ...


@dataclass
class Origin:
    """Where rendered content comes from, for hidden source bookmarks (`_Coe{section}_{line}`)."""

    section: int | None = None
    line_offset: int = 0  # 0-based file line of the Markdown's first line
    base_dir: str = ""  # directory that relative image paths start from
    captions: cap.Captions | None = None  # the paper's figure and table captions (see captions.py)


@dataclass
class OpenList:
    """A list being rendered: its numbering instance, its level, and whether it has items yet; its items so far
    and the item that holds a list numbered as its instance's deeper level (see Renderer._list_open in render.py);
    where in the elements written each item begins (`starts`)."""

    num_id: int
    level: int
    pending: bool = False
    kind: bool = False  # whether the list instance it is a level of was made for a numbered list
    items: int = 0
    shared_with: int = -1
    starts: list[int] = field(default_factory=list)


#: The most paragraphs of a list's last but one item that are kept on the page of its last item.
SHORT_ITEM = 3


def keep_last_items(written: Sequence[Element], opened: OpenList) -> None:
    """Keep the last but one item of list `opened` (its paragraphs in `written`) on the page of its last item, so
    that the last item never opens a page alone, where that item is short: at most SHORT_ITEM paragraphs (a nested
    list's included) and no table; a longer one would push a long stretch of the list to the next page."""
    if len(opened.starts) < 2:
        return
    before = written[opened.starts[-2]:opened.starts[-1]]
    if 0 < len(before) <= SHORT_ITEM and all(element.tag == ooxml.P for element in before):
        for p in before:
            ooxml.keep_with_next(p)


def keep_lead_in(written: Sequence[Element], figure: Element | None = None) -> None:
    """A paragraph that ends with a colon right before a list, a quote, a table or a `figure` (its paragraph, written
    already) introduces it: it stays on the page of the list's first item, the quote's first line, the table's first
    row or the figure rather than end a page alone."""
    if figure is not None:
        written = written[:-1] if written and written[-1] is figure else []
    if written and written[-1].tag == ooxml.P and ooxml.text_of(written[-1]).rstrip().endswith(":"):
        ooxml.keep_with_next(written[-1])
