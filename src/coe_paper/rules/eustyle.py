"""EU style (COE710-COE717, COE741) after the Interinstitutional Style Guide (ISG) and the Commission's English Style
Guide: country codes and names, the United Kingdom, EU names, dates, headings, footnotes, abbreviations in capitals.
Protocol order (COE718) is protocol.py's, numbers and amounts in euro (COE719, COE740) numbers.py's."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from ..diagnostics import Fix
from ..model import COUNTRY_NAMES
from .inclusive import term_findings
from .registry import Finding, rule
from .terms import FOLLOWERS, shipped
from .text import MASK
from .units import after_figure

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

ISG = "Interinstitutional Style Guide"
ESG = "European Commission, English Style Guide (DGT)"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
#: A month's abbreviation, which running text writes in full (ISG, 10.5): 'Sept. 5th' is '5 September'.
_SHORT_MONTHS = {month[:3]: month for month in MONTHS if month != "May"} | {"Sept": "September"}
#: A month, or its abbreviation with its full stop where the sentence goes on after it (a lower-case word, a
#: punctuation mark, a year): a full stop before a capital or at the line's end may end the sentence and is kept.
_MONTH = (f"(?:{'|'.join(MONTHS)}|(?:{'|'.join(sorted(_SHORT_MONTHS, key=len, reverse=True))})"
          r"(?:\.(?=[ \t]*(?:[a-z,;:)]|\d)))?)")

# -- COE710, COE711: country codes and the United Kingdom ------------------------------------------------------

#: The codes COE710 writes otherwise (COE520 leaves them to it).
CODE_FIX = {"GR": "EL", "GB": "UK"}
EU_CODES = {code for code in COUNTRY_NAMES if code != "EU"}
_CODE_LIST = re.compile(r"\b[A-Z]{2}\b(?:(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)[A-Z]{2}\b)+")
_GREECE = re.compile(r"(?<![\w/-])GR(?![\w/-])")
_CAPITALS = re.compile(r"[A-Z]{2}")  # what a country code, a list of them or GR needs
_DIGIT = re.compile(r"\d")  # what a date, a number or EU-28 needs


@rule("COE710", "country code not as the EU writes it: EL for Greece (not GR), UK for the United Kingdom (not GB)",
      f"{ISG}, 7.1 (Countries)", fixable=True)
def country_codes(context: Context, prose: Prose) -> Iterator[Finding]:
    if prose.runs.isdisjoint(CODE_FIX):  # GR and GB are whole runs where they count
        return
    both = _both_codes(prose) if not prose.runs.isdisjoint(CODE_FIX.values()) else {}
    for index, text in prose.prose_lines():
        if not _CAPITALS.search(text):  # no two capitals in a row: no country code
            continue
        line = prose.file_line(index)
        hits = {found.start(): "GR" for found in _GREECE.finditer(text)}
        for listed in _CODE_LIST.finditer(text):  # GB is a unit too (5 GB): only in a list of country codes
            for found in re.finditer(r"\bGB\b", listed.group()):
                if not after_figure(text, listed.start() + found.start()):  # 'BE and 5 GB and FR': gigabytes
                    hits[listed.start() + found.start()] = "GB"
        for start, code in sorted(hits.items()):
            better = CODE_FIX[code]
            if code in both.get(index, ()):  # 'GR in the old coding; EL since 2004': it speaks of the codes
                yield Finding(line, start + 1, f"country code '{code}': write '{better}' (not fixed: the text writes "
                              f"'{better}' too, and may speak of the code itself)", f"source: {ISG}, 7.1")
                continue
            yield Finding(line, start + 1, f"country code '{code}': write '{better}'", f"source: {ISG}, 7.1",
                          Fix(line, start + 1, start + 3, better, code))


def _both_codes(prose: Prose) -> dict[int, set[str]]:
    """By body index, the codes of CODE_FIX whose EU code is written in the same paragraph, heading or table too: a
    text that writes GR and EL, or a table with a row for each, speaks of the codes, and GR made EL would say
    'EL in the old coding; EL since 2004'."""
    found: dict[int, set[str]] = {}
    for block in prose.blocks:
        text = "\n".join(prose.masked.get(index, "") for index in range(block.start, block.end))
        codes = {code for code, better in CODE_FIX.items() if re.search(rf"\b{better}\b", text)}
        for index in range(block.start, block.end) if codes else ():
            found[index] = codes
    return found


_EU28 = re.compile(r"\b(?:EU[- ]?28|(?:28|twenty-eight)[ \t]+Member[ \t]+States)\b", re.IGNORECASE)
#: A year of the EU of 28 (1 July 2013 to 31 January 2020): data of that time are the EU-28's (as Eurostat gives them).
_PAST = re.compile(r"(?<![\w/.-])(?:2013|2014|2015|2016|2017|2018|2019)(?![\w/-]|\.\d)")
_EIGHT = re.compile(r"28|eight", re.IGNORECASE)  # case-blind as _EU28: its i takes U+0130 and U+0131 too


@rule("COE711", "the United Kingdom counted as a Member State (EU-28 or 28 Member States in a sentence naming no "
      "year of 2013-2019; UK in a list of EU codes)",
      f"{ISG}, 7.1 (Countries); the United Kingdom left the EU on 31 January 2020")
def united_kingdom(context: Context, prose: Prose) -> Iterator[Finding]:
    hint = (f"the United Kingdom has not been a Member State since 1 February 2020: write 'EU-27', '27 Member States' "
            f"(EU-28 is for data of 2013-2019, with their year); source: {ISG}, 7.1")
    if "UK" not in prose.runs and not _EIGHT.search("\n".join(prose.runs)):
        return  # neither a code list with UK nor EU-28, EU28 or twenty-eight Member States
    for text, starts in prose.texts:  # a sentence whole, for its years
        for m in _EU28.finditer(text) if _DIGIT.search(text) or "twenty" in text.lower() else ():
            begin = max(text.rfind(stop, 0, m.start()) for stop in (". ", "? ", "! ", ".\n"))
            ends = [end for end in (text.find(stop, m.end()) for stop in (". ", "? ", "! ", ".\n")) if end >= 0]
            if not _PAST.search(text, begin + 1, min(ends, default=len(text))):
                line, column = prose.place(starts, m.start())
                yield Finding(line, column, f"'{m.group()}' counts the United Kingdom as a Member State", hint)
    for index, text in prose.prose_lines():
        if not _CAPITALS.search(text):
            continue
        line = prose.file_line(index)
        for listed in _CODE_LIST.finditer(text):
            codes = re.findall(r"[A-Z]{2}", listed.group())
            if "UK" in codes and sum(code in EU_CODES for code in codes) >= 2:
                column = listed.start() + listed.group().index("UK") + 1
                yield Finding(line, column, "'UK' in a list of Member States", hint)


# -- COE712, COE713: EU names and country names -----------------------------------------------------------------


@rule("COE712", "'Member States', 'Commission' and 'Urban Agenda for the EU' not written as the EU writes them",
      f"data/eu_names.yaml: {ESG}; {ISG}; the Pact of Amsterdam", fixable=True)
def eu_names(context: Context, prose: Prose) -> Iterator[Finding]:
    yield from term_findings(shipped("eu_names.yaml"), prose)


@rule("COE713", "country name not in its EU short form (Czechia, not the Czech Republic)",
      f"data/countries.yaml: {ISG}, 7.1 and Annex A5", fixable=True)
def country_names(context: Context, prose: Prose) -> Iterator[Finding]:
    for finding in term_findings(shipped("countries.yaml"), prose):
        fix = finding.fix
        line = prose.masked[fix.line - prose.body_line - 1] if fix is not None else ""
        if fix is not None and _OF_NAME.search(line, 0, fix.column - 1):
            note = " (unless it is part of an official name: the Constitutional Court of the Czech Republic)"
            finding = replace(finding, message=finding.message + note, fix=None)
        elif fix is not None and _NAME_AFTER.match(line, fix.end - 1):
            note = (" (before a capitalised word, as in 'the Czech Republic Senate', it names something else, whose "
                    "'the' it is: reword by hand)")
            finding = replace(finding, message=finding.message + note, fix=None)
        yield finding


#: A capitalised word and 'of' or 'for' right before a country's name: an institution's, a title's or a
#: publication's official name, which keeps the long form (Government of the Czech Republic, President of the
#: Republic of Moldova, [Operational Programme for the Czech Republic](...)).
_OF_NAME = re.compile(r"(?<![\w'\u2019-])[A-Z][\w'\u2019-]*[ \t]+(?:of|for)[ \t]+$")
#: A capitalised word right after a country's name: the name qualifies a name ('the Czech Republic Senate'), and the
#: 'the' before it is that name's, which a fix to 'Czechia' would drop ('Czechia Senate').
_NAME_AFTER = re.compile(r"[ \t\u00a0]+[A-Z]")


# -- COE714, COE715: dates --------------------------------------------------------------------------------------

#: A blank within a date: a space, a tab or a no-break space ('3\u00a0March\u00a02024', as Word keeps a date together).
_BLANK = r"[ \t\u00a0]"
_STRIPPED = ", \t\u00a0"  # what stands before a date's year

#: An ordinal date, or a range, pair or list of them: '1st-3rd June', 'the 1st to the 3rd June', 'between 1st and
#: 3rd June' (whose fix of the second alone left '1st and 3 June'), '1st, 2nd and 3rd June' or '1st, 2nd, and 3rd
#: June' (the days before the last two, `items`, each an ordinal: 'Table 3, 1st June' is no list). A match starts
#: at a list's first day, never within it (its days apart by one blank, as the look-behinds read them): each day
#: of a long list that names no month read the rest of it.
_ORDINAL = re.compile(rf"\b(?<!\d(?:st|nd|rd|th),{_BLANK})(?<!\d(?:st|nd|rd|th),{_BLANK}the{_BLANK})"
                      rf"(?:(?P<the>the){_BLANK}+)?"
                      rf"(?P<items>(?:\d{{1,2}}(?:st|nd|rd|th),{_BLANK}(?:the{_BLANK})?)*)"
                      rf"(?:(?P<first>\d{{1,2}})(?:st|nd|rd|th)?"
                      rf"(?P<dash>[-\u2013]|(?P<to>(?P<comma>(?<=\d[a-z]{{2}}),)?{_BLANK}+(?P<word>to|and){_BLANK}+"
                      rf"(?:the{_BLANK}+)?)))?"
                      rf"(?P<day>\d{{1,2}})(?:st|nd|rd|th){_BLANK}+(?P<of>of{_BLANK}+)?"
                      rf"(?P<month>{_MONTH})(?!\w)(?P<year>,?{_BLANK}+\d{{4}}\b)?")
_MONTH_FIRST = re.compile(rf"\b(?P<month>{_MONTH}){_BLANK}+(?P<day>\d{{1,2}})(?P<suffix>st|nd|rd|th)?\b"
                          rf"(?P<year>,{_BLANK}*\d{{4}}\b)?")
#: A range of month-first dates: 'May 30-June 2, 2024', 'June 2-4, 2024', 'May 30th to June 2nd'.
_MONTH_FIRST_RANGE = re.compile(
    rf"\b(?P<month1>{_MONTH}){_BLANK}+(?P<day1>\d{{1,2}})(?P<suffix1>st|nd|rd|th)?"
    rf"(?P<sep>{_BLANK}*[-\u2013]{_BLANK}*|{_BLANK}+to{_BLANK}+)(?:(?P<month2>{_MONTH}){_BLANK}+)?(?P<day2>\d{{1,2}})"
    rf"(?P<suffix2>st|nd|rd|th)?\b(?P<year>,{_BLANK}*\d{{4}}\b)?")


def _unsure(sure: bool) -> str:
    return "" if sure else "; keep 'the' if the date qualifies the noun after it (not fixed: either may be meant)"


def _dates(text: str, tail: str = "") -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, date as the EU writes it, whether a fix is certain) for each ordinal or month-first date in
    `text`, a line whose paragraph goes on with `tail` (where the word after a date at the line's end is)."""
    if not _DIGIT.search(text):  # every date has a number
        return
    unsure_to = -1  # the end of a range across months whose first date is not fixed: its second is not either
    for m in _ORDINAL.finditer(text):
        dash = f"{m.group('comma') or ''} {m.group('word')} " if m.group("to") else m.group("dash")
        items = "".join(f"{int(day)}, " for day in re.findall(r"\d+", m.group("items")))
        first = f"{items}{int(m.group('first'))}{dash}" if m.group("first") else items
        goes = _the_goes(m, text + tail) if m.group("the") else False
        if goes is None and (rest := _RANGE_END.match(text, m.end())) is not None:
            unsure_to = rest.end()
        start = m.start() if goes is not False else m.start("items" if items else "first" if first else "day")
        year = " " + m.group("year").strip(_STRIPPED) if m.group("year") else ""
        listed = re.findall(r"\d+", f"{m.group('items')} {m.group('first') or ''} {m.group('day')}")
        if all(1 <= int(day) <= 31 for day in listed):
            sure = goes is not None and not m.start() < unsure_to
            yield start, m.end(), f"{first}{int(m.group('day'))} {_in_full(m.group('month'))}{year}", sure
    ranges = []
    for m in _MONTH_FIRST_RANGE.finditer(text):
        days = int(m.group("day1")), int(m.group("day2"))
        if (m.group("suffix1") or m.group("suffix2") or m.group("year")) and all(1 <= day <= 31 for day in days):
            ranges.append(m.span())
            year = " " + m.group("year").strip(_STRIPPED) if m.group("year") else ""
            sep = m.group("sep")
            month1, month2 = _in_full(m.group("month1")), _in_full(m.group("month2") or m.group("month1"))
            first = f"{days[0]}{sep}" if month1 == month2 else f"{days[0]} {month1}{sep}"
            yield m.start(), m.end(), f"{first}{days[1]} {month2}{year}", True
    for m in _MONTH_FIRST.finditer(text):
        if any(start <= m.start() < end for start, end in ranges):
            continue  # read with its range
        if (m.group("suffix") or m.group("year")) and 1 <= int(m.group("day")) <= 31:
            year = " " + m.group("year").strip(_STRIPPED) if m.group("year") else ""
            yield m.start(), m.end(), f"{int(m.group('day'))} {_in_full(m.group('month'))}{year}", True


def _in_full(month: str) -> str:
    return _SHORT_MONTHS.get(month.rstrip("."), month)


_AFTER_DATE = re.compile(r"\s*(?:(?P<word>[^\W\d_]+)|(?P<stop>[.,;:!?)\]]))")
#: Words that open a phrase of their own, which no date qualifies as it does a noun: 'on the 3rd March the
#: partners met', 'on the 3rd March we met'.
_OPENERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "its", "their", "our", "his", "her", "all",
                      "each", "every", "both", "some", "many", "most", "several", "we", "they", "it", "he", "she",
                      "i", "you", "there"})


_ON = re.compile(rf"(?<!\w)[Oo]n{_BLANK}+$")  # 'on the 3rd March' names a day: no noun follows it
#: A preposition that takes a date alone ('before 3 March'): 'before the 3rd March partners met' may be 'before 3
#: March, partners met' or the partners of 3 March; a plural noun after the date can open the clause.
_TAKES_DATE = re.compile(rf"(?<!\w)(?:[Bb]efore|[Aa]fter|[Uu]ntil|[Tt]ill|[Bb]y|[Ss]ince|[Ff]rom|[Bb]etween){_BLANK}+$")
#: The rest of a range across months after its first date: '-2nd June' of '30th May-2nd June'.
_RANGE_END = re.compile(rf"[-\u2013](?:the{_BLANK}+)?\d{{1,2}}(?:st|nd|rd|th)?{_BLANK}+(?:of{_BLANK}+)?{_MONTH}(?!\w)"
                        rf"(?:,?{_BLANK}+\d{{4}}\b)?")


def _the_goes(m: re.Match[str], text: str) -> bool | None:
    """Whether 'the' before an ordinal date goes with the ordinal ('on the 3rd of March', 'on the 3rd March.': '3
    March'), not stays for a noun the date qualifies ('the 3rd March meeting': 'the 3 March meeting'): after 'on',
    or where the date (or the range across months it opens) ends its phrase, before a word such as 'in', 'and' or
    'the' or a punctuation mark; `text` runs on past the line to the end of its paragraph. At the paragraph's end
    'the' goes. None where either may be meant: after a preposition that takes a date alone, before a plural noun
    ('before the 1st-3rd June partners met')."""
    if m.group("of") or _ON.search(text, max(0, m.start() - 4), m.start()):
        return True
    end = m.end()
    if (rest := _RANGE_END.match(text, end)) is not None:
        end = rest.end()
    after = _AFTER_DATE.match(text, end)
    if after is None:
        return not text[end:].strip()
    word = (after.group("word") or "").lower()
    if after.group("stop") is not None or word in FOLLOWERS or word in _OPENERS:
        return True
    if word.endswith("s") and not word.endswith("ss") and _TAKES_DATE.search(text, max(0, m.start() - 8), m.start()):
        return None
    return False


@rule("COE714", "date with an ordinal or the month first ('3rd March', 'March 3, 2024', 'Sept. 5th'): write '3 March "
      "2024'",
      f"{ISG}, 10.5 (Numbers, dates and time)", fixable=True)
def date_form(context: Context, prose: Prose) -> Iterator[Finding]:
    if prose.runs.isdisjoint(MONTHS) and prose.runs.isdisjoint(_SHORT_MONTHS):  # a month is a whole word
        return
    for index, text in prose.prose_lines():
        line = prose.file_line(index)
        whole, offset = prose.text_at(index)
        for start, end, better, sure in sorted(_dates(text, whole[offset + len(text) :])):
            original = text[start:end]
            if "\u00a0" in original:  # a date kept together with no-break spaces is kept so
                better = better.replace(" ", "\u00a0")
            yield Finding(line, start + 1, f"'{original}': write '{better}'", f"source: {ISG}, 10.5{_unsure(sure)}",
                          Fix(line, start + 1, end + 1, better, original) if sure else None)
    for text, starts in prose.paragraphs:  # a date wrapped over a line break: reported, not fixed (a fix is one line)
        if len(starts) < 2 or "\n" not in text:
            continue
        for start, end, better, _ in sorted(_dates(text.replace("\n", " "))):
            if "\n" in text[start:end]:
                line, column = prose.place(starts, start)
                yield Finding(line, column, f"'{' '.join(text[start:end].split())}': write '{better}'",
                              f"source: {ISG}, 10.5; it runs over a line break: not fixed")


_YEAR = re.compile(r"(?:19|20)\d{2}")
#: Day first (31/01/2024, 31.1.2024) or year first: ISO 8601 (2024-01-31), and with slashes or full stops as the
#: Far East and some databases write it (2025/04/03: year, month, day, the only order that starts with the year).
_NUMERIC_DATE = re.compile(r"(?<![\w./-])(?:\d{1,2}([./])\d{1,2}\1(?:19|20)\d{2}|(?:19|20)\d{2}-(?:0[1-9]|1[0-2])"
                           r"-(?:0[1-9]|[12]\d|3[01])|(?:19|20)\d{2}([/.])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01]))"
                           r"(?![\w/-]|\.\d)")


#: An Official Journal reference before a date, which it gives in figures (ISG, 1.2.1): "OJ L 231, 30.6.2021",
#: "OJ C 123 E, 5.5.2010", "OJ L, 2024/1689, 12.7.2024".
_JOURNAL = re.compile(r"\bOJ[ \u00a0][LC](?:[ \u00a0]\d{1,4}(?:[ \u00a0][A-Z])?|,[ \u00a0]\d{4}/\d{1,5}),[ \u00a0]$")


@rule("COE715", "numeric date in running text (31/01/2024, 2024-01-31, 2024/01/31): write '31 January 2024'",
      f"{ISG}, 10.5 (Numbers, dates and time)")
def numeric_date(context: Context, prose: Prose) -> Iterator[Finding]:
    if not any(_YEAR.fullmatch(run) for run in prose.runs):  # each form holds a year as a run of its own
        return
    for index, text in prose.prose_lines("paragraph", "heading", "footnote"):
        if not _DIGIT.search(text):
            continue
        for m in _NUMERIC_DATE.finditer(text):
            if _JOURNAL.search(text, max(0, m.start() - 24), m.start()):
                continue
            words = _in_words(m.group())
            better = f"write '{words}'" if words else "write the month in words: '31 January 2024'"
            yield Finding(prose.file_line(index), m.start() + 1, f"numeric date '{m.group()}' in running text",
                          f"{better} (numeric dates only in tables); source: {ISG}, 10.5")


def _in_words(date: str) -> str | None:
    """A numeric date (day first, or year first) with its month in words; None when it is no date (31/02/2024)."""
    parts = [int(part) for part in re.split(r"[./-]", date)]
    day, month, year = parts[::-1] if _YEAR.match(date) else parts
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return f"{day} {MONTHS[month - 1]} {year}"


# -- COE716, COE717: headings and footnotes ---------------------------------------------------------------------

#: An abbreviation whose full stop ends a heading ('etc.', 'Article 5 et seq.', 'Smith & Co.', 'the U.S.'): its
#: own, which the heading keeps (--fix left 'et seq' and 'Co').
_ABBREVIATION_END = re.compile(r"\b(?:etc|e\.g|i\.e|al|cf|No|Inc|Ltd|St|seq|sqq|Co|Corp|Bros|vs|viz|ibid|cit)\.$"
                               r"|(?<![\w.])(?:[A-Z]\.){2,}$")


@rule("COE716", "heading ends with a full stop", f"{ISG}, 10.1.1 (Full stop)",
      fixable=True)
def heading_full_stop(context: Context, prose: Prose) -> Iterator[Finding]:
    for block in prose.blocks:
        if block.kind != "heading":
            continue
        index = block.end - 1  # a setext heading's text ends before its underline, which is not in the block
        text = re.sub(r"[ \t]+#+[ \t]*$", "", prose.masked[index].replace(MASK, " ")).rstrip()
        text = text.rstrip("*").rstrip()  # the emphasis of '## *Next steps.*' closes after the full stop
        if text.endswith(".") and not text.endswith("..") and not _ABBREVIATION_END.search(text):
            line = prose.file_line(index)
            yield Finding(line, len(text), "heading ends with a full stop",
                          f"delete the full stop; source: {ISG}, 10.1.1",
                          Fix(line, len(text), len(text) + 1, "", "."))


_SENTENCE_END = re.compile("[.?!\u2026][)\\]\"'\u2019\u201d*_]*$")


@rule("COE717", "footnote does not end with a full stop (unless it is only a web or e-mail address)",
      f"{ISG}, 10.1.1 (Full stop)", fixable=True)
def footnote_full_stop(context: Context, prose: Prose) -> Iterator[Finding]:
    for block in prose.blocks:
        if block.kind != "footnote":
            continue
        masked = " ".join(prose.masked.get(i, "") for i in range(block.start, block.end))
        if not re.search(r"\w", masked):
            continue  # only an address (or a link whose text is one)
        index = max(i for i in range(block.start, block.end) if prose.lines[i].strip())
        raw = re.sub(r"<!--.*?-->", "", prose.lines[index]).rstrip()
        if not _SENTENCE_END.search(raw):
            line = prose.file_line(index)
            yield Finding(line, len(raw) + 1, "footnote does not end with a full stop",
                          f"end it with '.'; source: {ISG}, 10.1.1",
                          Fix(line, len(raw) + 1, len(raw) + 1, "."))


# -- COE741: abbreviations in capitals --------------------------------------------------------------------------------

# Two or more capitals each with a full stop, then a lower-case word or a comma, semicolon, colon or bracket: within
# a sentence, and not a person's initials (J.F. Kennedy), nor an abbreviation whose last stop may end the sentence.
_DOTTED = re.compile(rf"(?<![\w.])(?:[A-Z]\.){{2,}}(?=[*_{MASK}]*(?:[ \u00a0]+[a-z]|[,;:)]))")  # past emphasis's end


@rule("COE741", "abbreviation in capitals written with full stops ('the E.U. budget'): write 'EU'",
      f"{ISG}, 10.8 (Abbreviations and symbols)", fixable=True)
def dotted_abbreviation(context: Context, prose: Prose) -> Iterator[Finding]:
    if not any(len(run) == 1 and "A" <= run <= "Z" for run in prose.runs):  # each letter is a run of its own
        return
    for index, text in prose.prose_lines():
        if "." not in text:
            continue
        line = prose.file_line(index)
        for m in _DOTTED.finditer(text):
            better = m.group().replace(".", "")
            yield Finding(line, m.start() + 1, f"'{m.group()}': write '{better}'",
                          f"source: {ISG}, 10.8: no full stops in abbreviations written in capitals",
                          Fix(line, m.start() + 1, m.end() + 1, better, m.group()))
