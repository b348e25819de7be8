"""Rendered sections that can be kept between builds and placed into any document.

A section body (or a byline) is rendered against a `Recorder` instead of the document: it numbers bookmarks,
footnotes, lists and links from 1 within the fragment and writes down what the document must be asked for (the
lists' definitions, the links' addresses, the anchors claimed, the headings for the contents). `place` then puts a
fragment into the document: it asks the document for those, and renumbers the fragment's ids into the document's.
Every build goes through `place`, whether the fragment was rendered just now or read from the section cache, so a
build that reuses fragments gives the same bytes as one that renders everything. How a fragment is kept in the cache is
fragments_stored.py's.

What placing changes: bookmark and footnote ids move up by the document's count; list and link ids become the
document's; the section's source bookmarks `_Coe-1_N` take the section's place in the paper (`_Coe{index}_N`);
and a heading whose anchor an earlier part of the paper claimed gets a `_Toc{id}` bookmark instead, as Word does.
Source bookmarks are not claimed in the document: no anchor can be one (an anchor's bookmark starts with a letter,
`bookmark_name`), and the section's index makes them the section's own, so a fragment claims its headings' anchors
alone, and its body's names are worked out only when its text is made (a body placed as before is not).
A picture is recorded as a processing instruction `<?coe-picture N?>` (which no text of the paper can make: text is
escaped) with its file, alt text and title; placing asks the document to embed the file as it is then and puts the
drawing there (or the alt text, when the file cannot be read).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lxml import etree

from . import marks, ooxml
from .safedocx import xml_parser

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder

Element = ooxml.Element
LINK_PREFIX = "coeLink"
#: The attributes placing renumbers, in the XML lxml writes: a bookmark's id and name, a footnote reference's id,
#: a list's numId and a hyperlink's relationship.
_SITE = re.compile(r'<w:(bookmarkStart|bookmarkEnd|footnoteReference|numId|hyperlink)((?:\s+[\w:]+="[^"]*")*)\s*/?>')
_ATTRIBUTE = re.compile(r'\s([\w:]+)="([^"]*)"')
_KIND = {("bookmarkStart", "w:id"): "b", ("bookmarkEnd", "w:id"): "b", ("bookmarkStart", "w:name"): "n",
         ("footnoteReference", "w:id"): "f", ("numId", "w:val"): "l", ("hyperlink", "r:id"): "r"}


@dataclass
class Part:
    """XML text (elements one after another, with the w: and r: prefixes of the document) as a template: each value
    placing renumbers is a `%s` (a `%` of the text itself is `%%`). `kinds` says what each one is, in order (b
    bookmark id, n bookmark name, f footnote id, l list, r link, p picture), and `values` holds the fragment-local
    values of each kind in order, with "m" the local bookmark id of each name (for a `_Toc` name). Placing is one
    `%` of the template with the renumbered values."""

    text: str
    kinds: str
    values: dict[str, list[Any]]


@dataclass
class Fragment:
    """A rendered body or byline with fragment-local ids, and what placing it asks of the document."""

    body: Part
    notes: list[tuple[int, Part]]  # footnote id (local) and its paragraphs
    # (ordered, level, start, the levels of the other kind: a bullet list nested in a numbered one) of list 1, 2, ...
    lists: list[tuple[bool, int, int, tuple[int, ...]]]
    links: list[str]  # the address of link coeLink1, coeLink2, ...
    claims: list[str]  # anchors the headings claimed, in order (not source bookmarks: see the module's docstring)
    headings: list[tuple[int, str, str]]  # (level, text, bookmark name) for the contents
    bookmarks: int  # bookmark ids used: 1..bookmarks
    footnotes: int  # footnote ids used: 1..footnotes
    # picture N: path, alt, title, missing (its text when unreadable), room (the most twips it may take; 0: the page's)
    pictures: list[tuple[str, str, str, str, int, int]] = field(default_factory=list)


class Recorder:
    """A render.Sink that keeps ids local and writes down what the document must provide (see `place`)."""

    def __init__(self, doc: DocxBuilder) -> None:
        self.doc = doc
        self.fragment = Fragment(_template("", []), [], [], [], [], [], 0, 0)
        self.notes: list[tuple[int, list[Element]]] = []
        self._links: dict[str, str] = {}
        self._claimed: set[str] = set()

    def style(self, name: str) -> str | None:
        return self.doc.style(name)

    def new_list(self, ordered: bool, level: int, start: int) -> int:
        self.fragment.lists.append((ordered, level, start, ()))
        return len(self.fragment.lists)

    def nest_list(self, num_id: int, level: int) -> None:
        ordered, top, start, other = self.fragment.lists[num_id - 1]
        self.fragment.lists[num_id - 1] = (ordered, top, start, tuple(sorted({*other, level})))

    def hyperlink_rel(self, url: str) -> str:
        if url not in self._links:
            self.fragment.links.append(url)
            self._links[url] = f"{LINK_PREFIX}{len(self.fragment.links)}"
        return self._links[url]

    def picture(self, path: str, alt: str, title: str, missing: str, room: int = 0, width: int = 0) -> Element:
        self.fragment.pictures.append((path, alt, title, missing, room, width))
        return etree.ProcessingInstruction("coe-picture", str(len(self.fragment.pictures)))

    def fit_pictures(self, elements: Sequence[Element], room: int) -> None:
        """The pictures marked in `elements` get at most `room` twips."""
        for element in elements:
            for mark in element.iter(etree.ProcessingInstruction):
                if isinstance(mark, etree._ProcessingInstruction) and mark.target == "coe-picture" \
                        and (mark.text or "").isdigit():
                    index = int(mark.text or "0") - 1
                    path, alt, title, missing, before, width = self.fragment.pictures[index]
                    self.fragment.pictures[index] = (path, alt, title, missing, min(before or room, room), width)

    def next_footnote_id(self) -> int:
        self.fragment.footnotes += 1
        return self.fragment.footnotes

    def add_footnote(self, footnote_id: int, paragraphs: list[Element]) -> None:
        self.notes.append((footnote_id, paragraphs))

    def next_bookmark_id(self) -> int:
        self.fragment.bookmarks += 1
        return self.fragment.bookmarks

    def claim_anchor(self, anchor: str) -> bool:
        if anchor in self._claimed:
            return False
        self._claimed.add(anchor)
        if not marks.is_source_mark(anchor):  # the document claims the others; a source bookmark is the section's
            self.fragment.claims.append(anchor)
        return True

    def add_heading(self, level: int, text: str, bookmark: str) -> None:
        self.fragment.headings.append((level, text, bookmark))


def record(doc: DocxBuilder, render: Callable[[Recorder], list[Element]]) -> Fragment:
    """The fragment `render` writes against a recorder on `doc`."""
    recorder = Recorder(doc)
    fragment = recorder.fragment
    fragment.body = _part(render(recorder))
    fragment.notes = [(note_id, _part(paragraphs)) for note_id, paragraphs in recorder.notes]
    return fragment


def _part(elements: Sequence[Element]) -> Part:
    text = xml_text(elements)
    usual = _usual_part(text)
    return usual if usual is not None else _template(text, _sites(text))


def xml_text(elements: Sequence[Element]) -> str:
    """The XML text of `elements`, one after another, with the document's prefixes."""
    holder = etree.Element(ooxml.w("body"), nsmap=ooxml.NSMAP)
    holder.extend(elements)
    whole = etree.tostring(holder, encoding="unicode")
    return "" if whole.endswith("/>") else whole[whole.index(">") + 1 : whole.rindex("</")]


def _template(text: str, sites: list[tuple[int, int, str, int]]) -> Part:
    """`text` with each site made a `%s`, and the sites' values by kind."""
    pieces, last, kinds = [], 0, []
    values: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    for start, end, kind, bookmark in sites:
        pieces.append(text[last:start].replace("%", "%%"))
        pieces.append("%s")
        last = end
        value = text[start:end]
        kinds.append(kind)
        values[kind].append(int(value) if kind in "bfl" else int(value[len(_PICTURE) : -2]) if kind == "p" else value)
        if kind == "n":
            values["m"].append(bookmark)
    pieces.append(text[last:].replace("%", "%%"))
    return Part("".join(pieces), "".join(kinds), values)


KINDS = ("b", "n", "m", "f", "l", "r", "p")
_PICTURE = "<?coe-picture "
_PICTURES = re.compile(r"<\?coe-picture \d+\?>")


#: The sites as this package's renderer writes them (each tag with just these attributes, in this order, and no `%`
#: in a value), then any other way of writing a tag that may hold one: that one sends the text to `_sites`.
_USUAL = re.compile(r'<w:(?:bookmarkStart w:id="(\d+)" w:name="([^"%]*)"|bookmarkEnd w:id="(\d+)"'
                    r'|footnoteReference w:id="(\d+)"|numId w:val="(\d+)"|hyperlink r:id="([^"%]*)")'
                    r"|<\?coe-picture (\d+)\?>"
                    r"|<w:(?:bookmarkStart|bookmarkEnd|footnoteReference|numId)\s|<w:hyperlink\s[^>]*r:id="
                    r"|<\?coe-picture")
#: What each of the usual forms becomes in the template, by the group of its (last) value.
_USUAL_FORMS = {2: '<w:bookmarkStart w:id="%s" w:name="%s"', 3: '<w:bookmarkEnd w:id="%s"',
                4: '<w:footnoteReference w:id="%s"', 5: '<w:numId w:val="%s"', 6: '<w:hyperlink r:id="%s"', 7: "%s"}


def _usual_part(text: str) -> Part | None:
    """`_template(text, _sites(text))` in one pass over `text`, when every tag that may hold a site is written the
    usual way (else None). The text's `%` are doubled first: no value of the usual forms holds one."""
    kinds: list[str] = []
    values: dict[str, list[Any]] = {kind: [] for kind in KINDS}
    unusual = False

    def site(match: re.Match[str]) -> str:
        nonlocal unusual
        group = match.lastindex  # the one alternative that matched: its group (a bookmark's start has two)
        if group is None:
            unusual = True
            return ""
        if group == 2:
            bookmark = int(match.group(1))
            kinds.append("bn")
            values["b"].append(bookmark)
            values["n"].append(match.group(2))
            values["m"].append(bookmark)
        else:
            kind = "bflrp"[group - 3]
            kinds.append(kind)
            values[kind].append(match.group(group) if kind == "r" else int(match.group(group)))
        return _USUAL_FORMS[group]

    template = _USUAL.sub(site, text.replace("%", "%%"))
    return None if unusual else Part(template, "".join(kinds), values)


def _sites(text: str) -> list[tuple[int, int, str, int]]:
    """The sites of `text`, whatever the attributes of their tags and their order."""
    sites = []
    for match in _SITE.finditer(text):
        tag = match.group(1)
        attributes = list(_ATTRIBUTE.finditer(match.group(0)))
        ids = [a.group(2) for a in attributes if _KIND.get((tag, a.group(1))) == "b"]
        bookmark = int(ids[0]) if ids else 0  # a bookmark's id, wherever it stands among its attributes
        for attribute in attributes:
            kind = _KIND.get((tag, attribute.group(1)))
            if kind is not None:
                start = match.start() + attribute.start(2)
                sites.append((start, start + len(attribute.group(2)), kind, bookmark))
    sites += [(match.start(), match.end(), "p", 0) for match in _PICTURES.finditer(text)]
    return sorted(sites)


@dataclass(frozen=True)
class Placed:
    """A fragment put into the document (`place`): the numbers its body was given besides its own (None when it
    shows a picture, whose drawing depends on the file as it is now), and its body's XML text, made when asked for.
    The same fragment placed with the same numbers has the same text."""

    numbers: str | None
    text: Callable[[], str]


def place(doc: DocxBuilder, fragment: Fragment, section: int | None = None, notes_as_text: bool = False) -> Placed:
    """Put the fragment's footnotes, lists, links, anchors and headings into `doc`; its body's XML text, renumbered
    to match, is made when asked for. `section` is the index the source bookmarks take; with `notes_as_text`, the
    footnotes go to the document as XML text too (see DocxBuilder.add_footnote_text), else as elements."""
    bookmark_base = doc.reserve_bookmarks(fragment.bookmarks, section)
    note_base = doc.reserve_footnotes(fragment.footnotes)
    lists = ["0", *(str(doc.new_list(*spec)) for spec in fragment.lists)]  # list 1 at index 1; 0: in no list
    links = {f"{LINK_PREFIX}{index}": doc.hyperlink_rel(url) for index, url in enumerate(fragment.links, start=1)}
    placed = marks.placed(fragment.claims, section)
    names: dict[str, str | None] = {}  # a claimed anchor's name in the document; None: taken, use _Toc{id}
    if doc.claim_anchors(placed):  # the usual case: all free, claimed at once
        names.update(zip(fragment.claims, placed, strict=True))
    else:
        for claim, name in zip(fragment.claims, placed, strict=True):
            names[claim] = name if doc.claim_anchor(name) else None
    unplaced = marks.section_prefix(marks.PLACEHOLDER)
    here, cut = marks.section_prefix(section) if section is not None else unplaced, len(unplaced)

    def name_of(value: str, at: int, part: Part) -> str:
        """The document's name of bookmark name `value`, the part's `at`th: a source bookmark's takes the section's
        index; a taken anchor, or a `_Toc` name, takes a `_Toc` name of this document's own."""
        if value.startswith(unplaced):
            return here + value[cut:]
        found = names.get(value, value)  # None: a taken anchor
        if found is None or (value.startswith("_Toc") and value[4:].isdigit()):
            return f"_Toc{bookmark_base + part.values['m'][at]}"
        return found

    def named(part: Part) -> list[Any]:
        """The part's bookmark names in the document."""
        return [name_of(value, at, part) for at, value in enumerate(part.values["n"])]

    in_notes: dict[str, str] = {}  # the notes' bookmark names in the document, by their names in the fragment

    def heading_name(name: str) -> str:
        """The document's name of a heading's bookmark `name`: a note's, else the body's (the last bookmark named
        so), worked out without naming all the body's bookmarks."""
        local = fragment.body.values["n"]
        if name in in_notes or name not in local:
            return in_notes.get(name, name)
        return name_of(name, len(local) - 1 - local[::-1].index(name), fragment.body)

    def renumber(part: Part, names_in_document: list[Any]) -> str:
        if not part.kinds:  # no site (a footnote, mostly): the text's own `%` are all written `%%`
            return part.text.replace("%%", "%")
        values = part.values
        columns = {
            "b": map(bookmark_base.__add__, values["b"]),
            "n": iter(names_in_document),
            "f": map(note_base.__add__, values["f"]),
            "l": map(lists.__getitem__, values["l"]),
            "r": map(links.__getitem__, values["r"]),
            "p": iter([xml_text([doc.picture(*fragment.pictures[value - 1])]) for value in values["p"]]),
        }
        return part.text % tuple(map(next, map(columns.__getitem__, part.kinds)))

    shown = renumber(fragment.body, named(fragment.body)) if fragment.pictures else None  # in the document's order
    for note_id, note in fragment.notes:
        note_names = named(note)
        in_notes.update(zip(note.values["n"], note_names, strict=True))
        text = renumber(note, note_names)
        if notes_as_text:
            doc.add_footnote_text(note_base + note_id, text)
        else:
            doc.add_footnote(note_base + note_id, elements(text))
    for level, text, name in fragment.headings:
        doc.add_heading(level, text, heading_name(name))
    if shown is not None:
        return Placed(None, lambda: shown)
    taken = [claim for claim in fragment.claims if names[claim] is None]
    numbers = repr((section, bookmark_base, note_base if fragment.footnotes else 0, lists, [*links.values()], taken))
    return Placed(numbers, lambda: renumber(fragment.body, named(fragment.body)))


def elements(text: str) -> list[Element]:
    """The elements of placed XML text, each the root of a tree of its own: lxml takes time growing with the square
    of an element's size to move it out of a tree that declares its namespaces above it (a table of 12,500 rows
    took three minutes to move into the document), and no time to copy it out."""
    holder = etree.fromstring(f'<w:body xmlns:w="{ooxml.W_NS}" xmlns:r="{ooxml.R_NS}">{text}</w:body>', xml_parser())
    return [copy.deepcopy(element) for element in holder]
