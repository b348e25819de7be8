"""Inclusive wording: COE701 the shipped list (data/inclusive.yaml), COE702 the paper's own term lists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .registry import Finding, rule
from .terms import TermList, shipped

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose


def term_findings(terms: TermList, prose: Prose, kinds: tuple[str, ...] = ()) -> Iterator[Finding]:
    """A finding for each avoided phrase on the prose lines: what to write instead, the source, a safe fix."""
    for index, text in terms.lines_to_search(prose.prose_lines(*kinds)):  # usually none: no listed words
        for match in terms.find(text, prose.file_line(index)):
            wording = " or ".join(f"'{w}'" for w in match.wording)
            yield Finding(prose.file_line(index), match.start + 1, f"'{match.text}': write {wording}",
                          f"source: {match.source}", match.fix)  # fmt: skip


@rule("COE701", "term on the inclusive-wording list, with the preferred wording", "data/inclusive.yaml (each "
      "term names its source: UN CRPD, the Commission's equality strategies, the European Parliament's "
      "gender-neutral language guide, EIGE, the EMN glossary, ...)", fixable=True)  # fmt: skip
def inclusive_wording(context: Context, prose: Prose) -> Iterator[Finding]:
    yield from term_findings(shipped("inclusive.yaml"), prose)


@rule("COE702", "term on one of the paper's own lists (`checks.terms` in paper.yaml)",
      "the paper's term list files, each term with its source", fixable=True)  # fmt: skip
def paper_terms(context: Context, prose: Prose) -> Iterator[Finding]:
    for terms in context.paper_terms:
        yield from term_findings(terms, prose)
