"""A paragraph as the redline compares it, and back: its words, spaces, punctuation and other run content as
atoms (each keyed so that two versions of a paragraph compare word by word), and atoms written into a new paragraph,
grouped into hyperlinks, w:ins/w:del wrappers and runs. `redline.py` aligns the atoms and decides what changed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass

from lxml import etree

from . import ooxml, ooxml_review

Element = ooxml.Element
w = ooxml.w
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_MARKS = (w("bookmarkStart"), w("bookmarkEnd"))
#: Paragraph properties that only decide where a page breaks: two versions differing in them alone are the same
#: paragraph (a list item is kept with the next one, or no longer, when an item after it is added or deleted).
PAGINATION = frozenset({w("keepNext"), w("keepLines"), w("widowControl")})


@dataclass
class Atom:
    """A word, a run of spaces, a punctuation mark or one other piece of run content, with what it is written with."""

    key: tuple[str, ...]
    node: Element | None  # non-text run content (tab, break, field char, footnote reference, drawing, ...)
    text: str | None = None
    rpr: Element | None = None
    container: Element | None = None  # the w:hyperlink holding the run
    opaque: bool = False  # not run content: copied as it is, dropped when deleted


@dataclass
class Para:
    """A paragraph as atoms, after its leading bookmarks."""

    element: Element
    prefix: list[Element]  # leading bookmarks
    atoms: list[Atom]
    kind: str  # paragraph properties that decide whether two paragraphs may be compared (pagination aside)

    @property
    def words(self) -> list[tuple[str, ...]]:
        return [a.key for a in self.atoms]


def _run_atoms(r: Element, container: Element | None, footnotes: Callable[[str], str], anchors: bool = True
               ) -> Iterator[Atom]:
    rpr = r.find(ooxml.RPR)
    link = _target(container, anchors) if container is not None else ""  # a changed address or anchor is a change
    for child in r:
        if child.tag == ooxml.RPR or not isinstance(child.tag, str):
            continue
        name = etree.QName(child).localname
        if child.tag in (ooxml.T, w("delText")):
            for token in _TOKEN_RE.findall(child.text or ""):
                yield Atom(("t", token, link), None, token, rpr, container)
            continue
        if name == "footnoteReference":
            key: tuple[str, ...] = ("fn", footnotes(child.get(w("id"), "")))
        elif name == "drawing":
            blips = [b.get(f"{{{ooxml.R_NS}}}embed", "") for b in child.iter() if etree.QName(b).localname == "blip"]
            descr = [d.get("descr", "") for d in child.iter() if etree.QName(d).localname == "docPr"]
            key = ("img", *blips, *descr)
        elif name in ("instrText", "delInstrText"):
            key = ("instr", child.text or "")
        else:
            attrs = sorted((str(k), str(v)) for k, v in child.attrib.items())
            key = (name, *(f"{k}={v}" for k, v in attrs if not k.endswith("}id")))
        yield Atom(key, child, None, rpr, container)


def _target(link: Element, anchors: bool) -> str:
    """Where a hyperlink leads: its relationship (a web address) or, with `anchors`, its anchor (a place in the
    paper)."""
    relationship = link.get(f"{{{ooxml.R_NS}}}id")
    if relationship is not None:
        return relationship
    return "#" + link.get(w("anchor"), "") if anchors else ""


def read_para(p: Element, footnotes: Callable[[str], str], anchors: bool = True) -> Para:
    """The paragraph `p` as atoms; `footnotes` gives a footnote id's text, so that a reference compares by it.
    Without `anchors`, a link to a place in the paper compares by its words alone (an entry of the contents, whose
    link goes to its heading's bookmark: each version's headings have bookmarks of their own)."""
    prefix: list[Element] = []
    atoms: list[Atom] = []
    for child in p:
        if child.tag == ooxml.PPR or not isinstance(child.tag, str):
            continue
        if child.tag in _MARKS:
            if atoms:
                atoms.append(Atom(("mark",), child, opaque=True))
            else:
                prefix.append(child)
        elif child.tag == ooxml.R:
            atoms += _run_atoms(child, None, footnotes, anchors)
        elif child.tag == w("hyperlink"):
            for r in child.iter(ooxml.R):
                atoms += _run_atoms(r, child, footnotes, anchors)
        else:
            atoms.append(Atom(("x", etree.tostring(child, encoding="unicode")), child, opaque=True))
    return Para(p, prefix, atoms, _kind(p))


def _kind(p: Element) -> str:
    props = p.find(ooxml.PPR)
    if props is None:
        return ""
    shape = deepcopy(props)
    for node in shape.iter(w("numId")):
        node.set(w("val"), "")
    for node in [*shape.findall(ooxml.RPR), *(n for n in shape if n.tag in PAGINATION)]:
        shape.remove(node)
    return etree.tostring(shape, encoding="unicode") if len(shape) or shape.attrib else ""


def _same(a: Element | None, b: Element | None) -> bool:
    if a is None or b is None:
        return a is b
    return etree.tostring(a) == etree.tostring(b)


class AtomWriter:
    """Writes atoms into a paragraph, grouping them into hyperlinks, w:ins/w:del wrappers and runs; `revision`
    makes a new, empty w:ins or w:del (ooxml_review.INS, ooxml_review.DEL) with its id, author and date."""

    def __init__(self, revision: Callable[[str], Element], p: Element) -> None:
        self.revision, self.p = revision, p
        self.container: Element | None = None
        self.target = p
        self.wrapper: tuple[str, Element] | None = None
        self.last_run: tuple[Element, Element | None, str] | None = None  # run, its rPr, its state

    def _enter(self, container: Element | None) -> None:
        if container is self.container or (container is not None and self.container is not None and _same(
                _shell(container), _shell(self.container))):
            return
        self.container, self.wrapper, self.last_run = container, None, None
        if container is None:
            self.target = self.p
        else:
            self.target = _shell(container)
            self.p.append(self.target)

    def _parent(self, state: str) -> Element:
        if state == "same":
            self.wrapper = None
            return self.target
        if self.wrapper is None or self.wrapper[0] != state:
            kind = ooxml_review.DEL if state == "del" else ooxml_review.INS
            wrapper = self.revision(kind)
            self.target.append(wrapper)
            self.wrapper, self.last_run = (state, wrapper), None
        return self.wrapper[1]

    def write(self, items: Sequence[tuple[str, Atom]]) -> None:
        for state, atom in items:
            if atom.opaque:
                if state != "del" and atom.node is not None:
                    self._enter(None)
                    self.p.append(deepcopy(atom.node))
                    self.wrapper = self.last_run = None
                continue
            self._enter(atom.container)
            parent = self._parent(state)
            if atom.text is not None and self.last_run is not None:
                run, rpr, last_state = self.last_run
                text = run[-1]
                if last_state == state and run.getparent() is parent and _same(rpr, atom.rpr) and \
                        text.tag in (ooxml.T, w("delText")):
                    text.text = (text.text or "") + atom.text
                    continue
            run = ooxml.text_run(parent, atom.text, atom.rpr, deleted=state == "del")
            if atom.text is None and atom.node is not None:
                copy = deepcopy(atom.node)
                run.append(ooxml_review.as_deleted(copy) if state == "del" else copy)
            self.last_run = (run, atom.rpr, state)


def _shell(container: Element) -> Element:
    """The container element with its attributes and without its children."""
    shell = etree.Element(container.tag)
    for name, value in container.attrib.items():
        shell.set(name, value)
    return shell
