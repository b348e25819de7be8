"""The tests that spare a section or a line the rules' patterns never hide a finding: the term lists' (rules/terms.py:
a line must hold every word of some phrase) and the EU style rules' (rules/eustyle.py, rules/numbers.py: a section must
hold the runs of word characters their matches are made of, see Prose.runs)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from coe_paper.rules.engine import Context
from coe_paper.rules.terms import TermList, shipped

INCLUSIVE = shipped("inclusive.yaml")
REPO = Path(__file__).resolve().parent.parent
COUNTRIES = shipped("countries.yaml")  # holds Éire and Türkiye: word characters outside ASCII
WORDS = sorted({run for terms in (INCLUSIVE, COUNTRIES) for form in [*terms.forms, *terms.exact]
                for run in re.findall(r"\w+", form)})
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
            for m in terms.find(line, 7)]


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


def _context() -> Context:
    from coe_paper.project import load_project
    from coe_paper.sources import WorkTree

    source = WorkTree(REPO)
    project, _ = load_project(source)
    assert project is not None
    return Context(project, source)


STYLE_CONTEXT = _context()


class Everything(frozenset[str]):
    """The runs of a section that holds every run: no rule passes it over."""

    def __contains__(self, item: object) -> bool:
        return True

    def isdisjoint(self, other: object) -> bool:
        return False

    def __iter__(self) -> Iterator[str]:
        return iter(("28", "eight", "2024", "123", "12345"))  # one for each test that looks at the runs


STYLE_WORDS = ["GR", "GB", "UK", "EL", "DE", "FR", "IT", "EU", "EU-28", "EU28", "twenty-eight", "28", "Member",
               "States", "March", "3rd", "the", "of", "31/01/2024", "2024-01-31", "1.2.1999", "12,000", "123 456 789",
               "123456", "2024", "Germany", "France", "Czechia", "and", "or", "`GR`", "<!-- x -->", "Éire", "café",
               "3rd March 2024", "March 3rd", "the 1st of May", "FR, EL and DE", "GR and GB", "DE, UK and FR",
               "28 Member States", "France and Germany", "4,500,000"]
STYLE_SEPARATORS = [" ", ", ", " and ", "\u00a0", ".", "\n", "\t", "/", "-", ""]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(STYLE_WORDS), st.sampled_from(STYLE_SEPARATORS)), max_size=16))
def test_the_section_tests_of_the_style_rules_hide_no_finding(parts: list[tuple[str, str]]) -> None:
    from coe_paper.markdown import parse
    from coe_paper.rules import eustyle, numbers, protocol
    from coe_paper.rules.text import read_prose

    body = "".join(word + separator for word, separator in parts)
    tokens = parse(body)
    natural, whole = (read_prose("s.md", body, 3, tokens) for _ in range(2))
    whole.__dict__["runs"] = Everything()
    for check in (eustyle.country_codes, eustyle.united_kingdom, eustyle.date_form, eustyle.numeric_date,
                  protocol.protocol_order, numbers.thousands):
        assert list(check(STYLE_CONTEXT, natural)) == list(check(STYLE_CONTEXT, whole)), check.__name__


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PART, max_size=8), max_size=5))
def test_the_prose_s_words_pick_the_lines_its_text_picks(lines: list[list[tuple[str, str, bool]]]) -> None:
    """The term lists take a section's words from its prose (`Prose.lower_runs`, read once for every list) rather
    than from its lines joined: the same lines to search either way."""
    from coe_paper.markdown import parse
    from coe_paper.rules.text import read_prose

    body = "\n\n".join(line_of(parts) for parts in lines)
    prose = read_prose("s.md", body, 3, parse(body))
    numbered = prose.prose_lines()
    for terms in (INCLUSIVE, COUNTRIES, shipped("eu_names.yaml")):
        assert terms.lines_to_search(numbered, prose.lower_runs) == terms.lines_to_search(numbered)


def _style_findings(check: object, body: str) -> list[str]:
    from coe_paper.markdown import parse
    from coe_paper.rules.text import read_prose

    assert callable(check)
    return [finding.message for finding in check(STYLE_CONTEXT, read_prose("s.md", body, 3, parse(body)))]


def test_a_dotted_or_dotless_i_in_eight_still_counts_the_united_kingdom() -> None:
    from coe_paper.rules import eustyle

    for eight in ("e\u0131ght", "E\u0130GHT"):  # the pattern's case-blind i takes both; their lower case is no 'eight'
        text = f"twenty-{eight} Member States"
        assert _style_findings(eustyle.united_kingdom, f"In {text} met.\n") == [
            f"'{text}' counts the United Kingdom as a Member State"]


def test_a_form_whose_letter_matches_a_non_word_character_in_another_case_is_still_found() -> None:
    from coe_paper.rules.terms import TermFile

    term = {"avoid": ["\u03b9 sign"], "write": "iota", "source": "x"}  # the pattern's Greek iota also takes U+0345
    iota = TermList(TermFile.model_validate({"terms": [term]}))
    lines = ["The \u0345 sign, a mark and no word character, is the iota's other case."]
    assert [text for _, _, _, text, _ in found_in(iota, lines)] == ["\u0345 sign"]
    assert found_in(iota, lines) == found_in(unfiltered(iota), lines)


def test_the_iota_subscript_is_the_only_character_a_foreign_letter_takes_on_a_plain_line() -> None:
    """What _FOREIGN_WORD rests on, for the Unicode of this Python: a word character outside ASCII matches no
    character outside ASCII that is no word character, in any case, but U+0345 (the ASCII ones _folds_to_ascii
    asks about)."""
    import sys

    from coe_paper.rules.terms import _FOREIGN_WORD

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    foreign = re.compile(r"[^\W\x00-\x7f]")
    cased = [c for c in every if not c.isascii() and not re.match(r"\w", c) and (c.lower(), c.upper()) != (c, c)]
    taken = {c for c in cased if any(foreign.match(other) for other in re.findall(re.escape(c), every, re.I))}
    assert taken == {"\u0345"} and _FOREIGN_WORD.pattern == foreign.pattern + "|\\u0345"


def test_a_form_with_a_dotted_capital_i_is_found() -> None:
    from coe_paper.rules.terms import TermFile

    term = {"avoid": ["\u0130stanbul Convention"], "write": "Council of Europe Convention", "source": "x", "fix": True}
    dotted = TermList(TermFile.model_validate({"terms": [term]}))  # its lower case is i and a combining dot above
    for text in ("\u0130stanbul Convention", "istanbul convention", "ISTANBUL CONVENTION"):
        assert [(m_text, fix.replacement if fix else None) for _, _, m_text, fix in found(dotted, f"The {text}.")] == [
            (text, "Council of Europe Convention")]


def test_an_adjective_before_a_word_behind_markup_or_a_no_break_space_is_not_fixed() -> None:
    def fixed(line: str) -> list[str | None]:
        return [m.fix.replacement if m.fix else None for m in INCLUSIVE.find(line, 7)]

    for after in (" **students**", "\u00a0students", " _students_", " [students](#s)", " \u00e9lite", "\u2019s needs",
                  "'s needs", " **"):
        assert fixed(f"Help for the disabled{after}") == [None], after  # an adjective, or the next word unknown
    for after in (" **and** others", "\u00a0and others", ", and others", ".", " [who](#w) work"):
        assert fixed(f"Help for the disabled{after}") == ["persons with disabilities"], after


def test_a_typographic_apostrophe_matches_a_straight_one() -> None:
    """Word writes \u2019 where a list has ': "a gentleman\u2019s agreement" went unreported, and a list written
    with \u2019 missed the straight form. Its article is fixed with it: --fix wrote 'A unwritten agreement'."""
    from coe_paper.rules.terms import TermFile

    for line in ("A gentleman\u2019s agreement.", "A gentlemen's agreement."):
        assert [(fix.column, fix.replacement) if fix else None for *_, fix in found(INCLUSIVE, line)] == [
            (1, "An unwritten agreement")]
    term = {"avoid": ["Member States\u2019 view"], "write": "view of the Member States", "source": "x", "fix": True}
    curly = TermList(TermFile.model_validate({"terms": [term]}))
    assert [text for _, _, text, _ in found(curly, "The member states' view.")] == ["member states' view"]


ODD = [*"abkisyKIS07_.-'/ ", "\u00e9", "\u00df", "\u1e9e", "\u017f", "\u212a", "\u0130", "\u0131", "\u03b9", "\u0399",
       "\u0345", "\u0301", "\u0307", "\uff21", "\u0661", "\u00a0", "\u2019", "\u00b2", "\u03a3", "\u03c2"]
PLAIN = [*"abkisy7 -."] * 3  # mostly: a phrase or a line that is not plain is always searched
PHRASE = st.text(st.sampled_from(PLAIN + ODD), min_size=1, max_size=6).filter(lambda phrase: bool(phrase.split()))


def _in_another_case(form: str) -> st.SearchStrategy[str]:
    """`form` with each character, or none, replaced by one the case-blind patterns take for it (s by S or the long
    s, the iota by the iota subscript, ...)."""
    same = [st.sampled_from([o for o in [c, *ODD] if re.fullmatch(re.escape(c), o, re.IGNORECASE)]) for c in form]
    return st.tuples(*same).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PHRASE, st.booleans()), min_size=1, max_size=4), st.data())
def test_the_tests_hide_no_match_of_a_paper_list_with_odd_characters(phrases: list[tuple[str, bool]],
                                                                     data: st.DataObject) -> None:
    """A paper's own list of phrases made of letters that match others in another case, marks, digits of other
    scripts and punctuation, on lines made of its forms, each letter in a case the patterns take for it."""
    from coe_paper.rules.terms import TermFile

    terms = [{"avoid": [p], "write": "w", "source": "s", "match_case": exact} for p, exact in phrases]
    odd = TermList(TermFile.model_validate({"terms": terms}))
    word = st.sampled_from([*odd.forms, *odd.exact]).flatmap(_in_another_case)
    part = st.tuples(word, st.sampled_from(PLAIN + ODD)).map("".join)
    lines = data.draw(st.lists(st.lists(part, max_size=4).map("".join), min_size=1, max_size=3))
    assert found_in(odd, lines) == found_in(unfiltered(odd), lines)


def test_a_fix_writes_the_article_its_wording_takes_where_the_sound_is_known() -> None:
    """A wording starting with h, eu, one or u was fixed without its article, or not at all, whatever the word:
    'a European citizen' became 'a EU citizen', 'a unique opportunity' 'a unusual opportunity' and 'an hour-long
    session' 'an half-day session' (the same first letter kept the article), while 'a handicapped toilet' and 'an
    honest broker' got no fix. Where the word's sound is known the article follows it; where it is not, no fix."""
    from coe_paper.rules.terms import TermFile

    pairs = [("handicapped toilet", "accessible toilet"), ("European citizen", "EU citizen"),
             ("unique opportunity", "unusual opportunity"), ("hour-long session", "half-day session"),
             ("honest broker", "neutral mediator"), ("big town", "urban area"), ("new entity", "one-stop shop"),
             ("common issue", "ubiquitous issue"), ("short day", "8-hour day"), ("gay group", "LGBTIQ group"),
             ("LGBT group", "LGBTIQ group"), ("new rule", "house rule")]
    terms = TermList(TermFile.model_validate(
        {"terms": [{"avoid": [a], "write": w, "source": "s", "fix": True} for a, w in pairs]}))

    def fixed(line: str) -> str | None:
        (match,) = terms.find(line, 7)
        fix = match.fix
        return None if fix is None else line[: fix.column - 1] + fix.replacement + line[fix.end - 1 :]

    assert fixed("Build a handicapped toilet.") == "Build an accessible toilet."
    assert fixed("A European citizen asks.") == "An EU citizen asks."
    assert fixed("It is a unique opportunity.") == "It is an unusual opportunity."
    assert fixed("We held an hour-long session.") == "We held a half-day session."
    assert fixed("We need an honest broker.") == "We need a neutral mediator."
    assert fixed("It is a big town.") == "It is an urban area."
    assert fixed("Open a new entity.") == "Open a one-stop shop."
    assert fixed("Adopt a new rule.") == "Adopt a house rule."  # an h- word not on the list: spoken, 'a'
    assert fixed("An LGBT group met.") == "An LGBTIQ group met."  # the same letter's name: the article fits
    for line in ("It is a common issue.", "It is a short day.", "A gay group met."):
        assert fixed(line) is None, line  # ubiquitous, 8 (eight), LGBTIQ (el, or a word): the sound is unknown
    assert fixed("The handicapped toilet.") == "The accessible toilet."  # no article: the wording alone


def test_a_wording_in_capitals_read_as_a_word_or_as_letters_keeps_no_article_it_may_not_take() -> None:
    """A wording in capitals is read as its letters' names (an EU fund) or as a word (a EURES adviser, an URBACT
    network): by the letters alone 'a European adviser' would become 'an EURES adviser' and 'a city network' 'a
    URBACT network'. Where the two readings part, no fix; where they agree, the article follows them."""
    from coe_paper.rules.articles import article_for

    assert [article_for(word) for word in ("EU fund", "ESPON study", "UN agency", "CSO", "TEN-T corridor")] == [
        "an", "an", "a", "a", "a"]
    for word in ("EURES adviser", "EUR 5 million fund", "URBACT network", "UNHCR office", "NGO", "MEP"):
        assert article_for(word) is None, word


def test_a_capital_a_within_a_sentence_is_no_article_a_fix_rewrites() -> None:
    """'In Zone A disabled parking is free' was fixed to 'In Zone An accessible parking': a capital A within a
    sentence was taken for the article, where it is a label (or a title's capital). It is rewritten only where it
    opens a sentence; elsewhere the term is reported without a fix."""
    def fixed(line: str) -> str | None:
        (match,) = INCLUSIVE.find(line, 7)
        fix = match.fix
        return None if fix is None else line[: fix.column - 1] + fix.replacement + line[fix.end - 1 :]

    for line in ("In Zone A disabled parking is free.", "Building A disabled toilets too.", "See (A disabled toilet)."):
        assert fixed(line) is None, line
    assert fixed("Open. A disabled toilet.") == "Open. An accessible toilet."
    assert fixed("Plan B: A disabled toilet.") == "Plan B: An accessible toilet."
    assert fixed("- A disabled toilet is open.") == "- An accessible toilet is open."
    assert fixed("It said: \u201cA disabled toilet\u201d.") == "It said: \u201cAn accessible toilet\u201d."
    assert fixed("| **A disabled toilet** |") == "| **An accessible toilet** |"
    assert fixed("Zone a disabled toilet.") == "Zone an accessible toilet."  # lower case: the article


def test_an_article_on_the_line_before_or_before_a_no_break_space_is_the_phrases() -> None:
    """'a' at the end of a line, the phrase opening the next ('have a\\ndisabled toilet'), was left as it stood while
    the fix wrote 'accessible toilet': 'a accessible toilet'; so was 'a' before a no-break space. A fix changes one
    line, so an article on the line before that would change leaves the phrase unfixed; one that fits stays."""
    def fixed(line: str, before: str = "") -> str | None:
        (match,) = INCLUSIVE.find(line, 7, (before, ""))
        fix = match.fix
        return None if fix is None else line[: fix.column - 1] + fix.replacement + line[fix.end - 1 :]

    assert fixed("disabled toilet near the station.", "Every district should have a\n") is None
    assert fixed("**disabled toilet** near the station.", "Every district should have a \n") is None
    assert fixed("chairman spoke.", "Then a\n") == "chair spoke."  # 'a chair': the article fits
    assert fixed("disabled toilet near the station.", "It was a delay. Then\n") == "accessible toilet near the station."
    assert fixed("We met a\u00a0disabled toilet.") == "We met an\u00a0accessible toilet."
