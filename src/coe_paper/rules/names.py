"""Whether words of a prose line belong to a name: a capitalised word beside another (World Health Organization),
or a short lower-case particle between capitalised words (Frankfurt an der Oder), which keep their own spelling and
wording whatever the editorial rules say of the same words elsewhere."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .text import Prose


_CONNECTOR = r"(?:[ \t]+(?:of|for|and|the|on|in|de|du|des|la|le|van|von))*[ \t]+"
_NAME_BEFORE = re.compile(rf"(?<![^\W\d_])[^\W\d_][\w'\u2019-]*{_CONNECTOR}$")
_NAME_AFTER = re.compile(rf"{_CONNECTOR}[^\W\d_]")


def in_name(text: str, start: int, word: str, *, before: bool = True) -> bool:
    """Whether the capitalised `word` at `start` of a prose line stands beside another capitalised word, with blanks
    or small words between (World Health Organization, Organization for Economic ...): part of a name, which keeps
    its own spelling. With `before` false only a capitalised word after it counts (the LGBTI Survey), not one
    before it, which may open the sentence (Support LGBT groups)."""
    ahead = _NAME_BEFORE.search(text, 0, start) if before else None
    after = _NAME_AFTER.match(text, start + len(word))
    return bool(ahead and ahead.group()[0].isupper()) or bool(after and after.group()[-1].isupper())


PARTICLE = 4  #: the most letters of a lower-case word within a name (nad, an der, de la, sur, van den)
#: Characters looked at either side of a particle for its name's words: three words, not the whole paragraph (a
#: paragraph of 10,000 words took seconds, split at each short unknown word)
NAME_REACH = 200


def name_particle(prose: Prose, index: int, start: int, word: str) -> bool:
    """Whether the lower-case `word` at `start` of prose line `index` is a particle of a name: a short word (four
    letters at most) between capitalised words, a blank either side (a line's end too), with at most two more such
    words between (Ústí nad Labem, Frankfurt an der Oder, Castellón de la Plana). A word before the name that ends a
    clause ('Rome, nad') makes no name. The name may be wrapped over a line break of its paragraph (`text_at`)."""
    if len(word) > PARTICLE:
        return False
    text, offset = prose.text_at(index)
    at, end = offset + start, offset + start + len(word)
    if not text[at - 1 : at].isspace() or not text[end : end + 1].isspace():
        return False
    first, last = max(at - NAME_REACH, 0), end + NAME_REACH
    head, tail = text[first:at].split(), text[end:last].split()
    if first and not text[first - 1].isspace() and not text[first].isspace():
        head = head[1:]  # a word the reach cuts, as far as that from the particle: no part of its name
    if last < len(text) and not text[last - 1].isspace() and not text[last].isspace():
        tail = tail[:-1]
    return _capital_near(head[::-1], True) and _capital_near(tail, False)


#: English words that open sentences, capitalised there and no part of a name: 'It is an European city' holds no
#: name that 'an' is a particle of (as it is of Frankfurt an der Oder).
_OPENERS = frozenset({"it", "we", "they", "he", "she", "you", "i", "this", "that", "these", "those", "there", "here",
                      "what", "which", "who", "our", "their", "its", "his", "her", "my", "your", "the", "a", "an",
                      "is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should",
                      "may", "must", "in", "on", "at", "for", "by", "with", "from", "to", "of", "and", "but", "or",
                      "so", "as", "if", "when", "while", "also", "such", "all", "each", "every", "many", "most"})


def _capital_near(words: list[str], before: bool) -> bool:
    """Whether a capitalised word comes within the first three of `words` (the nearest first), after short
    lower-case words only; before the particle, it ends in a letter (no full stop or comma between) and is not a
    word that opens sentences (`_OPENERS`)."""
    for word in words[:3]:
        letters = word.lstrip("(\"'\u2018\u201c[") if before else word
        if letters[:1].isupper():
            return not before or (word[-1:].isalpha() and letters.lower() not in _OPENERS)
        if not word.isalpha() or not word.islower() or len(word) > PARTICLE:
            return False
    return False
