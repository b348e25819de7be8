"""Term lists: phrases to avoid, the wording to write instead and the source, read from YAML (shipped or a paper's
own), compiled into one regular expression per list.

A list file holds `sources` (short keys for long titles) and `terms`; each term has `avoid` (phrases), `write` (one
preferred wording, or several), `source` (a key or the text itself) and optional `fix` (one wording that can replace
the phrase as it stands), `plural` (what replaces a plural form), `adjective` (an adjective used as a noun, as in
"the elderly": not fixed before another word, where it is an adjective again), `match_case` (only the exact case
counts, as for "Turkey"), `count_noun` (the wording is a count noun for a mass noun, manpower: workforce; fixed only
after a determiner or a possessive, as in "the manpower", not in "more manpower"), `check_case` (the preferred
wording itself in any other case is a finding, as for "member states"), `unless_after` and `unless_before` (phrases
that, right before or right after it, make it another thing: UN member states, the member states of the Council of
Europe), `fix_where` (words of the topic in which the wording fits, the first naming it: the phrase is fixed only in
a paragraph that holds one, as "normal people" is "persons without disabilities" only where the text speaks of
disability; elsewhere it is reported without a fix).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..diagnostics import Fix
from .articles import with_article
from .shipped import shipped_data
from .text import MASK, WORD_RUN


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    avoid: list[str] = Field(min_length=1)
    write: list[str] = Field(min_length=1)
    source: str = Field(min_length=1)
    fix: bool = False
    plural: str | None = None
    adjective: bool = False
    count_noun: bool = False
    match_case: bool = False
    check_case: bool = False
    unless_after: list[str] = []
    unless_before: list[str] = []
    fix_where: list[str] = []

    @cached_property
    def context(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """What, right before a match (a possessive 's too) or right after it, makes it no finding."""
        after = "|".join(_pattern(phrase) for phrase in self.unless_after)
        before = "|".join(_pattern(phrase) for phrase in self.unless_before)
        return (re.compile(rf"(?<![\w-])(?:{after})(?:['\u2019]s)?\s+$") if after else None,
                re.compile(rf"\s+(?:{before})(?![\w-])") if before else None)

    def excepted(self, line: str, start: int, end: int, around: tuple[str, str] = ("", "")) -> bool:
        """Whether the match at `start`-`end` of `line` stands beside one of the phrases that make it no finding;
        `around`: the text before and after the line in its paragraph, where such a phrase may run on."""
        after, before = self.context
        head, tail = f"{around[0]} {line[:start]}", f"{line[end:]} {around[1]}"
        return bool(after and after.search(head)) or bool(before and before.match(tail))

    @cached_property
    def topic(self) -> re.Pattern[str] | None:
        """What in a paragraph says it speaks of the topic in which the fix fits (`fix_where`, plurals too)."""
        words = [form for word in self.fix_where for form in (word, _plural(word))]
        return re.compile(rf"(?<![\w-])(?:{'|'.join(map(_pattern, words))})(?![\w-])", re.IGNORECASE) if words else None

    def on_topic(self, line: str, around: tuple[str, str]) -> bool:
        """Whether the paragraph of `line` (`around` it) speaks of the topic the fix needs (any without `fix_where`)."""
        return self.topic is None or self.topic.search(f"{around[0]} {line} {around[1]}") is not None

    @field_validator("write", mode="before")
    @classmethod
    def _one_or_more(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("avoid", "write", "unless_after", "unless_before", "fix_where")
    @classmethod
    def _not_blank(cls, phrases: list[str]) -> list[str]:
        if any(not phrase.split() for phrase in phrases):
            raise ValueError("a phrase is blank")  # the pattern would find it between any two characters
        return phrases

    @model_validator(mode="after")
    def _fixable(self) -> Term:
        if self.fix and len(self.write) != 1:
            raise ValueError("a term with several preferred wordings cannot be fixed automatically")
        return self


class TermFile(BaseModel):
    """A term list file."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    sources: dict[str, str] = {}
    terms: list[Term] = Field(min_length=1)


#: Words after which an adjective used as a noun ("the elderly") is still a noun, so the fix is safe.
FOLLOWERS = frozenset({
    "and", "or", "but", "nor", "are", "is", "were", "was", "have", "has", "had", "who", "whose", "whom", "which",
    "that", "in", "of", "to", "with", "from", "for", "at", "on", "by", "as", "than", "will", "would", "can", "could",
    "should", "must", "may", "might", "do", "does", "did", "not", "also", "often", "still", "face", "need", "live",
    "living",
})

#: Words after which a count noun takes a mass noun's place as it stands ("the manpower": "the workforce").
DETERMINERS = frozenset({"the", "a", "an", "its", "their", "our", "his", "her", "your", "my", "this", "that", "whose"})
#: The word right before a phrase, past blanks and the markup after a word; or a possessive ('s, s').
_WORD_BEFORE = re.compile(
    rf"(?:(?<=[^\W\d_])(?:'s|\u2019s|s'|s\u2019)|(?<![\w'\u2019])([^\W\d_]+))[\s*_~\]{MASK}]*$")

_SEP = r"[ \t\u00a0]+"  # blanks between a term's words: a no-break space too ("the\u00a0elderly")
#: The possessive 's after a plural phrase (the workmen's union): after a wording whose plural ends in s, only the
#: apostrophe stays ('the workers' union', not 'the workers's union').
_PLURAL_POSSESSIVE = re.compile(r"(['\u2019])[sS](?![\w'\u2019-])")
#: The word after a phrase, past blanks (no-break spaces too), masks and the markup before a word (emphasis, a link).
_NEXT_WORD = re.compile(rf"[\s*_~\[{MASK}]*([^\W\d_]+)?")


def _plural(phrase: str) -> str:
    """The regular plural of a phrase's last word (chairman -> chairmen, policy -> policies, bus -> buses), and of a
    last word in -wife, -life or -knife (housewife -> housewives)."""
    if phrase.endswith("man"):
        return phrase[:-3] + "men"
    if re.search(r"(?:wi|li|kni)fe$", phrase):
        return phrase[:-2] + "ves"
    if re.search(r"[^aeiou]y$", phrase):
        return phrase[:-1] + "ies"
    if re.search(r"(?:s|x|z|ch|sh)$", phrase):
        return phrase + "es"
    return phrase + "s"


@dataclass(frozen=True)
class Match:
    """A term found in a line: the term, where it matched, the text and the fix it offers."""

    term: Term
    source: str
    start: int  # 0-based column in the line
    end: int
    text: str
    fix: Fix | None
    plural: bool = False  # the plural of an avoided phrase matched
    off_topic: bool = False  # its paragraph does not speak of the topic the fix needs (Term.fix_where)

    @property
    def wording(self) -> list[str]:
        """What to write instead: the term's plural for a plural, when the list gives it."""
        return [self.term.plural] if self.plural and self.term.plural else self.term.write


class TermList:
    """A compiled list: `find(line)` yields each avoided phrase (whole words, plurals too) with its fix, if safe."""

    def __init__(self, data: TermFile) -> None:
        self.file = data
        self.forms: dict[str, tuple[Term, bool]] = {}  # lower-case form (see _lower) -> (term, is plural)
        exact: dict[str, tuple[Term, bool]] = {}
        for term in data.terms:
            phrases = term.avoid + (term.write if term.check_case else [])
            if term.match_case:  # "the Czech Republic" also opens a sentence
                phrases = phrases + ["T" + p[1:] for p in phrases if p.startswith("the ")]
            for phrase in (p.replace("\u2019", "'") for p in phrases):  # either apostrophe matches (_pattern)
                target = exact if term.match_case else self.forms
                target.setdefault(phrase if term.match_case else _lower(phrase), (term, False))
                if not term.match_case and phrase not in term.write:
                    target.setdefault(_lower(_plural(phrase)), (term, True))
        self.exact = exact
        self.leads = _leads([*self.forms, *exact])

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        """The forms to find in any case, compiled when a line first might hold one (a long alternation)."""
        return self._compile(list(self.forms), re.IGNORECASE)

    @cached_property
    def exact_pattern(self) -> re.Pattern[str] | None:
        return self._compile(list(self.exact), 0)

    @staticmethod
    def _compile(forms: list[str], flags: int) -> re.Pattern[str] | None:
        if not forms:
            return None
        alternatives = "|".join(_pattern(f) for f in sorted(forms, key=len, reverse=True))
        return re.compile(rf"(?<![\w/-])(?:{alternatives})(?![\w/-])", flags)

    def source_of(self, term: Term) -> str:
        return self.file.sources.get(term.source, term.source)

    def lines_to_search(self, lines: list[tuple[int, str]], words: frozenset[str] | None = None
                        ) -> list[tuple[int, str]]:
        """The lines of a section that may hold a phrase: none when the section holds every word of none (see
        _leads); else those that hold the lead word of a phrase whose words the section holds. All of them when
        the test cannot tell (a word character outside ASCII). `words`: the lines' runs of word characters in lower
        case, when the caller has them (Prose.lower_runs)."""
        if self.leads is None:
            return lines
        text = "\n".join(line for _, line in lines)  # no run of word characters crosses a newline
        if not _plain(text):
            return lines
        words = _section_words(text) if words is None else words
        leads = [lead for lead in self.leads.keys() & words if any(runs <= words for runs in self.leads[lead])]
        return [(index, line) for index, line in lines if leads and any(lead in line.lower() for lead in leads)]

    def _may_hold(self, words: frozenset[str] | set[str]) -> bool:
        """Whether the words of a plain text hold every word of one of the phrases."""
        assert self.leads is not None
        return any(runs <= words for lead in self.leads.keys() & words for runs in self.leads[lead])

    def find(self, line: str, file_line: int, around: tuple[str, str] = ("", "")) -> list[Match]:
        """The avoided phrases of `line`; `around`: its paragraph's text before and after it (Term.excepted)."""
        if self.leads is not None and _plain(line) and not self._may_hold(_words(line)):
            return []  # no phrase can be on this line (see _leads)
        found: list[Match] = []
        for pattern, forms, fold in ((self.pattern, self.forms, True), (self.exact_pattern, self.exact, False)):
            if pattern is None:
                continue
            at = 0
            while (m := pattern.search(line, at)) is not None:
                text = m.group()
                term, plural = _form_of(forms, text, fold)
                if (term.check_case and text in term.write) or term.excepted(line, m.start(), m.end(), around):
                    at = m.start() + 1  # a phrase within it may be one ('the disabled toilets': 'disabled toilets')
                    continue
                at = m.end()
                fix = self._fix(term, plural, line, m, file_line, around[0])
                off_topic = fix is not None and not term.on_topic(line, around)
                found.append(Match(term, self.source_of(term), m.start(), m.end(), text, None if off_topic else fix,
                                   plural, off_topic))
        return sorted(found, key=lambda f: f.start)

    def _fix(self, term: Term, plural: bool, line: str, m: re.Match[str], file_line: int, before: str = ""
             ) -> Fix | None:
        if not term.fix:
            return None
        replacement = term.plural if plural else term.write[0]
        if replacement is None:
            return None
        if term.adjective:
            following = _NEXT_WORD.match(line, m.end())
            assert following is not None  # it matches the empty string
            word, then = following.group(1), line[following.end() : following.end() + 1]
            if (word is None and then in ("", "'", "\u2019")) or (word is not None and word.lower() not in FOLLOWERS):
                return None  # at a line's end the next word is unknown; before another word (or 's) it is an adjective
        if term.count_noun and not determined(line[: m.start()]):
            return None  # "more manpower" would read "more workforce"
        if not (term.match_case or term.check_case):
            replacement = match_case(m.group(), replacement)
        placed = with_article(line, m.start(), m.group(), replacement, before)
        if placed is None:
            return None
        start, replacement = placed
        end = m.end()
        if plural and replacement[-1:] in ("s", "S") and (owner := _PLURAL_POSSESSIVE.match(line, end)):
            replacement, end = replacement + owner.group(1), owner.end()  # the workmen's union: the workers' union
        return Fix(file_line, start + 1, end + 1, replacement, line[start:end])


def determined(before: str) -> bool:
    """Whether the text before a phrase ends in a determiner or a possessive, after which a count noun reads."""
    found = _WORD_BEFORE.search(before)
    return found is not None and (found.group(1) is None or found.group(1).lower() in DETERMINERS)


def _form_of(forms: dict[str, tuple[Term, bool]], text: str, fold: bool) -> tuple[Term, bool]:
    """The form that matched `text`: by its lower case, or (for a letter such as the long s, which matches s but
    is its own lower case) the form whose pattern takes the text."""
    key = " ".join(text.split()).replace("\u2019", "'")
    found = forms.get(_lower(key) if fold else key)
    if found is None:
        flags = re.IGNORECASE if fold else 0
        found = next(value for form, value in forms.items()
                     if re.fullmatch(_pattern(form), text, flags))
    return found


def _pattern(form: str) -> str:
    """The pattern of a form: its words apart by blanks, a straight apostrophe matching a typographic one too."""
    return _SEP.join(re.escape(word).replace("'", "['\u2019]") for word in form.split())


def _lower(text: str) -> str:
    """`text` in lower case, letter for letter: a capital I with a dot (whose lower case is i and a combining dot,
    which a pattern made of it would then need) stays as it is, a form the case-blind patterns find in any case."""
    return text.lower() if text.isascii() else "".join(c if len(c.lower()) > 1 else c.lower() for c in text)


#: A word character outside ASCII (é, ß, K, ...), or U+0345, the iota subscript: a combining mark, no word
#: character, but the patterns' case-blind iota takes it (tests/test_terms.py: no other character is so).
_FOREIGN_WORD = re.compile(r"[^\W\x00-\x7f]|\u0345")


def _plain(text: str) -> bool:
    """Whether every word character of `text` is ASCII (its dashes, quotes and no-break spaces may not be), and it
    holds no iota subscript."""
    return text.isascii() or _FOREIGN_WORD.search(text) is None


def _lower_runs(text: str) -> frozenset[str]:
    """The lower-case words of a plain text."""
    if text.isascii():
        return frozenset(WORD_RUN.findall(text.lower()))
    return frozenset(word.lower() for word in WORD_RUN.findall(text))


#: The words of a plain line: asked about once per term list.
_words = lru_cache(maxsize=4096)(_lower_runs)
#: The words of a section's lines, joined: asked once per term list, so only the last few are kept (a long running
#: process, such as serve's, would otherwise hold thousands of whole sections).
_section_words = lru_cache(maxsize=16)(_lower_runs)


@cache
def _folds_to_ascii(char: str) -> bool:
    """Whether the pattern's case-blind matching takes `char` for an ASCII character (K, the Kelvin sign, for k)."""
    return any(re.fullmatch(re.escape(char), chr(code), re.IGNORECASE) for code in range(128))


def _leads(forms: list[str]) -> dict[str, list[frozenset[str]]] | None:
    """The words of every form, in lower case, under its longest (its lead); None when a form has a word character
    that matches an ASCII one in another case.

    A match follows no word character and is followed by none, and inside a form the runs of word characters are
    parted by non-word characters, so on a plain line (every word character ASCII) each run of a match is a whole
    run of the line: a line whose runs do not hold all the runs of some form cannot match, and the patterns are not
    tried on it. A form with a word character outside ASCII that matches no ASCII one (Éire) matches no plain line
    (nor does one with an iota, which matches the iota subscript, a line with which is not plain), so it has no
    lead: only a line that is not plain can hold it, and such a line is always searched."""
    leads: dict[str, list[frozenset[str]]] = {}
    for form in forms:
        foreign = set(_FOREIGN_WORD.findall(form))
        if any(_folds_to_ascii(char) for char in foreign):
            return None
        if foreign:
            continue
        runs = WORD_RUN.findall(form.lower())
        if not runs:
            return None
        group = leads.setdefault(max(runs, key=len), [])
        if frozenset(runs) not in group:
            group.append(frozenset(runs))
    return leads


def match_case(found: str, replacement: str) -> str:
    """`replacement` in the case of `found`: capitalised or in capitals as it was (a wording with capitals stays)."""
    if any(c.isupper() for c in replacement):
        return replacement
    if len(found) > 1 and found.isupper():
        return replacement.upper()
    if found[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@cache
def shipped(name: str) -> TermList:
    """A term list shipped in `coe_paper/rules/data/` (validated; a broken shipped list is a bug)."""
    return TermList(shipped_data(name, TermFile.model_validate))
