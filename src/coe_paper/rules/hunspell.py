"""Spelling lookups in a hunspell dictionary without reading all of it.

spylls reads every entry of a .dic file into a `Word` before its first lookup: 0.8 s for the 97,000 entries of
en_GB, paid by any run that meets a word no earlier run has looked up (one new word in an edited section). A lookup
asks the dictionary only for the entries of the stems its affix rules produce from the word. `Index` holds the
file's lines sorted by stem, as one block of bytes searched in place (made once, about 0.1 s, and kept in the
section cache: opening a kept one reads 2.5 MB and parses nothing). `LazyDic` makes a stem's `Word`s, with
spylls' own reader, when a lookup first asks for them; spylls' `Lookup` does the rest, so answers are spylls'
answers (a test compares them with the whole dictionary's, entry by entry and word by word). The .aff is read with
spylls' reader, but each affix compiles its regular expressions when a lookup first tries it (`_Suffix`).

Suggestions come first from spylls' edits of the word (a letter swapped, left out, doubled, replaced as the .aff's
REP and MAP tables say), each a lookup, so the lazy dictionary answers them in milliseconds. Only a word with no
edit that is a word gets spylls' whole algorithm, whose n-gram pass compares it with every word of the dictionary:
the caller then loads the whole dictionary (speller.load_dictionary, about a second) and asks it. The lookups one
word's suggestions make are counted (`Budget`): a long word that is no slip (a compound, a name in another language)
has tens of thousands of edits, seconds in pure Python, and hunspell itself gives up on such a word after a time.
A count, unlike a time, gives the same answer on every machine.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any

from spylls.hunspell import readers
from spylls.hunspell.algo.capitalization import Type as CapType
from spylls.hunspell.algo.lookup import Lookup
from spylls.hunspell.algo.suggest import Suggest
from spylls.hunspell.data import aff as affixes
from spylls.hunspell.data.dic import Dic, Word
from spylls.hunspell.readers.file_reader import FileReader

from .ranking import ranked

#: spylls' reader (readers/dic.py): data tags start at " xy:" or at a tab; "/" not after "\" starts the flags.
_TAG = re.compile(r"[ \t]\w{2}:")
_SLASH = re.compile(r"(?<!\\)/")
_COUNT = re.compile(r"^\d+(\s+|$)")


_MAGIC = b"coe-paper hunspell index 2"  # 2: a stem in the head once for each of its lines with a "ph:" tag


class Index:
    """The lines of a .dic file sorted by stem: a header line (`_MAGIC`, then the stem of each line with a "ph:"
    tag, in the file's order, each after a tab), then one record per line, `stem TAB line LF`, sorted by the stem's
    UTF-8 bytes and, for one stem, in the file's order. A stem has no tab or line feed (a tab ends it), a line no
    line feed; characters the file's encoding could not decode travel as surrogate escapes."""

    def __init__(self, data: bytes) -> None:
        head, newline, _ = data.partition(b"\n")
        magic, *ph = head.split(b"\t")
        if magic != _MAGIC or not newline:
            raise ValueError("not a hunspell index")
        self.data, self.start = data, len(head) + 1
        self.ph = [_text(stem) for stem in ph]

    @classmethod
    def of(cls, stems: list[str], lines: list[str]) -> Index:
        records = sorted(zip((_bytes(stem) for stem in stems), (_bytes(line) for line in lines), strict=True),
                         key=lambda record: record[0])  # stable: one stem's lines keep their order
        ph = [stem for stem, line in zip(stems, lines, strict=True) if "ph:" in line]
        head = b"\t".join([_MAGIC, *map(_bytes, ph)])
        return cls(b"".join([head, b"\n", *(b"%s\t%s\n" % record for record in records)]))

    def lines(self, stem: str) -> list[str]:
        """The lines of `stem`, in the file's order (ValueError when the data is not records)."""
        try:
            data, key = self.data, _bytes(stem)
        except UnicodeEncodeError:  # a surrogate no file's bytes decode to: no stem holds it
            return []
        low, high = self.start, len(data)
        while low < high:  # the first record whose stem is not below `key`; `low` and `high` are records' starts
            middle = (low + high) // 2
            begin = data.rfind(b"\n", low, middle) + 1 or low
            if data[begin : data.index(b"\t", begin)] < key:
                low = data.index(b"\n", begin) + 1
            else:
                high = begin
        found = []
        prefix = key + b"\t"
        while data.startswith(prefix, low):
            end = data.index(b"\n", low)
            found.append(_text(data[low + len(prefix) : end]))
            low = end + 1
        return found

    def stems(self) -> list[str]:
        """Every stem, once each, in the index's order."""
        keys = (record.partition(b"\t")[0] for record in self.data[self.start :].split(b"\n")[:-1])
        return [_text(key) for key in dict.fromkeys(keys)]


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


class LazyDic(Dic):  # type: ignore[misc]  # spylls has no type hints
    """The entries of a .dic file, each stem's made when a lookup first asks for it."""

    def __init__(self, entries: Index, aff: Any, context: Any, path: str) -> None:
        super().__init__(words=[])
        self.entries, self._aff, self._context, self._path = entries, aff, context, path
        self._made: dict[str, list[Word]] = {}
        self._everything = False
        self._ph_patterns()

    def _ph_patterns(self) -> None:
        """Read the stems with "ph:" tags first: spylls adds each tag's pattern to the REP table (for suggestions) as
        it reads the line. A stem's lines are read together, so their patterns are then put in the file's order."""
        rep = self._aff.REP
        before = len(rep)
        for stem in dict.fromkeys(self.entries.ph):
            self.homonyms(stem)
        del rep[before:]
        taken: dict[str, int] = {}
        for stem in self.entries.ph:  # once for each line with a tag, in the file's order
            lines = [line for line in self.entries.lines(stem) if "ph:" in line]
            number = taken[stem] = taken.get(stem, -1) + 1
            if number < len(lines):
                readers.read_dic([(2, lines[number])], aff=self._aff, context=self._context)

    def homonyms(self, stem: str, *, ignorecase: bool = False) -> list[Word]:
        if ignorecase:  # only for a word in capitals that matches no entry as it is: index them all, as spylls does
            self._read_everything()
            found: list[Word] = self.lowercase_index.get(stem, [])
            return found
        made = self._made.get(stem)
        return made if made is not None else self._make(stem)

    def _make(self, stem: str) -> list[Word]:
        try:
            lines = self.entries.lines(stem)
        except ValueError:  # a damaged stored index: read the .dic again
            self.entries = index(read_lines(self._path, self._context), self._context)
            lines = self.entries.lines(stem)
        words: list[Word] = readers.read_dic(((2, line) for line in lines), aff=self._aff,
                                             context=self._context).words if lines else []
        self._made[stem] = words
        return words

    def _read_everything(self) -> None:
        if self._everything:
            return
        for stem in self.entries.stems():
            for word in self.homonyms(stem):
                lower = self._aff.casing.lower(word.stem) if word.captype != CapType.NO else word.stem
                for form in lower:  # a lower-case stem's characters, one by one, as spylls' Dic.append does
                    self.lowercase_index[form].append(word)
        self._everything = True


def index(lines: list[str], context: Any) -> Index:
    """The lines of a .dic file by stem."""
    stems = [line.partition("/")[0] for line in lines]  # list building runs in C
    plain = context.ignore is None  # else every stem has the ignored characters taken out
    for number in [n for n, line in enumerate(lines)  # lines that may hold more than "stem" or "stem/flags"
                   if not plain or "\t" in line or ":" in line or "\\" in line or line[:1] == "/"
                   or line.count("/") > 1]:
        stems[number] = _stem(lines[number], context)
    return Index.of(stems, lines)


def _stem(line: str, context: Any) -> str:
    """The stem of a .dic line, as spylls' read_dic finds it."""
    match = _TAG.search(line)
    start: int | None = match.start() if match else None
    tab = line.find("\t")
    if tab != -1 and (not start or start > tab):
        start = tab
    word = line[:start] if start else line
    if not word.startswith("/"):
        parts = _SLASH.split(word, 2)
        if len(parts) == 2:
            word = parts[0]
    word = word.replace("\\/", "/")
    return word.translate(context.ignore.tr) if context.ignore else word


def read_lines(path: str, context: Any) -> list[str]:
    """The .dic file's lines as spylls' FileReader gives them: stripped, empty ones left out, and the first left
    out when it is the count of entries."""
    with open(path, encoding=context.encoding, errors="surrogateescape") as handle:
        lines = handle.read().split("\n")
    if lines[0].startswith("\xef\xbb\xbf"):
        lines[0] = lines[0].replace("\xef\xbb\xbf", "")
    if _COUNT.match(lines[0].strip()):
        lines[0] = ""
    return [line for line in [line.strip() for line in lines] if line]


#: Lines read between two calls of a reader's `pause`.
PAUSE_LINES = 512


class _Reader(FileReader):  # type: ignore[misc]  # spylls has no type hints
    """spylls' line reader, keeping every file it opens (it opens the .aff again when the file names its encoding,
    and closes none) so that they can be closed; `pause`, when given, is called every PAUSE_LINES lines (a
    dictionary loaded in the background waits there while something more urgent runs)."""

    def __init__(self, path: str, encoding: str = "Windows-1252", pause: Callable[[], None] | None = None) -> None:
        self.opened: list[Any] = []
        self.pause = pause
        self.taken = 0
        super().__init__(path, encoding)

    def __next__(self) -> Any:
        self.taken += 1
        if self.pause is not None and not self.taken % PAUSE_LINES:
            self.pause()
        return super().__next__()

    def _open(self, path: str, encoding: str) -> Any:
        handle = super()._open(path, encoding)
        self.opened.append(handle)
        return handle

    def close(self) -> None:
        for handle in self.opened:
            handle.close()


class _Suffix(affixes.Suffix):  # type: ignore[misc]  # spylls has no type hints
    """spylls' suffix, its two regular expressions compiled when a lookup first asks for them: spylls compiles both
    for each of the 1,200 affixes of en_GB as it reads the .aff (0.15 s), and a lookup tries the few whose ending
    the word has."""

    def __post_init__(self) -> None:
        pass

    @cached_property
    def cond_regexp(self) -> re.Pattern[str]:
        return re.compile(self.condition.replace("-", "\\-") + "$")

    @cached_property
    def replace_regexp(self) -> re.Pattern[str]:
        return re.compile(self.add + "$")


class _Prefix(affixes.Prefix):  # type: ignore[misc]  # spylls has no type hints
    """spylls' prefix, its regular expressions compiled on first use (as `_Suffix`)."""

    def __post_init__(self) -> None:
        pass

    @cached_property
    def cond_regexp(self) -> re.Pattern[str]:
        return re.compile("^" + self.condition.replace("-", "\\-"))

    @cached_property
    def replace_regexp(self) -> re.Pattern[str]:
        return re.compile("^" + self.add)


_READING = threading.Lock()  # one reading at a time makes the affixes `_Suffix` and `_Prefix`


def read_aff(path: str, checked: bool = True) -> tuple[Any, Any]:
    """spylls' reading of the .aff file at `path` (its affixes, and the context: encoding, flags), files closed.
    Its affixes are `_Suffix` and `_Prefix`: spylls' reader takes the classes from its data module as it makes each
    affix, which hold them only while the reading lasts. `checked`: every affix's expressions are compiled now, as
    spylls compiles them, so that an .aff spylls cannot read fails here (re.error), not in the middle of a check;
    not when the file was read so before (`Lookups` with an index kept in the cache)."""
    reader = _Reader(path)
    try:
        with _READING:
            made = affixes.Suffix, affixes.Prefix
            affixes.Suffix, affixes.Prefix = _Suffix, _Prefix
            try:
                aff, context = readers.read_aff(reader)
            finally:
                affixes.Suffix, affixes.Prefix = made
    finally:
        reader.close()
    for table in (aff.SFX, aff.PFX) if checked else ():
        for group in table.values():
            for affix in group:
                affix.cond_regexp, affix.replace_regexp  # noqa: B018
    return aff, context


def whole_dictionary(path: str, pause: Callable[[], None] | None = None) -> Any:
    """spylls' Dictionary with every entry (suggestions need them), read as Dictionary.from_files reads it but with
    its files closed; `pause` is called now and then as the .dic is read (see _Reader)."""
    from spylls.hunspell import Dictionary

    aff, context = read_aff(path + ".aff")
    reader = _Reader(path + ".dic", encoding=context.encoding, pause=pause)
    try:
        dic = readers.read_dic(reader, aff=aff, context=context)
    finally:
        reader.close()
    return Dictionary(aff, dic)


class Lookups:
    """`lookup(word)`: whether the dictionary at `path` (.aff and .dic) holds `word`, as spylls says. `entries`, the
    .dic's lines by stem as `index` made them (kept by the caller in the section cache), spares reading the .dic."""

    def __init__(self, path: str, entries: Index | None = None) -> None:
        aff, context = read_aff(path + ".aff", checked=entries is None)  # an index is kept once the files were read
        if entries is None:
            entries = index(read_lines(path + ".dic", context), context)
        self.dic = LazyDic(entries, aff, context, path + ".dic")
        self._lookup = Lookup(aff, self.dic)
        self.edits = EditSuggest(aff, self.dic, self._lookup)

    def lookup(self, word: str) -> bool:
        return bool(self._lookup(word))

    def suggest(self, word: str, count: int, budget: Budget | None = None) -> list[str] | None:
        """The first `count` of spylls' suggestions from edits of `word`; None when no edit is a word."""
        return edit_suggestions(self.edits, word, count, budget)


def edits_of(dictionary: Any) -> EditSuggest:
    """What suggests edits of a word in spylls' whole `dictionary`, as `Lookups.suggest` does in the lazy one."""
    return EditSuggest(dictionary.aff, dictionary.dic, dictionary.lookuper)


#: The lookups one word's suggestions may make, edits and n-gram passes together: a slip of an English word has
#: all its edits tried (to rank them) within a few thousand (12,000 for a capitalised 20-letter one), a 40-letter
#: compound's edits make 50,000 (ten seconds).
SUGGESTION_LOOKUPS = 16_000


class TooManyLookups(Exception):
    """A word's suggestions have made all the lookups their `Budget` allows: the word gets none."""


class Budget:
    """The lookups left to one word's suggestions; each spylls suggester asks through `counted` copies of it."""

    def __init__(self, lookups: int = SUGGESTION_LOOKUPS) -> None:
        self.left = lookups

    def counted(self, suggester: Any) -> Any:
        """A copy of spylls' `suggester` (Suggest, or EditSuggest) whose lookups spend this budget; the suggester
        itself is left as it is (the dictionary is shared with other threads)."""
        counting = copy.copy(suggester)
        counting.lookup = _CountedLookup(suggester.lookup, self)
        return counting

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooManyLookups


class _CountedLookup:
    """spylls' Lookup, each call (a suggestion checked) spending the budget."""

    def __init__(self, lookup: Lookup, budget: Budget) -> None:
        self._lookup, self._budget = lookup, budget

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self._budget.spend()
        return self._lookup(*args, **kwargs)

    def good_forms(self, *args: Any, **kwargs: Any) -> Any:
        self._budget.spend()
        return self._lookup.good_forms(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lookup, name)


def edit_suggestions(edits: EditSuggest, word: str, count: int, budget: Budget | None = None) -> list[str] | None:
    """The `count` likeliest suggestions (ranking.py) of those `edits` finds for `word` before spylls' passes over
    every word; None when there are none. With a `budget`, those found before it is spent, or TooManyLookups when
    none was."""
    found: list[tuple[str, str]] = []
    try:
        for suggestion in (budget.counted(edits) if budget is not None else edits).suggestions(word):
            found.append((str(suggestion.text), str(suggestion.kind)))
    except _NeedsEveryWord:
        pass
    except TooManyLookups:
        if not found:
            raise
    return ranked(word, found)[:count] or None


class _NeedsEveryWord(Exception):
    """spylls' suggestions have come to a pass that compares the word with every word of the dictionary."""


class EditSuggest(Suggest):  # type: ignore[misc]  # spylls has no type hints
    """spylls' suggestions up to the passes that need every word: those raise _NeedsEveryWord instead."""

    def __init__(self, aff: Any, dic: Dic, lookup: Lookup) -> None:
        self.aff, self.dic, self.lookup = aff, dic, lookup  # not spylls' list of every word, which the passes use

    def ngram_suggestions(self, word: str, handled: set[str]) -> Iterator[str]:
        raise _NeedsEveryWord

    def phonet_suggestions(self, word: str) -> Iterator[str]:
        raise _NeedsEveryWord
