"""COE733: a member's own 'a' or 'an' that does not fit the sound of the word after it ('an utility', 'an European
city', 'a hour', 'a NGO'), fixed under `--fix` where article and word share a line.

The sound comes from articles.py, which knows it for the words a term list's fix writes, and from three readings
of its own: an abbreviation of two letters or without a vowel is read letter by letter (an NGO, an SDG, a UN body,
an EU fund), a letter before a hyphen by its name (an x-axis, a U-turn), a figure by its name (an 8% rise, a 1.5%
cut, an 11-year-old). Where the sound is not sure, nothing is said: an abbreviation with a vowel (an MEP, a NATO
summit), a word whose spelling does not tell (a ubiquitous, an eucalyptus: articles.article_for gives None), a
capitalised word whose start is on none of articles.py's lists (a name: a Hermès shop, an Uppsala study), a word
in lower case with capitals (an mRNA vaccine, an eID), without a vowel (an nth) or with a start no English word
has (an sdist), 'an' before a spoken h (an
historic event, old but still written in British English), a figure whose name depends on how it is read (an 1840
law, read as a year, a 1840-strong crowd) and a capital A or An that opens no sentence (Zone A unit, a label).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Fix
from .articles import SILENT_H, SOUNDED_U, SOUNDED_Y_OR_W, article_for, capitals_article, opens_sentence
from .eustyle import ESG
from .names import name_particle
from .registry import Finding, rule

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

#: 'a' or 'an' as a word, the blanks (a line break of its paragraph too) and the first character of the next word.
_PAIR = re.compile(r"(?<![\w'\u2019.-])(?P<article>[Aa]n?)(?P<gap>[ \t\u00a0]+\n?[ \t\u00a0]*|\n[ \t\u00a0]*)(?=\w)")
#: The word after it: letters, digits, hyphens, apostrophes; a figure's decimal point and percent sign.
_NEXT = re.compile(r"[\w'\u2019-]+(?:[.,]\d+)*")
#: Words that never follow an article: 'a' and 'an' before one are a label or a letter (points a and b, if a is
#: greater), not an article.
_NEVER_AFTER = frozenset({"and", "or", "nor", "of", "in", "on", "at", "is", "are", "was", "were", "as", "if", "it",
                          "its", "to", "into", "onto", "upon", "unless", "until", "a", "an", "the", "etc", "i", "e",
                          "g"})
#: Letters whose name starts with a vowel's sound (an F, an H, an M, an S, an X); U's name starts with a 'y'.
_VOWEL_NAMES = frozenset("AEFHILMNORSX")
#: Vowels, and y, which after a consonant is one (HYPERLINK, nymph).
_VOWELS = frozenset("AEIOUYaeiouy")
#: The starts of words whose sound articles.py knows, in lower case: a capitalised word that starts with none of them
#: may be a name, whose sound its spelling does not tell.
_KNOWN = ("one", *SILENT_H, *SOUNDED_Y_OR_W, *SOUNDED_U)
#: Two consonants that start English words (FRONTEX, SMART, STEM): capitals that start so may be read as a word.
_ONSETS = frozenset({"BL", "BR", "CH", "CL", "CR", "DR", "DW", "FL", "FR", "GL", "GR", "KN", "PH", "PL", "PR", "SC",
                     "SH", "SK", "SL", "SM", "SN", "SP", "ST", "SW", "TH", "TR", "TW", "WH", "WR", "QU"})
#: A figure's digits before any separator or decimal point.
_DIGITS = re.compile(r"\d+")


def _letter_article(letter: str) -> str:
    """The article before a letter read by its name: an F, an NGO, a UN body, a B."""
    return "an" if letter.upper() in _VOWEL_NAMES else "a"


def _unspoken_start(letters: str) -> bool:
    """Whether capitals start with two consonants that start no English word (NGO, LGBTIQ): read as letters. Those
    that may start one (FRONTEX, SME) may be read as a word."""
    return not _VOWELS.intersection(letters[:2]) and letters[:2] not in _ONSETS


def _figure_article(word: str) -> str | None:
    """The article before a figure, by its name: 'an' before eight, eighty, eight hundred (8...), eleven and
    eighteen (11 and 18, alone or before a separator or decimal point: 11.5%, 18 000; 11000); 'a' before other
    figures of up to three digits (a 1.5% cut, a 100-day plan, a 110 m wall); None for the rest, whose name depends
    on how they are read (1840 as a year, eighteen forty; as a count, one thousand eight hundred and forty)."""
    digits = _DIGITS.match(word)
    if digits is None:
        return None
    run = digits.group()
    if run[0] == "8" or run in ("11", "18"):
        return "an"
    if run.startswith(("11", "18")) and len(run) in (4, 5):
        return "an" if len(run) == 5 else None  # 11000 is eleven thousand; 1100 is eleven hundred or one thousand
    return "a" if len(run) <= 3 else None


def wanted_article(word: str) -> str | None:
    """'a' or 'an', the article `word` takes by its sound, or None when that sound is not sure (see the module)."""
    if word.lower() in _NEVER_AFTER:
        return None
    if word[0].isdigit():
        return _figure_article(word)
    head = word.split("-", 1)[0]
    if len(head) == 1 and "-" in word:  # a letter by its name: an x-axis, an X-ray, a U-turn
        return None if head.lower() == "a" else _letter_article(head)
    if len(head) == 1:
        return None  # a letter alone: a label (option a), a variable
    if head[0].islower() and any(c.isupper() or c.isdigit() for c in head):
        return None  # an mRNA vaccine, an eID, a b2b: read as letters or not
    if head[:2].isupper():  # an abbreviation in capitals: by its letters where it cannot be a word
        run = re.match(r"[A-Z]+", head)
        if run is None:
            return None  # a capital of another alphabet's letters (ÉU), whose name is not known here
        letters = run.group()
        if len(letters) <= 2 or not _VOWELS.intersection(letters) or _unspoken_start(letters):
            return _letter_article(letters[0])
        return capitals_article(letters)
    lower = word.lower()
    if not lower.startswith(_KNOWN) and (not _VOWELS.intersection(lower) or _unspoken_start(word.upper())):
        return None  # no vowel, or a start no English word has: letters or a loanword (an nth, an sdist, a tsar)
    if word[0].isupper() and not lower.startswith(_KNOWN):
        return None  # a name, whose sound its spelling does not tell
    return article_for(word)


@rule("COE733", "'a' or 'an' that does not fit the sound of the word after it ('an utility', 'a hour', 'a NGO'): "
      "'an' before a vowel's sound, 'a' before a consonant's (a unique, an hour, an NGO, a UN body)",
      f"{ESG}: a or an by the sound of the word after it, an abbreviation's as it is read", fixable=True)
def article_sound(context: Context, prose: Prose) -> Iterator[Finding]:
    if not prose.runs.intersection(("a", "an", "A", "An")):
        return
    for text, starts in prose.texts:
        for m in _PAIR.finditer(text):
            written = m.group("article")
            word_found = _NEXT.match(text, m.end())
            word = word_found.group().rstrip("'\u2019-") if word_found else ""
            wanted = wanted_article(word) if word else None
            if wanted is None or written.lower() == wanted:
                continue
            if written[0] == "A" and not opens_sentence(text[: m.start()].rsplit("\n", 1)[-1]):
                continue  # 'Zone A unit', 'Annex A Eurostat table': a label or a title's capitals
            if written.lower() == "an" and wanted == "a" and word[0] in "hH":
                continue  # 'an historic': old, but still written
            line, column = prose.place(starts, m.start())
            index = line - prose.body_line - 1
            if written == "an" and name_particle(prose, index, column - 1, written):
                continue  # Frankfurt an der Oder
            better = wanted.capitalize() if written[0] == "A" else wanted
            same_line = "\n" not in m.group("gap")
            wrapped = "" if same_line else "; not fixed: the word is on the next line"
            yield Finding(line, column, f"'{written} {word}': write '{better} {word}'",
                          f"'an' goes before a vowel's sound, 'a' before a consonant's, an abbreviation's read as its "
                          f"letters (an NGO, a UN body){wrapped}; source: {ESG}",
                          Fix(line, column, column + len(written), better, written) if same_line else None)
