"""Redline: two renderings of the paper (an older revision and the current one) merged into one body in which
every difference is a Word tracked change that a reviewer can accept or reject.

Both versions are rendered into the same `DocxBuilder`, so numbering, hyperlinks, images and footnotes of the
old version stay valid in the merged document. The body is compared in segments (title page, contents, each
section by id, annex); inside a segment blocks are aligned with difflib, similar paragraphs are compared word
by word, the rest become whole inserted or deleted paragraphs (paragraph mark included). Tables of the same
width are compared row by row and cell by cell; other tables are inserted and deleted whole. Formatting-only
changes are not tracked: where only formatting differs the new formatting is shown. A paragraph's words and the
writing of the changed paragraph are in `redline_atoms.py`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import datetime, timezone
from difflib import SequenceMatcher
from itertools import count
from pathlib import Path

from . import gitrun, ooxml, ooxml_review
from .attribution import IdentityMap
from .docx_writer import DocxBuilder
from .gitlog import PAPER_PATHS
from .historygit import GIT_CONFIG
from .locate import CONFIG_PATH
from .model import Project
from .redline_atoms import Atom, AtomWriter, Para, read_para
from .render_inline import clean
from .sources import Source

Element = ooxml.Element
w = ooxml.w
_CUTOFF = 0.5  # share of equal words above which two paragraphs are compared word by word
_MAX_PAIRS = 2500  # beyond this many candidate pairs, a changed stretch is deleted and inserted whole
UNCOMMITTED = "Uncommitted"
_Op = tuple[str, Element | None, Element | None]  # ("same" | "del" | "ins" | "pair", old, new)
_COMMIT = "coe-commit"  # marks a commit's line in `git log --name-only` output


def _names(root: Path, *args: str) -> list[str]:
    """The NUL-separated names a git command (`-z`) writes, as Python names files: with `-z` git quotes none (a name
    past ASCII, or with a '"', came back as `"sections/01-intr\\303\\266.md"` and matched no section)."""
    found = gitrun.output(root, *args, config=GIT_CONFIG)
    return found.decode("utf-8", "surrogateescape").split("\0") if found else []


def w_date(date: datetime) -> str:
    """A w:date value: UTC, ISO 8601 with Z."""
    return date.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Stamp:
    """Who made a change and when (the w:author and w:date of its w:ins and w:del)."""

    author: str
    date: str


@dataclass(frozen=True)
class Segment:
    """A stretch of the body that is compared as a whole, with the source files it comes from."""

    key: str
    blocks: list[Element]
    paths: tuple[str, ...] = ()


# -- who changed what (git) -----------------------------------------------------------------------------------------
Who = Callable[[_Op], list[tuple[_Op, Stamp]]]  # who made one change of a segment (an op of `Redliner.align`)


class Authors:
    """The organisation and date of the last commit between `rev` and HEAD that touched each paper file, and, with
    the work tree's changes, who made each change of a comparison (`changes`)."""

    def __init__(self, root: Path, rev: str, project: Project, built: datetime) -> None:
        identities = IdentityMap.from_project(project, root)
        names = {c.id: c.name for c in project.contributors}
        self.uncommitted = Stamp(UNCOMMITTED, w_date(built))
        self.last: dict[str, Stamp] = {}
        self.latest: Stamp | None = None
        log = _names(root, "log", "-z", "--no-renames", "--relative", "--name-only",
                     f"--format={_COMMIT}%n%an%n%ae%n%cI", f"{rev}..HEAD", "--", *PAPER_PATHS)
        stamp: Stamp | None = None
        first = False
        for entry in log:  # a commit's line, then its files, each ended by a NUL (the first after a line break)
            if entry.startswith(f"{_COMMIT}\n"):  # one field a line: a name or e-mail holds no line break
                _, name, email, iso = entry.split("\n")
                org = identities.org_for(name, email)
                author = names.get(org, org) if org else identities.canonical(name, email).name
                stamp = Stamp(clean(author), w_date(datetime.fromisoformat(iso)))  # git takes a control character
                self.latest, first = self.latest or stamp, True
            elif entry and stamp is not None:
                path, first = (entry.removeprefix("\n") if first else entry), False
                self.last.setdefault(path, stamp)  # newest first: the first commit seen is the last change
        changed = _names(root, "diff", "-z", "--name-only", "--relative", "--no-renames", "HEAD", "--", *PAPER_PATHS)
        untracked = _names(root, "ls-files", "-z", "--others", "--exclude-standard", "--", *PAPER_PATHS)
        self.dirty = {p for p in (*changed, *untracked) if p}
        self.built = built

    def stamp(self, paths: Sequence[str]) -> Stamp:
        """The last commit since `rev` to any of `paths`; else the last to any paper file (templates, outline)."""
        found = [self.last[p] for p in paths if p in self.last]
        if found:
            return max(found, key=lambda s: s.date)
        return self.latest or Stamp("coe-paper", w_date(self.built))

    def changes(self, old: Sequence[Segment], new: Sequence[Segment], head: Sequence[Segment] | None,
                redliner: Redliner) -> Callable[[Segment, Segment | None], Who]:
        """Who made each change of a segment (compared with the older one, if any): the last commit to its files
        (`stamp`), or for a section the outline moved (deleted where it was, inserted where it is) the last commit to
        paper/paper.yaml; but what the work tree changed is Uncommitted: a block inserted, or the new side of a
        changed one, that HEAD's segment of the same key does not hold, a block deleted, or the old side of a
        changed one, that it still holds, and a move of a section that has others before it than at HEAD. A block
        changed whose sides are by different authors is deleted and inserted whole. `head` is HEAD's segments when
        the work tree differs from HEAD (None: it does not, or HEAD could not be rendered, and then a segment from a
        changed file, or any without one, is Uncommitted whole)."""
        key, at_head = redliner._key, {s.key: s for s in head or ()}  # blocks compared as the redline aligns them
        as_at_head = {s.key for s in new if s.key in at_head and [key(b) for b in s.blocks] == [
            key(b) for b in at_head[s.key].blocks]}
        moves = {s.key for s in new} & {s.key for s in old}  # those of them compared whole were moved
        moved_here = moves if self.dirty and head is None and CONFIG_PATH in self.dirty else set()
        if head is not None:  # moved by the work tree: what is before it is not what was before it at HEAD
            now = [s.key for s in new if s.key in at_head]
            then = sorted(now, key=[*at_head].index)
            moved_here = {k for k in moves if k not in now or set(now[:now.index(k)]) != set(then[:then.index(k)])}

        def who(segment: Segment, other: Segment | None) -> Who:
            paths = segment.paths + (other.paths if other else ())
            moved = other is None and segment.key in moves
            committed = self.last.get(CONFIG_PATH, self.stamp(paths)) if moved else self.stamp(paths)
            if moved and segment.key in moved_here:
                return lambda op: [(op, self.uncommitted)]
            if not self.dirty or segment.key in as_at_head:
                return lambda op: [(op, committed)]
            if head is None:
                touched = any(p in self.dirty for p in paths) or not paths
                return lambda op: [(op, self.uncommitted if touched else committed)]
            held = Counter(key(b) for b in at_head[segment.key].blocks) if segment.key in at_head else Counter()

            def one(op: _Op) -> list[tuple[_Op, Stamp]]:
                _, before, after = op
                gone = self.uncommitted if before is not None and key(before) in held and not moved else committed
                came = committed if after is not None and key(after) in held else self.uncommitted
                if op[0] != "pair" or gone == came:
                    return [(op, gone if op[0] == "del" else came)]
                return [(("del", before, None), gone), (("ins", None, after), came)]
            return one
        return who


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
        plan: list[tuple[_Op, Stamp]] = []
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

    def _key(self, block: Element) -> tuple[object, ...]:
        if block.tag == ooxml.P:
            para = self._p(block)
            return ("p", para.kind, *para.words)
        return ("x", block.tag, *(a.key for p in block.iter(ooxml.P) for a in self._p(p).atoms),
                len(block.findall(w("tr"))))

    def align(self, old: Sequence[Element], new: Sequence[Element]) -> list[_Op]:
        ops: list[_Op] = []
        matcher = SequenceMatcher(None, [self._key(b) for b in old], [self._key(b) for b in new], autojunk=False)
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

    def _pair(self, old: Sequence[Element], new: Sequence[Element]) -> list[_Op]:
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
    def emit(self, ops: Sequence[_Op], stamp: Stamp) -> list[Element]:
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
        matcher = SequenceMatcher(None, [self._key(r) for r in old_rows], [self._key(r) for r in new_rows],
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
