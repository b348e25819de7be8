"""`coe-paper apply`: a reviewer's tracked changes in a .docx that `assemble` made, written back into the section
files at the lines the hidden `_Coe{section}_{line}` bookmarks name.

Stages: read the .docx (wordread; its sections by apply_sections) -> for each section, the file as it was at the
build commit -> the changes as replacements of ranges of that file (edits, through the source map of mdmap) ->
merged three-way into today's file when the section has moved on (`git merge-file`; a conflict leaves that change
out) -> files and a report. Nothing is written here: the caller writes the files (atomically) or shows the diff."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from . import captions_read, marks, mdmap, merge3
from .apply_sections import (
    Section,
    bookmark,
    built_boundaries,
    changed,
    groups,
    join_out,
    level_moved,
    moved_marks,
    old_paragraphs,
    quote_continued,
    restore_marks,
    row_change,
)
from .captions import TABLE_CAPTION_RE, split_id
from .captions_read import caption_anchors, figure_caption_source, references_as_objects, table_caption_source
from .edits import Finding, Group, first_author
from .importer_kinds import quote_style
from .itemlift import inserted_lifted, lifted
from .itemnumbers import reindented, with_carried
from .levels import LevelMove, reindent, relevelled
from .mdinline import Unit
from .mdtext import PB, Context, escape, short
from .placing import moved_items
from .replacement import Replacement
from .tablegone import table_gone
from .wordblocks import EMBEDDED, Block, Paragraph, Row, Table, WordDocument, paragraphs

_HEADING_NAME_RE = re.compile(r"^heading (\d)$", re.IGNORECASE)
_CAPTION_CHANGE = ("a change to a figure's caption whose image's title cannot be followed (it spans lines, or holds "
                   "escapes or entities) is not applied: edit the title, ![...](... \"title\"), by hand")
_CHUNKED = "content a tool put in as an altChunk, HTML that Word converts when it opens the file"
_EMBEDDED = ("content after “{}” that Word converts on opening (an altChunk: HTML or RTF a tool put in) is not "
             "applied: no paragraph holds its text; type it in by hand")
_CAPTION_NUMBER = "a change to a caption's number (the paper's own) or to its paragraph mark is not applied"
_CAPTION_DELETED = ("the caption “{}” was deleted, which is not applied: remove its `Table:` line or its image's "
                    "title by hand, and links to its id, if it has one")
_CAPTION_ID = ("a caption's words that end in “{#...}” are not applied: the Markdown would read them as the "
               "caption's id, not as words; apply the change by hand")


@dataclass(frozen=True)
class Outcome:
    """What became of one change: applied, merged (into a file that has moved on), already (in today's file),
    conflict, skipped."""

    status: str
    author: str
    path: str
    line: int
    summary: str


@dataclass
class FileResult:
    path: str
    before: str
    after: str


@dataclass
class Plan:
    commit: str
    files: list[FileResult] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    findings: list[tuple[str, Finding]] = field(default_factory=list)  # (path, finding): untracked, skipped, ...
    authors: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # reviewers whose name maps to no organisation
    no_email: list[str] = field(default_factory=list)  # reviewers whose organisation gives them no e-mail
    outside: list[Outcome] = field(default_factory=list)  # changes outside the sections (title page, annex)


# -- one section ---------------------------------------------------------------------------------------------------
class _SectionEdits:
    def __init__(self, doc: WordDocument, section: Section, text: str, accepted: Callable[[str], bool],
                 untracked: bool) -> None:
        self.doc, self.section, self.text = doc, section, text
        self.references = caption_anchors(doc.properties)  # a caption's bookmark -> its id
        self.map = mdmap.build(text, set(self.references.values()))
        self.ctx = Context(accepted, self._prefix, untracked)
        self.replacements: list[Replacement] = []
        self.findings: list[Finding] = []
        self.line = 1  # the line of the last block read, for a paragraph the sources do not hold
        self.captions: set[int] = set()  # the lines of the captions found in the document
        self.gone: set[int] = set()  # of those, a table's deleted with its table
        self.levels: list[LevelMove] = []  # list items Word shows at another level

    def _prefix(self, para: Paragraph, unit: Unit | None) -> str:
        if unit is not None and unit.kind == "footnote":
            return "    "  # a footnote's next paragraph is indented, or it leaves the footnote
        level = para.outline
        match = _HEADING_NAME_RE.match(para.style_name)
        if level is None and match:
            level = int(match.group(1)) - 1
        if level is not None and 0 < level < 6 and (para.num is None or match):  # numbered through its style
            return "#" * (level + 1) + " "
        if para.num is not None:
            depth = para.num[1] + 1
            fmt = self.doc.numbering.get(para.num, "bullet")
            marker = "-" if fmt in ("bullet", "none") else "1."
            if unit is not None and unit.kind == "item":
                if unit.level == depth:
                    return f"{unit.indent}{unit.prefix} "
                if unit.level == depth - 1:
                    return f"{unit.indent}{' ' * (len(unit.prefix) + 1)}{marker} "
            sibling = next((u for u in self.map.body.values() if u.kind == "item" and u.level == depth), None)
            indent = sibling.indent if sibling is not None else "  " * (depth - 1)
            return f"{indent}{marker} "
        if quote_style(para.style_name):  # a quote within a quote: the depth of the quote it joins
            paragraph = unit is not None and unit.kind == "paragraph"
            nested = re.match(r"[ \t]*(?:>[ \t]?)+", unit.prefix) if unit is not None and paragraph else None
            return nested.group().rstrip(" \t") + " " if nested is not None else "> "
        return ""

    def run(self) -> None:
        blocks = {line: (unit.text, False) for line, unit in self.map.body.items() if not TABLE_CAPTION_RE.match(
            unit.text)} | {line: (" | ".join(u.text for u in units), True) for line, units in self.map.rows.items()}
        moved_marks(self.section)
        restore_marks(self.section, blocks)
        stream: list[Paragraph] = []
        for position, block in enumerate(self.section.body):
            caption = table_caption_source(block, self.section.body[position + 1 : position + 2],
                                           self.section.index, self.map.captions) or figure_caption_source(
                block, self.section.body[position - 1] if position else None, self.section.index, self.map.figures)
            if caption is not None and isinstance(block, Paragraph):
                self.captions.add(caption[1].line)
                self._story(stream)
                stream = []
                self._caption(block, *caption, [None, *self.section.body][position : position + 3 : 2])
                continue
            if isinstance(block, Paragraph):
                stream.append(block)
                if block.dropped[EMBEDDED] and (unit := self._unit([block])) is not None:
                    self.findings.append(Finding("untracked", unit.line, "", _EMBEDDED.format(short(unit.text))))
                continue
            self._story(stream)
            stream = []
            self._table(block)
        self._story(stream)
        self._notes()
        self._missing()
        items = [unit for unit in self.map.body.values() if unit.kind == "item"]
        reps, findings = reindent(self.text, items, self.levels)
        self.replacements += reps
        self.findings += findings
        markers = [(r.start, r.end) for r in reps if r.listed]  # a re-indented item's marker is written there
        self.renumbered = [r for r in moved_items(self.text, self.ctx.numbers)
                           if not any(start <= r.start < end for start, end in markers)]
        self.replacements = inserted_lifted(self.text, self.ctx.lifts, self.replacements)
        self.replacements += lifted(self.text, self.ctx.lifts, self.replacements)
        self.replacements += self.renumbered

    def _caption(self, para: Paragraph, words: Paragraph | None, unit: Unit, around: list[Block | None]) -> None:
        """A caption, read as the words of its `Table:` line or its image's title; a change to its number is the
        paper's; one deleted with what is `around` it went with it, its picture's line or its table's (_table)."""
        if words is not None and split_id(words.text())[1] != split_id(unit.text)[1]:  # a new id, not words
            self.findings.append(Finding("skipped", unit.line, first_author([para]), _CAPTION_ID))
        elif words is not None:
            self._story([words], [unit])
        elif changed([para]) and captions_read.gone_with_table(para, around[1:], self.ctx.accepted):
            self.gone.add(unit.line)
        elif changed([para]) and not captions_read.gone_with_picture(para, unit, around[0], self.ctx.accepted):
            gone = not para.text().strip() and self.ctx.accepted(first_author([para]))
            self.findings.append(Finding("skipped", unit.line, first_author([para]), _CAPTION_DELETED.format(
                short(para.text(accept=False))) if gone else _CAPTION_NUMBER))

    def _missing(self) -> None:
        """Blocks whose bookmark is gone: a paragraph or row deleted with Track Changes off leaves nothing else; a
        caption is missing when its table's first row or its picture is there without it (a paper built before
        captions had bookmarks has none on them). A section whose bookmarks are all gone is not read."""
        seen = {found[1] for para in paragraphs(self.section.body) for found in map(marks.parse, para.bookmarks)
                if found is not None and found[0] == self.section.index}
        if not seen:
            return
        blocks = [(line, unit.text, "paragraph") for line, unit in self.map.body.items()
                  if not TABLE_CAPTION_RE.match(unit.text)]
        blocks += [(line, " | ".join(u.text for u in units), "table row") for line, units in self.map.rows.items()]
        for line, text, what in sorted(blocks):
            if line not in seen:
                self.findings.append(Finding("untracked", line, "", f"{what} “{short(text)}” removed without Track "
                                             "Changes; remove it by hand"))
        captions = [(unit, TABLE_CAPTION_RE.sub("", unit.text), "its `Table:` line") for row, unit
                    in self.map.captions.items() if row in seen and unit.line not in seen]  # its own bookmark, if any
        captions += [(unit, unit.text, "its image's title") for line, unit in self.map.figures.items() if line in seen]
        for unit, text, where in sorted(captions, key=lambda found: found[0].line):
            if unit.line not in self.captions:
                self.findings.append(Finding("untracked", unit.line, "", f"caption “{short(split_id(text)[0])}” "
                                             f"removed without Track Changes; remove {where} by hand"))

    def _unit(self, paras: list[Paragraph]) -> Unit | None:
        for para in paras:
            mark = bookmark(para)
            if mark is not None and mark[0] == self.section.index:
                return self.map.body.get(mark[1])
        return None

    def _story(self, paras: list[Paragraph], units: list[Unit] | None = None) -> None:
        """Paragraphs in order: grouped where a paragraph mark was inserted or deleted."""
        paras = quote_continued(built_boundaries([references_as_objects(para, self.references) for para in paras]))
        self._formatting(paras, units[0].line if units else self.line)
        queue = list(units) if units is not None else None
        for group in groups(paras, body=units is None, rest=self._rest):
            olds = old_paragraphs(group)
            found: list[Unit] = []
            joined = 0  # blocks joined without Track Changes: their bookmarks in one paragraph
            for old in olds:
                unit = queue.pop(0) if queue else None if queue is not None else self._unit(old)
                if unit is None:
                    if any(p.text(accept=False) for p in old) or (not found and len(olds) == 1):
                        found = []
                        break
                    continue
                more = self._more_units(old, unit) if queue is None else []
                found += [unit, *more]
                joined += len(more)
            if not found or len(found) - joined != len(olds):
                if changed(group):
                    own = None if found else next((u for p in group if (u := self._unit([p])) and u.line > 1), None)
                    line = found[0].line if found else own.line if own else self.line  # a byline: the title's line
                    caption = all(p.style_name.lower() == "caption" for p in group)
                    why = (_CAPTION_CHANGE if caption else
                           "a change outside the section's own text (a byline, or a paragraph the sources do not "
                           "hold)" if own is None else
                           f"a change that runs over the section's title or byline into “{short(own.text)}”: make "
                           "its part here by hand")  # from the section before, joined to it (reported there too)
                    typed = "".join(r.text for p in group for r in p.runs if r.rev is not None and r.rev.kind == "ins")
                    why += f"; its new words, not written: “{short(typed.strip())}”" if typed.strip() else ""
                    self.findings.append(Finding("skipped", line, first_author(group), why))
                elif units is None and self.line > 1 and (text := " ".join(p.text() for p in group).strip()) \
                        and not any(p.style_name.lower() == "caption" for p in group):
                    why = (_CHUNKED if any(p.origin == "chunk" for p in group) else
                           "typed with Track Changes off, or its insertion accepted")
                    self.findings.append(Finding("untracked", self.line, "", f"paragraph “{short(text)}” is not in "
                                                 f"the sources ({why}); add it after line {self.line} by hand"))
                continue
            self.line = found[-1].line
            reps, findings = Group(group, found, self.ctx, self.text).edits()
            self.replacements += reps
            self.findings += findings + join_out(group, found[-1], self.ctx.accepted)

    def _formatting(self, paras: list[Paragraph], line: int) -> None:
        """Formatting changes are listed, at the paragraph's own line, else at `line` (a footnote's, a table
        row's, or the block's before a new paragraph)."""
        for index, para in enumerate(paras):
            mark = bookmark(para)
            unit = self.map.body.get(mark[1]) if mark is not None and mark[0] == self.section.index else None
            joined = any(p.mark is not None and p.mark.kind == "del" for p in paras[max(index - 1, 0) : index + 1])
            moved = level_moved(para, unit) if unit is not None and not joined else None  # its list: the join's
            # (see itemjoins); a paragraph split keeps its own
            kind = "formatting" if para.formatting_changed else "untracked"  # tracked (a formatting change) or not
            if unit is not None and moved is not None and para.num is not None:  # re-indented, if it reads one way
                self.levels.append(LevelMove(unit, para.num[1] + 1, kind))
            elif unit is not None and moved is not None:
                self.findings.append(Finding(kind, unit.line, "", f"{moved}, which is not applied: change its "
                                             "indent in the source by hand"))
            elif unit is not None and (heading := relevelled(self.text, para, unit, self.ctx.accepted)) is not None:
                self.replacements += heading[0]
                self.findings += heading[1]
            elif para.formatting_changed:
                self.findings.append(Finding("formatting", mark[1] if mark else line, "", f"formatting changed on "
                                             f"“{para.text()[:50]}” (formatting is not taken from Word)"))

    def _more_units(self, paras: list[Paragraph], unit: Unit) -> list[Unit]:
        """The other blocks whose bookmarks one paragraph holds besides `unit`'s (joined with Track Changes off)."""
        lines = dict.fromkeys(found[1] for para in paras for found in map(marks.parse, para.bookmarks)
                              if found is not None and found[0] == self.section.index)
        more = (self.map.body.get(line) for line in lines if line != unit.line)
        return [u for u in more if u is not None and u is not unit]

    def _rest(self, group: list[Paragraph], after: Paragraph) -> bool:
        """Whether `after`, a paragraph with no bookmark and no change, is the second half of a block the group
        ends in, split where the group's last mark was inserted: together they give that block's text."""
        old = old_paragraphs([*group, after])[-1]
        unit = self._unit(old)
        return unit is not None and unit.text == "".join(p.text(accept=False) for p in old)

    def _table(self, table: Table) -> None:
        after: int | None = None
        header: list[Unit] | None = None  # the first row's units, once it is known
        deleted = 0  # rows deleted whole
        for row in table.rows:
            cells = [[references_as_objects(p, self.references) for p in paragraphs(cell.blocks)] for cell in row.cells]
            mark = bookmark(cells[0][0]) if cells and cells[0] else None
            units = self.map.rows.get(mark[1]) if mark is not None else None
            if row is table.rows[0]:
                header = units
            self._formatting([p for paras in cells for p in paras], mark[1] if mark is not None else self.line)
            if row_change(row, cells, mark is not None) and row.rev is not None and self.ctx.accepted(row.rev.author):
                self._row(row, cells, units, after)
                deleted += row.rev.kind == "del" and bool(units)
            elif units is not None and len(units) == len(cells):
                for col, paras in enumerate(cells):
                    ctx, self.ctx = self.ctx, Context(self.ctx.accepted, self._prefix, self.ctx.untracked, cell=True)
                    for group in groups(paras, body=False):  # a cell holds no template paragraph
                        reps, findings = Group(group, [units[col]], self.ctx, self.text).edits()
                        self.replacements += reps
                        self.findings += findings
                    self.ctx = ctx
            elif changed(every := [p for c in cells for p in c]):
                why = "that cannot be traced to its line" if not units else (
                    f"whose cells no longer match the source's ({len(cells)} in Word, {len(units)} in the file: a cell "
                    "inserted, deleted, merged or split), which a Markdown table cannot take; make it by hand")
                self.findings.append(Finding("skipped", mark[1] if mark else self.line, first_author(every),
                                             f"a change in a table row {why}"))
            if units:
                after = units[0].end
                eol = self.text.find("\n", after)
                after = len(self.text) if eol < 0 else eol
        if header and deleted == len(table.rows) and after is not None:  # every row: so do the lines of no row
            self.replacements += table_gone(self.text, header[0], after, self.map.captions.get(header[0].line),
                                            self.gone, table.rows[0].rev)

    def _row(self, row: Row, cells: list[list[Paragraph]], units: list[Unit] | None, after: int | None) -> None:
        assert row.rev is not None
        author = row.rev.author
        if row.rev.kind == "del":
            if not units:
                return
            start = units[0].start
            end = self.text.find("\n", start)
            end = len(self.text) if end < 0 else end + 1
            self.replacements.append(Replacement(start, end, "", author, units[0].line, "deleted a table row"))
        elif after is not None:
            texts = [" ".join(escape(p.text(), cell=True) for p in paras) for paras in cells]
            line = "| " + " | ".join(texts) + " |"
            row_line = self.text.count("\n", 0, after) + 1
            self.replacements.append(Replacement(after, after, "\n" + line, author, row_line, f"inserted a table row "
                                                 f"“{' | '.join(p.text() for c in cells for p in c)[:60]}”"))

    def _notes(self) -> None:
        """Each footnote's definition from its Word footnote; a footnote cited again is a copy in Word, one for
        each citation: the changes of the first copy that has any (tracked, or text that differs from the source)
        are applied, another copy's other changes are reported."""
        copies: dict[str, list[list[Paragraph]]] = {}
        for note_id, label in zip(self.section.notes, self.map.refs, strict=False):
            paras = paragraphs(self.doc.notes.get(("footnote", note_id), []))
            if paras and paras[0].runs and paras[0].runs[0].text == " " and paras[0].runs[0].rev is None:
                paras[0] = replace(paras[0], runs=paras[0].runs[1:])  # the space after the footnote's number
            copies.setdefault(label, []).append(paras)
        for label, found in copies.items():
            units = self.map.footnotes.get(label, [])
            source = PB.join(u.text for u in units)
            edited = [paras for paras in found if changed(paras) or PB.join(p.text(accept=False) for p in paras)
                      != source] or found[:1]
            self._story(edited[0], units)
            taken = [p.text() for p in edited[0]]
            for paras in (paras for paras in edited[1:] if [p.text() for p in paras] != taken):
                self.findings.append(Finding("skipped", units[0].line if units else self.line, first_author(paras),
                                             f"footnote [^{label}] is cited more than once, and each citation has "
                                             "its own copy in Word: another copy's different changes are not "
                                             "applied; make them by hand"))


# -- applying to a file --------------------------------------------------------------------------------------------
def apply_replacements(text: str, replacements: list[Replacement]) -> tuple[str, list[Replacement]]:
    """Replacements applied from the end backwards; one that overlaps another is returned as not applied."""
    ordered = sorted(replacements, key=lambda r: (r.start, r.end))
    kept: list[Replacement] = []
    dropped: list[Replacement] = []
    for rep in ordered:
        if kept and rep.start < kept[-1].end:
            dropped.append(rep)
        else:
            kept.append(rep)
    out = text
    for rep in reversed(kept):
        out = out[: rep.start] + rep.text + out[rep.end :]
    return out, dropped


def section_plan(doc: WordDocument, section: Section, base: str, current: str, accepted: Callable[[str], bool],
                 untracked: bool) -> tuple[str, list[Outcome], list[Finding]]:
    """Today's file with the section's accepted changes, the outcome of each, and what was not applied."""
    edits = _SectionEdits(doc, section, base, accepted, untracked)
    edits.run()
    path = section.path
    theirs, dropped = apply_replacements(base, edits.replacements)
    outcomes = [Outcome("skipped", r.author, path, r.line, r.summary + " (overlaps another change)") for r in dropped
                if r.listed or not any(other.listed and other.summary == r.summary for other in dropped)]
    applied = [r for r in edits.replacements if r not in dropped]
    theirs = reindented(base, theirs, [(r.start, r.end, len(r.text)) for r in applied], edits.ctx.numbers.resized)
    if current == base:
        return theirs, outcomes + [Outcome("applied", r.author, path, r.line, r.summary) for r in applied
                                   if r.listed], edits.findings
    merged, conflicts = merge3.merge(current, base, theirs)

    def clashes(rep: Replacement) -> bool:  # its base lines [first, last) meet a hunk merge3 left out
        first, last = base.count("\n", 0, rep.start), base.count("\n", 0, rep.end) + 1
        return any(first < end and start < last if start < end else first <= start + 1 and start <= last
                   for start, end in conflicts)

    def already(rep: Replacement) -> bool:  # today's file holds the change (the review was applied before)
        alone, missed = merge3.merge(current, base, apply_replacements(base, [rep])[0])
        return alone == current and not missed

    merged, carried = with_carried(base, theirs, current, merged, [(r.start, r.end, r.text) for r in applied], [
        (r.start, r.end, r.text, r.author) for r in edits.renumbered if r in applied and not clashes(r)])
    lines = merge3.line_mapper(base, current)
    for rep in (rep for rep in applied if rep.listed):
        line = lines.get(rep.line, (rep.line, ""))[0]
        status = "conflict" if clashes(rep) else "already" if merged == current or already(rep) else "merged"
        outcomes.append(Outcome(status, rep.author, path, line, rep.summary))
    outcomes += [Outcome("merged", author, path, line, summary) for line, author, summary in carried]
    return merged, outcomes, edits.findings
