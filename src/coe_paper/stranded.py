"""Changes made inside another reviewer's tracked insertion when that insertion is not taken (`apply --only`):
words typed between its words, and its words deleted or replaced. Those words are in no section file, so such a
change has nowhere to go: what rejecting the insertion in Word leaves of it (the new words run into the text
around the insertion, `obstaclesarguably the main`) is not written, and the change is reported with its words.

A change here is a run of pieces of one author's changes, with nothing unchanged between them (a replacement is
a deletion and an insertion side by side). It is inside an insertion not taken when it deletes some of that
insertion's words, or when it only types words between words of one insertion not taken, on both sides of it,
however deep the insertions are nested (Word splits an insertion where another reviewer types into it), unless its
author's insertion is the one that holds the others (its words at both ends). New words typed at an insertion's edge
are not inside it: they are taken as they are."""

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
        before, after = pieces[around.start : run.start], pieces[run.stop : around.stop]
        holders = _owners(before, accepted) & _owners(after, accepted)  # an insertion not taken on both sides
        outer = {_owner(pieces[around.start].rev), _owner(pieces[around.stop - 1].rev)}
        if outer == {who[run.start]}:  # words of the insertion that holds the others: its own, whatever is in it
            holders = set()
        if deletes or holders:
            left.update(run)
            strays.append(_stray(pieces, run, around, holders or _owners(pieces[run.start : run.stop], accepted)))
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


def _owner(rev: Rev | None) -> str | None:
    """Whose insertion a piece's words are (a deletion of inserted words: the insertion's author)."""
    return None if rev is None else rev.inserted_by or rev.author


def _owners(pieces: Sequence[Piece], accepted: Callable[[str], bool]) -> set[str]:
    """Whose insertions not taken the words of `pieces` are."""
    return {owner for piece in pieces if unapplied(piece.rev, accepted) and (owner := _owner(piece.rev)) is not None}


def _stray(pieces: Sequence[Piece], run: range, around: range, holders: set[str]) -> Stray:
    """The report of a change: the insertion it is in (the words of `holders`, the insertions not taken on both sides
    of it or whose words it deletes, as their authors typed them, and who they are), the words it types and those it
    deletes, at its place in the text as built."""
    host = [p for p in pieces[around.start : around.stop]
            if _owner(p.rev) in holders]
    owners = sorted(holders)
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
