"""Words of names in other languages that an English dictionary cannot know, for COE721 (spelling.py).

A capitalised word that holds a letter English does not write (Góra, Łódź) is such a name's: no slip writes one.
A place's name without one (Nowa Huta, Ciudad Real) is taken as a name where the text says it is a place and names
its country beside it, as a member writes for a reader who does not know it: 'in Nowa Huta (Poland)', 'from Ciudad
Real, Spain', 'of Zielona Góra (PL)'; so it is in the rest of the section. Elsewhere its words are looked up, and
the finding says where a name goes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from ..model import COUNTRY_NAMES

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


def foreign(word: str) -> bool:
    """Whether the capitalised `word` is a name in another language: it holds a letter English does not write (Góra,
    Łódź, Kędzierzyn-Koźle, whose parts joined by hyphens are one word). No slip writes such a letter. Its
    neighbours are words of their own: in 'Łódź Citty Council' the slip 'Citty' is still a slip."""
    return word[:1].isupper() and any(not char.isascii() and char.isalpha() and char not in _ENGLISH_ACCENTS
                                      for char in word)


def placed(prose: Prose, word: str) -> bool:
    """Whether the capitalised `word` is a word of a place the section names with its country beside it ('in Nowa
    Huta (Poland)'), there or anywhere else in the section: the reader has been told it is a place."""
    return word[:1].isupper() and word in _places("\n".join(text for text, _ in prose.texts))


@lru_cache(maxsize=16)
def _places(text: str) -> frozenset[str]:
    """The words of the places named with their country in a section's prose."""
    return frozenset(word for m in _PLACE.finditer(text) for word in m.group("name").split())
