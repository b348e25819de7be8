"""Inserted text as Markdown: escaped where Markdown would read it otherwise, with the inserted runs' formatting
as delimiters, a link as a link, and a new paragraph with the prefix of its Word style; and the short quotes
and descriptions that reports use."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

import yaml

from .diagnostics import clipped
from .itemnumbers import Numbers
from .mdinline import Unit
from .wordblocks import OBJECT, Paragraph, Rev, Run

if TYPE_CHECKING:
    from .itemlift import Lift

PB = "\x00"  # a paragraph break in the texts compared: no .docx (XML) nor Markdown text holds U+0000
_ESCAPE_RE = re.compile(r"([\\`*_\[\]<>~])")
_LINE_START_RE = re.compile(r"^(#{1,6}(?=\s|$)|[-+*](?=\s|$)|\d{1,9}[.)](?=\s|$)|>)")
_LINE_PREFIX_RE = re.compile(r"[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)?")  # before a line's text
_MARKERS = {"b": "**", "i": "*", "s": "~~", "code": "`"}
# a line break typed (Shift+Enter), as the paper writes one: on the line it is typed in, so that the words after it
# stay in their block (a `\` at a line's end would leave them at the start of the next line, where `- ` or `1. `
# begins a list; it is no break at a block's end, and a table row holds no line end)
_LINE_BREAK = "<br>"
_STYLE_FLAGS = frozenset(("b", "i", "s", "code", "link"))
_BREAKING_RE = re.compile("[\r\u2028\u2029]")  # a line ending to CommonMark (CR) or to Python's str.splitlines
NEL = "\x85"  # a line ending to str.splitlines that Markdown cannot hold as a reference (it reads U+FFFD)
_CODE_BREAK_RE = re.compile("[\n\r\u2028\u2029]")  # a code span reads a line ending as a space, and no references
_CODE_BREAKS = {"\n": "a line break", "\r": "a carriage return", "\u2028": "U+2028 (LINE SEPARATOR)",
                "\u2029": "U+2029 (PARAGRAPH SEPARATOR)"}


class Unwritable(ValueError):
    """Inserted text that Markdown cannot hold where it goes; the message says why, for the report."""


@dataclass
class Piece:
    text: str
    rev: Rev | None
    run: Run | None
    para: int  # index in the group of the paragraph it belongs to (for a break: the paragraph after it)


@dataclass
class Context:
    """What the caller knows: how to write a new paragraph's prefix, and which authors' changes to take."""

    accepted: Callable[[str], bool]
    prefix: Callable[[Paragraph, Unit | None], str]
    untracked: bool = False
    cell: bool = False
    numbers: Numbers = field(default_factory=Numbers)  # the section's new list items, numbered in turn
    lifts: list[Lift] = field(default_factory=list)  # the sub-items of first items deleted, to go up a level


def escape(text: str, cell: bool = False) -> str:
    out = _ESCAPE_RE.sub(r"\\\1", text)
    out = one_line(re.sub(r"&(?=#?\w+;)", "&amp;", out))
    return out.replace("|", "\\|") if cell else out


def one_line(text: str) -> str:
    """Escaped text with a carriage return, U+2028 or U+2029 as a character reference, which Markdown reads as the
    character: the Markdown stays on its line, for CommonMark and for the line numbers of reports."""
    return _BREAKING_RE.sub(lambda m: f"&#x{ord(m.group()):X};", text)


def render(pieces: Sequence[Piece], outer: frozenset[str], group: Sequence[Paragraph], ctx: Context,
            code: bool, first_para: bool, near: Unit | None = None) -> str:
    """Inserted pieces as Markdown: formatting beyond `outer` as delimiters, a break as a new block (white space
    beside the break dropped: Markdown would not show it, and a new paragraph's would make an untidy line; a quote's
    paragraphs parted by a `>` line, so that they stay one quote)."""
    out: list[str] = []
    line_start = False
    in_span = not code and "code" in outer and all(p.text != PB for p in pieces)  # typed in a code span
    if first_para and pieces:
        out.append(ctx.prefix(group[pieces[0].para], near))
        line_start = True
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        if piece.text == PB:
            nxt = group[piece.para]
            prev = group[piece.para - 1]
            both_items = nxt.num is not None and prev.num is not None
            if out and not code and not line_start:  # the text before the break, not a block's prefix
                out[-1] = out[-1].rstrip(" \t")
            last = i == len(pieces) - 1
            prefix = ctx.prefix(nxt, near)
            before = ctx.prefix(prev, near)
            quoted = prefix.startswith(">") and before.startswith(">")  # one quote goes on, at the depth of both
            depth = min(prefix.count(">"), before.count(">"))
            out.append("\n" if code or both_items else "\n" + " ".join(">" * depth) + "\n" if quoted else "\n\n")
            out.append("" if code or (first_para and last) else prefix)
            line_start = not code
            i += 1
            continue
        flags = flags_of(piece)
        j = i
        text = []
        while j < len(pieces) and pieces[j].text != PB and flags_of(pieces[j]) == flags:
            text.append(pieces[j].text.replace(OBJECT, ""))
            j += 1
        raw = "".join(text)
        if line_start and not code:
            raw = raw.lstrip(" \t")
        md = raw if code else code_text(raw, True) if in_span else _wrap(raw, flags - outer, pieces[i].run, ctx.cell)
        out.append(line_start_safe(md) if line_start else md)
        line_start = False
        i = j
    return "".join(out)


def flags_of(piece: Piece) -> frozenset[str]:
    run = piece.run
    if run is None:
        return frozenset()
    flags = set(run.flags & _STYLE_FLAGS)
    if run.link and not run.link.startswith("#"):
        flags.add("link")
    return frozenset(flags)


def _wrap(text: str, flags: frozenset[str], run: Run | None, cell: bool) -> str:
    if "code" in flags:
        text = code_text(text, False)
        fence = "``" if "`" in text else "`"
        inner = f" {text} " if text.startswith("`") or text.endswith("`") else text
        body = f"{fence}{inner}{fence}"
    else:
        body = escape(text.replace("\t", " "), cell).replace("\n", _LINE_BREAK)
        if body != body.strip() and flags - {"link"}:  # delimiters cannot sit against spaces
            lead, core, tail = body[: len(body) - len(body.lstrip())], body.strip(), body[len(body.rstrip()):]
            return lead + _wrap(core, flags, run, cell) + tail if core else body
        for flag in ("s", "i", "b"):
            if flag in flags:
                body = f"{_MARKERS[flag]}{body}{_MARKERS[flag]}"
    if "link" in flags and run is not None and run.link:
        body = f"[{body}](<{run.link}>)" if " " in run.link else f"[{body}]({run.link})"
    return body


def code_text(text: str, inside: bool) -> str:
    """Text written in a code span (`inside` one of the source's) as it is: a code span reads no escapes and no
    character references. A line ending cannot be held (a code span reads it as a space), nor a backtick typed
    inside a span (it could end the span): Unwritable."""
    found = _CODE_BREAK_RE.search(text)
    if found is not None:
        raise Unwritable(f"a change that types {_CODE_BREAKS[found.group()]} in inline code is not applied (a code "
                         "span cannot hold a line ending, and shows a character reference as it is); apply it by hand")
    if inside and "`" in text:
        raise Unwritable("a change that types a backtick in inline code is not applied (it could end the code span); "
                         "apply it by hand")
    return text


def code_lines(text: str, prefix: str) -> str:
    """Text written in a code block whose lines are written after `prefix` (a list's indent, a quote's `> `): each
    line break typed begins a new line of the code, after the prefix, so that it stays in the code; so does a
    carriage return, U+2028, U+2029 or U+0085, which are line and paragraph separators (a member means a new
    line of the code, and editors, git and Python's str.splitlines read them as line ends, CommonMark not)."""
    return _CODE_LINE_RE.sub(lambda _: "\n" + prefix, text)


_CODE_LINE_RE = re.compile("\r\n|[\n\r\u2028\u2029\x85]")
_SEPARATORS = str.maketrans({"\u2028": " U+2028 ", "\u2029": " U+2029 ", PB: " ¶ ", OBJECT: ""})  # shown, not blank


def short(text: str, limit: int = 60) -> str:
    """`text` on one line for a report: a paragraph break as ¶, a line or paragraph separator by its name."""
    return clipped(" ".join(text.translate(_SEPARATORS).split()), limit)


def quoted(text: str) -> str:
    """`text` in quotes, shortened; white space alone, a line break (Shift+Enter) alone, or a note, picture or
    cross-reference alone (which `short` folds away), by name."""
    shown = short(text)
    if shown or not text:
        return f"“{shown}”"
    if OBJECT in text:
        return "a note, picture or cross-reference"
    if breaks := text.count("\n"):
        return "a line break" if breaks == 1 else f"{breaks} line breaks"
    return "a space" if text == " " else "white space"


def describe(source: str, built: str, ends: frozenset[int] = frozenset()) -> str:
    """What an untracked edit changed; a change inside a word names the whole word (`its` became `the`, not `i`
    removed and `s` became `he`), unless a tracked change ends there (`ends`, positions in `built`): LibreOffice
    splits a change that is accepted or rejected in part, and the part taken is no longer tracked (`online`
    added, not `documents` became `documentsonline`)."""
    parts = []
    ranges = _whole_words(source, built, ends)
    for a, b, c, d in ranges:
        if a < b and c < d:
            parts.append(f"{quoted(source[a:b])} became {quoted(built[c:d])}")
        elif a < b:
            parts.append(f"{quoted(source[a:b])} removed")
        else:
            parts.append(f"{quoted(built[c:d])} added")
    beside = any(c in ends or d in ends for _, _, c, d in ranges)
    return "; ".join(parts[:3]) + (" …" if len(parts) > 3 else "") + (
        " (beside a tracked change: part of it accepted or rejected in Word, or typed with Track Changes off)"
        if beside else "")  # reported as "untracked: ..."


def _whole_words(source: str, built: str, ends: frozenset[int] = frozenset()) -> list[tuple[int, int, int, int]]:
    """The ranges of `source` and `built` that differ, each widened to the whole words it changes a part of, but
    not across a position of `built` in `ends`."""
    def word(text: str, at: int) -> bool:
        return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")

    out: list[tuple[int, int, int, int]] = []
    for tag, a, b, c, d in SequenceMatcher(None, source, built, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        across = tag == "delete" and any(ch.isspace() for ch in source[a:b])  # words deleted: those, not a word
        while not across and a and c and c not in ends and word(source, a - 1) and (
                (a < b and word(source, a)) or (c < d and word(built, c))):
            a, c = a - 1, c - 1
        while not across and d not in ends and word(source, b) and word(built, d) and (
                (a < b and word(source, b - 1)) or (c < d and word(built, d - 1))):
            b, d = b + 1, d + 1
        if out and a <= out[-1][1]:  # two changes in one word: one
            before = out.pop()
            a, b, c, d = before[0], max(b, before[1]), before[2], max(d, before[3])
        out.append((a, b, c, d))
    return out


def yaml_scalar(text: str) -> str:
    """A YAML value for one line: plain where YAML reads it back unchanged, else a double-quoted string."""
    try:
        plain = yaml.safe_load(text) == text and not re.search(r":\s|\s#|^[\s'\"]|\s$", text)
    except yaml.YAMLError:
        plain = False
    if plain and not _BREAKING_RE.search(text):
        return text
    return _BREAKING_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


_TITLE_ENDS = {'"': '"', "'": "'", "(": "()"}  # a title's opening delimiter -> what it cannot hold unescaped


def link_title(text: str, delimiter: str = '"') -> str:
    """Words for a link's or image's title between `delimiter` (a quote or a parenthesis) and its closing one:
    what would end it (that delimiter; both parentheses), or be read as an escape (a backslash before punctuation
    or the closing delimiter) or an entity, is escaped, and nothing else, so that words kept read as written; a line
    break or a tab becomes a space."""
    out = re.sub(r"\\(?=[!-/:-@\[-`{-~]|$)", r"\\\\", text.replace("\n", " ").replace("\t", " "))
    out = re.sub(f"([{re.escape(_TITLE_ENDS.get(delimiter, delimiter))}])", r"\\\1", out)
    return one_line(re.sub(r"&(?=#?\w+;)", "&amp;", out))


def line_start_safe(text: str) -> str:
    """Text that begins a new paragraph without turning into a heading, list item, quote or code block: its leading
    blanks are left out (four spaces made a reviewer's paragraph an indented code block), as a paragraph's are
    where a change writes a new one (`render`)."""
    text = text.lstrip(" \t")
    return _LINE_START_RE.sub(lambda m: "\\" + m.group(0) if not m.group(0)[0].isdigit() else
                              m.group(0)[:-1] + "\\" + m.group(0)[-1], text, count=1)


def written_at(line_before: str, md: str, heading_end: bool) -> str:
    """Markdown written after `line_before` (its line in the file so far) that stays text: escaped where it begins
    the line's text (`# `, `- `, `1. ` would be markup) and, at the end of a heading, where ` #` would read as
    the heading's closing sequence and be lost."""
    if _LINE_PREFIX_RE.fullmatch(line_before):
        md = line_start_safe(md)
    if heading_end and re.search(r"(?:^|[ \t])#+[ \t]*$", line_before + md):
        md = re.sub(r"(#+[ \t]*)$", r"\\\1", md)
    return md
