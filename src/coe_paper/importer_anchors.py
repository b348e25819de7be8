"""Where a member's draft links to, for `import`: each bookmark the draft's links name, as the anchor of the
section's Markdown they become.

A heading's bookmarks (and LibreOffice's `text|heading` links, which name its words) are the heading's slug; the
title's, and other sections' (by id), the section's id; an assembled paper's caption bookmarks the ids its
`coe-paper:captions` property records. A caption of the draft that a cross-reference names (Word's REF field to
its `_Ref` bookmark, or a link to it) gets an id of its own, `{#tbl-ID-1}`, `{#fig-ID-1}` (ID the section's, then
the caption's number among the section's tables or figures), as the paper's Markdown writes a caption that is
referred to: the reference becomes a cross-reference, which the paper numbers as it numbers the caption. A page
reference (PAGEREF) to such a caption keeps its words, the draft's page number, as text."""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import replace

from . import wordblocks as wb
from .captions_read import caption_anchors, table_caption
from .markdown import slugify
from .mdwrite import Heading, Item, MdBlock, Para, TableBlock
from .render_inline import bookmark_name


def referred(doc: wb.WordDocument) -> set[str]:
    """The bookmarks that the draft's links and cross-references (not its page references) name."""
    stories = [doc.blocks, *doc.notes.values()]
    return {run.link[1:] for story in stories for para in wb.paragraphs(story) for run in para.runs
            if run.link and run.link.startswith("#") and not run.page}


def draft_anchors(doc: wb.WordDocument, body: Sequence[tuple[wb.Block, tuple[str, int]]], titles: Iterable[wb.Block],
                  ids: Iterable[str], section: str) -> tuple[dict[str, str], dict[int, str]]:
    """Bookmark -> anchor (see the module's docstring), and the id of each caption referred to (by its block's id)."""
    anchors = {bookmark_name(known): known for known in {*ids, section}}
    anchors.update(caption_anchors(doc.properties))
    for name in (name for title in titles if isinstance(title, wb.Paragraph) for name in title.bookmarks):
        anchors.setdefault(name, section)
    captions: dict[int, str] = {}
    named = referred(doc)
    counts = {"tbl": 0, "fig": 0}
    for block, (kind, _) in body:
        if not isinstance(block, wb.Paragraph):
            continue
        text = " ".join(block.text().replace(wb.OBJECT, "").split())
        if kind == "heading":
            for name in [*block.bookmarks, f"{text.casefold()}|heading"]:  # LibreOffice links name the text
                anchors.setdefault(name, slugify(text))
        elif kind == "draft caption" and named.intersection(block.bookmarks):
            prefix = "tbl" if table_caption(block.style_name, text) else "fig"
            counts[prefix] += 1
            captions[id(block)] = f"{prefix}-{section}-{counts[prefix]}"
            for name in block.bookmarks:
                anchors.setdefault(name, captions[id(block)])
    return anchors, captions


def unlink(blocks: Iterable[MdBlock], targets: Container[str]) -> int:
    """Make the links of `blocks` to `targets` (captions that captioned nothing, and so stay paragraphs without an
    id) their words; how many were."""
    count = 0
    for block in blocks:
        lines = [block.pieces] if isinstance(block, (Heading, Para, Item)) else []
        table = block.table if isinstance(block, Item) else block if isinstance(block, TableBlock) else None
        lines += [cell for row in table.rows for cell in row] if table is not None else []
        for pieces in lines:
            linked = [piece.link is not None and piece.link[1:] in targets for piece in pieces]
            count += sum(linked)
            pieces[:] = [replace(piece, link=None) if hit else piece for piece, hit in zip(pieces, linked, strict=True)]
    return count
