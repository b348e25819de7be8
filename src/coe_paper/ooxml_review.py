"""Raw WordprocessingML for review: tracked changes (w:ins, w:del, paragraph-mark and table-row revisions), and the
names of the comments parts that `comments` reads, and a comment's text. The elements they wrap and mark come from
`ooxml.py`. (Writing comments is only for the tests, which make reviewers' files: tests/docx_comments.py.)"""

from __future__ import annotations

from lxml import etree

from .ooxml import RPR, Element, T, insert_before_any, ppr, w

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
REL_COMMENTS_EXTENDED = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended"
INS, DEL = "ins", "del"
# pPr children that must follow w:rPr (the paragraph mark's properties).
_AFTER_MARK_RPR = ("sectPr", "pPrChange")
_TRPR_AFTER = ("trPrChange",)


def comment_text(comment: Element) -> str:
    """A w:comment's text, a line per paragraph (comments hold plain text: runs, tabs and breaks)."""
    lines = []
    for p in comment.iter(w("p")):
        parts = [node.text or "" if node.tag == w("t") else "\t" if node.tag == w("tab") else "\n"
                 for node in p.iter(w("t"), w("tab"), w("br"))]
        lines.append("".join(parts).strip())
    return "\n".join(lines).strip()


def revision(kind: str, rev_id: int, author: str, date: str) -> Element:
    """An empty `w:ins` or `w:del` (kind INS or DEL) with id, author and ISO 8601 date."""
    return etree.Element(w(kind), {w("id"): str(rev_id), w("author"): author, w("date"): date})


def as_deleted(element: Element) -> Element:
    """Turn runs' text into deleted text in place (w:t -> w:delText, w:instrText -> w:delInstrText)."""
    for node in element.iter(T, w("instrText")):
        node.tag = w("delText") if node.tag == T else w("delInstrText")
    return element


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
