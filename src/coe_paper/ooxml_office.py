"""The copy of the paper that LibreOffice lays out for the PDF and the contents' pages, where it reads a list
number's justification otherwise than Word does, and splits the keywords at their spaces.

Word reads `w:lvlJc` relative to the paragraph's direction: "left" is the start, so the number of a right-to-left
(w:bidi) heading or list item begins at the right margin and runs leftwards. LibreOffice (7.4) reads it as a side of
the page: the number begins at the right margin and runs rightwards, past it. In LibreOffice's copy, every
right-to-left numbered paragraph whose level is justified "left" moves to a twin of its list, over the same definition
and with the same start (so its numbers count on as before), whose levels are justified "right", which LibreOffice
draws where Word draws "left". The .docx that readers open in Word is not changed.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from . import ooxml, ooxml_parts
from .safedocx import xml_parser
from .zipout import stored_copy

Element = ooxml.Element
_DOCUMENT, _NUMBERING, _STYLES = "word/document.xml", "word/numbering.xml", "word/styles.xml"
_CORE = "docProps/core.xml"
_KEYWORDS = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords"
_START = ("left", "start")


def for_libreoffice(data: bytes) -> bytes | None:
    """The package `data` (a .docx) as LibreOffice should read it: its right-to-left numbers justified as LibreOffice
    draws Word's, its keywords kept whole; None when neither needs a change (LibreOffice can lay out `data` itself)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        changed = {**_numbers(package, names), **_keywords(package, names)}
        if not changed:
            return None
        return stored_copy(package, {name: etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                                     for name, root in changed.items()})


def _numbers(package: zipfile.ZipFile, names: set[str]) -> dict[str, Element]:
    """The document and numbering parts with right-to-left numbers moved to the twin lists, or none."""
    if not {_DOCUMENT, _NUMBERING} <= names:
        return {}
    body = package.read(_DOCUMENT)
    if b"bidi" not in body:  # no right-to-left paragraph: nothing to parse (the usual paper)
        return {}
    document = etree.fromstring(body, xml_parser())
    numbering = etree.fromstring(package.read(_NUMBERING), xml_parser())
    styles = etree.fromstring(package.read(_STYLES), xml_parser()) if _STYLES in names else None
    if not _mirror(document, numbering, _style_numbers(styles)):
        return {}
    return {_DOCUMENT: document, _NUMBERING: numbering}


def _keywords(package: zipfile.ZipFile, names: set[str]) -> dict[str, Element]:
    """The core properties with each keyword's spaces made no-break spaces, or none: LibreOffice splits cp:keywords
    at every space, comma, semicolon, colon and tab, so the PDF had 'Urban, Agenda, for, the, EU' for one keyword;
    Word and the .docx keep the plain spaces."""
    if _CORE not in names:
        return {}
    core = etree.fromstring(package.read(_CORE), xml_parser())
    found = core.find(_KEYWORDS)
    if found is None or not found.text or " " not in found.text:
        return {}
    found.text = "; ".join(k.strip().replace(" ", "\u00a0") for k in found.text.split(";") if k.strip())
    return {_CORE: core}


def _style_numbers(styles: Element | None) -> dict[str, tuple[str, str]]:
    """The (numId, ilvl) a paragraph style numbers its paragraphs with (Heading 1-3 carry them)."""
    found: dict[str, tuple[str, str]] = {}
    for style in styles.iter(ooxml.w("style")) if styles is not None else ():
        num_pr = style.find(f"{ooxml.PPR}/{ooxml.w('numPr')}")
        if num_pr is not None:
            found[style.get(ooxml.w("styleId"), "")] = _num_pr(num_pr, ("", "0"))
    return found


def _num_pr(num_pr: Element, default: tuple[str, str]) -> tuple[str, str]:
    num_id, ilvl = num_pr.find(ooxml.w("numId")), num_pr.find(ooxml.w("ilvl"))
    return (default[0] if num_id is None else num_id.get(ooxml.w("val"), ""),
            default[1] if ilvl is None else ilvl.get(ooxml.w("val"), "0"))


def _mirror(document: Element, numbering: Element, style_numbers: dict[str, tuple[str, str]]) -> bool:
    """Move each right-to-left numbered paragraph of `document` to its list's mirrored twin; whether any moved."""
    nums = {num.get(ooxml.w("numId"), ""): num for num in numbering.iter(ooxml.w("num"))}
    abstracts = {num_id: _abstract_of(numbering, num) for num_id, num in nums.items()}
    twins: dict[str, str] = {}
    moved = False
    for p in document.iter(ooxml.P):
        props = p.find(ooxml.PPR)
        if props is None or props.find(ooxml.w("bidi")) is None:
            continue
        style = props.find(ooxml.PSTYLE)
        inherited = style_numbers.get(style.get(ooxml.w("val"), "") if style is not None else "", ("", "0"))
        own = props.find(ooxml.w("numPr"))
        num_id, ilvl = inherited if own is None else _num_pr(own, inherited)
        abstract = abstracts.get(num_id)
        if abstract is None or not _starts(abstract, ilvl):
            continue
        if num_id not in twins:
            twins[num_id] = _twin(numbering, nums[num_id], abstract)
        if own is not None:
            props.remove(own)
        ooxml.set_numbering(p, int(twins[num_id]), int(ilvl))
        moved = True
    return moved


def _abstract_of(numbering: Element, num: Element) -> Element | None:
    ref = num.find(ooxml.w("abstractNumId"))
    wanted = ref.get(ooxml.w("val")) if ref is not None else None
    for abstract in numbering.iter(ooxml.w("abstractNum")):
        if abstract.get(ooxml.w("abstractNumId")) == wanted:
            return abstract
    return None


def _starts(abstract: Element, ilvl: str) -> bool:
    """Whether level `ilvl` of `abstract` numbers its paragraphs with a number justified at the start ("left")."""
    for lvl in abstract.iter(ooxml.w("lvl")):
        if lvl.get(ooxml.w("ilvl")) == ilvl:
            fmt, jc = lvl.find(ooxml.w("numFmt")), lvl.find(ooxml.w("lvlJc"))
            justified = "left" if jc is None else jc.get(ooxml.w("val"), "left")
            return (fmt is None or fmt.get(ooxml.w("val")) != "none") and justified in _START
    return False


def _twin(numbering: Element, num: Element, abstract: Element) -> str:
    """A new w:num as `num` (over `abstract`, with its start overrides) whose levels justified "left" are justified
    "right"; returns its numId."""
    twin = ooxml.copy_element(num)
    twin.set(ooxml.w("numId"), str(ooxml_parts.max_num_id(numbering) + 1))
    overrides = {override.get(ooxml.w("ilvl"), "0"): override for override in twin.iter(ooxml.w("lvlOverride"))}
    for lvl in abstract.iter(ooxml.w("lvl")):
        jc = lvl.find(ooxml.w("lvlJc"))
        ilvl = lvl.get(ooxml.w("ilvl"), "0")
        replaced = ilvl in overrides and overrides[ilvl].find(ooxml.w("lvl")) is not None
        if replaced or (jc is not None and jc.get(ooxml.w("val")) not in _START):
            continue
        mirrored = ooxml.copy_element(lvl)
        jc = mirrored.find(ooxml.w("lvlJc"))
        if jc is None:
            jc = etree.Element(ooxml.w("lvlJc"))
            ooxml.insert_before_any(mirrored, jc, ("pPr", "rPr"))
        jc.set(ooxml.w("val"), "right")
        if ilvl not in overrides:
            overrides[ilvl] = ooxml.sub(twin, "lvlOverride", ilvl=ilvl)
        overrides[ilvl].append(mirrored)  # after its w:startOverride, as the schema orders them
    num.addnext(twin)
    return twin.get(ooxml.w("numId"), "")
