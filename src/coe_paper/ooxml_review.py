"""Raw WordprocessingML for review: tracked changes (w:ins, w:del, paragraph-mark and table-row revisions) and
comments (the comments part, commentRangeStart/End, commentReference, commentsExtended for replies). The elements
they wrap and mark come from `ooxml.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from .ooxml import RPR, RSTYLE, W_NS, Element, R, T, insert_before_any, ppr, run, sub, w

_VAL = w("val")
W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT_COMMENTS_EXTENDED = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"
INS, DEL = "ins", "del"
# pPr children that must follow w:rPr (the paragraph mark's properties).
_AFTER_MARK_RPR = ("sectPr", "pPrChange")
_TRPR_AFTER = ("trPrChange",)


def revision(kind: str, rev_id: int, author: str, date: str) -> Element:
    """An empty `w:ins` or `w:del` (kind INS or DEL) with id, author and ISO 8601 date."""
    return etree.Element(w(kind), {w("id"): str(rev_id), w("author"): author, w("date"): date})


def as_deleted(element: Element) -> Element:
    """Turn runs' text into deleted text in place (w:t -> w:delText, w:instrText -> w:delInstrText)."""
    for node in element.iter(T, w("instrText")):
        node.tag = w("delText") if node.tag == T else w("delInstrText")
    return element


def tracked(kind: str, rev_id: int, author: str, date: str, runs: Iterable[Element]) -> Element:
    """A w:ins or w:del holding `runs` (deleted runs get w:delText)."""
    wrapper = revision(kind, rev_id, author, date)
    for r in runs:
        wrapper.append(as_deleted(r) if kind == DEL else r)
    return wrapper


def mark_paragraph(p: Element, kind: str, rev_id: int, author: str, date: str) -> None:
    """Record the paragraph mark itself as inserted or deleted (w:pPr/w:rPr/w:ins|w:del)."""
    props = ppr(p)
    rpr = props.find(RPR)
    if rpr is None:
        rpr = etree.Element(RPR)
        insert_before_any(props, rpr, _AFTER_MARK_RPR)
    rpr.insert(0, revision(kind, rev_id, author, date))


def mark_row(tr: Element, kind: str, rev_id: int, author: str, date: str) -> None:
    """Record a table row as inserted or deleted (w:trPr/w:ins|w:del)."""
    props = tr.find(w("trPr"))
    if props is None:
        props = etree.Element(w("trPr"))
        tr.insert(1 if len(tr) and tr[0].tag == w("tblPrEx") else 0, props)
    insert_before_any(props, revision(kind, rev_id, author, date), _TRPR_AFTER)


def comment_range_start(comment_id: int) -> Element:
    return etree.Element(w("commentRangeStart"), {w("id"): str(comment_id)})


def comment_range_end(comment_id: int) -> Element:
    return etree.Element(w("commentRangeEnd"), {w("id"): str(comment_id)})


def comment_reference(comment_id: int, style_id: str | None = None) -> Element:
    """The run that shows a comment's mark in the text (placed after its commentRangeEnd)."""
    r = etree.Element(R)
    if style_id:
        etree.SubElement(etree.SubElement(r, RPR), RSTYLE, {_VAL: style_id})
    etree.SubElement(r, w("commentReference"), {w("id"): str(comment_id)})
    return r


def comment(comment_id: int, author: str, date: str, initials: str, paragraphs: Sequence[str],
            para_ids: Sequence[str] = ()) -> Element:  # fmt: skip
    """A w:comment; `para_ids` (8 hex digits each, Word's w14:paraId) let commentsExtended point at it."""
    node = etree.Element(w("comment"), {w("id"): str(comment_id), w("author"): author, w("date"): date},
                         nsmap={"w": W_NS, "w14": W14_NS})  # fmt: skip
    if initials:
        node.set(w("initials"), initials)
    for index, text in enumerate(paragraphs or [""]):
        p = sub(node, "p")
        if index < len(para_ids):
            p.set(f"{{{W14_NS}}}paraId", para_ids[index])
            p.set(f"{{{W14_NS}}}textId", "77777777")
        if index == 0:
            sub(etree.SubElement(p, R), "annotationRef")
        if text:
            run(p, text)
    return node


def comments_part(comments: Sequence[Element]) -> bytes:
    """`word/comments.xml`."""
    root = etree.Element(w("comments"), nsmap={"w": W_NS, "w14": W14_NS})
    root.extend(comments)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def comments_extended_part(entries: Sequence[tuple[str, str | None, bool]]) -> bytes:
    """`word/commentsExtended.xml`: per comment (its last paragraph's paraId, the parent's paraId, done)."""
    root = etree.Element(f"{{{W15_NS}}}commentsEx", nsmap={"w15": W15_NS})
    for para_id, parent, done in entries:
        entry = etree.SubElement(root, f"{{{W15_NS}}}commentEx", {f"{{{W15_NS}}}paraId": para_id})
        if parent:
            entry.set(f"{{{W15_NS}}}paraIdParent", parent)
        entry.set(f"{{{W15_NS}}}done", "1" if done else "0")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
