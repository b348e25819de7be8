"""What the build needs to know of a section without reading its Markdown again: its word count, the anchors and
captions it defines, the internal links and abbreviations it uses, and the findings of the checks that look at it
alone. The facts are gathered from the section's tokens once and kept in the section cache (store.py) under a key
of the section's text, so an unchanged section is neither parsed nor checked again; the checks that span sections
(links to other sections, caption ids used twice, an abbreviation's first use in the paper) run on the facts.

A section's pictures are kept as references (path, place, whether they have alt text): whether each file exists and
is readable is a fact about other files, so that is checked again on every run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import captions as cap
from .diagnostics import Diagnostic, decode_diagnostic, encode_diagnostic

if TYPE_CHECKING:
    from .checks import Parsed


@dataclass(frozen=True)
class CaptionFact:
    """A figure or table caption: its kind, text and `{#id}`, the line of its paragraph and where the id is."""

    kind: str
    text: str
    id: str
    line: int
    id_line: int
    id_column: int


@dataclass(frozen=True)
class Place:
    """A name used at a file line and column: an internal link's target, or an abbreviation."""

    name: str
    line: int
    column: int
    flag: bool = False  # an abbreviation spelled out at this use: "the Urban Agenda for the EU (UAEU)"


@dataclass(frozen=True)
class Facts:
    """What the rest of the paper needs to know of one section, kept in the section cache."""

    words: int
    slugs: tuple[str, ...]  # heading anchors
    captions: tuple[CaptionFact, ...]
    links: tuple[Place, ...]  # internal links (`#target`)
    abbreviations: tuple[Place, ...]  # each upper-case word's first use in the section
    used: tuple[str, ...]  # the listed abbreviations the section's text uses (the list is in the cache's salt)
    pictures: tuple[Place, ...]  # each image's path, where it is, and (flag) whether it has alt text
    local: tuple[Diagnostic, ...]  # findings of the checks that read this section alone

    @property
    def images(self) -> bool:
        """The section shows a picture (its file is checked on every run, and embedded as it is when placed)."""
        return bool(self.pictures)


def gather(item: Parsed, local: list[Diagnostic], abbreviations: dict[str, str]) -> Facts:
    """The facts of a parsed section, with the findings `local` of its own checks and the paper's list of
    abbreviations."""
    from . import frontmatter
    from .markdown import plain_text, slugify

    tokens = item.tokens
    slugs, links, pictures = [], [], []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and not token.level:  # in a quote, item or footnote: bold text
            slugs.append(slugify(plain_text(tokens[index + 1].children)))
        found: dict[str, tuple[int, int]] = {}  # where each needle was found last in this block (it may repeat)
        for child in token.children or ():
            if child.type == "image":
                src = str(child.attrs.get("src", ""))
                line, col = found[src] = item.position(token, src, after=found.get(src))
                pictures.append(Place(src, line, col, bool(plain_text(child.children).strip())))
            elif child.type == "link_open":
                href = str(child.attrs.get("href", ""))
                if href.startswith("#"):
                    needle = f"]({href}"
                    line, col = found[needle] = item.position(token, needle, shift=2, after=found.get(needle))
                    links.append(Place(href[1:], line, col))
    prose = list(frontmatter.prose_of(tokens))  # read once for both
    used = tuple(abbr for abbr, _ in frontmatter.used(abbreviations, prose))
    return Facts(item.words, tuple(slugs), tuple(_captions(item)), tuple(links),
                 tuple(frontmatter.first_uses(item, prose)), used, tuple(pictures), tuple(local))


def _captions(item: Parsed) -> list[CaptionFact]:
    if not cap.may_hold(item.section.body):
        return []
    tokens, found = item.tokens, []
    tables = cap.table_captions(tokens)
    for index, token in cap.outside_tables(tokens):
        kind, text = "", None
        if token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            image = cap.figure_image(token)
            title = str(image.attrs.get("title", "") or "") if image is not None else ""
            if image is not None and title.strip():
                kind, text = cap.FIGURE, title
        if index in tables:
            kind, text = cap.TABLE, tables[index][0]
        if text is None:
            continue
        words, caption_id = cap.split_id(text)
        line, col = item.position(token, f"{{#{caption_id}}}") if caption_id else (item.line(token), 1)
        found.append(CaptionFact(kind, words, caption_id, item.line(token), line, col))
    return found


# -- the stored form ---------------------------------------------------------------------------------------------
def encode(facts: Facts) -> dict[str, Any]:
    return {
        "words": facts.words, "slugs": list(facts.slugs),
        "captions": [[c.kind, c.text, c.id, c.line, c.id_line, c.id_column] for c in facts.captions],
        "links": [[p.name, p.line, p.column, p.flag] for p in facts.links],
        "abbreviations": [[p.name, p.line, p.column, p.flag] for p in facts.abbreviations],
        "used": list(facts.used),
        "pictures": [[p.name, p.line, p.column, p.flag] for p in facts.pictures],
        "local": [encode_diagnostic(d) for d in facts.local],
    }


def decode(data: object) -> Facts | None:
    """Facts from their stored form, or None when anything is not exactly of the expected shape."""
    if not isinstance(data, dict) or set(data) != {"words", "slugs", "captions", "links", "abbreviations",
                                                   "used", "pictures", "local"}:
        return None
    words, slugs = data["words"], data["slugs"]
    if type(words) is not int or not _strings(slugs) or not _strings(data["used"]):
        return None
    captions = [_caption(item) for item in _list(data["captions"])]
    links = [_place(item) for item in _list(data["links"])]
    abbreviations = [_place(item) for item in _list(data["abbreviations"])]
    pictures = [_place(item) for item in _list(data["pictures"])]
    local = [decode_diagnostic(item) for item in _list(data["local"])]
    if not all(isinstance(data[k], list) for k in ("captions", "links", "abbreviations", "pictures", "local")):
        return None
    if None in captions or None in links or None in abbreviations or None in pictures or None in local:
        return None
    return Facts(words, tuple(slugs), tuple(c for c in captions if c), tuple(p for p in links if p),
                 tuple(p for p in abbreviations if p), tuple(data["used"]), tuple(p for p in pictures if p),
                 tuple(d for d in local if d))


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def _ints(*values: object) -> bool:
    return all(type(value) is int for value in values)


def _caption(item: object) -> CaptionFact | None:
    if not isinstance(item, list) or len(item) != 6:
        return None
    kind, text, caption_id, line, id_line, id_column = item
    if kind not in (cap.FIGURE, cap.TABLE) or not (isinstance(text, str) and isinstance(caption_id, str)):
        return None
    return CaptionFact(kind, text, caption_id, line, id_line, id_column) if _ints(line, id_line, id_column) else None


def _place(item: object) -> Place | None:
    if not isinstance(item, list) or len(item) != 4:
        return None
    name, line, column, flag = item
    if not isinstance(name, str) or not _ints(line, column) or type(flag) is not bool:
        return None
    return Place(name, line, column, flag)


