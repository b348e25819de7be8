"""Numbered chapters and sections (1, 1.1, 1.1.1): Word's multilevel numbering linked to the heading styles, and
the same numbers counted here for the contents' cached result, the review sheet and `status`.

The numbers belong to the styles (Heading 1-3 carry `w:numPr`), as Word's own "1 Heading 1" list does, so Word
and LibreOffice number the headings themselves and renumber them when an editor moves one. Headings that must stay
unnumbered (the contents' title, the contributors' annex, the cover) get `numId 0` on the paragraph. The outline's
annexes have a list of their own ("Annex I", "I.1", "I.1.1"), given to their headings paragraph by paragraph.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable

from lxml import etree

from . import ooxml

Element = ooxml.Element
DEPTH = 3  # Heading 1 to Heading 3 are numbered
_INDENT = (567, 709, 851)  # twips between the margin and a heading's text, per level (room for "1.1.1")
# A number's width in ems of its heading's size, as wide as a bold sans serif draws it (DejaVu Sans Bold, which
# LibreOffice falls back to; Calibri's are narrower), and the least gap between the number and the words.
_DIGIT_EM, _DOT_EM, _GAP_EM = 0.7, 0.4, 0.25
_LOWER_EM = 0.6  # the lower-case letters of "Annex" (an annex's "I", like the space, as narrow as a dot)


class HeadingNumbers:
    """Counts headings as Word's multilevel list linked to the heading styles numbers them; after `annexes()`,
    as the annexes' own list numbers them ("Annex I", "I.1")."""

    def __init__(self, depth: int = DEPTH, annex_style: str = "roman") -> None:
        self.depth = depth
        self.counts = [0] * 9
        self.annex_style = annex_style
        self.in_annexes = False
        self.last = ""  # the number `next` gave last

    def copy(self) -> HeadingNumbers:
        """A counter that goes on from where this one stands, on its own."""
        other = HeadingNumbers(self.depth, self.annex_style)
        other.counts, other.in_annexes, other.last = list(self.counts), self.in_annexes, self.last
        return other

    def annexes(self) -> None:
        """The headings from here on are the annexes': counted from Annex I (or A) again."""
        self.in_annexes, self.counts = True, [0] * 9

    def next(self, level: int) -> str:
        """The number of the next heading at `level` (1-based), or "" for a level the styles do not number."""
        if not 1 <= level <= self.depth:
            return ""
        self.counts[level - 1] += 1
        for deeper in range(level, 9):
            self.counts[deeper] = 0
        parts = [str(count) for count in self.counts[:level]]
        if self.in_annexes:
            parts[0] = annex_number(self.counts[0], self.annex_style)
        self.last = f"{ANNEX_WORD} {parts[0]}" if self.in_annexes and level == 1 else ".".join(parts)
        return self.last


ANNEX_WORD = "Annex"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def annex_number(count: int, style: str) -> str:
    """The `count`th annex's number (1-based): I, II, III ('roman') or A, B, ..., Z, AA as Word counts letters."""
    if style == "letters":
        return chr(ord("A") + (count - 1) % 26) * ((count - 1) // 26 + 1)
    roman = ""
    for value, numeral in _ROMAN:
        while count >= value:
            roman, count = roman + numeral, count - value
    return roman


def chapter_counters(section_ids: Iterable[str], annexes: Collection[str] = (),
                     annex_style: str = "roman") -> dict[str, HeadingNumbers]:
    """Each section's own counter, in outline order, as its Heading 1 leaves it: its `last` is the chapter's number
    (1, 2, ... for the chapters, "Annex I" or "Annex A" on for the sections in `annexes`, which come last), and the
    section's deeper headings are numbered on from it ("2.1", "I.1.1"), as the .docx numbers them."""
    counters, counter = {}, HeadingNumbers(annex_style=annex_style)
    for section_id in section_ids:
        if section_id in annexes and not counter.in_annexes:
            counter.annexes()
        counter.next(1)
        counters[section_id] = counter.copy()
    return counters


def chapter_numbers(section_ids: Iterable[str], annexes: Collection[str] = (),
                    annex_style: str = "roman") -> dict[str, str]:
    """Chapter number of each section in outline order (what its Heading 1 shows), as `chapter_counters` counts."""
    return {section_id: counter.last
            for section_id, counter in chapter_counters(section_ids, annexes, annex_style).items()}


def members_annex_counter(annexes: Collection[str], annex_style: str = "roman") -> HeadingNumbers | None:
    """The heading counter of the contributors' annex, standing at its number after the outline's `annexes` (its
    `last`: "Annex II" after one; its headings are numbered on from it, "II.1"); None in a paper without annexes."""
    if not annexes:
        return None
    counter = HeadingNumbers(annex_style=annex_style)
    counter.annexes()
    for _ in range(len(annexes) + 1):
        counter.next(1)
    return counter


def members_annex_number(annexes: Collection[str], annex_style: str = "roman") -> str:
    """The number of the contributors' annex (`members_annex_counter`), "" (no number) in a paper without annexes."""
    counter = members_annex_counter(annexes, annex_style)
    return counter.last if counter is not None else ""


def link_heading_styles(styles: Element, numbering: Element, num_id: int, style_ids: dict[str, str],
                        depth: int = DEPTH) -> Element:
    """Add the multilevel definition (`num_id` over a new abstractNum) and link Heading 1..depth to its levels;
    returns the abstractNum (see `fit_indents`)."""
    abstract = _multilevel(numbering, num_id, depth, style_ids, "decimal", "")
    for level in range(depth):
        style_id = style_ids.get(f"heading {level + 1}")
        style_el = _style(styles, style_id) if style_id else None
        if style_el is None:
            continue
        existing = style_el.find(ooxml.w("pPr"))
        props: Element = etree.Element(ooxml.w("pPr")) if existing is None else existing
        if existing is None:
            _place_style_ppr(style_el, props)
        for old in props.findall(ooxml.w("numPr")):
            props.remove(old)
        num_pr = etree.Element(ooxml.w("numPr"))
        if level:
            ooxml.sub(num_pr, "ilvl", val=str(level))
        ooxml.sub(num_pr, "numId", val=str(num_id))
        ooxml.insert_ppr_child(props, num_pr)
    return abstract


def annex_levels(numbering: Element, num_id: int, annex_style: str, depth: int = DEPTH) -> Element:
    """Add the annexes' multilevel list (`num_id`): "Annex I" (or "Annex A"), "I.1", "I.1.1"; linked to no style,
    as the heading styles carry the chapters' list. Returns its abstractNum (see `fit_indents`)."""
    return _multilevel(numbering, num_id, depth, {}, "upperLetter" if annex_style == "letters" else "upperRoman",
                       f"{ANNEX_WORD} ")


def _multilevel(numbering: Element, num_id: int, depth: int, style_ids: dict[str, str], first_format: str,
                prefix: str) -> Element:
    """A new abstractNum numbering levels 1..depth (the first level in `first_format`, the deeper ones decimal,
    `prefix` before the first level's number alone) and list `num_id` over it, each level linked to its heading
    style in `style_ids`."""
    ids = [int(a.get(ooxml.w("abstractNumId"), "0")) for a in numbering.iter(ooxml.w("abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    abstract = ooxml.new("abstractNum", abstractNumId=str(abstract_id))
    ooxml.sub(abstract, "multiLevelType", val="multilevel")
    for level in range(9):
        lvl = ooxml.sub(abstract, "lvl", ilvl=str(level))
        ooxml.sub(lvl, "start", val="1")
        numbered = level < depth
        ooxml.sub(lvl, "numFmt", val=(first_format if level == 0 else "decimal") if numbered else "none")
        style = style_ids.get(f"heading {level + 1}")
        if numbered and style:
            ooxml.sub(lvl, "pStyle", val=style)
        text = ".".join(f"%{n}" for n in range(1, level + 2))
        ooxml.sub(lvl, "lvlText", val=(prefix * (level == 0) + text) if numbered else "")
        ooxml.sub(lvl, "lvlJc", val="left")
        indent = _INDENT[min(level, len(_INDENT) - 1)]
        ooxml.sub(ooxml.sub(lvl, "pPr"), "ind", left=str(indent), hanging=str(indent))
    first_num = numbering.find(ooxml.w("num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    num = ooxml.sub(numbering, "num", numId=str(num_id))
    ooxml.sub(num, "abstractNumId", val=str(abstract_id))
    return abstract


def fit_indents(abstract: Element, numbers: Iterable[str], styles: Element, style_ids: dict[str, str]) -> None:
    """Widen a level's indent where the paper's widest number at that level ("1.10.1", "11.2") needs more room
    than `_INDENT` gives, at its heading style's size: the tab after a number wider than the indent leaves no
    gap in LibreOffice ("1.10.1Deep dive") and jumps to the next tab stop in Word."""
    widest: dict[int, float] = {}
    for number in numbers:
        ems = sum(_DOT_EM if char in ". I" else _LOWER_EM if char.islower() else _DIGIT_EM for char in number)
        ems += _GAP_EM
        level = number.count(".")
        widest[level] = max(widest.get(level, 0.0), ems)
    for lvl in abstract.iter(ooxml.w("lvl")):
        level = int(lvl.get(ooxml.w("ilvl"), "0"))
        ind = lvl.find(f"{ooxml.PPR}/{ooxml.w('ind')}")
        if level not in widest or ind is None:
            continue
        needed = math.ceil(widest[level] * _em(styles, style_ids.get(f"heading {level + 1}")))
        if needed > int(ind.get(ooxml.w("left"), "0")):
            ind.set(ooxml.w("left"), str(needed))
            ind.set(ooxml.w("hanging"), str(needed))


def _em(styles: Element, style_id: str | None) -> int:
    """The heading style's font size in twips (its w:sz is in half points), 12 pt when it sets none."""
    style = _style(styles, style_id) if style_id else None
    size = style.find(f"{ooxml.w('rPr')}/{ooxml.w('sz')}") if style is not None else None
    value = size.get(ooxml.w("val"), "") if size is not None else ""
    return int(value) * 10 if value.isdigit() else 240


def _style(styles: Element, style_id: str) -> Element | None:
    for style in styles.iter(ooxml.w("style")):
        if style.get(ooxml.w("styleId")) == style_id:
            return style
    return None


def _place_style_ppr(style: Element, props: Element) -> None:
    """w:pPr goes after the style's name, basedOn, next, link, qFormat and the like, before w:rPr."""
    rpr = style.find(ooxml.w("rPr"))
    if rpr is not None:
        rpr.addprevious(props)
    else:
        style.append(props)


def unnumber(blocks: Iterable[Element], heading_styles: set[str]) -> None:
    """Switch off the style's numbering on every heading paragraph of `blocks` (numId 0 on the paragraph)."""
    for block in blocks:
        for p in block.iter(ooxml.P):
            style = p.find(f"{ooxml.PPR}/{ooxml.PSTYLE}")
            if style is not None and style.get(ooxml.w("val")) in heading_styles and p.find(
                    f"{ooxml.PPR}/{ooxml.w('numPr')}") is None:
                ooxml.set_numbering(p, 0, 0)


def number_annex(blocks: Iterable[Element], levels: dict[str, int], num_id: int) -> None:
    """Number an annex's headings with the annexes' list `num_id` rather than their style's: `levels` maps each
    numbered heading style's id to its level (1-based)."""
    for block in blocks:
        for p in block.iter(ooxml.P):
            style = p.find(f"{ooxml.PPR}/{ooxml.PSTYLE}")
            level = levels.get(style.get(ooxml.w("val"), "")) if style is not None else None
            if level is not None and p.find(f"{ooxml.PPR}/{ooxml.w('numPr')}") is None:
                ooxml.set_numbering(p, num_id, level - 1)
