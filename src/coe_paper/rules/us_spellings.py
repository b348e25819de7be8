"""data/us_spellings.yaml as the British-spelling rules (spelling.py, COE722) use it: the American forms with the
British ones EU English writes, and, of the forms British English writes too in another meaning ('to curb', 'a
computer program'), the words around them that give them that meaning and what the finding says elsewhere."""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

from .shipped import shipped_data


class UsSpellings(NamedTuple):
    """data/us_spellings.yaml as the rules use it: `words`, American spelling -> British; `no_fix`, the American
    forms not to fix, each with the words before it that give it the meaning British English spells so too
    ('computer program'); `notes`, what the finding of each of these says; `no_fix_next`, the words after one of
    them that give it that meaning ('the work tires them'); `verb_unless`, those that have it unless the words
    before or after them, of their own (before, next) lists, make them the noun ('rules that curb rents')."""

    words: dict[str, str]
    no_fix: dict[str, frozenset[str]]
    notes: dict[str, str]
    no_fix_next: dict[str, frozenset[str]]
    verb_unless: dict[str, tuple[frozenset[str], frozenset[str]]]


@cache
def us_spellings() -> UsSpellings:
    return shipped_data("us_spellings.yaml", _us_spellings)


def _us_spellings(data: Any) -> UsSpellings:
    """The American spellings of the data of us_spellings.yaml."""
    words, no_fix, notes, after = data["words"], data["no_fix"], data["notes"], data.get("no_fix_next", {})
    verbs = data.get("verb_unless", {})
    if not isinstance(words, dict) or not isinstance(no_fix, dict) or not isinstance(notes, dict) or not isinstance(
            after, dict) or not isinstance(verbs, dict) or set(no_fix) - set(notes) or set(after) - set(no_fix) or \
            set(verbs) - set(no_fix) or not all(isinstance(v, dict) and set(v) == {"before", "next"}
                                                for v in verbs.values()):
        raise ValueError("not the data of us_spellings.yaml: each word of `no_fix` needs its `notes`, and each of "
                         "`no_fix_next` and `verb_unless` (with its `before` and `next`) is one of `no_fix`")
    return UsSpellings(words={str(k): str(v) for k, v in words.items()},
                       no_fix={str(k): frozenset(map(str, v)) for k, v in no_fix.items()},
                       notes={str(k): str(v) for k, v in notes.items()},
                       no_fix_next={str(k): frozenset(map(str, v)) for k, v in after.items()},
                       verb_unless={str(k): (frozenset(map(str, v["before"])), frozenset(map(str, v["next"])))
                                    for k, v in verbs.items()})
