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
SCALE = r"[ \u00a0](?:thousand|million|billion)\b"
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
    rf"(?<![\w$£¥])(?P<sign>{_SIGN})[ \u00a0]?(?P<amount>{NUMBER})(?P<scale>{SCALE})?"  # $5 million, £20
    rf"|(?<![\w.,$£¥])(?<!\d[ \u00a0\u202f])(?P<before>{NUMBER})(?P<unit>{SCALE})?[ \u00a0]"
    rf"(?P<word>{_WORD}|{'|'.join(_CODES)})\b(?!-\w|[ \u00a0]+(?:coins?|banknotes?|notes?)\b)")  # 5 million US dollars
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
    """The amounts in other currencies on a prose line; `us_dollars` when the section says its dollars are US
    dollars."""
    found = []
    for m in AMOUNT.finditer(text):
        named = m.group("sign") or m.group("word")
        key = named if named in _SIGNS or named in _CODES else _singular(named)
        code = named if named in _CODES else _SIGNS.get(key, _WORDS.get(key, ""))
        if not code and us_dollars and ("$" in named or key == "dollar"):
            code = "USD"
        figure, scale = m.group("amount") or m.group("before"), m.group("scale") or m.group("unit") or ""
        found.append(Amount(m.start(), m.end(), m.group(), figure, scale, code, named))
    return found


def short_scales(text: str) -> list[tuple[int, int]]:
    """Where a scale abbreviated before the euro sign (Mrd of '3,2 Mrd. €') is on a line: (start, end) of each."""
    return [m.span("abbr") for m in _SHORT_SCALE.finditer(text)] if "€" in text else []


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in _WORDS else word
