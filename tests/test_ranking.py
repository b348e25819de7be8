"""Spelling suggestions in the order a reader expects (rules/ranking.py): the word meant comes first for common
slips where hunspell's own order (the edits of a capitalised word as it is, then in lower case) puts it later or
leaves it out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coe_paper import pipeline
from coe_paper.rules.hunspell import Budget, Lookups, TooManyLookups
from coe_paper.rules.ranking import ranked
from conftest import MakeProject, section_text

EN_GB = "/usr/share/hunspell/en_GB"

#: Common slips and the word meant. hunspell -d en_GB (1.7) suggests first 'Ditty' for Citty (City: none of its
#: five), 'Omission' for Comission (Commission 4th), 'dress' for adress, 'imitative' for initative and 'program'
#: for programe (the EU writes 'programme'); the rest it mends first too.
SLIPS = {
    "Citty": "City", "Comission": "Commission", "adress": "address", "initative": "initiative",
    "programe": "programme", "recieve": "receive", "goverment": "government", "Parliment": "Parliament",
    "accomodation": "accommodation", "occured": "occurred", "seperate": "separate", "definately": "definitely",
    "enviroment": "environment", "comittee": "committee", "independant": "independent", "neccessary": "necessary",
    "buisness": "business", "untill": "until", "teh": "the", "begining": "beginning", "beleive": "believe",
    "existance": "existence", "foriegn": "foreign", "succesful": "successful", "wierd": "weird",
    "stratgy": "strategy", "Brussells": "Brussels", "Counsil": "Council", "Goverment": "Government",
    "acheive": "achieve", "wich": "which", "medow": "meadow", "wether": "whether", "Wich": "Which",
}


@pytest.fixture(scope="module")
def lookups() -> Lookups:
    if not Path(EN_GB + ".dic").is_file():
        if os.environ.get("COE_REQUIRE_CLIENTS") == "1":
            pytest.fail("Debian's hunspell-en-gb is not installed and COE_REQUIRE_CLIENTS=1 requires it")
        pytest.skip("needs Debian's hunspell-en-gb")
    return Lookups(EN_GB)


def test_the_word_meant_is_suggested_first(lookups: Lookups) -> None:
    firsts = {}
    for slip in SLIPS:
        budget = Budget()
        found = lookups.suggest(slip, 3, budget)
        firsts[slip] = found[0] if found else None
        assert budget.left > 0, slip  # within the budget: found by the lazily read dictionary's lookups
    assert firsts == SLIPS


def test_an_edit_of_the_first_letter_comes_last(lookups: Lookups) -> None:
    assert lookups.suggest("Citty", 3) == ["City", "Clitty", "Cutty"]  # Ditty, Bitty, Kitty, Witty, ... after
    assert lookups.suggest("adress", 3) == ["address", "a dress", "a-dress"]  # 'dress' after


def test_a_letter_left_out_and_a_function_word_come_first() -> None:
    """'wich' was 'winch', 'witch', 'which' (spylls' order: three letters put in) and 'medow' 'meow', 'meadow' (a
    letter taken out before one put in): a letter left out is the likelier slip, and of edits alike a function word
    the likelier word."""
    assert ranked("medow", [("meow", "extrachar"), ("meadow", "forgotchar")]) == ["meadow", "meow"]
    assert ranked("wich", [("winch", "forgotchar"), ("witch", "forgotchar"), ("which", "forgotchar"),
                           ("wish", "badchar")]) == ["which", "winch", "witch", "wish"]
    assert ranked("Wich", [("Winch", "forgotchar"), ("Which", "forgotchar")]) == ["Which", "Winch"]
    assert ranked("thier", [("their", "swapchar"), ("tier", "extrachar")]) == ["their", "tier"]  # a swap first still


def test_a_split_leaving_a_letter_alone_is_no_suggestion(lookups: Lookups) -> None:
    assert lookups.suggest("untill", 3) == ["until"]  # hunspell: until, until l, until-l
    assert ranked("adress", [("a dress", "twowords")]) == ["a dress"]  # 'a' is a word
    assert ranked("xrays", [("x rays", "twowords"), ("x-rays", "forgotchar")]) == ["x-rays"]


def test_the_hint_names_the_word_meant(make_project: MakeProject) -> None:
    root = make_project({"sections/01-intro.md": section_text("intro", "## Words\n\nThe Citty Council met.\n")},
                        git=True)
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE721"]
    assert len(found) == 1 and found[0].hint.startswith("did you mean 'City' or 'Clitty' or 'Cutty'? ")


def test_a_budget_spent_keeps_the_suggestions_found_before(lookups: Lookups) -> None:
    """Ranking tries all of a word's edits: when they would go past its budget, the word gets those found before
    (the same on every machine: the budget counts lookups), and none when none was."""
    assert lookups.suggest("Citty", 3, Budget(600)) == ["Ditty", "Bitty", "Kitty"]  # City is found later
    assert lookups.suggest("Citty", 3, Budget(2000)) == ["City", "Clitty", "Cutty"]
    with pytest.raises(TooManyLookups):
        lookups.suggest("Citty", 3, Budget(50))


def test_suggestions_kept_from_the_earlier_ranking_are_asked_again(make_project: MakeProject) -> None:
    """The spelling cache kept 'winch' first for 'wich' from before: it is read only by the ranking that made it."""
    import json

    root = make_project({"sections/01-intro.md": section_text("intro", "## Words\n\nThe wich council met.\n")},
                        git=True)
    assert next(d.hint for d in pipeline.load(root).diagnostics if d.code == "COE721").startswith(
        "did you mean 'which' or 'winch' or 'witch'? ")
    kept = root / ".git/coe-paper-cache/spelling.json"
    data = json.loads(kept.read_text(encoding="utf-8"))
    kept.write_text(json.dumps({**data, "version": 4, "words": {**data["words"], "wich": ["winch", "witch", "which"]}}),
                    encoding="utf-8")
    (root / ".git/coe-paper-cache/editorial.pack").unlink()  # the sections' findings: without them, words are asked
    assert next(d.hint for d in pipeline.load(root).diagnostics if d.code == "COE721").startswith(
        "did you mean 'which' or 'winch' or 'witch'? ")
