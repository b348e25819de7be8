"""A section's prose as the editorial rules see it: the body's lines with code, URLs, e-mail addresses, HTML,
footnote labels and the underscores of emphasis blanked out (same length, so columns stay exact; a character
reference such as `&eacute;` is the character it stands for, then blanks), and the blocks the rules need
(headings, paragraphs, tables, footnotes) by line.

Only lines that markdown-it gives to an inline token are prose: fenced and indented code, HTML blocks and link
reference definitions never are.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown_it.token import Token

    from ..diagnostics import Fix


#: What a masked character becomes: neither a word character nor a space, so no term matches across it.
MASK = "\x00"

#: The domains a web address without a path ends with, for it to be read as one: "europa.eu", not "end.so".
_TLDS = ("eu", "int", "org", "com", "net", "gov", "edu", "info", "be", "bg", "cz", "dk", "de", "ee", "ie", "gr", "es",
         "fr", "hr", "it", "cy", "lv", "lt", "lu", "hu", "mt", "nl", "at", "pl", "pt", "ro", "si", "sk", "fi", "se",
         "uk", "ch", "no", "is")

_TICKS = re.compile(r"`+")
#: What a web address without a scheme cannot be without: a domain and a path, or a domain's end.
_DOMAIN = rf"\.(?:[a-z]{{2,24}}/|(?:{'|'.join(_TLDS)})(?![\w-]))"  # from its dot: a quick search
_MASKS = [  # each with the text it cannot match without: a line that lacks it is not searched
    (("<!--",), re.compile(r"<!--.*?(?:-->|$)")),  # HTML comments (inline suppressions among them)
    (("<",), re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")),  # autolinks
    (("<",), re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")),  # HTML tags
    (("](",), re.compile(r"(?<=\])\(\s*(?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
                         r"(?:\s+(?P<quote>[\"'])(?P<keep>(?:(?!(?P=quote)).)*)(?P=quote))?\s*\)")),
    # link destinations, but not their title (`keep`): an image's is its caption in the document
    (("][",), re.compile(r"(?<=\])\[[^\]]*\]")),  # reference link labels
    (("[^",), re.compile(r"\[\^[^\]\s[]+\]:?")),  # footnote references and labels (no bracket in a label)
    (("://", "www."), re.compile(r"(?:\b[a-zA-Z][a-zA-Z0-9+.-]{0,31}://|\bwww\.)"  # bare URLs (a scheme's 32 at most)
                                 r"[^\s<>]*[^\s<>.,;:!?'\")\]]")),
    (("@",), re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),  # e-mail addresses, from a name's start
    ((re.compile(_DOMAIN),), re.compile(  # web addresses without a scheme: ec.europa.eu/..., europa.eu
        rf"(?<![\w@./-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:[a-z]{{2,24}}/(?:[^\s<>]*[^\s<>.,;:!?'\")\]])?"
        rf"|(?:{'|'.join(_TLDS)})(?![\w-]|\.\w))")),
    (("{#",), re.compile(r"\{#[^\s{}]+\}")),  # a caption's id for cross-references
    (("_",), re.compile(r"(?<![^\W_])_+(?=[^\W_])|(?<=[^\W_])_+(?![^\W_])")),  # _emphasis_ (not snake_case)
]
#: A character reference (`&nbsp;`, `&eacute;`, `&#8364;`): read as the character it stands for (see `_character`).
_REFERENCE_RE = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def _needles(needles: tuple[str | re.Pattern[str], ...]) -> re.Pattern[str]:
    return re.compile("|".join(n.pattern if isinstance(n, re.Pattern) else re.escape(n) for n in needles))


_SEARCHES = [(_needles(needles), pattern) for needles, pattern in _MASKS]  # one search a mask for its needles
_ANY_NEEDLE = re.compile("|".join([*(needles.pattern for needles, _ in _SEARCHES), "&"]))


def _character(match: re.Match[str]) -> str:
    """A character reference as the character it stands for, then MASK to its length: `caf&eacute;` reads as the
    word 'café'; a name HTML does not know is masked whole."""
    written = match.group()
    found = html.unescape(written)
    return MASK * len(written) if found == written else found + MASK * (len(written) - len(found))


def mask(line: str) -> str:
    """`line` with every non-prose stretch replaced by MASK characters. Each search takes time in proportion to the
    line (a member's line of 40,000 characters took minutes when a search tried again at every character)."""
    if "`" in line:
        line = code_spans_masked(line)
    if _ANY_NEEDLE.search(line) is None:  # most lines: one search instead of a test for each needle
        return line
    for needles, pattern in _SEARCHES:
        if needles.search(line):
            line = pattern.sub(_blank, line)
    return _REFERENCE_RE.sub(_character, line) if "&" in line else line


def code_spans_masked(line: str) -> str:
    """`line` with each code span masked: a run of backticks to the next run of as many, as CommonMark reads them (a
    run that no run of its length follows is text), found in one pass over the runs."""
    runs = [(m.start(), m.end()) for m in _TICKS.finditer(line)]
    of_length: dict[int, list[int]] = {}  # the runs of each length, in order
    for index, (start, end) in enumerate(runs):
        of_length.setdefault(end - start, []).append(index)
    passed = dict.fromkeys(of_length, 0)  # of each length, the runs before the one looked at
    pieces: list[str] = []
    last = index = 0
    while index < len(runs):
        start, end = runs[index]
        same, position = of_length[end - start], passed[end - start]
        while position < len(same) and same[position] <= index:
            position += 1
        passed[end - start] = position
        if position == len(same):  # no closing run: the backticks are text
            index += 1
            continue
        close = runs[same[position]][1]
        pieces += [line[last:start], MASK * (close - start)]
        last, index = close, same[position] + 1
    return "".join([*pieces, line[last:]]) if pieces else line


def _blank(m: re.Match[str]) -> str:
    """MASK for each character of a match, but for the prose it keeps (group `keep`: a link's title)."""
    kept = m.span("keep") if "keep" in m.re.groupindex and m.group("keep") else None
    if kept is None:
        return MASK * len(m.group())
    start, end = kept[0] - m.start(), kept[1] - m.start()
    return MASK * start + m.group()[start:end] + MASK * (len(m.group()) - end)


SUPPRESS_RE = re.compile(r"<!--\s*coe-paper:\s*ignore\b(?P<rest>.*?)-->")
CODE_RE = re.compile(r"\bCOE\d{3}\b")
LEADING_CODES_RE = re.compile(r"\s*(?:COE\d{3}\b[\s,]*)+")  # the codes; any text after them is the reason


@dataclass
class Suppression:
    """`<!-- coe-paper: ignore CODE[, CODE] [reason] -->`, for the file line it sits on (or the next, alone)."""

    line: int  # the file line it applies to
    at: tuple[int, int]  # file (line, column) of the comment itself
    codes: list[str]
    used: set[str] = field(default_factory=set)


@dataclass
class Block:
    """A run of body lines (0-based, end exclusive) forming one heading, paragraph or footnote."""

    start: int
    end: int
    kind: str  # "heading", "paragraph", "table", "footnote"
    group: int = 0


#: Quoted words, in one paragraph: double quotation marks, curly or straight, and single ones, curly or straight (a
#: closing one is no apostrophe when no letter follows it; a straight opening one follows no letter, as an
#: apostrophe does, and an apostrophe between letters within the quotation does not end it: 'We don't know'; nor
#: does a plural's possessive before a word in lower case while a closing one follows: 'the partners' plans'); and
#: the marks of other languages, which a text quoting a French or German source keeps: guillemets, double and single,
#: and German marks, low then high.
_QUOTED = re.compile("\u00ab[^\u00ab\u00bb]*\u00bb|\u2039[^\u2039\u203a]*\u203a"
                     "|\u201e[^\u201e\u201c\u201d]*[\u201c\u201d]|\u201a[^\u201a\u2018\u2019]*[\u2018\u2019](?!\\w)"
                     "|\u201c[^\u201c\u201d]*\u201d|\"[^\"]*\"|\u2018[^\u2018]*?\u2019(?!\\w)"
                     "|(?<![\\w'\u2019])'(?=\\S)(?:[^']|(?<=\\w)'(?=\\w)|(?<=s)'(?=[ \\t\\n]+[a-z]))*?(?<=\\S)'(?!\\w)"
                     "(?!(?<=s')[ \\t\\n]+[a-z][^']*(?<=\\S)'(?!\\w))")
#: What may open a quotation, which _QUOTED is looked for after: tests of `in`, a third of the time a pattern of
#: them takes on a paragraph without any (0.7 against 2.3 µs).
_OPENS_QUOTE = ('"', "'", "\u201c", "\u2018", "\u00ab", "\u2039", "\u201a", "\u201e")
#: The text of a collapsed (`[x][]`) or shortcut (`[x]`) reference link, which is also its label: not followed by
#: a destination, a label or a colon.
_OWN_LABEL = re.compile(r"(?<![\]\\])\[([^\[\]^][^\[\]]*)\](?:\[\]|(?![\[(:]))")

#: Words in italics, one asterisk or underscore each side (not bold), in one paragraph: a title in italics (a
#: publication's name) when its first letter is a capital (`_italic_titles`).
_ITALIC = re.compile(r"(?<![*_\\\w])([*_])(?![\s*_])(.{1,400}?)(?<![\s*_\\])\1(?![*_\w])", re.DOTALL)
#: What ends the text before a sentence's first word: nothing (a paragraph's start, past a list item's marker or a
#: quote's >), or a full stop, question or exclamation mark (and a closing bracket or quotation mark), then blanks
#: and an opening bracket or quotation mark.
_SENTENCE_OPENS = re.compile(r"(?:^[\s>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?|[.!?][)\]\"'\u2019\u201d]*\s+)"
                             r"[(\[\"'\u2018\u201c]*$")
_WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
#: How far back from words in italics a sentence's opening is looked for: enough for a list item's marker and blanks,
#: and not the whole paragraph again for each of its words in italics.
_OPENS_REACH = 80
KEEP_QUOTED = "in a quotation: not fixed"
KEEP_TITLE = "in a title in italics (a publication's name keeps its words): not fixed"
KEEP_LABEL = "a reference link's label: not fixed (change its definition too)"


@dataclass
class Prose:
    """One section's prose, by body line (0-based); `file_line` turns an index into the file's 1-based line."""

    path: str
    body_line: int
    lines: list[str]
    masked: dict[int, str]
    kinds: dict[int, str]
    blocks: list[Block]
    suppressions: list[Suppression]
    quoted: set[int] = field(default_factory=set)  # lines in a block quote
    refuses: Callable[[Fix], str] | None = None  # why a fix may not be written here (the title: see title.py)

    @cached_property
    def kept(self) -> dict[int, list[tuple[int, int, str]]]:
        """By body index, the stretches (0-based start, end, why) that `--fix` leaves as written: quotations, whose
        words are someone else's, titles in italics (a publication's name keeps its words) and reference links'
        labels."""
        found: dict[int, list[tuple[int, int, str]]] = {}
        for index in self.quoted:
            found.setdefault(index, []).append((0, len(self.lines[index]), KEEP_QUOTED))
        for text, starts in self.texts:
            if any(mark in text for mark in _OPENS_QUOTE):
                self._keep(found, starts, [m.span() for m in _QUOTED.finditer(text)], KEEP_QUOTED)
            raw = "\n".join(self.lines[index] for index, _ in starts)  # as long as `text`: its emphasis unmasked
            if "*" in raw or "_" in raw:
                titles = [m.span() for m in _ITALIC.finditer(raw) if _title(raw, m)]
                self._keep(found, starts, titles, KEEP_TITLE)
        for index in self.masked:
            if "[" in self.lines[index]:
                for m in _OWN_LABEL.finditer(self.lines[index]):
                    found.setdefault(index, []).append((m.start(1), m.end(1), KEEP_LABEL))
        return found

    def _keep(self, found: dict[int, list[tuple[int, int, str]]], starts: list[tuple[int, int]],
              spans: list[tuple[int, int]], why: str) -> None:
        """Add to `found` the stretches of a text (lines starting at `starts`) that `spans` of it cover, by line."""
        for start, end in spans:
            line = bisect_right(starts, start, key=lambda begin: begin[1]) - 1  # where the span starts
            while line < len(starts) and starts[line][1] < end:
                index, begin = starts[line]
                low, high = max(start, begin), min(end, begin + len(self.masked[index]))
                if low < high:
                    found.setdefault(index, []).append((low - begin, high - begin, why))
                line += 1

    def file_line(self, index: int) -> int:
        return self.body_line + index + 1

    def place(self, starts: list[tuple[int, int]], offset: int) -> tuple[int, int]:
        """File (line, column) of `offset` in a paragraph's text, given where its lines start (see `paragraphs`)."""
        index, begin = starts[bisect_right(starts, offset, key=lambda start: start[1]) - 1]
        return self.file_line(index), offset - begin + 1

    @cached_property
    def runs(self) -> frozenset[str]:
        """Every run of word characters in the prose, as written. A rule whose matches are made of whole runs (a
        country code, a month, a year) passes over a section that lacks the runs they need."""
        return frozenset(WORD_RUN.findall("\n".join(self.masked.values())))

    @cached_property
    def lower_runs(self) -> frozenset[str]:
        """`runs` in lower case: the words the term lists look for (terms.py), read once for all of them."""
        return frozenset(run.lower() for run in self.runs)

    @cached_property
    def paragraphs(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Each paragraph or footnote as one text, with the (body index, offset in the text) where each of its lines
        starts: worked out once, for the rules that read whole sentences."""
        return [self._joined(block) for block in self.blocks if block.kind in ("paragraph", "footnote")]

    def _joined(self, block: Block) -> tuple[str, list[tuple[int, int]]]:
        indices = [index for index in range(block.start, block.end) if index in self.masked]
        starts, offset = [], 0
        for index in indices:
            starts.append((index, offset))
            offset += len(self.masked[index]) + 1
        return "\n".join(self.masked[index] for index in indices), starts

    @cached_property
    def texts(self) -> list[tuple[str, list[tuple[int, int]]]]:
        """Every paragraph and footnote as one text (see `paragraphs`), then every heading (a setext heading's or the
        title's lines joined) and table line: for the rules whose phrases may run over a line break."""
        headings = [self._joined(block) for block in self.blocks if block.kind == "heading"]
        return self.paragraphs + headings + [(text, [(index, 0)]) for index, text in self.prose_lines("table")]

    @cached_property
    def _text_of(self) -> dict[int, tuple[str, int]]:
        return {index: (text, begin) for text, starts in self.texts for index, begin in starts}

    def text_at(self, index: int) -> tuple[str, int]:
        """The text of `texts` that holds body line `index` (a prose line), and the offset where the line starts."""
        return self._text_of[index]

    def prose_lines(self, *kinds: str) -> list[tuple[int, str]]:
        """(body index, masked text) of every prose line, or of those of the given kinds."""
        return [(i, text) for i, text in sorted(self.masked.items()) if not kinds or self.kinds[i] in kinds]


def _title(text: str, italic: re.Match[str]) -> bool:
    """Whether words in italics (`italic`, an _ITALIC match in `text`) are a title, a publication's name: its first
    letter is a capital, and, where it opens a sentence, whose first word has a capital anyway, another of its words
    begins with one (`*Urban Futures* shows`, not the emphasis of `*Housing* is a right` or `*Most cities* agree`)."""
    if not italic.group(2)[:1].isupper():
        return False
    if _SENTENCE_OPENS.search(text, max(italic.start() - _OPENS_REACH, 0), italic.start()) is None:
        return True
    return any(word[:1].isupper() for word in _WORD.findall(italic.group(2))[1:])


#: A run of word characters: the unit the rules' quick tests look for (Prose.runs, terms.py's leads).
WORD_RUN = re.compile(r"\w+")


def _kind(stack: list[str]) -> str:
    for kind in ("footnote", "table", "heading"):
        if kind in stack:
            return kind
    return "paragraph"


def read_prose(path: str, body: str, body_line: int, tokens: list[Token]) -> Prose:
    """The prose view of a section body parsed into `tokens`."""
    lines = body.split("\n")
    prose = Prose(path, body_line, lines, {}, {}, [], [])
    stack: list[str] = []
    group = 0  # footnotes and tables are one block each, whatever paragraphs or rows they hold
    for token in tokens:
        kind = token.type
        if kind == "blockquote_open":
            stack.append("blockquote")
        elif kind in ("heading_open", "table_open", "footnote_open"):
            stack.append(kind.split("_")[0])
            group += 1
        elif kind in ("heading_close", "table_close", "footnote_close", "blockquote_close"):
            stack.pop()
        elif kind == "html_block" and token.map and SUPPRESS_RE.search(token.content):
            _suppressions(prose, token.content, token.map[0], applies_to=prose.file_line(token.map[1]))
        elif kind == "inline" and token.map:
            block = Block(token.map[0], min(token.map[1], len(lines)), _kind(stack), group)
            last = prose.blocks[-1] if prose.blocks else None
            if last is not None and block.kind in ("footnote", "table") and (last.kind, last.group) == (
                block.kind, block.group
            ):
                last.end = max(last.end, block.end)
            else:
                prose.blocks.append(block)
            for index in range(block.start, block.end):
                if index not in prose.masked:
                    raw = lines[index]
                    if "<!--" in raw and SUPPRESS_RE.search(raw):
                        uncoded = code_spans_masked(raw) if "`" in raw else raw
                        _suppressions(prose, uncoded, index, applies_to=prose.file_line(index))  # not one in code
                    prose.masked[index] = mask(raw)
                    prose.kinds[index] = block.kind
                    if "blockquote" in stack:
                        prose.quoted.add(index)
    return prose


def _suppressions(prose: Prose, text: str, index: int, applies_to: int) -> None:
    for offset, line in enumerate(text.split("\n")):
        for match in SUPPRESS_RE.finditer(line):
            listed = LEADING_CODES_RE.match(match.group("rest"))
            codes = CODE_RE.findall(listed.group()) if listed else []
            at = (prose.file_line(index + offset), match.start() + 1)
            prose.suppressions.append(Suppression(applies_to, at, codes))
