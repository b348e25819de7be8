"""An equation of a .docx (Office Math, `m:oMath`) as a line of text in the linear form Word itself types and shows
on request ("x=(a+b)/2"), for the reader: its pieces' text alone ran together ("x=a+b2": the fraction's numerator
and denominator, a power's base and exponent, became one word). Fractions, scripts, roots, brackets and n-ary
operators (sums, integrals) are written so; anything else gives its text in order."""

from __future__ import annotations

from .ooxml import Element

M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
EQUATION = "equation (kept as text)"  # what the reader drops (counts) for each
_SCRIPTS = {"sSup": (("e", ""), ("sup", "^")), "sSub": (("e", ""), ("sub", "_")),
            "sSubSup": (("e", ""), ("sub", "_"), ("sup", "^")), "sPre": (("sub", "_"), ("sup", "^"), ("e", " ")),
            "limLow": (("e", ""), ("lim", "_")), "limUpp": (("e", ""), ("lim", "^")),
            "func": (("fName", ""), ("e", " "))}
_LIMITS = (("sub", "_"), ("sup", "^"))  # an n-ary operator's


def linear(node: Element) -> str:
    """The equation (or a piece of it) `node` as a line of text."""
    name = node.tag.rsplit("}", 1)[-1] if isinstance(node.tag, str) else ""
    if name == "t":
        return node.text or ""
    if name == "oMathPara":  # equations on lines of their own: one after the other
        return " ".join(linear(child) for child in node.findall(f"{{{M}}}oMath"))
    if name == "f":
        return f"{_grouped(node, 'num')}/{_grouped(node, 'den')}"
    if name in _SCRIPTS:
        return "".join(mark + (_grouped(node, part) if mark else _part(node, part)) for part, mark in _SCRIPTS[name])
    if name == "rad":
        degree = _part(node, "deg")
        return f"\u221a({degree}&{_part(node, 'e')})" if degree else f"\u221a{_grouped(node, 'e')}"
    if name == "d":
        inside = _property(node, "sepChr", "|").join(linear(e) for e in node.findall(f"{{{M}}}e"))
        return _property(node, "begChr", "(") + inside + _property(node, "endChr", ")")
    if name == "nary":
        sign = _property(node, "chr", "\u222b")
        limits = "".join(mark + _grouped(node, part) for part, mark in _LIMITS if _part(node, part))
        return f"{sign}{limits} {_part(node, 'e')}"
    if name.endswith("Pr"):  # properties: no text
        return ""
    return "".join(linear(child) for child in node)


def _part(node: Element, name: str) -> str:
    found = node.find(f"{{{M}}}{name}")
    return linear(found) if found is not None else ""


def _grouped(node: Element, name: str) -> str:
    """A part in brackets when it is more than a word or number ("(a+b)/2", but "a/2")."""
    text = _part(node, name)
    return text if text.isalnum() or len(text) <= 1 else f"({text})"


def _property(node: Element, name: str, default: str) -> str:
    """A character the part's properties give (a bracket, a separator, an operator), or Word's default."""
    found = node.find(f"{{{M}}}{node.tag.rsplit('}', 1)[-1]}Pr/{{{M}}}{name}")
    return found.get(f"{{{M}}}val", default) if found is not None else default
