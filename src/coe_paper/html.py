"""Section bodies and template output as HTML for the preview, with markdown-it-py's own HTML renderer.

The renderer is markdown-it's (not `render.py`, which writes WordprocessingML); a few rules are set on it:
- raw HTML is read as the .docx reads it and never written out as HTML: comments vanish, `<br>`, `<sup>`, `<sub>`,
  `<u>` and `<mark>` become those tags (rewritten, attributes dropped), and any other HTML shows as text (a block
  as code), so a section's `<script>` shows as text, as it does in Word;
- a template's `{.Style}` line gives the block below it a class and nothing else (no `style=`, id or address);
- links keep only https, http, mailto and `#anchors` (others stay text); a link to another section or heading
  points at its id on the page; a relative file link stays as written (COE603 already warns about it);
- headings move one level down (the page's `h1` is the paper, a section title is `h2`, its `##` is `h3`) and get
  GitHub-style ids, unique on the page, as Word's bookmarks are unique in the document; a heading inside a quote,
  a list item or a footnote is a paragraph of bold text, as in the .docx;
- an image alone in its paragraph is a `<figure>`; its title (`![alt](src "title")`) is the caption, else the alt
  text is; its file is copied into the site and the `src` points at the copy (a picture the document does not
  show, missing, of a type Word does not show, damaged or of too many pixels, is its alt text in brackets);
- captions read as in the .docx (captions.py): "Figure 2: ..." and a `Table:` line as "Table 1: ...", numbered
  through the whole paper, the `{#id}` the element's id; a link to a caption shows its label ("Figure 2");
- footnote ids carry the section id (two sections may both have `[^1]`);
- in a body with Hebrew or Arabic in it, each paragraph, heading, list item and table cell says its direction, as
  the .docx gives it, and a web address in a table cell may break after a `/`, as in the .docx (html_flow.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.attrs import attrs_block_plugin

from . import captions as cap
from .figure_notes import notes_of
from .html_flow import address_breaks, cards, directions
from .markdown import (
    bare_addresses,
    commonmark,
    footnotes,
    is_safe_link,
    link_scheme,
    picture_paths,
    plain_text,
    slugify,
)
from .numbering import HeadingNumbers
from .picture_widths import centimetres, picture_widths
from .structure import COMMENTS_ONLY, INLINE_HTML


def _allowed(url: str) -> bool:
    """Safe schemes and anchors, and relative paths (images, file links); never javascript:, data:, file:."""
    return is_safe_link(url) if link_scheme(url) is not None or url.startswith("#") else not url.startswith("//")


@cache
def section_parser() -> MarkdownIt:
    return commonmark(_allowed).use(footnotes).use(picture_paths).use(picture_widths).use(bare_addresses)


@cache
def template_parser() -> MarkdownIt:
    """For the paper's templates (bylines, the annex): `{.Style}` lines become classes, as they become styles in
    the .docx; any other attribute such a line gives (`style=`, an id, an address) is left out, so a template
    cannot restyle the page, fetch from elsewhere or take an id the page's own links name."""
    return commonmark(_allowed).use(attrs_block_plugin, allowed=("class",)).use(picture_paths)


@dataclass
class Anchors:
    """Ids on the page: section ids first, then heading slugs (a repeat gets `-1`, `-2`, as GitHub does)."""

    used: set[str] = field(default_factory=set)
    headings: dict[str, str] = field(default_factory=dict)  # slug as written in links -> id on the page
    footnotes: int = 0  # footnote references so far on the page: Word numbers them on through the paper

    def claim(self, wanted: str) -> str:
        candidate = self.reserve(wanted)
        self.headings.setdefault(wanted, candidate)
        return candidate

    def reserve(self, wanted: str) -> str:
        """An id for a part of the page itself, which no link in a section names (`#main` is a heading "Main")."""
        candidate, n = wanted or "heading", 0
        while candidate in self.used:
            n += 1
            candidate = f"{wanted}-{n}"
        self.used.add(candidate)
        return candidate


ImageSink = Callable[[str, str], str | None]  # (path as written, section file's directory) -> src in the site


def _shift_headings(tokens: list[Token], anchors: Anchors) -> None:
    """Headings one level down, and never more than one level below the heading before them (a page's heading
    order is what screen readers navigate by; a paper's own template may still skip one)."""
    previous = 0
    for index, token in enumerate(tokens):
        if token.type in ("heading_open", "heading_close") and token.level:  # in a quote, item or footnote
            _bold_paragraph(tokens, index)
        elif token.type == "heading_open":
            level = min(int(token.tag[1]) + 1, 6)
            level = min(level, previous + 1) if previous else level
            token.tag, previous = f"h{level}", level
            token.attrSet("id", anchors.claim(slugify(plain_text(tokens[index + 1].children))))
        elif token.type == "heading_close":
            token.tag = f"h{previous}"


def _bold_paragraph(tokens: list[Token], index: int) -> None:
    """The heading that tokens[index] opens or closes as a paragraph of bold text, as the .docx shows a heading
    inside a quote, a list item or a footnote (no heading of the paper, no entry in the page's outline)."""
    token = tokens[index]
    token.tag = "p"
    if token.type == "heading_close":
        token.type = "paragraph_close"
        return
    token.type = "paragraph_open"
    inline = tokens[index + 1]
    inline.children = [Token("strong_open", "strong", 1), *(inline.children or []), Token("strong_close", "strong", -1)]


def _figures(tokens: list[Token], found: cap.Captions) -> None:
    """A paragraph holding one image becomes a figure with a caption ("Figure 2: ..." when the paper numbers it)."""
    for index in range(len(tokens) - 2):
        opening, inline, closing = tokens[index : index + 3]
        children = [c for c in inline.children or () if not (c.type == "text" and not c.content.strip())]
        if opening.type == "paragraph_open" and closing.type == "paragraph_close" and len(children) == 1 \
                and children[0].type == "image":
            image = children[0]
            opening.tag = closing.tag = "figure"
            opening.hidden = closing.hidden = False  # a tight list's paragraph: the figure is still written
            opening.attrSet("class", "figure")
            inline.children = [image]
            numbered = found.of(image)
            if numbered is not None:
                image.attrSet("title", numbered.text)
                if _owns_id(found, numbered):
                    opening.attrSet("id", numbered.id)
            caption = _caption_text(numbered) if numbered else str(image.attrGet("title") or "") or plain_text(
                image.children)
            if caption:
                inline.meta = {"caption": caption, "notes": notes_of(image)}  # its footnotes after its words


def _name_tables(tokens: list[Token]) -> None:
    """Each table's token learns the words of the last heading before it (`under`), which names a table that has
    no caption (tokens are rendered one by one: the renderer sees no heading before a table)."""
    under = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            under = plain_text(tokens[index + 1].children, html_breaks=True).strip()
        elif token.type == "table_open":
            token.meta["under"] = under


def _caption_text(caption: cap.Caption) -> str:
    return f"{caption.label}: {caption.text}" if caption.text else caption.label


def _owns_id(found: cap.Captions, caption: cap.Caption) -> bool:
    """Whether `caption` is the one its id names (a repeated id, COE507, names the first)."""
    return bool(caption.id) and found.by_id.get(caption.id) == caption


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _table_captions(tokens: list[Token], found: cap.Captions) -> None:
    """A `Table:` line next to its table becomes the caption paragraph "Table 1: ...", with the caption's id, above
    its table (as in the .docx) when it was written after it."""
    above: dict[int, int] = {}  # where a table opens -> where its caption written after it opens
    table = 0
    for index in range(len(tokens) - 1):
        table = index if tokens[index].type == "table_open" else table
        numbered = found.of(tokens[index + 1]) if tokens[index].type == "paragraph_open" else None
        if numbered is not None and numbered.kind == cap.TABLE:
            tokens[index].attrSet("class", "table-caption")
            if _owns_id(found, numbered):
                tokens[index].attrSet("id", numbered.id)
            notes = [child for child in tokens[index + 1].children or () if child.type == "footnote_ref"]
            tokens[index + 1].children = [_text(_caption_text(numbered)), *notes]  # its footnotes after its words
            if numbered.below:
                above[table] = index  # tables never nest: the last one opened is the one before it
            captioned = table if numbered.below else index + 3
            if captioned < len(tokens) and tokens[captioned].type == "table_open":  # its scroll region is named by it
                tokens[captioned].meta["caption"] = _caption_text(numbered)
    if not above:
        return
    moved: list[Token] = []
    index = 0
    while index < len(tokens):  # one pass: moving each caption in place took a pass each
        caption = above.get(index)
        if caption is None:
            moved.append(tokens[index])
            index += 1
        else:
            moved += tokens[caption:caption + 3] + tokens[index:caption]
            index = caption + 3
    tokens[:] = moved


def _references(tokens: list[Token], by_id: dict[str, cap.Caption]) -> None:
    """A link to a caption's id shows the caption's label ("Figure 2"), whatever its words, as the .docx does; a
    footnote reference in its words follows the link."""
    for token in tokens:
        if not token.children or not by_id:
            continue
        out: list[Token] = []
        skipping = False
        notes: list[Token] = []
        for child in token.children:
            if skipping and child.type != "link_close":
                if child.type == "footnote_ref":
                    notes.append(child)
                continue
            skipping = False
            out.append(child)
            if notes:
                out.extend(notes)
                notes = []
            href = str(child.attrGet("href") or "") if child.type == "link_open" else ""
            if href.startswith("#") and href[1:] in by_id:
                out.append(_text(by_id[href[1:]].label))
                skipping = True
        token.children = out


class PageRenderer(RendererHTML):
    """markdown-it's HTML renderer with the preview's images, figure captions and links (the plugins' rules, such
    as the footnotes', are taken over from the parser's own renderer)."""

    def __init__(self, parser: MarkdownIt) -> None:
        super().__init__(parser)
        own = parser.renderer.rules if isinstance(parser.renderer, RendererHTML) else {}
        rules: dict[str, Any] = {**own, "image": self.image, "link_open": self.link_open,
                                 "table_open": self.table_open, "table_close": self.table_close,
                                 "html_block": self.html_block, "html_inline": self.html_inline,
                                 "footnote_ref": self.footnote_ref, "footnote_open": self.footnote_open,
                                 "footnote_anchor": self.footnote_anchor, "wbr": lambda *_: "<wbr>"}
        self._footnote_ref, self._footnote_open = own.get("footnote_ref"), own.get("footnote_open")
        self._footnote_anchor = own.get("footnote_anchor")
        self.rules = rules
        self.images: ImageSink = lambda src, base: None
        self.base_dir: str = ""
        self.anchors: Anchors = Anchors()

    def table_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A wide table scrolls inside its own region (keyboard-reachable) instead of widening a phone's page; the
        region is named by the table's caption, else by the heading it stands under, so that a page's regions (the
        annex has a table under each kind of organisation) are told apart."""
        meta = tokens[idx].meta
        under = f"Table under {meta['under']}" if meta.get("under") else "Table"
        name = escapeHtml(str(meta.get("caption") or under))
        return f'<div class="scroll" role="region" aria-label="{name}" tabindex="0">' + \
            self.renderToken(tokens, idx, options, env)

    def table_close(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return self.renderToken(tokens, idx, options, env) + "</div>\n"

    def footnote_ref(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A reference numbered as the .docx numbers it: one more than the page's last, each reference its own."""
        self.anchors.footnotes += 1
        env.setdefault("coeFirst", {}).setdefault(tokens[idx].meta["id"], self.anchors.footnotes)
        env.setdefault("coeRefs", {})[(tokens[idx].meta["id"], tokens[idx].meta.get("subId", 0))] = \
            self.anchors.footnotes
        written: str = self._footnote_ref(tokens, idx, options, env)  # type: ignore[misc]
        return f'{written.rpartition(">[")[0]}>[{self.anchors.footnotes}]</a></sup>'

    def footnote_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """A note in the list under its section, numbered as its first reference, in the direction of its text."""
        opened: str = self._footnote_open(tokens, idx, options, env)  # type: ignore[misc]
        number = env.get("coeFirst", {}).get(tokens[idx].meta["id"])
        direction = tokens[idx].attrGet("dir")
        extra = (f' value="{number}"' if number else "") + (f' dir="{direction}"' if direction else "")
        return opened.replace(">", f"{extra}>", 1)

    def footnote_anchor(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        """The link back from a note to its reference, named for a screen reader (its text is an arrow), in the
        page's own words (English)."""
        written: str = self._footnote_anchor(tokens, idx, options, env)  # type: ignore[misc]
        number = env.get("coeRefs", {}).get((tokens[idx].meta["id"], tokens[idx].meta.get("subId", 0)))
        name = f"Back to reference {number}" if number else "Back to the reference"
        named = f' class="footnote-backref" lang="en" aria-label="{name}"'
        return written.replace(' class="footnote-backref"', named, 1)

    def html_block(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        content = tokens[idx].content
        return "" if COMMENTS_ONLY.fullmatch(content) else f"<pre><code>{escapeHtml(content)}</code></pre>\n"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        content = tokens[idx].content
        tag = INLINE_HTML.fullmatch(content.strip())
        if tag is not None:
            name = tag.group(2).lower()
            return "<br>" if name == "br" else f"<{tag.group(1)}{name}>"
        return "" if content.startswith("<!--") else escapeHtml(content)

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        local = self.images(src, self.base_dir) if link_scheme(src) is None and not src.startswith("#") else None
        if local is None:  # a remote or missing image: its alt text, never a request off the machine
            return f'<span class="missing-image">[{escapeHtml(plain_text(token.children))}]</span>'
        token.attrSet("src", local)
        if token.meta.get("width"):  # `{width=6cm}` (picture_widths.py); the style sheet keeps it within its column
            token.attrSet("style", f"width: {centimetres(token.meta['width'])}")
        return super().image(tokens, idx, options, env)

    def link_open(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if href.startswith("#"):
            token.attrSet("href", "#" + self.anchors.headings.get(href[1:], href[1:]))
        return self.renderToken(tokens, idx, options, env)


def _number_headings(tokens: list[Token], numbers: HeadingNumbers, titled: bool = False) -> None:
    """Number the headings as the .docx numbers them, on from the section's own heading (`numbers`, as
    numbering.chapter_counters gives it: "2.1", "I.1.1"): those of the body itself, not those in a quote or a list
    item (there Word shows them as bold text); with `titled`, a first-level heading is the chapter's own title,
    numbered as `numbers` stands (the contributors' annex: "Annex II")."""
    numbers = numbers.copy()
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0:
            level = int(token.markup.count("#")) if token.markup.startswith("#") else (
                1 if token.markup.startswith("=") else 2)
            number = numbers.last if titled and level == 1 else numbers.next(level)
            inline = tokens[index + 1]
            if number and inline.children is not None:
                inline.children.insert(0, _text(f"{number} "))


def render_section(body: str, section_id: str, base_dir: str, anchors: Anchors, images: ImageSink,
                   by_id: dict[str, cap.Caption] | None = None, start: tuple[int, int] = (0, 0),
                   chapter: HeadingNumbers | None = None) -> str:
    """A section body as HTML (its headings from `h3`); `by_id` and `start` are the paper's captions by id and the
    figures and tables before this section (`captions.numbered`); `chapter`, the section's heading counter
    (numbering.chapter_counters) when the paper numbers its headings."""
    md = section_parser()
    env: dict[str, Any] = {"docId": section_id}
    tokens = md.parse(body, env)
    found = cap.collect([tokens], start, by_id)
    _shift_headings(tokens, anchors)
    directions(tokens)
    address_breaks(tokens)
    if chapter is not None:
        _number_headings(tokens, chapter)
    _figures(tokens, found)
    _table_captions(tokens, found)
    _name_tables(tokens)
    _references(tokens, found.by_id)
    renderer = PageRenderer(md)
    renderer.images, renderer.base_dir, renderer.anchors = images, base_dir, anchors
    out: list[str] = []
    for token in tokens:
        if token.type == "inline":
            out.append(renderer.renderInline(token.children or [], md.options, env))
            caption = (token.meta or {}).get("caption")
            if caption:
                notes = renderer.renderInline(token.meta.get("notes") or [], md.options, env)
                out.append(f"<figcaption>{escapeHtml(caption)}{notes}</figcaption>")
        else:
            out.append(renderer.render([token], md.options, env))
    return "".join(out)


def render_template_output(text: str, anchors: Anchors | None = None, images: ImageSink | None = None,
                           chapter: HeadingNumbers | None = None) -> str:
    """Markdown from the paper's templates (a byline, the annex) as HTML; headings from `h2`, numbered as the chapter
    `chapter` stands when it is given (the contributors' annex after the outline's annexes:
    numbering.members_annex_counter); pictures' paths start from the project, as in the .docx."""
    md = template_parser()
    tokens = md.parse(text)
    if anchors is not None:
        _shift_headings(tokens, anchors)
    if chapter is not None:
        _number_headings(tokens, chapter, titled=True)
    directions(tokens)
    address_breaks(tokens)
    _name_tables(tokens)
    cards(tokens)
    renderer = PageRenderer(md)
    renderer.anchors = anchors or Anchors()
    if images is not None:
        renderer.images = images
    return str(renderer.render(tokens, md.options, {}))
