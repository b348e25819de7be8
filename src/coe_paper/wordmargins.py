"""The words of a .docx's headers and footers, which a section has no place for: each header or footer a section
of the draft names is told by its words (shortened), so that the warning says what was left out. A watermark
("DRAFT", WordArt in the header) counts among them; the copy a shape's fallback repeats does not."""

from __future__ import annotations

from collections import Counter
from functools import cache

from . import ooxml
from .diagnostics import clipped
from .safedocx import DocxError, SafeDocx

Element = ooxml.Element
w = cache(ooxml.w)
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
VML = "urn:schemas-microsoft-com:vml"
_SHOWN = 80  # characters of a header's words the warning quotes
_KINDS = {w("headerReference"): "header", w("footerReference"): "footer"}
_TEXT = (w("t"), w("tab"), w("ptab"), w("br"), w("cr"))


def margin_kinds(docx: SafeDocx, links: dict[str, str], body: Element) -> Counter[str]:
    """How many headers and footers the body's sections name, by kind and words: "header 'Safe streets'",
    "footer without words", "header that cannot be read"."""
    found: Counter[str] = Counter()
    for ref in body.iter(*_KINDS):
        kind = _KINDS[ref.tag]
        try:
            root = docx.xml(links.get(ref.get(f"{{{ooxml.R_NS}}}id", ""), ""))
        except DocxError:  # missing, too large or no XML: the rest of the draft is read all the same
            found[f"{kind} that cannot be read"] += 1
            continue
        words = _words(root)
        found[f"{kind} '{clipped(words, _SHOWN)}'" if words else f"{kind} without words"] += 1
    return found


def _words(root: Element) -> str:
    """The words shown, a paragraph's after another's; enough of them to quote (a header is a line or two)."""
    texts: list[str] = []
    size = 0
    for node in root.iter(w("p"), f"{{{VML}}}textpath"):
        if _in_fallback(node, root):
            continue
        text = node.get("string", "") if node.tag != w("p") else "".join(  # a tab or break between words: a space
            t.text or "" if t.tag == w("t") else " " for t in node.iter(*_TEXT) if _paragraph_of(t) is node)
        texts.append(text)
        size += len(text)
        if size > _SHOWN:
            break
    return " ".join(" ".join(texts).split())


def _paragraph_of(node: Element) -> Element | None:
    """The paragraph a text element is in (a text box's, when it is in one inside a paragraph)."""
    parent = node.getparent()
    while parent is not None and parent.tag != w("p"):
        parent = parent.getparent()
    return parent


def _in_fallback(node: Element, root: Element) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not root:
        if parent.tag == f"{{{MC}}}Fallback":
            return True
        parent = parent.getparent()
    return False
