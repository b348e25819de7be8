"""A field (Word's { PAGE }, { HYPERLINK "..." }, { TOC }) as the .docx reader meets it: its instruction, whether
its result has begun, and the runs read in its instruction, which Word does not show; a field's name and link
target from its instruction; and what a form's drop-down list or check box (FORMDROPDOWN, FORMCHECKBOX), which
has no result, shows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ooxml import Element, w
from .ooxml_fields import field_name as field_name  # the reader names the fields it leaves out
from .wordblocks import Paragraph, Run
from .wordparts import int_value, on


@dataclass
class Field:
    """A field being read: its instruction so far, whether its result has begun, and its link (HYPERLINK, REF);
    and the runs of text read in its instruction, which are taken out when its result begins or it ends."""

    instruction: list[str] = field(default_factory=list)
    result: bool = False
    link: str | None = None
    hidden: list[tuple[Paragraph, Run]] = field(default_factory=list)
    form: str = ""  # what a form's field without a result shows (see `form_shown`)


def take_out(hidden: list[tuple[Paragraph, Run]]) -> None:
    """Remove runs read in a field's instruction from their paragraphs: Word shows the field's result instead."""
    by_paragraph: dict[int, tuple[Paragraph, set[int]]] = {}
    for para, run in hidden:
        by_paragraph.setdefault(id(para), (para, set()))[1].add(id(run))
    for para, runs in by_paragraph.values():
        para.runs = [run for run in para.runs if id(run) not in runs]
    hidden.clear()


#: HYPERLINK's address (or, after `\l`, its bookmark) and its `\l` bookmark: in quotes as Word writes them, or a word
#: without them, as Word reads one too (`HYPERLINK https://example.org`).
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\l\s+)?(?:"([^"]*)"|([^"\s\\]\S*))'
                              r'(?:\s+\\l\s+(?:"([^"]*)"|([^"\s\\]\S*)))?', re.IGNORECASE)


def field_link(instruction: str) -> str | None:
    """The target of a HYPERLINK field (`HYPERLINK "url"`, `HYPERLINK \\l "bookmark"`), a REF field or a PAGEREF
    field (a cross-reference to a bookmark, its number or its page: `page_reference`), else None."""
    match = _HYPERLINK_FIELD.match(instruction)
    if match is None:
        ref = re.match(r"^\s*(?:PAGE)?REF\s+(\w+)", instruction, re.IGNORECASE)  # captions.py writes REF
        return f"#{ref.group(1)}" if ref else None
    target, place = match.group(1) or match.group(2) or "", match.group(3) or match.group(4)
    if re.match(r'^\s*HYPERLINK\s+\\l', instruction, re.IGNORECASE):
        return f"#{target}"
    return target + (f"#{place}" if place else "")


def page_reference(instruction: str) -> bool:
    """Whether a field is a PAGEREF, whose result is the page of its bookmark as the draft was laid out."""
    return field_name(instruction) == "PAGEREF"


def form_shown(begin: Element) -> str:
    """What the form field that `begin` (its w:fldChar) opens shows without a result: a drop-down list's chosen
    entry, a check box's mark (☒ or ☐); "" for another field."""
    data = begin.find(w("ffData"))
    choices = data.find(w("ddList")) if data is not None else None
    if choices is not None:
        entries = [entry.get(w("val"), "") for entry in choices.findall(w("listEntry"))]
        chosen = choices.find(w("result"))
        chosen = chosen if chosen is not None else choices.find(w("default"))
        index = int_value(chosen.get(w("val"))) or 0 if chosen is not None else 0
        return entries[index] if 0 <= index < len(entries) else ""
    box = data.find(w("checkBox")) if data is not None else None
    if box is None:
        return ""
    checked = box.find(w("checked"))
    return "\u2612" if on(checked if checked is not None else box.find(w("default"))) else "\u2610"
