"""The package writer: a zip every reader opens, the same bytes whatever the machine, large entries in pieces."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from datetime import datetime, timezone

import pytest

from coe_paper import zipout


def entries() -> list[tuple[str, bytes]]:
    rng = random.Random(7)
    words = [bytes(rng.choices(b"abcdefghij <>/=\"w:", k=rng.randint(2, 9))) for _ in range(400)]
    big = b" ".join(rng.choices(words, k=900_000))  # several pieces, compressible like XML
    return [("[Content_Types].xml", b"<Types/>"), ("word/document.xml", big), ("word/empty.xml", b"")]


def test_every_entry_reads_back_with_its_date() -> None:
    date = datetime(2024, 2, 29, 13, 45, 31, tzinfo=timezone.utc)
    data = zipout.zip_entries(entries(), date)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert [(i.filename, package.read(i)) for i in package.infolist()] == entries()
        assert {i.date_time for i in package.infolist()} == {(2024, 2, 29, 13, 45, 30)}
        assert {i.compress_type for i in package.infolist()} == {zipfile.ZIP_DEFLATED}


@pytest.mark.parametrize("processors", [1, 2, 5])
def test_the_bytes_do_not_depend_on_the_processors(monkeypatch: pytest.MonkeyPatch, processors: int) -> None:
    big = entries()[1][1]
    assert len(big) > 3 * zipout.PIECE
    monkeypatch.setattr(zipout, "processors", lambda: processors)
    packed = zipout.deflate(big)
    assert zlib.decompress(packed, -15) == big
    monkeypatch.setattr(zipout, "processors", lambda: 1)
    assert zipout.deflate(big) == packed


class Remembered:
    """A `Known` in memory that counts what it was asked."""

    def __init__(self) -> None:
        self.packed: dict[str, bytes] = {}
        self.hits = 0

    def key(self, piece: bytes, last: bool) -> str:
        return f"{zlib.crc32(piece)}:{len(piece)}:{last}"

    def get(self, key: str) -> bytes | None:
        found = self.packed.get(key)
        self.hits += found is not None
        return found

    def put(self, key: str, packed: bytes) -> None:
        self.packed[key] = packed


def test_an_entry_in_its_writers_pieces_reads_back_whole_and_reuses_what_did_not_change() -> None:
    big = entries()[1][1]
    cut = [big[:300_000], big[300_000:1_500_000], big[1_500_000:]]  # the middle one is over a piece: cut again
    known = Remembered()
    first = zipout.zip_entries([("a.xml", cut), ("b.xml", b"<b/>")], None, known)
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert package.testzip() is None
        assert package.read("a.xml") == big and package.read("b.xml") == b"<b/>"
    pieces = len(zipout._pieces(cut)) + 1
    assert pieces == 1 + 2 + (len(cut[2]) + zipout.PIECE - 1) // zipout.PIECE + 1
    assert known.hits == 0 and len(known.packed) == pieces
    assert zipout.zip_entries([("a.xml", cut), ("b.xml", b"<b/>")], None, known) == first
    assert known.hits == pieces
    changed = [cut[0], cut[1], cut[2].replace(b"a", b"b", 1)]  # one piece differs: the others are reused
    again = zipout.zip_entries([("a.xml", changed), ("b.xml", b"<b/>")], None, known)
    assert known.hits == pieces + pieces - 1
    assert again == zipout.zip_entries([("a.xml", changed), ("b.xml", b"<b/>")], None)  # as if none were known


def _raw(package: bytes, name: str) -> bytes:
    """An entry's deflated bytes as they stand in `package`."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset
    name_length, extra_length = zipout._LOCAL_HEADER.unpack(package[start : start + 30])[-2:]
    start += 30 + name_length + extra_length
    return package[start : start + info.compress_size]


def _template(**entries: bytes) -> bytes:
    """A package deflated at level 1 (not zipout's level): what zipout copies from it is told from what it deflates."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in entries.items():
            archive.writestr(name.replace("__", "/"), data)
    return out.getvalue()


def test_an_entry_the_template_holds_unchanged_is_copied_as_the_template_deflated_it() -> None:
    styles = b"<w:styles>" + b"".join(b'<w:style w:styleId="S%d"/>' % i for i in range(5000)) + b"</w:styles>"
    theme = b"<a:theme>" + b"<a:clr/>" * 3000 + b"</a:theme>"
    template = _template(word__styles=styles, word__theme=theme)
    changed = theme.replace(b"<a:clr/>", b"<a:clr />", 1)
    files = [("word/styles", styles), ("word/theme", changed)]
    data = zipout.zip_entries(files, None, verbatim=zipout.Verbatim(template))
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert [(i.filename, package.read(i)) for i in package.infolist()] == files
    assert _raw(data, "word/styles") == _raw(template, "word/styles")  # copied: level 1's bytes
    assert _raw(data, "word/styles") != zipout.deflate(styles)
    assert _raw(data, "word/theme") == zipout.deflate(changed)  # its bytes changed: deflated here
    assert data == zipout.zip_entries(files, None, verbatim=zipout.Verbatim(template))


def _one_entry(name: str, raw: bytes, data: bytes) -> bytes:
    """A package of one deflated entry whose headers say `data`'s CRC and size, holding `raw` as its deflated bytes."""
    encoded, crc = name.encode(), zlib.crc32(data)
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 33, crc, len(raw), len(data), len(encoded), 0)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 33, crc, len(raw), len(data),
                          len(encoded), 0, 0, 0, 0, 0, 0)
    size = len(central) + len(encoded)
    return (local + encoded + raw + central + encoded
            + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, size, len(local) + len(encoded) + len(raw), 0))


@pytest.mark.parametrize("damage", ["trailing bytes", "no final block", "other bytes", "not deflate"])
def test_a_template_entry_that_is_not_exactly_its_bytes_deflated_is_deflated_again(damage: str) -> None:
    styles = b"<w:styles>" + b"<w:style/>" * 4000 + b"</w:styles>"
    whole = zlib.compressobj(1, zlib.DEFLATED, -15)
    good = whole.compress(styles) + whole.flush()
    open_ended = zlib.compressobj(1, zlib.DEFLATED, -15)
    raw = {"trailing bytes": good + b"junk",  # zipfile reads past them; a stricter reader would not
           "no final block": open_ended.compress(styles) + open_ended.flush(zlib.Z_FULL_FLUSH),
           "other bytes": zlib.compress(styles.replace(b"style", b"STYLE"), 1)[2:-4],  # the headers say styles'
           "not deflate": bytes(len(good))}[damage]
    template = _one_entry("word/styles", raw, styles)
    assert zipout.Verbatim(_one_entry("word/styles", good, styles)).deflated("word/styles", styles) == good
    verbatim = zipout.Verbatim(template)
    assert verbatim.deflated("word/styles", styles) is None
    data = zipout.zip_entries([("word/styles", styles)], None, verbatim=verbatim)
    assert _raw(data, "word/styles") == zipout.deflate(styles)
