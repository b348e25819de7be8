"""From a reviewer's tracked changes in a run of Word paragraphs to edits of the Markdown source.

A *group* is a run of paragraphs whose paragraph marks were inserted or deleted (joined, split, added or removed
paragraphs); a paragraph with an untouched mark is a group of its own. Its text as built (every change rejected)
is compared with the source map of the blocks it came from; each change becomes a replacement of a range of the
file that leaves the markup around it alone (placing.py). Paragraph breaks are the character PB in the texts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from .mdinline import MapError, Unit
from .mdtext import NEL, PB, Context, Piece, Unwritable, describe, link_title, short, yaml_scalar
from .placing import Edit, Placement
from .replacement import Replacement
from .stranded import stranded
from .wordblocks import OBJECT, Paragraph, Rev


@dataclass(frozen=True)
class Finding:
    """Something not applied: an untracked edit, a change that cannot be placed, a formatting change."""

    kind: str  # untracked, skipped, formatting
    line: int
    author: str
    message: str


def visible(piece_rev: Rev | None, accepted: Callable[[str], bool], new: bool) -> bool:
    if piece_rev is None:
        return True
    if not new:
        return piece_rev.built
    taken = accepted(piece_rev.author)
    if piece_rev.kind == "ins":
        return taken
    inserter = piece_rev.inserted_by
    return not taken and (inserter is None or accepted(inserter))


def _pieces(group: Sequence[Paragraph]) -> list[Piece]:
    pieces: list[Piece] = []
    for k, para in enumerate(group):
        pieces += [Piece(run.text, run.rev, run, k) for run in para.runs if run.text]
        if k + 1 < len(group):  # a break with no mark: typed with Track Changes off
            pieces.append(Piece(PB, para.mark, None, k + 1))
    return pieces


class Group(Placement):
    """One group of paragraphs and the source units its paragraphs came from."""

    def __init__(self, group: Sequence[Paragraph], units: Sequence[Unit], ctx: Context, file: str) -> None:
        super().__init__(group, units, ctx, file)
        self.pieces = _pieces(group)
        self.left, self.strays = stranded(self.pieces, ctx.accepted)  # changes inside insertions not taken
        self.old = "".join(p.text for k, p in enumerate(self.pieces) if self._shown(k, False))
        self.new = "".join(p.text for k, p in enumerate(self.pieces) if self._shown(k, True))

    def _shown(self, index: int, new: bool) -> bool:
        """Whether a piece is in the text as built (or, `new`, as the changes taken leave it); a change inside an
        insertion not taken is not taken either."""
        return visible(self.pieces[index].rev, self.ctx.accepted, new and index not in self.left)

    def edits(self) -> tuple[list[Replacement], list[Finding]]:
        findings: list[Finding] = []
        if self.old == self.new and self.old == self.source and not self.strays:
            return [], findings
        if self.new.count(NEL) > self.old.count(NEL):
            return [], [Finding("skipped", self.units[0].line if self.units else 0, first_author(self.group),
                                "a change that types U+0085 (NEXT LINE, a control character Markdown cannot keep) is "
                                "not applied; apply it by hand")]
        try:
            self.prepare()
        except MapError:
            return [], [Finding("skipped", self.units[0].line if self.units else 0, first_author(self.group),
                                "this paragraph's Markdown could not be followed; apply the change by hand")]
        findings += [Finding("skipped", self.change_line(s.pos), s.author, s.message) for s in self.strays]
        kind = self.units[0].kind if self.units else ""
        untracked = self.ctx.untracked and self.old != self.source
        if self.old != self.source:  # at the line of its first difference (a group can span blocks)
            first = next(a for tag, a, _, _, _ in SequenceMatcher(None, self.source, self.old, autojunk=False)
                         .get_opcodes() if tag != "equal")
            findings.append(Finding("untracked", self.change_line(first), "", describe(self.source, self.old,
                                                                                       self._tracked_ends())))
            if untracked and kind != "figure":
                return self._trimmed(self._untracked()), findings
        tracked = [Edit(0, 0, [], "untracked")] if untracked else self._tracked()
        if kind in ("title", "figure"):  # rewritten whole
            whole = self._title(tracked, untracked)
            findings += [] if whole or not tracked else [Finding("skipped", self.line_at(0), tracked[0].author,
                         "a title or caption cannot hold this change (a paragraph break, a note, a picture, or no "
                         "words left); apply it by hand")]
            return whole, findings
        if self.old != self.source:
            tracked, lost = self._realign(tracked)
            findings += [Finding("skipped", self.line_at(0), e.author, "a tracked change overlaps an untracked "
                                 "edit in the same place; apply it by hand or use --untracked") for e in lost]
        self.joined = {self.unit_at[i + 1] for e in tracked if not e.runs and e.a not in self.starts
                       for i in range(e.a, min(e.b, len(self.unit_at) - 1)) if self.source[i] == PB}
        out: list[Replacement] = []
        for edit in tracked:
            try:
                reps = self._replacement(edit)
            except Unwritable as problem:
                findings.append(Finding("skipped", self.change_line(edit.a), edit.author, str(problem)))
                continue
            cell = self.ctx.cell or any(u.kind == "cell" for u in self.units)
            if not reps and cell and any(p.text == PB for p in edit.runs):
                findings.append(Finding("skipped", self.change_line(edit.a), edit.author, "a paragraph break in a "
                                        "table cell cannot be written in a Markdown table; apply it by hand"))
            elif not reps:
                findings.append(Finding("skipped", self.change_line(edit.a), edit.author,
                                        "this change cannot be placed in the Markdown"))
            out += reps
        return self._trimmed(out), findings

    def _trimmed(self, reps: list[Replacement]) -> list[Replacement]:
        """The replacements, none of which leaves a line ending in white space it did not end in (all the words
        of a list item deleted left `2. `, a new empty item was `1. `): Markdown reads the line the same without
        it. Code keeps its white space."""
        if any(u.kind == "code" for u in self.units):
            return reps
        return [_no_trailing_space(self.file, rep) for rep in reps]

    def _title(self, tracked: list[Edit], untracked: bool = False) -> list[Replacement]:
        """The title in the front matter is rewritten whole, quoted when YAML needs it; so are the words of a
        figure's caption in its image's title, escaped as a link title (also for an `untracked` edit)."""
        unit = self.units[0]
        if not tracked or not unit.spans or (self.old != self.source and not untracked) or not self.new.strip() \
                or PB in self.new or OBJECT in self.new:  # a paragraph break, a note or a picture: not there
            return []
        quote = 1 if unit.prefix == "quoted" else 0
        start, end = unit.spans[0][0] - quote, unit.spans[-1][1] + quote
        authors = ", ".join(dict.fromkeys(e.author for e in tracked))
        delimiter = self.file[:start].rstrip(" \t")[-1:]  # the title's opening quote or parenthesis
        what, text = ("caption", link_title(self.new, delimiter)) if unit.kind == "figure" else (
            "title", yaml_scalar(self.new))
        return [Replacement(start, end, text, authors, unit.line, f"{what} “{short(self.old)}” "
                            f"became “{short(self.new)}”")]

    def _tracked_ends(self) -> frozenset[int]:
        """Where tracked changes begin and end in the text as built: an untracked edit there is no part of the
        word beside it (LibreOffice splits a change that is accepted or rejected in part)."""
        ends: set[int] = set()
        pos = 0
        for piece in self.pieces:
            shown = visible(piece.rev, self.ctx.accepted, False)
            if piece.rev is not None:
                ends |= {pos, pos + len(piece.text) if shown else pos}
            pos += len(piece.text) if shown else 0
        return frozenset(ends)

    def _tracked(self) -> list[Edit]:
        edits: list[Edit] = []
        pos = 0
        for index, piece in enumerate(self.pieces):
            in_old, in_new = self._shown(index, False), self._shown(index, True)
            author = piece.rev.author if piece.rev else ""
            last = edits[-1] if edits else None
            if in_old and not in_new:  # after words typed just before it (LibreOffice writes a paragraph's
                # words typed over whole so, before a bookmark at its start): a replacement, as Word writes it
                typed = last is not None and last.a == pos and all(p.text != PB for p in last.runs)
                if last is not None and last.b == pos and last.author == author and (not last.runs or typed):
                    last.b += len(piece.text)
                else:
                    edits.append(Edit(pos, pos + len(piece.text), [], author))
            elif in_new and not in_old:
                author = piece.rev.inserted_by or author if piece.rev else author  # deleted words kept: the insertion's
                if last is not None and last.b == pos and last.author == author:
                    last.runs.append(piece)
                else:
                    edits.append(Edit(pos, pos, [piece], author))
            if in_old:
                pos += len(piece.text)
        return _blocks_whole(edits)

    def _untracked(self) -> list[Replacement]:
        matcher = SequenceMatcher(None, self.source, self.new, autojunk=False)
        out: list[Replacement] = []
        for tag, a, b, c, d in matcher.get_opcodes():
            if tag != "equal":
                out += self._replacement(Edit(a, b, [Piece(self.new[c:d], None, None, 0)], "untracked"))
        return out

    def _realign(self, edits: list[Edit]) -> tuple[list[Edit], list[Edit]]:
        """Tracked edits, in the positions of the built text, moved to the source's positions."""
        matcher = SequenceMatcher(None, self.old, self.source, autojunk=False)
        blocks = matcher.get_matching_blocks()

        def where(pos: int, end: bool) -> int | None:
            for a, b, size in blocks:
                if a <= pos < a + size or (end and a < pos <= a + size) or (size and pos == a):
                    return b + pos - a
            return None

        kept, lost = [], []
        for edit in edits:
            a, b = where(edit.a, False), where(edit.b, True) if edit.b > edit.a else None
            a = where(edit.a, True) if a is None and edit.a == edit.b else a  # typed at the very end of the text
            b = a if edit.b == edit.a else b
            if a is None or b is None:
                lost.append(edit)
            else:
                kept.append(Edit(a, b, edit.runs, edit.author))
        return kept, lost

def _no_trailing_space(file: str, rep: Replacement) -> Replacement:
    """`rep` without the white space it would leave at the end of the line it ends on, where that line did not end
    in white space before: cut from its text, or, where its text leaves none, the white space before it taken."""
    if file[rep.end : rep.end + 1] not in ("", "\n"):
        return rep
    before = file[file.rfind("\n", 0, rep.end) + 1 : rep.end]
    if before != before.rstrip(" \t"):
        return rep  # the source's own (a hard line break)
    text, start = rep.text.rstrip(" \t"), rep.start
    if not text:
        head = file[file.rfind("\n", 0, start) + 1 : start]
        start -= len(head) - len(head.rstrip(" \t"))
    return rep if (start, text) == (rep.start, rep.text) else replace(rep, start=start, text=text)


def first_author(group: Sequence[Paragraph]) -> str:
    """Who made the first change in a group of paragraphs (a run's, else a paragraph mark's)."""
    for para in group:
        for run in para.runs:
            if run.rev is not None:
                return run.rev.author
        if para.mark is not None:
            return para.mark.author
    return ""


def _blocks_whole(edits: list[Edit]) -> list[Edit]:
    """`edits` with the words several reviewers typed at one place, among them a paragraph mark, as one insertion:
    a paragraph one inserted and another typed into comes back as one block (placed apart, the words beside the
    other's lost their blank to a line's start or end: "A newparagraph", "(edited)with words"). Its author is the
    first's."""
    groups: list[list[Edit]] = []
    for edit in edits:
        last = groups[-1][-1] if groups else None
        if last is not None and last.a == last.b == edit.a == edit.b and last.runs and edit.runs:
            groups[-1].append(edit)
        else:
            groups.append([edit])
    out: list[Edit] = []
    for group in groups:
        if len(group) > 1 and any(piece.text == PB for edit in group for piece in edit.runs):
            out.append(Edit(group[0].a, group[0].b, [piece for edit in group for piece in edit.runs], group[0].author))
        else:
            out += group
    return out
