"""Changes made inside another reviewer's tracked insertion when that insertion is not taken (`apply --only`):
words typed between its words, and its words deleted or replaced. Those words are in no section file, so such a
change has nowhere to go: what rejecting the insertion in Word leaves of it (the new words run into the text
around the insertion, `obstaclesarguably the main`) is not written, and the change is reported with its words.

A change here is a run of pieces of one author's changes, with nothing unchanged between them (a replacement is
a deletion and an insertion side by side). It is inside an insertion not taken when it deletes some of that
insertion's words, or when it only types words, among inserted words that begin and end with words of
insertions not taken (Word splits an insertion where another reviewer types into it: the insertion that holds
the other is the one at both ends). New words typed at an insertion's edge are not inside it: they are taken
as they are."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .mdtext import Piece, quoted, short
from .wordblocks import Rev


@dataclass(frozen=True)
class Stray:
    """A change inside an insertion not taken: where it is in the text as built, whose it is, and what the report
    says of it."""

    pos: int
    author: str
    message: str


def unapplied(rev: Rev | None, accepted: Callable[[str], bool]) -> bool:
    """Whether a piece's words are only in an insertion that is not taken: an insertion itself, or a deletion of
    words an insertion added (whoever deleted them)."""
    if rev is None:
        return False
    if rev.kind == "ins":
        return not accepted(rev.author)
    return rev.kind == "del" and rev.inserted_by is not None and not accepted(rev.inserted_by)


def stranded(pieces: Sequence[Piece], accepted: Callable[[str], bool]) -> tuple[frozenset[int], list[Stray]]:
    """The pieces of the taken changes that lie inside insertions not taken (to be left as they were built), and
    each such change, for the report."""
    if not any(unapplied(piece.rev, accepted) for piece in pieces):  # every change taken, or none inserted
        return frozenset(), []
    who = [piece.rev.author if piece.rev is not None else None for piece in pieces]
    runs: list[range] = []  # each change: one author's pieces side by side
    for index, author in enumerate(who):
        if author is not None and runs and runs[-1].stop == index and who[index - 1] == author:
            runs[-1] = range(runs[-1].start, index + 1)
        elif author is not None:
            runs.append(range(index, index + 1))
    left: set[int] = set()
    strays: list[Stray] = []
    for run in runs:
        deletes = any(unapplied(pieces[i].rev, accepted) for i in run)
        typed = all(_inserted(pieces[i].rev) for i in run)  # no words of the text as built
        if not accepted(who[run.start] or "") or (not deletes and not typed):
            continue
        around = _around(pieces, run)
        ends = unapplied(pieces[around.start].rev, accepted) and unapplied(pieces[around.stop - 1].rev, accepted)
        if deletes or (ends and around.start < run.start and run.stop < around.stop):
            left.update(run)
            strays.append(_stray(pieces, run, around, accepted))
    return frozenset(left), strays


def _around(pieces: Sequence[Piece], run: range) -> range:
    """The pieces of the insertions a change is in or beside: inserted, or deleted from an insertion, with no words
    of the text as built between them."""
    first, last = run.start, run.stop
    while first > 0 and _inserted(pieces[first - 1].rev):
        first -= 1
    while last < len(pieces) and _inserted(pieces[last].rev):
        last += 1
    return range(first, last)


def _stray(pieces: Sequence[Piece], run: range, around: range, accepted: Callable[[str], bool]) -> Stray:
    """The report of a change: the insertion it is in (its words, as its authors typed them, and who they are), the
    words it types and those it deletes, at its place in the text as built."""
    host = [p for p in pieces[around.start : around.stop] if unapplied(p.rev, accepted)]
    owners = list(dict.fromkeys(p.rev.inserted_by or p.rev.author for p in host if p.rev is not None))
    own = pieces[run.start : run.stop]
    typed = "".join(p.text for p in own if p.rev is not None and p.rev.kind == "ins")
    deleted = "".join(p.text for p in own if p.rev is not None and p.rev.kind == "del")
    why = (f"a change inside an insertion by {' and '.join(owners)} (“{short(''.join(p.text for p in host))}”), "
           "whose changes are not taken: it changes words no section file holds, so it is not written (apply it with "
           "that insertion, or by hand)")
    why += f"; its new words, not written: {quoted(typed)}" if typed else ""
    why += f"; what it deletes: {quoted(deleted)}" if deleted else ""
    pos = sum(len(p.text) for p in pieces[: run.start] if p.rev is None or p.rev.built)
    return Stray(pos, own[0].rev.author if own[0].rev is not None else "", why)


def _inserted(rev: Rev | None) -> bool:
    """Whether a piece is part of an insertion: inserted, or deleted from one."""
    return rev is not None and (rev.kind == "ins" or rev.inserted_by is not None)
