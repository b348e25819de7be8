"""Redline: two renderings of the paper (an older revision and the current one) merged into one body in which
every difference is a Word tracked change that a reviewer can accept or reject.

Both versions are rendered into the same `DocxBuilder`, so numbering, hyperlinks, images and footnotes of the
old version stay valid in the merged document. The body is compared in segments (title page, contents, each
section by id, annex); inside a segment blocks are aligned with difflib, similar paragraphs are compared word
by word, the rest become whole inserted or deleted paragraphs (paragraph mark included). Tables of the same
width are compared row by row and cell by cell; other tables are inserted and deleted whole. Formatting-only
changes are not tracked: where only formatting differs the new formatting is shown. A paragraph's words and the
writing of the changed paragraph are in `redline_atoms.py`, who made each change in `redline_authors.py`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import count

from . import ooxml, ooxml_review
from .docx_writer import DocxBuilder
from .redline_atoms import Atom, AtomWriter, Para, read_para
from .redline_authors import Op, Segment, Stamp, Who
from .sources import Source

Element = ooxml.Element
w = ooxml.w
_CUTOFF = 0.5  # share of equal words above which two paragraphs are compared word by word
_MAX_PAIRS = 2500  # beyond this many candidate pairs, a changed stretch is deleted and inserted whole


# -- rendering both versions into one package ---------------------------------------------------------------------
class ComparingBuilder(DocxBuilder):
    """A DocxBuilder that remembers footnote texts (to compare footnote references) and can render an older
    version's blocks without letting them into the table of contents."""

    def __init__(self, template: bytes, source: Source) -> None:
        super().__init__(template, source)
        self.footnote_texts: dict[str, str] = {}
        self.ranged = False  # two versions of a section in one document: their bookmark ids must differ

    def add_footnote(self, footnote_id: int, paragraphs: list[Element]) -> None:
        super().add_footnote(footnote_id, paragraphs)
        self.footnote_texts[str(footnote_id)] = " ".join(ooxml.text_of(p) for p in paragraphs)

    def number_notes(self, body: Sequence[Element]) -> None:
        """Number the footnotes 1, 2, ... in the order the merged `body` cites them, old and new together, and keep
        only those it cites. Both versions' notes were numbered as they were rendered (the new version's first),
        and LibreOffice gives the note texts to the references in the order of their ids: after a deleted note,
        every later reference showed the text of another note (Word, which matches them by id, did not)."""
        order: dict[str, int] = {}
        for element in body:
            for reference in element.iter(w("footnoteReference")):
                number = order.setdefault(reference.get(w("id"), ""), len(order) + 1)
                reference.set(w("id"), str(number))
        notes = {str(note_id): note for note_id, note in self._footnotes}
        self._footnotes = sorted(((number, notes[note_id]) for note_id, number in order.items() if note_id in notes),
                                 key=lambda numbered: numbered[0])
        self._footnote_id = len(order)

    def entry_ids(self) -> set[int]:
        """The contents' entries of the last contents made (by id): their links go to that version's own heading
        bookmarks, so the comparison reads them by their words (Redliner.entries)."""
        return {id(p) for p, _, _ in self.contents_entries}

    @contextmanager
    def older(self, source: Source) -> Iterator[None]:
        """Render from `source` with a fresh heading list; afterwards the current version's state is back."""
        saved_source, saved_headings = self.source, self.headings
        self.source, self.headings = source, []
        try:
            yield
        finally:
            self.source, self.headings = saved_source, saved_headings


# -- merging ------------------------------------------------------------------------------------------------------


@dataclass
class Redliner:
    """Aligns old and new blocks and writes the merged body with tracked changes."""

    ids: Iterator[int]
    footnotes: Callable[[str], str]
    entries: set[int] = field(default_factory=set)  # the contents' entries (by id), which compare by their words
    counts: Counter[str] = field(default_factory=Counter)
    _numbers: dict[str, str] = field(default_factory=dict)  # old list numId -> the new list it continues as
    _paras: dict[int, Para] = field(default_factory=dict)

    def merge(self, old: Sequence[Segment], new: Sequence[Segment],
              stamp: Callable[[Segment, Segment | None], Who]) -> list[Element]:
        """The merged body: segments matched by key, each compared block by block; `stamp` says who made each
        change of a segment (compared with the older one, if any), a changed block split when it takes two."""
        plan: list[tuple[Op, Stamp]] = []
        matcher = SequenceMatcher(None, [s.key for s in old], [s.key for s in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                    who = stamp(after, before)
                    plan += [change for op in self.align(before.blocks, after.blocks) for change in who(op)]
                continue
            for before in old[i1:i2]:
                who = stamp(before, None)
                plan += [change for op in self.align(before.blocks, []) for change in who(op)]
            for after in new[j1:j2]:
                who = stamp(after, None)
                plan += [change for op in self.align([], after.blocks) for change in who(op)]
        return [element for op, when in plan for element in self.emit([op], when)]

    # -- alignment ------------------------------------------------------------------------------------------------
    def _p(self, p: Element) -> Para:
        found = self._paras.get(id(p))
        if found is None:
            found = self._paras[id(p)] = read_para(p, self.footnotes, id(p) not in self.entries)
        return found

    def key(self, block: Element) -> tuple[object, ...]:
        if block.tag == ooxml.P:
            para = self._p(block)
            return ("p", para.kind, *para.words)
        return ("x", block.tag, *(a.key for p in block.iter(ooxml.P) for a in self._p(p).atoms),
                len(block.findall(w("tr"))))

    def align(self, old: Sequence[Element], new: Sequence[Element]) -> list[Op]:
        ops: list[Op] = []
        matcher = SequenceMatcher(None, [self.key(b) for b in old], [self.key(b) for b in new], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for before, after in zip(old[i1:i2], new[j1:j2], strict=True):
                    self._continue_list(before, after)
                    ops.append(("same", before, after))
            else:
                ops += self._pair(old[i1:i2], new[j1:j2])
        return ops

    def _comparable(self, before: Element, after: Element) -> bool:
        if before.tag == after.tag == ooxml.P:
            return self._p(before).kind == self._p(after).kind
        return before.tag == after.tag == w("tbl") and _columns(before) == _columns(after)

    def _similarity(self, before: Element, after: Element) -> float:
        if not self._comparable(before, after):
            return 0.0
        if before.tag == ooxml.P:
            x, y = self._p(before).words, self._p(after).words
        else:
            x = [a.key for p in before.iter(ooxml.P) for a in self._p(p).atoms]
            y = [a.key for p in after.iter(ooxml.P) for a in self._p(p).atoms]
        matcher = SequenceMatcher(None, x, y, autojunk=False)
        return matcher.ratio() if matcher.real_quick_ratio() >= _CUTOFF else 0.0

    def _pair(self, old: Sequence[Element], new: Sequence[Element]) -> list[Op]:
        """Like difflib.Differ's fancy replace: pair the most similar blocks, recurse on both sides."""
        best, where = _CUTOFF, None
        if len(old) == len(new) == 1 and self._comparable(old[0], new[0]):
            where = (0, 0)  # one block replaced by one of the same kind: show the change word by word
        elif old and new and len(old) * len(new) <= _MAX_PAIRS:
            for i, before in enumerate(old):
                for j, after in enumerate(new):
                    score = self._similarity(before, after)
                    if score >= best and (where is None or score > best):
                        best, where = score, (i, j)
        if where is None:
            return [("del", b, None) for b in old] + [("ins", None, a) for a in new]
        i, j = where
        self._continue_list(old[i], new[j])
        return [*self._pair(old[:i], new[:j]), ("pair", old[i], new[j]), *self._pair(old[i + 1 :], new[j + 1 :])]

    def _continue_list(self, before: Element, after: Element) -> None:
        if before.tag == ooxml.P and after.tag == ooxml.P:
            old_num, new_num = _num_id(before), _num_id(after)
            if old_num and new_num:
                self._numbers.setdefault(old_num, new_num)

    # -- emission ------------------------------------------------------------------------------------------------
    def emit(self, ops: Sequence[Op], stamp: Stamp) -> list[Element]:
        out: list[Element] = []
        for op, before, after in ops:
            if op == "same" and after is not None:
                out.append(after)
            elif op == "pair" and before is not None and after is not None:
                out.append(self._changed(before, after, stamp))
            elif op == "del" and before is not None:
                out.append(self._whole(before, ooxml_review.DEL, stamp))
            elif op == "ins" and after is not None:
                out.append(self._whole(after, ooxml_review.INS, stamp))
        return out

    def revision(self, kind: str, stamp: Stamp) -> Element:
        self.counts[kind] += 1
        return ooxml_review.revision(kind, next(self.ids), stamp.author, stamp.date)

    def _whole(self, block: Element, kind: str, stamp: Stamp) -> Element:
        """A paragraph or table inserted or deleted as a whole (for tables: every row)."""
        if block.tag == ooxml.P:
            para = self._p(block)
            state = "del" if kind == ooxml_review.DEL else "ins"
            return self._paragraph(para, [(state, a) for a in para.atoms], stamp, kind)
        if block.tag != w("tbl"):  # nothing else is rendered; kept as it is
            return block
        for tr in block.iter(w("tr")):
            ooxml_review.mark_row(tr, kind, next(self.ids), stamp.author, stamp.date)
            self.counts[kind] += 1
            self._cells(tr, kind, stamp)
        return block

    def _cells(self, tr: Element, kind: str, stamp: Stamp) -> None:
        state = "del" if kind == ooxml_review.DEL else "ins"
        for tc in tr.findall(w("tc")):
            for p in tc.findall(ooxml.P):
                para = self._p(p)
                p.addprevious(self._paragraph(para, [(state, a) for a in para.atoms], stamp, None))
                tc.remove(p)

    def _changed(self, before: Element, after: Element, stamp: Stamp) -> Element:
        if after.tag == w("tbl"):
            return self._table(before, after, stamp)
        a, b = self._p(before), self._p(after)
        matcher = SequenceMatcher(None, a.words, b.words, autojunk=False)
        items: list[tuple[str, Atom]] = []
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                items += [("same", atom) for atom in b.atoms[j1:j2]]
                continue
            items += [("del", atom) for atom in a.atoms[i1:i2]]
            items += [("ins", atom) for atom in b.atoms[j1:j2]]
        return self._paragraph(b, items, stamp, None)

    def _table(self, before: Element, after: Element, stamp: Stamp) -> Element:
        old_rows, new_rows = before.findall(w("tr")), after.findall(w("tr"))
        for tr in new_rows:
            after.remove(tr)
        matcher = SequenceMatcher(None, [self.key(r) for r in old_rows], [self.key(r) for r in new_rows],
                                  autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            olds, news = old_rows[i1:i2], new_rows[j1:j2]
            if tag == "equal" or (tag == "replace" and len(olds) == len(news)):
                for old_tr, new_tr in zip(olds, news, strict=True):
                    if tag != "equal":
                        for old_tc, new_tc in zip(old_tr.findall(w("tc")), new_tr.findall(w("tc")), strict=False):
                            self._cell(old_tc, new_tc, stamp)
                    after.append(new_tr)
                continue
            for tr in olds:
                self._whole_row(tr, ooxml_review.DEL, stamp)
                after.append(tr)
            for tr in news:
                self._whole_row(tr, ooxml_review.INS, stamp)
                after.append(tr)
        return after

    def _whole_row(self, tr: Element, kind: str, stamp: Stamp) -> None:
        ooxml_review.mark_row(tr, kind, next(self.ids), stamp.author, stamp.date)
        self.counts[kind] += 1
        self._cells(tr, kind, stamp)

    def _cell(self, old_tc: Element, new_tc: Element, stamp: Stamp) -> None:
        olds, news = old_tc.findall(ooxml.P), new_tc.findall(ooxml.P)
        merged = self.emit(self.align(olds, news), stamp)
        for p in news:
            new_tc.remove(p)
        new_tc.extend(merged)

    def _paragraph(self, para: Para, items: Sequence[tuple[str, Atom]], stamp: Stamp, mark: str | None) -> Element:
        """Build a paragraph from atoms; `mark` records the paragraph mark itself as inserted or deleted."""
        p = ooxml.paragraph()
        props = para.element.find(ooxml.PPR)
        if props is not None:
            props = deepcopy(props)
            if mark == ooxml_review.DEL:
                for node in props.iter(w("numId")):
                    node.set(w("val"), self._numbers.get(node.get(w("val"), ""), node.get(w("val"), "")))
            p.append(props)
        if mark != ooxml_review.DEL:
            p.extend(deepcopy(m) for m in para.prefix)
        AtomWriter(lambda kind: self.revision(kind, stamp), p).write(items)
        if mark is not None:
            self.counts[mark] += 1
            ooxml_review.mark_paragraph(p, mark, next(self.ids), stamp.author, stamp.date)
        return p


def _columns(tbl: Element) -> int:
    grid = tbl.find(w("tblGrid"))
    return len(grid.findall(w("gridCol"))) if grid is not None else -1


def _num_id(p: Element) -> str | None:
    node = p.find(f"{ooxml.PPR}/{w('numPr')}/{w('numId')}")
    return node.get(w("val")) if node is not None else None


def revision_ids(start: int) -> Iterator[int]:
    return count(start)
