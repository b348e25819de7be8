"""A list item's later paragraphs inside their item, in the ODF copy of the paper that LibreOffice lays out.

The .docx writes an item's later paragraph in no list (numId 0), as Word and LibreOffice write a list paragraph
without a number; LibreOffice (7.4) opens it as a paragraph after the list, so that the tagged PDF ended the list
there and began another (L, P, L). In ODF an item holds its later paragraphs (a `text:list-item` with several
`text:p`), and LibreOffice tags them inside the item's LBody. Such a paragraph is known in the copy by its
automatic style, which says it is in no list (`style:list-style-name=""`); it goes into the last item of the list
right before it, of the level its indent gives, and the rest of the list (a `text:list` that continues its
numbering) joins the list again. A quote's paragraph is indented one more step for its quote (render.py), so its
level is one less than its indent gives (a quote in a quote in an item is taken as one quote deeper in the list)."""

from __future__ import annotations

import re

from .ooxml import Element

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_P, _LIST, _ITEM = f"{{{_TEXT}}}p", f"{{{_TEXT}}}list", f"{{{_TEXT}}}list-item"
_STYLE_NAME, _LIST_STYLE = f"{{{_TEXT}}}style-name", f"{{{_STYLE}}}list-style-name"
_CONTINUES = f"{{{_TEXT}}}continue-numbering"
_QUOTE = "Quotations"  # a quote's paragraph style (render.py), indented one step for its quote
#: A list level's indent in the .docx (render.py: 720 twips, half an inch), in points.
_LEVEL = 36.0
_POINTS = {"in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "pt": 1.0, "pc": 12.0}
_LENGTH = re.compile(r"(-?[\d.]+)(in|cm|mm|pt|pc)")


def join_items(content: Element) -> bool:
    """Move each later paragraph of an item in `content` (an ODF content.xml) into its item; whether any moved."""
    unlisted = _unlisted_styles(content)
    if not unlisted:
        return False
    moved = False
    for p in [p for p in content.iter(_P) if p.get(_STYLE_NAME) in unlisted]:
        before = p.getprevious()
        if before is None or before.tag != _LIST or p.getparent() is None:
            continue
        item = _item(before, unlisted[p.get(_STYLE_NAME, "")])
        if item is None:
            continue
        item.append(p)
        moved = True
        after = before.getnext()
        if after is not None and after.tag == _LIST and after.get(_CONTINUES) == "true" \
                and after.get(_STYLE_NAME) == before.get(_STYLE_NAME):
            before.extend(after.findall(_ITEM))
            after.getparent().remove(after)  # type: ignore[union-attr]
    return moved


def _item(top: Element, level: int) -> Element | None:
    """The last item of list `top` at `level` (0: its own), or the deepest one there is above it."""
    item = next(iter(reversed(top.findall(_ITEM))), None)
    for _ in range(level):
        if item is None or len(item) == 0 or item[-1].tag != _LIST:
            break
        deeper = next(iter(reversed(item[-1].findall(_ITEM))), None)
        if deeper is None:
            break
        item = deeper
    return item


def _unlisted_styles(content: Element) -> dict[str, int]:
    """The automatic paragraph styles that put a paragraph in no list, each with the list level its indent gives."""
    found: dict[str, int] = {}
    for style in content.iter(f"{{{_STYLE}}}style"):
        if style.get(f"{{{_STYLE}}}family") != "paragraph" or style.get(_LIST_STYLE) != "":
            continue
        properties = style.find(f"{{{_STYLE}}}paragraph-properties")
        margin = _LENGTH.fullmatch(properties.get(f"{{{_FO}}}margin-left", "") if properties is not None else "")
        if margin is None:
            continue
        points = float(margin.group(1)) * _POINTS[margin.group(2)]
        quoted = style.get(f"{{{_STYLE}}}parent-style-name") == _QUOTE
        if points >= _LEVEL / 2 * (3 if quoted else 1):
            found[style.get(f"{{{_STYLE}}}name", "")] = max(round(points / _LEVEL) - (2 if quoted else 1), 0)
    return found

