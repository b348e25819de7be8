"""'a' or 'an' before a term list's wording (rules/terms.py): the article a fix writes with a replacement when the
text before the phrase has one ('a disabled toilet': 'an accessible toilet').

The article follows the sound of the word after it, which spelling alone does not always tell: an hour but a
house, a European, a one-off, a unit but an umbrella, an HIV test but a NATO summit. A word that starts so gets its
article from the short lists below, whose words' sound is known; else a word starting with h takes 'a' (the h is
spoken: a house, a historic), and a word starting with eu, one or u (but un- before a letter other than i: an
unwritten agreement), with a digit (an 8-hour day) or in capitals that read otherwise as letters and as a word (an
MEP, but a NATO summit; an EU fund but a EURES adviser: see capitals_article) has no article a fix can be sure of.
"""

from __future__ import annotations

import re

#: Words whose h is silent: they take 'an' (by their starts: honest, honesty; honour, honorary; hour, hourly).
SILENT_H = ("hour", "honest", "honour", "honor", "heir")
#: Words with a vowel letter first that start with a consonant's sound (European, euro, Eurostat, one, once,
#: one-off, unit, union, unique, universal, university, use, user, usual, uniform, unanimous): they take 'a'.
SOUNDED_Y_OR_W = ("euro", "eulog", "one-", "once", "unit", "union", "uniq", "univers", "uniform", "unif", "unilateral",
                  "unanim", "use", "usu", "usag", "util", "utopia")
#: Words starting with a u that is a vowel's sound (umbrella, upper, update, urban, urgent, ultimate): 'an'.
SOUNDED_U = ("umbrella", "up", "urban", "urg", "ult", "utter")

#: The start of a word whose spelling does not tell whether it takes 'a' or 'an' (a European, a use, an hour).
_UNSURE_SOUND = re.compile(r"eu|u(?!n[^i])|one|h", re.IGNORECASE)  # but 'un-' (an unwritten agreement)
#: What may stand between a sentence's end (or a line's start) and its first word: blanks, quotation marks,
#: brackets and markup (a list item's dash, a quotation's >, a table's |, emphasis).
_OPENERS = " \t\u00a0>#|*_\"'\u201c\u2018\u2019\u201d()[]-"
#: A word's capitals from its start.
_CAPITALS = re.compile(r"[A-Z]+")
#: A word's first run of letters, digits, hyphens and apostrophes.
_WORD = re.compile(r"[\w'\u2019-]*")
#: 'a' or 'an' right before a phrase, blanks between.
_ARTICLE = re.compile(r"(?<![\w'\u2019-])(an?)\s+$", re.IGNORECASE)  # no-break spaces too, a line break


def article_for(text: str) -> str | None:
    """'a' or 'an', the article before `text` (by its first word), or None when its sound is not known."""
    first = _first_word(text)
    if not first[:1].isalpha():
        return None  # a digit's article is its name's: an 8, an 11, a 1
    if _in_capitals(first):  # read as its letters' names, or as a word
        return capitals_article(first)
    lower = first.lower()
    if lower == "one" or lower.startswith(SOUNDED_Y_OR_W):
        return "a"
    if lower.startswith(SILENT_H) or lower.startswith(SOUNDED_U):
        return "an"
    if _UNSURE_SOUND.match(lower):
        return "a" if lower[0] == "h" else None
    return "an" if lower[0] in "aeiou" else "a"


def capitals_article(word: str) -> str | None:
    """The article before a word in capitals, read as its letters' names or as a word: 'an' before A, E, I, O (an
    EU fund, an ESPON study), 'a' before a consonant's sound (a CSO); None where the two readings part: F, H, L, M,
    N, R, S, X (an MEP, a NATO summit), EU with more capitals (an EU fund, a EURES adviser, a EUR 5 million fund)
    and U but in two letters (a UN agency, an URBACT network)."""
    letters = _CAPITALS.match(word)
    run = letters.group() if letters else word[:1]
    if run[0] in "FHLMNRSX" or (run.startswith("EU") and run != "EU") or (run[0] == "U" and len(run) != 2):
        return None
    return "an" if run[0] in "AEIO" else "a"


def opens_sentence(before: str) -> bool:
    """Whether a word after `before` (a line's text) opens a sentence: at the line's start, or after a full stop,
    question or exclamation mark or a colon, past blanks, quotation marks, brackets and markup ('- ', '**')."""
    left = before.rstrip(_OPENERS)
    return not left or left[-1] in ".!?:"


def _first_word(text: str) -> str:
    found = _WORD.match(text)
    return found.group() if found else ""


def _in_capitals(word: str) -> bool:
    """Whether `word` is in capitals (EU, LGBTIQ) or a capital alone (X-ray, A4)."""
    return word[:1].isupper() and (len(word) == 1 or word[1].isupper() or not word[1].isalpha())


def with_article(line: str, start: int, phrase: str, replacement: str, before: str = "") -> tuple[int, str] | None:
    """Where the fix of `phrase` at `start` of `line` starts, and what it writes: from the article before it when
    the replacement takes the other one ('a disabled toilet': 'an accessible toilet', not 'a accessible toilet');
    None when the replacement's sound is not known (article_for), but where it and the phrase are in capitals from
    the same letter, whose name the written article then fits ('an LGBT': 'an LGBTIQ'). `before`: the paragraph's
    text before the line, whose last word is the article of a phrase that opens the line; a fix changes one line,
    so where that article would change the phrase is not fixed."""
    article = _ARTICLE.search(line, max(0, start - 12), start)  # near the phrase: a paragraph may be long
    wrapped = None
    if article is None and before and not line[:start].strip(_OPENERS):
        wrapped = _ARTICLE.search(before, max(0, len(before) - 12))
    found = article or wrapped
    if found is None:
        return start, replacement
    written = found.group(1)
    wanted = article_for(replacement)
    if wanted is None:
        first, was = _first_word(replacement), _first_word(phrase)
        wanted = written.lower() if _in_capitals(first) and _in_capitals(was) and first[0] == was[0] else None
    if wanted is not None and written.lower() == wanted:
        return start, replacement
    if wanted is None or article is None:
        return None  # the article's sound is unknown, or it is on the line before
    if written[:1].isupper() and not opens_sentence(line[: article.start()]):
        return None  # 'Zone A disabled parking': a label, or a title's capitals ('For A Disabled Toilet')
    wanted = wanted.capitalize() if written[:1].isupper() else wanted
    return article.start(), wanted + line[article.end(1) : start] + replacement
