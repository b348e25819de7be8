"""Captions back from Word (for `import` of a paper coe-paper assembled): a "Figure N: text" caption paragraph
becomes the title of the image before it, a "Table N: text" one the `Table:` line before its table, and the id that
the `coe-paper:captions` property names for the caption's bookmark comes back as `{#id}`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from . import marks

if TYPE_CHECKING:  # only `import` reads captions; the build needs PROPERTY alone, without the Word reader
    from .mdwrite import MdBlock
    from .wordblocks import Paragraph

CAPTION_RE = re.compile(r"^\s*(Figure|Table) \d+(?::\s*(.*))?$", re.DOTALL)
PROPERTY = marks.CAPTIONS


def caption_anchors(properties: Mapping[str, str]) -> dict[str, str]:
    """Bookmark -> caption id, as the assembled paper recorded them."""
    try:
        found = json.loads(properties.get(PROPERTY, "{}"))
    except (ValueError, RecursionError):  # a reviewer's file: brackets nested past what the parser recurses through
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def read_caption(para: Paragraph, out: list[MdBlock], anchors: Mapping[str, str]) -> None:
    """Put a caption paragraph back where the Markdown keeps it (see the module's docstring)."""
    from .mdwrite import Para, Piece

    text = "".join(run.text for run in para.runs if run.rev is None or run.rev.kind != "del")
    match = CAPTION_RE.match(text)
    if match is None:
        return
    caption = " ".join((match.group(2) or "").split())
    ids = [anchors[name] for name in para.bookmarks if name in anchors]
    if ids:
        caption += f" {{#{ids[0]}}}"
    previous = out[-1] if out else None
    if match.group(1) == "Figure":
        if isinstance(previous, Para) and len(previous.pieces) == 1 and (previous.pieces[0].raw or "").endswith(")"):
            image = previous.pieces[0]
            title = caption.replace("\\", "\\\\").replace('"', '\\"')
            previous.pieces[0] = Piece(image.text, image.flags, image.link, f'{image.raw[:-1]} "{title}")')  # type: ignore[index]
        return
    out.append(Para([Piece(raw="Table: " + caption)]))
