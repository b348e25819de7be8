"""The Word package's files as zip entries, in the order and with the content types python-docx writes them: the
body's stand-ins (see DocxBuilder.slot) replaced by their XML and cut into pieces at sections, the list instances
added as the numbering part's last children."""

from __future__ import annotations

import re
from typing import Any

from docx.opc.package import OpcPackage
from docx.opc.packuri import PACKAGE_URI, PackURI
from docx.opc.rel import Relationships

from .ooxml_parts import extended_properties, relationships_xml
from .zipout import Entry

_SLOT = re.compile(rb"<!--coe-slot-(\d+)-->")

#: The body is deflated in pieces of this many slots (a section is two: its byline and its body), so that a
#: changed section changes one piece of it (see zipout).
SLOTS_A_PIECE = 32


def package_entries(package: OpcPackage, slots: list[bytes], lists: bytes) -> list[tuple[str, Entry]]:
    """The package's files in python-docx's order, the body's stand-ins replaced by `slots`, `lists` (the list
    instances' XML) at the end of the numbering part."""
    from docx.opc.pkgwriter import PackageWriter  # python-docx's own order and content types

    parts = list(package.parts)
    for part in parts:
        part.before_marshal()  # type: ignore[no-untyped-call]
    entries: Any = _Entries(slots, lists)  # as python-docx's zip writer
    PackageWriter._write_content_types_stream(entries, parts)  # type: ignore[no-untyped-call]
    entries.write(PACKAGE_URI.rels_uri, _rels(package.rels))
    for part in parts:  # as PackageWriter._write_parts, each part's relationships written as python-docx does
        entries.write(part.partname, part.blob)
        if len(part.rels):
            entries.write(part.partname.rels_uri, _rels(part.rels))
    return list(entries.files)


def _rels(rels: Relationships) -> bytes:
    return relationships_xml((rel.rId, rel.reltype, rel.target_ref, rel.is_external) for rel in rels.values())


class _Entries:
    """Takes the files python-docx's package writer writes (the interface of its zip writer)."""

    def __init__(self, slots: list[bytes], lists: bytes) -> None:
        self.slots = slots
        self.lists = lists  # the list instances' XML, the last children of the numbering part
        self.files: list[tuple[str, Entry]] = []

    def write(self, pack_uri: PackURI, blob: bytes) -> None:
        entry: Entry = blob
        if pack_uri == "/word/document.xml" and self.slots:
            pieces = _SLOT.split(blob)
            units = [self.slots[int(piece)] if index % 2 else piece for index, piece in enumerate(pieces)]
            cut = 2 * SLOTS_A_PIECE  # a unit of XML between stand-ins, then a slot's
            entry = [b"".join(units[start : start + cut]) for start in range(0, len(units), cut)]
        elif pack_uri == "/docProps/app.xml":
            entry = extended_properties(blob)
        elif pack_uri == "/word/numbering.xml" and self.lists:
            end = blob.rindex(b"</w:numbering>")
            entry = blob[:end] + self.lists + blob[end:]
        self.files.append((pack_uri.membername, entry))
