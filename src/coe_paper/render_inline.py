"""Runs for a paragraph's inline Markdown tokens: text with its formatting (bold, italic, struck through, and the
inline HTML `<sup>`, `<sub>`, `<u>`, `<mark>`, `<br>`), code, breaks, links (to a bookmark, to the web, or a
cross-reference to a caption), images and footnote references; and the text and bookmark names Word can hold."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from . import captions as cap
from . import ooxml
from .markdown import is_safe_link
from .project import INVALID_XML_RE
from .structure import INLINE_HTML

if TYPE_CHECKING:
    from markdown_it.token import Token

    from .render_sink import Sink

Element = ooxml.Element
_FLAG = {"strong_open": ooxml.BOLD, "em_open": ooxml.ITALIC, "s_open": ooxml.STRIKE}
_CLOSE = {"strong_close": ooxml.BOLD, "em_close": ooxml.ITALIC, "s_close": ooxml.STRIKE}
_HTML_FLAG = {"sup": ooxml.SUPERSCRIPT, "sub": ooxml.SUBSCRIPT, "u": ooxml.UNDERLINE, "mark": ooxml.HIGHLIGHT}


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name (letters, digits, underscore; at most 40; starts with a letter) for an anchor."""
    name = re.sub(r"[^A-Za-z0-9]", "_", anchor)
    if name == anchor and len(name) <= 38 and name[:1].isalpha():
        return name
    digest = hashlib.sha1(anchor.encode()).hexdigest()[:8]
    return f"a{name[:30]}_{digest}"


def clean(text: str) -> str:
    """Text Word can hold: characters XML 1.0 forbids are dropped (validation reports them as COE004)."""
    return INVALID_XML_RE.sub("", text) if INVALID_XML_RE.search(text) else text


def write_inline(doc: Sink, captions: cap.Captions | None, children: Sequence[Token], p: Element,
                 base_flags: tuple[str, ...], footnote_ref: Callable[[Token], int | None],
                 image: Callable[[Token, Element], None]) -> None:
    """Runs for inline tokens, appended to `p`: formatting, code, links, images, footnote references, breaks.
    `image` places a picture (the renderer's: a figure's caption follows its paragraph) and `footnote_ref` gives a
    footnote reference its footnote's id (None: none is written)."""
    flags = list(base_flags)
    target = p
    char_style: str | None = None
    skip = False  # inside a link that became a cross-reference field
    pending: list[str] = []  # text and soft line breaks in a row: one run, as Word writes them

    def flush() -> None:
        text = "".join(pending)
        if text:
            ooxml.run(target, text, flags, char_style)
        pending.clear()

    for child in children:
        kind = child.type
        if skip:
            skip = kind != "link_close"
            if kind != "footnote_ref":  # a note in the words that give way to the number follows it
                continue
        if kind == "text":
            pending.append(clean(child.content))
            continue
        if kind == "softbreak":
            pending.append(" ")
            continue
        if pending:
            flush()
        if kind in _FLAG:
            flags.append(_FLAG[kind])
        elif kind in _CLOSE:
            if _CLOSE[kind] in flags:
                flags.remove(_CLOSE[kind])
        elif kind == "hardbreak":
            ooxml.line_break(target)
        elif kind == "code_inline":
            ooxml.run(target, clean(child.content), flags, doc.style("Verbatim Char"))
        elif kind == "html_inline":
            tag = INLINE_HTML.fullmatch(child.content.strip())
            if tag is not None and tag.group(2).lower() == "br":
                ooxml.line_break(target)
            elif tag is not None:
                flag = _HTML_FLAG[tag.group(2).lower()]
                if not tag.group(1):
                    flags.append(flag)
                elif flag in flags:
                    flags.remove(flag)
            elif not child.content.startswith("<!--"):
                ooxml.run(target, clean(child.content), flags, char_style)
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            known = captions.by_id if captions is not None else {}
            if href[1:] in known:
                cap.reference(target, bookmark_name(href[1:]), known[href[1:]], char_style)
                skip = True
            elif href.startswith("#") and len(href) > 1:
                target = ooxml.hyperlink(p, anchor=bookmark_name(href[1:]))
                char_style = doc.style("Hyperlink")
            elif is_safe_link(href) and not href.startswith("#"):
                target = ooxml.hyperlink(p, r_id=doc.hyperlink_rel(href))
                char_style = doc.style("Hyperlink")
        elif kind == "link_close":
            target, char_style = p, None
        elif kind == "image":
            image(child, target)
        elif kind == "footnote_ref" and (note := footnote_ref(child)) is not None:
            ooxml.footnote_reference(target, note, doc.style("footnote reference"))
    flush()
