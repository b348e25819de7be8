"""The Word package's files as zip entries, in the order and with the content types python-docx writes them: the
body's stand-ins (see DocxBuilder.slot) replaced by their XML and cut into pieces at sections, the list instances
added as the numbering part's last children."""

from __future__ import annotations

import re
from typing import Any

from docx.opc.package import OpcPackage
from docx.opc.packuri import PackURI

from .zipout import Entry

_SLOT = re.compile(rb"<!--coe-slot-(\d+)-->")

#: The body is deflated in pieces of this many slots (a section is two: its byline and its body), so that a
#: changed section changes one piece of it (see zipout).
SLOTS_A_PIECE = 32


def package_entries(package: OpcPackage, slots: list[bytes], lists: bytes) -> list[tuple[str, Entry]]:
    """The package's files in python-docx's order, the body's stand-ins replaced by `slots`, `lists` (the list
    instances' XML) at the end of the numbering part."""
    from docx.opc.pkgwriter import PackageWriter  # python-docx's own order and content types

    for part in package.parts:
        part.before_marshal()  # type: ignore[no-untyped-call]
    entries: Any = _Entries(slots, lists)  # as python-docx's zip writer
    PackageWriter._write_content_types_stream(entries, package.parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(entries, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(entries, package.parts)
    return list(entries.files)


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
        elif pack_uri == "/word/numbering.xml" and self.lists:
            end = blob.rindex(b"</w:numbering>")
            entry = blob[:end] + self.lists + blob[end:]
        self.files.append((pack_uri.membername, entry))
