"""The ODF copy of the paper that LibreOffice lays out, with statistics that keep it from guessing its pages.

LibreOffice (7.4) opens a document without a layout cache (every .docx) by guessing its pages: it starts a new page
every 20 paragraphs or so since the last page break, lays each page out, then moves paragraphs back onto the page
before where they fit. A paragraph kept with the next one (a heading, a lead-in, a figure's picture) that begins one
of these guessed pages and moves back forgets its "keep with next" on the way: it stays at the foot of the page and
the next paragraph (the heading's text, the figure's caption) opens the next one. Word lays such a paragraph out
with its next one. An ODF document's statistics (`meta:document-statistic`) give the number of paragraphs a page of
the guess holds (paragraphs over pages, when it has more than ten pages); in this copy they say so many paragraphs
that the guess is one page a break, and LibreOffice lays the paragraphs out forwards, keeping each with the next.
In the copy, too, a list item's later paragraphs stand inside their item, so that the tagged PDF keeps them in its
LI (odf_lists).
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from .odf_lists import join_items
from .safedocx import xml_parser
from .zipout import stored_copy

_META, _CONTENT = "meta.xml", "content.xml"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_META_NS = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#: Pages and paragraphs the copy claims: more than ten pages (fewer are not used), and a billion paragraphs (in
#: 32 bits), so that a page of LibreOffice's guess holds some 90 million paragraphs.
_STATISTICS = {"page-count": "11", "paragraph-count": "1000000000"}


def without_page_guess(data: bytes) -> bytes:
    """The package `data` (an .odt LibreOffice wrote) whose statistics keep LibreOffice from guessing its pages
    when it opens it, and whose list items hold their later paragraphs (`odf_lists.join_items`); its other parts
    unchanged, its `mimetype` first and stored, as ODF requires (`zipout.stored_copy`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        meta = etree.fromstring(package.read(_META), xml_parser())
        holder = meta.find(f"{{{_OFFICE}}}meta")
        if holder is None:
            holder = etree.SubElement(meta, f"{{{_OFFICE}}}meta")
        statistic = holder.find(f"{{{_META_NS}}}document-statistic")
        if statistic is None:
            statistic = etree.SubElement(holder, f"{{{_META_NS}}}document-statistic")
        for name, value in _STATISTICS.items():
            statistic.set(f"{{{_META_NS}}}{name}", value)
        parts = {_META: etree.tostring(meta, xml_declaration=True, encoding="UTF-8")}
        content = etree.fromstring(package.read(_CONTENT), xml_parser())
        if join_items(content):
            parts[_CONTENT] = etree.tostring(content, xml_declaration=True, encoding="UTF-8")
        return stored_copy(package, parts)
