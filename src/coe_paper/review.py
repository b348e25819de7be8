"""Read a reviewed .docx: its comments (with replies and the text they are anchored to) and the reviewer's tracked
insertions and deletions, each mapped back to a section file and source line.

Positions map through the hidden `_Coe{index}_{line}` bookmarks the renderer puts on every block, and the
`coe-paper:sections` custom property that lists [id, path, body line] per index. Word and LibreOffice both keep
those. When a tool has dropped the bookmarks, Heading 1 texts are matched to the section titles of the current
project instead; the section is then known but not the line. Comments and tracked changes inside footnotes map to
the place of the footnote's reference until `follow.py` moves them to the footnote's definition.
`review_model.py` holds what is read here, `review_format.py` prints it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from . import marks, ooxml, ooxml_review, wordblocks, wordread
from .apply_sections import built_boundaries
from .model import Project
from .project import ProjectNotFound, find_root, load_project
from .review_model import Change, Comment, Lost, Place, Review, SectionRef, all_comments
from .safedocx import DocxError, SafeDocx
from .sources import WorkTree

Element = ooxml.Element
w = ooxml.w
PILCROW = "\u00b6"  # a paragraph mark inserted or deleted, as Word shows it


# -- reading ---------------------------------------------------------------------------------------------------------
def _custom_sections(values: dict[str, str]) -> tuple[list[SectionRef] | None, str]:
    commit = values.get(marks.COMMIT, "")
    table = marks.section_map(values)
    if table is None:
        return None, commit
    digests = marks.built_digests(values)
    refs = [SectionRef(index, sid, path, digest=digests.get(path, "")) for index, (sid, path) in enumerate(table)]
    return refs, commit


def _project_sections(project: Project | None) -> list[SectionRef]:
    if project is None:
        return []
    return [SectionRef(i, s.id, s.path, s.meta.title) for i, s in enumerate(project.ordered_sections())]


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _shown(runs: list[wordblocks.Run]) -> str:
    return "".join(run.text for run in runs).replace(wordblocks.OBJECT, "")


def _change_text(run: wordblocks.Run) -> str:
    """A run's text as a tracked change shows it: a picture or a note's reference, which has no text, by name (a
    deleted one was left out of the list, and `apply` deleted it all the same)."""
    if wordblocks.OBJECT not in run.text:
        return run.text
    if run.image is not None:
        return f"[picture: {run.image[1]}]" if run.image[1] else "[picture]"
    if run.note is not None:
        return f"[{run.note[0]} reference]"
    return run.text.replace(wordblocks.OBJECT, "")


class _Places:
    """Walks the paragraphs of the shared reader in document order, tracking the place in the sources: a
    paragraph's `_Coe` bookmark sets it, a Heading 1 whose text is a section title sets the section only."""

    def __init__(self, sections: list[SectionRef], by_title: dict[str, SectionRef]) -> None:
        self.sections, self.by_title = sections, by_title
        self.place = Place()
        self.counter = 0
        self.comment_place: dict[str, tuple[int, Place]] = {}
        self.comment_notes: dict[str, tuple[int, int]] = {}  # the comments begun in a footnote: where in it
        self.in_byline: set[str] = set()  # the comments that start in a section's byline (no bookmark of its own)
        self.comment_sections: dict[str, dict[int | None, Place]] = {}  # the first place of each section it covers
        self.anchors: dict[str, list[str]] = {}
        self.changes: list[Change] = []
        self.footnotes: dict[str, tuple[int, Place]] = {}
        self.cited: dict[str, int] = {}  # a footnote's place among the citations of its section
        self.citations: dict[int | None, int] = {}
        self.note: tuple[int, int] | None = None  # the footnote paragraph being read, for its changes
        self.titles: dict[int, str] = {}
        self.used: set[str] = set()
        self.last: Change | None = None  # the change the next run or paragraph mark may continue
        self.last_at = 0  # its index in `changes`
        self.reformatting: int | None = None  # the formatting change the next run of the paragraph may continue
        # the body's paragraphs that hold a bookmark, (section index, line), and those without one that a comment
        # starts in, (section index, None, their text, the comments' ids and the indexes of the changes begun in
        # them): for `Lost`
        self.flow: list[tuple[int, int | None, str, list[str | int]]] = []

    def paragraph(self, para: wordblocks.Paragraph, fixed: tuple[int, Place] | None = None) -> None:
        if fixed is None:
            self._move(para)
        where = fixed or (self.counter, self.place)
        lost = fixed is None and where[1].section is not None and self._flow(para, where[1].section.index)
        begun = len(self.changes)
        for cid in para.comment_marks:
            if cid not in self.comment_place and fixed is None and para.style_name.lower() == "byline" \
                    and not any(marks.parse(name) for name in para.bookmarks):
                self.in_byline.add(cid)
            if cid not in self.comment_place and self.note is not None:
                self.comment_notes[cid] = self.note
            self.comment_place.setdefault(cid, where)
        if para.restyled is not None:  # its style or other properties: listed with its words
            self._reformat(para.restyled, _shown(para.runs), fixed)
            self.reformatting = None
        for run in para.runs:
            self.counter += 1
            self._reformat(run.reformatted, _change_text(run), fixed)
            for cid in run.comments:
                self.anchors.setdefault(cid, []).append(run.text.replace(wordblocks.OBJECT, ""))
                section = where[1].section
                self.comment_sections.setdefault(cid, {}).setdefault(section.index if section else None, where[1])
            if run.note is not None and run.note[0] == "footnote" and fixed is None:
                self.footnotes.setdefault(run.note[1], (self.counter, self.place))
                citing = self.place.section.index if self.place.section is not None else None
                self.cited.setdefault(run.note[1], self.citations.get(citing, 0))
                self.citations[citing] = self.citations.get(citing, 0) + 1
            self._change(run.rev, _change_text(run), fixed)
        # The paragraph mark, inserted (a split, a new paragraph) or deleted (a join), is a change of its own,
        # shown as ¶; a change that goes on into the next paragraph stays one change.
        self._change(para.mark, PILCROW if para.mark is not None else "", fixed)
        if para.mark is None:
            self.last = None
        self.reformatting = None
        if lost:  # its changes are in the block that lost its bookmark too
            self.flow[-1][3].extend(range(begun, len(self.changes)))
        for cid in {c for run in para.runs for c in run.comments}:
            self.anchors.setdefault(cid, []).append("\n")

    def _flow(self, para: wordblocks.Paragraph, section: int) -> bool:
        """Adds the paragraph to the flow if it holds a bookmark, or if it has none and a comment starts in it
        (then True)."""
        mark = next((found for found in map(marks.parse, para.bookmarks) if found is not None), None)
        if mark is not None:
            self.flow.append((mark[0], mark[1], "", []))
            return False
        starting: list[str | int] = [cid for cid in para.comment_marks if cid not in self.comment_place]
        if not starting or para.style_name.lower() == "byline":
            return False
        self.flow.append((section, None, _shown(para.runs), starting))
        return True

    def lost(self) -> dict[str | int, Lost]:
        """The comments (by id) that start in a paragraph without its bookmark, and the changes (by index) begun
        in it, each with what may tell its line."""
        seen: dict[int, set[int]] = {}
        for section, line, _, _ in self.flow:
            if line is not None:
                seen.setdefault(section, set()).add(line)
        found: dict[str | int, Lost] = {}
        above: tuple[int, int] = (-1, 0)
        for index, (section, line, text, keys) in enumerate(self.flow):
            if line is not None:
                above = (section, line)
                continue
            below = next((entry[1] for entry in self.flow[index + 1:] if entry[1] is not None), None)
            after = next((entry[0] for entry in self.flow[index + 1:] if entry[1] is not None), None)
            lost = Lost(text, above[1] if above[0] == section else 0, below if after == section else None,
                        frozenset(seen.get(section, ())))
            found.update(dict.fromkeys(keys, lost))
        return found

    def _change(self, rev: wordblocks.Rev | None, text: str, fixed: tuple[int, Place] | None) -> None:
        """One run's text (or a paragraph mark) as a tracked change, or added to the one it continues."""
        last = self.last
        if rev is None:
            self.last = None if text else last
            return
        kind = "insertion" if rev.kind == "ins" else "deletion"
        order, place = fixed or (self.counter, self.place)
        if last is not None and (last.kind, last.author, last.date) == (kind, rev.author, rev.date):
            self.last = Change(kind, last.author, last.date, last.text + text, last.place, last.order, last.note)
            self.changes[self.last_at] = self.last  # not always the list's last: a formatting change may follow
        elif text:
            self.last = Change(kind, rev.author, rev.date, text, place, order, self.note)
            self.last_at = len(self.changes)
            self.changes.append(self.last)

    def _reformat(self, rev: wordblocks.Rev | None, text: str, fixed: tuple[int, Place] | None) -> None:
        """A tracked change of formatting (a run's, a paragraph's), with the words it changed: the runs after it in
        its paragraph changed by the same person at the same time are the same change."""
        index = self.reformatting
        if rev is None:
            self.reformatting = None if text else index
            return
        if index is not None and (self.changes[index].author, self.changes[index].date) == (rev.author, rev.date):
            self.changes[index] = replace(self.changes[index], text=self.changes[index].text + text)
        elif text:
            order, place = fixed or (self.counter, self.place)
            self.reformatting = len(self.changes)
            self.changes.append(Change("formatting", rev.author, rev.date, text, place, order, self.note))

    def _move(self, para: wordblocks.Paragraph) -> None:
        for name in para.bookmarks:
            found = marks.parse(name)
            if found is not None:
                index, line = found
                ref = self.sections[index] if index < len(self.sections) else None
                self.place = Place(ref, line if ref is not None else None)
                self.used.add("bookmarks")
                if line == 1 and ref is not None:
                    self.titles.setdefault(index, _shown(para.runs))
                return
        if para.style_name.lower() != "heading 1":
            return
        ref = self.by_title.get(_norm(_shown(para.runs)))
        self.place = Place(ref, None) if ref is not None else Place()
        if ref is not None:
            self.used.add("headings")


def _comments(docx: SafeDocx) -> list[Comment]:
    root = docx.part_xml(docx.main, ooxml_review.REL_COMMENTS)
    if root is None:
        return []
    found: list[Comment] = []
    by_para: dict[str, Comment] = {}
    for node in root.iter(w("comment")):
        comment = Comment(node.get(w("id"), ""), node.get(w("author"), ""), node.get(w("initials"), ""),
                          node.get(w("date"), ""), ooxml_review.comment_text(node))
        found.append(comment)
        for p in node.iter(w("p")):
            para_id = p.get(f"{{{ooxml_review.W14_NS}}}paraId")
            if para_id:
                by_para[para_id.upper()] = comment
    extended = docx.part_xml(docx.main, ooxml_review.REL_COMMENTS_EXTENDED)
    if extended is None:
        return found
    w15 = f"{{{ooxml_review.W15_NS}}}"
    replies: set[int] = set()
    for entry in extended.iter(f"{w15}commentEx"):
        child = by_para.get(entry.get(f"{w15}paraId", "").upper())
        if child is None:
            continue
        child.resolved = entry.get(f"{w15}done") in ("1", "true")
        parent = by_para.get(entry.get(f"{w15}paraIdParent", "").upper())
        if parent is not None and parent is not child:
            parent.replies.append(child)
            replies.add(id(child))
    return [c for c in found if id(c) not in replies]


def current_project(start: Path) -> Project | None:
    """The paper project at or above `start` as it is on disk (for section titles and leads), if there is one."""
    try:
        root = find_root(start)
    except ProjectNotFound:
        return None
    project, _ = load_project(WorkTree(root))
    return project


def read_review(path: Path, project: Project | None = None) -> Review:
    """Comments and tracked changes of a reviewed .docx; raises DocxError when it cannot be read. The file is
    untrusted: whatever else goes wrong while reading it is a DocxError too, never a traceback."""
    try:
        return _read_review(path, project)
    except DocxError:
        raise
    except (RecursionError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise DocxError(f"{path.name} cannot be read as a reviewed paper ({type(exc).__name__}: "
                        f"{str(exc)[:200]})") from None


def _body_paragraphs(blocks: list[wordblocks.Block]) -> Iterator[wordblocks.Paragraph]:
    """Every paragraph in document order, as `apply` reads them: a run of paragraphs between tables with the mark
    the build made before each of its blocks read back where LibreOffice saved it as inserted (so a new paragraph
    and words typed at the start of the next block are two changes, at the two blocks' lines, as `apply` reports
    them)."""
    stream: list[wordblocks.Paragraph] = []
    for block in blocks:
        if isinstance(block, wordblocks.Paragraph):
            stream.append(block)
            continue
        yield from built_boundaries(stream)
        stream = []
        yield from wordblocks.paragraphs([block])
    yield from built_boundaries(stream)


def _read_review(path: Path, project: Project | None) -> Review:
    doc = wordread.read(path)
    try:
        sections, commit = _custom_sections(doc.properties)
        known = _project_sections(project)
        if sections is None:
            sections = known
        titles = {s.id: s.title for s in known}
        by_title = {_norm(s.title): s for s in known if s.title}
        walker = _Places(sections, by_title)
        for para in _body_paragraphs(doc.blocks):
            walker.paragraph(para)
        for (kind, note_id), blocks in doc.notes.items():
            if kind == "footnote":
                fixed = walker.footnotes.get(note_id, (1 << 30, Place()))
                walker.last = None
                for number, para in enumerate(wordblocks.paragraphs(blocks)):
                    walker.note = (walker.cited[note_id], number) if note_id in walker.cited else None
                    walker.paragraph(para, fixed)
                walker.note = None
        comments = _comments(doc.docx)
        lost = walker.lost()
    finally:
        doc.docx.close()
    sections = [SectionRef(s.index, s.id, s.path, titles.get(s.id) or walker.titles.get(s.index, ""), s.digest)
                for s in sections]
    fix = {s.index: s for s in sections}

    def retitle(place: Place) -> Place:
        return Place(fix.get(place.section.index), place.line) if place.section is not None else place

    for comment in all_comments(comments):
        order, place = walker.comment_place.get(comment.id, (1 << 30, Place()))
        comment.order, comment.place, comment.note = order, retitle(place), walker.comment_notes.get(comment.id)
        comment.lost = lost.get(comment.id)
        comment.anchor = " ".join("".join(walker.anchors.get(comment.id, [])).split())
        start = place.section.index if place.section is not None else None
        comment.reaches = [retitle(other) for index, other in walker.comment_sections.get(comment.id, {}).items()
                           if index is not None and index != start]
        if place.section is None and comment.reaches:  # from the title page or contents into a section: its lead
            comment.place, comment.reaches, comment.starts = comment.reaches[0], comment.reaches[1:], "outside"
        elif comment.id in walker.in_byline and place.section is not None:
            comment.starts = "byline"
    comments.sort(key=lambda c: (c.order, c.id))
    changes = [replace(c, place=retitle(c.place), lost=lost.get(index)) for index, c in enumerate(walker.changes)]
    mapping = "bookmarks" if "bookmarks" in walker.used else "headings" if walker.used else "none"
    return Review(path.name, commit, mapping, sections, comments, changes)
