"""A reviewer in Word, simulated: tracked changes written as Word writes them (w:ins, w:del, inserted and deleted
paragraph marks and table rows) into a .docx that `assemble` made. Used by the apply tests and the edit corpus.

Each edit is recorded with what it does to the text, so that tests can compare the paper rebuilt from the
applied sources with the reviewed text read by an independent reader (pandoc, changes accepted)."""

from __future__ import annotations

import random
import re
import shutil
import zipfile
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from coe_paper import wordread, writeback

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DATE = "2024-05-02T10:00:00Z"
_COE = re.compile(r"^_Coe(\d+)_(\d+)$")
WORDS = ["equality", "housing", "participation", "cities", "members", "inclusive", "regional", "support", "access",
         "local", "data", "services", "public", "transition", "measures", "policy", "funding", "people"]


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    assert prefix == "w"
    return f"{{{W}}}{name}"


@dataclass
class Reviewer:
    """Applies edits to one document part tree and counts them by kind."""

    root: etree._Element
    notes: etree._Element | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    authors: tuple[str, ...] = ("Ana Rossi", "Jean Martin")
    counter: int = 9000
    kinds: dict[str, int] = field(default_factory=dict)

    def _id(self) -> str:
        self.counter += 1
        return str(self.counter)

    def _mark(self, kind: str, author: str) -> etree._Element:
        el = etree.Element(q(f"w:{kind}"))
        el.set(q("w:id"), self._id())
        el.set(q("w:author"), author)
        el.set(q("w:date"), DATE)
        return el

    def _delete(self, run: etree._Element, author: str) -> etree._Element:
        """Wrap a run in a tracked deletion, its text as w:delText; returns the w:del."""
        dele = self._mark("del", author)
        run.addprevious(dele)
        dele.append(run)
        for t in run.iter(q("w:t")):
            t.tag = q("w:delText")
        return dele

    def _count(self, kind: str) -> None:
        self.kinds[kind] = self.kinds.get(kind, 0) + 1

    # -- finding targets -----------------------------------------------------------------------------------
    def section_paragraphs(self) -> list[etree._Element]:
        """Body paragraphs of sections with a source bookmark (not titles), not yet edited, outside tables."""
        out = []
        for p in self.root.iter(q("w:p")):
            names = [b.get(q("w:name"), "") for b in p.iter(q("w:bookmarkStart"))]
            mark = next((m for m in map(_COE.match, names) if m), None)
            if mark is None or mark.group(2) == "1" or p.get("edited"):
                continue
            if any(a.tag == q("w:tbl") for a in p.iterancestors()):
                continue
            if not list(_text_runs(p)):
                continue
            out.append(p)
        return out

    def table_rows(self) -> list[etree._Element]:
        rows = []
        for tr in self.root.iter(q("w:tr")):
            names = [b.get(q("w:name"), "") for b in tr.iter(q("w:bookmarkStart"))]
            if any(_COE.match(n) for n in names) and not tr.get("edited"):
                rows.append(tr)
        return rows

    # -- edits ---------------------------------------------------------------------------------------------
    def insert_words(self, p: etree._Element, author: str) -> bool:
        run, pos = self._word_boundary(p)
        if run is None:
            return False
        _before, after = _split_run(run, pos)
        new = _run_like(run, f"{self.rng.choice(WORDS)} {self.rng.choice(WORDS)} ")
        ins = self._mark("ins", author)
        ins.append(new)
        after.addprevious(ins)
        self._count("insert words")
        return True

    def delete_words(self, p: etree._Element, author: str, replace: bool = False) -> bool:
        run, pos = self._word_boundary(p)
        if run is None:
            return False
        text = _run_text(run)
        match = re.match(r"\w+\s", text[pos:])
        if not match:
            return False
        _before, rest = _split_run(run, pos)
        target, _after = _split_run(rest, len(match.group()))
        dele = self._delete(target, author)
        if replace:
            ins = self._mark("ins", author)
            ins.append(_run_like(target, f"{self.rng.choice(WORDS)} "))
            for t in ins.iter(q("w:delText")):
                t.tag = q("w:t")
            dele.addnext(ins)
        self._count("replace words" if replace else "delete words")
        return True

    def insert_paragraph(self, p: etree._Element, author: str) -> None:
        """A new paragraph after p, with p's style (and list numbering): its mark and its text inserted."""
        new = etree.Element(q("w:p"))
        ppr = p.find(q("w:pPr"))
        if ppr is not None:
            ppr = deepcopy(ppr)
            for child in list(ppr):
                if child.tag == q("w:rPr"):
                    ppr.remove(child)
            new.append(ppr)
        else:
            ppr = etree.SubElement(new, q("w:pPr"))
        rpr = etree.SubElement(ppr, q("w:rPr"))
        rpr.append(self._mark("ins", author))
        ins = self._mark("ins", author)
        words = " ".join(self.rng.choice(WORDS) for _ in range(6)).capitalize() + "."
        r = etree.SubElement(ins, q("w:r"))
        t = etree.SubElement(r, q("w:t"))
        t.text = words
        new.append(ins)
        new.set("edited", "1")
        p.addnext(new)
        self._count("insert paragraph")

    def delete_paragraph(self, p: etree._Element, author: str) -> None:
        for run in _text_runs(p, everything=True):
            self._delete(run, author)
        ppr = p.find(q("w:pPr"))
        if ppr is None:
            ppr = etree.Element(q("w:pPr"))
            p.insert(0, ppr)
        rpr = etree.SubElement(ppr, q("w:rPr"))
        rpr.append(self._mark("del", author))
        p.set("edited", "1")
        self._count("delete paragraph")

    def insert_row(self, tr: etree._Element, author: str) -> None:
        new = deepcopy(tr)
        for b in list(new.iter(q("w:bookmarkStart"), q("w:bookmarkEnd"))):
            b.getparent().remove(b)
        for cell in new.iter(q("w:tc")):
            for p in cell.iter(q("w:p")):
                for run in list(_text_runs(p)):
                    run.getparent().remove(run)
                ins = self._mark("ins", author)
                r = etree.SubElement(ins, q("w:r"))
                etree.SubElement(r, q("w:t")).text = self.rng.choice(WORDS).capitalize()
                p.append(ins)
        trpr = new.find(q("w:trPr"))
        if trpr is None:
            trpr = etree.Element(q("w:trPr"))
            new.insert(0 if new.find(q("w:tblPrEx")) is None else 1, trpr)
        trpr.append(self._mark("ins", author))
        new.set("edited", "1")
        tr.addnext(new)
        tr.set("edited", "1")
        self._count("insert row")

    def delete_row(self, tr: etree._Element, author: str) -> None:
        for p in tr.iter(q("w:p")):
            for run in _text_runs(p):
                self._delete(run, author)
        trpr = tr.find(q("w:trPr"))
        if trpr is None:
            trpr = etree.Element(q("w:trPr"))
            tr.insert(0, trpr)
        trpr.append(self._mark("del", author))
        tr.set("edited", "1")
        self._count("delete row")

    def edit_cell(self, tr: etree._Element, author: str) -> bool:
        cells = tr.findall(q("w:tc"))
        p = next(iter(self.rng.choice(cells).iter(q("w:p"))), None)
        if p is None or not self.insert_words(p, author):
            return False
        tr.set("edited", "1")
        self.kinds["insert words"] -= 1
        self._count("edit table cell")
        return True

    def move_words(self, source: etree._Element, target: etree._Element, author: str) -> bool:
        """Words cut from one paragraph and pasted into another, as Word records a move (moveFrom/moveTo)."""
        run, pos = self._word_boundary(source)
        spot, at = self._word_boundary(target)
        if run is None or spot is None or run is spot:
            return False
        match = re.match(r"\w+\s", _run_text(run)[pos:])
        if not match:
            return False
        _, rest = _split_run(run, pos)
        moved, _ = _split_run(rest, len(match.group()))
        name = f"move{self._id()}"
        gone = self._mark("moveFrom", author)
        moved.addprevious(gone)
        gone.append(moved)
        for t in moved.iter(q("w:t")):
            t.tag = q("w:delText")
        gone.addprevious(etree.Element(q("w:moveFromRangeStart"), {q("w:id"): self._id(), q("w:name"): name,
                                                                      q("w:author"): author, q("w:date"): DATE}))
        _, after = _split_run(spot, at)
        arrive = self._mark("moveTo", author)
        arrive.append(_run_like(after, match.group()))
        after.addprevious(arrive)
        self._count("move words")
        return True

    def _word_boundary(self, p: etree._Element) -> tuple[etree._Element | None, int]:
        runs = [r for r in _text_runs(p) if re.search(r"\s\w", _run_text(r))]
        if not runs:
            return None, 0
        run = self.rng.choice(runs)
        text = _run_text(run)
        spots = [m.start() + 1 for m in re.finditer(r"\s(?=\w)", text)]
        return run, self.rng.choice(spots)


def _in_source(run: etree._Element, part: str) -> bool:
    """In a footnote, or in a paragraph or table row that a source bookmark marks (not the contents list)."""
    if part != "word/document.xml":
        return True
    for ancestor in run.iterancestors(q("w:p"), q("w:tr")):
        if any(_COE.match(b.get(q("w:name"), "")) for b in ancestor.iter(q("w:bookmarkStart"))):
            return True
    return False


def _text_runs(p: etree._Element, everything: bool = False) -> list[etree._Element]:
    """Runs with text (or, with `everything`, any run: footnote references and pictures too) that are not already
    inside a tracked change."""
    out = []
    for r in p.iter(q("w:r")):
        if r.find(q("w:t")) is None and not everything:
            continue
        if any(a.tag in (q("w:ins"), q("w:del")) for a in r.iterancestors()):
            continue
        if _in_field(r):  # a field's shown text ("Figure 2"), which Word remakes when it updates the field
            continue
        out.append(r)
    return out


def _in_field(run: etree._Element) -> bool:
    """Whether the run is a field's result (after its `separate`, before its `end`)."""
    for previous in run.itersiblings(preceding=True):
        kind = previous.find(q("w:fldChar"))
        if kind is not None:
            return kind.get(q("w:fldCharType")) in ("begin", "separate")
    return False


def _run_text(run: etree._Element) -> str:
    return "".join(t.text or "" for t in run.iter(q("w:t"), q("w:delText")))


def _run_like(run: etree._Element, text: str) -> etree._Element:
    new = etree.Element(q("w:r"))
    rpr = run.find(q("w:rPr"))
    if rpr is not None:
        new.append(deepcopy(rpr))
    t = etree.SubElement(new, q("w:t"))
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return new


def _split_run(run: etree._Element, pos: int) -> tuple[etree._Element, etree._Element]:
    """Split a one-text run at pos: (run with the head, new run with the tail after it)."""
    text = _run_text(run)
    tail = deepcopy(run)
    for t in list(run.iter(q("w:t"))):
        t.text = text[:pos]
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    for t in list(tail.iter(q("w:t"))):
        t.text = text[pos:]
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    run.addnext(tail)
    return run, tail


def edit_docx(src: Path, dest: Path, edits: int, seed: int = 7, authors: tuple[str, ...] = ("Ana Rossi", "Jean Martin"),
              kinds: tuple[str, ...] | None = None) -> dict[str, int]:
    """Copy src to dest with `edits` tracked changes of many kinds, spread over the sections."""
    with zipfile.ZipFile(src) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    reviewer = Reviewer(root, rng=random.Random(seed), authors=authors)
    rng = reviewer.rng
    notes_root = etree.fromstring(parts["word/footnotes.xml"]) if "word/footnotes.xml" in parts else None
    notes = Reviewer(notes_root, rng=reviewer.rng, authors=authors, counter=50000) if notes_root is not None else None
    menu = kinds or ("insert words", "delete words", "replace words", "insert paragraph", "delete paragraph",
                     "insert row", "delete row", "edit table cell", "edit footnote", "move words")
    weights = {"insert words": 5, "delete words": 4, "replace words": 5, "insert paragraph": 2,
               "delete paragraph": 1, "insert row": 1, "delete row": 1, "edit table cell": 2, "edit footnote": 1,
               "move words": 1}
    done = 0
    attempts = 0
    while done < edits and attempts < edits * 20:
        attempts += 1
        kind = rng.choices(menu, [weights[k] for k in menu])[0]
        author = rng.choice(authors)
        if kind in ("insert row", "delete row", "edit table cell"):
            rows = [r for r in reviewer.table_rows() if r.getprevious() is not None and
                    r.getprevious().tag == q("w:tr")]
            if not rows:
                continue
            row = rng.choice(rows)
            if kind == "insert row":
                reviewer.insert_row(row, author)
            elif kind == "delete row":
                reviewer.delete_row(row, author)
            elif not reviewer.edit_cell(row, author):
                continue
            done += 1
            continue
        if kind == "edit footnote":
            candidates = [p for p in (notes_root.iter(q("w:p")) if notes_root is not None else ())
                          if not p.get("edited") and _text_runs(p)]
            if notes is None or not candidates:
                continue
            note = rng.choice(candidates)
            if not (notes.insert_words(note, author) if rng.random() < 0.5 else notes.delete_words(note, author)):
                continue
            note.set("edited", "1")
            reviewer._count("edit footnote")
            done += 1
            continue
        paragraphs = reviewer.section_paragraphs()
        if not paragraphs:
            break
        p = rng.choice(paragraphs)
        if kind == "move words":
            other = rng.choice(paragraphs)
            if other is p or not reviewer.move_words(p, other, author):
                continue
            other.set("edited", "1")
            p.set("edited", "1")
            done += 1
            continue
        if kind == "insert paragraph":
            reviewer.insert_paragraph(p, author)
        elif kind == "delete paragraph":
            style = p.find(f"{q('w:pPr')}/{q('w:pStyle')}")
            if style is not None and style.get(q("w:val"), "").startswith("Heading"):
                continue  # a heading deleted can leave the next one skipping a level, which validate refuses
            reviewer.delete_paragraph(p, author)
        elif kind == "insert words":
            if not reviewer.insert_words(p, author):
                continue
        elif not reviewer.delete_words(p, author, replace=kind == "replace words"):
            continue
        p.set("edited", "1")
        done += 1
    for el in root.iter():
        if "edited" in el.attrib:
            del el.attrib["edited"]
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if notes_root is not None:
        for el in notes_root.iter():
            if "edited" in el.attrib:
                del el.attrib["edited"]
        parts["word/footnotes.xml"] = etree.tostring(notes_root, xml_declaration=True, encoding="UTF-8",
                                                     standalone=True)
    kinds = dict(reviewer.kinds)  # a footnote's edit counts once, as "edit footnote"
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return kinds


def copy(src: Path, dest: Path) -> Path:
    shutil.copy(src, dest)
    return dest


def rewrite_part(src: Path, dest: Path, change: Callable[[bytes], bytes], part: str = "word/document.xml") -> Path:
    """Copy the package at src to dest with `part` as `change` makes it from its bytes (a reviewer's edit by hand)."""
    with zipfile.ZipFile(src) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return dest


def edit_part(src: Path, dest: Path, change: Callable[[etree._Element], None], part: str = "word/document.xml"
              ) -> Path:
    """Copy the package at src to dest with `part`'s XML as `change` leaves it."""
    def edited(data: bytes) -> bytes:
        root = etree.fromstring(data)
        change(root)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite_part(src, dest, edited, part)


def tracked(src: Path, dest: Path, edits: list[tuple[str, str, str, str]], part: str = "word/document.xml") -> None:
    """Copy src to dest with exact tracked edits: (text before, old, new, author) each, where `before + old` lies
    in one run; `old` becomes a deletion and `new` an insertion right after it (either may be empty)."""
    edit_part(src, dest, lambda root: _track(root, edits, part), part)


def _track(root: etree._Element, edits: list[tuple[str, str, str, str]], part: str) -> None:
    reviewer = Reviewer(root)
    for before, old, new, author in edits:
        run = next((r for r in root.iter(q("w:r")) if before + old in _run_text(r) and _in_source(r, part)
                    and not any(a.tag in (q("w:ins"), q("w:del")) for a in r.iterancestors())), None)
        assert run is not None, f"no run holds {before + old!r}"
        start = _run_text(run).index(before + old) + len(before)
        _, rest = _split_run(run, start)
        target, after = _split_run(rest, len(old))
        ins = reviewer._mark("ins", author)
        ins.append(_run_like(target, new))
        if old:
            reviewer._delete(target, author)
        else:
            target.getparent().remove(target)
        if new:
            after.addprevious(ins)


def apply_review(root: Path, reviewed: Path, write: bool = True, **options: Any) -> writeback.Plan:
    """`coe-paper apply` of a reviewed file as the command plans it (`options` as writeback.Options takes them),
    the section files written unless `write` is false."""
    doc = wordread.read(reviewed)
    try:
        plan = writeback.plan(root, doc, writeback.organisations(root), writeback.Options(**options))
    finally:
        doc.docx.close()
    if write:
        writeback.write(root, plan.files)
    return plan
