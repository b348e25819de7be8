"""The equations of a member's Word draft, which Markdown has no form for: each is kept as text, in the linear form
Word types, and named in a warning of its own, by that text and the words of the paragraph it is in, so that the
member can find it in the section and check it; past the first EQUATIONS_LISTED, the rest are counted."""

from __future__ import annotations

from collections.abc import Sequence

from . import wordblocks as wb
from .diagnostics import clipped, count

EQUATIONS_LISTED = 20  # equations named in a warning each


def equation_warnings(paragraphs: Sequence[wb.Paragraph]) -> list[tuple[str, str]]:
    """The COE903 warnings of the equations in the imported `paragraphs`, as message and hint: one an equation for
    the first EQUATIONS_LISTED, then one counting the rest."""
    hint = "Markdown has no equations: check that the text reads right, or make the equation a picture"
    messages = []
    for para in paragraphs:
        words = " ".join(para.text().replace(wb.OBJECT, "").split())
        for equation in para.equations:
            shown = " ".join(equation.split())
            where = f" in the paragraph '{clipped(words, 80)}'" if words != shown else " (a paragraph of its own)"
            messages.append(f"equation '{clipped(shown, 80)}' kept as text{where}")
    found = [(message, hint) for message in messages[:EQUATIONS_LISTED]]
    if len(messages) > EQUATIONS_LISTED:
        found.append((f"{count(len(messages) - EQUATIONS_LISTED, 'more equation')} kept as text, not listed one by "
                      "one", hint))
    return found
