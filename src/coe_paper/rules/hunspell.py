"""Spelling lookups in a hunspell dictionary without reading all of it.

spylls reads every entry of a .dic file into a `Word` before its first lookup: 0.8 s for the 97,000 entries of
en_GB, paid by any run that meets a word no earlier run has looked up (one new word in an edited section). A lookup
asks the dictionary only for the entries of the stems its affix rules produce from the word. `LazyDic` indexes the
file's lines by stem (a split of each line, about 0.05 s) and makes a stem's `Word`s, with spylls' own reader, when
a lookup first asks for them; spylls' `Lookup` does the rest, so answers are spylls' answers (a test compares them
with the whole dictionary's, entry by entry and word by word). Suggestions still need every word: they load the
whole dictionary (spelling.load_dictionary).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from spylls.hunspell import readers
from spylls.hunspell.algo.capitalization import Type as CapType
from spylls.hunspell.algo.lookup import Lookup
from spylls.hunspell.data.dic import Dic, Word
from spylls.hunspell.readers.file_reader import FileReader

#: spylls' reader (readers/dic.py): data tags start at " xy:" or at a tab; "/" not after "\" starts the flags.
_TAG = re.compile(r"[ \t]\w{2}:")
_SLASH = re.compile(r"(?<!\\)/")
_COUNT = re.compile(r"^\d+(\s+|$)")


class LazyDic(Dic):  # type: ignore[misc]  # spylls has no type hints
    """The entries of a .dic file, each stem's made when a lookup first asks for it."""

    def __init__(self, lines: list[str], aff: Any, context: Any) -> None:
        super().__init__(words=[])
        self._lines, self._aff, self._context = lines, aff, context
        stems = [line.partition("/")[0] for line in lines]  # list and dict building run in C: ~0.04 s for en_GB
        plain = context.ignore is None  # else every stem has the ignored characters taken out
        for number in [n for n, line in enumerate(lines)  # lines that may hold more than "stem" or "stem/flags"
                       if not plain or "\t" in line or ":" in line or "\\" in line or line[:1] == "/"
                       or line.count("/") > 1]:  # fmt: skip
            stems[number] = _stem(lines[number], context)
        self._row = dict(zip(stems, range(len(stems)), strict=True))  # a stem's (last) line
        self._rows: dict[str, list[int]] = {}  # the lines of a stem with several, in the file's order
        if len(self._row) < len(stems):
            repeated = {stem for stem, count in Counter(stems).items() if count > 1}
            for number, stem in [(n, s) for n, s in enumerate(stems) if s in repeated]:
                self._rows.setdefault(stem, []).append(number)
        self._made: dict[str, list[Word]] = {}
        self._everything = False
        for line in [line for line in lines if "ph:" in line]:  # read first, in the file's order: spylls adds
            self.homonyms(_stem(line, context))  # their patterns to the REP table (for suggestions)

    def homonyms(self, stem: str, *, ignorecase: bool = False) -> list[Word]:
        if ignorecase:  # only for a word in capitals that matches no entry as it is: index them all, as spylls does
            self._read_everything()
            found: list[Word] = self.lowercase_index.get(stem, [])
            return found
        made = self._made.get(stem)
        return made if made is not None else self._make(stem)

    def _make(self, stem: str) -> list[Word]:
        row = self._row.get(stem)
        rows = self._rows.get(stem) or ([] if row is None else [row])
        words: list[Word] = readers.read_dic(((2, self._lines[row]) for row in rows), aff=self._aff,
                                             context=self._context).words if rows else []  # fmt: skip
        self._made[stem] = words
        return words

    def _read_everything(self) -> None:
        if self._everything:
            return
        for stem in self._row:
            for word in self.homonyms(stem):
                lower = self._aff.casing.lower(word.stem) if word.captype != CapType.NO else word.stem
                for form in lower:  # a lower-case stem's characters, one by one, as spylls' Dic.append does
                    self.lowercase_index[form].append(word)
        self._everything = True


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


def _lines(path: str, encoding: str) -> list[str]:
    """The .dic file's lines as spylls' FileReader gives them: stripped, empty ones left out, and the first left
    out when it is the count of entries."""
    with open(path, encoding=encoding, errors="surrogateescape") as handle:
        lines = handle.read().split("\n")
    if lines[0].startswith("\xef\xbb\xbf"):
        lines[0] = lines[0].replace("\xef\xbb\xbf", "")
    if _COUNT.match(lines[0].strip()):
        lines[0] = ""
    return [line for line in [line.strip() for line in lines] if line]


class Lookups:
    """`lookup(word)`: whether the dictionary at `path` (.aff and .dic) holds `word`, as spylls says."""

    def __init__(self, path: str) -> None:
        reader = FileReader(path + ".aff")
        try:
            aff, context = readers.read_aff(reader)
        finally:
            reader.io.close()  # spylls leaves it open
        self.dic = LazyDic(_lines(path + ".dic", context.encoding), aff, context)
        self._lookup = Lookup(aff, self.dic)

    def lookup(self, word: str) -> bool:
        return bool(self._lookup(word))
