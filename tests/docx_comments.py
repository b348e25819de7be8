"""Comments as Word writes them (the comments part, commentRangeStart/End, commentReference, commentsExtended for
replies), for the tests that make a reviewer's file; coe-paper itself only reads comments."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from coe_paper.ooxml import RPR, RSTYLE, W_NS, Element, R, run, sub, w
from coe_paper.ooxml_review import W14_NS, W15_NS

_VAL = w("val")
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT_COMMENTS_EXTENDED = "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"


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
            para_ids: Sequence[str] = ()) -> Element:
    """A w:comment; `para_ids` (8 hex digits each, Word's w14:paraId) let commentsExtended point at it."""
    node = etree.Element(w("comment"), {w("id"): str(comment_id), w("author"): author, w("date"): date},
                         nsmap={"w": W_NS, "w14": W14_NS})
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
