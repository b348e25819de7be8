"""The words of an alternative format chunk (`w:altChunk`) in a .docx, for the reader: a part in another format
(HTML, a web archive, plain text, RTF, another .docx) that Word converts into the document when it opens it, as
tools that make .docx files from a web page write their whole body. An HTML or text chunk's words become plain
paragraphs (its headings, lists and formatting are not read); another format's are named, not read, with what to
do. Nothing a chunk names is fetched."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser

from .ooxml import R_NS, Element
from .safedocx import DocxError, SafeDocx
from .wordblocks import Paragraph, Run

_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "br", "blockquote",
                     "pre", "table", "ul", "ol", "dt", "dd", "section", "article", "header", "footer", "caption"})
_UNSHOWN = frozenset({"head", "script", "style", "title", "template"})
_SAVE_AGAIN = "open the draft in Word and save it, which makes it part of the document, then import it again"


class _Text(HTMLParser):
    """The text of an HTML page, a paragraph per block, without what a browser does not show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self.current: list[str] = []
        self.unshown = 0

    def _end_block(self) -> None:
        text = " ".join("".join(self.current).split())
        if text:
            self.paragraphs.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _UNSHOWN:
            self.unshown += 1
        elif tag in _BLOCKS:
            self._end_block()
        elif tag in ("td", "th"):  # a row's cells: a paragraph, the cells apart
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _UNSHOWN:
            self.unshown = max(self.unshown - 1, 0)
        elif tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data: str) -> None:
        if not self.unshown:
            self.current.append(data)


def _decoded(data: bytes, charset: str | None = None) -> str:
    for encoding in (charset, "utf-8-sig" if not data.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-16"):
        if encoding:
            try:
                return data.decode(encoding)
            except (LookupError, UnicodeDecodeError):
                continue
    return data.decode("cp1252", errors="replace")


def _html_of_archive(data: bytes) -> str | None:
    """The page of a web archive (.mht, MIME): its first HTML part, decoded."""
    import email  # here: only a web archive needs a MIME reader
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            return _decoded(payload, part.get_content_charset()) if isinstance(payload, bytes) else None
    return None


def chunk_paragraphs(docx: SafeDocx, links: dict[str, str], chunk: Element) -> tuple[str, list[Paragraph]]:
    """What to report of the chunk and its words as paragraphs (none for a format whose words are not read)."""
    name = links.get(chunk.get(f"{{{R_NS}}}id", ""), "")
    try:
        data = docx.read(name)
    except DocxError:
        return "embedded content whose part is missing or damaged", []
    ext = posixpath.splitext(name)[1].lower()
    if ext in (".htm", ".html", ".xhtml", ".mht", ".mhtml", ".txt"):
        if ext == ".txt":
            lines = [" ".join(line.split()) for line in _decoded(data).splitlines()]
        else:
            page = _html_of_archive(data) if ext in (".mht", ".mhtml") else _decoded(data)
            parser = _Text()
            parser.feed(page or "")
            parser.close()
            parser._end_block()
            lines = parser.paragraphs
        if len(lines) > docx.limits.max_paragraphs:
            raise DocxError(f"{docx.name}: part '{name}' has more than {docx.limits.max_paragraphs:,} paragraphs, "
                            "more than a Word document may have here")
        return ("embedded content in another format (its words kept as plain paragraphs; its headings, lists and "
                "formatting left out: " + _SAVE_AGAIN + ")",
                [Paragraph(runs=[Run(line)]) for line in lines if line])
    kind = {".rtf": "an RTF document", ".docx": "a Word document", ".xml": "a Word XML document"}.get(ext, "a file")
    return f"embedded content ({kind}, '{posixpath.basename(name)}') whose words are left out: {_SAVE_AGAIN}", []
