"""What kind of Markdown block each paragraph of a member's Word draft becomes, by its style (the names Word gives
headings, titles, contents entries, code and quotations in the EU's languages), outline level and list numbering.
`importer.py` converts the paragraphs by these kinds; a heading's Markdown level comes from its outline level,
`##` at the top (`md_levels`); a quote's depth comes from its indent; a list item typed as
text (`TYPED`: "•", "-", "1." at a paragraph's start) is made one."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .captions_read import CAPTION_RE, numbered_caption
from .mdwrite import MdBlock, Para
from .wordblocks import OBJECT, Block, Paragraph
from .wordparts import Style

TYPED = re.compile("^[ \t]*(?:([\u2022\u00b7\u25aa\u25e6\u2023\u2219\u25cf\u25cb\u25a0\u25a1\u2013\u2014*-]|o(?=\t))"
                   "|(\\d{1,3})[.)])[ \t]+")  # bullets, dashes, "o" and a tab; or a number and "." or ")"
_HEADING = re.compile(r"^(?:heading|überschrift|titre|titolo|t[íi]tulo|kop|nagłówek|rubrik|otsikko|overskrift|"
                      r"nadpis|címsor|antraštė|virsraksts|pealkiri|naslov|заглавие|επικεφαλίδα|cabeçalho|"
                      r"encabezado)\s*(\d)$")
_TITLES = {"title", "titel", "titre", "titolo", "título", "titulo", "tytuł", "název", "názov", "cím", "otsikko",
           "tittel", "titlu", "naslov", "pavadinimas", "nosaukums", "заглавие", "τίτλος"}
_SUBTITLES = {"subtitle", "untertitel", "sous-titre", "sottotitolo", "subtítulo", "ondertitel", "podtytuł",
              "undertitel", "alaotsikko", "podnaslov", "alcím", "subtitlu", "podnadpis", "υπότιτλος"}
_TOC = re.compile(r"^(?:toc|contents|table of contents|inhaltsverzeichnis|verzeichnis|tdm|sommario|índice)\s*\d*$|"
                  r"^(?:toc|contents) heading$")
#: A list of figures or of tables (Word's "Table of Figures" style, LibreOffice's "Figure Index"), or a paragraph of
#: the TOC field that lists captions (`\c "Figure"`), whatever its style.
_FIGURES = re.compile(r"^(?:table of figures|(?:figure|illustration|table) index(?: heading|\s*\d*))$")
_CAPTIONS_LISTED = re.compile(r"^TOC\b.*\\c\b", re.IGNORECASE)
_CODE = ("source code", "preformatted", "plain text", "verbatim", "code")
_DRAWN = frozenset({"textbox", "diagram", "chart"})  # a paragraph's origin: drawn in the paragraph before it
_NESTED_LIST = re.compile(r"^list (?:bullet|number) ([2-9])$")  # Word keeps its built-in styles' English names
_CONTINUE = re.compile(r"^list (?:paragraph|continue(?: [2-9])?)$")
_QUOTES = {"quote", "intense quote", "block text", "footnote block text", "quotations", "quotation", "zitat",
           "citation", "citazione", "cita"}  # "footnote block text": pandoc 3's quote in a note
#: Caption styles: Word's (and its names in other languages), pandoc's, LibreOffice's for pictures ("Figure" since
#: version 7, "Illustration" before).
_CAPTIONS = {"caption", "image caption", "table caption", "beschriftung", "légende", "legende", "didascalia",
             "epígrafe", "bijschrift", "podpis", "illustration", "drawing", "figure"}
#: LibreOffice's caption of a table (Insert > Caption): its "Table" style, which a writer may give any paragraph, and
#: the number of the table in it, a { SEQ Table } field, which only a caption holds.
_TABLE_SEQUENCE = re.compile(r"^SEQ\s+Table(?:\s|$)", re.IGNORECASE)


def quote_style(name: str) -> bool:
    """Whether a style's name is a quote's: Word's Quote and Intense Quote, LibreOffice's Quotations (the papers'
    own quotes are in it), their names in other languages, and a member's own made from them ("Zitat 2")."""
    lowered = name.lower().strip()
    return "quote" in lowered or lowered.rstrip("0123456789 ") in _QUOTES


def paragraph_kind(para: Paragraph, numbering: Mapping[tuple[str, int], str], assembled: bool,
                   note: bool = False) -> tuple[str, int]:
    """What a draft's paragraph becomes, with its level: ("heading", 1-9), ("item", list level), or ("title" |
    "subtitle" | "toc" | "figures" (a list of figures or tables) | "byline" | "caption" | "draft caption" | "code" |
    "quote" | "para", 0). `numbering` gives each (numId, ilvl) its number format; `assembled` (the draft is a paper
    coe-paper assembled) lets bylines and captions be known by their styles; in a footnote or endnote (`note`), no
    paragraph is a title, a subtitle or a heading."""
    name = para.style_name.lower().strip()
    if _FIGURES.match(name) or any(_CAPTIONS_LISTED.match(instruction) for instruction in para.fields):
        return ("figures", 0)
    if _TOC.match(name) or para.origin == "contents":
        return ("toc", 0)
    if name == "byline" and assembled:
        return ("byline", 0)
    if name == "caption" and assembled and CAPTION_RE.match(para.text().replace(OBJECT, "")):
        return ("caption", 0)
    table = name == "table" and any(_TABLE_SEQUENCE.match(instruction) for instruction in para.fields)
    if (name in _CAPTIONS or table or numbered_caption(para)) and not assembled and not note:  # placed by what is
        # around it (see captions_read.DraftCaptions)
        return ("draft caption", 0)
    if not note and (name in _TITLES or para.style.lower() == "title"):
        return ("title", 0)
    if not note and (name in _SUBTITLES or para.style.lower() == "subtitle"):
        return ("subtitle", 0)
    heading = _HEADING.match(name) or _HEADING.match(para.style.lower())
    if not note and para.outline is not None and 0 <= para.outline < 9:
        return ("heading", para.outline + 1)
    if not note and heading and heading.group(1) != "0":
        return ("heading", int(heading.group(1)))
    if any(code in name for code in _CODE):
        return ("code", 0)
    if quote_style(name):  # Word's, LibreOffice's, and a member's own ("Quote 2")
        return ("quote", 0)
    if para.num is not None and numbering.get(para.num, "decimal") != "none":
        nested = _NESTED_LIST.match(name)  # Word's "List Bullet 2" is a list of its own, one level down
        return ("item", para.num[1] or (int(nested.group(1)) - 1 if nested else 0))
    return ("para", 0)


def _style_line(para: Paragraph, styles: Mapping[str, Style]) -> list[Style]:
    """The paragraph's style and the styles it is based on, in turn."""
    line: list[Style] = []
    style = styles.get(para.style)
    while style is not None and style not in line:
        line.append(style)
        style = styles.get(style.based_on or "")
    return line


def shown_indent(para: Paragraph, styles: Mapping[str, Style]) -> int | None:
    """A paragraph's left indent in twips: its own, else its style's (or the one of a style that one is based on);
    None where none sets one."""
    if para.indent is not None:
        return para.indent
    return next((style.indent for style in _style_line(para, styles) if style.indent is not None), None)


def continues_item(name: str) -> bool:
    """Whether a paragraph style's name is one Word gives an item's further paragraph: List Paragraph (its items'
    own), List Continue and List Continue 2, 3, ... (indented to the text of List Bullet, List Bullet 2, ...)."""
    return _CONTINUE.match(name.lower().strip()) is not None


def extra_indent(para: Paragraph, styles: Mapping[str, Style]) -> int:
    """How much further a quote's paragraph is indented (in twips) than the first quote style of its style's line: its
    own style, or the quote style that one is based on (a member's "Quote 2" based on Quote and indented further is a
    quote in a quote; Intense Quote, based on no quote style, is indented otherwise and no deeper)."""
    line = _style_line(para, styles)
    quotes = [at for at, style in enumerate(line) if quote_style(style.name)]
    base = quotes[-1] if quotes else 0

    def indent(start: int) -> int:
        return next((style.indent for style in line[start:] if style.indent is not None), 0)

    own = para.indent if para.indent is not None else indent(0)
    return own - indent(base)


def quote_depths(blocks: list[MdBlock]) -> None:
    """Quoted paragraphs in a row, whose depths hold how much further than their styles they are indented: the
    least are a quote, each further indent a quote inside the one before (Word shows a quote in a quote indented
    further; a quote style indented otherwise, such as Intense Quote, is no deeper quote)."""
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and isinstance(blocks[end], Para) and blocks[end].style == "quote":  # type: ignore[union-attr]
            end += 1
        quotes = [b for b in blocks[start:end] if isinstance(b, Para)]
        steps: list[int] = []  # the least indent of each depth: a step is at least a quarter inch (360 twips)
        for indent in sorted({para.depth for para in quotes if para.item is None}):
            if not steps or indent - steps[-1] >= 360:
                steps.append(indent)
        depth = 1  # a list item is in the quote of the paragraph before it (its numbering indents it further)
        for para in quotes:
            depth = para.depth = depth if para.item is not None else sum(step <= para.depth for step in steps)
        start = end + 1


def title_lines(kinds: list[tuple[Block, tuple[str, int]]], title_at: int | None) -> list[int]:
    """Where the title is: the paragraph at `title_at` and, when it is a Title paragraph, the Title paragraphs right
    after it (a title of two lines, as Word and Google Docs write one); none for no title."""
    if title_at is None:
        return []
    end = title_at + 1
    while kinds[title_at][1][0] == "title" and end < len(kinds) and kinds[end][1][0] == "title":
        end += 1
    return list(range(title_at, end))


def repeated_title(kinds: list[tuple[Block, tuple[str, int]]], title_at: int | None, title: str) -> int | None:
    """Where the first heading after a Title paragraph repeats the title, to be left out (pandoc writes a Markdown
    file's `title:` and its `# Title` so); None when none does."""
    if title_at is None or kinds[title_at][1][0] != "title":
        return None
    for index in range(title_at + 1, len(kinds)):
        block, (kind, _) = kinds[index]
        text = " ".join(block.text().replace(OBJECT, "").split()) if isinstance(block, Paragraph) else None
        if text == "" and kind != "heading":
            continue
        if kind != "heading" or text != title or any(r.note or r.image for r in block.runs):  # type: ignore[union-attr]
            return None
        return index
    return None


def md_levels(body: list[tuple[Block, tuple[str, int]]]) -> tuple[dict[int, int], int]:
    """Markdown level of each heading of `body` (its blocks and their kinds), by block id: the top level becomes
    `##`, no level is skipped, none is below `######`; and how many headings moved so."""
    shift = 2 - min((level for _, (kind, level) in body if kind == "heading"), default=2)
    out: dict[int, int] = {}
    previous, adjusted = 1, 0
    for block, (kind, level) in body:
        if kind == "heading":
            out[id(block)] = new = min(level + shift, previous + 1, 6)
            adjusted += new != level + shift
            previous = new
    return out, adjusted


def drawn_in_item(body: list[tuple[Block, tuple[str, int]]], position: int) -> bool:
    """Whether the paragraph or table at `position` of `body` (its blocks and their kinds) is drawn in a list item:
    a text box's, a diagram's or a chart's, which the reader puts after the paragraph that holds the drawing, here an
    item. It is the item's next paragraph (or table), and the list goes on after it."""
    if body[position][0].origin not in _DRAWN:
        return False
    for before, (kind, _) in reversed(body[:position]):  # the paragraph holding it: the last one that is not drawn
        if before.origin not in _DRAWN:
            return kind == "item"
    return False
