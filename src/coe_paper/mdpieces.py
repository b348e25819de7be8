"""One paragraph's text as Markdown from formatted text pieces: emphasis as `**`, `*`, `~~`, `<sup>`/`<sub>`,
`<u>`, `<mark>`, code spans, links, escapes where CommonMark would read a character otherwise, line breaks as `\\` +
newline.

Emphasis is checked by parsing what was written: where CommonMark would read the delimiters otherwise (a `**`
between letters and punctuation, say), the paragraph keeps its words and loses that formatting, and says so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it.token import Token

from .markdown import content_parser

STAND_IN = "\u00a7"  # for an image or a footnote reference while checking emphasis: punctuation, as they are
EMPHASIS = ("b", "i", "s", "sup", "sub", "u", "mark")  # "code" is separate: a code span cannot hold formatting
_MARK = {"b": ("**", "**"), "i": ("*", "*"), "s": ("~~", "~~"), "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"),
         "u": ("<u>", "</u>"), "mark": ("<mark>", "</mark>")}
_TAGS = ("sup", "sub", "u", "mark")  # written as inline HTML
_ALWAYS = re.compile(r"([\\`*\[\]<~|])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(#{1,6}(?=\s|$)|[-+=](?=\s|$|[-=]*\s*$)|>|\d{1,9}(?=[.)](?:\s|$)))")


@dataclass(frozen=True)
class Piece:
    """Text with formatting flags (b, i, s, sup, sub, u, mark, code) and a link target; or `raw` Markdown written as
    is (an image, a footnote reference). A "\\n" in text is a line break."""

    text: str = ""
    flags: frozenset[str] = frozenset()
    link: str | None = None
    raw: str | None = None


def paragraph(pieces: list[Piece], in_table: bool = False) -> tuple[str, bool]:
    """One paragraph's Markdown on one line (line breaks as `\\` + newline), and whether its emphasis had to go
    for its words to read as written."""
    pieces = _normalise(pieces)
    text = _write(pieces, in_table)
    if _risky(pieces) and not _same(pieces, in_table):
        plain = [Piece(p.text, p.flags - set(EMPHASIS), p.link, p.raw) for p in pieces]
        return _write(_normalise(plain), in_table), True
    return text, False


def _normalise(pieces: list[Piece]) -> list[Piece]:
    """Whitespace moved out of formatting, tabs as spaces, breaks in code split, neighbours merged."""
    out: list[Piece] = []
    for piece in pieces:
        if piece.raw is not None:
            out.append(piece)
            continue
        text = piece.text.replace("\t", " ")
        for part in re.split(r"(\n)", text):
            if not part:
                continue
            flags = piece.flags
            if part == "\n":
                out.append(Piece("\n", frozenset(), piece.link))
                continue
            stripped = part.strip()
            if not stripped:
                out.append(Piece(part, frozenset(), piece.link))
                continue
            lead, trail = part[: len(part) - len(part.lstrip())], part[len(part.rstrip()) :]
            if lead:
                out.append(Piece(lead, frozenset(), piece.link))
            out.append(Piece(stripped, flags, piece.link))
            if trail:
                out.append(Piece(trail, frozenset(), piece.link))
    groups: list[tuple[Piece, list[str]]] = []  # joined once: adding to a growing text took minutes in a long one
    for piece in out:
        last = groups[-1][0] if groups else None
        if last is not None and last.raw is None and piece.raw is None and last.flags == piece.flags \
                and last.link == piece.link and "\n" not in (last.text, piece.text):
            groups[-1][1].append(piece.text)
        else:
            groups.append((piece, [piece.text]))
    merged = [Piece("".join(texts), first.flags, first.link) if len(texts) > 1 else first for first, texts in groups]
    start, end = 0, len(merged)  # leading and trailing blanks and breaks left out
    while start < end and merged[start].raw is None and not merged[start].text.strip():
        start += 1
    while end > start and merged[end - 1].raw is None and not merged[end - 1].text.strip():
        end -= 1
    return merged[start:end]


def _write(pieces: list[Piece], in_table: bool) -> str:
    out: list[str] = []
    index = 0
    while index < len(pieces):
        link = pieces[index].link
        end = index
        while end < len(pieces) and pieces[end].link == link:
            end += 1
        body = _formatted(pieces[index:end], in_table, line_start=not out or out[-1].endswith("\n"))
        out.append(f"[{body}]({_url(link)})" if link else body)
        index = end
    return "".join(out)


def _formatted(pieces: list[Piece], in_table: bool, line_start: bool) -> str:
    out: list[str] = []
    stack: list[str] = []
    fresh = line_start  # nothing written yet on this line
    for index, piece in enumerate(pieces):
        words = piece.raw is not None or bool(piece.text.strip())
        if words:
            wanted = set(piece.flags) & set(EMPHASIS)
        else:  # a space or break: close what does not go on after it, open nothing
            following = next((pieces[after] for after in range(index + 1, len(pieces))  # no copy of the rest
                              if pieces[after].raw is not None or pieces[after].text.strip()), None)
            wanted = set(stack) & set(following.flags if following else ())
        while any(flag not in wanted for flag in stack):
            out.append(_MARK[stack.pop()][1])
            fresh = False
        opening = wanted - set(stack) if words else set()  # one closed under a flag that ends: reopened after it
        for flag in sorted(opening, key=lambda f: (-_lifetime(pieces, index, f), EMPHASIS.index(f))):
            out.append(_MARK[flag][0])
            stack.append(flag)
            fresh = False
        if piece.raw is not None:
            out.append(piece.raw)
        elif piece.text == "\n":
            out.append(" " if in_table else "\\\n")
            fresh = not in_table
            continue
        elif "code" in piece.flags:
            out.append(_code_span(piece.text, in_table))
        else:
            out.append(_escape(piece.text, fresh))
            if fresh and not piece.text.strip():
                continue  # spaces at a line's start, dropped: the text after them starts the line (`>` quotes)
        fresh = False
    while stack:
        out.append(_MARK[stack.pop()][1])
    return "".join(out)


def _lifetime(pieces: list[Piece], start: int, flag: str) -> int:
    """How many pieces from `start` on the formatting `flag` lasts (spaces carry it on). It walks the span only:
    a copy of the rest of the paragraph at each mark made a paragraph of 100,000 runs take minutes."""
    count = 0
    for index in range(start, len(pieces)):
        piece = pieces[index]
        if flag not in piece.flags and (piece.text.strip() or piece.raw):
            break
        count += 1
    return count


def escaped(text: str) -> str:
    """Text that CommonMark reads as itself where it does not begin a line: in a paragraph, or as a picture's
    description (its alt text, which is inline Markdown too)."""
    return _escape(text, False)


def _escape(text: str, line_start: bool) -> str:
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    if line_start:
        text = text.lstrip(" ")
        text = _LINE_START.sub(lambda m: _escape_start(m.group(1)), text, count=1)
    return text


def _escape_start(prefix: str) -> str:
    if prefix[0].isdigit():
        return prefix + "\\"  # 1\. is text; the delimiter follows the digits
    return "\\" + prefix


def _code_span(text: str, in_table: bool) -> str:
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    if in_table:
        text = text.replace("|", "\\|")
    pad = " " if text.startswith("`") or text.endswith("`") or (text.startswith(" ") and text.endswith(" ")) else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _url(url: str) -> str:
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


# -- checking what was written ---------------------------------------------------------------------------------------


def _risky(pieces: list[Piece]) -> bool:
    """Whether the emphasis might be read otherwise: a formatted piece that does not begin and end with a letter or
    digit (so its delimiters may touch punctuation), or touches a piece formatted otherwise. The rest is safe."""
    emphasis = set(EMPHASIS)
    for index, piece in enumerate(pieces):
        if not piece.flags & emphasis:
            continue
        text = piece.text
        if piece.raw is not None or "code" in piece.flags or not (text[:1].isalnum() and text[-1:].isalnum()):
            return True
        if len(piece.flags & emphasis) > 1:  # nested delimiters touch each other, and they are punctuation
            return True
        for other in pieces[index - 1 : index] + pieces[index + 1 : index + 2]:
            if other.flags & emphasis and other.flags != piece.flags:
                return True
    return False


def _same(pieces: list[Piece], in_table: bool) -> bool:
    """Whether CommonMark reads the pieces as written with the pieces' words and emphasis (spaces aside)."""
    stand_in = [Piece(p.text, p.flags, p.link, STAND_IN) if p.raw is not None else p for p in pieces]
    text = _write(stand_in, in_table)
    if in_table:
        text = text.replace("\\|", "|")
    want = _chars([Piece(STAND_IN if p.raw else p.text, p.flags & set(EMPHASIS)) for p in pieces])
    tokens = content_parser().parseInline(text)
    return _parsed_chars(tokens[0].children or [] if tokens else []) == want


def _chars(pieces: list[Piece]) -> list[tuple[str, frozenset[str]]]:
    out: list[tuple[str, frozenset[str]]] = []
    for piece in pieces:
        flags = piece.flags if piece.text.strip() else frozenset()
        out += [(char, flags) for char in piece.text if not char.isspace()]
    return out


_OPEN = {"strong_open": "b", "em_open": "i", "s_open": "s"}
_CLOSE = {"strong_close": "b", "em_close": "i", "s_close": "s"}


def _parsed_chars(children: list[Token]) -> list[tuple[str, frozenset[str]]]:
    flags: list[str] = []
    out: list[tuple[str, frozenset[str]]] = []
    for token in children:
        if token.type in _OPEN:
            flags.append(_OPEN[token.type])
        elif token.type in _CLOSE and _CLOSE[token.type] in flags:
            flags.remove(_CLOSE[token.type])
        elif token.type == "html_inline":
            tag = token.content.strip("</>")
            if tag in _TAGS:
                if token.content.startswith("</"):
                    if tag in flags:
                        flags.remove(tag)
                else:
                    flags.append(tag)
        elif token.type in ("text", "code_inline"):
            out += [(char, frozenset(flags)) for char in token.content if not char.isspace()]
    return out


def cut(pieces: list[Piece], length: int) -> list[Piece]:
    """The pieces without their first `length` characters (a typed list marker)."""
    out: list[Piece] = []
    for piece in pieces:
        if length > 0 and piece.raw is None:
            take = min(length, len(piece.text))
            length -= take
            if piece.text[take:]:
                out.append(Piece(piece.text[take:], piece.flags, piece.link))
        else:
            out.append(piece)
    return out


def all_flagged(pieces: list[Piece], flag: str) -> bool:
    """Whether there is text (not raw Markdown, not blank) and all of it carries `flag` ("b": all in bold)."""
    shown = [piece for piece in pieces if piece.raw is None and piece.text.strip()]
    return bool(shown) and all(flag in piece.flags for piece in shown)


def with_flags(pieces: list[Piece], add: frozenset[str] = frozenset(), drop: frozenset[str] = frozenset()
               ) -> list[Piece]:
    """The pieces with the flags `add` given to, and `drop` taken from, their text (raw Markdown is left as is)."""
    return [piece if piece.raw is not None else Piece(piece.text, (piece.flags | add) - drop, piece.link)
            for piece in pieces]
