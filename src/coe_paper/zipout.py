"""Reproducible zip packages: every entry with the same timestamp and attributes, so the same files give the same
bytes; a large entry (the document body) is deflated in pieces on every processor at once.

Each piece is deflated on its own and ends on a byte boundary (a full flush), the last one with the final block,
so the pieces joined are one valid deflate stream, as pigz makes them; zlib lets go of the interpreter while it
compresses, so threads run the pieces side by side.
"""

from __future__ import annotations

import struct
import threading
import zlib
from collections.abc import Sequence
from datetime import datetime, timezone

from .limits import processors

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
LEVEL = 6
PIECE = 1 << 20  # a larger entry is deflated in pieces of this size
_ATTRIBUTES = 0o644 << 16


def utc_naive(date: datetime) -> datetime:
    return date.astimezone(timezone.utc).replace(tzinfo=None) if date.tzinfo else date


def zip_entries(files: Sequence[tuple[str, bytes]], date: datetime | None) -> bytes:
    """A zip of `files` in order (names are ASCII paths), deflated, each entry stamped with `date`."""
    year, month, day, hour, minute, second = ZIP_EPOCH
    if date is not None and date.year >= 1980:
        date = utc_naive(date)
        year, month, day, hour, minute, second = date.year, date.month, date.day, date.hour, date.minute, date.second
    dos_time = (hour << 11) | (minute << 5) | (second // 2)
    dos_date = ((year - 1980) << 9) | (month << 5) | day
    out, central = bytearray(), bytearray()
    for name, data in files:
        encoded = name.encode("ascii")
        packed, crc = deflate(data), zlib.crc32(data)
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, dos_time, dos_date, crc, len(packed), len(data),
                           len(encoded), 0)  # fmt: skip
        out += encoded
        out += packed
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, dos_time, dos_date, crc, len(packed),
                               len(data), len(encoded), 0, 0, 0, 0, _ATTRIBUTES, offset)  # fmt: skip
        central += encoded
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(files), len(files), len(central), start, 0)
    return bytes(out)


def deflate(data: bytes) -> bytes:
    """Raw deflate of `data`: in pieces of a fixed size (so the bytes do not depend on the machine), compressed
    by as many threads as there are processors, and joined."""
    if len(data) <= PIECE:
        return _piece(data, True)
    pieces = [data[start : start + PIECE] for start in range(0, len(data), PIECE)]
    results: list[bytes] = [b""] * len(pieces)
    workers = min(processors(), 8)

    def run(first: int) -> None:
        for index in range(first, len(pieces), workers):
            results[index] = _piece(pieces[index], index == len(pieces) - 1)

    threads = [threading.Thread(target=run, args=(first,)) for first in range(1, min(workers, len(pieces)))]
    for thread in threads:
        thread.start()
    run(0)
    for thread in threads:
        thread.join()
    if not all(results):  # a thread failed (it could only be out of memory): once more, in one piece
        return _piece(data, True)
    return b"".join(results)


def _piece(data: bytes, last: bool) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)
