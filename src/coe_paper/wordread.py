"""The one reader of a .docx's content: body, footnotes and endnotes as paragraphs, tables and runs, with each
run's formatting, tracked-change mark, link and footnote, and what has no Markdown form counted by kind. The
blocks it fills in, and the views of them its users take, are in `wordblocks.py`; a drawing (picture, text box,
diagram, chart) is read in `worddrawing.py`.

`import` turns the result into a section; `apply` compares what a reviewer's changes make of each paragraph with
the sources. The package is opened through `safedocx` (size limits, no DTDs or entities)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from pathlib import Path

from . import ooxml, ooxml_review, wordblocks, wordparts
from .safedocx import DocxError, open_docx
from .wordblocks import OBJECT, Block, Paragraph, Rev, Run, WordDocument, contents_origin, deleted_with, strip_mark
from .wordchunk import chunk_paragraphs
from .worddrawing import read_drawing
from .wordfields import Field, field_link, field_name, form_shown, page_reference, take_out
from .wordmargins import margin_kinds
from .wordmath import EQUATION, linear
from .wordnodes import PROMPT, contents, prompting
from .wordparts import core, int_value, link_targets, num_pr, numbering, on, properties, rpr_flags, styles
from .wordsymbols import symbol_shown
from .wordtable import read_table

Element = ooxml.Element
w = cache(ooxml.w)  # tag names are asked for hundreds of thousands of times in a long paper
R = ooxml.R_NS
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CHANGE_TAGS = {w("ins"): "ins", w("moveTo"): "ins", w("del"): "del", w("moveFrom"): "del"}
_MOVE_TAGS = frozenset({w("moveTo"), w("moveFrom")})
_SIMPLE = {w("t"): "text", w("delText"): "text", w("tab"): "\t", w("ptab"): "\t", w("noBreakHyphen"): "-"}
_BR, _CR, _TYPE, _ID, _SYM, _RUBY = w("br"), w("cr"), w("type"), w("id"), w("sym"), w("ruby")
_FOOTNOTE_REF, _ENDNOTE_REF = w("footnoteReference"), w("endnoteReference")
_FLDCHAR, _FLDCHAR_TYPE, _INSTR = w("fldChar"), w("fldCharType"), (w("instrText"), w("delInstrText"))
_PICTURES = (w("drawing"), w("pict"), w("object"))
#: What holds a paragraph's runs without being one: read through (smart tags, content controls, custom XML,
#: right-to-left embeddings, the markup-compatibility wrapper).
_INLINE_WRAPPERS = frozenset({w("smartTag"), w("customXml"), w("sdt"), w("sdtContent"), w("dir"), w("bdo"),
                              f"{{{MC}}}AlternateContent"})
_COMMENT_START, _COMMENT_END, _COMMENT_REF = w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")
_MATH = frozenset({f"{{{MATH}}}oMath", f"{{{MATH}}}oMathPara"})


class _Reader:
    """Walks one story (the body, or a footnote) into blocks."""

    def __init__(self, doc: WordDocument, links: dict[str, str]) -> None:
        self.doc, self.links = doc, links
        self.fields: list[Field] = []  # the fields open at this point, outermost first
        self.contents_end: Paragraph | None = None  # the paragraph where a table of contents (a TOC field) ended last
        self.para: Paragraph | None = None  # the paragraph being read, which what is dropped is counted against
        self.pending_bookmarks: list[str] = []
        self.open_comments: frozenset[str] = frozenset()  # comment ranges open at this point of the story
        self.pending_comments: list[str] = []
        self.linking = False  # in a w:hyperlink, whether or not its target is found

    def drop(self, kind: str) -> None:
        self.doc.dropped[kind] += 1
        if self.para is not None:
            self.para.dropped[kind] += 1

    def _field_link(self, instruction: str) -> str | None:
        """A field's link (see field_link); a field that links nowhere is dropped (counted), its shown text kept. The
        instruction of either, but a link's, is kept on the paragraph (a caption's SEQ, a page reference)."""
        link = field_link(instruction)
        if link is None:
            self.drop(f"field {field_name(instruction)}")
        if self.para is not None and (link is None or page_reference(instruction)):
            self.para.fields.append(" ".join(instruction.split()))
        return link

    def story(self, parent: Element) -> list[Block]:
        """The blocks of a whole story. A field whose result never begins (no `separate`, no `end`: a damaged or
        hand-made draft) would hide the rest of the story as its instruction: its text is kept, and reported."""
        out = self.blocks(parent)
        for open_ in self.fields:
            if not open_.result and open_.hidden:
                name = field_name("".join(open_.instruction))
                self.doc.dropped[f"field {name} that never ends (the text after it kept)"] += 1
        self.fields = []
        return out

    def blocks(self, parent: Element, nested: bool = False) -> list[Block]:
        out: list[Block] = []
        for child in parent:
            tag = child.tag
            if tag == w("p") or tag in _MATH:  # a display equation outside any paragraph: a paragraph of its own
                self._paragraph(child, out)
            elif tag == w("tbl"):
                out.append(read_table(self, child, nested))
            elif tag in (w("sdt"), w("customXml")):
                content = child.find(w("sdtContent")) if tag == w("sdt") else child
                if tag == w("sdt") and prompting(child):
                    self.doc.dropped[PROMPT] += 1
                elif content is not None:
                    found = self.blocks(content, nested)  # contents_end: in it, or before (not among them)
                    if tag == w("sdt") and contents(child):
                        contents_origin(wordblocks.paragraphs(found), self.contents_end)
                    out += found
            elif tag == w("altChunk"):
                what, words = chunk_paragraphs(self.doc.docx, self.links, child)
                self.doc.dropped[what] += 1
                if not words and out and isinstance(out[-1], Paragraph):  # words not read: named by the one before
                    out[-1].dropped[wordblocks.EMBEDDED] += 1
                for para in words:
                    para.origin = "chunk"
                out += words
            elif tag in _CHANGE_TAGS:
                self.doc.dropped["block-level change"] += 1
                out += self.blocks(child, nested)
            elif tag == _COMMENT_START:  # between paragraphs: the next one holds its place
                self.pending_comments.append(child.get(_ID, ""))
                self.open_comments = self.open_comments | {child.get(_ID, "")}
            elif tag == _COMMENT_END:
                self.open_comments = self.open_comments - {child.get(_ID, "")}
            elif tag == w("bookmarkStart"):  # between paragraphs (pandoc writes them so): the next one gets it
                self.pending_bookmarks.append(child.get(w("name"), ""))
        return out

    def tracked(self, props: Element | None) -> Rev | None:
        """The tracked change of a paragraph mark's or a row's properties (an insertion or deletion), or None."""
        if props is None:
            return None
        found = [child for child in props if child.tag in _CHANGE_TAGS]
        if not found:
            return None
        first = found[0]
        rev = Rev(_CHANGE_TAGS[first.tag], first.get(w("author"), ""), first.get(w("date"), ""))
        deleted = next((c for c in found if _CHANGE_TAGS[c.tag] == "del"), None)
        return _nested(rev, deleted) if rev.kind == "ins" and deleted is not None else rev

    @staticmethod
    def _formatted(change: Element | None) -> Rev | None:
        """A tracked change of formatting (w:rPrChange, w:pPrChange): who made it and when."""
        return None if change is None else Rev("format", change.get(w("author"), ""), change.get(w("date"), ""))

    def _paragraph(self, p: Element, out: list[Block]) -> None:
        para, outer = Paragraph(bookmarks=self.pending_bookmarks, comment_marks=self.pending_comments), self.para
        self.para, self.pending_bookmarks, self.pending_comments = para, [], []
        para.fields += [" ".join("".join(open_.instruction).split()) for open_ in self.fields  # a list it shows
                        if open_.result and field_name("".join(open_.instruction)) == "TOC"]  # (its entries)
        ppr = p.find(w("pPr"))
        if ppr is not None:
            style = ppr.find(w("pStyle"))
            para.style = style.get(w("val"), "") if style is not None else ""
            outline = ppr.find(w("outlineLvl"))
            para.outline = int_value(outline.get(w("val"))) if outline is not None else None
            para.num = num_pr(ppr.find(w("numPr")))
            para.unlisted = para.num is not None and para.num[0] == "0"
            para.mark = self.tracked(ppr.find(w("rPr")))
            para.restyled = self._formatted(ppr.find(w("pPrChange")))
            para.formatting_changed = para.restyled is not None
            if ppr.find(w("sectPr")) is not None:
                self.drop("section break")
            jc, ind, border = ppr.find(w("jc")), ppr.find(w("ind")), ppr.find(f"{w('pBdr')}/{w('bottom')}")
            para.align = jc.get(w("val")) if jc is not None else None
            if ind is not None:
                para.indent = int_value(ind.get(w("left")) or ind.get(w("start")))
            para.border_below = border is not None and border.get(w("val"), "nil") not in ("nil", "none")
            bidi = ppr.find(w("bidi"))
            para.rtl = on(bidi) if bidi is not None else None
        self._style_defaults(para)
        para.space, para.contextual = wordparts.resolved_spacing(ppr, para.style or self.doc.default_style,
                                                                 self.doc.styles, self.doc.default_spacing)
        extra: list[Block] = []
        if p.tag in _MATH:  # a display equation that is a child of the body, a cell or a note, as some tools write it
            self._equation(p, para, None, None)
        else:
            self._inline(p, para, None, None, extra)
        if para.rule and para.text().replace(OBJECT, "").strip():  # a line beside words: no rule of its own
            para.rule = False
            self.drop("horizontal line in a paragraph with text")
        self.para = outer
        out.append(para)
        out += extra

    def _style_defaults(self, para: Paragraph) -> None:
        seen: set[str] = set()
        style_id: str | None = para.style or None
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.doc.styles.get(style_id)
            if style is None:
                break
            para.style_name = para.style_name or style.name
            if para.outline is None:
                para.outline = style.outline
            if para.num is None:
                para.num = style.num
            if para.rtl is None:
                para.rtl = style.rtl
            style_id = style.based_on
        if para.num is not None and para.num[0] == "0":
            para.num = None

    def _inline(self, node: Element, para: Paragraph, rev: Rev | None, link: str | None, extra: list[Block]) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == w("r"):
                self._run(child, para, rev, link, extra)
            elif tag in _CHANGE_TAGS:
                inner = Rev(_CHANGE_TAGS[tag], child.get(w("author"), ""), child.get(w("date"), ""),
                            moved=tag in _MOVE_TAGS)
                if rev is not None and rev.kind == "ins" and inner.kind == "del":
                    inner = _nested(rev, child)
                self._inline(child, para, inner, link, extra)
            elif tag == w("hyperlink"):
                rid = child.get(f"{{{R}}}id")
                anchor = child.get(w("anchor"))
                target = self.links.get(rid or "") if rid else (f"#{anchor}" if anchor else None)
                if rid and target and anchor and "#" not in target:  # Word keeps a web address's '#part' apart
                    target += f"#{anchor}"
                if not target:  # a relationship missing (a damaged or hand-made draft): the words kept, the link lost
                    target = link if link is not None or not rid else wordblocks.NO_TARGET
                outer, self.linking = self.linking, True
                self._inline(child, para, rev, target, extra)
                self.linking = outer
            elif tag == _COMMENT_START:
                para.comment_marks.append(child.get(_ID, ""))
                self.open_comments = self.open_comments | {child.get(_ID, "")}
            elif tag == _COMMENT_END:
                self.open_comments = self.open_comments - {child.get(_ID, "")}
            elif tag == w("bookmarkStart"):
                para.bookmarks.append(child.get(w("name"), ""))
            elif tag == w("fldSimple"):
                self.fields.append(Field([child.get(w("instr"), "")], True))  # its runs show its result
                self.fields[-1].link = self._field_link(self.fields[-1].instruction[0])
                self._inline(child, para, rev, self.fields[-1].link or link, extra)
                self.fields.pop()
            elif tag == w("sdt") and prompting(child):
                self.drop(PROMPT)
            elif tag in _INLINE_WRAPPERS:
                self._inline(child, para, rev, link, extra)
            elif tag == f"{{{MC}}}Choice":
                self._inline(child, para, rev, link, extra)
                return  # the fallback repeats the choice
            elif tag in _MATH:
                self._equation(child, para, rev, link)

    def _equation(self, node: Element, para: Paragraph, rev: Rev | None, link: str | None) -> None:
        """An equation (m:oMath, or m:oMathPara: equations on lines of their own), kept as its text in the linear
        form Word types, and dropped (counted, named by that text)."""
        para.runs.append(Run(linear(node), frozenset(), rev, link))
        if rev is None or rev.kind != "del":  # a deleted one is a change taken as accepted
            self.drop(EQUATION)
            para.equations.append(para.runs[-1].text)

    def _run(self, r: Element, para: Paragraph, rev: Rev | None, link: str | None, extra: list[Block]) -> None:
        rpr = r.find(w("rPr"))
        flags = rpr_flags(rpr)
        if self.linking or link is not None or any(open_.link for open_ in self.fields):
            flags.discard("u")  # a link's look, as Google Docs writes it (direct underline on the link's runs)
        reformatted = None
        if rpr is not None:
            rstyle = rpr.find(w("rStyle"))
            style = self.doc.styles.get(rstyle.get(w("val"), "")) if rstyle is not None else None
            if style is not None:  # its underline is a link's look (Word's and LibreOffice's Hyperlink): not the
                flags |= style.flags - {"u"}  # author's, which is direct formatting
            reformatted = self._formatted(rpr.find(w("rPrChange")))
            para.formatting_changed = para.formatting_changed or reformatted is not None
            if self._shown() and on(rpr.find(w("vanish"))) and any((t.text or "").strip() for t in r.iter(w("t"))):
                self.drop("hidden text (kept as ordinary text)")  # Word does not show it; the paper would

        def add(text: str, **more: object) -> None:
            field = next((open_ for open_ in reversed(self.fields) if open_.link), None)  # PAGEREF: the page's
            run = Run(text, frozen, rev, field.link if field else link, comments=self.open_comments, **more,  # type: ignore[arg-type]
                      page=field is not None and page_reference("".join(field.instruction)), reformatted=reformatted)
            para.runs.append(run)
            hiding = next((open_ for open_ in self.fields if not open_.result), None)
            if hiding is not None:  # in an instruction: out again when the field's result begins (see story)
                hiding.hidden.append((para, run))

        frozen = frozenset(flags)
        custom: tuple[str, str] | None = None  # the note whose own mark the run's text after its reference is
        for child in r:
            tag = child.tag
            simple = _SIMPLE.get(tag) if isinstance(tag, str) else None
            if simple is not None and custom is not None:
                self.doc.custom_marks[custom] = self.doc.custom_marks.get(custom, "") + (child.text or "")
            elif simple is not None:
                add(child.text or "" if simple == "text" else simple)
            elif tag in (_BR, _CR):
                if child.get(_TYPE) == "page":
                    self.drop("page break")
                    add(" ")
                else:
                    add("\n")
            elif tag in (_FOOTNOTE_REF, _ENDNOTE_REF):
                note = ("footnote" if tag == _FOOTNOTE_REF else "endnote", child.get(_ID, ""))
                add(OBJECT, note=note)
                if child.get(w("customMarkFollows"), "0").lower() in ("1", "true", "on") and self._shown():
                    custom = note
                    self.drop("custom note mark (the paper numbers its notes)")
            elif tag == _COMMENT_REF:
                para.comment_marks.append(child.get(_ID, ""))
            elif tag == _FLDCHAR:
                self._field_char(child, add)
            elif tag in _INSTR:  # a deleted field's instruction is deleted text: its link still shows
                if self.fields:
                    self.fields[-1].instruction.append(child.text or "")
            elif tag == _SYM:
                shown = symbol_shown(child)  # Insert > Symbol
                if shown is None:
                    self.drop(f"symbol of the font {child.get(w('font')) or '(unnamed)'}")
                else:
                    add(shown)
            elif tag == _RUBY:  # a phonetic guide over its base text
                self.drop("phonetic guide (its base text kept)")
                base = child.find(w("rubyBase"))
                if base is not None:
                    self._inline(base, para, rev, link, extra)
            elif tag in _PICTURES or tag == f"{{{MC}}}AlternateContent":
                start = len(extra)
                read_drawing(self, child, para, add, extra)
                if rev is not None and rev.kind == "del":  # a deleted text box or diagram: its words with it
                    deleted_with(extra[start:], rev)

    def _shown(self) -> bool:
        """Whether text here shows: it is in no field's instruction (a field nested in another's instruction, as
        in { IF { DOCPROPERTY Status } = ... }, shows only through the outer field's result)."""
        return all(open_.result for open_ in self.fields)

    def _field_char(self, char: Element, add: Callable[..., None]) -> None:
        kind = char.get(_FLDCHAR_TYPE, "")
        if kind == "begin":
            self.fields.append(Field(form=form_shown(char)))
        elif kind == "separate" and self.fields and not self.fields[-1].result:
            current = self.fields[-1]
            current.link = self._field_link("".join(current.instruction))
            current.result = True
            take_out(current.hidden)
        elif kind == "end" and self.fields:
            ended = self.fields.pop()
            take_out(ended.hidden)
            if field_name("".join(ended.instruction)) == "TOC":
                self.contents_end = self.para
            if not ended.result and ended.form:  # a form's drop-down list or check box: no result, its value shown
                self._field_link("".join(ended.instruction))
                add(ended.form)


def _nested(insertion: Rev, deletion: Element) -> Rev:
    """The deletion (`deletion`, a w:del or w:moveFrom) of words that `insertion` added."""
    return Rev("del", deletion.get(w("author"), ""), deletion.get(w("date"), ""), insertion.author,
               moved=insertion.moved)


_NOTE_SEPARATOR = re.compile(r"^(separator|continuationSeparator|continuationNotice)$")


def read(path: Path) -> WordDocument:
    """Read a .docx; raises DocxError when it cannot be read (the caller closes nothing: the zip is kept open for
    images and closed with `close`)."""
    docx = open_docx(path)
    try:
        document = docx.story(docx.main)
        if document.tag != w("document"):
            raise DocxError(f"{docx.name} is not a Word document in the usual (transitional) format; open it in "
                            "Word and save it as 'Word Document (.docx)'")
        body = document.find(w("body"))
        if body is None:
            raise DocxError(f"{docx.name} is not a Word document: its main part has no body")
        formats, starts, lists, indents = numbering(docx)
        normal, default_spacing = wordparts.paragraph_defaults(docx)
        doc = WordDocument([], {}, styles(docx), formats, properties(docx), Counter(), [], docx, starts, core(docx),
                           lists, indents=indents, default_style=normal, default_spacing=default_spacing)
        links = link_targets(docx)
        reader = _Reader(doc, links)
        doc.blocks = reader.story(body)
        for kind in ("footnote", "endnote"):
            part = docx.related(docx.main, REL + f"{kind}s")
            root = docx.story(part) if part else None
            note_links = link_targets(docx, part) if part else {}  # a notes part has relationships of its own
            for note in root.iter(w(kind)) if root is not None else ():
                if not _NOTE_SEPARATOR.match(note.get(w("type"), "normal")):
                    key = (kind, note.get(w("id"), ""))
                    doc.notes[key] = _Reader(doc, note_links).story(note)
                    if key in doc.custom_marks:
                        strip_mark(doc.notes[key], doc.custom_marks[key])
        comments = docx.part_xml(docx.main, ooxml_review.REL_COMMENTS)
        doc.comments = [wordblocks.Comment(node.get(_ID, ""), node.get(w("author"), ""),
                                           ooxml_review.comment_text(node))
                        for node in (comments.iter(w("comment")) if comments is not None else ())]
        doc.dropped.update(margin_kinds(docx, links, body))  # named by their words, which the section leaves out
        return doc
    except BaseException:
        docx.close()
        raise
