"""Turn a member's Word draft into a section body: wordread's blocks -> mdwrite's blocks -> Markdown, with a
warning (a Diagnostic on the draft) for everything that changes on the way or has no Markdown form.

Headings come from outline levels and heading style names (localised ones too); the first Title or Heading 1 is
the section's title and the other headings shift so the body starts at `##`. Lists come from Word's numbering,
tables keep a header row, footnotes and endnotes become `[^n]` footnotes, images are returned for the caller to
write. Tracked changes are taken as accepted. A paper that coe-paper assembled gives back just the section asked
for (by its hidden `_Coe{n}_{line}` bookmarks, in `importer_part.py`). Each paragraph's kind (title, heading, list
item, code, ...) is decided in `importer_kinds.py`, a list item's number in `importer_items.py`, a table's Markdown
in `importer_table.py`, a paragraph's direction in `importer_direction.py`, its pictures in
`importer_images.py`, the warnings counted at the end in `importer_summary.py`. Nothing is printed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import importer_kinds, wordread
from . import wordblocks as wb
from .captions_read import DraftCaptions, numbers_shown, read_caption
from .diagnostics import Diagnostic, warning
from .importer_anchors import draft_anchors, unlink
from .importer_direction import directed, directed_title
from .importer_images import DraftImages
from .importer_items import ListNumbers, apart, resumptions, unlisted_place
from .importer_kinds import TYPED, extra_indent, md_levels, paragraph_kind, quote_depths, repeated_title, title_lines
from .importer_part import assembled_section
from .importer_summary import summary
from .importer_table import TABLE_CHANGES, table_block
from .markdown import is_safe_link
from .marks import SECTIONS
from .mdpieces import Piece, all_flagged, cut, with_flags
from .mdwrite import Code, Heading, Item, MdBlock, Para, Rule, TableBlock, Writer

_ALLOWED = frozenset({"b", "i", "s", "sup", "sub", "u", "mark", "code"})
#: Formatting Markdown has no form for, counted by the stretches of text it is on: the words stay as typed.
_CAPS = {"caps": "all caps (the words kept as typed, not in capitals)",
         "smallcaps": "small caps (the words kept as typed, not in small capitals)"}

# Codes of the import range; the README's rule table lists them.
DROPPED, FAKE_HEADING, TYPED_LIST = "COE903", "COE904", "COE905"
MERGED, FLATTENED, LINK, HEADINGS = "COE906", "COE907", "COE908", "COE909"
FORMATTING, PART, TITLE, UNLISTED = "COE911", "COE912", "COE913", "COE915"


@dataclass
class Options:
    id: str
    title: str | None = None
    known_ids: frozenset[str] = frozenset()  # the project's section ids: links to them survive
    image_link: str = "../paper/images"  # how the section file reaches the images folder
    taken: frozenset[str] = frozenset()  # picture file names the draft's pictures may not take


@dataclass
class Imported:
    title: str
    body: str
    images: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, bytes)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    author: str = ""  # the draft's author as Word recorded it


def import_draft(path: Path, options: Options) -> Imported:
    """Read a draft and convert it; raises DocxError when the file is not a usable .docx."""
    doc = wordread.read(path)
    try:
        return convert(doc, path.name, options)
    finally:
        doc.docx.close()


def convert(doc: wb.WordDocument, name: str, options: Options) -> Imported:
    return _Converter(doc, name, options).run()


def _text(para: wb.Paragraph) -> str:
    return para.text().replace(wb.OBJECT, "")


class _Converter:
    def __init__(self, doc: wb.WordDocument, name: str, options: Options) -> None:
        self.doc, self.name, self.options = doc, name, options
        self.found: list[Diagnostic] = []
        self.counts: Counter[tuple[str, str]] = Counter()  # (code, what) -> how many
        self.notes: dict[tuple[str, str], str] = {}  # (kind, id) -> label, in order of reference
        self.anchors: dict[str, str] = {}  # bookmark -> Markdown anchor
        self.caption_ids: dict[int, str] = {}  # a caption referred to (by its block's id) -> its {#id}
        self.placed: set[str] = set()  # the ids of the captions placed
        self.writer = Writer()
        self.assembled = SECTIONS in doc.properties  # and only the section asked for is imported (see _select)
        self.built = self.assembled  # a paper coe-paper assembled, which writes a note cited twice as two notes
        self.known_ids = set(options.known_ids)
        self.paragraphs: list[wb.Paragraph] = []  # everything imported, notes included, for the counts
        self.row_changes: list[wb.Rev] = []  # tables' rows inserted or deleted (a deleted one is left out)
        self.listed: set[int] = set()  # the paragraphs of a contents or list of figures (by id), left out
        self.numbers = ListNumbers(doc)
        self._copies: dict[tuple[str, object], str] = {}  # a note's kind and content -> its label (see _note_ref)
        self.renumbered: Counter[str] = Counter()  # a placed caption's SEQ field: the paper numbers it, not dropped
        self.pictures = DraftImages(doc, name, options.id, options.image_link, self.warn, self.counts, options.taken)

    def warn(self, code: str, message: str, hint: str = "") -> None:
        self.found.append(warning(self.name, 0, 0, code, message, hint))

    # -- the whole draft -----------------------------------------------------------------------------------
    def run(self) -> Imported:
        blocks = wb.accepted(self._select(), self.row_changes)
        kinds = [(block, self._kind(block) if isinstance(block, wb.Paragraph) else ("table", 0)) for block in blocks]
        title_at = next((i for i, (_, k) in enumerate(kinds) if k[0] == "title"), None)
        if title_at is None:
            title_at = next((i for i, (_, k) in enumerate(kinds) if k == ("heading", 1)), None)
        lines = title_lines(kinds, title_at)  # a title of two lines is two Title paragraphs
        title = self._title([kinds[i][0] for i in lines])
        again = repeated_title(kinds, lines[-1] if lines else None, title)
        if again is not None:
            self.warn(TITLE, f"the draft's first heading repeats its title '{title}': left out")
        body = [pair for i, pair in enumerate(kinds) if i not in (*lines, again)]
        self.anchors, self.caption_ids = draft_anchors(self.doc, body, [kinds[i][0] for i in (
            *lines, *([again] if again is not None else []))], self.known_ids, self.options.id)
        md = self._blocks(body, self._levels(body))
        notes: list[tuple[str, list[MdBlock]]] = []
        index = 0
        while index < len(self.notes):  # a note may cite another one, which joins the end of the list
            key, label = list(self.notes.items())[index]
            note_blocks = wb.accepted(self.doc.notes.get(key, []), self.row_changes)
            notes.append((label, self._blocks([(b, self._kind(b, note=True) if isinstance(b, wb.Paragraph)
                                                 else ("table", 0)) for b in note_blocks], {})))
            index += 1
        unplaced = set(self.caption_ids.values()) - self.placed
        if unplaced:  # stays a paragraph: no id to refer to
            self.counts[(LINK, "links to places in the draft that are not headings kept as text")] += unlink(
                [*md, *(block for _, blocks in notes for block in blocks)], unplaced)
        text = self.writer.document(md, notes)
        for code, message, hint in summary(self.doc, self.paragraphs, self.listed, self.assembled, self.renumbered,
                                           self.writer.lost_formatting, self.counts, self.row_changes):
            self.warn(code, message, hint)
        author = self.doc.core.get("creator") or self.doc.core.get("lastModifiedBy", "")
        return Imported(title, text, self.pictures.data, self.found, author)

    def _select(self) -> list[wb.Block]:
        """The whole body, or, for a paper coe-paper assembled, the blocks of the section asked for."""
        if not self.assembled:
            return self.doc.blocks
        part = assembled_section(self.doc, self.options.id)
        self.known_ids |= set(part.ids)  # links to the paper's other sections survive
        self.assembled = not part.whole
        if part.message:
            self.warn(PART, part.message)
        return part.blocks

    def _kind(self, para: wb.Paragraph, note: bool = False) -> tuple[str, int]:
        return paragraph_kind(para, self.doc.numbering, self.assembled, note)

    def _title(self, paras: list[wb.Block]) -> str:
        found = " ".join(" ".join(_text(p) for p in paras if isinstance(p, wb.Paragraph)).split())
        for run in (r for p in paras if isinstance(p, wb.Paragraph) for r in p.runs):  # the title holds text only
            if run.note is not None and (run.rev is None or run.rev.kind != "del"):
                note = " ".join(_text(p) for p in wb.paragraphs(wb.accepted(self.doc.notes.get(run.note, []))))
                self.warn(DROPPED, f"dropped the {run.note[0]} on the title: '{' '.join(note.split())}'",
                          "if it is needed, put it on the section's first paragraph")
            elif run.image is not None and (run.rev is None or run.rev.kind != "del"):
                self.counts[(DROPPED, "pictures in the title")] += 1
        if self.options.title:
            if found and found != self.options.title:
                self.warn(TITLE, f"the draft's title '{found}' is replaced by --title '{self.options.title}'")
            return self.options.title
        if found:
            return directed_title([p for p in paras if isinstance(p, wb.Paragraph)], found)
        core = " ".join(self.doc.core.get("title", "").split())
        fallback = core or self.options.id.replace("-", " ").capitalize()
        self.warn(TITLE, f"the draft has no Title or Heading 1; the title is '{fallback}'",
                  "give the section's title with --title")
        return fallback

    def _levels(self, body: list[tuple[wb.Block, tuple[str, int]]]) -> dict[int, int]:
        """Markdown level of each heading (by block id; see md_levels), and what changed on the way."""
        out, adjusted = md_levels(body)
        numbered = sum(isinstance(block, wb.Paragraph) and block.num is not None  # not coe-paper's own numbers
                       and self.doc.numbering.get(block.num, "none") != "none" for block, (kind, _) in body
                       if kind == "heading" and not self.assembled)
        if numbered:
            self.counts[(HEADINGS, "heading numbers (Word's automatic numbering) left out")] += numbered
        if adjusted:
            self.counts[(HEADINGS, "headings moved up so that no level is skipped (or below level 6)")] += adjusted
        return out

    # -- blocks --------------------------------------------------------------------------------------------
    def _blocks(self, body: list[tuple[wb.Block, tuple[str, int]]], levels: dict[int, int]) -> list[MdBlock]:
        out: list[MdBlock] = []
        counters: dict[tuple[str, int], int] = {}
        one_line_code = False  # the last block is code typed a line per paragraph, which the next line joins
        code_lines: dict[int, tuple[Code, list[str]]] = {}  # such a block's lines, joined once at the end
        captions = DraftCaptions()
        resumed = resumptions(self.doc, body)  # where a list goes on after a paragraph unnumbered (see _paragraph)
        for position, (block, (kind, level)) in enumerate(body):
            captions.placed(out)
            if isinstance(block, wb.Table):
                table, item = self._table(block), out[-1] if out else None
                if not isinstance(item, Item) or not importer_kinds.drawn_in_item(body, position):
                    out.append(table)
                elif item.pieces or item.continuation or item.table:  # a text box's in a list item: the item's
                    out.append(Item(item.level, item.ordered, item.number, [], True, table=table))
                else:  # the item holds the text box alone
                    item.table = table
                continue
            if kind == "caption":  # before its fields count as dropped: the caption comes back whole
                read_caption(block, out, self.anchors, self._note_ref)
                continue
            self.paragraphs.append(block)
            if kind == "code" and any(r.note or r.image for r in block.runs if r.rev is None or r.rev.kind != "del"):
                kind = "code spans"  # a code block holds no note or picture: a paragraph of code spans does
                self.counts[(FORMATTING, "paragraphs in a code style holding a note or picture written as "
                             "paragraphs of code spans")] += 1
            if kind == "code":
                text, last = _text(block).replace("\t", "    "), out[-1] if out else None
                code = last.code if isinstance(last, Item) else last
                if one_line_code and "\n" not in text and isinstance(code, Code):
                    code_lines.setdefault(id(code), (code, [code.text]))[1].append(text)
                elif block.num is not None and self.doc.numbering.get(block.num) == "none" and isinstance(last, Item):
                    out.append(Item(min(block.num[1], last.level), last.ordered, last.number, [], True,
                                    code=Code(text)))  # numbered with no mark, as pandoc writes code in an item
                else:
                    out.append(Code(text))
                one_line_code = "\n" not in text
                continue
            one_line_code = False
            if kind in ("toc", "figures", "byline"):
                self.listed.add(id(block))  # its page references are the list's, dropped with it
                if kind != "byline":
                    self.counts[(DROPPED, "table of contents entries (Word makes them from the headings)" if kind ==
                                 "toc" else "list of figures entries (Word makes them from the captions)")] += 1
                continue
            pieces = self._pieces(block.runs) if kind == "draft caption" else directed(block, self._pieces(block.runs))
            if kind == "draft caption":
                following = body[position + 1][0] if position + 1 < len(body) else None
                if captions.place(block.style_name, pieces, out, following, self.caption_ids.get(id(block), "")):
                    self.renumbered["field SEQ"] += any(f.upper().startswith("SEQ ") for f in block.fields)
                    continue
            if not any(p.raw or p.text.strip() for p in pieces) and not (  # an item holding a drawing alone stays
                    kind == "item" and importer_kinds.drawn_in_item(body, min(position + 1, len(body) - 1))):
                if block.border_below or block.rule:
                    out.append(Rule())
                continue
            if kind == "subtitle":  # a section has none: its words stay, in italics, where the draft has them
                self.warn(TITLE, f"the draft's subtitle '{' '.join(_text(block).split())}' is kept as a paragraph "
                          "in italics", "a section has no subtitle: make it part of the title (--title) or a sentence")
            if kind in ("code spans", "subtitle"):
                out.append(Para(with_flags(pieces, add=frozenset({"code" if kind == "code spans" else "i"}))))
            elif kind == "heading":  # a whole heading in bold (as Google Docs writes it) is in the heading's own look
                bold = frozenset("b") if not self.assembled and all_flagged(pieces, "b") else frozenset()
                out.append(Heading(levels.get(id(block), 2), with_flags(pieces, drop=bold)))
            elif kind == "quote":  # numbered or bulleted too: an item of a list in the quote
                marked = block.num is not None and self.doc.numbering.get(block.num, "decimal") != "none"
                item = self._item(block.num, block.num[1], pieces, counters) if block.num and marked else None
                if block.num is not None and not marked and out and isinstance(out[-1], Item):  # numbered with no
                    previous = out[-1]  # mark, as pandoc writes a quote in a list item: the item's
                    out.append(Item(min(block.num[1], previous.level), previous.ordered, previous.number, pieces,
                                    continuation=True, quote=True))
                else:
                    out.append(Para(pieces, "quote", depth=extra_indent(block, self.doc.styles), item=item))  # see
                    # quote_depths
            elif kind == "item":
                assert block.num is not None
                item, before = self._item(block.num, level, pieces, counters, block.indent), body[position - 1][0]
                item.spaced = bool(out) and isinstance(out[-1], Item) and isinstance(before, wb.Paragraph) and \
                    apart(before, block)
                out.append(item)
            else:
                out.append(self._paragraph(block, pieces, out, importer_kinds.drawn_in_item(body, position),
                                           resumed.get(position)))
        for code, lines in code_lines.values():
            code.text = "\n".join(lines)
        captions.placed(out)
        self.placed |= captions.ids
        quote_depths(out)
        return out

    def _item(self, num: tuple[str, int], level: int, pieces: list[Piece],
              counters: dict[tuple[str, int], int], indent: int | None = None) -> Item:
        item, other = self.numbers.item(num, level, pieces, counters, indent)
        if other:
            self.counts[(FORMATTING, "list items numbered with letters or Roman numerals where the paper numbers 1., "
                          "a., i. by level")] += 1
        return item

    def _paragraph(self, para: wb.Paragraph, pieces: list[Piece], out: list[MdBlock], held: bool,
                   resumed: int | None = None) -> MdBlock:
        """A paragraph, or the next paragraph of the list item before it (`held`: drawn in that item; `resumed`: the
        level the list goes on at after it, for one whose numbering is taken off)."""
        text = " ".join(_text(para).split())
        typed = TYPED.match(_text(para))
        if typed:
            self.counts[(TYPED_LIST, "paragraphs typed as list items ('•', '-', '1.') made into list items")] += 1
            pieces = cut(pieces, typed.end())
            number = int(typed.group(2)) if typed.group(2) else 1
            return Item(0, typed.group(2) is not None, number, pieces, list_id="typed")
        previous = out[-1] if out else None
        if isinstance(previous, Item) and held and not (previous.pieces or previous.continuation or previous.table):
            out.pop()  # an item holding a drawing alone: the drawing's first paragraph is the item's text
            return replace(previous, pieces=pieces)
        if isinstance(previous, Item) and (para.num is not None or held):  # numbered with no mark, as the next
            level = min(para.num[1], previous.level) if para.num else previous.level  # paragraph of an item
            return Item(level, previous.ordered, previous.number, pieces, continuation=True)
        indent = importer_kinds.shown_indent(para, self.doc.styles)  # Word's List Continue styles: as its levels
        if isinstance(previous, Item) and (importer_kinds.continues_item(para.style_name) or (indent or 0) >= 360):
            level = previous.level if indent is None else self.numbers.continued(indent, previous.level)
            return Item(level, previous.ordered, previous.number, pieces, continuation=True)
        if isinstance(previous, Item) and para.unlisted:  # no indent to place it by: the items around it do
            at, message = unlisted_place(text, previous.level, resumed)
            if message:
                self.warn(UNLISTED, message, "check its place in the section file: a further paragraph of an item "
                          "is indented to the item's text")
            if at is not None:
                return Item(at, previous.ordered, previous.number, pieces, continuation=True)
        if all_flagged(pieces, "b") and len(text.split()) <= 12 and not text.endswith((".", ":", ";", ",")) \
                and para.origin == "body" and not any(p.raw for p in pieces):
            self.warn(FAKE_HEADING, f"'{text}' is a short paragraph in bold: kept as a paragraph",
                      "if it is a heading, make it one (## in the section file, a Heading style in Word)")
        return Para(pieces)

    def _table(self, table: wb.Table) -> TableBlock:
        block, paras, found, joined = table_block(table, self._pieces, self.doc.numbering)
        self.paragraphs += paras
        for message, hint in joined:  # each cell named
            self.warn(FLATTENED, message, hint)
        for what, (code, message) in TABLE_CHANGES.items():
            if found[what]:
                self.counts[(code, message)] += found[what]
        return block

    # -- runs ----------------------------------------------------------------------------------------------
    def _pieces(self, runs: list[wb.Run]) -> list[Piece]:
        out: list[Piece] = []
        numbers = numbers_shown(runs)  # the links that show a caption's label and number alone ("Figure 1")
        before: frozenset[str] = frozenset()  # the formatting of the text before
        linked: str | None = None  # the link of the run before: a link of several runs is one link
        for run in runs:
            if run.rev is not None and run.rev.kind == "del":
                continue
            again, linked = run.link is not None and run.link == linked, None if run.note else run.link
            if run.text.strip(wb.OBJECT + " \t\n"):
                for flag in (run.flags - before) & _CAPS.keys():
                    self.counts[(DROPPED, _CAPS[flag])] += 1
                before = run.flags
            if run.note is not None:
                out.append(Piece(raw=self._note_ref(run.note)))
            elif run.image is not None:
                shown = self.pictures.markdown(*run.image, run.extent)  # "": its image unread (warned of)
                if shown:
                    out.append(Piece(raw=shown, link=self._link(run.link, again=again)))
            elif run.text:  # a link to a caption showing other words than its number stays text
                link = self._link(run.link, run.page or run.link not in numbers, again)
                out.append(Piece(run.text.replace(wb.OBJECT, ""), run.flags & _ALLOWED, link))
        return out

    def _note_ref(self, note: tuple[str, str]) -> str:
        """A reference to a note, labelled in the order notes are first cited; "" for none held. In a paper
        coe-paper assembled, a copy of a note cited before (the same kind and content: the paper writes a note cited
        twice as two) gets its label; a member's draft keeps each note its own, two "Ibid." notes after different
        citations included, whatever words they share."""
        if note not in self.doc.notes:  # a reference to a note the draft's notes part lacks: no empty note
            self.counts[(DROPPED, f"references to {note[0]}s the draft does not hold")] += 1
            return ""
        if note not in self.notes and not self.built:
            return f"[^{self.notes.setdefault(note, str(len(self.notes) + 1))}]"
        if note not in self.notes:
            key = tuple((r.text, tuple(sorted(r.flags)), r.link, r.note is not None, r.image) for p in
                        wb.paragraphs(wb.accepted(self.doc.notes[note])) for r in p.runs)
            label = self._copies.setdefault((note[0], key), str(len(self.notes) + 1))
            return f"[^{label}]" if label != str(len(self.notes) + 1) else f"[^{self.notes.setdefault(note, label)}]"
        return f"[^{self.notes[note]}]"

    def _link(self, target: str | None, text: bool = False, again: bool = False) -> str | None:
        """A link's Markdown target; None for one kept as text (counted, once a link: `again` for a run that goes on
        the link of the run before). One to a caption that shows other words than its label and number (`text`:
        its page, a PAGEREF; its words, a REF to the whole caption) is: a cross-reference would show the caption's
        label and number in their place."""
        if target == wb.NO_TARGET and not again:
            self.counts[(LINK, "links whose target the draft does not hold (no relationship) kept as text")] += 1
        if not target:
            return None
        if target.startswith("#"):
            name = target[1:]
            anchor = self.anchors.get(name) or self.anchors.get(f"{name.split('|')[0].strip().casefold()}|heading")
            anchor = None if text and anchor in self.caption_ids.values() else anchor
            if anchor is None and not again:
                self.counts[(LINK, "links to places in the draft that are not headings kept as text")] += 1
            return f"#{anchor}" if anchor else None
        if is_safe_link(target):
            return target
        if not again:
            self.counts[(LINK, "links that are not https, http or mailto kept as text")] += 1
        return None
