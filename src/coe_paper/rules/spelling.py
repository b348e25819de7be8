"""British spelling as EU English writes it: COE721 words the en_GB hunspell dictionary does not know (read with
spylls), COE722 American forms (-ize, -yze, 'center', ...) even where the dictionary accepts them.

Words in the paper's word list (`paper/words.txt`), in the names and ids of contributors.yaml, in capitals
(acronyms) or with inner capitals are never reported; code, URLs and e-mail addresses are masked out before.
The dictionary is opened only when a word is not already in the cache: results (and suggestions) are kept in
`<git dir>/coe-paper-cache/spelling.json`, keyed by the dictionary's files, so a warm run never opens it. A lookup
reads only the entries it asks about (hunspell.py); suggestions, for words it does not know, load all of them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..diagnostics import Fix, warning
from ..project import CONFIG_PATH
from ..store import git_dir as git_dir  # the cache lives in the git directory
from .registry import Finding, rule
from .shipped import shipped_data

if TYPE_CHECKING:
    from .engine import Context
    from .text import Prose

ISG_SPELLING = "Interinstitutional Style Guide, 10.3 (Spelling: British conventions, -ise)"
#: Numbers that are word characters but no decimal digits: superscripts and subscripts (m², CO₂), fractions,
#: Roman numerals and circled numbers. They end a word, as a space does: 'km²' is the word 'km'.
_FIGURES = "\u00b2\u00b3\u00b9\u00bc-\u00be\u2070-\u209f\u2150-\u218f\u2460-\u24ff"
_LETTER = f"[^\\W\\d_{_FIGURES}]"
_WORD_CHAR = f"[^\\W{_FIGURES}]"  # what a word may not touch
WORD_RE = re.compile(f"(?<!{_WORD_CHAR}){_LETTER}+(?:['\u2019-]{_LETTER}+)*(?!{_WORD_CHAR})")
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining marks
_MARK_RE = re.compile(f"[{_MARKS}]")
#: WORD_RE for text with combining marks (accents written apart, as macOS and many PDFs write "naïve"), which
#: belong to the letter before them: WORD_RE would cut the word at each
_MARKED_WORD_RE = re.compile(f"(?<!{_WORD_CHAR})(?:{_LETTER}[{_MARKS}]*)+(?:['\u2019-](?:{_LETTER}[{_MARKS}]*)+)*"
                             f"(?![^\\W{_FIGURES}]|[{_MARKS}])")  # fmt: skip


def _word_re(text: str) -> re.Pattern[str]:
    return WORD_RE if text.isascii() or not _MARK_RE.search(text) else _MARKED_WORD_RE


PREFIXES = frozenset({
    "multi", "co", "non", "pre", "post", "re", "anti", "inter", "intra", "cross", "sub", "self", "semi", "socio",
    "eco", "bio", "mid", "over", "under", "well", "ex", "e", "de", "pro", "counter", "micro", "macro", "neo", "pan",
    "quasi", "ultra", "trans", "supra", "extra", "cyber", "peri",
})
_IZE = re.compile(r"^(?P<stem>\w+?)(?P<z>iz|yz)(?P<end>e|es|ed|ing|er|ers|ation|ations|ational|able|ability)$")
_IZE_EXCEPTIONS = re.compile(r"^(?:siz|seiz|prize|capsiz|baize|maize|assiz|downsiz|resiz|oversiz|outsiz|upsiz|"
                             r"supersiz|bite-siz|citiz)")  # fmt: skip
MAX_SUGGESTIONS = 5  # unknown words of a section that get suggestions (a long word no edit mends: 0.5 s)
LAZY_EDITS = 40  # characters: a longer word's edits ask the lookups, which keep each stem asked, about too many
MAX_SUGGESTED = 100  # characters: a longer word gets no suggestions (as in hunspell): its edits take ~ its length²
CACHE_VERSION = 2  # 2: suggestions from edits of the word when there are any (hunspell.py)


@cache
def us_spellings() -> tuple[dict[str, str], frozenset[str]]:
    return shipped_data("us_spellings.yaml", _us_spellings)


def _us_spellings(data: Any) -> tuple[dict[str, str], frozenset[str]]:
    """American spelling -> British, and the words not to fix, from the data of us_spellings.yaml."""
    words, no_fix = data["words"], data["no_fix"]
    if not isinstance(words, dict) or not isinstance(no_fix, list):
        raise ValueError("not the data of us_spellings.yaml")
    return {str(k): str(v) for k, v in words.items()}, frozenset(no_fix)


class Speller:
    """en_GB lookups through spylls, loaded on first need, with a persistent cache of answers."""

    def __init__(self, path: str, cache_file: Path | None, root: Path | None = None) -> None:
        self.path, self.root = path, root
        self.cache_file = cache_file
        self.key = _dictionary_key(path)
        self.known: dict[str, Any] = {}  # word -> True, or a list of suggestions
        self.dirty = False
        self._dictionary: Any = None
        self.problem: str | None = None  # why the dictionary's files could not be read (then no word is reported)
        if cache_file is not None and self.key:
            try:
                data = json.loads(cache_file.read_text(encoding="utf-8"))
                if data.get("version") == CACHE_VERSION and data.get("key") == self.key:
                    self.known = dict(data["words"])
                    problem = data.get("problem")
                    self.problem = problem if isinstance(problem, str) else None
            except (OSError, ValueError, KeyError, AttributeError, TypeError, RecursionError):  # nested too deep
                self.known = {}

    @property
    def available(self) -> bool:
        return bool(self.key)

    def dictionary(self) -> Any:
        """The whole dictionary, which suggestions need."""
        if self._dictionary is None:
            self._dictionary = load_dictionary(self.path, self.key)
        return self._dictionary

    def lookups(self) -> Any:
        """What answers lookups: the whole dictionary when this process has it, else one that reads only the
        entries a lookup asks about (hunspell.py: about 0.02 s to open, most of it the .aff, instead of 0.8 s)."""
        if self._dictionary is None:
            self._dictionary = _loaded.get((self.path, self.key))
        return self._dictionary or load_lookups(self.path, self.key, self.root)

    def correct(self, word: str) -> bool:
        answer = self.known.get(word)
        if answer is None:
            found = self._ask(lambda: bool(self.lookups().lookup(word)))
            if found is None:
                return True  # a dictionary that cannot be read reports nothing (`problem` says why, once)
            answer = True if found else []
            self.known[word], self.dirty = answer, True
        return answer is True

    def suggestions(self, word: str) -> list[str]:
        """Up to three words for one the dictionary does not hold (the caller found it does not: this speller may
        not have asked, when the answer came from the tables the process keeps)."""
        answer = self.known.get(word)
        if (answer is None or (isinstance(answer, list) and not answer)) and len(word) <= MAX_SUGGESTED:
            suggested = self._ask(lambda: self._suggest(word))
            if suggested is None:
                return []
            answer = suggested or ["-"]
            self.known[word], self.dirty = answer, True
        return [s for s in answer if s != "-"] if isinstance(answer, list) else []

    def _suggest(self, word: str) -> list[str]:
        """spylls' suggestions from edits of the word when there are any (found by lookups: no need to load every
        word, but for a long word), else spylls' whole algorithm, whose n-gram pass reads every word (hunspell.py)."""
        from . import hunspell  # spylls is imported by now: the lookups asked about the word

        lookups = self.lookups()
        if isinstance(lookups, hunspell.Lookups) and len(word) <= LAZY_EDITS:
            found = lookups.suggest(word, 3)
        else:
            found = hunspell.edit_suggestions(hunspell.edits_of(self.dictionary()), word, 3)
        return found if found is not None else [str(s) for s in islice(self.dictionary().suggest(word), 3)]

    def _ask(self, question: Callable[[], Any]) -> Any:
        """The answer to `question`, asked of the dictionary; None once its files have proved unreadable."""
        if self.problem is not None:
            return None
        try:
            return question()
        except Exception as exc:  # spylls reading a damaged .aff or .dic: re.error, ValueError, IndexError, ...
            self.problem, self.dirty = str(exc) or type(exc).__name__, True
            return None

    def save(self) -> None:
        if self.cache_file is None or not self.dirty:
            return
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", dir=self.cache_file.parent, suffix=".tmp", delete=False,
                                             encoding="utf-8") as handle:  # fmt: skip
                json.dump({"version": CACHE_VERSION, "key": self.key, "words": self.known, "problem": self.problem},
                          handle, ensure_ascii=False, separators=(",", ":"))  # fmt: skip
            os.replace(handle.name, self.cache_file)
            self.dirty = False
        except OSError:
            pass  # a cache that cannot be written only costs time


_loaded: dict[tuple[str, str], Any] = {}
_lookups: dict[tuple[str, str], Any] = {}
_opening = threading.Lock()  # apart from `_loading`: lookups need not wait while the preview loads every entry
_loading = threading.Lock()


def load_dictionary(path: str, key: str | None = None) -> Any:
    """The spylls dictionary at `path`, loaded once per process and kept while its files (`key`) are unchanged:
    loading takes about a second, which `serve` pays once instead of on every rebuild that meets a new word."""

    def whole(_key: str) -> Any:
        from .hunspell import whole_dictionary  # imported here: only a run that needs it pays for it

        return whole_dictionary(path)

    return _kept(_loaded, _loading, path, key, whole)


def load_lookups(path: str, key: str | None = None, root: Path | None = None) -> Any:
    """hunspell.Lookups for the dictionary at `path`, made once per process while its files (`key`) are unchanged;
    its index of the .dic by stem is kept in the section cache of the project at `root`."""

    def lookups(key: str) -> Any:
        from ..store import Store
        from .hunspell import Index, Lookups  # imported here: only a run that meets a new word pays for it

        store = Store(root, "hunspell", key)
        entry = store.key(path)
        stored = store.get_bytes(entry)
        try:
            kept = Index(stored) if stored is not None else None
        except ValueError:
            kept = None
        made = Lookups(path, kept)
        if kept is None:
            store.put_bytes(entry, made.dic.entries.data)
            store.prune()  # the index of a dictionary since replaced (2.5 MB for en_GB) goes
        return made

    return _kept(_lookups, _opening, path, key, lookups)


def _kept(table: dict[tuple[str, str], Any], lock: threading.Lock, path: str, key: str | None,
          make: Callable[[str], Any]) -> Any:  # fmt: skip
    """What `make` gives for the dictionary at `path` (told its files' `key`), made once per process while those
    files are unchanged (one made for the files before is let go)."""
    key = _dictionary_key(path) if key is None else key
    with lock:
        found = table.get((path, key))
        if found is None:
            found = make(key)
            for stale in [k for k in table if k[0] == path]:
                del table[stale]
            table[(path, key)] = found
        return found


def _dictionary_key(path: str) -> str:
    """Identity of the dictionary's .aff and .dic files (size and time), or '' when they are missing."""
    parts = []
    for suffix in (".aff", ".dic"):
        try:
            stat = os.stat(path + suffix)
        except OSError:
            return ""
        parts.append(f"{path}{suffix}:{stat.st_size}:{stat.st_mtime_ns}")
    return ";".join(parts)


def speller(context: Context) -> Speller | None:
    """The run's speller (one per run), or None with one warning when the dictionary is missing."""
    found = context.shared.get("speller")
    if not isinstance(found, Speller):
        directory = git_dir(context.source.root)
        cache_file = directory / "coe-paper-cache" / "spelling.json" if directory else None
        found = Speller(context.config.dictionary, cache_file, context.source.root)
        context.shared["speller"] = found
        context.finish.append(found.save)
        context.finish.append(lambda: _report_unreadable(context, found))
        if not found.available:
            _dictionary_warning(context, f"no hunspell dictionary at {found.path}.aff/.dic: spelling not checked")
    return found if found.available else None


def _report_unreadable(context: Context, speller: Speller) -> None:
    """After the last section: COE721 when the dictionary's files could not be read, in this run or before it."""
    if speller.problem is not None:
        _dictionary_warning(context, f"the hunspell dictionary at {speller.path}.aff/.dic cannot be read "
                                     f"({speller.problem}): spelling not checked")  # fmt: skip


def _dictionary_warning(context: Context, message: str) -> None:
    """COE721 at paper.yaml's `checks.dictionary`: spelling is not checked."""
    line, col = context.project.config_marks.get(("checks", "dictionary"), (0, 0))
    context.problems.append(warning(CONFIG_PATH, line, col, "COE721", message,
                                    "install Debian's hunspell-en-gb, or set checks.dictionary"))  # fmt: skip


@cache
def eu_words() -> frozenset[str]:
    """Words EU English uses that the en_GB dictionary lacks (data/eu_words.txt)."""
    text = resources.files("coe_paper.rules").joinpath("data", "eu_words.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.split("\n") if line.strip() and not line.startswith("#"))


@cache
def _names(contributors: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w.lower() for text in contributors for w in WORD_RE.findall(text.replace("\u2019", "'")))


def _allowed(context: Context) -> tuple[frozenset[str], frozenset[str]]:
    """(exact words, lower-case words) never reported: the paper's word list and the contributors' names."""
    found = context.shared.get("allowed")
    if not isinstance(found, tuple):
        listed = context.words | eu_words()
        names = _names(tuple(part for c in context.project.contributors for part in (c.id, c.name, c.short)))
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
    mapped, no_fix = us_spellings()
    lower = word.lower()
    if lower in mapped:
        return match_case(word, mapped[lower]), lower not in no_fix
    m = _IZE.match(lower)
    if m is None or _IZE_EXCEPTIONS.match(lower):
        return None
    british = f"{m.group('stem')}{'is' if m.group('z') == 'iz' else 'ys'}{m.group('end')}"
    if speller is not None and not speller.correct(british):
        return None
    return match_case(word, british), True


def _words(prose: Prose, clean: dict[str, bool]) -> Iterator[tuple[int, int, str, str]]:
    """(file line, 0-based column, word, the character after it) of every word of prose, skipping the lines whose
    words are all in `clean` (words the caller found nothing in, whatever followed them, and marked)."""
    lines = prose.prose_lines()
    if clean.keys() >= _section_words("\n".join(text for _, text in lines)):  # no word crosses a newline
        return  # the usual case, once a paper's words are known: every line is clean
    for index, text in lines:
        if clean.keys() >= _line_words(text):
            continue
        line = prose.file_line(index)
        for m in _word_re(text).finditer(text):
            end = m.end()
            yield line, m.start(), m.group(), text[end : end + 1]


def _words_of(text: str) -> frozenset[str]:
    """The words of prose text, as the spelling rules read them (WORD_RE)."""
    return frozenset(_word_re(text).findall(text))


#: The words of a prose line: both spelling rules ask about every line.
_line_words = lru_cache(maxsize=4096)(_words_of)
#: The words of a section's prose lines, joined: both rules ask, once each, so only the last few are kept (a long
#: running process, such as serve's, would otherwise hold thousands of whole sections).
_section_words = lru_cache(maxsize=16)(_words_of)


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
      "colour, programme", f"data/us_spellings.yaml; {ISG_SPELLING}", fixable=True)  # fmt: skip
def american_spelling(context: Context, prose: Prose) -> Iterator[Finding]:
    check = speller(context) if context.config.selects("COE722") else None
    dictionary = (check.path, check.key) if check is not None else None
    answers = _memo("american", dictionary)
    clean = _memo("no-american", dictionary)
    from .text import in_name  # the prose's module: a run whose sections all hit the cache imports none of it

    for line, start, word, _ in _words(prose, clean):
        if word.isupper() and len(word) > 1:
            clean[word] = True
            continue
        if word in answers:
            found = answers[word]
        else:
            found = answers[word] = american(word, check)
            if found is None:
                clean[word] = True
        if found is not None:
            british, safe = found
            note = "" if safe else " (keep 'program' only for computer programs, 'meter' for a measuring device)"
            if safe and word[:1].isupper() and in_name(prose.masked[line - prose.body_line - 1], start, word):
                safe, note = False, " (unless it is part of a name that is spelt so: World Health Organization)"
            fix = Fix(line, start + 1, start + 1 + len(word), british, word) if safe else None
            yield Finding(line, start + 1, f"'{word}': write '{british}'{note}", f"source: {ISG_SPELLING}", fix)



@rule("COE721", "word not in the en_GB dictionary, the paper's words.txt or contributors.yaml",
      "Debian's hunspell-en-gb dictionary, read with spylls; paper/words.txt; contributors.yaml")  # fmt: skip
def unknown_word(context: Context, prose: Prose) -> Iterator[Finding]:
    check = speller(context)
    if check is None:
        return
    exact, lower = _allowed(context)
    known = _memo("known", check.path, check.key, exact, lower)
    clean = _memo("known-words", check.path, check.key, exact, lower)
    hinted = 0
    for line, start, found, after in _words(prose, clean):
        word = found.replace("\u2019", "'")
        if not word.isascii():
            word = unicodedata.normalize("NFC", word)  # the dictionary's form of an accent written apart
        key = (word, after == ".")
        ok = known.get(key)
        if ok is None:
            ok = known[key] = _known(word, after == ".", check, exact, lower)
            if ok and after != ".":
                clean[found] = True  # known without a full stop, so known whatever follows
        if ok:
            continue
        hinted += 1  # the first unknown words of the section, whatever earlier runs knew: the same hints every run
        near = check.suggestions(word) if hinted <= MAX_SUGGESTIONS else []
        hint = f"did you mean {' or '.join(repr(s) for s in near)}? " if near else ""
        yield Finding(line, start + 1, f"'{word}' is not in the en_GB dictionary",
                      f"{hint}if it is right, add it to {context.config.words}")  # fmt: skip


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
