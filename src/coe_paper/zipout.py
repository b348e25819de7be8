"""Reproducible zip packages: every entry with the same timestamp and attributes, so the same files give the same
bytes; entries are deflated in pieces on every processor at once, and a piece deflated before is not deflated again.

Each piece is deflated on its own and ends on a byte boundary (a full flush), the last one with the final block,
so the pieces joined are one valid deflate stream, as pigz makes them; zlib lets go of the interpreter while it
compresses, so threads run the pieces side by side. An entry is cut into pieces of a fixed size, or where its
writer cut it (the document body, at sections: see docx_writer), never by the machine. Since a piece's deflated
bytes depend only on its bytes (and zlib's version and level), they are kept in the section cache under its
SHA-256: a build that changed one section deflates about one piece of the body.

An entry that holds the same bytes as the template's entry of its name (python-docx passes most of a template's
parts through: about 0.8 MB of the bundled paper's 1 MB) is copied deflated as the template has it (`Verbatim`):
inflating it to compare is several times cheaper than deflating it again, and the bytes still depend only on the
template's.
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from .limits import processors
from .store import Store

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
ZIP_END = (2107, 12, 31, 23, 59, 58)  # the last date a zip entry holds (years 1980 + 0-127, seconds in twos)
LEVEL = 6
PIECE = 1 << 20  # a larger entry is deflated in pieces of this size
_ATTRIBUTES = 0o644 << 16
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")  # an entry's local header: signature, ..., name and extra field lengths


def utc_naive(date: datetime) -> datetime:
    return date.astimezone(timezone.utc).replace(tzinfo=None) if date.tzinfo else date


Entry = bytes | Sequence[bytes]  # a file's bytes, or its bytes in the pieces its writer cut


class Known(Protocol):
    """Pieces deflated before (the section cache: see `StoredPieces`), by a key of the piece's bytes."""

    def key(self, piece: bytes, last: bool) -> str: ...

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, packed: bytes) -> None: ...


def zip_entries(files: Sequence[tuple[str, Entry]], date: datetime | None, known: Known | None = None,
                verbatim: Verbatim | None = None) -> bytes:
    """A zip of `files` in order (names are ASCII paths), deflated, each entry stamped with `date`; an entry that
    `verbatim` holds deflated already is copied from it."""
    year, month, day, hour, minute, second = ZIP_EPOCH
    if date is not None and date.year >= 1980:
        date = utc_naive(date)
        year, month, day, hour, minute, second = date.year, date.month, date.day, date.hour, date.minute, date.second
    if year > ZIP_END[0]:  # a commit dated 2200 (git takes any date) or such a SOURCE_DATE_EPOCH
        year, month, day, hour, minute, second = ZIP_END
    dos_time = (hour << 11) | (minute << 5) | (second // 2)
    dos_date = ((year - 1980) << 9) | (month << 5) | day
    pieces = [_pieces(data) for _, data in files]
    copied = [verbatim.deflated(name, entry[0]) if verbatim is not None and len(entry) == 1 else None
              for (name, _), entry in zip(files, pieces, strict=True)]
    packed = iter(_deflate_all([(p, i == len(ps) - 1) for ps, done in zip(pieces, copied, strict=True) if done is None
                                for i, p in enumerate(ps)], known))
    out, central = bytearray(), bytearray()
    for (name, _), entry, done in zip(files, pieces, copied, strict=True):
        encoded = name.encode("ascii")
        data = done if done is not None else b"".join([next(packed) for _ in entry])
        crc, size = 0, 0
        for piece in entry:
            crc, size = zlib.crc32(piece, crc), size + len(piece)
        offset = len(out)
        out += _LOCAL_HEADER.pack(b"PK\x03\x04", 20, 0, 8, dos_time, dos_date, crc, len(data), size,
                           len(encoded), 0)
        out += encoded
        out += data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, dos_time, dos_date, crc, len(data),
                               size, len(encoded), 0, 0, 0, 0, _ATTRIBUTES, offset)
        central += encoded
    start = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(files), len(files), len(central), start, 0)
    return bytes(out)


class Verbatim:
    """The deflated entries of a package held in memory (the paper's template .docx, checked already: see
    safedocx.check_package), for `zip_entries` to copy where an entry holds the same bytes; those that are no
    single valid deflate stream of their bytes, and nothing else, are deflated again."""

    def __init__(self, package: bytes) -> None:
        self._package = package
        try:
            with zipfile.ZipFile(io.BytesIO(package)) as archive:
                infos = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            infos = []
        self._infos = {info.filename: info for info in infos  # not encrypted, one piece (see _pieces)
                       if info.compress_type == zipfile.ZIP_DEFLATED and not info.flag_bits & 1
                       and 0 < info.file_size <= PIECE}

    def deflated(self, name: str, data: bytes) -> bytes | None:
        """The template's deflated bytes of entry `name` when they inflate to `data` exactly, else None."""
        info = self._infos.get(name)
        if info is None or info.file_size != len(data) or zlib.crc32(data) != info.CRC:
            return None
        start = info.header_offset
        header = self._package[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
            return None
        name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
        start += _LOCAL_HEADER.size + name_length + extra_length
        raw = self._package[start : start + info.compress_size]
        inflater = zlib.decompressobj(-15)
        try:
            same = inflater.decompress(raw, len(data) + 1) == data
        except zlib.error:
            return None
        return raw if same and inflater.eof and not inflater.unused_data and len(raw) == info.compress_size else None


def stored_copy(package: zipfile.ZipFile, parts: Mapping[str, bytes]) -> bytes:
    """`package` with the entries named in `parts` holding those bytes instead, every entry in its order and stored
    (not compressed): a copy for LibreOffice to open once, which need not be small (an ODF package's `mimetype`,
    first and stored, stays so)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as copy:
        for info in package.infolist():
            copy.writestr(info.filename, parts[info.filename] if info.filename in parts else package.read(info))
    return out.getvalue()


def deflate(data: bytes) -> bytes:
    """Raw deflate of `data`, in pieces of a fixed size (so the bytes do not depend on the machine) compressed side
    by side, and joined."""
    pieces = _pieces(data)
    return b"".join(_deflate_all([(piece, i == len(pieces) - 1) for i, piece in enumerate(pieces)], None))


def _pieces(data: Entry) -> list[bytes]:
    """The pieces an entry is deflated in: those its writer cut (or the whole), each cut again at the fixed size."""
    given = [data] if isinstance(data, bytes) else [piece for piece in data if piece] or [b""]
    return [piece[start : start + PIECE] for piece in given for start in range(0, max(len(piece), 1), PIECE)]


def _deflate_all(jobs: list[tuple[bytes, bool]], known: Known | None) -> list[bytes]:
    """Each (piece, last) deflated: from `known`, else by as many threads as there are processors."""
    keys = [known.key(piece, last) for piece, last in jobs] if known is not None else []
    results: list[bytes | None] = [known.get(key) for key in keys] if known is not None else [None] * len(jobs)
    missing = [index for index, found in enumerate(results) if found is None]
    workers = min(processors(), 8, len(missing)) if sum(len(jobs[i][0]) for i in missing) > PIECE else 1

    def run(first: int) -> None:
        for index in missing[first::workers]:
            results[index] = _piece(*jobs[index])

    threads = [threading.Thread(target=run, args=(first,)) for first in range(1, workers)]
    for thread in threads:
        thread.start()
    run(0)
    for thread in threads:
        thread.join()
    for index in missing:
        if results[index] is None:  # a thread failed (it could only be out of memory): here, then
            results[index] = _piece(*jobs[index])
        if known is not None:
            known.put(keys[index], results[index] or b"")
    return [found or b"" for found in results]


def _piece(data: bytes, last: bool) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_FINISH if last else zlib.Z_FULL_FLUSH)


class StoredPieces:
    """The pieces deflated by earlier builds of the project at `root`, in its section cache (kind "deflate")."""

    def __init__(self, root: Path) -> None:
        self.store = Store(root, "deflate", f"zlib {zlib.ZLIB_RUNTIME_VERSION} level {LEVEL}", pack=True, raw=True)

    def key(self, piece: bytes, last: bool) -> str:
        return self.store.key(hashlib.sha256(piece).hexdigest(), int(last))

    def get(self, key: str) -> bytes | None:
        return self.store.get_bytes(key)

    def put(self, key: str, packed: bytes) -> None:
        self.store.put_bytes(key, packed)

    def prune(self, drop_unused: bool) -> None:
        self.store.prune(drop_unused)
