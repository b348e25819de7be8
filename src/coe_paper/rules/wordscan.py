"""The words of prose as the spelling rules (spelling.py) read them: runs of letters joined by apostrophes and hyphens,
accents written apart and the characters no reader sees (soft hyphens, zero-width spaces) kept with their letters,
figures (m², CO₂) ending a word; read by the quickest pattern that reads the same words, and each line's and
section's words kept for the two rules that ask."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .text import Prose

#: Numbers that are word characters but no decimal digits: superscripts and subscripts (m², CO₂), fractions,
#: Roman numerals and circled numbers. They end a word, as a space does: 'km²' is the word 'km'.
_FIGURES = "\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff"
_LETTER = f"[^\\W\\d_{_FIGURES}]"
_WORD_CHAR = f"[^\\W{_FIGURES}]"  # what a word may not touch
WORD_RE = re.compile(f"(?<!{_WORD_CHAR}){_LETTER}+(?:['\u2019-]{_LETTER}+)*(?!{_WORD_CHAR})")
#: Characters no reader sees inside a word: a soft hyphen, a zero-width space and a word joiner, which web pages and
#: PDFs put in long words ('organi\u00adzation'): they belong to the letter before them, and are no part of the
#: word that is looked up.
_INVISIBLE = "\u00ad\u200b\u2060"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
#: Combining marks, and the invisible characters, which stay with the letter before them as they do.
_MARKS = f"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f{_INVISIBLE}"
_MARK_RE = re.compile(f"[{_MARKS}]")
#: WORD_RE for text with combining marks (accents written apart, as macOS and many PDFs write "naïve"), which
#: belong to the letter before them: WORD_RE would cut the word at each
_MARKED_WORD_RE = re.compile(f"(?<!{_WORD_CHAR})(?:{_LETTER}[{_MARKS}]*)+(?:['\u2019-](?:{_LETTER}[{_MARKS}]*)+)*"
                             f"(?![^\\W{_FIGURES}]|[{_MARKS}])")


#: WORD_RE for text whose word characters are all ASCII (its quotes and dashes may not be): the same words, read
#: in about two thirds of the time (a class of ASCII ranges is quicker to test than one of Unicode categories).
_ASCII_WORD_RE = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z]+(?:['\u2019-][A-Za-z]+)*(?![A-Za-z0-9_])")
_NON_ASCII_WORD_CHAR = re.compile(r"[^\W\x00-\x7f]")  # a letter or figure outside ASCII (é, ², a CJK character)


def word_re(text: str) -> re.Pattern[str]:
    """The pattern that reads the words of `text` as WORD_RE reads them, accents written apart included."""
    if text.isascii():
        return _ASCII_WORD_RE
    if _MARK_RE.search(text):
        return _MARKED_WORD_RE
    return WORD_RE if _NON_ASCII_WORD_CHAR.search(text) else _ASCII_WORD_RE


def visible(word: str) -> str:
    """`word` as a reader sees it: without its soft hyphens, zero-width spaces and word joiners."""
    return _INVISIBLE_RE.sub("", word) if _INVISIBLE_RE.search(word) else word


def words(prose: Prose, clean: dict[str, bool]) -> Iterator[tuple[int, int, str, str]]:
    """(file line, 0-based column, word, the character after it) of every word of prose, skipping the lines whose
    words are all in `clean` (words the caller found nothing in, whatever followed them, and marked)."""
    lines = prose.prose_lines()
    if clean.keys() >= section_words("\n".join(text for _, text in lines)):  # no word crosses a newline
        return  # the usual case, once a paper's words are known: every line is clean
    for index, text in lines:
        if clean.keys() >= line_words(text):
            continue
        line = prose.file_line(index)
        for m in word_re(text).finditer(text):
            end = m.end()
            yield line, m.start(), m.group(), text[end : end + 1]


def words_of(text: str) -> frozenset[str]:
    """The words of prose text, as the spelling rules read them (WORD_RE)."""
    return frozenset(word_re(text).findall(text))


#: The words of a prose line: both spelling rules ask about every line.
line_words = lru_cache(maxsize=4096)(words_of)
#: The words of a section's prose lines, joined: both rules ask, once each, so only the last few are kept (a long
#: running process, such as serve's, would otherwise hold thousands of whole sections).
section_words = lru_cache(maxsize=16)(words_of)
