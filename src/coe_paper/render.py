"""Walk markdown-it tokens and emit Word body elements, one handler per token type; a paragraph's inline tokens
become runs in `render_inline.py`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from copy import deepcopy
from typing import TYPE_CHECKING

from . import captions as cap
from . import marks, ooxml, ooxml_sections
from .figure_notes import notes_of
from .markdown import is_run_in_heading, plain_text, slugify
from .render_inline import bookmark_name, clean, write_inline
from .render_sink import OpenList as _List
from .render_sink import Origin, Sink, keep_last_items, keep_lead_in
from .render_table import SPACE_AFTER_TABLE, SPACE_AFTER_TABLE_IN_NOTE, Table, space_after_tables
from .structure import COMMENTS_ONLY as _COMMENTS_ONLY

if TYPE_CHECKING:
    from markdown_it.token import Token

Element = ooxml.Element
_TABLE = ooxml.w("tbl")


class Renderer:
    """Renders one token stream (a section body, or a template's output) into a list of body elements."""

    def __init__(self, doc: Sink, origin: Origin | None = None) -> None:
        self.doc = doc
        self.origin = origin or Origin()
        self.out: list[Element] = []
        self._directions = False  # whether the tokens rendered hold right-to-left text (render sets it)
        self._sinks: list[list[Element]] = [self.out]
        self._lists: list[_List] = []
        self._nested: dict[tuple[int, int], bool] = {}  # (list instance, level): whether the nested lists there count
        self._quote = 0
        self._containers: list[str] = []  # "quote" and "list", outermost first
        self._table: Table | None = None
        self._cell_flags: tuple[str, ...] = ()
        self._footnote: int | None = None
        self._footnote_ids: dict[int, int] = {}
        self._footnote_copies: dict[int, list[int]] = {}  # local id -> ids of copies for repeated references
        self._footnote_local = 0  # markdown-it's id of the footnote being rendered
        self._captions_below: dict[int, Token] = {}  # table_open id -> the inline of its caption written after it
        self._landscape: list[Element] = []  # the captions of tables on landscape pages (see ooxml_sections)
        self._caption_notes: dict[int, list[int | None]] = {}  # such a caption's inline id -> its footnotes' ids
        self._p: Element | None = None
        self._heading: tuple[int, Element] | None = None  # level and paragraph awaiting its text
        self._figure: cap.Caption | None = None  # the caption that follows the paragraph being written
        self._figure_notes: list[Token] = []  # the footnote references of its words
        self._run_ins: list[Element] = []  # headings typed as a bold line of their own (`**Key findings**`)

    # -- driving -------------------------------------------------------------------------------------------
    def render(self, tokens: Sequence[Token]) -> list[Element]:
        handlers = _HANDLERS
        # paragraphs are given a direction only where the text has a right-to-left letter (most have none)
        self._directions = any(ooxml.any_right_to_left(token.content) for token in tokens if token.content)
        self._captions_below = cap.captions_after_tables(tokens, self.origin.captions)
        for token in tokens:
            handler = handlers.get(token.type)
            if handler is not None:
                handler(self, token)
        ooxml_sections.place_breaks(self.out, self._landscape)
        style = self.doc.style
        space_after_tables(self.out, {None, style("List Paragraph"), style("Quotations"), style("caption"),
                                      style("Source Code")}, SPACE_AFTER_TABLE)
        for p in self._run_ins:  # each heads the block after it, as a heading does; the section's last line, none
            if p is not self.out[-1]:
                ooxml.keep_with_next(p)
        if self._directions:
            ooxml.set_directions(self.out)
        return self.out

    def _emit(self, element: Element) -> None:
        self._sinks[-1].append(element)

    def _new_p(self, style: str | None, token: Token | None = None) -> Element:
        mark = None
        if token is not None and token.map and self.origin.section is not None and self._footnote is None:
            name = marks.source_mark(self.origin.section, self.origin.line_offset + token.map[0] + 1)
            if self.doc.claim_anchor(name):
                mark = (self.doc.next_bookmark_id(), name)
        p = ooxml.paragraph(self.doc.style(style) if style else None, mark)
        self._emit(p)
        self._p = p
        return p

    def _close_p(self, token: Token) -> None:
        self._p = None
        if self._figure is not None:
            caption, self._figure = self._figure, None
            p = ooxml.paragraph(self.doc.style("caption"))
            if self._indent():  # under its figure, in a list item or a quote
                ooxml.set_indent(p, self._indent())
            self._emit(self._caption(p, caption))
            cap.notes_after(p, map(self._footnote_ref, self._figure_notes), self.doc.style("footnote reference"))

    def _heading_close(self, token: Token) -> None:
        if self._table is None:
            self._cell_flags = ()
        self._close_p(token)

    def _caption(self, p: Element, caption: cap.Caption) -> Element:
        """Fill a caption paragraph; its `{#id}` becomes a bookmark around the label."""
        mark = None
        if caption.id:
            mark = (self.doc.next_bookmark_id(), bookmark_name(caption.id))
        return cap.caption_paragraph(p, caption, mark)

    def _table_caption(self, p: Element, caption: cap.Caption, token: Token) -> None:
        """A `Table:` paragraph as the table's caption, kept with the table and placed above it; its footnotes
        follow its words. Its source bookmark names the `Table:` line, wherever the table stands."""
        ooxml.set_style(p, self.doc.style("caption") or "Caption")
        ooxml.keep_with_next(p)
        self._caption(p, caption)
        if caption.landscape and self._footnote is None:  # a footnote has no pages of its own
            self._landscape.append(p)
        notes = self._caption_notes.pop(id(token), None)
        if notes is None:
            notes = [self._footnote_ref(child) for child in token.children or () if child.type == "footnote_ref"]
        cap.notes_after(p, notes, self.doc.style("footnote reference"))
        sink = self._sinks[-1]
        if caption.below and len(sink) >= 2 and sink[-1] is p and sink[-2].tag == _TABLE:
            sink[-2], sink[-1] = p, sink[-2]

    # -- blocks --------------------------------------------------------------------------------------------
    def _paragraph_open(self, token: Token) -> None:
        if self._table is not None:
            return
        style = str(token.attrs["class"]).replace("-", " ") if "class" in token.attrs else None
        if self._footnote is not None:
            style = "footnote text"
        elif self._containers:  # the innermost container decides: a quote in a list item is a quote
            style = "Quotations" if self._containers[-1] == "quote" else "List Paragraph"
        p = self._new_p(style, token)
        if style == "List Paragraph" and not token.hidden:  # a loose list: its paragraphs keep their space after
            ooxml.insert_ppr_child(ooxml.ppr(p), ooxml.new("contextualSpacing", val="0"))
        if self._footnote is not None and len(self._sinks[-1]) == 1:
            ooxml.footnote_ref_mark(p, self.doc.style("footnote reference"))
        self._place_in_list(p, continues=True)

    def _place_in_list(self, p: Element, continues: bool = False) -> None:
        """The first block of a list item carries its bullet or number; later blocks are indented to match (as the
        item's continuation); blocks in a quote are indented one step per quote level. A later paragraph of the
        item (`continues`: a paragraph, a quote's or a code block's) is in no list, said as Word and LibreOffice
        write a list paragraph without a number (numId 0): pandoc reads it as the item's next block, where one only
        indented began a block after the list and a second list (and see office_odf for the tagged PDF). A rule
        is not (pandoc knows it by its border alone)."""
        offset = 720 * self._quote
        if not self._lists:
            if offset:
                ooxml.set_indent(p, offset)
            return
        current = self._lists[-1]
        if current.pending:
            ooxml.set_numbering(p, current.num_id, current.level)
            current.pending = False
            if offset:
                ooxml.set_indent(p, offset + 720 * (current.level + 1), 360)
        else:
            if continues:
                ooxml.set_numbering(p, 0, current.level)
            ooxml.set_indent(p, offset + 720 * (current.level + 1))

    def _indent(self) -> int:
        """The left indent of a block that is not a paragraph (a table): its quotes' and list item's."""
        return 720 * self._quote + (720 * (self._lists[-1].level + 1) if self._lists else 0)

    def _heading_open(self, token: Token) -> None:
        # a heading inside a quote, a list item or a footnote stays there, as bold text
        if self._quote or self._lists or self._footnote is not None:
            self._paragraph_open(token)
            self._cell_flags = (ooxml.BOLD,)
            return
        level = min(int(token.tag[1:]), 9)
        p = self._new_p(f"heading {level}", token)
        self._place_in_list(p)
        self._heading = (level, p)

    def _list_open(self, token: Token) -> None:
        if self._lists and self._lists[-1].pending:  # an item that starts with a list: no empty item before it
            self._lists[-1].pending = False
        self._keep_lead_in()
        ordered = token.type == "ordered_list_open"
        start = int(token.attrs.get("start", 1)) if ordered else 1
        level = min(len(self._lists), 8)
        parent = self._lists[-1] if self._lists else None
        shown = self._nested.get((parent.num_id, level)) if parent is not None else None
        if parent is not None and start == 1 and parent.shared_with != parent.items and shown in (None, ordered):
            # the list's next level, as Word nests lists (a tagged PDF's L in LI), bullets or numbers as it has them;
            # a second list in the item, or one of the other kind where that level shows one, is a list of its own
            parent.shared_with = parent.items
            num_id = parent.num_id
            if shown is None:
                self._nested[(num_id, level)] = ordered
                if ordered != parent.kind:
                    self.doc.nest_list(num_id, level)
            kind = parent.kind
        else:
            num_id, kind = self.doc.new_list(ordered, level, start), ordered
        self._lists.append(_List(num_id, level, kind=kind))
        self._containers.append("list")

    def _keep_lead_in(self, figure: Element | None = None) -> None:
        keep_lead_in(self._sinks[-1], figure)

    def _list_close(self, token: Token) -> None:
        keep_last_items(self._sinks[-1], self._lists.pop())
        self._containers.pop()

    def _item_open(self, token: Token) -> None:
        self._lists[-1].pending = True
        self._lists[-1].items += 1
        self._lists[-1].starts.append(len(self._sinks[-1]))

    def _item_close(self, token: Token) -> None:
        if self._lists[-1].pending:  # an empty item still shows its bullet or number
            self._place_in_list(self._new_p("List Paragraph"))

    def _quote_open(self, token: Token) -> None:
        self._keep_lead_in()
        self._quote += 1
        self._containers.append("quote")

    def _quote_close(self, token: Token) -> None:
        self._quote -= 1
        self._containers.pop()

    def _code(self, token: Token) -> None:
        p, code = self._new_p("Source Code", token), self.doc.style("Source Text")  # tagged Code
        self._place_in_list(p, continues=True)
        for index, line in enumerate(token.content.rstrip("\n").split("\n")):
            if index:
                ooxml.line_break(p)
            if line:
                ooxml.run(p, clean(line), (), code)
        self._p = None

    def _html_block(self, token: Token) -> None:
        """Raw HTML shows as code, except comments (notes and `coe-paper: ignore` suppressions), which vanish."""
        if not _COMMENTS_ONLY.fullmatch(token.content):
            self._code(token)

    def _hr(self, token: Token) -> None:
        p = self._new_p(None, token)
        ooxml.set_bottom_border(p)
        self._place_in_list(p)
        self._p = None

    # -- tables --------------------------------------------------------------------------------------------
    def _table_open(self, token: Token) -> None:
        self._keep_lead_in()
        caption = self._captions_below.get(id(token))
        below = self.origin.captions.of(caption) if caption is not None and self.origin.captions else None
        above = self._landscape[-1] if self._landscape and self._sinks[-1] else None  # its caption, just written
        self._table = Table(landscape=below.landscape if below else above is not None and above is self._sinks[-1][-1])
        if caption is not None:  # its caption, written after it, goes above it: the caption's notes come first
            self._caption_notes[id(caption)] = [self._footnote_ref(child) for child in caption.children or ()
                                                if child.type == "footnote_ref"]

    def _thead(self, token: Token) -> None:
        assert self._table is not None
        self._table.in_head = token.type == "thead_open"

    def _tr_open(self, token: Token) -> None:
        assert self._table is not None
        self._table.add_row(token)

    def _cell_open(self, token: Token) -> None:
        table = self._table
        assert table is not None
        self._sinks.append(table.add_cell(token))
        self._new_p("Compact", table.row)  # only the first cell gets the row's `_Coe` bookmark (names are unique)
        self._sinks.pop()
        self._cell_flags = (ooxml.BOLD,) if table.in_head else ()

    def _table_close(self, token: Token) -> None:
        table = self._table
        assert table is not None
        self._table = None
        self._cell_flags = ()
        if self._lists and self._lists[-1].pending:  # an item that starts with a table: its bullet comes first
            self._place_in_list(self._new_p("List Paragraph"))
            self._p = None
        elif self._sinks[-1] and self._sinks[-1][-1].tag == _TABLE:  # Word would join the two tables into one
            self._emit(ooxml.paragraph())
        self._emit(table.element(self.doc.style("Table Grid"), self._indent(), self.doc.fit_pictures))

    # -- footnotes -----------------------------------------------------------------------------------------
    def _global_footnote(self, local: int) -> int:
        if local not in self._footnote_ids:
            self._footnote_ids[local] = self.doc.next_footnote_id()
        return self._footnote_ids[local]

    def _footnote_open(self, token: Token) -> None:
        self._footnote_local = int(token.meta["id"])
        self._footnote = self._footnote_ids.get(self._footnote_local, 0)  # 0: only other footnotes refer to it
        self._sinks.append([])

    def _footnote_close(self, token: Token) -> None:
        assert self._footnote is not None
        paragraphs = self._sinks.pop()
        space_after_tables(paragraphs, {self.doc.style("footnote text") or "footnote text",
                                        self.doc.style("Source Code")}, SPACE_AFTER_TABLE_IN_NOTE)
        if self._directions:
            ooxml.set_directions(paragraphs)
        if self._footnote:  # the text refers to it (footnotes are rendered after the text)
            self.doc.add_footnote(self._footnote, paragraphs)
        for copy in self._footnote_copies.get(self._footnote_local, ()):
            self.doc.add_footnote(copy, [deepcopy(p) for p in paragraphs])
        self._footnote = None

    def _footnote_ref(self, token: Token) -> int | None:
        """Word footnotes have one reference each: a footnote cited again gets its own copy. Word has no footnotes
        in footnotes: a reference inside one is left out (COE605)."""
        if self._footnote is not None:
            return None
        local = int(token.meta["id"])
        if local not in self._footnote_ids:
            return self._global_footnote(local)
        copy = self.doc.next_footnote_id()
        self._footnote_copies.setdefault(local, []).append(copy)
        return copy

    # -- inline --------------------------------------------------------------------------------------------
    def _inline(self, token: Token) -> None:
        p = self._p
        if p is None:
            p = self._new_p(None, token)
        found = self.origin.captions.of(token) if self.origin.captions is not None else None
        if found is not None and found.kind == cap.TABLE and self._table is None:
            self._table_caption(p, found, token)
            return
        if not self._lists and self._table is None and self._footnote is None and is_run_in_heading(token.children):
            self._run_ins.append(p)
        if self._heading is not None and self._heading[1] is p:
            heading, self._heading = self._heading[0], None
            text = plain_text(token.children, html_breaks=True)
            slug = slugify(plain_text(token.children))
            name = bookmark_name(slug) if slug and self.doc.claim_anchor(bookmark_name(slug)) else ""
            if not name:
                name = f"_Toc{self.doc.next_bookmark_id()}"
            ooxml.bookmark(p, self.doc.next_bookmark_id(), name)
            self.doc.add_heading(heading, text, name)
        write_inline(self.doc, self.origin.captions, token.children or [], p, self._cell_flags, self._footnote_ref,
                     self._image)

    def _image(self, token: Token, target: Element) -> None:
        src = str(token.attrs.get("src", ""))
        alt = clean(plain_text(token.children))
        title = clean(str(token.attrs.get("title", "") or ""))
        caption = self.origin.captions.of(token) if self.origin.captions is not None else None
        if caption is not None:
            title = caption.text
            if self._p is not None and self._table is None:
                # The caption is printed under the picture: as its title too, it began the PDF's alternative text
                # (LibreOffice writes "title - description"), and a screen reader read it twice.
                title = ""
                self._figure, self._figure_notes = caption, notes_of(token)
                ooxml.keep_with_next(self._p)
                self._keep_lead_in(self._p)
        path = f"{self.origin.base_dir}/{src}" if self.origin.base_dir else src
        room = 0  # the text's width; in a table, its column's (the table narrows it once the widths are known)
        if self._table is not None:
            self._table.add_picture()
        elif self._indent():  # a list item's or a quote's picture: the text's width less their indent
            room = ooxml.TEXT_WIDTH - self._indent()
        target.append(self.doc.picture(path, alt, title, f"[{alt or src}]", room, token.meta.get("width", 0)))


#: The method that renders each kind of block token. A table of the class, not of each renderer: bound methods
#: kept in the renderer made a cycle with it, so that it, its elements and its sink lived on until the cycle
#: collector found them (a worker then spent a twentieth of a large build collecting them).
_HANDLERS: dict[str, Callable[[Renderer, Token], None]] = {
    "paragraph_open": Renderer._paragraph_open,
    "paragraph_close": Renderer._close_p,
    "heading_open": Renderer._heading_open,
    "heading_close": Renderer._heading_close,
    "inline": Renderer._inline,
    "bullet_list_open": Renderer._list_open,
    "ordered_list_open": Renderer._list_open,
    "bullet_list_close": Renderer._list_close,
    "ordered_list_close": Renderer._list_close,
    "list_item_open": Renderer._item_open,
    "list_item_close": Renderer._item_close,
    "blockquote_open": Renderer._quote_open,
    "blockquote_close": Renderer._quote_close,
    "fence": Renderer._code,
    "code_block": Renderer._code,
    "html_block": Renderer._html_block,
    "hr": Renderer._hr,
    "table_open": Renderer._table_open,
    "table_close": Renderer._table_close,
    "thead_open": Renderer._thead,
    "thead_close": Renderer._thead,
    "tr_open": Renderer._tr_open,
    "th_open": Renderer._cell_open,
    "td_open": Renderer._cell_open,
    "footnote_open": Renderer._footnote_open,
    "footnote_close": Renderer._footnote_close,
}
