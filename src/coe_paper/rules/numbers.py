"""EU style for numbers (COE719, COE743, COE744), amounts in euro and other currencies (COE740, with money.py) and
percentages (COE742) after the Interinstitutional Style Guide (ISG), the Commission's English Style Guide and its
web guide: thousands grouped as paper.yaml's `checks.thousands` says, a point before decimals, amounts with their
currency's ISO code, the percent sign closed up to its figure, million and billion in full in running text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..diagnostics import Fix
from . import money
from .columns import decimal_cells
from .eustyle import ESG, ISG
from .money import NUMBER, SCALE, SHORT_SCALE, UPTO
from .registry import Finding, rule
from .units import QUANTITY

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

_DIGIT = re.compile(r"\d")  # what a number needs

# -- COE719: thousands separator ----------------------------------------------------------------------------------

_COMMA_GROUPS = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?!\d|[.,]\d)")
_GROUP_OR_LONG = re.compile(r"\d{3}(?!\d)|\d{5,}$")
_UNGROUPED = re.compile(r"(?<![\w.,/-])[1-9]\d{4,}(?![\w/-]|[.,]\d)")  # a leading 0: a code (postcode 00184)
#: Words that count whole things: a figure before one is a count.
_COUNTED = (r"inhabitants|people|persons|residents|households|families|homes|dwellings|flats|jobs|workers|employees"
            r"|members|participants|respondents|visitors|children|pupils|students|women|men|cities|municipalities"
            r"|projects")
#: Thousands grouped with a (no-break) space: one group after a no-break space ('12\u00a0500'), two or more after
#: plain spaces ('1 200 000'; one, '12 500', may be two figures), from a figure that is not itself the end of a
#: group (no digit and blank before it: '12 345 678' is read from its '12', not again from its '345'). A first
#: group of three digits is read so only before a word that counts ('120 000 000 residents'): figures of three digits
#: side by side are as often a list ('rooms 101 102 103', 'scores of 120 300 450') or a number read in threes (a
#: telephone's, an article's).
_SPACE_GROUPS = re.compile(rf"(?<![\w.,])\d{{1,3}}(?:[\u00a0\u202f]\d{{3}})+(?!\d)"
                           rf"|(?<![\w.,\u00a0])(?<!\d )(?:\d{{1,2}}(?: \d{{3}}){{2,}}(?!\d)"
                           rf"|\d{{3}}(?: \d{{3}}){{2,}}(?=[ \u00a0]+(?:euros?|EUR|{_COUNTED})\b))")
#: Thousands grouped with full stops, as many of the Union's languages write them: a decimal point in English. Two
#: groups or more ('1.200.000') are no decimal; one ('10.000') is read as thousands before a word that counts whole
#: things (a count of people with three decimals is no count), else it may be a decimal ('1.250 km').
_DOT_GROUPS = re.compile(
    rf"(?<![\w.,])[1-9]\d{{0,2}}(?:(?:\.\d{{3}}){{2,}}|\.\d{{3}}(?=[ \u00a0]+(?:euros?|EUR|{_COUNTED})\b))"
    r"(?!\d|[.,]\d)")

#: What names a standard, a document or a project by a number, which is no quantity to group: ISO 37120, No
#: 101036723, grant agreement 101036723, project 101036723.
_NAMED_BY = re.compile(r"\b(?:ISO|EN|IEC|ETSI|CEN|CENELEC|DIN|BS|No\.?|Nos\.?|[Nn]umber|[Rr]ef\.?|[Aa]greement|GA"
                       r"|[Pp]roject|[Rr]ecord|[Pp]ostcode|[Cc]ode)[ \u00a0]$")

THOUSANDS_SOURCES = {"space": f"{ISG}, 6.5 (Punctuation in figures)",
                     "comma": f"{ESG}, numbers (a comma in English running text)"}


def _grouped(number: str, style: str) -> str:
    digits = re.sub(r"\D", "", number)
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
    return ("\u00a0" if style == "space" else ",").join(groups)


@rule("COE719", "thousands not separated as paper.yaml's `checks.thousands` says (default: space, as the ISG; or "
      "comma, as the Commission's English Style Guide)", f"{ISG}, 6.5; {ESG}, numbers")
def thousands(context: Context, prose: Prose) -> Iterator[Finding]:
    style = context.config.thousands
    wrong = _COMMA_GROUPS if style == "space" else _SPACE_GROUPS
    name = "a (no-break) space" if style == "space" else "a comma"
    if not any(_GROUP_OR_LONG.match(run) for run in prose.runs):
        return  # a group of three digits starts a run (a letter may follow it); five or more are a run
    selected = context.config.selects("COE740")
    money_lines = dict(prose.prose_lines("paragraph", "heading", "footnote")) if selected else {}
    decimals = decimal_cells(prose) if style == "space" else {}
    for index, text in prose.prose_lines():
        if not _DIGIT.search(text):
            continue
        line = prose.file_line(index)
        named = [m for m in _UNGROUPED.finditer(text) if not _NAMED_BY.search(text, max(0, m.start() - 12), m.start())]
        dotted = list(_DOT_GROUPS.finditer(text)) if "." in text else []
        amounts = _amounts(text) if index in money_lines else []
        amounts += decimals.get(index, [])  # COE743's: decimal commas, told by their table column
        for m in sorted([*wrong.finditer(text), *named, *dotted], key=lambda m: m.start()):
            if any(start <= m.start() < end for start, end in amounts):
                continue  # COE740 groups the amount's thousands as it writes its ISO code: one finding, one fix
            better = _grouped(m.group(), style).replace("\u00a0", " ")
            point = "a full stop is the decimal point in English; " if "." in m.group() else ""
            yield Finding(line, m.start() + 1, f"'{m.group()}': {point}separate thousands with {name} ({better})",
                          f"source: {THOUSANDS_SOURCES[style]}; checks.thousands in paper.yaml chooses")


# -- COE740: amounts in euro and other currencies ---------------------------------------------------------------------

_EURO_AMOUNT = re.compile(
    rf"€[ \u00a0]?(?P<amount>{NUMBER}){UPTO}(?P<scale>{SCALE})?"  # €5 million, €5-10m
    rf"|{SHORT_SCALE}"  # 12 M€, 3,2 Mrd. €
    rf"|(?<![\w.,])(?<!\d[ \u00a0\u202f])"  # not within a number: each group of a long run tried to its end
    rf"(?!(?:19|20)\d\d[ \u00a0]euro\b)"  # not a year before "euro coins"
    rf"(?P<before>{NUMBER})(?P<unit>{SCALE})?[ \u00a0]?(?:€|(?:[Ee]uros?|EUR)\b(?!-\w))"  # 5 million €, 12 500 euros
    rf"(?![ \u00a0]+(?:coins?|banknotes?|notes?)\b)"  # 2 euro coins are coins
    rf"(?![ \u00a0\u202f]?\d)"  # the sign or code of the amount after it: 'in 2021 EUR 5 million' is no '2021 EUR'
)
#: The scale a French, Italian or German abbreviation before the euro sign gives: M€, Mio. € (million), Md€, Mds €
#: (milliard) and Mrd € (Milliarde): a billion.
_ABBREVIATED = {"M": " million", "Mio": " million", "Md": " billion", "Mds": " billion", "Mrd": " billion"}
_EURO_WORDS = frozenset({"euro", "euros", "Euro", "Euros", "EUR"})
#: What every amount this rule reads holds: a currency's sign, or the start of a word or code naming one.
_CURRENCY_MARK = re.compile(r"[€$£¥]|uro|EUR|[A-Z]{3}(?:\b|\d)|dollar|sterling|franc|z[lł]oty|koruna|forint|\blei\b"
                            r"|\bleva\b|\byen\b|yuan|renminbi")
_MONEY_SOURCE = f"{ISG}, 7.3.3 (Rules for expressing monetary units)"


@rule("COE740", "amount written with a currency's sign or word ('€5 million', '12 500 euros', '£20', '$5 million'): "
      "write the ISO code before it ('EUR 5 million', 'EUR 12 500', 'GBP 20'); '$' and 'dollars', which "
      "several currencies write, are fixed only where the section says US dollars, '¥' never", _MONEY_SOURCE,
      fixable=True)
def currency_amounts(context: Context, prose: Prose) -> Iterator[Finding]:
    texts = prose.prose_lines("paragraph", "heading", "footnote")  # tables give the unit above them
    priced = [(index, text) for index, text in texts if _priced(text)]
    if not priced:
        return
    us_dollars = money.says_us_dollars("\n".join(text for _, text in texts))
    for index, text in priced:
        line = prose.file_line(index)
        findings = [_euro(context, line, text, m) for m in _EURO_AMOUNT.finditer(text)]
        findings += [_other_currency(context, line, text, found) for found in money.amounts(text, us_dollars)]
        yield from sorted(findings, key=lambda finding: finding.column)


def _euro(context: Context, line: int, text: str, m: re.Match[str]) -> Finding:
    scale = m.group("scale") or m.group("unit") or _ABBREVIATED.get(m.group("abbr") or "", "")
    figure = (m.group("amount") or m.group("short") or m.group("before")) + (m.group("upto") or "")
    figure, scale = money.in_full(figure, scale)
    amount = _regrouped(figure, context.config.thousands, bool(scale))
    better = f"EUR\u00a0{amount}{scale}"
    shown = better.replace("\u00a0", " ")
    possessive = text[m.end() : m.end() + 1] in ("'", "\u2019")  # 10 euros' worth: say it another way
    hint = f"source: {ISG}, 7.3.3: the ISO code and a no-break space before the amount; the euro sign is for graphics"
    if ranged := _RANGE_BEFORE.search(text, 0, m.start()):  # '5 to 10 million euros': 'EUR 5 to 10 million'
        note = _ranged(ranged, "EUR", amount + scale)
        return Finding(line, m.start() + 1, f"'{m.group()}': write '{shown}'{note}", hint)
    return Finding(line, m.start() + 1, f"'{m.group()}': write '{shown}'", hint,
                   None if possessive else Fix(line, m.start() + 1, m.end() + 1, better, m.group()))


#: The start of a range that an amount ends ('5 to ' of '5 to 10 million euros'): its code goes before the first
#: figure, where a fix of the amount alone would write '5 to EUR 10 million', five of no currency.
_RANGE_BEFORE = re.compile(r"(?<![\w.,])(?:\d[\d.,]*[ \u00a0]*(?:-|\u2013|to|or)|(?<=between )\d[\d.,]*[ \u00a0]+and)"
                           r"[ \u00a0]*$")


def _ranged(ranged: re.Match[str], code: str, amount: str) -> str:
    """What a finding of an amount that ends a range says: where the code goes, and that it is not fixed."""
    return f" (it ends a range: '{code} {ranged.group()}{amount}'; not fixed)".replace("\u00a0", " ")


def _other_currency(context: Context, line: int, text: str, found: money.Amount) -> Finding:
    """COE740 for an amount in another currency: fixed where its sign or word names one currency."""
    figure, scale = money.in_full(found.figure, found.scale)
    amount = _regrouped(figure, context.config.thousands, bool(scale)) + scale
    hint = f"source: {_MONEY_SOURCE}: the ISO code and a no-break space before the amount, as for the euro"
    if not found.code:
        code, which = money.example(found.named)
        message = (f"'{found.written}': write its currency's ISO code before the amount ('{code} {amount}' for "
                   f"{which}: '{found.named}' is written for several currencies) ({ISG}, 7.3.3)")
        return Finding(line, found.start + 1, message.replace("\u00a0", " "), hint + "; not fixed: say which")
    better = f"{found.code}\u00a0{amount}"
    possessive = text[found.end : found.end + 1] in ("'", "\u2019")
    ranged = _RANGE_BEFORE.search(text, 0, found.start)  # '5 to 10 million US dollars'
    fix = None if possessive or ranged else Fix(line, found.start + 1, found.end + 1, better, found.written)
    message = f"'{found.written}': write '{better}' ({ISG}, 7.3.3: the ISO code before the amount)"
    message += _ranged(ranged, found.code, amount) if ranged else ""
    return Finding(line, found.start + 1, message.replace("\u00a0", " "), hint, fix)


def _priced(text: str) -> bool:
    """Whether a prose line can hold an amount: a figure (every amount has one; most lines have none, and the
    search for one is quicker than for a currency) and a currency's mark."""
    return _DIGIT.search(text) is not None and _CURRENCY_MARK.search(text) is not None


def _amounts(text: str) -> list[tuple[int, int]]:
    """Where COE740 finds amounts on a prose line (it writes their figures as the paper groups thousands)."""
    if not _priced(text):
        return []
    return [m.span() for m in _EURO_AMOUNT.finditer(text)] + [(m.start, m.end) for m in money.amounts(text, False)]


def _regrouped(amount: str, style: str, scaled: bool = False) -> str:
    """An amount with its thousands grouped as COE719 wants them (`style`) where they are not: grouped with the other
    separator or with full stops ('10.000 euros': no amount in euro has three decimals; 'EUR 1.500 million' may be
    1.5 million, left as it is), or five digits or more in a row."""
    if not scaled and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", amount):
        return _grouped(amount, style)
    whole, point, fraction = amount.partition(".")
    other = "," if style == "space" else " \u00a0\u202f"
    if re.fullmatch(rf"\d{{5,}}|\d{{1,3}}(?:[{other}]\d{{3}})+", whole):
        return _grouped(whole, style) + point + fraction
    return decimal_point(amount)  # 1500, 2.5, a decimal comma (1,5: 1.5), or grouped as it should be


# -- COE742: percentages ---------------------------------------------------------------------------------------------

#: A figure, then a space before the percent sign: '67 %', '2.5\u00a0%' (what many of the Union's languages write).
_SPACED_PERCENT = re.compile(r"(?<![\w.,])(?P<figure>\d+(?:[.,]\d+)?)[ \u00a0\u202f]+%")


@rule("COE742", "space between a figure and the percent sign ('67 %'): write '67%'",
      f"{ESG}, numbers (percentages: the sign is closed up to the figure)", fixable=True)
def percentages(context: Context, prose: Prose) -> Iterator[Finding]:
    if not any("%" in text for text in prose.masked.values()):
        return
    decimals = decimal_cells(prose)  # '1,250 %' in a column of '3,5 %' is 1.25%
    for index, text in prose.prose_lines():
        if "%" not in text:
            continue
        line = prose.file_line(index)
        for m in _SPACED_PERCENT.finditer(text):
            figure = m.group("figure")
            column = (m.start(), m.start() + len(figure)) in decimals.get(index, [])
            better = f"{figure.replace(',', '.') if column else decimal_point(figure)}%"
            yield Finding(line, m.start() + 1, f"'{m.group()}': write '{better}'",
                          f"source: {ESG}: in English the percent sign follows the figure with no space",
                          Fix(line, m.start() + 1, m.end() + 1, better, m.group()))


# -- COE743: decimal comma -----------------------------------------------------------------------------------------

#: A figure with a comma before one or two digits, or four or more (a group of thousands has three), before what
#: only a quantity precedes: a percent sign, 'per cent', a scale word, a unit of measurement; or after 'EUR'. '1,5
#: million' is 1.5 million as many of the Union's languages write it; 'items 1,2 and 3' is no decimal and passes.
_DECIMAL_COMMA = re.compile(rf"(?<![\w.,])(?:(?<=EUR[ \u00a0])\d+,\d{{1,2}}(?![\d,])"
                            rf"|\d+,(?:\d{{1,2}}|\d{{4,}})(?![\d,])(?={QUANTITY}))")
_DECIMAL = re.compile(r"\d+,(?:\d{1,2}|\d{4,})")
_YEAR_FIRST = re.compile(r"(?:19|20)\d\d(?=,)")


def decimal_point(figure: str) -> str:
    """`figure` with a decimal comma ('1,5', '2,75', '0,1234') written with a point; any other figure as it is, and
    one whose whole part is a year ('2023,15': a space may be missing after the year)."""
    return figure.replace(",", ".") if _DECIMAL.fullmatch(figure) and not _YEAR_FIRST.match(figure) else figure


@rule("COE743", "decimal comma in a figure ('1,5 million', '2,5%'): English writes a point ('1.5 million')",
      f"{ISG}, 6.5 (Punctuation in figures: a point before decimals in English)", fixable=True)
def decimal_comma(context: Context, prose: Prose) -> Iterator[Finding]:
    """ISG, 6.5 (Punctuation in figures): in English publications a point separates whole numbers from decimals (a
    comma only in the Official Journal, for production reasons, and in the other languages)."""
    euro_kinds = dict(prose.prose_lines("paragraph", "heading", "footnote"))
    decimals = decimal_cells(prose)
    for index, text in prose.prose_lines():
        if "," not in text or not _DIGIT.search(text):
            continue
        commas = [(m.start(), m.group()) for m in _DECIMAL_COMMA.finditer(text)]
        commas += [(start, text[start:end]) for start, end in decimals.get(index, [])
                   if not any(found == start for found, _ in commas)]
        if not commas:
            continue
        line = prose.file_line(index)
        taken = [m.span() for m in _SPACED_PERCENT.finditer(text)]  # COE742 writes the point as it closes the sign
        if index in euro_kinds:  # and COE740 as it writes the amount, COE744 as it writes out a scale ('1,5 m people')
            taken += [m.span() for m in _EURO_AMOUNT.finditer(text)]
            taken += [m.span() for m in _abbreviated_scales(prose, index, text)]
            taken += [(found.start, found.end) for found in money.amounts(text, True) if found.code]
        for begin, figure in sorted(commas):
            if any(start <= begin < end for start, end in taken):
                continue
            better = figure.replace(",", ".")
            year = _YEAR_FIRST.match(figure)  # 'in 2023,15% of homes': a space may be missing after a year
            note = f" (or '{year.group()}, {figure[5:]}': a space missing after the year; not fixed)" if year else ""
            yield Finding(line, begin + 1, f"'{figure}': write '{better}'{note}",
                          f"source: {ISG}, 6.5: in English a point separates whole numbers from decimals",
                          None if year else Fix(line, begin + 1, begin + 1 + len(figure), better, figure))


# -- COE744: million and billion abbreviated -------------------------------------------------------------------------

WEB_GUIDE = "European Commission, Europa Web Guide, 7 (Dates, numbers and symbols)"
#: A scale abbreviated after a figure, as the press writes it: 'bn' is always a billion ('2bn', '2 bn'); 'm', 'mn'
#: and 'k', closed up or after a space, only before a word that counts ('1.5m people', '1.5 m people', '300k
#: residents'): that is a count of them, where no length in metres is; elsewhere 'm' may be metres ('a 2m wall', '2
#: m high'), 'mn' minutes, 'k' a kilometre's race ('a 5k run').
_SCALE_ABBREVIATED = re.compile(
    rf"(?<![\w.,])(?P<figure>\d+(?:[.,]\d+)?)(?:[ \u00a0]?(?P<scale>bn)\b"
    rf"|[ \u00a0]?(?P<counted>m|mn|k|K)(?=[ \u00a0]+(?P<noun>{_COUNTED})\b))(?!\.\w)")
#: Words that count things a distance may place ('500 m homes': homes 500 metres away, or half a billion): after a
#: figure and a space, 'm' before one is as likely the metre's symbol, which the ISG writes after a space, and is
#: left alone; closed up to the figure ('1.5m homes') it is the press's million. No distance places people or jobs.
_PLACED = frozenset({"homes", "dwellings", "flats", "cities", "municipalities", "projects"})
#: A word before a figure after which 'm' may be metres even before a word that counts ('within 300 m residents
#: find a bus stop', 'a stop every 500 m'): reported, not fixed.
_DISTANCE = re.compile(r"(?<![\w-])(within|every|walk|walking|radius of|distance of)[ \u00a0]+(?:about[ \u00a0]+)?$",
                       re.IGNORECASE)
#: What an abbreviation before a word that counts is read as, and what else it may be elsewhere.
_READ_AS = {"m": "million, not metres", "mn": "million, not minutes", "k": "thousand", "K": "thousand"}


def _abbreviated_scales(prose: Prose, index: int, text: str) -> list[re.Match[str]]:
    """The scales abbreviated on prose line `index` (its `text`): a word that counts may open the next line of its
    paragraph ('1.5 m' at a line's end, 'people' after the break); the match ends on the line. A spaced 'm' before
    a word of things a distance places ('up to 500 m homes') may be metres, and is not one of them."""
    whole, offset = prose.text_at(index)
    end = offset + len(text)
    searched = text + whole[end : end + 40].replace("\n", " ")
    return [m for m in _SCALE_ABBREVIATED.finditer(searched)
            if m.end() <= len(text) and not (m.group("counted") == "m" and m.group("noun") in _PLACED
                                             and m.start("counted") > m.end("figure"))]


@rule("COE744", "million or billion abbreviated after a figure in running text ('1.5m people', '2bn'): write "
      "'1.5 million people', '2 billion' (tables may abbreviate them)",
      f"{WEB_GUIDE}: in general do not abbreviate million and billion", fixable=True)
def abbreviated_scale(context: Context, prose: Prose) -> Iterator[Finding]:
    for index, text in prose.prose_lines("paragraph", "heading", "footnote"):  # a table may abbreviate them
        if not _DIGIT.search(text):
            continue
        found = _abbreviated_scales(prose, index, text)
        amounts = _amounts(text) if found else []  # '€2.5bn' is COE740's, which writes its ISO code too
        line = prose.file_line(index)
        for m in found:
            if any(start <= m.start() < end for start, end in amounts):
                continue
            figure, scale = money.in_full(decimal_point(m.group("figure")), m.group("scale") or m.group("counted"))
            better = _regrouped(figure, context.config.thousands, bool(scale)) + scale  # '300k': 300 000
            counted = m.group("counted")
            read = f" ('{counted}' before '{m.group('noun')}' read as {_READ_AS[counted]})" if counted else ""
            distance = _DISTANCE.search(text, max(0, m.start() - 24), m.start()) if counted == "m" else None
            if distance is not None:  # 'within 300 m residents find a stop': metres, or a count
                read = f" if it counts {m.group('noun')} (after '{distance.group(1)}' it may be metres: not fixed)"
            yield Finding(line, m.start() + 1, f"'{m.group()}': write '{better.replace(chr(0xa0), ' ')}'{read}",
                          f"source: {WEB_GUIDE}: in general do not abbreviate million and billion (but in tables)",
                          None if distance else Fix(line, m.start() + 1, m.end() + 1, better, m.group()))
