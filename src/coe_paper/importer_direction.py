"""A draft paragraph's direction kept in its Markdown, for `import`.

The paper sets a paragraph's direction by its first letter of a strong direction (ooxml.right_to_left, HTML's
`dir="auto"`): an Arabic or Hebrew paragraph reads from right to left. A paragraph Word writes from right to left
(w:bidi) that begins otherwise ("EU 2030: ..." in an Arabic text, or a number alone) would turn left to right, and
one Word writes from left to right that begins with an Arabic or Hebrew word would turn right to left. Such a
paragraph begins with the invisible mark of its direction (U+200F RIGHT-TO-LEFT MARK, U+200E LEFT-TO-RIGHT MARK),
which the paper, Word and the browser read as its first letter. So does the section's title, which goes to the
front matter, when its Title paragraph is such a paragraph."""

from __future__ import annotations

from .mdpieces import Piece
from .ooxml import right_to_left
from .wordblocks import OBJECT, Paragraph

RTL_MARK, LTR_MARK = "\u200f", "\u200e"


def directed(para: Paragraph, pieces: list[Piece]) -> list[Piece]:
    """`pieces`, the Markdown of `para`, with the mark of the paragraph's direction first where its first letter
    would give the paper another direction; as they are otherwise. The mark is raw Markdown, so that what reads
    the words (a typed list marker, a caption's label, a paragraph all in bold) does not count it."""
    text = para.text().replace(OBJECT, "")
    if not text.strip() or bool(para.rtl) == right_to_left(text):
        return pieces
    return [Piece(raw=RTL_MARK if para.rtl else LTR_MARK), *pieces]  # raw: no list marker's, label's or bold's


def directed_title(paras: list[Paragraph], title: str) -> str:
    """The section's title from the draft's Title paragraphs, `paras`, with the mark of their direction first where
    its first letter would give the paper's title another direction ("EU 2030 هدف" written from right to left)."""
    rtl = bool(paras) and bool(paras[0].rtl)
    if not paras or not title.strip() or rtl == right_to_left(title):
        return title
    return (RTL_MARK if rtl else LTR_MARK) + title
