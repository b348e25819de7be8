"""The parts of a .docx around its text: styles (names, outline levels, list numbering, character formatting),
numbering definitions, document properties and relationship targets. `wordread` reads the text with them."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import cache

from lxml import etree

from . import ooxml
from .safedocx import REL_CUSTOM_PROPERTIES, SafeDocx

Element = ooxml.Element
w = cache(ooxml.w)
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
REL_CORE_PROPERTIES = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
MONOSPACE = ("courier", "consolas", "mono", "menlo", "monaco", "lucida console", "source code")
_CODE_STYLES = ("verbatim", "code", "source", "monospace", "html")
_OFF = ("0", "false", "off", "none")
_VAL = w("val")
_FLAG_TAGS = tuple((w(tag), flag) for tag, flag in (("b", "b"), ("i", "i"), ("strike", "s"), ("dstrike", "s"),
                                                     ("u", "u"), ("highlight", "mark"), ("caps", "caps"),
                                                     ("smallCaps", "smallcaps")))


#: Space before and after a paragraph, in twips; None where a paragraph or style does not say.
Spacing = tuple[int | None, int | None]


@dataclass(frozen=True)
class Style:
    name: str
    based_on: str | None
    outline: int | None
    num: tuple[str, int] | None
    flags: frozenset[str]
    indent: int | None = None  # the left indent in twips, where the style sets one
    rtl: bool | None = None  # its paragraphs right to left (w:bidi), where the style says
    spacing: Spacing = (None, None)  # space before and after its paragraphs, where the style says (see `spacing`)
    contextual: bool | None = None  # no space between two paragraphs of the style (w:contextualSpacing)


def on(element: Element | None) -> bool:
    return element is not None and element.get(_VAL, "1").lower() not in _OFF


def rpr_flags(rpr: Element | None) -> set[str]:
    """The formatting a run's (or a style's) properties give: b, i, s (strike), u (underline), mark (highlight, or
    a shading of a colour of its own, as Google Docs and LibreOffice save highlighting), sup, sub, code (a
    monospace font), caps and smallcaps (which Markdown has no form for)."""
    flags: set[str] = set()
    if rpr is None:
        return flags
    for tag, flag in _FLAG_TAGS:
        if on(rpr.find(tag)):
            flags.add(flag)
    shading = rpr.find(w("shd"))
    if shading is not None and (shading.get(w("fill")) or "auto").lower() not in ("auto", "ffffff") and \
            shading.get(w("val")) != "nil":
        flags.add("mark")
    align = rpr.find(w("vertAlign"))
    if align is not None and align.get(w("val")) in ("superscript", "subscript"):
        flags.add("sup" if align.get(w("val")) == "superscript" else "sub")
    elif align is None and (raised := _raised(rpr)):
        flags.add(raised)
    fonts = rpr.find(w("rFonts"))
    if fonts is not None and any(m in (fonts.get(w("ascii")) or "").lower() for m in MONOSPACE):
        flags.add("code")
    return flags


def _raised(rpr: Element) -> str | None:
    """"sup" or "sub" for a run raised or lowered (w:position) in a size of its own (w:sz): a superscript or
    subscript of its own proportions, as LibreOffice saves one (what its HTML import makes of <sup> and <sub>, a
    "raise 33%, 80% size" in Format > Character), where Word's own is w:vertAlign. A run moved without a size of
    its own is a nudge of the text's line, no superscript."""
    position = rpr.find(w("position"))
    shift = int_value(position.get(w("val"))) if position is not None else None
    if not shift or rpr.find(w("sz")) is None:
        return None
    return "sup" if shift > 0 else "sub"


def styles(docx: SafeDocx) -> dict[str, Style]:
    root = docx.part_xml(docx.main, REL + "styles")
    found: dict[str, Style] = {}
    if root is None:
        return found
    for node in root.iter(w("style")):
        name = node.find(w("name"))
        based = node.find(w("basedOn"))
        ppr = node.find(w("pPr"))
        outline = ppr.find(w("outlineLvl")) if ppr is not None else None
        num = ppr.find(w("numPr")) if ppr is not None else None
        flags = rpr_flags(node.find(w("rPr")))
        style_name = name.get(w("val"), "") if name is not None else ""
        if any(c in style_name.lower() for c in _CODE_STYLES) and node.get(w("type")) == "character":
            flags.add("code")
        ind = ppr.find(w("ind")) if ppr is not None else None
        found[node.get(w("styleId"), "")] = Style(
            style_name, based.get(w("val")) if based is not None else None,
            int_value(outline.get(w("val"))) if outline is not None else None, num_pr(num), frozenset(flags),
            int_value(ind.get(w("left")) or ind.get(w("start"))) if ind is not None else None,
            on(bidi) if (bidi := ppr.find(w("bidi")) if ppr is not None else None) is not None else None,
            spacing(ppr), on(ctx) if (ctx := ppr.find(w("contextualSpacing")) if ppr is not None else None) is not None
            else None)
    return found


def spacing(ppr: Element | None) -> Spacing:
    """The space before and after a paragraph that `ppr` (a paragraph's or style's w:pPr) gives, in twips; None
    where it does not say. Auto spacing (HTML's, which Word leaves out between the items of a list) is none."""
    node = ppr.find(w("spacing")) if ppr is not None else None
    if node is None:
        return None, None
    before, after = (0 if on_value(node.get(w(f"{side}Autospacing"))) else int_value(node.get(w(side)))
                     for side in ("before", "after"))
    return before, after


def resolved_spacing(ppr: Element | None, style_id: str, found: dict[str, Style],
                     defaults: Spacing) -> tuple[tuple[int, int], bool]:
    """A paragraph's space before and after and whether its spacing is contextual, each from its own w:pPr where it
    says, else from its style's chain (`style_id`: the default paragraph style's for one that names none), else
    from the document defaults."""
    (before, after), contextual = spacing(ppr), None
    if ppr is not None and (ctx := ppr.find(w("contextualSpacing"))) is not None:
        contextual = on(ctx)
    seen: set[str] = set()
    while style_id and style_id not in seen and (style := found.get(style_id)) is not None:
        seen.add(style_id)
        before = style.spacing[0] if before is None else before
        after = style.spacing[1] if after is None else after
        contextual = style.contextual if contextual is None else contextual
        style_id = style.based_on or ""
    before = defaults[0] if before is None else before
    after = defaults[1] if after is None else after
    return (before or 0, after or 0), bool(contextual)


def on_value(value: str | None) -> bool:
    """Whether an on/off attribute's value is on (absent: off)."""
    return value is not None and value.lower() not in _OFF


def paragraph_defaults(docx: SafeDocx) -> tuple[str, Spacing]:
    """The id of the default paragraph style (a paragraph that names none is in it) and the document defaults'
    spacing (w:docDefaults), under every style's."""
    root = docx.part_xml(docx.main, REL + "styles")
    if root is None:
        return "", (None, None)
    normal = next((s.get(w("styleId"), "") for s in root.iter(w("style"))
                   if s.get(w("type")) == "paragraph" and on_value(s.get(w("default")))), "")
    defaults = root.find(f"{w('docDefaults')}/{w('pPrDefault')}/{w('pPr')}")
    return normal, spacing(defaults)


def body_font(docx: SafeDocx) -> str | None:
    """The font of the text (the default paragraph style's, else the document defaults'), its theme's font looked up
    when it names one; None when neither says."""
    root = docx.part_xml(docx.main, REL + "styles")
    if root is None:
        return None
    normal = [s for s in root.iter(w("style")) if s.get(w("type")) == "paragraph" and s.get(w("default")) == "1"]
    for holder in [*normal[:1], root.find(w("docDefaults"))]:
        fonts = next(holder.iter(w("rFonts")), None) if holder is not None else None
        if fonts is None:
            continue
        if fonts.get(w("ascii")):
            return fonts.get(w("ascii"))
        theme = fonts.get(w("asciiTheme"), "")
        part = docx.part_xml(docx.main, REL + "theme") if theme else None
        group = part.find(f".//{{{ooxml.A_NS}}}{theme[:5]}Font") if part is not None else None  # major or minor
        latin = group.find(f"{{{ooxml.A_NS}}}latin") if group is not None else None
        return latin.get("typeface") if latin is not None else None
    return None


def int_value(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def num_pr(numpr: Element | None) -> tuple[str, int] | None:
    if numpr is None:
        return None
    num_id, level = numpr.find(w("numId")), numpr.find(w("ilvl"))
    if num_id is None:
        return None
    return num_id.get(w("val"), "0"), int_value(level.get(w("val")) if level is not None else "0") or 0


def numbering(docx: SafeDocx) -> tuple[dict[tuple[str, int], str], dict[tuple[str, int], int],
                                      dict[str, tuple[str, frozenset[int]]], dict[tuple[str, int], int]]:
    """Each list level's number format, the first number of the levels that do not start at 1, of each list
    instance its abstract list and the levels it restarts (Word counts per abstract list and level, across its
    instances, and an instance with a start override starts the count again where it is first used: LibreOffice
    writes a list it has split so), and the left indent in twips of the levels that set one (where their text is)."""
    root = docx.part_xml(docx.main, REL + "numbering")
    if root is None:
        return {}, {}, {}, {}
    abstract: dict[str, dict[int, tuple[str, int, int | None]]] = {}
    defines: dict[str, str] = {}  # list style -> the abstract list that defines its levels (w:styleLink)
    uses: dict[str, str] = {}  # abstract list -> the list style whose levels it takes (w:numStyleLink)
    for node in root.iter(w("abstractNum")):
        abstract_id = node.get(w("abstractNumId"), "")
        abstract[abstract_id] = dict(_level(lvl) for lvl in node.iter(w("lvl")))
        defining, using = node.find(w("styleLink")), node.find(w("numStyleLink"))
        if defining is not None:
            defines[defining.get(_VAL, "")] = abstract_id
        if using is not None:
            uses[abstract_id] = using.get(_VAL, "")
    found: dict[tuple[str, int], str] = {}
    starts: dict[tuple[str, int], int] = {}
    lists: dict[str, tuple[str, frozenset[int]]] = {}
    indents: dict[tuple[str, int], int] = {}
    for num in root.iter(w("num")):
        ref, num_id = num.find(w("abstractNumId")), num.get(w("numId"), "")
        abstract_id = ref.get(w("val"), "") if ref is not None else ""
        abstract_id = defines.get(uses.get(abstract_id, ""), abstract_id)  # a list that takes a list style's levels
        if ref is not None:
            restarts = frozenset(int_value(o.get(w("ilvl"))) or 0 for o in num.iter(w("lvlOverride"))
                                 if o.find(w("startOverride")) is not None)
            lists[num_id] = abstract_id, restarts
        levels = dict(abstract.get(abstract_id, {}))
        for override in num.iter(w("lvlOverride")):  # a level the instance defines anew
            levels.update(_level(lvl) for lvl in override.iter(w("lvl")))
        for level, (kind, first, indent) in levels.items():
            found[(num_id, level)] = kind
            if first != 1:
                starts[(num_id, level)] = first
            if indent is not None:
                indents[(num_id, level)] = indent
        for override in num.iter(w("lvlOverride")):
            value = override.find(w("startOverride"))
            if value is not None:
                starts[(num_id, int_value(override.get(w("ilvl"))) or 0)] = int_value(value.get(w("val"))) or 0
    return found, starts, lists, indents


def _level(lvl: Element) -> tuple[int, tuple[str, int, int | None]]:
    """A list level's number (w:ilvl), number format, first number and left indent (None where it sets none). A
    bullet that is blank (pandoc writes a list item's further paragraphs so) shows no mark: its format is "none"."""
    fmt, start, text = lvl.find(w("numFmt")), lvl.find(w("start")), lvl.find(w("lvlText"))
    ind = lvl.find(f"{w('pPr')}/{w('ind')}")
    indent = int_value(ind.get(w("left")) or ind.get(w("start"))) if ind is not None else None
    kind = fmt.get(_VAL, "decimal") if fmt is not None else "decimal"
    if kind == "bullet" and text is not None and not text.get(_VAL, "").strip():
        kind = "none"
    first = int_value(start.get(_VAL)) or 1 if start is not None else 1
    return int_value(lvl.get(w("ilvl"))) or 0, (kind, first, indent)


def core(docx: SafeDocx) -> dict[str, str]:
    """Core properties by local name (title, creator, subject, ...)."""
    root = docx.part_xml("", REL_CORE_PROPERTIES)
    if root is None:
        return {}
    return {etree.QName(node).localname: (node.text or "").strip() for node in root if isinstance(node.tag, str)}


def properties(docx: SafeDocx) -> dict[str, str]:
    root = docx.part_xml("", REL_CUSTOM_PROPERTIES)
    if root is None:
        return {}
    return {p.get("name", ""): "".join(str(t) for t in p.itertext()) for p in root.iter(f"{{{CUSTOM_NS}}}property")}


def link_targets(docx: SafeDocx, part: str | None = None) -> dict[str, str]:
    """Relationship id -> target for the main part (or `part`), external hyperlinks included."""
    directory, filename = posixpath.split(part or docx.main)
    rels = posixpath.join(directory, "_rels", f"{filename}.rels")
    if not docx.has(rels):
        return {}
    out: dict[str, str] = {}
    for rel in docx.xml(rels).iter("{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") != "External":
            target = posixpath.normpath(posixpath.join(directory, target) if not target.startswith("/") else
                                        target.lstrip("/"))  # a path from the package's root
        out[rel.get("Id", "")] = target
    return out
