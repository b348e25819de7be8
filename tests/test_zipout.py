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
