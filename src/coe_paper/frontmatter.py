"""The front matter of the paper: the cover and its back (from `cover:` in paper.yaml), and the abbreviations list
(from `paper/abbreviations.yaml`, printing only those the paper uses).

`validate` warns about an upper-case abbreviation that is neither in the list nor spelled out at its first use, "the
Urban Agenda for the EU (UAEU)" (COE520); the cover's logos are checked with the sections' pictures (checks.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, warning
from .facts import Place
from .gitlog import Version
from .model import PaperConfig, Project

if TYPE_CHECKING:
    from markdown_it.token import Token

#: A word of two or more capitals (digits allowed after the first letter), an abbreviation such as EU or URBACT, its
#: plural 's' apart. That no word character or hyphen stands before it is asked after its first capital (the
#: look-behind takes that capital too): the search then leaps from capital to capital rather than trying the
#: look-behind at every character (three times faster).
ABBREVIATION = re.compile(r"([A-Z](?<![\w-][A-Z])[A-Z0-9]*[A-Z][A-Z0-9]*)s?(?![\w-])")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_DOCUMENT_YEAR = re.compile(r"\(\d{4}\)")  # COM(2020) 152, SWD(2021) 65: the EU's documents by series and year
#: The elements of a Creative Commons licence's name after 'CC' ('CC BY 4.0', 'CC BY NC'), which the licence spells
#: out itself: no abbreviation of the paper's to list ('CC' is read as a Roman numeral, and passes too).
_LICENCE = re.compile(r"\bCC(?:[ \u00a0](?:BY|SA|NC|ND))*[ \u00a0]$")
_LICENCE_ELEMENTS = frozenset({"BY", "SA", "NC", "ND"})
#: ISO 4217 codes of the Member States' currencies and a few others EU papers quote: the code is how the
#: Interinstitutional Style Guide (7.3.3) writes an amount ('EUR 5 million', as COE740 asks), never spelled out.
CURRENCIES = frozenset({"EUR", "BGN", "CZK", "DKK", "HUF", "PLN", "RON", "SEK", "USD", "GBP", "CHF", "NOK", "JPY"})


def prose_of(tokens: Iterable[Token]) -> Iterator[tuple[Token, str]]:
    """(block token, text) for the running text of a section: inline text, never code, HTML, links' targets, nor a
    web or e-mail address written out (masked as the editorial rules mask them: '/DE/' in a URL is no abbreviation)."""
    from .rules.text import mask

    block: Token | None = None
    for token in tokens:
        if token.type == "inline":
            for child in token.children or []:
                if child.type == "text":
                    yield block or token, mask(child.content)
        elif token.map:
            block = token


def used(abbreviations: dict[str, str], prose: Iterable[tuple[Token, str]]) -> list[tuple[str, str]]:
    """The listed abbreviations that running text (`prose_of`) uses ("DG REGIO" as a whole), alphabetically."""
    text = "\n".join(content for _, content in prose)
    return sorted(((abbr, meaning) for abbr, meaning in abbreviations.items()  # searched for only where it stands
                   if abbr in text and re.search(rf"(?<![\w-]){re.escape(abbr)}(?![\w-])", text)),
                  key=lambda item: item[0].casefold())


def used_in(abbreviations: dict[str, str], parsed: Iterable[Any]) -> list[tuple[str, str]]:
    """`used`, from the sections' facts (each holds the listed abbreviations its text uses)."""
    found = {abbr for item in parsed for abbr in item.facts.used}
    return sorted(((abbr, meaning) for abbr, meaning in abbreviations.items() if abbr in found),
                  key=lambda item: item[0].casefold())


def first_uses(item: Any, prose: Iterable[tuple[Token, str]]) -> Iterator[Place]:
    """Each upper-case word's first use in a parsed section (its running text, `prose_of` its tokens), and whether
    it is spelled out there; a Member State's code in a table is no use (the EU's style guide writes the codes in
    tables, 7.1). A code that COE710 writes otherwise ('GB' for 'UK') has each use yielded up to one after a figure
    ('5 GB': no country): `check` passes over those COE710 reports, and the first of the others is the
    abbreviation's first use."""
    from .rules.eustyle import CODE_FIX, EU_CODES
    from .rules.units import after_figure

    seen: set[str] = set()
    places: dict[str, tuple[int, int]] = {}  # where a code of CODE_FIX was last yielded: the next is past it
    for block, text in prose:
        in_table = block.type == "tr_open"  # a table's cell: where the style guide writes Member States' codes
        for match in ABBREVIATION.finditer(text):
            abbr = match.group(1)
            if abbr in seen or _ROMAN.match(abbr) or (in_table and abbr in EU_CODES) or (
                    abbr in _LICENCE_ELEMENTS and _LICENCE.search(text, max(0, match.start() - 16), match.start())):
                continue
            before, after = text[: match.start()].rstrip(), text[match.end():]
            if _DOCUMENT_YEAR.match(after):
                continue  # 'COM(2020) 152 final': a document's reference, not the abbreviation used as a word
            if abbr not in CODE_FIX or after_figure(text, match.start()):
                seen.add(abbr)
            line, col = places[abbr] = item.position(block, abbr, after=places.get(abbr))
            yield Place(abbr, line, col, before.endswith("(") and after.startswith(")") and len(before) > 1)


def check(project: Project, parsed: Iterable[Any], claimed: set[tuple[str, int, int]] | None = None
          ) -> list[Diagnostic]:
    """COE520 an abbreviation neither listed nor spelled out at first use (from each section's facts: the first use
    in the paper is the first section's first use); a currency's ISO code is neither (closed up to its amount too,
    'EUR5', which COE740 asks to write 'EUR 5'), nor a use `claimed` (path,
    line, column) by COE710 ('GR': write 'EL'), after which the abbreviation's next use is its first."""
    found: list[Diagnostic] = []
    listed = {word for abbr in project.abbreviations for word in ABBREVIATION.findall(abbr)}
    seen: set[str] = set()
    if not listed:  # a paper without an abbreviations list does not ask for this check
        return found
    for item in parsed:
        for use in item.facts.abbreviations:
            abbr = use.name
            if abbr in seen or abbr in listed or abbr.rstrip("0123456789") in CURRENCIES or (
                    claimed and (item.section.path, use.line, use.column) in claimed):
                continue
            seen.add(abbr)
            if use.flag:
                continue  # spelled out at its first use: "the Urban Agenda for the EU (UAEU)"
            found.append(warning(item.section.path, use.line, use.column, "COE520",
                                 f"abbreviation '{abbr}' is not in {project.config.abbreviations} and not "
                                 "spelled out at its first use",
                                 f"add '{abbr}: what it stands for' to {project.config.abbreviations}, or "
                                 f"write it out the first time: 'words in full ({abbr})'"))
    return found


def partnership(config: PaperConfig) -> str:
    """Who the paper is by, as the cover names it: `cover.partnership`, else the subtitle, else the title."""
    return config.cover.partnership or config.subtitle or config.title


def cover_context(config: PaperConfig, version: Version) -> dict[str, Any]:
    """What the cover templates see: every text of `cover:` with its defaults filled in."""
    cover = config.cover
    year = version.date.year if version.date else ""
    named = cover.partnership or config.subtitle
    return {
        "partnership": named, "programme": cover.programme,
        "document_type": cover.document_type or config.title, "date": cover.date or version.month,
        "logos": [{"path": logo.path, "alt": logo.alt} for logo in cover.logos],
        "disclaimer": cover.disclaimer,
        "copyright": cover.copyright or f"© {partnership(config)}, {year}".rstrip(", "),
        "licence": cover.licence, "version": version.release,
    }
