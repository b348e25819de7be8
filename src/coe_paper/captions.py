"""Captions and cross-references as native Word fields.

A figure is an image alone in its paragraph with a title, `![alt](chart.png "Survey priorities {#fig-survey}")`;
a table caption is a paragraph `Table: Members by country {#tbl-members}` right before or after a GFM table (as
pandoc writes it). Each gets a caption paragraph "Figure 2: ..." / "Table 1: ..." whose number is a SEQ field; the
`{#id}` puts a bookmark around "Figure 2", and a link `[see](#fig-survey)` becomes a REF field to that bookmark,
whose cached text is "Figure 2" (the link's own words give way to the number, as Word's cross-references do).

Numbers are counted over the whole paper before rendering, so a reference may come before its figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import ooxml
from .diagnostics import Diagnostic, error, warning
from .markdown import plain_text

if TYPE_CHECKING:
    from markdown_it.token import Token

    from .checks import Parsed
    from .model import Section

Element = ooxml.Element
#: A caption's id for cross-references, `{#fig-survey}`; a table's may add the class `.landscape` (its table stands
#: on landscape pages of its own): `{#tbl-costs .landscape}`, or without an id `{.landscape}`.
ID = r"\{#([A-Za-z][A-Za-z0-9_:.-]*)(?:\s+\.landscape)?\}"
_ANY_ID = re.compile(ID)  # a caption's `{#id}`, found anywhere
ID_RE = re.compile(rf"\s*(?:{ID}|\{{\.landscape\}})\s*$")
LANDSCAPE_RE = re.compile(r"\{(?:#[A-Za-z][A-Za-z0-9_:.-]*\s+)?\.landscape\}\s*$")
TABLE_CAPTION_RE = re.compile(r"^Table:\s+")
FIGURE, TABLE = "Figure", "Table"


@dataclass(frozen=True)
class Caption:
    """A figure's or table's caption as the paper numbers it."""

    kind: str  # FIGURE or TABLE
    number: int
    text: str
    id: str = ""
    below: bool = field(default=False, compare=False)  # a table's caption written after its table
    landscape: bool = field(default=False, compare=False)  # a table's caption marked `.landscape`

    @property
    def label(self) -> str:
        return f"{self.kind} {self.number}"


def split_id(text: str) -> tuple[str, str]:
    """A caption's text and its `{#id}` ("" when it has none)."""
    match = ID_RE.search(text)
    return (text[: match.start()].strip(), match.group(1) or "") if match else (text.strip(), "")


def may_hold(body: str) -> bool:
    """Whether a section's Markdown may hold a caption: a figure is an image (`![`), a table caption stands by a
    table (whose rows have `|`)."""
    return "![" in body or "|" in body


def figure_image(inline: Token) -> Token | None:
    """The image of a paragraph that holds nothing else (white space aside)."""
    children = [c for c in inline.children or () if not (c.type in ("text", "softbreak") and not c.content.strip())]
    return children[0] if len(children) == 1 and children[0].type == "image" else None


def table_caption_text(inline: Token) -> str | None:
    """The caption of a `Table: ...` paragraph, id included; None for another paragraph."""
    text = plain_text(inline.children)
    return TABLE_CAPTION_RE.sub("", text, count=1) if TABLE_CAPTION_RE.match(text) else None


def _caption_paragraph(tokens: list[Token], index: int) -> str | None:
    """The caption text when tokens[index] opens a `Table:` paragraph."""
    if index < 0 or tokens[index].type != "paragraph_open" or index + 2 >= len(tokens):
        return None
    return table_caption_text(tokens[index + 1])


def _table_before(tokens: list[Token], index: int) -> int | None:
    """Where the table ends right before tokens[index] (at its depth) opens, or None when no table does."""
    before = tokens[index - 1] if index > 0 else None
    if before is None or before.type != "table_close" or before.level != tokens[index].level:
        return None
    return next(i for i in range(index - 2, -1, -1) if tokens[i].type == "table_open")  # tables never nest


def table_captions(tokens: list[Token]) -> dict[int, tuple[str, bool]]:
    """Every `Table:` paragraph that captions a table next to it at the same depth, by the index of its
    paragraph_open: its text (id included) and whether it follows its table. As in pandoc, a table takes the
    caption right before it, else the one right after it: a caption between two tables is the first's only when
    the first has no caption before it. One pass: a table's caption before it is known when the one after it is."""
    found: dict[int, tuple[str, bool]] = {}
    for index, token in enumerate(tokens):
        text = _caption_paragraph(tokens, index) if token.type == "paragraph_open" else None
        if text is None:
            continue
        start = _table_before(tokens, index)
        if start is not None and not (start - 3 in found and not found[start - 3][1]):
            found[index] = (text, True)  # the table before it has no caption of its own before it
            continue
        after = tokens[index + 3] if index + 3 < len(tokens) else None
        if after is not None and after.type == "table_open" and after.level == token.level:
            found[index] = (text, False)
    return found


def captions_after_tables(tokens: Iterable[Token], captions: Captions | None) -> dict[int, Token]:
    """The inline of each `Table:` caption written after its table, by the id of that table's table_open: the
    caption goes above the table, so its footnotes are numbered before the table's, in reading order."""
    found: dict[int, Token] = {}
    table: Token | None = None
    for token in tokens if captions is not None else ():
        table = token if token.type == "table_open" else table
        caption = captions.of(token) if captions is not None else None
        if table is not None and caption is not None and caption.kind == TABLE and caption.below:
            found[id(table)] = token
    return found


def outside_tables(tokens: list[Token]) -> Iterator[tuple[int, Token]]:
    """(index, token) of the tokens that are not inside a table or a footnote."""
    depth = 0
    for index, token in enumerate(tokens):
        if token.type in ("table_open", "footnote_open"):
            depth += 1
        elif token.type in ("table_close", "footnote_close"):
            depth -= 1
        elif depth == 0:
            yield index, token


@dataclass
class Captions:
    """Every caption of the paper, by the token it belongs to (an image, or a `Table:` paragraph's inline)."""

    by_token: dict[int, Caption] = field(default_factory=dict)
    by_id: dict[str, Caption] = field(default_factory=dict)

    def add(self, token: Token, caption: Caption) -> None:
        self.by_token[id(token)] = caption
        if caption.id:
            self.by_id.setdefault(caption.id, caption)

    def of(self, token: Token) -> Caption | None:
        return self.by_token.get(id(token))


def collect(bodies: Iterable[list[Token]], start: tuple[int, int] = (0, 0), by_id: dict[str, Caption] | None = None
            ) -> Captions:
    """Number the figures and tables of the section bodies, in paper order, counting on from `start` (figures,
    tables before them); `by_id` gives the paper's captions by id, when they are known already (see `numbered`)."""
    found = Captions(by_id=dict(by_id or {}))
    counts = {FIGURE: start[0], TABLE: start[1]}
    for tokens in bodies:
        tables = table_captions(tokens)
        for index, token in outside_tables(tokens):
            if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
                image = figure_image(token)
                title = str(image.attrs.get("title", "") or "") if image is not None else ""
                if image is not None and title.strip():
                    counts[FIGURE] += 1
                    found.add(image, Caption(FIGURE, counts[FIGURE], *split_id(title)))
            if index in tables:
                counts[TABLE] += 1
                text, below = tables[index]
                found.add(tokens[index + 1], Caption(TABLE, counts[TABLE], *split_id(text), below=below,
                                                     landscape=LANDSCAPE_RE.search(text) is not None))
    return found


def numbered(parsed: Iterable[Parsed]) -> tuple[dict[str, Caption], dict[str, tuple[int, int]]]:
    """From the sections' facts, in paper order: every caption with an id, by id, and the numbers of the figures
    and tables before each section (what `collect` counts on from)."""
    by_id: dict[str, Caption] = {}
    starts: dict[str, tuple[int, int]] = {}
    counts = {FIGURE: 0, TABLE: 0}
    for item in parsed:
        starts[item.section.id] = (counts[FIGURE], counts[TABLE])
        for fact in item.facts.captions:
            counts[fact.kind] += 1
            if fact.id:
                by_id.setdefault(fact.id, Caption(fact.kind, counts[fact.kind], fact.text, fact.id))
    return by_id, starts


def caption_paragraph(p: Element, caption: Caption, bookmark: tuple[int, str] | None) -> Element:
    """Fill `p` (a paragraph in the caption style): "Figure " SEQ ": text", the label inside the bookmark."""
    if bookmark is not None:
        start = ooxml.sub(p, "bookmarkStart", id=str(bookmark[0]), name=bookmark[1])
        del start  # the bookmark spans the label: Word's REF then shows "Figure 2"
    ooxml.run(p, f"{caption.kind} ")
    ooxml.field(p, f"SEQ {caption.kind} \\* ARABIC", str(caption.number))
    if bookmark is not None:
        ooxml.sub(p, "bookmarkEnd", id=str(bookmark[0]))
    if caption.text:
        ooxml.run(p, f": {caption.text}")
    return p


def notes_after(p: Element, notes: Iterable[int | None], style_id: str | None) -> None:
    """A caption's footnote references (Word's footnote ids; None: none written), after its words."""
    for note in notes:
        if note is not None:
            ooxml.footnote_reference(p, note, style_id)


def reference(parent: Element, bookmark: str, caption: Caption, style_id: str | None) -> None:
    """A REF field to a caption's bookmark, showing "Figure 2" (a link in Word through `\\h`)."""
    ooxml.field_begin(parent, f"REF {bookmark} \\h")
    ooxml.run(parent, caption.label, (), style_id)
    ooxml.field_end(parent)


# -- validation -------------------------------------------------------------------------------------------------


def ids(parsed: Iterable[Parsed]) -> set[str]:
    """Every caption id of the paper (links to them are cross-references, not broken links)."""
    return {fact.id for item in parsed for fact in item.facts.captions if fact.id}


def uncaptioned(item: Parsed) -> Iterator[Diagnostic]:
    """COE506 a figure (an image alone in its paragraph) without a caption."""
    if "![" not in item.section.body:
        return
    tokens = item.tokens
    for index, token in outside_tables(tokens):
        if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            image = figure_image(token)
            if image is not None and not split_id(str(image.attrs.get("title", "") or ""))[0]:
                src = str(image.attrs.get("src", ""))
                line, col = item.position(token, src)
                yield warning(item.section.path, line, col, "COE506", f"figure '{src}' has no caption",
                              f'give it a title: ![...]({src} "What the figure shows")')


def stray_table_captions(item: Parsed) -> Iterator[Diagnostic]:
    """COE508 a `Table:` line right after a table that has its caption before it, and before no table: a table
    takes one caption, so the line stays text (as in pandoc), its `{#id}` too."""
    if "Table:" not in item.section.body:
        return
    tokens = item.tokens
    tables = table_captions(tokens)
    for index, token in outside_tables(tokens):
        if index not in tables and _table_before(tokens, index) is not None \
                and _caption_paragraph(tokens, index) is not None:
            yield warning(item.section.path, item.line(token), 1, "COE508", "this 'Table:' line captions no table: "
                          "the table before it has its caption, so it is shown as text",
                          "delete one of the two captions, or move this one to the table it belongs to")


def pictures_in_table_captions(item: Parsed) -> Iterator[Diagnostic]:
    """COE409 a picture in a table's `Table:` caption: a caption is plain text, so the picture is left out of the
    document, its description shown as text, and its title (words a reader of the Markdown sees) was lost."""
    if "![" not in item.section.body or "Table:" not in item.section.body:
        return
    tokens = item.tokens
    for index in table_captions(tokens):
        for child in tokens[index + 1].children or ():
            if child.type == "image":
                src = str(child.attrs.get("src", ""))
                title = child.attrs.get("title")
                left = f"the picture and its title '{title}' are" if title else "the picture is"
                line, col = item.position(tokens[index + 1], src)
                yield warning(item.section.path, line, col, "COE409", f"picture '{src}' in a table's caption, which "
                              f"is plain text: {left} left out of the document (its description is shown)",
                              "move the picture out of the caption, into the text or a cell")


def duplicates(parsed: Iterable[Parsed]) -> Iterator[Diagnostic]:
    """COE507 a caption id used twice (from the sections' facts)."""
    seen: dict[str, str] = {}
    for item in parsed:
        for fact in item.facts.captions:
            if not fact.id:
                continue
            if fact.id in seen:
                yield error(item.section.path, fact.id_line, fact.id_column, "COE507",
                            f"caption id '{fact.id}' is already used at {seen[fact.id]}")
            else:
                seen[fact.id] = f"{item.section.path}:{fact.line}"


def ids_in(sections: Iterable[Section]) -> set[str]:
    """Every `{#id}` in the sections' text: more than their captions' ids, never fewer (found without parsing)."""
    return {match.group(1) for section in sections for match in _ANY_ID.finditer(section.body)}
