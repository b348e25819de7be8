"""Parts of the package written as XML text rather than built as elements: the footnotes that placing gives as text
(fragments.place), and the numbering part's list instances, one per list of the paper. Each is the text lxml would
write for the same elements, where that is sure; else the caller builds elements, as before (tests compare)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from . import fragments, ooxml, ooxml_parts

Element = ooxml.Element
#: In XML text as lxml writes it (no `<` or `>` but in tags): a tag with an attribute of the r: prefix, and its value.
_TAG_WITH_LINK = re.compile(r"<[^<>]*\sr:[^<>]*>")
_LINK_ID = re.compile(r'\sr:[^\s=<>]+="([^"]*)"')
_NOT_PLAIN = re.compile(r"\sxmlns|<[!?]|&#")  # what parsing and writing again would not give back as it is


def footnotes_part(footnotes: Sequence[tuple[int, Sequence[Element] | str]]) -> tuple[bytes, set[str]]:
    """`word/footnotes.xml`, and the relationship ids its notes name. Notes placed as XML text follow the separators
    as they are, when each is plain markup (no namespace declaration, which lxml would drop where the part's root
    makes it, no comment, instruction or character reference, which parsing would change); else every note is
    parsed and the part written from elements (`ooxml_parts.footnotes_part`), the same bytes for plain markup."""
    texts = [note for _, note in footnotes if isinstance(note, str)]
    used = {value for text in texts for tag in _TAG_WITH_LINK.findall(text) for value in _LINK_ID.findall(tag)}
    plain = all(text[:1] in ("", "<") and not _NOT_PLAIN.search(text) for text in texts)  # no text before a tag
    if plain and len(texts) == len(footnotes) and not any("&" in value for value in used):
        head = ooxml_parts.footnotes_part([])  # the separators
        cut = head.rindex(b"</")
        notes = [f'<w:footnote w:id="{fid}">{text}</w:footnote>' if text else f'<w:footnote w:id="{fid}"/>'
                 for fid, text in footnotes]
        return head[:cut] + "".join(notes).encode("utf-8") + head[cut:], used
    parsed = [(fid, fragments.elements(note) if isinstance(note, str) else note) for fid, note in footnotes]
    prefix = f"{{{ooxml.R_NS}}}"
    used = {value for _, paragraphs in parsed for element in paragraphs for node in element.iter()
            for key, value in node.attrib.items() if str(key).startswith(prefix)}
    return ooxml_parts.footnotes_part(parsed), used


def takes_lists(numbering: Element) -> bool:
    """Whether list instances can be written as text at the end of the numbering part: its root is `w:numbering`,
    with children (so lxml ends it with `</w:numbering>`), and no other prefix stands for the w: namespace."""
    return (numbering.prefix == "w" and len(numbering) > 0
            and [prefix for prefix, uri in numbering.nsmap.items() if uri == ooxml.W_NS] == ["w"])


def list_instances(lists: Sequence[tuple[int, int, int, int]]) -> bytes:
    """The `w:num` of each (numId, abstractNumId, level, start), as `ooxml_parts.add_numbering_instance` builds it
    and lxml writes it in a part that `takes_lists`."""
    return "".join(f'<w:num w:numId="{num}"><w:abstractNumId w:val="{abstract}"/><w:lvlOverride w:ilvl="{level}">'
                   f'<w:startOverride w:val="{start}"/></w:lvlOverride></w:num>'
                   for num, abstract, level, start in lists).encode()
