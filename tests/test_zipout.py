"""The package writer: a zip every reader opens, the same bytes whatever the machine, large entries in pieces."""

from __future__ import annotations

import io
import random
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
