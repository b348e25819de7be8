"""Where a member's draft links to, for `import`: each bookmark the draft's links name, as the anchor of the
section's Markdown they become.

A heading's bookmarks (and LibreOffice's `text|heading` links, which name its words) are the heading's slug; the
title's, and other sections' (by id), the section's id; an assembled paper's caption bookmarks the ids its
`coe-paper:captions` property records. A caption of the draft that a cross-reference names (Word's REF field to
its `_Ref` bookmark, or a link to it) gets an id of its own, `{#tbl-ID-1}`, `{#fig-ID-1}` (ID the section's, then
the caption's number among the section's tables or figures), as the paper's Markdown writes a caption that is
referred to: the reference becomes a cross-reference, which the paper numbers as it numbers the caption. A page
reference (PAGEREF) to such a caption keeps its words, the draft's page number, as text. A reference to a
bookmark the draft lacks (LibreOffice's to a caption in a frame) is to the numbered caption whose label and number
("Figure 1") it shows."""

from __future__ import annotations

import re
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
    unheld = numbered_references(doc, named)
    counts = {"tbl": 0, "fig": 0}
    for block, (kind, _) in body:
        if not isinstance(block, wb.Paragraph):
            continue
        text = " ".join(block.text().replace(wb.OBJECT, "").split())
        if kind == "heading":
            for name in [*block.bookmarks, f"{text.casefold()}|heading"]:  # LibreOffice links name the text
                anchors.setdefault(name, slugify(text))
        elif kind == "draft caption":
            names = [*named.intersection(block.bookmarks), *by_number(block, text, unheld)]
            if not names:
                continue
            prefix = "tbl" if table_caption(block.style_name, text) else "fig"
            counts[prefix] += 1
            captions[id(block)] = f"{prefix}-{section}-{counts[prefix]}"
            for name in [*block.bookmarks, *names]:
                anchors.setdefault(name, captions[id(block)])
    return anchors, captions


def numbered_references(doc: wb.WordDocument, named: set[str]) -> dict[str, str]:
    """The bookmarks among `named` that no paragraph holds, with the words their references show: LibreOffice
    writes no bookmark for a caption in a frame (its Insert > Caption of a picture), and its reference ("Figure 1",
    a REF field) names one all the same."""
    held = {name for story in (doc.blocks, *doc.notes.values()) for para in wb.paragraphs(story)
            for name in para.bookmarks}
    words: dict[str, str] = {}
    for story in (doc.blocks, *doc.notes.values()):
        for para in wb.paragraphs(story):
            for run in para.runs:
                if run.link and run.link[1:] in named - held and not run.page and (run.rev is None or
                                                                                    run.rev.kind != "del"):
                    words[run.link[1:]] = words.get(run.link[1:], "") + run.text
    return {name: " ".join(text.split()) for name, text in words.items() if text.strip()}


def by_number(block: wb.Paragraph, text: str, references: dict[str, str]) -> list[str]:
    """The bookmarks of `references` (see numbered_references) whose words are the label and number a numbered
    caption (one holding a SEQ field) begins with: "Figure 1" for "Figure 1: Rents by city", not "Figure 10: ..."."""
    if not any(instruction.upper().startswith("SEQ ") for instruction in block.fields):
        return []
    return [name for name, words in references.items()
            if re.match(re.escape(words) + r"(?![.-]?\d)", text, re.IGNORECASE)]


def unlink(blocks: Iterable[MdBlock], targets: Container[str]) -> int:
    """Make the links of `blocks` to `targets` (captions that captioned nothing, and so stay paragraphs without an
    id) their words; how many links were (a link of several pieces, its words formatted apart, is one)."""
    count = 0
    for block in blocks:
        lines = [block.pieces] if isinstance(block, (Heading, Para, Item)) else []
        table = block.table if isinstance(block, Item) else block if isinstance(block, TableBlock) else None
        lines += [cell for row in table.rows for cell in row] if table is not None else []
        for pieces in lines:
            linked = [piece.link is not None and piece.link[1:] in targets for piece in pieces]
            count += sum(hit and (at == 0 or pieces[at - 1].link != pieces[at].link) for at, hit in enumerate(linked))
            pieces[:] = [replace(piece, link=None) if hit else piece for piece, hit in zip(pieces, linked, strict=True)]
    return count
