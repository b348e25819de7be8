"""Term lists (rules/terms.py): the test that spares a line the long patterns (it must hold every word of some
phrase) never hides a match the patterns would find."""

from __future__ import annotations

import copy
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper.rules.terms import TermList, shipped

INCLUSIVE = shipped("inclusive.yaml")
COUNTRIES = shipped("countries.yaml")  # holds Éire and Türkiye: word characters outside ASCII
WORDS = sorted({run for terms in (INCLUSIVE, COUNTRIES) for form in [*terms.forms, *terms.exact]
                for run in re.findall(r"\w+", form)})  # fmt: skip
FILLER = ["the", "a", "city", "of", "people", "in", "Rome", "2024", "café", "Straße", "\u212aelvin", "Ireland"]
SEPARATORS = [" ", " ", " ", "-", "/", ", ", ". ", "  ", "\t", "'", "\u00a0", "\u2019", " \u2013 ", "\u017f", "\u0130"]


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


def found_in(terms: TermList, lines: list[str]) -> list[tuple[int, int, int, str, object]]:
    """What the rules find on a section's lines: only those the section test leaves are searched."""
    numbered = list(enumerate(lines))
    return [(index, m.start, m.end, m.text, m.fix) for index, line in terms.lines_to_search(numbered)
            for m in terms.find(line, 7)]  # fmt: skip


PART = st.tuples(st.sampled_from(WORDS + FILLER), st.sampled_from(SEPARATORS), st.booleans())


def line_of(parts: list[tuple[str, str, bool]]) -> str:
    return "".join((word.capitalize() if upper else word) + separator for word, separator, upper in parts)


@settings(max_examples=300)
@given(st.lists(PART, max_size=12))
def test_the_words_test_hides_no_match(parts: list[tuple[str, str, bool]]) -> None:
    line = line_of(parts)
    assert found(INCLUSIVE, line) == found(unfiltered(INCLUSIVE), line)
    assert found(COUNTRIES, line) == found(unfiltered(COUNTRIES), line)


@settings(max_examples=200)
@given(st.lists(st.lists(PART, max_size=8), max_size=5))
def test_the_section_test_hides_no_match(lines: list[list[tuple[str, str, bool]]]) -> None:
    text = [line_of(parts) for parts in lines]
    for terms in (INCLUSIVE, COUNTRIES):
        assert found_in(terms, text) == found_in(unfiltered(terms), text)


def test_a_line_whose_only_foreign_characters_are_punctuation_is_still_spared() -> None:
    assert COUNTRIES.leads is not None  # Éire matches no line of ASCII words, so it does not stop the test
    plain = [(0, "Housing costs\u00a0rose by 12\u00a0000 \u2013 the \u2018city\u2019 said."), (1, "Rome, Ireland.")]
    assert COUNTRIES.lines_to_search(plain) == []
    assert len(COUNTRIES.lines_to_search([*plain, (2, "A partner in Éire wrote.")])) == 3  # the patterns decide
    assert COUNTRIES.lines_to_search([*plain, (2, "Czech partners.")]) == []  # not every word of one phrase
    assert COUNTRIES.lines_to_search([*plain, (2, "The Czech Republic.")]) == [(2, "The Czech Republic.")]
    found_here = found(COUNTRIES, "Partners in Éire\u00a0and the Czech Republic.")
    assert [text for _, _, text, _ in found_here] == ["Éire", "the Czech Republic"]


def test_a_form_whose_letter_matches_ascii_in_another_case_turns_the_test_off() -> None:
    from coe_paper.rules.terms import TermFile

    term = {"avoid": ["\u017flum"], "write": "informal settlement", "source": "x"}
    long_s = TermList(TermFile.model_validate({"terms": [term]}))
    assert long_s.leads is None  # the long s matches s: "slum" is a match, though its words differ
    assert [text for _, _, text, _ in found(long_s, "A slum grew.")] == ["slum"]
    # ... and a line's long s is found as the s of a listed plural (this stopped the checks with a KeyError)
    assert [text for _, _, text, _ in found(INCLUSIVE, "Hermaphrodite\u017f")] == ["Hermaphrodite\u017f"]
