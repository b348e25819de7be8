"""The one reader of a .docx's content: body, footnotes and endnotes as paragraphs, tables and runs, with each
run's formatting, tracked-change mark, link and footnote, and what has no Markdown form counted by kind.

`import` turns the result into a section; `apply` compares what a reviewer's changes make of each paragraph with
the sources. The package is opened through `safedocx` (size limits, no DTDs or entities)."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import ooxml
from .safedocx import REL_CUSTOM_PROPERTIES, DocxError, SafeDocx, open_docx

Element = ooxml.Element
w = cache(ooxml.w)  # tag names are asked for hundreds of thousands of times in a long paper
R = ooxml.R_NS
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
VML = "urn:schemas-microsoft-com:vml"
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
OBJECT = "\ufffc"  # stands for a footnote reference or an image in a paragraph's text
MONOSPACE = ("courier", "consolas", "mono", "menlo", "monaco", "lucida console", "source code")
_CODE_STYLES = ("verbatim", "code", "source", "monospace", "html")
_CHANGE_TAGS = {w("ins"): "ins", w("moveTo"): "ins", w("del"): "del", w("moveFrom"): "del"}
_OFF = ("0", "false", "off", "none")
_SIMPLE = {w("t"): "text", w("delText"): "text", w("tab"): "\t", w("noBreakHyphen"): "-"}
_BR, _CR, _TYPE, _ID = w("br"), w("cr"), w("type"), w("id")
_FOOTNOTE_REF, _ENDNOTE_REF = w("footnoteReference"), w("endnoteReference")
_FLDCHAR, _FLDCHAR_TYPE, _INSTR = w("fldChar"), w("fldCharType"), w("instrText")
_PICTURES = (w("drawing"), w("pict"), w("object"))
_VAL = w("val")
_FLAG_TAGS = tuple((w(tag), flag) for tag, flag in (("b", "b"), ("i", "i"), ("strike", "s"), ("dstrike", "s")))


@dataclass(frozen=True)
class Rev:
    """A tracked change: `ins` or `del`, by whom and when."""

    kind: str
    author: str
    date: str = ""


@dataclass
class Run:
    text: str  # visible text: "\n" for a line break, "\t" for a tab, OBJECT for a note reference or an image
    flags: frozenset[str] = frozenset()  # b, i, s, code, sup, sub
    rev: Rev | None = None
    link: str | None = None  # an external URL, or "#bookmark"
    note: tuple[str, str] | None = None  # ("footnote" | "endnote", id)
    image: tuple[str, str] | None = None  # (part name, description)


@dataclass
class Paragraph:
    style: str = ""  # style id
    style_name: str = ""
    outline: int | None = None  # 0-based outline level, from the paragraph or its style
    num: tuple[str, int] | None = None  # (numId, ilvl)
    bookmarks: list[str] = field(default_factory=list)
    mark: Rev | None = None  # the paragraph mark inserted or deleted
    runs: list[Run] = field(default_factory=list)
    origin: str = "body"  # body, textbox
    formatting_changed: bool = False

    def text(self, accept: bool = True) -> str:
        """The visible text with every change accepted (or, with accept=False, rejected)."""
        gone = "del" if accept else "ins"
        return "".join(r.text for r in self.runs if r.rev is None or r.rev.kind != gone)


@dataclass
class Cell:
    blocks: list[Block] = field(default_factory=list)
    span: int = 1
    vmerge: str | None = None  # "restart" or "continue"


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)
    rev: Rev | None = None
    header: bool = False


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    nested: bool = False


Block = Paragraph | Table


@dataclass(frozen=True)
class Style:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None
    flags: frozenset[str]


@dataclass
class WordDocument:
    blocks: list[Block]
    notes: dict[tuple[str, str], list[Block]]
    styles: dict[str, Style]
    numbering: dict[tuple[str, int], str]  # (numId, ilvl) -> numFmt ("bullet", "decimal", ...)
    properties: dict[str, str]
    dropped: Counter[str]  # what has no Markdown form, by kind
    comments: int
    docx: SafeDocx

    def image_bytes(self, part: str) -> bytes:
        return self.docx.read(part)


def _on(element: Element | None) -> bool:
    return element is not None and element.get(_VAL, "1").lower() not in _OFF


def _rpr_flags(rpr: Element | None) -> set[str]:
    flags: set[str] = set()
    if rpr is None:
        return flags
    for tag, flag in _FLAG_TAGS:
        if _on(rpr.find(tag)):
            flags.add(flag)
    align = rpr.find(w("vertAlign"))
    if align is not None and align.get(w("val")) in ("superscript", "subscript"):
        flags.add("sup" if align.get(w("val")) == "superscript" else "sub")
    fonts = rpr.find(w("rFonts"))
    if fonts is not None and any(m in (fonts.get(w("ascii")) or "").lower() for m in MONOSPACE):
        flags.add("code")
    return flags


def _styles(docx: SafeDocx) -> dict[str, Style]:
    root = docx.part_xml(docx.main, REL + "styles")
    found: dict[str, Style] = {}
    if root is None:
        return found
    for node in root.iter(w("style")):
        name = node.find(w("name"))
        based = node.find(w("basedOn"))
        ppr = node.find(w("pPr"))
        outline = ppr.find(w("outlineLvl")) if ppr is not None else None
        num = ppr.find(w("numPr")) if ppr is not None else None
        flags = _rpr_flags(node.find(w("rPr")))
        style_name = name.get(w("val"), "") if name is not None else ""
        if any(c in style_name.lower() for c in _CODE_STYLES) and node.get(w("type")) == "character":
            flags.add("code")
        found[node.get(w("styleId"), "")] = Style(
            style_name, based.get(w("val")) if based is not None else None,
            _int(outline.get(w("val"))) if outline is not None else None, _num(num), frozenset(flags))
    return found


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _num(numpr: Element | None) -> tuple[str, int] | None:
    if numpr is None:
        return None
    num_id, level = numpr.find(w("numId")), numpr.find(w("ilvl"))
    if num_id is None:
        return None
    return num_id.get(w("val"), "0"), _int(level.get(w("val")) if level is not None else "0") or 0


def _numbering(docx: SafeDocx) -> dict[tuple[str, int], str]:
    root = docx.part_xml(docx.main, REL + "numbering")
    if root is None:
        return {}
    abstract: dict[str, dict[int, str]] = {}
    for node in root.iter(w("abstractNum")):
        levels = abstract.setdefault(node.get(w("abstractNumId"), ""), {})
        for lvl in node.iter(w("lvl")):
            fmt = lvl.find(w("numFmt"))
            levels[_int(lvl.get(w("ilvl"))) or 0] = fmt.get(w("val"), "decimal") if fmt is not None else "decimal"
    found: dict[tuple[str, int], str] = {}
    for num in root.iter(w("num")):
        ref = num.find(w("abstractNumId"))
        for level, kind in abstract.get(ref.get(w("val"), "") if ref is not None else "", {}).items():
            found[(num.get(w("numId"), ""), level)] = kind
    return found


def _properties(docx: SafeDocx) -> dict[str, str]:
    root = docx.part_xml("", REL_CUSTOM_PROPERTIES)
    if root is None:
        return {}
    return {p.get("name", ""): "".join(str(t) for t in p.itertext()) for p in root.iter(f"{{{CUSTOM_NS}}}property")}


def _link_targets(docx: SafeDocx) -> dict[str, str]:
    """Relationship id -> target for the main part, external hyperlinks included."""
    directory, filename = posixpath.split(docx.main)
    rels = posixpath.join(directory, "_rels", f"{filename}.rels")
    if not docx.has(rels):
        return {}
    out: dict[str, str] = {}
    for rel in docx.xml(rels).iter("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join(directory, target)) if not target.startswith("/") else target[1:]
        out[rel.get("Id", "")] = target
    return out


class _Reader:
    """Walks one story (the body, or a footnote) into blocks."""

    def __init__(self, doc: WordDocument, links: dict[str, str]) -> None:
        self.doc, self.links = doc, links
        self.field_depth = 0
        self.field_instr: list[str] = []
        self.in_result = False

    def blocks(self, parent: Element, nested: bool = False) -> list[Block]:
        out: list[Block] = []
        for child in parent:
            tag = child.tag
            if tag == w("p"):
                self._paragraph(child, out)
            elif tag == w("tbl"):
                out.append(self._table(child, nested))
            elif tag in (w("sdt"), w("customXml")):
                content = child.find(w("sdtContent")) if tag == w("sdt") else child
                if content is not None:
                    out += self.blocks(content, nested)
            elif tag in _CHANGE_TAGS or tag == w("altChunk"):
                self.doc.dropped["embedded content" if tag == w("altChunk") else "block-level change"] += 1
                out += self.blocks(child, nested)
            elif tag == w("sectPr"):
                pass
        return out

    def _table(self, tbl: Element, nested: bool) -> Table:
        table = Table(nested=nested)
        for tr in tbl.iter(w("tr")):
            if tr.getparent() is not tbl:
                continue
            trpr = tr.find(w("trPr"))
            row = Row(rev=self._rev(trpr), header=trpr is not None and _on(trpr.find(w("tblHeader"))))
            for tc in tr.findall(w("tc")):
                tcpr = tc.find(w("tcPr"))
                span = tcpr.find(w("gridSpan")) if tcpr is not None else None
                vmerge = tcpr.find(w("vMerge")) if tcpr is not None else None
                cell = Cell(self.blocks(tc, nested=True), _int(span.get(w("val"))) or 1 if span is not None else 1,
                            (vmerge.get(w("val")) or "continue") if vmerge is not None else None)
                row.cells.append(cell)
            table.rows.append(row)
        return table

    def _rev(self, props: Element | None) -> Rev | None:
        if props is None:
            return None
        for child in props:
            if child.tag in _CHANGE_TAGS:
                return Rev(_CHANGE_TAGS[child.tag], child.get(w("author"), ""), child.get(w("date"), ""))
        return None

    def _paragraph(self, p: Element, out: list[Block]) -> None:
        para = Paragraph()
        ppr = p.find(w("pPr"))
        if ppr is not None:
            style = ppr.find(w("pStyle"))
            para.style = style.get(w("val"), "") if style is not None else ""
            outline = ppr.find(w("outlineLvl"))
            para.outline = _int(outline.get(w("val"))) if outline is not None else None
            para.num = _num(ppr.find(w("numPr")))
            para.mark = self._rev(ppr.find(w("rPr")))
            para.formatting_changed = ppr.find(w("pPrChange")) is not None
            if ppr.find(w("sectPr")) is not None:
                self.doc.dropped["section break"] += 1
        self._style_defaults(para)
        extra: list[Block] = []
        self._inline(p, para, None, None, extra)
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
                self._inline(child, para, Rev(_CHANGE_TAGS[tag], child.get(w("author"), ""),
                                              child.get(w("date"), "")), link, extra)
            elif tag == w("hyperlink"):
                rid = child.get(f"{{{R}}}id")
                anchor = child.get(w("anchor"))
                target = self.links.get(rid or "") if rid else (f"#{anchor}" if anchor else None)
                self._inline(child, para, rev, target or link, extra)
            elif tag == w("bookmarkStart"):
                para.bookmarks.append(child.get(w("name"), ""))
            elif tag == w("fldSimple"):
                self.doc.dropped[f"field {_field_name(child.get(w('instr'), ''))}"] += 1
                self._inline(child, para, rev, link, extra)
            elif tag in (w("smartTag"), w("customXml"), w("sdt"), w("sdtContent"), f"{{{MC}}}AlternateContent"):
                self._inline(child, para, rev, link, extra)
            elif tag == f"{{{MC}}}Choice":
                self._inline(child, para, rev, link, extra)
                return  # the fallback repeats the choice
            elif tag == f"{{{MATH}}}oMath" or tag == f"{{{MATH}}}oMathPara":
                self.doc.dropped["equation (kept as text)"] += 1
                text = "".join(t.text or "" for t in child.iter(f"{{{MATH}}}t"))
                para.runs.append(Run(text, frozenset(), rev, link))

    def _run(self, r: Element, para: Paragraph, rev: Rev | None, link: str | None, extra: list[Block]) -> None:
        rpr = r.find(w("rPr"))
        flags = _rpr_flags(rpr)
        if rpr is not None:
            rstyle = rpr.find(w("rStyle"))
            style = self.doc.styles.get(rstyle.get(w("val"), "")) if rstyle is not None else None
            if style is not None:
                flags |= style.flags
            if rpr.find(w("rPrChange")) is not None:
                para.formatting_changed = True

        def add(text: str, **more: object) -> None:
            if self.field_depth and not self.in_result:
                return
            para.runs.append(Run(text, frozen, rev, link, **more))  # type: ignore[arg-type]

        frozen = frozenset(flags)
        for child in r:
            tag = child.tag
            simple = _SIMPLE.get(tag) if isinstance(tag, str) else None
            if simple is not None:
                add(child.text or "" if simple == "text" else simple)
            elif tag in (_BR, _CR):
                if child.get(_TYPE) == "page":
                    self.doc.dropped["page break"] += 1
                    add(" ")
                else:
                    add("\n")
            elif tag in (_FOOTNOTE_REF, _ENDNOTE_REF):
                add(OBJECT, note=("footnote" if tag == _FOOTNOTE_REF else "endnote", child.get(_ID, "")))
            elif tag == _FLDCHAR:
                self._field_char(child.get(_FLDCHAR_TYPE, ""))
            elif tag == _INSTR:
                self.field_instr.append(child.text or "")
            elif tag in _PICTURES or tag == f"{{{MC}}}AlternateContent":
                self._drawing(child, para, add, extra)
                break

    def _field_char(self, kind: str) -> None:
        if kind == "begin":
            self.field_depth += 1
            self.field_instr = []
            self.in_result = False
        elif kind == "separate":
            self.doc.dropped[f"field {_field_name(''.join(self.field_instr))}"] += 1
            self.in_result = True
        elif kind == "end" and self.field_depth:
            self.field_depth -= 1
            self.in_result = self.field_depth > 0

    def _drawing(self, node: Element, para: Paragraph, add: object, extra: list[Block]) -> None:
        boxes = list(node.iter(w("txbxContent")))
        if boxes:
            self.doc.dropped["text box (text kept as paragraphs)"] += 1
            for box in boxes[:1]:
                for block in self.blocks(box, nested=True):
                    if isinstance(block, Paragraph):
                        block.origin = "textbox"
                    extra.append(block)
            return
        blip = next(node.iter(f"{{{A}}}blip"), None)
        rid = blip.get(f"{{{R}}}embed") if blip is not None else None
        if rid is None:
            image = next(node.iter(f"{{{VML}}}imagedata"), None)
            rid = image.get(f"{{{R}}}id") if image is not None else None
        target = self.links.get(rid or "")
        if target is None:
            self.doc.dropped["shape or chart"] += 1
            return
        prop = next(node.iter(f"{{{WP}}}docPr"), None)
        descr = (prop.get("descr") or prop.get("title") or "") if prop is not None else ""
        assert callable(add)
        add(OBJECT, image=(target, descr))


def _field_name(instruction: str) -> str:
    words = instruction.split()
    return words[0].upper() if words else "(empty)"


_NOTE_SEPARATOR = re.compile(r"^(separator|continuationSeparator|continuationNotice)$")


def read(path: Path) -> WordDocument:
    """Read a .docx; raises DocxError when it cannot be read (the caller closes nothing: the zip is kept open for
    images and closed with `close`)."""
    docx = open_docx(path)
    try:
        document = docx.xml(docx.main)
        if document.tag != w("document"):
            raise DocxError(f"{docx.name} is not a Word document in the usual (transitional) format; open it in "
                            "Word and save it as 'Word Document (.docx)'")
        body = document.find(w("body"))
        if body is None:
            raise DocxError(f"{docx.name} is not a Word document: its main part has no body")
        doc = WordDocument([], {}, _styles(docx), _numbering(docx), _properties(docx), Counter(), 0, docx)
        links = _link_targets(docx)
        reader = _Reader(doc, links)
        doc.blocks = reader.blocks(body)
        for kind in ("footnote", "endnote"):
            root = docx.part_xml(docx.main, REL + f"{kind}s")
            for note in root.iter(w(kind)) if root is not None else ():
                if not _NOTE_SEPARATOR.match(note.get(w("type"), "normal")):
                    doc.notes[(kind, note.get(w("id"), ""))] = _Reader(doc, links).blocks(note)
        comments = docx.part_xml(docx.main, ooxml.REL_COMMENTS)
        doc.comments = sum(1 for _ in comments.iter(w("comment"))) if comments is not None else 0
        for ref in body.iter(w("headerReference"), w("footerReference")):
            doc.dropped["header" if ref.tag == w("headerReference") else "footer"] += 1
        return doc
    except BaseException:
        docx.close()
        raise


def paragraphs(blocks: list[Block]) -> list[Paragraph]:
    """Every paragraph, table cells included, in document order."""
    out: list[Paragraph] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block)
        else:
            for row in block.rows:
                for cell in row.cells:
                    out += paragraphs(cell.blocks)
    return out
