"""The Word package: a template opened with python-docx, body elements from the renderer, footnotes, lists,
properties, header and footer; saved as reproducible bytes and written atomically."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.shape import CT_Inline
from docx.shared import Emu, Inches
from lxml import etree

from . import fragments, limits, ooxml, ooxml_parts, ooxml_sections, parts_text
from .a11y import judged_contrast
from .docx_entries import package_entries
from .docx_props import Properties, fill_core_properties
from .docx_template import open_template_document
from .jpegs import docx_image
from .numbering import DEPTH, HeadingNumbers, annex_levels, fit_indents, link_heading_styles
from .safedocx import DocxError
from .safepaths import write_atomic as write_atomic  # where assemble and compare write from
from .sources import Source, normalise
from .zipout import StoredPieces, Verbatim, zip_entries

Element = ooxml.Element


class TemplateError(Exception):
    """The template .docx cannot be opened."""


_DECLARING_TAG = re.compile(r"<[^<>]*\sxmlns:[^<>]*>")
_SLOT_NAME = re.compile(r"coe-slot-(\d+)")


class DocxBuilder:
    """Collects a document's body and its side parts; implements render.Sink."""

    def __init__(self, template: bytes, source: Source, max_image_width: int = Inches(6.3)) -> None:
        self.template_digest = hashlib.sha256(template).hexdigest()  # what rendered fragments depend on
        self._verbatim = Verbatim(template)  # the parts python-docx passes through, deflated as the template has them
        try:
            self.document = open_template_document(template)
            self.part = self.document.part
            self.template_contrast = judged_contrast(self.part)  # before the styles below are added
            styles = self.document.styles.element
            ooxml_parts.ensure_styles(styles)
            self._styles = ooxml_parts.style_ids(styles)
            self._numbering = self.part.numbering_part.element  # python-docx cannot add a missing numbering part
        except DocxError as exc:
            raise TemplateError(str(exc)) from None
        except Exception as exc:  # python-docx raises many types for a package that lacks a part it needs
            raise TemplateError(f"not a usable Word template: {type(exc).__name__} {exc}".rstrip()) from None
        self.begin(source)
        self._abstract: dict[tuple[bool, tuple[int, ...]], int] = {}
        self._num_id = ooxml_parts.max_num_id(self._numbering)  # counters, not a scan of the part per new list
        self._lists: list[tuple[int, int, int, int]] = []  # instances not in the part: numId, abstract, level, start
        self._rels = self.part.rels
        self._rid_floor = 1  # every rId below it is taken (relationships are only ever added)
        self._links: dict[str, str] = {}
        for rel in self._rels.values():  # reuse the template's own hyperlinks, as python-docx's relate_to would
            if rel.is_external and rel.reltype == RT.HYPERLINK:
                self._links.setdefault(rel.target_ref, rel.rId)
        self._footnotes: list[tuple[int, Sequence[Element] | str]] = []  # paragraphs, or their XML text
        self._footnote_id = 0
        self._bookmark_id = 0
        self.ranged = True  # sections' bookmark ids in ranges of their own (see reserve_bookmarks)
        self._shape_id = 0
        self._anchors: set[str] = set()
        self.headings: list[tuple[int, str, str]] = []
        self.numbers: HeadingNumbers | None = None  # counting headings while numbering is on (see number_headings)
        self.numbering_on = False  # the sections' headings are numbered, the cover's and the annex's are not
        self.heading_numbers: dict[str, str] = {}  # heading bookmark -> its number ("2.1")
        self._heading_levels: ooxml.Element | None = None  # the headings' multilevel numbering, once linked
        self._annex_levels: ooxml.Element | None = None  # the annexes' (see `annexes`)
        self.annex_num_id = 0
        self.caption_ids: dict[str, str] = {}  # caption bookmark -> the id written in the Markdown
        self.max_image_width = int(max_image_width)
        body = self.document.element.body
        self._sect_pr = body.find(ooxml.w("sectPr"))
        self.max_image_height = ooxml.picture_height_limit(self._sect_pr)
        for child in list(body):
            if child is not self._sect_pr:
                body.remove(child)
        self.body: list[Element] = []
        self.contents_entries: list[tuple[Element, Element, str]] = []  # paragraph, its link, the heading's bookmark
        self.toc_begin: Element | None = None  # the contents' field (see toc.py)
        self.contents_filled = False
        self._saved = False  # to_bytes ran once: the body and side parts are in the package
        self._slots: list[bytes] = []  # body XML written where its stand-in comment is (see `slot`)

    # -- render.Sink -------------------------------------------------------------------------------------
    def style(self, name: str) -> str | None:
        return self._styles.get(name.lower())

    def new_list(self, ordered: bool, level: int, start: int, other: Sequence[int] = ()) -> int:
        """A list instance, its `other` levels (a nested list's) of the other kind."""
        kind = (ordered, tuple(other))
        if kind not in self._abstract:
            self._abstract[kind] = ooxml_parts.add_abstract_numbering(self._numbering, ordered, other)
        self._num_id += 1
        self._lists.append((self._num_id, self._abstract[kind], level, start))  # written on saving
        return self._num_id

    def _add_lists(self) -> None:
        """Put the list instances made so far into the numbering part as elements."""
        for num_id, abstract, level, start in self._lists:
            ooxml_parts.add_numbering_instance(self._numbering, abstract, level, start, num_id)
        self._lists.clear()

    def hyperlink_rel(self, url: str) -> str:
        r_id = self._links.get(url)
        if r_id is None:  # python-docx's relate_to scans every relationship twice per call: quadratic here
            r_id = self._links[url] = self._next_rid()
            self._rels.add_relationship(RT.HYPERLINK, url, r_id, is_external=True)
        return r_id

    def _next_rid(self) -> str:
        """The lowest free rId, as python-docx picks it."""
        while f"rId{self._rid_floor}" in self._rels:
            self._rid_floor += 1
        return f"rId{self._rid_floor}"

    def picture(self, path: str, alt: str, title: str, missing: str, room: int = 0, width: int = 0) -> Element:
        """A run with the picture at `path` embedded, `width` EMU wide (0: its own size; see picture_widths.py), at
        most `room` twips wide (0: the widest a picture is) and low enough to share a page with its caption, or
        with `missing` in italics when it cannot be read."""
        try:
            data = self.source.read_bytes(normalise(path), limits.LIMITS.image_bytes)
            image = docx_image(data)  # an image part once for the same bytes, as python-docx adds one
            parts = self.part.package.image_parts
            image_part = parts._get_by_sha1(image.sha1) or parts._add_image_part(image)
            r_id = self.part.relate_to(image_part, RT.IMAGE)
        except Exception:  # SourceError, or python-docx's parser fed bytes it cannot read: any of many types
            return ooxml.run(ooxml.new("p"), missing, (ooxml.ITALIC,))
        native_cx, native_cy = image.scaled_dimensions()
        cx, cy = (width, int(native_cy) * width // int(native_cx)) if width else (int(native_cx), int(native_cy))
        widest = min(self.max_image_width, room * 635) if room > 0 else self.max_image_width
        if cx > widest:
            cx, cy = widest, cy * widest // cx
        if cy > self.max_image_height:  # a tall picture: it and its caption on one page, within the margins
            cx, cy = cx * self.max_image_height // cy, self.max_image_height
        self._shape_id += 1
        inline = CT_Inline.new_pic_inline(self._shape_id, r_id, image.filename, Emu(cx), Emu(cy))
        doc_pr = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        if doc_pr is not None:
            doc_pr.set("descr", alt)
            if title:
                doc_pr.set("title", title)
        return ooxml.drawing_run(inline)

    def fit_pictures(self, elements: Sequence[Element], room: int) -> None:
        ooxml.fit_drawings(elements, room)

    def next_footnote_id(self) -> int:
        self._footnote_id += 1
        return self._footnote_id

    def add_footnote(self, footnote_id: int, paragraphs: list[Element]) -> None:
        self._footnotes.append((footnote_id, paragraphs))

    def add_footnote_text(self, footnote_id: int, text: str) -> None:
        """A footnote's paragraphs as placed XML text (fragments.place), written into the footnotes part as it is
        (see `parts_text.footnotes_part`)."""
        self._footnotes.append((footnote_id, text))

    def next_bookmark_id(self) -> int:
        return self.reserve_bookmarks(1) + 1

    def _range_of(self, section: int | None) -> int | None:
        if section is not None and self.ranged and 0 <= section < RANGED_SECTIONS:
            return BOOKMARK_RANGE * (section + 1)
        return None

    def reserve_bookmarks(self, count: int, section: int | None = None) -> int:
        """Take `count` bookmark ids at once (a placed fragment's); the number before the first. The body of the
        section at `section` takes them from a range of its own, so that a paragraph more in one section does not
        change the ids (and bytes) of every section after it; the rest of the document counts from 1, below the
        first range (past the last one, should it ever reach it)."""
        base = self._range_of(section)
        if base is not None and count < BOOKMARK_RANGE:
            return base
        if self._bookmark_id < BOOKMARK_RANGE <= self._bookmark_id + count + 1:
            self._bookmark_id = BOOKMARK_RANGE * (RANGED_SECTIONS + 1)
        base, self._bookmark_id = self._bookmark_id, self._bookmark_id + count
        return base

    def reserve_footnotes(self, count: int) -> int:
        base, self._footnote_id = self._footnote_id, self._footnote_id + count
        return base

    def claim_anchor(self, anchor: str) -> bool:
        if anchor in self._anchors:
            return False
        self._anchors.add(anchor)
        return True

    def claim_anchors(self, anchors: Sequence[str]) -> bool:
        """Claim all of `anchors` when none is taken and none repeats, and say so; else claim none of them (the
        caller then claims them one by one)."""
        fresh = set(anchors)
        if len(fresh) != len(anchors) or not self._anchors.isdisjoint(fresh):
            return False
        self._anchors |= fresh
        return True

    def add_heading(self, level: int, text: str, bookmark: str) -> None:
        self.headings.append((level, text, bookmark))
        if self.numbers is not None and self.numbering_on:
            number = self.numbers.next(level)
            if number:
                self.heading_numbers[bookmark] = number

    def number_headings(self) -> None:
        """Number Heading 1-3 through a multilevel list linked to the styles (linked once); counting restarts."""
        if self._heading_levels is None:
            self._add_lists()  # the heading numbering's instance after them, as they were made
            self._num_id += 1
            self._heading_levels = link_heading_styles(self.document.styles.element, self._numbering, self._num_id,
                                                       self._styles)
        self.numbers = HeadingNumbers()

    def annexes(self, annex_style: str) -> int:
        """Number the headings from here on as annexes ("Annex I", "I.1"): their list's id, for the paragraphs."""
        if self._annex_levels is None:
            self._num_id += 1
            self.annex_num_id = self._num_id
            self._annex_levels = annex_levels(self._numbering, self.annex_num_id, annex_style)
        if self.numbers is not None:
            self.numbers.annex_style = annex_style
            self.numbers.annexes()
        return self.annex_num_id

    def heading_levels(self) -> dict[str, int]:
        """The numbered heading styles' ids and their levels (Heading 1 is 1)."""
        return {sid: level for level in range(1, DEPTH + 1) if (sid := self._styles.get(f"heading {level}"))}

    def heading_style_ids(self) -> set[str]:
        return {sid for name, sid in self._styles.items() if name.startswith("heading ") or name == "toc heading"}

    # -- assembly ----------------------------------------------------------------------------------------
    def extend(self, elements: Sequence[Element]) -> None:
        self.body.extend(elements)

    @property
    def takes_text(self) -> bool:
        """Whether body XML text can be written as it is (`slot`): the document's root binds the w: and r: prefixes
        the text uses, as every Word and LibreOffice template does."""
        nsmap = self.document.element.nsmap
        return bool(nsmap.get("w") == ooxml.W_NS and nsmap.get("r") == ooxml.R_NS)

    def slot(self, text: str) -> Element:
        """A stand-in for body XML text (a placed fragment, see fragments.py), written in its place on saving."""
        return self.slot_bytes(self.slot_text(text))

    def slot_bytes(self, data: bytes) -> Element:
        """A stand-in for body XML as `slot_text` gives it (a placed body kept from an earlier build, see
        sectionrender.py)."""
        self._slots.append(data)
        return etree.Comment(f"coe-slot-{len(self._slots) - 1}")

    def slot_text(self, text: str) -> bytes:
        """Body XML text as its stand-in writes it: a namespace the text declares (a picture's drawing does) that the
        document's root declares already is left out, as lxml leaves it out of elements it places into the
        document, so that both give the same bytes."""
        if " xmlns:" in text:  # only ever in a start tag: text and attribute values hold no "<" and no '"'
            declared = [f' xmlns:{prefix}="{uri}"' for prefix, uri in self.document.element.nsmap.items() if prefix]

            def known(tag: re.Match[str]) -> str:
                found = tag.group(0)
                for declaration in declared:
                    found = found.replace(declaration, "")
                return found

            text = _DECLARING_TAG.sub(known, text)
        return text.encode("utf-8")

    def unslot(self, elements: Sequence[Element]) -> list[Element]:
        """`elements` with each stand-in for XML text (see `slot`) replaced by the elements of its text, so that
        they can be moved among the others (see ooxml_sections.hold_headings)."""
        found: list[Element] = []
        for element in elements:
            match = _SLOT_NAME.fullmatch(str(element.text)) if isinstance(element, etree._Comment) else None
            if match is None:
                found.append(element)
                continue
            index = int(match.group(1))
            found += fragments.elements(self._slots[index].decode("utf-8"))
            self._slots[index] = b""
        return found

    @property
    def section_properties(self) -> Element | None:
        """The body's last w:sectPr (page size and margins), if the template has one."""
        found: Element | None = self._sect_pr
        return found

    def header_footer(self, header_text: str, footer_prefix: str) -> None:
        """The running header and "Page N of M" in the footer; the first page (the cover) has neither (a
        different first page, `w:titlePg`, with an empty header and footer of its own)."""
        section = self.document.sections[0]
        header = section.header.paragraphs[0]._p
        header.clear()
        ooxml.set_style(header, self.style("header") or "Header")
        ooxml.run(header, header_text)
        footer = section.footer.paragraphs[0]._p
        footer.clear()
        ooxml.set_style(footer, self.style("footer") or "Footer")
        ooxml.run(footer, footer_prefix)
        ooxml.field(footer, "PAGE", "1")
        ooxml.run(footer, " of ")
        ooxml.field(footer, "NUMPAGES", "1")
        section.different_first_page_header_footer = True
        for first in (section.first_page_header, section.first_page_footer):
            first.is_linked_to_previous = False
            for p in first.paragraphs:
                p._p.clear()

    def _place_parts(self, props: Properties) -> None:
        """Move the body into the document and add the footnotes and custom properties parts (once)."""
        body = self.document.element.body
        for element in self.body:
            if self._sect_pr is not None:
                self._sect_pr.addprevious(element)
            else:
                body.append(element)
        ooxml_parts.set_language(self.document.styles.element, props.language)
        ooxml_parts.name_for_tags(self.document.styles.element)
        breaks = ooxml_sections.breaks_in(body)
        ooxml_sections.hold_headings(self.body, self.document.styles.element, breaks)
        ooxml_sections.fill_breaks(self.body, self._sect_pr, breaks)
        if self._heading_levels is not None:
            chapters = [number for number in self.heading_numbers.values() if number[:1].isdigit()]
            fit_indents(self._heading_levels, chapters, self.document.styles.element, self._styles)
        if self._annex_levels is not None:
            annexes = [number for number in self.heading_numbers.values() if not number[:1].isdigit()]
            fit_indents(self._annex_levels, annexes, self.document.styles.element, self._styles)
        if not parts_text.takes_lists(self._numbering):
            self._add_lists()  # else written as text after the rest of the part (see _Entries)
        if self._footnotes:
            xml, used = parts_text.footnotes_part(self._footnotes)
            part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml, self.part.package)
            self._share_relationships(part, used)
            self.part.relate_to(part, RT.FOOTNOTES)
        if props.custom:
            custom = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES,
                          ooxml_parts.custom_properties_part(props.custom), self.part.package)
            self.part.package.relate_to(custom, RT.CUSTOM_PROPERTIES)

    def begin(self, source: Source) -> None:
        """Build from `source` (its pictures, its section cache's deflated pieces): a builder opened ahead, in another
        process's time, takes the build's own source here (see compose.open_ahead)."""
        self.source = source
        self._deflated = StoredPieces(source.root)

    def _share_relationships(self, part: Part, used: set[str]) -> None:
        """Give `part` the document's relationships `used` (a link's `r:id`, a picture's `r:embed`: rendered against
        the document, they are the document's ids), under the same ids: a part's relationship ids are looked up in
        its own relationships."""
        for r_id in sorted(used):
            rel = self._rels.get(r_id)
            if rel is not None:
                target = rel.target_ref if rel.is_external else rel.target_part
                part.rels.add_relationship(rel.reltype, target, r_id, rel.is_external)

    def to_bytes(self, props: Properties) -> bytes:
        """The finished package: body, footnotes, numbering, properties; zip entries with fixed timestamps.
        May run again after `toc.fill` (the body's elements are then already in place)."""
        if not self._saved:
            self._place_parts(props)
            self._saved = True
        settings = self.document.settings.element
        if self.contents_filled:  # the contents are right already: no update-fields prompt in Word
            ooxml_parts.remove_update_fields(settings)
        else:
            ooxml_parts.set_update_fields(settings)
        fill_core_properties(self.document.core_properties, props)
        lists = parts_text.list_instances(self._lists)
        return zip_entries(package_entries(self.part.package, self._slots, lists), props.date, self._deflated,
                           self._verbatim)

    def close(self, drop_unused: bool = True) -> None:
        """After a whole paper: drop the deflated pieces this build did not use (see zipout)."""
        self._deflated.prune(drop_unused)

#: Bookmark ids of the section at index i are BOOKMARK_RANGE * (i + 1) + 1, ... (for the first RANGED_SECTIONS
#: sections, and fewer than BOOKMARK_RANGE bookmarks each): the largest is under 2**31, as Word's ids are.
BOOKMARK_RANGE = 1 << 16
RANGED_SECTIONS = 8000
