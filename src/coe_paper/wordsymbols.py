"""The characters of Word's Symbol font, which a draft gives by their codes in the font (`w:sym w:font="Symbol"
w:char="F061"`, as Insert > Symbol writes a Greek letter or a mathematical sign): what Unicode character each shows,
by the Adobe Symbol encoding. A code with no such character (a piece of a large bracket) maps to none."""

# ruff: noqa: RUF001  (the table is of characters that look like others)

from __future__ import annotations

# Codes 0x20 to 0xFF of the font; NUL where Unicode has no character of its own.
_SYMBOL = (" !∀#∃%&∍()∗+,−./0123456789:;<=>?"
           "≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_"
           "\x00αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼\x00"
           + "\x00" * 32  # 0x80 to 0x9F: none
           + "\x00ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…\x00\x00↵"
           "ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓"
           "⋄〈\x00\x00\x00∑" + "\x00" * 11 + "〉∫⌠\x00⌡" + "\x00" * 10)  # fmt: skip


def symbol_character(font: str, code: int) -> str | None:
    """The character `code` shows in `font` (its code as the font has it, or Word's, 0xF000 higher), for the Symbol
    font; None for another font or a code without one."""
    if font.strip().lower() != "symbol":
        return None
    index = (code - 0xF000 if 0xF020 <= code <= 0xF0FF else code) - 0x20
    char = _SYMBOL[index] if 0 <= index < len(_SYMBOL) else "\x00"
    return char if char != "\x00" else None
