"""British spelling as EU English writes it: COE721 words the en_GB hunspell dictionary does not know (read with
spylls), COE722 American forms (-ize, -yze, 'center', ...) even where the dictionary accepts them.

Words in the paper's word list (`paper/words.txt`), in the shipped lists of the EU's own English and the Member
States' cities (data/eu_words.txt, data/eu_places.txt), in the names and ids of contributors.yaml (its people's
names too), in capitals (acronyms) or with inner capitals, and the capitalised words of names in other languages
and of the authors a citation names in brackets, round or square (places.py), are never reported; code, URLs and
e-mail addresses are masked out before. The dictionary's answers come through speller.py, which keeps them between runs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..diagnostics import Fix
from .money import short_scales
from .places import cited, foreign, placed
from .registry import Finding, rule
from .shipped import shipped_data
from .speller import Speller, speller
from .us_spellings import us_spellings
from .wordscan import WORD_RE, visible, words

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

ISG_SPELLING = "Interinstitutional Style Guide, 10.3 (Spelling: British conventions, -ise)"
PREFIXES = frozenset({
    "multi", "co", "non", "pre", "post", "re", "anti", "inter", "intra", "cross", "sub", "self", "semi", "socio",
    "eco", "bio", "mid", "over", "under", "well", "ex", "e", "de", "pro", "counter", "micro", "macro", "neo", "pan",
    "quasi", "ultra", "trans", "supra", "extra", "cyber", "peri",
})
_IZE = re.compile(r"^(?P<stem>\w+?)(?P<z>iz|yz)(?P<end>e|es|ed|ing|er|ers|ation|ations|ational|able|ability)$")
_IZE_EXCEPTIONS = re.compile(r"^(?:siz|seiz|prize|capsiz|baize|maize|assiz|downsiz|resiz|oversiz|outsiz|upsiz|"
                             r"supersiz|bite-siz|citiz)")
MAX_SUGGESTIONS = 5  # unknown words of a section that get suggestions (a long word no edit mends: 0.5 s)
#: Words of a section the dictionary does not know (each counted once), past which its spelling is checked no further
#: (one finding says so): each costs a few milliseconds the first time, and a section in another language, or a
#: pasted list of codes, held `validate` for seconds to minutes and buried its other findings under these.
MAX_UNKNOWN = 200


@cache
def _listed() -> tuple[str, ...]:
    """The entries of data/eu_words.txt and data/eu_places.txt."""
    data = resources.files("coe_paper.rules").joinpath("data")
    text = "\n".join(data.joinpath(name).read_text(encoding="utf-8") for name in ("eu_words.txt", "eu_places.txt"))
    return tuple(line.strip() for line in text.split("\n") if line.strip() and not line.startswith("#"))


@cache
def eu_words() -> frozenset[str]:
    """Words EU English uses that the en_GB dictionary lacks (data/eu_words.txt) and the Member States' cities it
    lacks (data/eu_places.txt)."""
    return frozenset(entry for entry in _listed() if " " not in entry)


@cache
def _places() -> re.Pattern[str]:
    """The names and Latin phrases of several words listed whole ('Ústí nad Labem', 'per se'): their words ('nad',
    'di', 'se') are known where the whole name stands, and nowhere else; a phrase listed in lower case also where
    it opens a sentence ('Per se')."""
    names = sorted((entry for entry in _listed() if " " in entry), key=len, reverse=True)
    words = "|".join(_capital(r"\s+".join(map(re.escape, name.split()))) for name in names)
    return re.compile(rf"(?<![\w'\u2019-])(?:{words})(?![\w'\u2019-])")


def _capital(pattern: str) -> str:
    """`pattern`, a listed phrase's, with its first letter in either case where it is in lower case."""
    first = pattern[:1]
    return f"[{first}{first.upper()}]{pattern[1:]}" if first.islower() else pattern


def _in_place(prose: Prose, line: int, start: int, names: re.Pattern[str] | None = None) -> bool:
    """Whether the word at `start` (0-based) of the file's `line` is a word of a name listed whole (see _places; or
    of `names`), which may be wrapped over a line break."""
    text, offset = prose.text_at(line - prose.body_line - 1)
    at = offset + start
    found = (names or _places()).finditer(text, max(0, at - 128), at + 128)
    return any(m.start() <= at < m.end() for m in found)


@cache
def official_names() -> re.Pattern[str]:
    """The official names spelt with -ization (data/official_names.yaml), each found whole, its words apart by any
    blanks (a line break too), a possessive after it ('the World Health Organization's')."""
    return shipped_data("official_names.yaml", _official_names)


def _official_names(data: Any) -> re.Pattern[str]:
    names, sources = data["names"], data["sources"]
    if not isinstance(names, list) or not isinstance(sources, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("name"), str) and entry.get("source") in sources
            for entry in names):
        raise ValueError("not the data of official_names.yaml: each name needs a source of `sources`")
    listed = sorted((str(entry["name"]) for entry in names), key=len, reverse=True)
    words = "|".join(r"\s+".join(map(re.escape, name.split())) for name in listed)
    return re.compile(rf"(?<![\w'\u2019-])(?:{words})(?=['\u2019]s\b|(?![\w'\u2019-]))")


@cache
def _names(contributors: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for text in contributors for w in WORD_RE.findall(text.replace("\u2019", "'")))


def _allowed(context: Context) -> tuple[frozenset[str], frozenset[str]]:
    """(exact words, lower-case words) never reported: the paper's word list and the contributors' names (their
    organisations' and their people's)."""
    found = context.shared.get("allowed")
    if not isinstance(found, tuple):
        listed = context.words | eu_words()
        names = _names(tuple(part for c in context.project.contributors for part in c.names))
        found = context.shared["allowed"] = (listed, names | frozenset(w for w in listed if w.islower()))
    return found


def _skip(word: str) -> bool:
    """Acronyms, words with inner capitals, single letters and words in a script other than the Latin alphabet
    (Greek, Cyrillic, Arabic, Chinese: no English dictionary holds them) are not spell-checked."""
    return len(word) < 2 or any(c.isupper() for c in word[1:]) or (
        not word.isascii() and any(c.isalpha() and not unicodedata.name(c, "").startswith("LATIN") for c in word))


def american(word: str, speller: Speller | None) -> tuple[str, bool] | None:
    """(British form, safe to fix) for an American spelling, else None; of a possessive or a compound, for its
    parts (organization's, color-coded)."""
    from .terms import match_case  # the term lists' module: a run that checks no section imports neither

    if "-" in word or word.endswith(("'s", "\u2019s")):
        stem, suffix = (word[:-2], word[-2:]) if word.endswith(("'s", "\u2019s")) else (word, "")
        parts = stem.split("-")
        found = [american(part, speller) if part else None for part in parts]
        if all(answer is None for answer in found):
            return None
        british = "-".join(answer[0] if answer else part for answer, part in zip(found, parts, strict=True))
        return british + suffix, all(answer[1] for answer in found if answer)
    spellings = us_spellings()
    lower = word.lower()
    if lower in spellings.words:
        return match_case(word, spellings.words[lower]), lower not in spellings.no_fix
    m = _IZE.match(lower)
    if m is None or _IZE_EXCEPTIONS.match(lower):
        return None
    british = f"{m.group('stem')}{'is' if m.group('z') == 'iz' else 'ys'}{m.group('end')}"
    if speller is not None and not speller.correct(british):
        return None
    return match_case(word, british), True


def _memo(name: str, *depends: object) -> dict[Any, Any]:
    """A table of answers kept for the process while what they depend on (`depends`) is the same: a paper repeats
    its words thousands of times, and a resident process's children start with the tables its rehearsal filled
    (pipeline.rehearse)."""
    key = (name, *depends)
    table = _tables.get(key)
    if table is None:
        if len(_tables) >= 8:  # a long-running process whose paper's words or dictionary keep changing
            _tables.clear()
        table = _tables[key] = {}
    return table


_tables: dict[tuple[object, ...], dict[Any, Any]] = {}


@rule("COE722", "American spelling (-ize, -yze, center, color, program, ...): EU English writes -ise, centre, "
      "colour, programme; not in an organisation's official name spelt so (World Health Organization)",
      f"data/us_spellings.yaml; data/official_names.yaml (each name with its founding text); {ISG_SPELLING}",
      fixable=True)
def american_spelling(context: Context, prose: Prose) -> Iterator[Finding]:
    check = speller(context) if context.config.selects("COE722") else None
    dictionary = (check.path, check.key) if check is not None else None
    answers = _memo("american", dictionary)
    clean = _memo("no-american", dictionary)
    from .names import in_name  # a run whose sections all hit the cache imports none of the prose modules

    for line, start, found_word, _ in words(prose, clean):
        word = found_word if found_word.isascii() else visible(found_word)
        if word.isupper() and len(word) > 1:
            clean[word] = True
            continue
        if word in answers:
            found = answers[word]
        else:
            found = answers[word] = american(word, check)
            if found is None:
                clean[word] = True
        if found is not None and word[:1].isupper() and _in_place(prose, line, start, official_names()):
            continue  # an organisation's official name, spelt so (data/official_names.yaml)
        if found is not None and not found[1] and _other_sense(prose, line, start, found_word):
            continue  # a computer program, a smart meter: British English spells them so
        if found is not None:
            british, safe = found
            note = "" if safe else f" ({_note(word)})"
            if safe and word[:1].isupper() and in_name(prose.masked[line - prose.body_line - 1], start, found_word):
                safe, note = False, " (unless it is part of a name that is spelt so)"
            fix = Fix(line, start + 1, start + 1 + len(found_word), british, found_word) if safe else None
            yield Finding(line, start + 1, f"'{word}': write '{british}'{note}", f"source: {ISG_SPELLING}", fix)


def _note(word: str) -> str:
    """What the finding of an American form not fixed says (data/us_spellings.yaml's `notes`), of a possessive or a
    compound for its part ('program's', 'tire-free')."""
    notes = us_spellings().notes
    return next((notes[part] for part in re.split(r"[-'\u2019]", word.lower()) if part in notes), "")


def _other_sense(prose: Prose, line: int, start: int, word: str) -> bool:
    """Whether the word before `word` (at `start` of file line `line`) gives it the meaning British English spells
    so ('computer program', 'smart meters'; data/us_spellings.yaml's `no_fix`), or the word after it does ('the
    work tires them': `no_fix_next`), which may be on the paragraph's next line; or, for a word that is the verb
    unless the words around it make it the noun, that they do not ('rules that curb rents': `verb_unless`)."""
    spellings = us_spellings()
    index = line - prose.body_line - 1
    before = re.search(r"([^\W\d_]+)[ \u00a0]+$", prose.masked[index][:start])
    lower = visible(word).lower()
    if before is not None and before.group(1).lower() in spellings.no_fix.get(lower, frozenset()):
        return True
    nexts, noun = spellings.no_fix_next.get(lower), spellings.verb_unless.get(lower)
    if not nexts and not noun:
        return False
    text, offset = prose.text_at(index)
    after = _NEXT.match(text, offset + start + len(word))
    if noun is not None:  # the verb, unless a word of the noun's is before or after it, or none after it
        return not ((before is not None and before.group(1).lower() in noun[0]) or after is None or
                    after.group(1).lower() in noun[1])
    return after is not None and after.group(1).lower() in (nexts or frozenset())


#: The word after another, past blanks and a line break of its paragraph.
_NEXT = re.compile(r"[ \t\u00a0\n]+([^\W\d_]+)")


@rule("COE721", "word not in the en_GB dictionary, the paper's words.txt or contributors.yaml",
      "Debian's hunspell-en-gb dictionary, read with spylls; paper/words.txt; contributors.yaml")
def unknown_word(context: Context, prose: Prose) -> Iterator[Finding]:
    check = speller(context)
    if check is None:
        return
    exact, lower = _allowed(context)
    known = _memo("known", check.path, check.key, exact, lower)
    clean = _memo("known-words", check.path, check.key, exact, lower)
    hinted = 0
    unknown: set[tuple[str, bool]] = set()  # the section's words the dictionary does not know
    from .names import name_particle  # a run whose sections all hit the cache imports none of the prose modules

    for line, start, found, after in words(prose, clean):
        word = found.replace("\u2019", "'")
        if not word.isascii():
            word = unicodedata.normalize("NFC", visible(word))  # the dictionary's form of an accent written apart
        key = (word, after == ".")
        ok = known.get(key)
        if ok is None:
            ok = known[key] = _known(word, after == ".", check, exact, lower)
            if ok and after != ".":
                clean[found] = True  # known without a full stop, so known whatever follows
        if not ok:
            unknown.add(key)
            if len(unknown) > MAX_UNKNOWN:
                yield Finding(line, start + 1, f"more than {MAX_UNKNOWN} words of this section are not in the en_GB "
                              "dictionary: its spelling is checked no further", "if the section is in another "
                              "language, have it translated; words it rightly holds go in "
                              f"{context.config.words}")
                return
        index = line - prose.body_line - 1
        if ok or _in_place(prose, line, start) or _short_scale(prose, index, start) or foreign(word) or placed(
                prose, word) or (word[:1].isupper() and cited(prose, index, start)) or (
                word.islower() and name_particle(prose, index, start, found)
                and not _slip(prose, index, start, word, check)):
            continue  # a particle of a name (Ústí nad Labem) is the name's, as its capitalised words are
        hinted += 1  # the first unknown words of the section, whatever earlier runs knew: the same hints every run
        near = check.suggestions(word) if hinted <= MAX_SUGGESTIONS else []
        hint = f"did you mean {' or '.join(repr(s) for s in near)}? " if near else ""
        if word[:1].isupper():  # a name in another language, or a place's: the dictionary cannot know it
            yield Finding(line, start + 1, f"'{word}' is not in the en_GB dictionary (if it is a name, add it to "
                          f"{context.config.words})", f"{hint}a place's name is known where its country is named "
                          "beside it, as 'in Nowa Huta (Poland)' or 'from Ciudad Real, Spain'")
            continue
        yield Finding(line, start + 1, f"'{word}' is not in the en_GB dictionary",
                      f"{hint}if it is right, add it to {context.config.words}")


def _short_scale(prose: Prose, index: int, start: int) -> bool:
    """Whether the word at `start` is a scale abbreviated before the euro sign ('Mrd' of '3,2 Mrd. €'), which COE740
    reads as the amount's scale (billion): an abbreviation, no slip."""
    return start in _scale_starts(prose.masked[index])


@lru_cache(maxsize=256)
def _scale_starts(text: str) -> frozenset[int]:
    """Where the abbreviated scales of a prose line start: found once a line, not once for each of its unknown words
    (a paragraph of 10,000 words on one line took seconds)."""
    return frozenset(begin for begin, _ in short_scales(text))


#: Short English words whose letters, two of them swapped, make a word the dictionary lacks that may pass for a
#: particle of a name ('nad' for 'and', 'fo' for 'of'): such a word between capitalised words may be a slip.
_SLIPS = frozenset(word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                   for word in ("and", "the", "of", "to", "in", "is", "or", "as", "at", "by", "on", "for", "not", "but",
                                "its", "was", "are", "has", "with", "from")
                   for i in range(len(word) - 1))


def _slip(prose: Prose, index: int, start: int, word: str, check: Speller) -> bool:
    """Whether a particle between capitalised words (`name_particle`) is rather a slip for an English word ('Rome
    nad Paris'): it is one ('nad', 'fo'), and the capitalised word after it is one the dictionary knows on its own.
    In a name, the word after such a particle is in its own language ('Frankfurt nad Odrą', 'Nové Město nad
    Metují': a river's name in the instrumental case), which the dictionary lacks."""
    if word not in _SLIPS:
        return False
    text, offset = prose.text_at(index)
    for after in text[offset + start + len(word) :].split()[:3]:
        if after[:1].isupper():
            name = after.rstrip(".,;:!?)]\"'\u2019\u201d")
            return bool(WORD_RE.fullmatch(name)) and check.correct(name)
    return False


def _known(word: str, stop: bool, check: Speller, exact: frozenset[str], lower: frozenset[str]) -> bool:
    """Whether a word (followed by a full stop or not) is not reported."""
    if _skip(word) or word in exact or word.lower() in lower or american(word, None) is not None:
        return True
    if check.correct(word) or _compound_ok(word, check, exact, lower):
        return True
    if stop and check.correct(word + "."):
        return True  # an abbreviation the dictionary holds with its full stop (etc.)
    return word.endswith("'s") and _known(word[:-2], False, check, exact, lower)  # Czechia's: a listed name's too


def _compound_ok(word: str, check: Speller, exact: frozenset[str], lower: frozenset[str]) -> bool:
    """A hyphenated word whose parts are words (or common prefixes such as 'multi-', 'co-')."""
    parts = word.split("-")
    if len(parts) < 2:
        return False
    return all(p.lower() in PREFIXES or p in exact or p.lower() in lower or check.correct(p) for p in parts if p)
