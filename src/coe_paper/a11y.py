"""Accessibility checks, as EN 301 549 clause 10 holds documents of public bodies to them.

In `validate` (on the sources): COE531 alt text that is a file name, COE532 alt text over 250 characters, COE533
link text that is a bare URL or says nothing ("click here"), COE534 a table whose header row is empty, COE535 text
colour in the template under 4.5:1 against the page. (The title and a language tag are required by paper.yaml's
schema, COE002; the writer puts both into every document.)

`coe-paper audit FILE.docx` (any .docx, through the shared reader): COE541 no document title, COE542 no document
language, COE543 a picture without alt text (or with a file name as alt text), COE544 a table without a marked
header row, COE545 a heading that skips a level, COE546 empty paragraphs used for spacing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .diagnostics import Diagnostic, error, warning
from .markdown import plain_text

if TYPE_CHECKING:
    from docx.opc.part import Part
    from lxml.etree import _Element as Element

    from .checks import Parsed
    from .docx_writer import DocxBuilder
    from .model import Project
    from .sources import Source

_FILE_NAME_RE = re.compile(r"^\S+\.(?:png|jpe?g|gif|bmp|tiff?|svg|webp|emf|wmf)$", re.IGNORECASE)
_VAGUE = {"click here", "here", "read more", "more", "this link", "link", "this page", "ici", "hier"}
_BARE_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
MAX_ALT = 250


def alt_problem(alt: str) -> tuple[str, str] | None:
    """(code, message) when alt text that is present does not describe: a file name, or over 250 characters."""
    if _FILE_NAME_RE.match(alt.strip()):
        return "COE531", f"alt text '{alt}' is a file name; describe what the image shows"
    if len(alt) > MAX_ALT:
        return "COE532", f"alt text is {len(alt)} characters, over {MAX_ALT}; put the detail in the text or a caption"
    return None


def template(project: Project, source: Source, opened: DocxBuilder | None = None) -> list[Diagnostic]:
    """COE535: the template's text colours. What was found in template bytes judged before is taken from the
    section cache: reading the template's styles takes longer than the rest of a warm build's paper-wide checks.
    A build that has the template opened (`opened`, on the same bytes) takes what it found in the styles as the
    template has them, rather than reading them again."""
    from .diagnostics import decode_diagnostics, encode_diagnostic
    from .safedocx import Limits
    from .sources import SourceError, WorkTree, normalise
    from .store import Store

    path = project.config.template
    try:
        data = source.read_bytes(normalise(path), Limits().max_total_size)
    except SourceError:
        return []  # the template's own problems are COE802's
    store = Store(source.root, "contrast", "", pack=True)
    digest = hashlib.sha256(data).hexdigest()
    key = store.key(path, digest)
    found = decode_diagnostics(store.get(key))
    if found is None:  # none kept, or an entry not exactly right: judged again
        judged = opened.template_contrast if opened is not None and opened.template_digest == digest else None
        found = list(_template_contrast(path, data) if judged is None else _contrast_problems(path, judged))
        store.put(key, [encode_diagnostic(problem) for problem in found])
    store.prune(isinstance(source, WorkTree))
    return found


def section(item: Parsed) -> Iterator[Diagnostic]:
    """COE531-COE534 in one section: alt text that does not describe, vague link text, an empty table header."""
    path = item.section.path
    footnotes = 0  # how deep in footnotes the token is
    for token in item.tokens:
        footnotes += {"footnote_open": 1, "footnote_close": -1}.get(token.type, 0)
        if token.type == "th_open":
            continue
        children = token.children or []
        for index, child in enumerate(children):
            if child.type == "image":
                alt = plain_text(child.children)
                found = alt_problem(alt) if alt.strip() else None
                if found:
                    line, col = item.position(token, str(child.attrs.get("src", "")))
                    yield warning(path, line, col, found[0], found[1])
            elif child.type == "link_open":
                text = plain_text(_until_close(children, index))
                if child.markup == "linkify" and not (footnotes and _only(text, children)):
                    continue  # a bare address among words is no link text chosen; a footnote of it alone names nothing
                vague = text.strip().lower().rstrip(".") in _VAGUE
                if vague or _BARE_URL_RE.match(text.strip()):
                    line, col = item.position(token, text)
                    what = f"'{text}' says nothing of where it leads" if vague else f"'{text}' is a bare URL"
                    yield warning(path, line, col, "COE533", f"link text {what}",
                                  "write link text that names the destination, e.g. [the survey report](...)")
    yield from _empty_headers(item)


def _only(text: str, children: list) -> bool:  # type: ignore[type-arg]
    """Whether a link's text is all the text of its paragraph (but a full stop after it): a footnote that is only a
    web address, written bare or in angle brackets alike, says nothing of the source it cites."""
    return plain_text(children).strip().removesuffix(".").strip() == text.strip()


def _until_close(children: list, index: int) -> list:  # type: ignore[type-arg]
    out = []
    for child in children[index + 1 :]:
        if child.type == "link_close":
            break
        out.append(child)
    return out


def _empty_headers(item: Parsed) -> Iterator[Diagnostic]:
    tokens = item.tokens
    for index, token in enumerate(tokens):
        if token.type != "thead_open":
            continue
        cells = []
        for later in tokens[index + 1 :]:
            if later.type == "thead_close":
                break
            if later.type == "inline":
                cells.append(later.content.strip())
        if cells and not any(cells):
            line = (token.map[0] if token.map else 0) + item.section.body_line + 1
            yield warning(item.section.path, line, 1, "COE534", "the table's header row is empty",
                          "name each column in the first row: a screen reader reads it before every cell")


# -- colour contrast -----------------------------------------------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str = "FFFFFF") -> float:
    """WCAG 2.1 contrast ratio of two RRGGBB colours."""
    light, dark = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@dataclass(frozen=True)
class LowContrast:
    """A template style whose text colour is too light against the page (COE535)."""

    style: str  # its name, else its id
    colour: str  # RRGGBB
    ratio: float


def judged_contrast(part: Part) -> list[LowContrast] | None:
    """COE535's findings in the template's own styles part, as `validate` reads it (`word/styles.xml`): already
    parsed here, where a build opens the template (see a11y.template); None when the template has no such part."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT  # only a build, which has python-docx loaded
    from docx.opc.part import XmlPart

    try:
        styles = part.part_related_by(RT.STYLES)
    except KeyError:
        return None  # python-docx would make up styles of its own: not the template's
    if styles.partname != "/word/styles.xml" or not isinstance(styles, XmlPart):
        return None
    return low_contrast(styles.element)


def low_contrast(styles: Element) -> list[LowContrast]:
    """The paragraph and character styles of a styles part (`w:styles`, as the template has it) whose text colour
    is under 4.5:1 against the page."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    found = []
    for style in styles.iterchildren(f"{w}style"):  # a style is a child of w:styles, as Word reads them
        if style.get(f"{w}type") not in ("paragraph", "character"):
            continue  # table styles are judged against their shading, not the page
        props = next(style.iterchildren(f"{w}rPr"), None)  # as find("w:rPr/w:color"), without its path machinery
        colour = next(props.iterchildren(f"{w}color"), None) if props is not None else None
        value = (colour.get(f"{w}val") or "") if colour is not None else ""
        if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
            continue
        ratio = contrast(value)
        if ratio < 4.5 and style.find(f".//{w}shd") is None:  # text on its own shading: against that shading
            name = style.find(f"{w}name")
            found.append(LowContrast(name.get(f"{w}val", "") if name is not None else style.get(f"{w}styleId", ""),
                                     value.upper(), ratio))
    return found


def _template_contrast(path: str, data: bytes) -> Iterator[Diagnostic]:
    """COE535 in the template .docx `data` (from `path`)."""
    import io
    import zipfile

    from .safedocx import DocxError, Limits, parse_xml

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo("word/styles.xml")
            if info.file_size > Limits().max_part_size:
                return
            styles = parse_xml(package.read(info), f"{path}: word/styles.xml")
    except (DocxError, KeyError, OSError, zipfile.BadZipFile, TypeError):
        return  # the template's own problems are COE802's
    yield from _contrast_problems(path, low_contrast(styles))


def _contrast_problems(path: str, found: list[LowContrast]) -> Iterator[Diagnostic]:
    for style in found:
        yield warning(path, 0, 0, "COE535", f"style '{style.style}' has text colour #{style.colour} at "
                      f"{style.ratio:.1f}:1 against the page, under the 4.5:1 that WCAG 2.1 AA asks",
                      "darken the colour in the template (scripts/make_template.py)")


# -- audit of any .docx --------------------------------------------------------------------------------------------
@dataclass
class Audit:
    """The accessibility findings for one file."""

    file: str
    diagnostics: list[Diagnostic]


def audit(path: Path) -> Audit:
    """The checks that apply to any Word document; a file that cannot be read as one is a COE003 error, so that
    every format reports it (a CI job's Code Quality report is a JSON list then too, not an empty file)."""
    from . import wordread
    from .safedocx import DocxError
    from .wordparts import REL

    name = path.name
    try:
        doc = wordread.read(path)
    except DocxError as exc:
        return Audit(name, [error(name, 0, 0, "COE003", str(exc))])  # the message says what to do
    found: list[Diagnostic] = []
    try:
        if not doc.core.get("title", "").strip():
            found.append(error(name, 0, 0, "COE541", "the document has no title in its properties",
                               "File > Info > Properties > Title: a screen reader announces it first"))
        styles = doc.docx.part_xml(doc.docx.main, REL + "styles")
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        lang = styles.find(f"{w}docDefaults/{w}rPrDefault/{w}rPr/{w}lang") if styles is not None else None
        if lang is None or not (lang.get(f"{w}val") or "").strip():
            found.append(error(name, 0, 0, "COE542", "the document sets no language",
                               "set the language of the Normal style (Review > Language)"))
        found += _audit_blocks(name, doc.blocks)
    finally:
        doc.docx.close()
    return Audit(name, found)


def _audit_blocks(name: str, blocks: list) -> Iterator[Diagnostic]:  # type: ignore[type-arg]
    from .wordblocks import Paragraph, Table, paragraphs

    level = 0
    empties = 0
    tables = 0
    for number, block in enumerate(blocks, start=1):
        if isinstance(block, Table):
            tables += 1
            if block.rows and not block.rows[0].header and not block.nested:
                yield error(name, number, 0, "COE544", f"table {tables} has no header row marked to repeat",
                            "Table Properties > Row > Repeat as header row at the top of each page")
            for para in paragraphs([block]):
                yield from _audit_images(name, number, para)
            continue
        assert isinstance(block, Paragraph)
        yield from _audit_images(name, number, block)
        if block.mark is not None and block.mark.kind == "del" and not block.text().strip():
            continue  # a paragraph deleted as a tracked change: gone once the change is accepted, not a blank line
        if block.outline is not None and block.outline < 9 and block.text().strip():
            if block.outline + 1 > level + 1 and level:
                yield warning(name, number, 0, "COE545", f"heading '{block.text()[:40]}' is at level "
                              f"{block.outline + 1} after level {level}", "use the next level down")
            level = block.outline + 1
        empty = not block.text().strip() and not any(run.image for run in block.runs)
        empties = empties + 1 if empty else 0
        if empties == 2:
            yield warning(name, number, 0, "COE546", "empty paragraphs are used for spacing",
                          "use space before and after in the paragraph style: a screen reader reads each as 'blank'")


def _audit_images(name: str, number: int, para: object) -> Iterator[Diagnostic]:
    for run in getattr(para, "runs", []):
        if run.image is None:
            continue
        alt = run.image[1]
        if not alt.strip():
            yield error(name, number, 0, "COE543", "a picture has no alt text", "Right-click > Edit Alt Text")
        elif (found := alt_problem(alt)) is not None:
            yield warning(name, number, 0, "COE543", found[1])
