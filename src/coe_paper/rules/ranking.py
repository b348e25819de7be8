"""Spelling suggestions in the order a reader expects them.

spylls, as hunspell, gives the edits of a misspelt word in the order it tries them: for a capitalised word, first
the edits of the word as it is, then those of the word in lower case. So `Citty` gets 'Ditty', 'Bitty' and 'Kitty'
(a capital replaced by a lower-case letter, which a capitalised word then takes again) before 'City', and
`Comission` 'Omission' before 'Commission'. A reader's slip rarely touches a word's first letter, and most often
doubles a letter or leaves one of a double out, or swaps two beside each other. `ranked` sorts the edits found by
what was changed, spylls' order kept within each kind; a split into two words that leaves one letter alone
('until l' for `untill`) is no reading of the word and is dropped. A letter left out is a likelier slip than one
typed in (`medow`: 'meadow' before 'meow'), and among edits of one kind a function word, the commonest words of
any text, comes first (`wich`: 'which' before 'winch' and 'witch').
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import resources

#: How likely each of spylls' kinds of edit is a reader's slip, most likely first. Doubling (a letter doubled or
#: one of a double left out: extrachar and forgotchar at a double) ranks with swapchar.
_KIND_RANK: dict[str, int] = {
    "case": 0, "forceucase": 0, "uppercase": 0, "replchars": 0, "mapchars": 0, "spaceword": 0,
    "swapchar": 1,
    "forgotchar": 2, "extrachar": 3,
    "badcharkey": 4, "badchar": 4, "longswapchar": 4, "movechar": 4, "doubletwochars": 4, "dashes": 4,
    "twowords": 5,
}
_DOUBLING = 1
_OTHER = 4
_FIRST_LETTER = 10  # added to the rank of an edit of the first letter: it comes after every other
_LONE_LETTERS = frozenset({"a", "I", "A"})  # one-letter words


def ranked(word: str, found: Iterable[tuple[str, str]]) -> list[str]:
    """The texts of `found` (text and spylls' kind of edit, in spylls' order), suggestions for `word`, most likely
    first."""
    kept = [(text, kind) for text, kind in found if kind != "twowords" or not _lone_letter(text)]
    common = function_words()
    order = sorted(range(len(kept)), key=lambda n: (_rank(word, *kept[n]), kept[n][0].lower() not in common, n))
    return [kept[n][0] for n in order]


@cache
def function_words() -> frozenset[str]:
    """English function words (data/function_words.txt): of edits alike, one of them is the likelier reading."""
    text = resources.files("coe_paper.rules").joinpath("data", "function_words.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.split("\n") if not line.startswith("#") for word in line.split())


def _rank(word: str, text: str, kind: str) -> int:
    rank = _DOUBLING if _doubling(word.lower(), text.lower()) else _KIND_RANK.get(kind, _OTHER)
    return rank + (_FIRST_LETTER if word[:1].lower() != text[:1].lower() else 0)


def _doubling(word: str, text: str) -> bool:
    """Whether `text` is `word` with a letter doubled, or one of a double letter left out."""
    longer, shorter = (word, text) if len(word) > len(text) else (text, word)
    if len(longer) != len(shorter) + 1:
        return False
    for n, letter in enumerate(longer):
        if letter in (longer[n - 1 : n] + longer[n + 1 : n + 2]) and longer[:n] + longer[n + 1 :] == shorter:
            return True
    return False


def _lone_letter(text: str) -> bool:
    """Whether `text` is words split off with a part of one letter that is no word on its own ('until l')."""
    parts = text.replace("-", " ").split(" ")
    return len(parts) > 1 and any(len(part) == 1 and part not in _LONE_LETTERS for part in parts)
