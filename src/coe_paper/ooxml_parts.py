"""Whole parts of the package, and the part-level settings, as raw WordprocessingML: the footnotes part, list
definitions and instances in the numbering part, the renderer's styles and the default language in the styles part,
the settings' request to refresh fields, and the custom properties part. Body elements come from `ooxml.py`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from lxml import etree

from .ooxml import NSMAP, RPR, W_NS, Element, copy_element, insert_before_any, sub, w

_VAL = w("val")


def footnotes_part(footnotes: Sequence[tuple[int, Sequence[Element]]]) -> bytes:
    """`word/footnotes.xml`: the two separators, then each footnote's paragraphs."""
    root = etree.Element(w("footnotes"), nsmap=NSMAP)
    for fid, kind, mark in ((-1, "separator", "separator"), (0, "continuationSeparator", "continuationSeparator")):
        note = sub(root, "footnote", type=kind, id=str(fid))
        p = sub(note, "p")
        sub(sub(p, "pPr"), "spacing", after="0", line="240", lineRule="auto")
        sub(sub(p, "r"), mark)
    for fid, paragraphs in footnotes:
        note = sub(root, "footnote", id=str(fid))
        note.extend(paragraphs)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _lvl(abstract: Element, level: int, fmt: str, text: str, indent: int) -> None:
    lvl = sub(abstract, "lvl", ilvl=str(level))
    sub(lvl, "start", val="1")
    sub(lvl, "numFmt", val=fmt)
    sub(lvl, "lvlText", val=text)
    sub(lvl, "lvlJc", val="left")
    sub(sub(lvl, "pPr"), "ind", left=str(indent * (level + 1)), hanging=str(indent // 2))


#: A bullet, a white bullet and a small square, level after level (as the preview's disc, circle and square), in the
#: text's own font: Word's habit of the Symbol font's U+F0B7, a Courier New "o" and Wingdings' U+F0A7 gave a PDF
#: whose bullets a reader copies or hears read aloud as characters of Unicode's private use area and the letter o.
BULLETS = ("\u2022", "\u25e6", "\u25aa")
ORDERED = (("decimal", "%{}."), ("lowerLetter", "%{}."), ("lowerRoman", "%{}."))


def add_abstract_numbering(numbering: Element, ordered: bool, other: Sequence[int] = ()) -> int:
    """Add a nine-level bullet or ordered list definition, the levels in `other` of the other kind (a bullet list
    in an item of a numbered one); returns its abstractNumId."""
    ids = [int(a.get(w("abstractNumId"), "0")) for a in numbering.iter(w("abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    abstract = etree.Element(w("abstractNum"), {w("abstractNumId"): str(abstract_id)})
    sub(abstract, "multiLevelType", val="hybridMultilevel")
    for level in range(9):
        if ordered != (level in other):
            fmt, text = ORDERED[level % 3]
            _lvl(abstract, level, fmt, text.format(level + 1), 720)
        else:
            symbol = BULLETS[level % 3]
            _lvl(abstract, level, "bullet", symbol, 720)
    first_num = numbering.find(w("num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return abstract_id


def max_num_id(numbering: Element) -> int:
    """The largest numId in use (0 when there is none)."""
    return max((int(n.get(w("numId"), "0")) for n in numbering.iter(w("num"))), default=0)


def add_numbering_instance(
    numbering: Element, abstract_id: int, level: int, start: int, num_id: int | None = None
) -> int:
    """A new w:num over `abstract_id` whose `level` restarts at `start`; returns its numId.

    `num_id` defaults to one more than the largest in use; a caller adding many lists passes its own counter
    (see docx_writer.DocxBuilder.new_list), as scanning the numbering part for every list is quadratic."""
    if num_id is None:
        num_id = max_num_id(numbering) + 1
    num = copy_element(_NUM)  # a long paper has thousands of lists: a copy is faster than building each
    num.set(_NUMID_ATTR, str(num_id))
    num[0].set(_VAL, str(abstract_id))
    num[1].set(_ILVL_ATTR, str(level))
    num[1][0].set(_VAL, str(start))
    numbering.append(num)
    return num_id


_NUMID_ATTR, _ILVL_ATTR = w("numId"), w("ilvl")
_NUM = etree.Element(w("num"), {_NUMID_ATTR: ""})
etree.SubElement(_NUM, w("abstractNumId"), {_VAL: ""})
etree.SubElement(etree.SubElement(_NUM, w("lvlOverride"), {_ILVL_ATTR: ""}), w("startOverride"), {_VAL: ""})


def set_language(styles: Element, language: str) -> None:
    """The document's default proofing language (w:docDefaults/w:rPrDefault/w:rPr/w:lang)."""
    defaults = styles.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        styles.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(RPR)
    if rpr is None:
        rpr = sub(rpr_default, "rPr")
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = sub(rpr, "lang")
    lang.set(_VAL, language)


def style_ids(styles: Element) -> dict[str, str]:
    """Map of lower-cased style name to styleId."""
    found: dict[str, str] = {}
    for style in styles.iter(w("style")):
        name = style.find(w("name"))
        if name is not None:
            found[name.get(_VAL, "").lower()] = style.get(w("styleId"), "")
    return found


# Styles the renderer needs, added to a template that lacks them: (type, id, name, basedOn, pPr XML, rPr XML).
REQUIRED_STYLES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("character", "Hyperlink", "Hyperlink", "", "", '<w:color w:val="0563C1"/><w:u w:val="single"/>'),
    ("character", "VerbatimChar", "Verbatim Char", "", "",
     '<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/><w:sz w:val="20"/>'),
    # A code block's runs: LibreOffice's tagged PDF makes a run in "Source Text" Code (its paragraph stays a P).
    ("character", "SourceText", "Source Text", "", "", ""),
    # A block quote's paragraphs: LibreOffice's tagged PDF makes a paragraph in "Quotations" a BlockQuote (one in
    # Word's "Quote" a P); based on "Quote", it looks as the template's quotes do, and pandoc reads it as a quote.
    ("paragraph", "Quotations", "Quotations", "Quote", "", ""),
    ("character", "FootnoteReference", "footnote reference", "", "", '<w:vertAlign w:val="superscript"/>'),
    ("paragraph", "FootnoteText", "footnote text", "Normal",
     '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/>', '<w:sz w:val="18"/>'),
    ("paragraph", "SourceCode", "Source Code", "Normal",
     '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/><w:spacing w:after="120" w:line="240" w:lineRule="auto"/>',
     '<w:rFonts w:ascii="Consolas" w:hAnsi="Consolas"/><w:sz w:val="19"/>'),
    ("paragraph", "Byline", "Byline", "Normal", '<w:spacing w:after="240"/>',
     '<w:i/><w:color w:val="595959"/><w:sz w:val="20"/>'),
    ("paragraph", "CoverText", "Cover Text", "Normal", '<w:spacing w:before="240" w:after="240"/>',
     '<w:color w:val="003399"/><w:sz w:val="28"/>'),
    ("paragraph", "SmallPrint", "Small Print", "Normal", '<w:spacing w:after="120"/>', '<w:sz w:val="17"/>'),
    ("paragraph", "Compact", "Compact", "Normal",
     '<w:spacing w:before="36" w:after="36" w:line="240" w:lineRule="auto"/>', ""),
    ("paragraph", "TOC1", "toc 1", "Normal", '<w:spacing w:after="100"/>', "<w:b/>"),
    ("paragraph", "TOC2", "toc 2", "Normal", '<w:spacing w:after="60"/><w:ind w:left="220"/>', ""),
    ("paragraph", "Header", "header", "Normal", '<w:spacing w:after="0"/>',
     '<w:color w:val="7F7F7F"/><w:sz w:val="18"/>'),
    ("paragraph", "Footer", "footer", "Normal", '<w:spacing w:after="0"/><w:jc w:val="center"/>', '<w:sz w:val="18"/>'),
)


def ensure_styles(styles: Element) -> None:
    """Add the renderer's styles that the template does not define."""
    names = style_ids(styles)
    for kind, sid, name, based_on, p_props, r_props in REQUIRED_STYLES:
        if name.lower() in names:
            continue
        base = names.get(based_on.lower()) if based_on else None
        based = f'<w:basedOn w:val="{base}"/>{_next_of(styles, base)}' if base is not None else ""
        xml = (
            f'<w:style xmlns:w="{W_NS}" w:type="{kind}" w:customStyle="1" w:styleId="{sid}">'
            f'<w:name w:val="{name}"/>{based}<w:qFormat/>'
            + (f"<w:pPr>{p_props}</w:pPr>" if p_props else "")
            + (f"<w:rPr>{r_props}</w:rPr>" if r_props else "")
            + "</w:style>"
        )
        styles.append(etree.fromstring(xml))
        names[name.lower()] = sid


def _next_of(styles: Element, sid: str) -> str:
    """The `w:next` of style `sid`, for a style based on it: Enter at the end of a quote gives the paragraph after
    it the style that follows the template's quotes (Normal), as in a quote in "Quote"."""
    found = styles.find(f"{w('style')}[@{w('styleId')}='{sid}']/{w('next')}")
    return f'<w:next w:val="{found.get(_VAL)}"/>' if found is not None else ""


#: Word's name of the caption style, "caption", and the name LibreOffice's tagged PDF knows: a paragraph in
#: "Caption" it tags Caption, one in "caption" a plain P. Word takes either for its own caption style.
_CAPTION_NAMES = ("caption", "Caption")


#: The names of the caption styles, found by libxml2: walking the styles from Python made an object of each of the
#: template's hundreds of elements, on every build.
_CAPTION_STYLE_NAMES = etree.XPath("w:style/w:name[@w:val='caption' or @w:val='Caption']", namespaces=NSMAP)


def name_for_tags(styles: Element) -> None:
    """Name the caption style "Caption", as LibreOffice tags it (see `_CAPTION_NAMES`), unless a template has a
    style of that name besides it."""
    found = _CAPTION_STYLE_NAMES(styles)
    names = [name for name in found if isinstance(name, etree._Element)] if isinstance(found, list) else []
    if not any(name.get(_VAL) == _CAPTION_NAMES[1] for name in names):
        for name in names:
            if name.get(_VAL) == _CAPTION_NAMES[0]:
                name.set(_VAL, _CAPTION_NAMES[1])


_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema",
    "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
    "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)


def set_update_fields(settings: Element) -> None:
    """Ask Word to refresh fields (the table of contents' page numbers) when the file opens."""
    if settings.find(w("updateFields")) is not None:
        return
    insert_before_any(settings, etree.Element(w("updateFields"), {_VAL: "true"}), _AFTER_UPDATE_FIELDS)


def remove_update_fields(settings: Element) -> None:
    """Stop asking Word to refresh fields on opening (the fields' cached results are right)."""
    for found in settings.findall(w("updateFields")):
        settings.remove(found)


def custom_properties_part(properties: Sequence[tuple[str, str]]) -> bytes:
    """`docProps/custom.xml` with string properties."""
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    vt = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
    root = etree.Element(f"{{{ns}}}Properties", nsmap={None: ns, "vt": vt})  # type: ignore[dict-item]
    for pid, (name, value) in enumerate(properties, start=2):
        prop = etree.SubElement(root, f"{{{ns}}}property",
                                fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}", pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{vt}}}lpwstr").text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
#: What a template's extended properties count or name of the template itself (its one page and no words, the
#: parts of its title), which a paper made from it would wrongly claim; Word works them out again when it saves.
_COUNTS = ("TotalTime", "Pages", "Words", "Characters", "CharactersWithSpaces", "Lines", "Paragraphs",
           "HeadingPairs", "TitlesOfParts", "AppVersion")


def extended_properties(data: bytes) -> bytes:
    """`docProps/app.xml` of a paper made from a template whose part is `data`: coe-paper as the application that
    wrote it, and none of the template's counts. `data` unchanged when it is no extended properties part."""
    from .safedocx import xml_parser

    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError:
        return data
    if root.tag != f"{{{_EP}}}Properties":
        return data
    for child in list(root):
        if etree.QName(child).localname in _COUNTS:
            root.remove(child)
    application = root.find(f"{{{_EP}}}Application")
    if application is None:
        application = etree.SubElement(root, f"{{{_EP}}}Application")
    application.text = "coe-paper"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_PR = "http://schemas.openxmlformats.org/package/2006/relationships"


def relationships_xml(relationships: Iterable[tuple[str, str, str, bool]]) -> bytes:
    """A package's `.rels` part for (id, type, target, external) relationships: the bytes python-docx writes for
    them, made without parsing a string for each as python-docx does (a paper of 300 sections has a thousand
    links: 16 ms to 5)."""
    root = etree.Element(f"{{{_PR}}}Relationships", nsmap={None: _PR})  # type: ignore[dict-item]
    for r_id, reltype, target, external in relationships:
        relationship = etree.SubElement(root, f"{{{_PR}}}Relationship")
        relationship.set("Id", r_id)
        relationship.set("Type", reltype)
        relationship.set("Target", target)
        if external:
            relationship.set("TargetMode", "External")
    return etree.tostring(root, encoding="UTF-8", standalone=True)
