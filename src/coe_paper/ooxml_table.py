"""Raw WordprocessingML for tables: a table of paragraphs, full width or indented with its container, its header
rows repeated on each page and kept with two rows of the body, and its columns' widths from the words they hold."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from lxml import etree

from .ooxml import (
    TEXT_WIDTH,
    Element,
    copy_element,
    insert_before_any,
    keep_with_next,
    paragraph,
    set_alignment,
    sub,
    text_of,
    w,
)

TABLE_WIDTH = TEXT_WIDTH  # twips: a table is as wide as the text, so that one indented in a list ends where others do
CELL_MARGINS = 216  # twips a table cell keeps free, left and right together (Word's 0.19 cm each side)


def table(rows: Sequence[Sequence[Sequence[Element]]], header_rows: int, style_id: str | None,
          aligns: Sequence[str | None], indent: int = 0, pictured: Iterable[int] = (),
          fit: Callable[[Sequence[Element], int], None] | None = None, width: int = TABLE_WIDTH) -> Element:
    """A full-width table (the text's `width`, in twips); each cell holds paragraphs; the first `header_rows` rows
    repeat on each page, and no row is split across pages, nor a table after its first row or before its last. The
    columns `pictured` hold pictures: `fit(cell, room)` narrows a cell's pictures to the room its column leaves
    them."""
    columns = max((len(row) for row in rows), default=1) or 1
    size = text_size(rows, columns, width - indent, set(pictured))
    widths = column_widths(rows, columns, width - indent, set(pictured), size)
    if fit is not None:
        for row in rows:
            for col in set(pictured) & set(range(len(row))):
                fit(row[col], widths[col] - CELL_MARGINS)
    tbl = etree.Element(w("tbl"))
    props = sub(tbl, "tblPr")
    if style_id:
        sub(props, "tblStyle", val=style_id)
    if indent:  # inside a quote or a list item: indented with its container, as wide as the room left
        sub(props, "tblW", w=str(width - indent), type="dxa")
        sub(props, "tblInd", w=str(indent), type="dxa")
    else:
        sub(props, "tblW", w="5000", type="pct")
    if size != FULL_SIZE:  # a wide table: narrower cell margins too
        margins = sub(props, "tblCellMar")
        sub(margins, "left", w=str(NARROW_MARGIN), type="dxa")
        sub(margins, "right", w=str(NARROW_MARGIN), type="dxa")
    sub(props, "tblLook", val="04A0", firstRow="1", lastRow="0", firstColumn="1", lastColumn="0",
        noHBand="0", noVBand="1")
    grid = sub(tbl, "tblGrid")
    for width in widths:
        sub(grid, "gridCol", w=str(width))
    # Each row and cell is a copy of one prepared here: a header row, a row, and a cell of each column's width.
    header, body = etree.Element(w("tr")), etree.Element(w("tr"))
    sub(sub(header, "trPr"), "cantSplit")
    sub(header[0], "tblHeader")
    sub(sub(body, "trPr"), "cantSplit")
    column_cells = [etree.Element(w("tc")) for _ in widths]
    for tc, width in zip(column_cells, widths, strict=True):
        sub(sub(tc, "tcPr"), "tcW", w=str(width), type="dxa")
    # the header rows stay with the first row of the body, and the last row with the one before it: a page never
    # ends with the header and one row, nor opens with a table's last row alone
    kept = ({*range(header_rows + 1), len(rows) - 2} - {len(rows) - 1}) if len(rows) > header_rows else set()
    for index, cells in enumerate(rows):
        tr = copy_element(header if index < header_rows else body)
        tbl.append(tr)
        for col in range(columns):
            tc = copy_element(column_cells[col])
            tr.append(tc)
            content = cells[col] if col < len(cells) else ()
            if not content:
                content = [paragraph()]
            align = aligns[col] if col < len(aligns) else None
            for p in content:
                if index in kept:
                    keep_with_next(p)
                if align:
                    set_alignment(p, align)
                if size != FULL_SIZE:
                    set_size(p, size)
                tc.append(p)
    return tbl


def text_size(rows: Sequence[Sequence[Sequence[Element]]], columns: int, total: int = TABLE_WIDTH,
              pictured: set[int] | None = None) -> int:
    """The text's size in half points: the body's 11 pt, unless the table's longest words cannot stand side by side
    at that size (a table of many columns); then the largest of 10, 9 and 8 pt at which they can (with narrower
    cell margins), else 8 pt (and the longest words break)."""
    texts = _texts(rows, columns)
    for size in (FULL_SIZE, *SMALLER_SIZES):
        pad = _PAD if size == FULL_SIZE else _NARROW_PAD
        rough = [min(max((len(word) for text in column for word in text.split()), default=1), 24) * _CHAR
                 for column in texts]
        if size == FULL_SIZE and sum(_asked(texts, rough, total, pictured or set(), pad)[0]) <= total:
            return size
        if sum(_asked(texts, _closely(texts, size), total, pictured or set(), pad)[0]) <= total:
            return size
    return SMALLER_SIZES[-1]


def set_size(p: Element, size: int) -> None:
    """Set the text of paragraph `p` (each of its runs, however deep, and its mark) in `size` half points."""
    for rpr in [*(r.find(w("rPr")) for r in p.iter(w("r"))), p.find(f"{w('pPr')}/{w('rPr')}")]:
        if rpr is None:
            continue
        for tag in ("szCs", "sz"):
            old = rpr.find(w(tag))
            if old is not None:
                rpr.remove(old)
            insert_before_any(rpr, etree.Element(w(tag), {w("val"): str(size)}), _AFTER_SZ if tag == "sz" else
                              _AFTER_SZ[1:])
    for r in p.iter(w("r")):
        if r.find(w("rPr")) is None:
            rpr = etree.Element(w("rPr"))
            sub(rpr, "sz", val=str(size))
            sub(rpr, "szCs", val=str(size))
            r.insert(0, rpr)


def column_widths(rows: Sequence[Sequence[Sequence[Element]]], columns: int, total: int = TABLE_WIDTH,
                  pictured: set[int] | None = None, size: int = 22) -> list[int]:
    """Column widths in twips summing to `total`: each column gets room for its longest word (up to 24 characters,
    so that no word is broken; longer ones, such as web addresses, may break), then the space left goes to the
    columns whose cells hold more text (about 135 twips a character at 11 pt, plus cell margins). When those
    minimums do not fit together, the longest words are measured closely (`word_width`, a web address or a
    hyphenated word by its pieces, as a line may break after a `/` or a `-`), and when even those do not fit, the
    columns of the longest words give up room (`_narrowed`). A column of pictures (`pictured`) asks for an equal
    share, 2 in at most. Text smaller than 11 pt (`size`, in half points; see `text_size`) is measured closely,
    in cells of narrower margins."""
    texts = _texts(rows, columns)
    longest = [min(max((len(word) for text in column for word in text.split()), default=1), 24) * _CHAR
               for column in texts]
    pad, char = (_PAD, _CHAR) if size == FULL_SIZE else (_NARROW_PAD, _CHAR * size // FULL_SIZE)
    minimum, wanted = _asked(texts, longest, total, pictured or set(), pad, char)
    if sum(minimum) > total or size != FULL_SIZE:
        minimum, wanted = _asked(texts, _closely(texts, size), total, pictured or set(), pad, char)
    spare = total - sum(minimum)
    if spare <= 0:  # the columns of the longest words give up room, those of short words keep theirs
        widths = _narrowed(minimum, total)
    else:
        want = sum(wanted)
        widths = [m + (spare * w // want if want else spare // columns) for m, w in zip(minimum, wanted, strict=True)]
    widths[-1] += total - sum(widths)
    return widths


def _texts(rows: Sequence[Sequence[Sequence[Element]]], columns: int) -> list[list[str]]:
    """Each column's cells' text."""
    return [["".join(text_of(p) for p in row[col]) for row in rows if col < len(row)] for col in range(columns)]


def _closely(texts: list[list[str]], size: int) -> list[int]:
    """Each column's longest word measured closely (`word_width`), at `size` half points, in twips."""
    return [min(max((word_width(piece) for text in column for word in text.split()
                     for piece in _PIECE.findall(word)), default=_CHAR), MOST_FOR_A_WORD) * size // FULL_SIZE
            for column in texts]


_CHAR, _PAD = 135, 280  # twips: a character at 11 pt, more than most take; the cell's margins and a little more
FULL_SIZE, SMALLER_SIZES = 22, (20, 18, 16)  # half points: the body's 11 pt; 10, 9 and 8 pt for a wide table
NARROW_MARGIN = 57  # twips each side of a wide table's cell (0.1 cm; Word's default is 0.19 cm)
_NARROW_PAD = 2 * NARROW_MARGIN + 64
_AFTER_SZ = ("szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
             "eastAsianLayout", "specVanish", "oMath")


def _asked(texts: list[list[str]], longest: list[int], total: int, pictured: set[int], pad: int = _PAD,
           char: int = _CHAR) -> tuple[list[int], list[int]]:
    """Each column's minimum width (its longest word's, or a picture's share) and the room it would like beyond
    that for its text."""
    minimum: list[int] = []
    wanted: list[int] = []
    for col, column in enumerate(texts):
        average = sum(len(text) for text in column) / max(len(column), 1)
        minimum.append(longest[col] + pad)
        if col in pictured:
            minimum[-1] = max(minimum[-1], min(total // len(texts), 2880))
        wanted.append(max(int(average * char) + pad - minimum[-1], 0))
    return minimum, wanted


def _narrowed(minimum: list[int], total: int) -> list[int]:
    """Widths summing to about `total` for columns whose minimums do not fit side by side: as many columns as can
    keep their minimum do, those of the shortest words first (columns of equal minimums all or none), while every
    other column keeps at least 60 % of an equal share; the others share what is left, and their longest words
    break. A word a little too long for an equal share stays whole when another column's breaks anyway. When no
    column can keep its minimum, all share the width equally."""
    columns = len(minimum)
    floor = total * 3 // (5 * columns)
    order = sorted(range(columns), key=minimum.__getitem__)
    kept, used = 0, 0
    for count in range(1, columns):  # keep the `count` smallest minimums
        used += minimum[order[count - 1]]
        if used + (columns - count) * floor > total:
            break
        if minimum[order[count - 1]] < minimum[order[count]]:
            kept = count
    taken = sum(minimum[col] for col in order[:kept])
    widths = [(total - taken) // (columns - kept)] * columns
    for col in order[:kept]:
        widths[col] = minimum[col]
    return widths


#: The most twips a column asks for its longest word: a compound of some 36 letters, 45 % of the text's width.
MOST_FOR_A_WORD = 4140
_PIECE = re.compile(r"[^/-]*[/-]|[^/-]+")  # a word's pieces, each up to a `/` or `-` a line may break after
_NARROW = frozenset("fijlrtI.,;:'!|()[]/-")
_WIDE = frozenset("mwMW%@шщжюыШЩЖЮЫмМωΩæÆœŒ")


def word_width(word: str) -> int:
    """About the twips `word` takes at 11 pt in Calibri (or Carlito, its metrics' free twin), bold too: a little
    more than it takes, by the width of its kind of letter (narrow, wide, a capital, the rest)."""
    return sum(70 if c in _NARROW else 170 if c in _WIDE else 140 if c.isupper() else 115 for c in word)
