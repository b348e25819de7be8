"""The en_GB dictionary, read with spylls: `Speller` answers whether a word is spelt right and what to write
instead, and keeps every answer in `<git dir>/coe-paper-cache/spelling.json`, keyed by the dictionary's files, so
that a warm run never opens the dictionary. A lookup reads only the entries it asks about (hunspell.py); suggestions,
for words it does not know, load all of them. A dictionary is loaded once a process (`serve` and the resident
process keep it). `speller(context)` is the run's, and says once when the dictionary is missing or unreadable."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from ..cachefiles import read_file, write_file
from ..diagnostics import error, warning
from ..project import CONFIG_PATH
from ..store import cache_folder, git_dir

if TYPE_CHECKING:
    from .engine import Context

LAZY_EDITS = 40  # characters: a longer word's edits ask the lookups, which keep each stem asked, about too many
MAX_SUGGESTED = 100  # characters: a longer word gets no suggestions (as in hunspell): its edits take ~ its length²
MAX_WORD = 100  # characters: a longer word is no word of the dictionary and is not looked up (hunspell's MAXWORDLEN):
#                 spylls tries it as a compound at every place it could split, each try a lookup of the rest: a word
#                 of 100,000 letters took 20 s, one of 5,000 parts joined by hyphens over 5 minutes
CACHE_VERSION = 5  # 2: suggestions from edits of the word when there are any; 3: within a budget (hunspell.py);
#                   4: ranked as a reader expects (ranking.py); 5: a letter left out and function words first


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
                text = read_file(cache_file)  # None for a pipe or a link to a device, which would never end
                data = json.loads(text) if text is not None else {}
                if data.get("version") == CACHE_VERSION and data.get("key") == self.key:
                    self.known = {word: answer for word, answer in data["words"].items()  # True, or suggestions
                                  if answer is True or (type(answer) is list and all(type(s) is str for s in answer))}
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
        if len(word) > MAX_WORD:
            return self.problem is not None  # a dictionary that cannot be read reports nothing
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
        word, but for a long word), else spylls' whole algorithm, whose n-gram pass reads every word (hunspell.py);
        none when they would take more lookups than a word's budget allows."""
        from . import hunspell  # spylls is imported by now: the lookups asked about the word

        budget = hunspell.Budget()
        lookups = self.lookups()
        try:
            if isinstance(lookups, hunspell.Lookups) and len(word) <= LAZY_EDITS:
                found = lookups.suggest(word, 3, budget)
            else:
                found = hunspell.edit_suggestions(hunspell.edits_of(self.dictionary()), word, 3, budget)
            if found is None:
                found = [str(s) for s in islice(budget.counted(self.dictionary().suggester)(word), 3)]
        except hunspell.TooManyLookups:
            return []
        return found

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
        text = json.dumps({"version": CACHE_VERSION, "key": self.key, "words": self.known, "problem": self.problem},
                          ensure_ascii=False, separators=(",", ":"))
        if write_file(self.cache_file, text.encode("utf-8", "surrogatepass")):  # a cache unwritten only costs time
            self.dirty = False


_loaded: dict[tuple[str, str], Any] = {}
_lookups: dict[tuple[str, str], Any] = {}
_opening = threading.Lock()  # apart from `_loading`: lookups need not wait while the preview loads every entry
_loading = threading.Lock()
#: Set while a thread waits for a dictionary another thread is loading: a load in the background then pauses no more.
_awaited = threading.Event()


def awaited() -> bool:
    """Whether a thread waits for a dictionary being loaded (see `load_dictionary`'s `pause`)."""
    return _awaited.is_set()


def load_dictionary(path: str, key: str | None = None, pause: Callable[[], None] | None = None) -> Any:
    """The spylls dictionary at `path`, loaded once per process and kept while its files (`key`) are unchanged:
    loading takes about a second, which `serve` pays once instead of on every rebuild that meets a new word.
    `pause` is called now and then while it loads (`serve` loads it in the background, and waits there while a
    rebuild runs: both need the interpreter); it must return at once while `awaited()`, or the thread waiting for
    this dictionary would wait for ever."""

    def whole(_key: str) -> Any:
        from .hunspell import whole_dictionary  # imported here: only a run that needs it pays for it

        return whole_dictionary(path, pause)

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
          make: Callable[[str], Any]) -> Any:
    """What `make` gives for the dictionary at `path` (told its files' `key`), made once per process while those
    files are unchanged (one made for the files before is let go)."""
    key = _dictionary_key(path) if key is None else key
    if not lock.acquire(blocking=False):  # another thread is making it: one that pauses now and then must not
        _awaited.set()
        lock.acquire()
        _awaited.clear()
    try:
        found = table.get((path, key))
        if found is None:
            found = make(key)
            for stale in [k for k in table if k[0] == path]:
                del table[stale]
            table[(path, key)] = found
        return found
    finally:
        lock.release()


def _dictionary_key(path: str) -> str:
    """Identity of the dictionary's .aff and .dic files (size and time), or '' when they are missing or are no
    files (a named pipe, which reading would wait on for ever; a device; a folder)."""
    parts = []
    for suffix in (".aff", ".dic"):
        try:
            stat = os.stat(path + suffix)
        except OSError:
            return ""
        if not S_ISREG(stat.st_mode):
            return ""
        parts.append(f"{path}{suffix}:{stat.st_size}:{stat.st_mtime_ns}")
    return ";".join(parts)


def speller(context: Context) -> Speller | None:
    """The run's speller (one per run), or None with one warning when the dictionary is missing (an error when a
    relative `checks.dictionary` leads out of the project)."""
    found = context.shared.get("speller")
    if "speller" not in context.shared:
        root, name = context.source.root, context.config.dictionary
        path = context.config.dictionary_at(root)
        if path is None:
            line, col = context.project.config_place("checks", "dictionary")
            context.problems.append(error(CONFIG_PATH, line, col, "COE005", f"checks: dictionary: '{name}' leads "
                                          "outside the project: spelling not checked",
                                          "give its path from the project's folder, or an absolute path"))
            context.shared["speller"] = None
            return None
        directory = git_dir(root)
        folder = cache_folder(directory) if directory else None
        cache_file = folder / "spelling.json" if folder else None
        found = Speller(path, cache_file, root)
        context.shared["speller"] = found
        context.finish.append(found.save)
        context.finish.append(lambda: _report_unreadable(context, found))
        if not found.available:
            odd = [suffix for suffix in (".aff", ".dic") if os.path.exists(found.path + suffix)
                   and not os.path.isfile(found.path + suffix)]
            _dictionary_warning(context, f"{name}{odd[0]} is a pipe, device, socket or folder, not a file: spelling "
                                "not checked" if odd else f"no hunspell dictionary at {name}.aff/.dic: spelling not "
                                "checked")
    return found if isinstance(found, Speller) and found.available else None


def _report_unreadable(context: Context, speller: Speller) -> None:
    """After the last section: COE721 when the dictionary's files could not be read, in this run or before it."""
    if speller.problem is not None:
        _dictionary_warning(context, f"the hunspell dictionary at {context.config.dictionary}.aff/.dic cannot be "
                                     f"read ({speller.problem}): spelling not checked")


def _dictionary_warning(context: Context, message: str) -> None:
    """COE721 at paper.yaml's `checks.dictionary`: spelling is not checked."""
    line, col = context.project.config_place("checks", "dictionary")
    context.problems.append(warning(CONFIG_PATH, line, col, "COE721", message,
                                    "install Debian's hunspell-en-gb, or set checks.dictionary"))
