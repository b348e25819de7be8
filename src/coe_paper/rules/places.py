"""Words of names in other languages that an English dictionary cannot know, for COE721 (spelling.py): places'
and streets', and the names of the authors a citation in brackets gives.

A capitalised word that holds a letter English does not write (Góra, Łódź) is such a name's: no slip writes one.
A place's name without one (Nowa Huta, Ciudad Real) is taken as a name where the text says it is a place and names
its country beside it, as a member writes for a reader who does not know it: 'in Nowa Huta (Poland)', 'from Ciudad
Real, Spain', 'of Zielona Góra (PL)', or right before its country in brackets ('so did Nowa Huta (Poland)'); so
it is in the rest of the section. So are the words of a street in an address ('Rue de la Loi 200'), and the
capitalised words of a citation, there: in brackets, round or square ('(Ayuntamiento de Madrid, 2022)', '[Müller
2021]'), or before its year in brackets ('Wojciechowska (2019)').
Elsewhere their words are looked up, and the finding says where a name goes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import COUNTRY_NAMES
from .ranking import function_words
from .text import MASK

if TYPE_CHECKING:
    from .text import Prose

#: The letters beyond ASCII that English writes in words of its own (café, naïve, façade, rôle, Noël, señor).
_ENGLISH_ACCENTS = frozenset("àâçèéêëîïôûñæœÀÂÇÈÉÊËÎÏÔÛÑÆŒ")

_COUNTRY = "|".join(sorted({*(name for code, name in COUNTRY_NAMES.items() if code != "EU"), "the Netherlands"},
                           key=len, reverse=True))
_CODE = "|".join(code for code in COUNTRY_NAMES if code != "EU")
#: A capitalised word of a name (its parts joined by hyphens or apostrophes: L'Hospitalet).
_WORD = r"[^\W\d_a-z][\w'\u2019]*(?:-[\w'\u2019]+)*"
#: A place: after a preposition of place (or 'to', 'and' in a list of places), capitalised words apart by one blank
#: each (or by a name's short lower-case words: Alcalá de Henares), then its country.
_PLACE = re.compile(
    rf"(?<![\w-])(?:[Ii]n|[Oo]f|[Ff]rom|[Aa]t|[Nn]ear|[Aa]round|to|and)[ \u00a0\n]+"
    rf"(?P<name>{_WORD}(?:[ \u00a0\n](?:[a-z]{{1,4}}[ \u00a0\n]){{0,3}}{_WORD}){{0,4}})"  # Alcalá de Henares
    rf"(?:,[ \u00a0\n]+(?:{_COUNTRY})(?![\w-])|[ \u00a0\n]*\((?:{_COUNTRY}|{_CODE})\))")
#: A name's capitalised words (and its short lower-case ones) right before its country in brackets, whatever comes
#: before them: 'so did Nowa Huta (Poland)'. The brackets say what the words before them are.
_NAME = rf"{_WORD}(?:[ \u00a0\n](?:[a-z]{{1,4}}[ \u00a0\n]){{0,3}}{_WORD}){{0,4}}"
_BRACKETED = re.compile(rf"(?<![\w'\u2019-])(?P<name>{_NAME})[ \u00a0\n]*\((?:{_COUNTRY}|{_CODE})\)")
#: A street address: a street's word in one of the Union's languages, the street's name, its house number ('Rue de
#: la Loi 200', 'Via dei Fori Imperiali 1', 'Calle de Alcalá 50'), or a street's name that ends in such a word
#: ('Wetstraat 200', 'Rotenturmstraße 5').
_STREET = (r"Rue|Avenue|Av\.|Boulevard|Bd|Chauss[ée]e|Place|Quai|All[ée]e|Via|Viale|Piazza|Corso|Largo|Calle|Avenida"
           r"|Plaza|Paseo|Rua|Pra[çc]a|Stra(?:ß|ss)e|Platz|Ulica|ul\.|Aleja|al\.|Plac|Strada|Calea|Bulevardul|Odos")
_STREET_END = r"straat|laan|plein|gracht|kade|stra(?:ß|ss)e|gasse|platz|allee|vej|gade|gatan|v[äa]gen|katu|utca|iela"
_ADDRESS = re.compile(rf"(?<![\w-])(?P<name>(?:{_STREET})[ \u00a0](?:(?:[a-z]{{1,4}}|[dl]['\u2019])[ \u00a0]?){{0,3}}"
                      rf"{_WORD}(?:[ \u00a0]{_WORD}){{0,3}}|[^\W\d_a-z]\w*(?:{_STREET_END}))[ \u00a0]\d{{1,4}}[a-zA-Z]?"
                      r"\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:][\"'\u201d\u2019)]?)\s*$")
#: A citation in brackets: its authors' names (an organisation's too, with its short lower-case words: Ayuntamiento
#: de Madrid; van der Berg), apart by commas, 'and' or '&', perhaps 'et al.', then a year (2021, 2021a, n.d.) and a
#: page; several apart by semicolons: '(Müller and Rossi, 2021)', '(see Dupont et al., 2020, p. 4; Kowalczyk 2019)'.
_BLANK = r"[ \u00a0\n]"
#: A name's short lower-case words (van der Berg, d'Alembert): never the 'and' or 'et al.' between names.
_PARTICLES = rf"(?:(?!(?:and|et)\b)[a-z]{{1,4}}{_BLANK}|[dl]['\u2019]){{0,3}}"
_AUTHOR = rf"{_PARTICLES}{_WORD}(?:{_BLANK}{_PARTICLES}{_WORD}){{0,5}}"
_AUTHORS = rf"{_AUTHOR}(?:(?:,{_BLANK}+(?:(?:and|&){_BLANK}+)?|{_BLANK}+(?:and|&){_BLANK}+){_AUTHOR})*"
_YEAR = r"(?:1[5-9]\d\d|20\d\d)[a-z]?|n\.d\."
#: A page or pages after the year: ', p. 4', ', pp. 4-5', ', 45' or, as Harvard writes it, ': 4'.
_PAGE = rf"(?:[,:]{_BLANK}*(?:pp?\.{_BLANK}*)?\d+(?:[-\u2013]\d+)?)"
#: Its years: 2019, 2021; 2021a, b (a letter alone: another work of the year before).
_CITE = (rf"{_AUTHORS}(?:{_BLANK}+et{_BLANK}+al\.?)?,?{_BLANK}+(?:{_YEAR})(?:,{_BLANK}*(?:{_YEAR}|[a-z](?![\w.])))*"
         rf"{_PAGE}?")
#: In round brackets or square ones ('[Müller 2021]'), but those of a link's text, which the document does not show
#: ('[Annual Reprot 2021](https://...)', its destination masked; a reference link's label too): the link names a title.
_CITATION = re.compile(rf"(?:(\()|\[)(?:(?:see|e\.g\.|cf\.),?{_BLANK}+)?{_CITE}(?:;{_BLANK}*{_CITE})*"
                       rf"(?(1)\)|\](?![{MASK}(\[:]))")
#: A citation in the sentence: its year in brackets after the authors' names ('Wojciechowska and Kowalczyk (2019)
#: show', 'Dupont et al. (2020, p. 4)'); the names are read back from the brackets, at most `_NAMES_BEFORE`
#: characters, so that a long run of names with no year after it is not read again from each of its words.
_YEAR_AFTER = re.compile(rf"{_BLANK}*\((?:{_YEAR}){_PAGE}?\)")
_NAMES_BEFORE = 200
#: 'the' before the names: an organisation's name or a title ('the European Comission (2020)'), whose words are
#: English and may hold a slip, no authors'.
_ARTICLE = re.compile(r"(?<![\w'\u2019-])[Tt]he[ \u00a0\n]+$")
_CAPITAL = re.compile(r"(?<![\w'\u2019-])[^\W\d_a-z][\w'\u2019-]*")  # the first capitalised word of the names
_NAMED = re.compile(rf"(?<![\w'\u2019-]){_AUTHORS}(?:{_BLANK}+et{_BLANK}+al\.?)?$")


def foreign(word: str) -> bool:
    """Whether the capitalised `word` is a name in another language: it holds a letter English does not write (Góra,
    Łódź, Kędzierzyn-Koźle, whose parts joined by hyphens are one word). No slip writes such a letter. Its
    neighbours are words of their own: in 'Łódź Citty Council' the slip 'Citty' is still a slip."""
    return word[:1].isupper() and any(not char.isascii() and char.isalpha() and char not in _ENGLISH_ACCENTS
                                      for char in word)


def cited(prose: Prose, index: int, start: int) -> bool:
    """Whether the word at `start` of prose line `index` is an author's name a citation gives, in brackets
    ('(Ayuntamiento de Madrid, 2022)', '[Müller 2021]': not a link's text) or before its year in brackets
    ('Wojciechowska and Kowalczyk (2019)'): such names, in whatever language, are no slips of English words. The
    word before a bracketed citation is looked up as any other ('teh (Rossi, 2020)'), and so is a slip of an English
    function word before a year ('Teh (2019)')."""
    text, offset = prose.text_at(index)
    at = offset + start
    return any(begin <= at < end for begin, end in _citations(text))


@lru_cache(maxsize=64)
def _citations(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each citation in a paragraph's text: in brackets, or the names before a year in brackets."""
    if ("(" not in text and "[" not in text) or not re.search(r"\d\d\d\d|n\.d\.", text):
        return ()
    found = [m.span() for m in _CITATION.finditer(text)]
    for year in _YEAR_AFTER.finditer(text):
        low = max(0, year.start() - _NAMES_BEFORE)
        before = text[low : year.start()]
        if not before[-1:].isalpha() and not before.endswith("."):  # '(2019) (2020)', 'on 3 (2020)': no name
            continue
        names = _NAMED.search(before)
        capital = _CAPITAL.search(before, names.start()) if names is not None else None
        if capital is None or capital.group().lower() == "the" or _ARTICLE.search(before, 0, capital.start()):
            continue  # 'the European Comission (2020)': an organisation's English words, which may hold a slip
        skip = len(capital.group()) if _swapped(capital.group()) else 0  # 'Teh (2019)': a slip of 'The'
        found.append((low + capital.start() + skip, year.start()))
    return tuple(found)


def placed(prose: Prose, word: str) -> bool:
    """Whether the capitalised `word` is a word of a place the section names with its country beside it ('in Nowa
    Huta (Poland)'), there or anywhere else in the section: the reader has been told it is a place."""
    return word[:1].isupper() and word in _places("\n".join(text for text, _ in prose.texts))


@lru_cache(maxsize=16)
def _places(text: str) -> frozenset[str]:
    """The words of the places named with their country, and of the streets of addresses, in a section's prose."""
    names = [m.group("name").split() for m in _PLACE.finditer(text)]
    names += [m.group("name").split() for m in _ADDRESS.finditer(text)] if re.search(r"\d", text) else []
    for m in _BRACKETED.finditer(text) if "(" in text else ():
        words = m.group("name").split()
        if len(words) > 1 and _swapped(words[0]) and _SENTENCE_START.search(text, 0, m.start()):
            words = words[1:]  # 'Teh Nowa Huta (Poland)': a sentence's first word, a slip of 'The', is no name's
        names.append(words)
    return frozenset(word for words in names for word in words)


def _swapped(word: str) -> bool:
    """Whether `word` is an English function word with two letters beside each other swapped ('Teh', 'Thsi')."""
    lower = word.lower()
    common = function_words()
    return any(lower[:n] + lower[n + 1] + lower[n] + lower[n + 2 :] in common for n in range(len(lower) - 1))
