"""The one configured Markdown parser: CommonMark plus GFM tables, strikethrough, footnotes and bare web addresses
as links."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from . import limits

if TYPE_CHECKING:  # markdown-it loads when something is parsed: a build from the section cache parses nothing
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

WORD_RE = re.compile(r"\w+(?:[-'\u2019]\w+)*")
_NOTE_REF_RE = re.compile(r"\[\^[^\s\]]+\]")  # a footnote reference, `[^label]`, as the footnote plugin reads it
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)  # a line break, as structure.INLINE_HTML reads it


@cache
def content_parser() -> MarkdownIt:
    """Parser for members' section bodies (nesting past its bound is reported, see structure.py)."""
    from .picture_widths import picture_widths

    return commonmark().use(footnotes).use(picture_paths).use(picture_widths).use(bare_addresses)


@cache
def template_parser() -> MarkdownIt:
    """Parser for the output of the paper's own templates: adds `{.Style}` block attributes."""
    from mdit_py_plugins.attrs import attrs_block_plugin

    return commonmark().use(attrs_block_plugin).use(picture_paths)


def commonmark(validate_link: Callable[[str], bool] | None = None) -> MarkdownIt:
    """What every parser of the paper's Markdown starts from (the .docx's here, the preview's in html.py):
    CommonMark with tables and strikethrough, blocks nested up to `limits.markdown_nesting` (markdown-it's own
    bound, 20, left the preview without the words of a quote 20 deep, which the .docx had) and links normalised as
    the paper's anchors are. Any link is valid, unless `validate_link` says (checks and the renderer judge
    schemes)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"maxNesting": limits.LIMITS.markdown_nesting}).enable(["table", "strikethrough"])
    md.validateLink = validate_link or _any_link  # type: ignore[method-assign, assignment]
    md.normalizeLink = normalize_link  # type: ignore[method-assign]
    return md


def _any_link(url: str) -> bool:
    return True


def footnotes(md: MarkdownIt) -> None:
    """A rule for `md`: footnotes (`[^1]` and `[^1]: ...`), a figure's caption (see figure_notes.py) and a link's
    words holding a reference too, `[the Ljubljana Agreement[^2]](https://...)`, as pandoc and GitHub read it.
    markdown-it took the reference for a link inside the link, which a link cannot hold, and left the whole link as
    the text typed, brackets and address and all, its note numbered in the middle."""
    from types import SimpleNamespace

    from markdown_it import helpers
    from mdit_py_plugins.footnote import footnote_plugin

    from .figure_notes import figure_notes

    md.use(footnote_plugin).use(figure_notes)
    md.helpers = SimpleNamespace(  # type: ignore[assignment]  # this parser's own, the module's functions else
        parseLinkLabel=_link_label, parseLinkDestination=helpers.parseLinkDestination,
        parseLinkTitle=helpers.parseLinkTitle)


def _link_label(state: Any, start: int, disable_nested: bool = False) -> int:
    """markdown-it's `parseLinkLabel`, where the end of a link's words is found: the same, but a footnote reference
    in them is not taken for a link nested in the link (see `footnotes`)."""
    old_pos, level = state.pos, 1
    state.pos = start + 1
    found = False
    while state.pos < state.posMax:
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                found = True
                break
        before = state.pos
        state.md.inline.skipToken(state)
        if marker == "[":
            if before == state.pos - 1:
                level += 1  # a bracket that is text
            elif disable_nested and _NOTE_REF_RE.fullmatch(state.src, before, state.pos) is None:
                state.pos = old_pos
                return -1
    end = state.pos if found else -1
    state.pos = old_pos
    return end


_ADDRESS_HINT = re.compile(r"//|www\.|@", re.IGNORECASE)  # what a bare address that is a link holds


def bare_addresses(md: MarkdownIt) -> None:
    """A rule for `md`: a web address written bare in the text (`https://...`, `www.europa.eu`) or an e-mail
    address is a link, as GitHub shows it (linkify-it-py finds them, their last full stop or bracket left out); not
    in a code span, nor a bare domain (`README.md`, `ec.europa.eu`), which is as likely a file's name."""
    from markdown_it.rules_core.linkify import linkify

    def linkify_hinted(state: Any) -> None:
        if _ADDRESS_HINT.search(state.src) is not None:  # else no paragraph passes the rule's own first test
            linkify(state)

    md.linkify = address_finder()
    md.options["linkify"] = True
    md.enable("linkify")
    md.core.ruler.at("linkify", linkify_hinted)


@cache
def address_finder() -> Any:
    """linkify-it-py's finder of the addresses that are links (see `bare_addresses`): `match(text)` gives each with
    its `index`, `last_index`, `raw` text and `url`, or None."""
    from linkify_it import LinkifyIt

    class Addresses(LinkifyIt):  # type: ignore[misc]
        def pretest(self, text: str) -> bool:
            """linkify-it's own first test passes a text with a name that ends as a domain does (`europa.eu`), and
            nearly doubled the time a section takes to parse: only a text with a scheme's `//`, `www.` or an
            e-mail's `@` can hold an address taken here."""
            return _ADDRESS_HINT.search(text) is not None and bool(super().pretest(text))

        def test(self, text: str) -> bool:
            """The same first test for each piece of text of a paragraph that passed it (markdown-it asks linkify-it
            of each): a paragraph with a link `[...](https://...)` passes, and linkify-it's patterns then searched
            every piece of its text, a tenth of the time a section took to parse."""
            return _ADDRESS_HINT.search(text) is not None and bool(super().test(text))

        def match(self, text: str) -> list[Any] | None:
            found = [link for link in super().match(text) or () if link.schema or
                     link.raw.lower().startswith("www.")]
            return found or None

    return Addresses()


def find_addresses(text: str) -> list[Any]:
    """The addresses in `text` that are links (see `address_finder`), after the cheap test markdown-it makes first."""
    if _ADDRESS_HINT.search(text) is None:  # asked first: linkify-it loads only for a text that may hold one
        return []
    finder = address_finder()
    return (finder.match(text) or []) if finder.pretest(text) else []


def compile_address_patterns() -> None:
    """Have linkify-it compile its patterns now: it does at its first search of a text that may hold an address
    (about 40 ms), which the resident process makes before it forks, so that no command in its children pays it."""
    find_addresses("https://example.org www.example.org name@example.org")


def picture_paths(md: MarkdownIt) -> None:
    """A rule for `md`: a picture in the project is named by its file's path, its percent-escapes decoded. The
    parser writes every address as a URL (`<my chart.png>` as `my%20chart.png`, `50%.png` as `50%25.png`), and no
    file has that name: members' pictures named with a space were not found (COE501), as GitHub and pandoc find
    them. An address with a scheme stays as it is; where the decoded path leads is checked as any path is."""
    md.core.ruler.push("picture_paths", _paths_where_marked)


def _paths_where_marked(state: Any) -> None:
    if "![" in state.src:  # no picture without its mark: most sections have none
        decode_picture_paths(state)


def decode_picture_paths(state: Any) -> None:
    """`picture_paths`'s work on a parsed text: each picture's address with its percent-escapes decoded."""
    from urllib.parse import unquote

    for token in state.tokens:
        for child in token.children or ():
            src = child.attrs.get("src") if child.type == "image" else None
            if isinstance(src, str) and "%" in src and link_scheme(src) is None:
                child.attrs["src"] = unquote(src)


def normalize_link(url: str) -> str:
    """A link's address as the parsers give it: percent-encoded as markdown-it does, but an anchor in the paper as
    a heading's slug is made (NFKC, see slugify): '#égalité' was '#%C3%A9galit%C3%A9', which no heading's anchor
    is, and an 'é' written as 'e' and a combining accent matched nothing, though it reads the same."""
    if url.startswith("#"):
        return "#" + unicodedata.normalize("NFKC", url[1:])
    from markdown_it.common.normalize_url import normalizeLink

    return normalizeLink(url)


SAFE_SCHEMES = ("http", "https", "mailto")
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def link_scheme(url: str) -> str | None:
    """The URL's scheme in lower case (ignoring blanks and control characters browsers drop), or None."""
    match = _SCHEME_RE.match(re.sub(r"[\x00-\x20]", "", url))
    return match.group(1).lower() if match else None


def is_safe_link(url: str) -> bool:
    """https/http/mailto links and in-document anchors; everything else is refused."""
    scheme = link_scheme(url)
    return url.startswith("#") if scheme is None else scheme in SAFE_SCHEMES


def parse(text: str, env: dict[str, Any] | None = None) -> list[Token]:
    """A section's tokens; `env`, when given, is the parser's environment (link definitions, footnotes) to keep."""
    return content_parser().parse(text, env)


def walk(tokens: list[Token]) -> Iterator[tuple[Token, Token | None]]:
    """Every token with the block token it belongs to (inline children come after their parent)."""
    for token in tokens:
        yield token, None
        for child in token.children or ():
            yield child, token


def plain_text(children: list[Token] | None, html_breaks: bool = False) -> str:
    """The visible text of inline tokens; with `html_breaks`, a `<br>` is a space, as it reads (a heading's slug
    leaves it out, as GitHub's and pandoc's do)."""
    out: list[str] = []
    for child in children or ():
        kind = child.type
        if kind == "text" or kind == "code_inline":
            out.append(child.content)
        elif kind == "softbreak" or kind == "hardbreak":
            out.append(" ")
        elif kind == "image":
            out.append(plain_text(child.children))
        elif html_breaks and kind == "html_inline" and _BR_RE.fullmatch(child.content):
            out.append(" ")
    return "".join(out)


#: The most characters of a run-in heading (`**Key findings**` on a line of its own): about a line of text.
RUN_IN_HEADING_CHARS = 100


def is_run_in_heading(children: list[Token] | None) -> bool:
    """A paragraph that is one bold phrase, at most a line long: a heading typed as `**Key findings**`."""
    items = [child for child in children or () if not (child.type == "text" and not child.content.strip())]
    if len(items) < 3 or items[0].type != "strong_open" or items[-1].type != "strong_close":
        return False
    depth = 0
    for child in items[:-1]:  # the bold that opens the paragraph closes only at its end
        depth += {"strong_open": 1, "strong_close": -1}.get(child.type, 0)
        if depth == 0:
            return False
    text = plain_text(items).strip()
    return 0 < len(text) <= RUN_IN_HEADING_CHARS


def count_words(tokens: list[Token]) -> int:
    """Words of running text (headings, paragraphs, lists, tables, footnotes; not code blocks)."""
    # One regex pass over all the text: no word spans the newlines that separate the blocks.
    return len(WORD_RE.findall("\n".join(plain_text(t.children) for t in tokens if t.type == "inline")))


def slugify(text: str) -> str:
    """GitHub-style heading anchor: lower case, punctuation dropped, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r"\s", "-", text)


def row_cells(line: str) -> list[tuple[int, str]]:
    """A table row's cells: (column, trimmed text), split at pipes outside code spans and escapes."""
    cells: list[tuple[int, str]] = []
    start, i, ticks = 0, 0, 0
    stripped = line.rstrip()
    lead = len(stripped) - len(stripped.lstrip())
    if stripped[lead:].startswith("|"):
        start = i = lead + 1
    else:
        i = start = lead
    while i <= len(stripped):
        c = stripped[i] if i < len(stripped) else "|"
        if c == "\\":
            i += 2
            continue
        if c == "`":
            ticks ^= 1
        if c == "|" and not ticks:
            raw = stripped[start:i]
            if i < len(stripped) or raw.strip():
                cells.append((start + len(raw) - len(raw.lstrip()), raw.strip()))
            start = i + 1
        i += 1
    return cells
