"""Inclusive wording: COE701 the shipped list (data/inclusive.yaml), COE702 the paper's own term lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .names import in_name
from .registry import Finding, rule
from .terms import Match, TermList, shipped

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose


#: What a finding in a name says, which is not fixed: a name (of a survey, a strategy, a law) keeps its words.
IN_NAME = " (unless it is part of a name, which keeps its words)"

#: What a finding says of a count noun's wording where no determiner comes before the phrase, which is not fixed.
COUNT_NOUN = (" (with 'the', 'its' or a possessive before it; elsewhere, as after 'more', reword: the wording "
              "counts what the phrase does not)")


def term_findings(terms: TermList, prose: Prose, kinds: tuple[str, ...] = (), names: bool = False
                  ) -> Iterator[Finding]:
    """A finding for each avoided phrase on the prose lines: what to write instead, the source, a safe fix. With
    `names`, a capitalised phrase followed by a capitalised word is taken for part of a name: not fixed (but a
    phrase the list writes with its capital, which says nothing of a name)."""
    lines = terms.lines_to_search(prose.prose_lines(*kinds), None if kinds else prose.lower_runs)  # usually none
    for index, text in lines:
        whole, offset = prose.text_at(index)  # the paragraph the line is of: an exception may run on over its break
        for match in terms.find(text, prose.file_line(index), (whole[:offset], whole[offset + len(text):])):
            fix, note = match.fix, ""
            if fix is None and match.term.fix and match.term.count_noun and not match.plural:
                note = COUNT_NOUN
            if match.off_topic:
                note = (f" (where the text speaks of {match.term.fix_where[0]}; not fixed here, where it may mean "
                        "something else: reword)")
            if names and fix is not None and (_title_cased(match) or (
                    match.text[:1].isupper() and not _listed_with_capital(match)
                    and in_name(text, match.start, match.text, before=False))):
                fix, note = None, IN_NAME
            yield Finding(prose.file_line(index), match.start + 1, _message(match) + note, f"source: {match.source}",
                          fix)
    if lines:
        yield from _across_lines(terms, prose, {index for index, _ in lines})


def _title_cased(match: Match) -> bool:
    """Whether a word of the matched phrase after its first has a capital the list does not write ('the Homeless' of
    the European Federation of National Organisations Working with the Homeless, the Office for the Elderly): no
    sentence's start explains it, so the phrase is part of a name."""
    listed = " ".join(phrase.split(" ", 1)[-1] for phrase in match.term.avoid if " " in phrase)
    return any(word[:1].isupper() and word not in listed for word in match.text.split()[1:])


def _listed_with_capital(match: Match) -> bool:
    """Whether the list writes the matched phrase's first word with its capital (an abbreviation, LGBT): its
    capital is then its spelling, no sign of a name, and a capitalised word after it (the EU LGBT Action Plan) is
    no reason to leave it unfixed. The names that keep such a word are listed with the term (`unless_before`)."""
    first = match.text.split()[0].lower()
    return any(phrase[:1].isupper() and first.startswith(phrase.split()[0].lower()) for phrase in match.term.avoid)


def _across_lines(terms: TermList, prose: Prose, leading: set[int]) -> Iterator[Finding]:
    """The phrases that run over a line break of a paragraph, footnote or heading (text wrapped by hand; a title
    folded over lines of the front matter), from the lines that hold a phrase's lead word: reported, but not fixed (a
    fix changes one line)."""
    for text, starts in prose.texts:
        if len(starts) < 2 or leading.isdisjoint(index for index, _ in starts):
            continue
        for match in terms.find(text.replace("\n", " "), 0):  # as long as the text: offsets stay
            if "\n" in text[match.start : match.end]:
                line, column = prose.place(starts, match.start)
                phrase = " ".join(text[match.start : match.end].split())
                yield Finding(line, column, _message(match, phrase), f"source: {match.source}; it runs over a line "
                              "break: not fixed")


def _message(match: Match, text: str | None = None) -> str:
    wording = " or ".join(f"'{w}'" for w in match.wording)
    return f"'{match.text if text is None else text}': write {wording}"


@rule("COE701", "term on the inclusive-wording list, with the preferred wording", "data/inclusive.yaml (each "
      "term names its source: UN CRPD, the Commission's equality strategies, the European Parliament's "
      "gender-neutral language guide, EIGE, the EMN glossary, ...)", fixable=True)
def inclusive_wording(context: Context, prose: Prose) -> Iterator[Finding]:
    yield from term_findings(shipped("inclusive.yaml"), prose, names=True)


@rule("COE702", "term on one of the paper's own lists (`checks.terms` in paper.yaml)",
      "the paper's term list files, each term with its source", fixable=True)
def paper_terms(context: Context, prose: Prose) -> Iterator[Finding]:
    for terms in context.paper_terms:
        yield from term_findings(terms, prose, names=True)
