"""Amounts in currencies other than the euro, for COE740 (numbers.py): the Interinstitutional Style Guide (7.3.3)
writes every currency's ISO code before the amount ('USD 5 million', 'GBP 20'), as it does the euro's. A sign or
word that names one currency is fixed; one that several use ('$': the US, Canadian, Australian dollar; '¥': the
yen and the yuan; 'dollars') is reported, and fixed as US dollars only where the section says US dollars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A figure as an amount may be written, and a scale word after it (the same as COE740's euro amounts).
NUMBER = r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3}){2,}(?![.,]?\d)|\d+(?:[.,]\d+)?"
ABBREVIATED_SCALE = r"[ \u00a0]?(?:bn|mn|m|M|k|K)\b(?!\.\w)"
SCALE = rf"[ \u00a0](?:thousand|million|billion)\b|{ABBREVIATED_SCALE}"
#: The end of a range a sign's amount opens, before an abbreviated scale that is the whole range's ('€5-10m': EUR
#: 5-10 million, where a fix of '€5' alone would leave 'EUR 5-10m').
UPTO = rf"(?P<upto>[-\u2013]\d+(?:[.,]\d+)?(?={ABBREVIATED_SCALE}))?"
#: A scale abbreviated after the figure, as the press writes it ('€2.5bn', '£300m', '$50k'): the ISG (7.3.3) writes
#: it in full ('EUR 2.5 billion', 'EUR 300 million'), and a thousand as the figure's thousands ('EUR 50 000').
_SCALE_AFTER = re.compile(r"(?<=\d[ \u00a0])(?:bn|mn)\b")  # what the spelling check passes over as a scale
_SCALE_WORDS = {"bn": " billion", "mn": " million", "m": " million", "M": " million", "k": "000", "K": "000"}
#: A scale abbreviated before the euro sign as French, Italian and German write it (12 M€, 2 Mio. €, 3,2 Mrd. €):
#: COE740 reads it as the amount's scale, and the spelling check passes it over as the abbreviation it is.
SHORT_SCALE = (rf"(?<![\w.,])(?<!\d[ \u00a0\u202f])(?P<short>{NUMBER})[ \u00a0]?(?P<abbr>M|Mio|Md|Mds|Mrd)\.?"
               r"[ \u00a0]?€")
_SHORT_SCALE = re.compile(SHORT_SCALE)

#: A sign before the amount -> its ISO code ("" where several currencies write it).
_SIGNS = {"US$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD", "HK$": "HKD",
          "S$": "SGD", "$": "", "£": "GBP", "¥": ""}
#: A word or code after the amount -> its ISO code ("" where several currencies use it).
_WORDS = {"US dollar": "USD", "dollar": "", "pound sterling": "GBP", "pounds sterling": "GBP", "Swiss franc": "CHF",
          "złoty": "PLN", "zloty": "PLN", "złotys": "PLN", "zlotys": "PLN", "koruna": "CZK", "korunas": "CZK",
          "forint": "HUF", "lei": "RON", "leva": "BGN", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY"}
_CODES = ("USD", "GBP", "CHF", "JPY", "CNY", "BGN", "CZK", "DKK", "HUF", "PLN", "RON", "SEK", "NOK", "ISK", "AUD",
          "CAD")
_SIGN = "|".join(re.escape(sign) for sign in sorted(_SIGNS, key=len, reverse=True))
_WORD = "|".join(rf"{re.escape(word)}s?" for word in sorted(_WORDS, key=len, reverse=True))
AMOUNT = re.compile(
    rf"(?<![\w$£¥])(?P<sign>{_SIGN})[ \u00a0]?(?P<amount>{NUMBER}){UPTO}(?P<scale>{SCALE})?"  # $5 million, £20
    rf"|(?<![\w.,$£¥])(?<!\d[ \u00a0\u202f])(?P<before>{NUMBER})(?P<unit>{SCALE})?[ \u00a0]"
    rf"(?P<word>{_WORD}|{'|'.join(_CODES)})\b(?!-\w|[ \u00a0]+(?:coins?|banknotes?|notes?)\b)"  # 5 million US dollars
    rf"(?![ \u00a0\u202f]?\d)"  # the code of the amount after it: 'since 2020 CHF 300 000' is no '2020 CHF'
    # the code written before the amount, but closed up to it ('EUR5 million') or with a scale abbreviated ('EUR 2.5bn')
    rf"|(?<![\w.])(?P<coded>EUR|{'|'.join(_CODES)})(?:(?P<tight>{NUMBER})(?P<tight_scale>{SCALE})?"
    rf"|[ \u00a0](?P<spaced>{NUMBER})(?P<abbreviated>{ABBREVIATED_SCALE}))(?!\w)")
#: For a sign or word several currencies write: the code of the currency it most often stands for, and its name.
_EXAMPLES = {"¥": ("JPY", "yen; CNY for yuan")}
#: What says the section's dollars are US dollars.
_US = re.compile(r"\bUS(?:\$|D\b| dollars?\b)|\bUnited States dollars?\b")


@dataclass(frozen=True)
class Amount:
    """An amount found: where, its figure and scale as written, and its ISO code ("" when the sign or word is
    written for several currencies and the section does not say which)."""

    start: int
    end: int
    written: str
    figure: str
    scale: str
    code: str
    named: str  # the sign or word as written


def example(named: str) -> tuple[str, str]:
    """(ISO code, currency) to give as an example for a sign or word that several currencies write."""
    return _EXAMPLES.get(named, ("USD", "US dollars; CAD for Canadian, AUD for Australian dollars"))


def says_us_dollars(text: str) -> bool:
    return _US.search(text) is not None


def amounts(text: str, us_dollars: bool) -> list[Amount]:
    """The amounts in other currencies on a prose line, and those written with their ISO code (the euro's too) but
    not as the ISG writes them ('EUR5 million', 'EUR 2.5bn'); `us_dollars` when the section says its dollars are
    US dollars."""
    found = []
    for m in AMOUNT.finditer(text):
        named = m.group("sign") or m.group("word") or m.group("coded")
        key = named if named in _SIGNS or named in _CODES else _singular(named)
        code = named if named in _CODES or named == "EUR" else _SIGNS.get(key, _WORDS.get(key, ""))
        if not code and us_dollars and ("$" in named or key == "dollar"):
            code = "USD"
        figure = m.group("amount") or m.group("before") or m.group("tight") or m.group("spaced")
        figure += m.group("upto") or ""  # '£2-3bn': the range's end before its scale
        scale = m.group("scale") or m.group("unit") or m.group("tight_scale") or m.group("abbreviated") or ""
        found.append(Amount(m.start(), m.end(), m.group(), figure, scale, code, named))
    return found


def short_scales(text: str) -> list[tuple[int, int]]:
    """Where a scale abbreviated before the euro sign (Mrd of '3,2 Mrd. €') or after a figure and a blank (bn of
    '2.5 bn') is on a line: (start, end) of each."""
    after = [m.span() for m in _SCALE_AFTER.finditer(text)] if "bn" in text or "mn" in text else []
    return sorted(after + [m.span("abbr") for m in _SHORT_SCALE.finditer(text)]) if "€" in text else after


def in_full(figure: str, scale: str) -> tuple[str, str]:
    """An amount's figure and scale with an abbreviated scale written out: ('2.5', 'bn') is ('2.5', ' billion'),
    ('50', 'k') ('50000', ''), ('1.5', 'k') ('1500', ''); a figure with a thousand's scale that is not a whole
    number of units ('1.2345k') keeps 'thousand'."""
    word = _SCALE_WORDS.get(scale.strip(" \u00a0"))
    if word is None:
        return figure, scale
    if word != "000":
        return figure, word
    if re.fullmatch(r"\d{1,3}(?:[ \u00a0\u202f,]\d{3})+", figure):  # '12,500k': 12 500 thousand
        return re.sub(r"\D", "", figure) + "000", ""
    whole, _, fraction = figure.partition("." if "." in figure else ",")
    if not re.fullmatch(r"\d+(?:\.\d{1,3}|,\d{1,2})?", figure):  # '1.2345k': no whole number of euros
        return figure, " thousand"
    return str(int(whole + fraction.ljust(3, "0"))), ""


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in _WORDS else word
