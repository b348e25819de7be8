"""Member States in protocol order (COE718, Interinstitutional Style Guide, 7.1): a list of countries, by name or
code, in the order of their names in their own languages (BE, BG, CZ, DK, DE, ...), unless its sentence says it is
ranked by something ('Ranked by population: DE, FR, IT'), an order of its own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..model import COUNTRY_NAMES, protocol_key
from .eustyle import EU_CODES, ISG
from .registry import Finding, rule
from .text import WORD_RUN

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

_NAME_CODES = {name: code for code, name in COUNTRY_NAMES.items() if code != "EU"}
_NAME_CODES |= {"the Netherlands": "NL", "The Netherlands": "NL", "Czech Republic": "CZ", "Slovak Republic": "SK"}
_ITEM = "|".join([*(re.escape(name).replace(r"\ ", r"\s+")  # a name may wrap at its space
                    for name in sorted(_NAME_CODES, key=len, reverse=True)),
                  *(rf"\b{code}\b" for code in sorted(EU_CODES))])
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"  # a list may wrap at a line break
_COUNTRY_LIST = re.compile(rf"(?<![\w-])(?:{_ITEM})(?:{_SEP}(?:{_ITEM}))+(?![\w-])")
_ONE_COUNTRY = re.compile(_ITEM)
# Every item of a list is delimited by a blank, a comma or the list's edges, so its words are whole words of the
# line: a line holding none of the items' longest words holds no list, and the pattern is not tried on it.
_KEYS = frozenset(max(re.findall(r"\w+", item), key=len) for item in [*_NAME_CODES, *EU_CODES])

#: What says a list is in an order of its own, by a value: 'Ranked by population: DE, FR, IT', 'in descending
#: order of GDP', 'sorted by share', 'from the highest to the lowest'; or by its names' letters: 'in alphabetical
#: order', 'listed alphabetically'. Protocol order is for lists of no such order.
_RANKED = re.compile(r"\b(?:[Rr]ank(?:ed|ing|s)?|(?:[Oo]rder|[Ss]ort|[Ll]ist|[Aa]rrang)(?:ed)? by|in (?:\w+ )?order of"
                     r"|[Aa]lphabetical(?:ly)?"
                     r"|(?:de|a)scending|[Ff]rom (?:the )?(?:highest|lowest|largest|smallest|most|least|biggest)"
                     r"|(?:highest|lowest|largest|smallest|biggest|most|least|fewest) first)\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z\d])")


def _ranked(text: str, start: int, end: int) -> bool:
    """Whether the sentence of `text` that holds `start`-`end` (a list) says the list is ranked by something."""
    begin = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    stop = _SENTENCE_END.search(text, end)
    return _RANKED.search(text, begin, stop.end() if stop else len(text)) is not None


@rule("COE718", "Member States listed out of protocol order (BE, BG, CZ, DK, DE, EE, IE, EL, ES, FR, HR, IT, CY, LV, "
      "LT, LU, HU, MT, NL, AT, PL, PT, RO, SI, SK, FI, SE), unless the sentence says the list is ranked or ordered "
      "by something ('Ranked by population: DE, FR, IT')", f"{ISG}, 7.1 (Countries: order of the Member States)")
def protocol_order(context: Context, prose: Prose) -> Iterator[Finding]:
    if prose.runs.isdisjoint(_KEYS):
        return
    for text, starts in prose.texts:  # a paragraph whole: a list wrapped by hand runs over its lines
        if _KEYS.isdisjoint(WORD_RUN.findall(text)):
            continue
        for listed in _COUNTRY_LIST.finditer(text):
            items = [" ".join(item.split()) for item in _ONE_COUNTRY.findall(listed.group())]
            codes = [_NAME_CODES.get(item, item) for item in items]
            ordered = sorted(zip(codes, items, strict=True), key=lambda pair: protocol_key(pair[0]))
            if [code for code, _ in ordered] != codes and not _ranked(text, listed.start(), listed.end()):
                names = [item for _, item in ordered]  # 'The Netherlands' that opened a sentence is 'the' inside
                better = ", ".join([names[0], *(re.sub(r"^The\b", "the", item) for item in names[1:])])
                line, column = prose.place(starts, listed.start())
                shown = " ".join(listed.group().split())
                yield Finding(line, column, f"Member States out of protocol order: '{shown}'",
                              f"list them as {better} (the order of their names in their own languages); "
                              f"source: {ISG}, 7.1")
