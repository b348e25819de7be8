"""Footnote references in a figure's caption, `![A chart](chart.png "Survey priorities[^3] {#fig-survey}")`.

A figure's caption is its image's title, which markdown-it keeps as a string, so a reference in it was shown as
typed ("Survey priorities[^3]") and its note, which nothing else referred to, was left out (COE604 said it was never
referred to). A rule of the parser takes each reference to a defined footnote out of the title of an image alone in
its paragraph and keeps it, as a `footnote_ref` token, in the image's `meta["notes"]`: the caption shows its words,
and its notes follow them (in the .docx, the PDF and the preview), as a `Table:` caption's do. References that name
no footnote stay text, as elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_REFERENCE_RE = re.compile(r"[ \t]*\[\^([^\s\]]+)\]")  # as the footnote plugin reads a reference's label


def figure_notes(md: MarkdownIt) -> None:
    """A rule for `md` (after the footnote plugin's): references in a figure's title become its caption's notes."""
    md.core.ruler.after("inline", "figure_notes", _take_notes)


def notes_of(token: Token) -> list[Token]:
    """The footnote references of a figure's caption (`token` its image), in the order written."""
    notes = token.meta.get("notes") if token.type == "image" and token.meta else None
    return list(notes) if isinstance(notes, list) else []


def inline_notes(inline: Token) -> Iterator[Token]:
    """The footnote references of an inline token, in reading order: its own, and its figure caption's after its
    picture."""
    for child in inline.children or ():
        if child.type == "footnote_ref":
            yield child
        elif child.type == "image":
            yield from notes_of(child)


def _take_notes(state: Any) -> None:
    if "[^" not in state.src:
        return
    data = state.env.get("footnotes") if isinstance(state.env, dict) else None
    refs = data.get("refs") if isinstance(data, dict) else None
    if not refs or not isinstance(data, dict):
        return
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or not index or tokens[index - 1].type != "paragraph_open":
            continue
        children = [c for c in token.children or () if not (c.type in ("text", "softbreak") and not c.content.strip())]
        image = children[0] if len(children) == 1 and children[0].type == "image" else None
        title = str(image.attrs.get("title", "") or "") if image is not None else ""
        if image is None or "[^" not in title:
            continue
        notes: list[Token] = []
        kept: list[str] = []  # the title's characters left
        offsets: list[int] = []  # where each stands in the title as written
        at = 0
        for match in _REFERENCE_RE.finditer(title):
            if f":{match.group(1)}" in refs:
                notes.append(_reference(data, match.group(1)))
                kept.append(title[at : match.start()])
                offsets += range(at, match.start())
                at = match.end()
        if notes:
            kept.append(title[at:])
            offsets += range(at, len(title))
            image.attrs["title"] = "".join(kept)
            image.meta = {**(image.meta or {}), "notes": notes, "written": title, "offsets": offsets}


def written_title(token: Token) -> tuple[str, list[int] | None]:
    """A figure's title as written, its references in it, and where each character of the title the parser gives
    stands in it (None: the same title, each character where it is)."""
    meta = token.meta or {}
    if "written" in meta:
        return str(meta["written"]), list(meta["offsets"])
    return str(token.attrs.get("title", "") or ""), None


def _reference(data: dict[str, Any], label: str) -> Token:
    """A footnote reference to `label`, counted as the footnote plugin counts one in the text."""
    from markdown_it.token import Token

    refs, listed = data["refs"], data["list"]
    if refs.get(f":{label}", -1) < 0:
        refs[f":{label}"] = len(listed)
        listed[len(listed)] = {"label": label, "count": 0}
    note = refs[f":{label}"]
    token = Token("footnote_ref", "", 0)
    token.meta = {"id": note, "subId": listed[note]["count"], "label": label}
    listed[note]["count"] += 1
    return token
