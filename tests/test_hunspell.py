"""The lazily read hunspell dictionary (rules/hunspell.py) answers as spylls' whole dictionary does: entry by entry
for Debian's en_GB, word by word for the bundled paper's words and variants of them, and for a small dictionary
that has what en_GB lacks (homonyms, data tags, escaped slashes, IGNORE, ph: patterns)."""

from __future__ import annotations

import json
import os
import re
import time
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from spylls.hunspell import Dictionary
from spylls.hunspell.algo.lookup import Lookup

from coe_paper import pipeline
from coe_paper.rules import hunspell, spelling
from coe_paper.rules import speller as speller_module
from coe_paper.rules.hunspell import Lookups
from coe_paper.rules.speller import LAZY_EDITS, MAX_SUGGESTED, Speller, load_lookups
from conftest import REPO_ROOT, MakeProject, section_text

EN_GB = "/usr/share/hunspell/en_GB"
INTRO = "sections/01-intro.md"


@pytest.fixture(scope="module")
def en_gb() -> tuple[Dictionary, Lookups]:
    if not Path(EN_GB + ".dic").is_file():
        if os.environ.get("COE_REQUIRE_CLIENTS") == "1":
            pytest.fail("Debian's hunspell-en-gb is not installed and COE_REQUIRE_CLIENTS=1 requires it")
        pytest.skip("needs Debian's hunspell-en-gb")
    return Dictionary.from_files(EN_GB), Lookups(EN_GB)


def entries(words: list[object]) -> list[tuple[object, ...]]:
    return [(w.stem, w.flags, w.data, w.captype, w.alt_spellings) for w in words]  # type: ignore[attr-defined]


def test_every_en_gb_entry_is_read_as_spylls_reads_it(en_gb: tuple[Dictionary, Lookups]) -> None:
    whole, lazy = en_gb
    assert len(whole.dic.index) > 90_000
    differ = [stem for stem, words in whole.dic.index.items() if entries(lazy.dic.homonyms(stem)) != entries(words)]
    assert differ == []
    assert lazy.dic.homonyms("no-such-stem") == []


def variants(word: str) -> list[str]:
    swapped = word[1] + word[0] + word[2:] if len(word) > 2 else word
    return [word, word.lower(), word.capitalize(), swapped, word + "s", word + "'s", "un" + word, word + "-based",
            word[:-1]]


def test_lookups_answer_as_the_whole_dictionary_does(en_gb: tuple[Dictionary, Lookups]) -> None:
    whole, _ = en_gb
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO_ROOT / "sections").glob("*.md")))
    found = set(re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", text))
    words = sorted(w for w in found if len(w) > 1 and not any(c.isupper() for c in w[1:]))[:400]  # as spelling.py
    asked = [v for word in words for v in variants(word)] + ["colour-coded", "etc.", "e.g.", "mispeled", "xyzzy"]
    lazy = Lookups(EN_GB)  # a new one: the lookups must not lean on entries another test made
    answers = [(word, lazy.lookup(word)) for word in asked]
    assert answers == [(word, bool(whole.lookup(word))) for word in asked]
    assert {answer for _, answer in answers} == {True, False}
    made = [stem for stem, words in lazy.dic._made.items() if words]  # stems asked about that are entries
    assert 0 < len(made) < len(whole.dic.index) // 10  # it read only those
    capitals = [word.upper() for word in words]  # a word in capitals may ask for every entry (spylls' ignorecase)
    assert [lazy.lookup(word) for word in capitals] == [bool(whole.lookup(word)) for word in capitals]


SMALL_AFF = """SET UTF-8
TRY esianrtolcdugmphbyfvkwzESIANRTOLCDUGMPHBYFVKWZ'
IGNORE ^
FORBIDDENWORD !
REP 1
REP f ph
SFX S Y 1
SFX S 0 s .
PFX U Y 1
PFX U 0 un .
"""

SMALL_DIC = """\ufeff9
city/S
lock/SU
lock/S po:noun
kn^ow/U
colour/S ph:color
mono\\/stereo
/slash
Paris\tpo:name
wrong/!
"""


def test_a_small_dictionary_with_what_en_gb_lacks(tmp_path: Path) -> None:
    base = str(tmp_path / "xx")
    Path(base + ".aff").write_text(SMALL_AFF, encoding="utf-8")
    Path(base + ".dic").write_text(SMALL_DIC, encoding="utf-8")
    whole, lazy = Dictionary.from_files(base), Lookups(base)
    assert entries(lazy.dic.homonyms("lock")) == entries(whole.dic.homonyms("lock"))  # both lines, in order
    assert len(lazy.dic.homonyms("lock")) == 2
    for stem in whole.dic.index:
        assert entries(lazy.dic.homonyms(stem)) == entries(whole.dic.homonyms(stem)), stem
    assert [(r.pattern, r.replacement) for r in lazy._lookup.aff.REP] == [
        (r.pattern, r.replacement) for r in whole.aff.REP]  # the ph: pattern was read before any lookup
    asked = ["city", "cities", "citys", "locks", "unlock", "unlocks", "know", "kn^ow", "unknow", "colour", "colours",
             "mono/stereo", "/slash", "Paris", "paris", "PARIS", "CITY", "wrong", "wrongs", "Lock", "LOCKS", "9"]
    assert [lazy.lookup(w) for w in asked] == [bool(whole.lookup(w)) for w in asked]


def test_ph_patterns_keep_the_files_order(tmp_path: Path) -> None:
    """spylls puts a "ph:" tag's pattern in the REP table as it reads the line: the lazily read dictionary, which
    reads a stem's lines together, puts them in the file's order too, so its suggestions come in the same order."""
    base = str(tmp_path / "xx")
    Path(base + ".aff").write_text("SET UTF-8\nTRY abcdefghijklmnopqrstuvwxyz\n", encoding="utf-8")
    Path(base + ".dic").write_text("4\nalpha ph:nothing->alpha\nbeta ph:zork->beta\nalpha/S ph:zork->alpha\ngamma\n",
                                   encoding="utf-8")
    whole = Dictionary.from_files(base)
    for lazy in (Lookups(base), Lookups(base, hunspell.Index(Lookups(base).dic.entries.data))):
        assert [(r.pattern, r.replacement) for r in lazy._lookup.aff.REP] == [
            (r.pattern, r.replacement) for r in whole.aff.REP]
        assert lazy.suggest("zork", 3) == list(islice(whole.suggest("zork"), 3)) == ["beta", "alpha"]
        assert entries(lazy.dic.homonyms("alpha")) == entries(whole.dic.homonyms("alpha"))


@pytest.fixture
def no_whole_dictionary(monkeypatch: pytest.MonkeyPatch, en_gb: tuple[Dictionary, Lookups]) -> None:
    """A run that loads the whole dictionary fails (none is loaded in this process already)."""
    monkeypatch.setattr(speller_module, "_loaded", {})

    def whole_dictionary(*args: object) -> None:
        raise AssertionError("the whole dictionary was loaded")

    monkeypatch.setattr(speller_module, "load_dictionary", whole_dictionary)


@pytest.mark.usefixtures("no_whole_dictionary")
def test_new_words_are_looked_up_without_loading_the_whole_dictionary(make_project: MakeProject) -> None:
    root = make_project({INTRO: section_text("intro", "## Words\n\nThe allotments flourish.\n")}, git=True)
    assert [d for d in pipeline.load(root).diagnostics if d.code == "COE721"] == []
    known = json.loads((root / ".git/coe-paper-cache/spelling.json").read_text(encoding="utf-8"))["words"]
    assert known["allotments"] is True and known["flourish"] is True


def test_the_index_kept_in_the_cache_spares_reading_the_dic_and_a_damaged_one_is_read_again(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, en_gb: tuple[Dictionary, Lookups]) -> None:
    root = make_project({}, git=True)
    monkeypatch.setattr(speller_module, "_lookups", {})
    first = load_lookups(EN_GB, None, root)
    assert [p.suffix for p in (root / ".git/coe-paper-cache/hunspell").iterdir()] == [".bin"]
    monkeypatch.setattr(speller_module, "_lookups", {})

    def no_reading(*args: object) -> list[str]:
        raise AssertionError("the .dic was read again")

    with monkeypatch.context() as patched:
        patched.setattr(hunspell, "read_lines", no_reading)
        kept = load_lookups(EN_GB, None, root)
        assert kept is not first and kept.dic.entries.data == first.dic.entries.data
        assert [kept.lookup(w) for w in ("harbours", "mispeled")] == [True, False]
    damaged = hunspell.Index(first.dic.entries.data[: first.dic.entries.start] + b"harbour\n")  # a record, no tab
    again = Lookups(EN_GB, damaged)
    assert [again.lookup(w) for w in ("harbours", "lighthouse")] == [True, True]
    assert again.dic.entries.lines("harbour") == first.dic.entries.lines("harbour") != []


def test_an_index_that_is_not_one_is_refused() -> None:
    for data in (b"", b"coe-paper hunspell index 2", b"coe-paper hunspell index 1\n", b"{}\n"):  # 1: older
        with pytest.raises(ValueError):
            hunspell.Index(data)


# A file's text, decoded with surrogate escapes, holds no other surrogate; a word asked about may (the last two).
_STEM = st.text(st.characters(blacklist_characters="\t\n", blacklist_categories=("Cs",)), max_size=4)
_LINE = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=6)


_ASKED = st.one_of(_STEM, st.sampled_from(["\ud800", "a\udfff", "\udc80"]))


@given(st.lists(st.tuples(_STEM, _LINE), max_size=30), _ASKED)
def test_an_index_finds_a_stems_lines_in_the_files_order(records: list[tuple[str, str]], other: str) -> None:
    lines = [f"{stem}{line}" + (" ph:x" if n % 5 == 0 else "") for n, (stem, line) in enumerate(records)]
    stems = [stem for stem, _ in records]
    made = hunspell.Index.of(stems, lines)
    for stem in [*stems, other]:
        assert made.lines(stem) == [line for s, line in zip(stems, lines, strict=True) if s == stem]
    assert sorted(made.stems()) == sorted(set(stems))
    assert made.ph == [s for s, line in zip(stems, lines, strict=True) if "ph:" in line]
    assert hunspell.Index(made.data).lines(other) == made.lines(other)


def test_affixes_compile_their_expressions_when_a_lookup_first_tries_them(en_gb: tuple[Dictionary, Lookups]) -> None:
    """spylls compiles two regular expressions for each of en_GB's 1,200 affixes as it reads the .aff (0.15 s for a
    run that meets one new word); read here with the index of the .dic kept from a first reading (which compiles
    them all, so that a damaged .aff fails there), an affix compiles them when a lookup first tries it, and they are
    the ones spylls compiles. spylls' own reading is left as it was."""
    from spylls.hunspell.data import aff

    whole, first = en_gb
    read, _context = hunspell.read_aff(EN_GB + ".aff", checked=False)
    suffixes = [suffix for group in read.SFX.values() for suffix in group]
    assert len(suffixes) > 1000
    assert not any("cond_regexp" in vars(affix) for table in (read.SFX, read.PFX) for group in table.values()
                   for affix in group)
    checked, _context = hunspell.read_aff(EN_GB + ".aff")
    assert all("cond_regexp" in vars(affix) for group in checked.SFX.values() for affix in group)
    lazy = Lookups(EN_GB, hunspell.Index(first.dic.entries.data))
    assert lazy.lookup("harbours") and lazy.lookup("unhappily") and not lazy.lookup("hrbours")
    tried = [affix for table in (lazy._lookup.aff.SFX, lazy._lookup.aff.PFX) for group in table.values()
             for affix in group if "cond_regexp" in vars(affix)]
    assert 0 < len(tried) < 200
    eager = {(type(a).__name__, a.flag, a.strip, a.add, a.condition): a
             for table in (whole.aff.SFX, whole.aff.PFX) for group in table.values() for a in group}
    for affix in tried:
        own = eager[(type(affix).__mro__[1].__name__, affix.flag, affix.strip, affix.add, affix.condition)]
        assert (affix.cond_regexp.pattern, affix.replace_regexp.pattern) == (own.cond_regexp.pattern,
                                                                              own.replace_regexp.pattern)
    assert type(Dictionary.from_files(EN_GB).aff.SFX["S"][0]) is aff.Suffix


def test_reading_the_dictionary_leaves_no_file_open(en_gb: tuple[Dictionary, Lookups]) -> None:
    import gc
    import warnings

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        whole = hunspell.whole_dictionary(EN_GB)
        lazy = Lookups(EN_GB)
        assert whole.lookup("harbours") and lazy.lookup("harbours")
        del whole, lazy
        gc.collect()
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []


def test_the_index_of_a_replaced_dictionary_is_removed(make_project: MakeProject, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({}, git=True)
    base = str(tmp_path / "xx")
    Path(base + ".aff").write_text(SMALL_AFF, encoding="utf-8")
    Path(base + ".dic").write_text(SMALL_DIC, encoding="utf-8")
    monkeypatch.setattr(speller_module, "_lookups", {})
    assert load_lookups(base, None, root).lookup("locks")
    kept = root / ".git/coe-paper-cache/hunspell"
    first = list(kept.iterdir())
    Path(base + ".dic").write_text(SMALL_DIC + "town/S\n", encoding="utf-8")  # another dictionary: another key
    assert load_lookups(base, None, root).lookup("towns")
    now = list(kept.iterdir())
    assert len(first) == len(now) == 1 and first != now


SLIPS = ["goverment", "recieve", "seperate", "accomodation", "definately", "occured", "Goverment", "teh", "alot",
         "colour-codd", "harbr", "neighbourhod", "xyzzyq", "qwrtplk", "EUROPEEN", "municipalitys"]


def test_suggestions_from_the_edits_are_spylls_own(en_gb: tuple[Dictionary, Lookups]) -> None:
    """The lazily read dictionary suggests what spylls' edits of the word find in the whole one (ranked as a reader
    expects: test_ranking.py): suggestions spylls gives before its pass over every word. None when no edit is a
    word."""
    whole, _ = en_gb
    lazy = Lookups(EN_GB)
    answers = {word: lazy.suggest(word, 3) for word in SLIPS}
    for word, found in answers.items():
        assert found == hunspell.edit_suggestions(hunspell.edits_of(whole), word, 3), word
        assert found is None or set(found) <= set(islice(whole.suggest(word), 15)), word  # spylls' own
    assert answers["goverment"] == ["government"]  # spylls' n-gram pass adds 'overgarment'
    assert list(islice(whole.suggest("teh"), 3)) == ["the", "eh", "tech"]
    assert answers["teh"] == ["the", "tech", "tee"]  # 'eh' leaves the first letter out: last
    assert answers["xyzzyq"] is None and answers["qwrtplk"] is None  # no edit of them is a word
    assert sum(found is not None for found in answers.values()) >= 10
    assert len([stem for stem, words in lazy.dic._made.items() if words]) < len(whole.dic.index) // 10


@pytest.mark.usefixtures("no_whole_dictionary")
def test_a_slip_gets_suggestions_without_loading_the_whole_dictionary(make_project: MakeProject) -> None:
    root = make_project({INTRO: section_text("intro", "## Words\n\nThe goverment of the city.\n")}, git=True)
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE721"]
    assert [(d.message, d.hint) for d in found] == [
        ("'goverment' is not in the en_GB dictionary",
         "did you mean 'government'? if it is right, add it to paper/words.txt")]


def test_a_speller_suggests_the_same_with_either_dictionary(en_gb: tuple[Dictionary, Lookups],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole dictionary (which `serve` keeps loaded) and the lazily read one give the same hints; a word no edit
    mends gets spylls' whole algorithm from either."""
    whole, _ = en_gb
    monkeypatch.setattr(speller_module, "_loaded", {})
    lazy_speller = Speller(EN_GB, None)
    whole_speller = Speller(EN_GB, None)
    whole_speller._dictionary = whole
    for word in ["goverment", "recieve", "xyzzyq"]:
        assert not lazy_speller.correct(word) and not whole_speller.correct(word)
        assert lazy_speller.suggestions(word) == whole_speller.suggestions(word), word
    assert lazy_speller.suggestions("goverment") == ["government"]
    assert lazy_speller.suggestions("xyzzyq") == list(islice(whole.suggest("xyzzyq"), 3))


def test_a_long_word_is_mended_with_the_whole_dictionary(en_gb: tuple[Dictionary, Lookups],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A long word's edits ask about so many stems, each kept by the lazily read dictionary once asked (500 letters:
    9 GB), that they are looked up in the whole dictionary; the suggestions are the same."""
    whole, _ = en_gb
    monkeypatch.setattr(speller_module, "_loaded", {})
    monkeypatch.setattr(speller_module, "load_dictionary", lambda *args: whole)
    lazy_speller = Speller(EN_GB, None)
    whole_speller = Speller(EN_GB, None)
    whole_speller._dictionary = whole
    lazy = lazy_speller.lookups()
    assert isinstance(lazy, Lookups)
    before = len(lazy.dic._made)
    for word in ["qwertzuiopasdfghjklyxcvbnm" * 2 + "q", "international-cooperation-and-neighbourhod-polcies"]:
        assert len(word) > LAZY_EDITS
        assert not lazy_speller.correct(word) and not whole_speller.correct(word)
        assert lazy_speller.suggestions(word) == whole_speller.suggestions(word), word
    assert len(lazy.dic._made) - before < 1000


def test_a_word_too_long_to_mend_gets_no_suggestions(en_gb: tuple[Dictionary, Lookups],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """spylls' edits of a word take about the square of its length (1,000 letters: a minute): a word longer than
    MAX_SUGGESTED is reported without suggestions, asking nothing of the dictionary."""

    def asked(*args: object) -> None:
        raise AssertionError("the dictionary was asked for suggestions")

    monkeypatch.setattr(speller_module, "load_dictionary", asked)
    monkeypatch.setattr(hunspell, "edit_suggestions", asked)
    speller = Speller(EN_GB, None)
    word = "qwertzuiopasdfghjklyxcvbnm" * 4
    assert len(word) > MAX_SUGGESTED and not speller.correct(word)
    assert speller.suggestions(word) == []


def test_a_word_past_hunspells_length_is_not_looked_up(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch,
                                                       en_gb: tuple[Dictionary, Lookups]) -> None:
    """spylls tries a word as a compound at every place it could split it, each try a lookup of the rest: a word of
    100,000 letters took 20 s, one of 5,000 parts joined by hyphens minutes. A word longer than MAX_WORD is no word
    of the dictionary, reported without a lookup; a long compound of words joined by hyphens still passes."""
    looked_up: list[str] = []
    lookup = Lookups.lookup

    def counted(self: Lookups, word: str) -> object:
        looked_up.append(word)
        if len(word) > 100:  # hunspell's MAXWORDLEN
            raise AssertionError(f"a word of {len(word)} characters was looked up")
        return lookup(self, word)

    monkeypatch.setattr(Lookups, "lookup", counted)
    monkeypatch.setattr(speller_module, "_loaded", {})  # no whole dictionary an earlier test loaded: the lookups answer
    letters, compound = "b" * 50_000, "-".join(["equal"] * 4_000)
    root = make_project({INTRO: section_text("intro", f"## Words\n\nThe {letters} and {compound} city.\n")},
                        git=True)
    found = [(d.line, d.column, d.message[:12]) for d in pipeline.load(root).diagnostics if d.code == "COE721"]
    assert found == [(11, 5, "'bbbbbbbbbbb")]
    assert "equal" in looked_up and max(map(len, looked_up)) <= speller_module.MAX_WORD


def test_a_long_word_that_is_no_slip_stops_at_its_budget_of_lookups(en_gb: tuple[Dictionary, Lookups],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A 25-letter compound has 31,000 edits to look up (seconds): its suggestions stop at SUGGESTION_LOOKUPS, with
    none, whichever dictionary answers; slips of English words are mended well within it."""
    whole, _ = en_gb
    monkeypatch.setattr(speller_module, "_loaded", {})
    monkeypatch.setattr(speller_module, "load_dictionary", lambda *args: whole)
    asked = 0
    good_forms = Lookup.good_forms

    def counted(self: Lookup, *args: object, **kwargs: object) -> object:
        nonlocal asked
        asked += 1
        return good_forms(self, *args, **kwargs)

    monkeypatch.setattr(Lookup, "good_forms", counted)
    for use_whole in (False, True):
        speller = Speller(EN_GB, None)
        if use_whole:
            speller._dictionary = whole
        word = "Wohnungsbaugenossenschaft"
        assert not speller.correct(word)
        asked = 0
        assert speller.suggestions(word) == []
        assert hunspell.SUGGESTION_LOOKUPS <= asked <= hunspell.SUGGESTION_LOOKUPS + 1
        for slip, mended in [("intersectionallity", "intersectionality"), ("Ljubljanna", "Ljubljana")]:
            assert not speller.correct(slip)
            asked = 0
            assert speller.suggestions(slip)[0] == mended
            assert asked < hunspell.SUGGESTION_LOOKUPS / 2


WORDS_A = ["government", "receive", "separate", "necessary", "beginning", "calendar", "existence", "address",
           "believe", "definitely", "occurred", "environment", "committee"]
WORDS_B = ["parliament", "transport", "community", "education", "development", "employment", "population",
           "agriculture", "infrastructure", "cooperation", "sustainable", "neighbourhood", "consultation"]


def test_the_first_unknown_words_of_each_section_get_suggestions(make_project: MakeProject,
                                                                  en_gb: tuple[Dictionary, Lookups]) -> None:
    """MAX_SUGGESTIONS counts a section's own unknown words, so a section's hints do not depend on which sections
    were checked before it in the run (or in which worker process), nor on what earlier runs looked up."""

    def body(words: list[str]) -> str:
        return "## Words\n\n" + "".join(f"The {word[:2] + word[3:]} matters.\n" for word in words)

    root = make_project({INTRO: section_text("intro", body(WORDS_A)),
                         "sections/03-outlook.md": section_text("outlook", body(WORDS_B), title="Outlook")}, git=True)

    def hinted() -> dict[str, list[bool]]:
        found: dict[str, list[bool]] = {}
        for d in pipeline.check(root).diagnostics:
            if d.code == "COE721":
                found.setdefault(d.path, []).append(d.hint.startswith("did you mean"))
        return found

    expected = [True] * spelling.MAX_SUGGESTIONS + [False] * (len(WORDS_A) - spelling.MAX_SUGGESTIONS)
    assert hinted() == {INTRO: expected, "sections/03-outlook.md": expected}
    (root / ".git" / "coe-paper-cache" / "editorial.pack").unlink(missing_ok=True)
    assert hinted() == {INTRO: expected, "sections/03-outlook.md": expected}  # the words' answers kept: the same


def test_a_section_past_max_unknown_words_is_checked_no_further(make_project: MakeProject,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A section in another language, or a pasted list of codes: each word the dictionary does not know cost a few
    milliseconds and a finding (a hostile section of 1 MB, minutes). Past MAX_UNKNOWN distinct ones, one finding
    says its spelling is checked no further; a word repeated counts once."""
    monkeypatch.setattr(spelling, "MAX_UNKNOWN", 5)
    letters = "bcdfghjklmnpqrstvwxz"
    nonsense = [f"zq{letters[n % 20]}{letters[n // 20]}x" for n in range(8)]
    body = "## Words\n\n" + "".join(f"The {word} matters.\n" for word in nonsense)
    found = [d for d in pipeline.check(make_project({INTRO: section_text("intro", body)})).diagnostics
             if d.code == "COE721"]
    assert [d.message.split("'")[1] for d in found[:-1]] == nonsense[:5]
    assert (found[-1].line, "checked no further" in found[-1].message) == (found[0].line + 5, True)  # the sixth
    fewer = "## Words\n\n" + "".join(f"The {word} matters.\n" for word in nonsense[:5] * 3)
    found = [d for d in pipeline.check(make_project({INTRO: section_text("intro", fewer)})).diagnostics
             if d.code == "COE721"]
    assert len(found) == 15 and not any("checked no further" in d.message for d in found)


def test_a_dictionary_loading_in_the_background_pauses_and_gives_way_to_a_thread_that_needs_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` loads the whole dictionary in the background, pausing while a rebuild runs. A rebuild that needs the
    dictionary itself (a misspelt word's suggestions) waits for that load: the load must then pause no more, or
    both wait for ever."""
    import threading

    base = str(tmp_path / "xx")
    Path(base + ".aff").write_text("SET UTF-8\nTRY abcdefghijklmnopqrstuvwxyz\n", encoding="utf-8")
    words = [f"word{'abcdefghij'[n % 10]}{'klmnopqrst'[n // 10]}" for n in range(60)]
    Path(base + ".dic").write_text(f"{len(words)}\n" + "\n".join(words) + "\n", encoding="utf-8")
    monkeypatch.setattr(hunspell, "PAUSE_LINES", 4)
    monkeypatch.setattr(speller_module, "_loaded", {})
    paused, gave_up, pauses = threading.Event(), threading.Event(), []

    def pause() -> None:  # as serve's: waits while "a rebuild runs", here until a thread awaits the dictionary
        pauses.append(speller_module.awaited())
        paused.set()
        if not speller_module.awaited() and len(pauses) == 1:
            deadline = time.monotonic() + 30
            while not speller_module.awaited():
                if time.monotonic() > deadline:
                    gave_up.set()
                    return
                time.sleep(0.005)

    found: list[object] = []
    background = threading.Thread(target=lambda: found.append(speller_module.load_dictionary(base, "k", pause)))
    background.start()
    assert paused.wait(30)
    needed = speller_module.load_dictionary(base, "k")  # waits for the background load, which goes on at once
    background.join(30)
    assert not gave_up.is_set(), "the background load went on pausing while a thread waited for it"
    assert found == [needed] and bool(needed.lookup("wordak"))
    assert len(pauses) >= len(words) // 4 - 1 and pauses[1:] == [True] * (len(pauses) - 1)
    assert not speller_module.awaited()


@pytest.mark.parametrize("answer", [5, [1, 2], {"a": 1}, "The", [None], [["The"]], False])
def test_a_kept_answer_of_another_shape_is_asked_again(tmp_path: Path, answer: object) -> None:
    """The spelling's answers kept in `.git/coe-paper-cache/spelling.json` (True, or the suggestions) were taken
    whatever their shape, once the file named this dictionary: an answer edited by hand or damaged gave 'did you
    mean 1 or 2?' or 'did you mean None?', or no suggestion at all, where a run without it suggests 'The'."""
    fresh = Speller(EN_GB, None)
    kept = tmp_path / "spelling.json"
    kept.write_text(json.dumps({"version": speller_module.CACHE_VERSION, "key": fresh.key,
                                "words": {"Teh": answer, "equality": True, "Citty": ["City"]}}), encoding="utf-8")
    speller = Speller(EN_GB, kept)
    assert not speller.correct("Teh")
    assert speller.suggestions("Teh") == fresh.suggestions("Teh")
    assert "The" in speller.suggestions("Teh")
    assert speller.known["equality"] is True and speller.suggestions("Citty") == ["City"]  # the others are kept
