"""A picture's width in a section, as pandoc's Markdown writes it: `![alt](chart.png){width=6cm}` (cm, mm or in).
The parser's rule takes the attribute off the text after the image into the image token's `meta["width"]` (EMU), and
the build shows the picture that wide, keeping its proportions, within the text's width and the page's height
(the preview too, within its column).
`import` writes it for a picture a member's draft shows at another size than the paper would
(`width_attribute`). Anything else in braces after an image stays text."""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

WIDTH_RE = re.compile(r"\{width=(\d{1,4}(?:\.\d{1,4})?)(cm|mm|in)\}")  # at the start of what it is matched on
_EMU = {"cm": 360000, "mm": 36000, "in": 914400}


def width_emu(text: str) -> int | None:
    """The width (EMU) of a `{width=...}` attribute at the start of `text`; None for none or no width at all."""
    match = WIDTH_RE.match(text)
    emu = round(float(match.group(1)) * _EMU[match.group(2)]) if match else 0
    return emu or None


def centimetres(emu: int) -> str:
    """A width in centimetres to a hundredth, as CSS and the attribute write it: `6cm`, `4.25cm`."""
    return f"{round(emu / 360000, 2):g}cm"


def width_attribute(emu: int) -> str:
    """The attribute that shows a picture `emu` wide: `{width=6cm}`."""
    return f"{{width={centimetres(emu)}}}"


def picture_widths(md: MarkdownIt) -> None:
    """A rule for `md`: the `{width=...}` right after an image goes into its token's meta (see the docstring)."""

    md.core.ruler.push("picture_widths", _widths_where_written)


def _widths_where_written(state: Any) -> None:
    if "{width=" in state.src:  # none written: most sections have none
        take_widths(state)


def take_widths(state: Any) -> None:
    """`picture_widths`'s work on a parsed text: each `{width=...}` after an image into the image's meta."""
    for token in state.tokens:
        children = token.children or []
        emptied = []  # text that was the attribute alone: an image alone in its paragraph is a figure
        for image, after in itertools.pairwise(children):
            emu = width_emu(after.content) if image.type == "image" and after.type == "text" else None
            if emu is not None:
                image.meta["width"] = emu
                after.content = WIDTH_RE.sub("", after.content, count=1)  # the first: where it matched
                emptied += [after] if not after.content else []
        if emptied:
            token.children = [child for child in children if all(child is not gone for gone in emptied)]
