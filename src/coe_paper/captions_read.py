"""Captions back from Word, for `import`.

Of a paper coe-paper assembled: a "Figure N: text" caption paragraph becomes the title of the image before it, a
"Table N: text" one the `Table:` line before its table, and the id that the `coe-paper:captions` property names for
the caption's bookmark comes back as `{#id}`.

Of a member's draft (a caption style: Word's, pandoc's, LibreOffice's; or a paragraph numbered by a SEQ field that
its label names, in any language: `numbered_caption`): the caption of the picture alone in the
paragraph before or after it, or before it in the caption's own paragraph (LibreOffice's frame around a picture
and its caption), becomes its title; else, next to a table, its `Table:` line, before or after it as in
the draft. Its label ("Figure 2:", "Table 1 -"), which the paper numbers itself, is left out. A caption with
neither beside it stays a paragraph.

For `apply`, a table's caption in a paper coe-paper assembled reads as the text of its `Table:` line
(`table_caption_source`), and a figure's as the words of its image's title (`figure_caption_source`), so that a
reviewer's changes to its words go there; a caption deleted with its picture or its table goes with it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from . import marks

if TYPE_CHECKING:  # only `import` reads captions; the build needs PROPERTY alone, without the Word reader
    from .mdinline import Unit
    from .mdpieces import Piece
    from .mdwrite import MdBlock
    from .wordblocks import Block, Paragraph, Rev, Run

CAPTION_RE = re.compile(r"^\s*(Figure|Table) \d+(?::\s*(.*))?$", re.DOTALL)
#: A draft caption's label words for a table and for a figure, in English and as Word and LibreOffice write them in
#: other EU languages ("Tabelle", "Tableau", "Abbildung", ...); a label of another word ("Chart", "Box") is neither.
_TABLE_WORDS = ("table", "tab.", "tabelle", "tableau", "tabella", "tabla", "tabel", "tabell", "tabela", "tabulka",
                "táblázat", "taulukko", "tabula", "tabelis", "lentelė", "πίνακας")
_FIGURE_WORDS = ("figure", "fig.", "abbildung", "abb.", "illustration", "zeichnung", "dessin", "figura", "figuur",
                 "afbeelding", "rysunek", "obrázek", "obrázok", "kuva", "ábra", "slika", "joonis", "attēls",
                 "paveikslas", "σχήμα", "bild")
_WORDS = sorted((*_TABLE_WORDS, *_FIGURE_WORDS, "chart", "graph", "map", "image", "picture", "box"), key=len,
                reverse=True)
#: A draft caption's label: a word, its number (a SEQ field's result; "2.1", "II"), and what follows it.
_LABEL = re.compile(f"^\\s*(?:(?P<word>{'|'.join(map(re.escape, _WORDS))})"
                    r"\s*(?:\d+(?:[.-]\d+)*|[IVXLC]+)\s*[:.\u2013\u2014-]?\s+)", re.IGNORECASE)
#: A cross-reference's words that are a caption's label and number alone ("Figure 1", "Tabelle 2.1").
_NUMBER_ONLY = re.compile(f"^\\s*(?:{'|'.join(map(re.escape, _WORDS))})\\s*(?:\\d+(?:[.-]\\d+)*|[IVXLC]+)\\s*$",
                          re.IGNORECASE)
#: The width a picture is shown at, after its image (see picture_widths.py).
_WIDTH = re.compile(r"\{width=[\d.]+(?:cm|mm|in)\}$")
#: A { SEQ Name } field, which numbers a caption: Word's and LibreOffice's label repeats its name, in any language.
_SEQUENCE = re.compile(r"^SEQ\s+(\S+)", re.IGNORECASE)
PROPERTY = marks.CAPTIONS


def table_caption(style: str, text: str) -> bool:
    """Whether a member's caption paragraph (its style's name, its words) is a table's: by its label's word, or,
    without a label, by its style ("Table Caption")."""
    label = _LABEL.match(text)
    word = label.group("word").lower() if label else ""
    return word in _TABLE_WORDS or (not word and "table" in style.lower())


def numbers_shown(runs: Iterable[Run]) -> set[str]:
    """The internal links among `runs` whose words (of all the runs linked so but a page reference's, PAGEREF) are
    a caption's label and number alone: those a cross-reference to a caption shows as the paper does."""
    words: dict[str, list[str]] = {}
    for run in runs:
        if run.link and run.link.startswith("#") and not run.page and (run.rev is None or run.rev.kind != "del"):
            words.setdefault(run.link, []).append(run.text)
    return {link for link, texts in words.items() if _NUMBER_ONLY.match("".join(texts))}


def caption_anchors(properties: Mapping[str, str]) -> dict[str, str]:
    """Bookmark -> caption id, as the assembled paper recorded them."""
    try:
        found = json.loads(properties.get(PROPERTY, "{}"))
    except (ValueError, RecursionError):  # a reviewer's file: brackets nested past what the parser recurses through
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def numbered_caption(para: Paragraph) -> bool:
    """Whether a draft's paragraph is a caption by its number: it holds a { SEQ Name } field, Name a caption's label
    (a table's, a figure's, in an EU language), and begins with that name and a number ("Tabelle 1", "Illustration
    2"), as a caption Word or LibreOffice inserts does, whatever the paragraph's style. Paragraphs numbered so
    otherwise ("Recommendation 1") are no captions."""
    from .wordblocks import OBJECT

    text = para.text().replace(OBJECT, "").lstrip()
    names = (match.group(1) for match in map(_SEQUENCE.match, para.fields)
             if match is not None and match.group(1).casefold() in _WORDS)
    return any(re.match(f"{re.escape(name)}\\s*\\d", text, re.IGNORECASE) for name in names)


def read_caption(para: Paragraph, out: list[MdBlock], anchors: Mapping[str, str],
                 note_ref: Callable[[tuple[str, str]], str]) -> None:
    """Put a caption paragraph back where the Markdown keeps it (see the module's docstring). A caption's footnotes
    follow its words, as `note_ref` writes a reference to a note."""
    from .mdpieces import Piece
    from .mdwrite import Para
    from .wordblocks import OBJECT

    runs = [run for run in para.runs if run.rev is None or run.rev.kind != "del"]
    match = CAPTION_RE.match("".join(run.text for run in runs).replace(OBJECT, ""))
    if match is None:
        return
    caption = " ".join((match.group(2) or "").split())
    caption += "".join(note_ref(run.note) for run in runs if run.note is not None)  # a figure's too: figure_notes.py
    ids = [anchors[name] for name in para.bookmarks if name in anchors]
    if ids:
        caption += f" {{#{ids[0]}}}"
    previous = out[-1] if out else None
    if match.group(1) == "Figure":
        if previous is not None and image_only(previous):
            _titled(previous, caption)
        return
    out.append(Para([Piece(raw="Table: " + caption)]))


def references_as_objects(para: Paragraph, bookmarks: Container[str]) -> Paragraph:
    """The paragraph with each cross-reference to a caption (a REF field's result, "Figure 2", linked to one of the
    caption `bookmarks`) as one OBJECT character, as the source map reads the link it was built from
    (mdinline.references): its number is the paper's, and the link's words are not shown."""
    from dataclasses import replace

    from .wordblocks import OBJECT

    runs: list[Run] = []
    last: Run | None = None  # the cross-reference being read
    for run in para.runs:
        link = run.link or ""
        ref = link.startswith("#") and link[1:] in bookmarks and run.note is None and run.image is None
        if ref and last is not None and (last.link, last.rev) == (run.link, run.rev):
            continue  # more of the same cross-reference's text
        last = run if ref else None
        runs.append(replace(run, text=OBJECT) if ref else run)
    return replace(para, runs=runs)


def table_caption_source(block: Block, following: list[Block], section: int, captions: Mapping[int, Unit]
                         ) -> tuple[Paragraph | None, Unit] | None:
    """For a table's caption above its table (the first of `following`), the unit of the `Table:` line of the
    section (by its index) it was built from (`captions`: by the table's first row line), with the caption as
    that line's words (None when a change touches its label or its paragraph mark); None for another block."""
    from .wordblocks import Paragraph, Table, paragraphs

    if not isinstance(block, Paragraph) or not following or not isinstance(following[0], Table):
        return None
    first = next(iter(paragraphs(following)), None)
    mark = next((m for m in map(marks.parse, first.bookmarks) if m is not None), None) if first else None
    unit = captions.get(mark[1]) if mark is not None and mark[0] == section else None
    if unit is None or block.style_name.lower() != "caption":
        return None
    return table_caption_words(block, unit.text), unit


def figure_caption_source(block: Block, previous: Block | None, section: int, figures: Mapping[int, Unit]
                          ) -> tuple[Paragraph | None, Unit] | None:
    """For a figure's caption under its picture's paragraph (`previous`), the unit of the words of the image's
    title in the section (by its index) it was built from (`figures`: by the picture's line), with the caption as
    those words (None when a change touches its label "Figure N: " or its paragraph mark); None for another block."""
    from .wordblocks import Paragraph

    if not isinstance(block, Paragraph) or not isinstance(previous, Paragraph) \
            or block.style_name.lower() != "caption":
        return None
    mark = next((m for m in map(marks.parse, previous.bookmarks) if m is not None), None)
    unit = figures.get(mark[1]) if mark is not None and mark[0] == section else None
    if unit is None:
        return None
    words = _without_label(block, re.match(r"Figure \d+: ", block.text(accept=False)))
    return (_without_notes(words) if words is not None else None), unit


def _without_notes(para: Paragraph) -> Paragraph:
    """A figure caption's words without the references to its notes after them (figure_notes.py: the image's title
    holds them, and no words of the caption stand for them); a reference a change touches stays, for the change
    to be reported."""
    from dataclasses import replace

    from .wordblocks import OBJECT

    runs = list(para.runs)
    while runs and runs[-1].note is not None and runs[-1].rev is None and runs[-1].text == OBJECT:
        runs.pop()
    return replace(para, runs=runs)


def gone_with_picture(caption: Paragraph, unit: Unit, picture: Block | None, accepted: Callable[[str], bool]
                      ) -> bool:
    """Whether a figure's caption (`caption`, of the image's title `unit`) was deleted with its picture: the
    picture's paragraph (`picture`, the block before the caption) deleted whole by changes taken, which takes the
    image's line, title and all, and every change to the caption a deletion taken too, so that none of them is left
    to write (a move is not, nor a word typed)."""
    from .wordblocks import Paragraph

    if unit.kind != "figure" or not isinstance(picture, Paragraph) or picture.text().strip() \
            or not picture.text(accept=False).strip():
        return False
    return _taken_deletions([*_changes(picture), *_changes(caption)], accepted)


def gone_with_table(caption: Paragraph, after: Sequence[Block | None], accepted: Callable[[str], bool]) -> bool:
    """Whether a table's caption (`caption`, the paragraph Word shows above it) was deleted with its table (the
    first block `after` it): every row deleted by a change taken, which takes the rows' lines (see tablegone), and
    the caption's words all deleted, every change to it a deletion taken too (a move is not, nor a word typed)."""
    from .wordblocks import Table

    table = after[0] if after else None
    if not isinstance(table, Table) or not table.rows or caption.text().strip():
        return False
    return _taken_deletions([*(row.rev for row in table.rows), *_changes(caption)], accepted)


def _changes(para: Paragraph) -> list[Rev]:
    """A paragraph's tracked changes: its runs' and its mark's."""
    return [run.rev for run in para.runs if run.rev is not None] + ([para.mark] if para.mark is not None else [])


def _taken_deletions(revs: Iterable[Rev | None], accepted: Callable[[str], bool]) -> bool:
    """Whether every one of `revs` is a change, a deletion (not a move) by an author whose changes are taken."""
    return all(rev is not None and rev.kind == "del" and not rev.moved and accepted(rev.author) for rev in revs)


def _without_label(para: Paragraph, label: re.Match[str] | None) -> Paragraph | None:
    """The caption's runs after its label, or None when there is none or a change touches it."""
    from dataclasses import replace

    if label is None or para.mark is not None:
        return None
    runs, left = list(para.runs), len(label.group(0))
    while left and runs:
        if runs[0].rev is not None:
            return None
        if len(runs[0].text) <= left:
            left -= len(runs.pop(0).text)
        else:
            runs[0], left = replace(runs[0], text=runs[0].text[left:]), 0
    return replace(para, runs=runs)


def table_caption_words(para: Paragraph, source: str) -> Paragraph | None:
    """A "Table N: ..." caption as the visible text of the `Table:` line it was built from, `source`: the label
    "Table N" as "Table", and the line's `{#id}`, which Word does not show, after its words. None for another
    paragraph, or when a change touches the label, whose number is the paper's."""
    from dataclasses import replace

    from .captions import ID_RE
    from .wordblocks import Run

    words = _without_label(para, re.match(r"Table \d+(?=:)", para.text(accept=False)))
    if words is None or not source.startswith("Table:"):
        return None
    ident = ID_RE.search(source)
    return replace(words, runs=[Run("Table"), *words.runs, *([Run(ident.group(0))] if ident else [])])


def image_only(block: MdBlock | None) -> bool:
    """A paragraph that is one picture with no title yet (`![alt](path)`), which a caption can be the title of."""
    from .mdwrite import Para

    raw = _WIDTH.sub("", block.pieces[0].raw or "") if isinstance(block, Para) and len(block.pieces) == 1 else ""
    return raw.startswith("![") and raw.endswith(")") and not raw.endswith('")')


def _titled(block: MdBlock, title: str) -> None:
    """Give the picture of `block` (image_only) its title, the caption of a figure in the paper."""
    from .mdpieces import Piece
    from .mdwrite import Para

    assert isinstance(block, Para)
    image = block.pieces[0]
    quoted = title.replace("\\", "\\\\").replace('"', '\\"')
    raw, width = _WIDTH.sub("", image.raw or ""), "".join(_WIDTH.findall(image.raw or ""))  # {width=6cm} after it
    block.pieces[0] = Piece(image.text, image.flags, image.link, f'{raw[:-1]} "{quoted}"){width}')


class DraftCaptions:
    """Places a member's captions (see the module's docstring) as the importer writes the blocks out."""

    def __init__(self) -> None:
        self.pending: tuple[str, int, str] | None = None  # a caption above its figure, where that figure will be, id
        self.ids: set[str] = set()  # the ids of the captions placed

    def place(self, style: str, pieces: list[Piece], out: list[MdBlock], following: Block | None,
              ident: str = "") -> bool:
        """Put the caption paragraph of `pieces` (in the caption style named `style`) where the Markdown keeps it,
        with its `{#ident}` when it has one; False when it captions nothing beside it (it is then written as a
        paragraph). `following` is the draft's next block."""
        from .mdpieces import Piece, cut
        from .mdwrite import Para
        from .wordblocks import Table

        if len(pieces) > 1 and image_only(Para(pieces[:1])) and not any(piece.raw for piece in pieces[1:]):
            out.append(Para(pieces[:1]))  # the picture and its caption in one paragraph, as LibreOffice frames them
            if self.place(style, pieces[1:], out, following, ident):
                return True
            out.pop()
            return False
        text = "".join(piece.text for piece in pieces if piece.raw is None)
        label = _LABEL.match(text)
        word = label.group("word").lower() if label else ""
        caption = cut(pieces, label.end()) if label else pieces
        plain = " ".join("".join(piece.text for piece in caption if piece.raw is None).split())
        if not plain:
            return False
        figure = not table_caption(style, text) and not any(piece.raw for piece in caption)  # a title: text alone
        suffix = f" {{#{ident}}}" if ident else ""
        if figure and image_only(out[-1] if out else None):
            _titled(out[-1], plain + suffix)
        elif figure and _picture_alone(following):
            self.pending = (plain + suffix, len(out), ident)
            return True
        elif (isinstance(following, Table) or _uncaptioned_table(out)) and word not in _FIGURE_WORDS \
                and not _figure_style(style):
            out.append(Para([Piece(raw="Table: "), *caption, *([Piece(raw=suffix)] if suffix else [])]))
        else:
            return False
        self.ids.add(ident)
        return True

    def placed(self, out: list[MdBlock]) -> None:
        """Before each block and after the last: a caption above its figure becomes the title of the picture the
        block after the caption made."""
        if self.pending is not None and len(out) > self.pending[1]:
            title, at, ident = self.pending
            if image_only(out[at]):
                _titled(out[at], title)
                self.ids.add(ident)
            self.pending = None


#: Words of the names of the styles tools give a figure's caption: pandoc's Image Caption, LibreOffice's Figure,
#: Illustration and Drawing. Such a caption whose picture is not there is no table's.
_FIGURE_STYLES = ("image", "figure", "illustration", "drawing")


def _figure_style(style: str) -> bool:
    return any(word in style.lower() for word in _FIGURE_STYLES)


def _uncaptioned_table(out: list[MdBlock]) -> bool:
    """Whether `out` ends with a table that has no caption yet (no `Table:` line above it)."""
    from .mdwrite import Para, TableBlock

    if not out or not isinstance(out[-1], TableBlock):
        return False
    above = out[-2] if len(out) > 1 else None
    return not (isinstance(above, Para) and bool(above.pieces) and above.pieces[0].raw == "Table: ")


def _picture_alone(block: Block | None) -> bool:
    """A paragraph of the draft that holds one picture and no text: a figure, which a caption above it titles."""
    from .wordblocks import OBJECT, Paragraph

    if not isinstance(block, Paragraph) or block.text().replace(OBJECT, "").strip():
        return False
    return sum(run.image is not None for run in block.runs) == 1 and block.text().count(OBJECT) == 1
