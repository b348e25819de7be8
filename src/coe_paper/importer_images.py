"""A member's draft's pictures, for `import`: each picture part is written once, as `ID-N.EXT` in the draft's
order (N the next number no other file has, for a draft imported beside its section to compare them), and each
place the draft shows it becomes a Markdown image with the picture's description as alt text, and the width it is
shown at (`{width=6cm}`) when the draft sets a size of its own: not for a picture at its natural size, which Word
and LibreOffice give at 96 dpi to one that gives no dpi, where the paper gives 72.
What cannot be shown (a type Word does not show, bytes that cannot be read: that picture is left out, no description)
is warned of (COE910); a draft of more pictures than a section holds is refused before any is written."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from . import limits, ooxml
from . import wordblocks as wb
from .diagnostics import clipped
from .jpegs import docx_image
from .mdpieces import escaped
from .picture_widths import width_attribute, width_emu
from .pictures import IMAGE_TYPES
from .safedocx import DocxError

IMAGE = "COE910"


class DraftImages:
    """The pictures of one draft: `data` holds (file name, bytes) to write, in the draft's order."""

    def __init__(self, doc: wb.WordDocument, name: str, section: str, link: str,
                 warn: Callable[[str, str, str], None], counts: Counter[tuple[str, str]],
                 taken: frozenset[str] = frozenset()) -> None:
        self.doc, self.name, self.section, self.link = doc, name, section, link
        self.warn, self.counts = warn, counts
        self.taken = set(taken)  # and the names given so far
        self.names: dict[str, str] = {}  # part -> file name
        self.unread: set[str] = set()  # parts whose bytes could not be read (warned of once)
        self.data: list[tuple[str, bytes]] = []

    def markdown(self, part: str, description: str, extent: tuple[int, int] | None = None) -> str:
        """The Markdown image of the picture `part` described so, with the width the draft shows it at (`extent`,
        EMU) when the paper would show it at another; "" for one whose image cannot be read (warned of, named by its
        description: a link to a file never written would fail validation). Raises DocxError past the pictures a
        draft may hold (each is a file written and synced)."""
        name = self.names.get(part)
        if name is None and part in self.unread:
            return ""
        if name is None and len(self.names) >= limits.LIMITS.draft_pictures:
            raise DocxError(f"{self.name} has more than {limits.LIMITS.draft_pictures:,} pictures, far more than a "
                            "section holds; refusing to write them (split the draft, or leave most pictures out)")
        if name is None:
            try:
                data = self.doc.image_bytes(part)
            except DocxError as exc:
                self.unread.add(part)
                described = clipped(" ".join(description.split()), 60)
                named = f" '{described}'" if described else ""
                self.warn(IMAGE, f"picture{named} left out: its image cannot be read ({exc})",
                          "insert the picture again in Word and import the draft again")
                return ""
            ext = next(iter(re.findall(r"\.[a-z0-9]{1,10}$", part.lower())), ".bin")  # a name and a link as others
            number = len(self.names) + 1
            while f"{self.section}-{number}{ext}" in self.taken:  # another file's name: the next free number
                number += 1
            name = self.names[part] = f"{self.section}-{number}{ext}"
            self.taken.add(name)
            self.data.append((name, data))
            if ext not in IMAGE_TYPES:
                self.warn(IMAGE, f"image {name} is a {ext} file, which Word documents of the paper cannot show",
                          "export it as PNG and replace the file")
        if not description.strip():
            self.counts[(IMAGE, "images without a description (alt text); validate reports them (COE502)")] += 1
        alt = escaped(" ".join(description.split()))  # read as Markdown: "*star*" would lose its asterisks
        width = width_attribute(extent[0]) if extent is not None and self._resized(part, extent) else ""
        # a width the paper reads as one, or none (a draft's negative, zero or absurd size would stay as text)
        return f"![{alt}]({self.link}/{name})" + (width if width_emu(width) else "")

    def _resized(self, part: str, extent: tuple[int, int]) -> bool:
        """Whether the draft shows the picture at a size of its own: at another width than its natural size, by more
        than a millimetre. Its natural size is what the paper shows (its pixels at its dpi, 72 when it gives none),
        or, for a picture that gives no dpi, its pixels at 96 dpi, as Word and LibreOffice show it; each within the
        text's width and the page's height."""
        try:
            image = docx_image(self.doc.image_bytes(part))
            natural = [tuple(map(int, image.scaled_dimensions()))]
        except Exception:  # unreadable (warned of above): the draft's width is all there is
            return True
        if image.horz_dpi == 72:  # python-docx's reading of a picture that gives no dpi
            natural.append((image.px_width * 914400 // 96, image.px_height * 914400 // 96))
        return all(abs(extent[0] - _fitted(width, height)) > 36000 for width, height in natural)


def _fitted(width: int, height: int) -> int:
    """The width (EMU) the paper shows a picture `width` x `height` at: within the text's width and the page's
    height, its proportions kept."""
    widest, tallest = ooxml.TEXT_WIDTH * 635, ooxml.picture_height_limit(None)
    if width > widest:
        width, height = widest, height * widest // width
    if height > tallest:
        width = width * tallest // height
    return width
