"""Term lists (rules/terms.py): the test that spares a line the long patterns (it must hold every word of some
phrase) never hides a match the patterns would find."""

from __future__ import annotations

import copy
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper.rules.terms import TermList, shipped

INCLUSIVE = shipped("inclusive.yaml")
WORDS = sorted({run for form in [*INCLUSIVE.forms, *INCLUSIVE.exact] for run in re.findall(r"\w+", form)})
FILLER = ["the", "a", "city", "of", "people", "in", "Rome", "2024"]
SEPARATORS = [" ", " ", " ", "-", "/", ", ", ". ", "  ", "\t", "'"]


def unfiltered(terms: TermList) -> TermList:
    copied = copy.copy(terms)
    copied.leads = None
    return copied


def found(terms: TermList, line: str) -> list[tuple[int, int, str, object]]:
    return [(m.start, m.end, m.text, m.fix) for m in terms.find(line, 7)]


def test_a_line_with_one_word_of_a_phrase_is_not_searched() -> None:
    assert INCLUSIVE.leads is not None and not INCLUSIVE._may_hold(frozenset({"the", "migrants", "arrived"}))
    assert found(INCLUSIVE, "The migrants arrived in the city.") == []
    assert [text for _, _, text, _ in found(INCLUSIVE, "Illegal migrants arrived.")] == ["Illegal migrants"]


@settings(max_examples=300)
@given(st.lists(st.tuples(st.sampled_from(WORDS + FILLER), st.sampled_from(SEPARATORS), st.booleans()), max_size=12))
def test_the_words_test_hides_no_match(parts: list[tuple[str, str, bool]]) -> None:
    line = "".join((word.capitalize() if upper else word) + separator for word, separator, upper in parts)
    assert found(INCLUSIVE, line) == found(unfiltered(INCLUSIVE), line)
