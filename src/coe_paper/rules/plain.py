"""Plain-language hints, as warnings: COE731 sentences over `checks.max_sentence_words` (40), COE732 impersonal
passives such as 'it is recommended that', which hide who recommends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..markdown import WORD_RE
from .registry import Finding, rule
from .text import MASK

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

CLEARLY = "European Commission, How to write clearly (DGT)"
#: Abbreviations whose full stop ends no sentence ('e.g. Vienna', 'Art. 5', 'No. 3'): looked behind from each
#: stop, once it is found (before it, they would be tried at every character).
_ABBREVIATIONS = ("e.g", "i.e", "cf", "Art", "Arts", "No", "Nos", "p", "pp", "para", "paras", "Mr", "Mrs", "Ms", "Dr",
                  "St", "vs", "ca", "approx", "Fig", "Figs", "Vol", "Ch", "Sec", "Reg", "Dir")
_NO_END = "".join(rf"(?<!\b(?:{'|'.join(re.escape(w) for w in _ABBREVIATIONS if len(w) == size)})\.)"
                  for size in sorted({len(w) for w in _ABBREVIATIONS}))  # one look behind for each length
_SENTENCE_END = re.compile(f"[.!?\u2026]{_NO_END}['\"\u2019\u201d)\\]*_{MASK}]*"
                           f"(?=\\s+['\"\u2018\u201c(*_{MASK}\\[]*[A-Z0-9]|\\s*$)")  # MASK: an underscore of _emphasis_
_ALT_TEXT = re.compile(r"!\[[^\]]*\]")
_PASSIVE = (
    r"\s+(?:is|was|has\s+been|had\s+been|will\s+be|would\s+be|should\s+be|can\s+be|could\s+be|may\s+be|must\s+be)"
    r"\s+(?:recommended|suggested|proposed|advised|considered|believed|expected|hoped|felt|thought|agreed|noted|"
    r"argued|known|understood|acknowledged|recognised|recognized|estimated|envisaged|foreseen|decided)\s+(?:that|to)\b")
_IMPERSONAL = re.compile(rf"\bit{_PASSIVE}", re.IGNORECASE)
#: The same in ASCII text put in lower case, several times quicker: its literal first letters let the search skip
#: ahead, which a case-blind pattern, or one that opens with a word boundary, cannot (the boundary comes after).
_IMPERSONAL_LOWER = re.compile(rf"it(?<![0-9A-Za-z_]it){_PASSIVE}")
#: The active verb of each participle, for the hint's example: 'it is believed that' -> 'the partnership believes'.
_ACTIVE = {"recommended": "recommends", "suggested": "suggests", "proposed": "proposes", "advised": "advises",
           "considered": "considers", "believed": "believes", "expected": "expects", "hoped": "hopes", "felt": "feels",
           "thought": "thinks", "agreed": "agrees", "noted": "notes", "argued": "argues", "known": "knows",
           "understood": "understands", "acknowledged": "acknowledges", "recognised": "recognises",
           "recognized": "recognises", "estimated": "estimates", "envisaged": "envisages", "foreseen": "foresees",
           "decided": "decides"}


@rule("COE731", "sentence over 40 words (`checks.max_sentence_words`)", f"{CLEARLY}: keep sentences short")
def long_sentence(context: Context, prose: Prose) -> Iterator[Finding]:
    limit = context.config.max_sentence_words
    for text, starts in prose.paragraphs:
        text = _ALT_TEXT.sub(lambda m: " " * len(m.group()), text)  # an image's description is not a sentence
        begin = 0
        for end in [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]:
            sentence = text[begin:end]
            count = len(WORD_RE.findall(sentence))
            if count > limit:
                lead = len(sentence) - len(sentence.lstrip())
                line, column = prose.place(starts, begin + lead)
                yield Finding(line, column, f"sentence of {count} words (more than {limit})",
                              f"split it: one idea per sentence reads more easily; source: {CLEARLY}")
            begin = end
            if begin >= len(text):
                break


@rule("COE732", "impersonal passive ('it is recommended that'): say who recommends",
      f"{CLEARLY}: prefer active verbs and say who does what")
def impersonal_passive(context: Context, prose: Prose) -> Iterator[Finding]:
    for text, starts in prose.paragraphs:
        found = _IMPERSONAL_LOWER.finditer(text.lower()) if text.isascii() else _IMPERSONAL.finditer(text)
        for m in found:
            line, column = prose.place(starts, m.start())
            phrase = " ".join(text[m.start() : m.end()].split())
            participle, conjunction = phrase.lower().split()[-2:]
            yield Finding(line, column, f"'{phrase}' hides who acts",
                          f"name the actor: 'the partnership {_ACTIVE[participle]} {conjunction} ...'; "
                          f"source: {CLEARLY}")
