"""The characters of Word's Symbol font, which a draft gives by their codes in the font (`w:sym w:font="Symbol"
w:char="F061"`, as Insert > Symbol writes a Greek letter or a mathematical sign): what Unicode character each shows,
by the Adobe Symbol encoding. A code with no such character (a piece of a large bracket) maps to none."""

# ruff: noqa: RUF001  (the table is of characters that look like others)

from __future__ import annotations

from .ooxml import Element, w

# Codes 0x20 to 0xFF of the font; NUL where Unicode has no character of its own.
_SYMBOL = (" !∀#∃%&∍()∗+,−./0123456789:;<=>?"
           "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"
           "\x00αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼\x00"
           + "\x00" * 32  # 0x80 to 0x9F: none
           + "\x00ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…\x00\x00↵"
           "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"
           "⋄〈\x00\x00\x00∑" + "\x00" * 11 + "〉∫⌠\x00⌡" + "\x00" * 10)


def symbol_shown(sym: Element) -> str | None:
    """The character a w:sym (Insert > Symbol) shows: one of Unicode's as it is, the Symbol font's as the Unicode
    character it shows (a Greek letter, a sign); None for another symbol font's own (the private use area: what it
    shows depends on the font)."""
    try:
        code = int(sym.get(w("char"), ""), 16)
    except ValueError:
        code = 0
    shown = symbol_character(sym.get(w("font"), ""), code)
    if shown is None and 0x20 <= code <= 0x10FFFF and not 0xD800 <= code <= 0xF8FF and code not in (0xFFFE, 0xFFFF):
        shown = chr(code)
    return shown


def symbol_character(font: str, code: int) -> str | None:
    """The character `code` shows in `font` (its code as the font has it, or Word's, 0xF000 higher), for the Symbol
    font; None for another font or a code without one."""
    if font.strip().lower() != "symbol":
        return None
    index = (code - 0xF000 if 0xF020 <= code <= 0xF0FF else code) - 0x20
    char = _SYMBOL[index] if 0 <= index < len(_SYMBOL) else "\x00"
    return char if char != "\x00" else None
