"""Whether a picture's bytes are whole: its header read fine (python-docx takes its size from there), but an upload
or a copy that stopped leaves the rest cut short, and Word, LibreOffice and browsers then show part of the picture,
or none. Each type is checked by its own structure, from the bytes alone (nothing is decoded): a PNG's end chunk, a
JPEG's end-of-image marker, a GIF's blocks up to its trailer, a BMP's pixel rows as its header sizes them, a TIFF's
directories (IFDs) and the strips or tiles they point to."""

from __future__ import annotations

import struct

from . import limits

_PNG, _JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the end chunk: no data, so always these 12 bytes
_START_OF_SCAN, _END_OF_IMAGE = b"\xff\xda", b"\xff\xd9"
_GIF, _BMP, _TIFF = (b"GIF87a", b"GIF89a"), b"BM", (b"II*\x00", b"MM\x00*")

_CUT = "ends early: the {} is missing or incomplete (a copy or upload cut short)"


def ends_early(data: bytes) -> str | None:
    """Why a picture is cut short (its header is whole, its data is not), else None. A PNG must hold its end chunk
    (IEND); a JPEG's last scan must be followed by its end-of-image marker (inside a scan, 0xFF is never followed by
    0xD9 or 0xDA); a GIF's blocks must run to its trailer; a BMP must hold the pixel rows its header gives; a TIFF
    must hold its directories and what they point to."""
    if data.startswith(_PNG) and data.rfind(_PNG_END) < 0:
        return _CUT.format("PNG's end chunk (IEND)")
    if data.startswith(_JPEG):
        scan = data.rfind(_START_OF_SCAN)
        if scan < 0 or data.find(_END_OF_IMAGE, scan + 2) < 0:
            return _CUT.format("JPEG's end-of-image marker")
    if data.startswith(_GIF) and (whole := _gif_whole(data, limits.LIMITS.gif_blocks)) is not True:
        return _CUT.format("GIF's trailer (the byte 0x3B after its last block)") if whole is False else (
            f"is damaged: its data is cut into more than {limits.LIMITS.gif_blocks:,} blocks (an encoder writes "
            "blocks of 255 bytes; a 64 MB picture has about 260,000)")
    if data.startswith(_BMP) and not _bmp_whole(data):
        return _CUT.format("BMP's pixel data (as long as its header says)")
    if data.startswith(_TIFF) and not _tiff_whole(data):
        return _CUT.format("TIFF's data its directory (IFD) points to")
    return None


def _gif_whole(data: bytes, most: int) -> bool | None:
    """Whether a GIF's blocks (extensions and images, each a chain of sub-blocks) run to its trailer; None past
    `most` sub-blocks, which a walk of one byte at a time would take seconds to count (64 MB of blocks of one
    byte: 5 s). A byte that starts no block is damage, not a cut: the picture is left to the viewer, as before."""
    if len(data) < 13:
        return False
    pos, end = 13 + _colour_table(data[10]), len(data)
    while pos < end:
        most -= 1
        kind = data[pos]
        if kind == 0x3B:
            return True
        if kind == 0x21:  # an extension: its label, then its sub-blocks
            pos += 2
        elif kind == 0x2C:  # an image: its descriptor, its own colours, the LZW code size, then its sub-blocks
            if pos + 10 > len(data):
                return False
            pos += 11 + _colour_table(data[pos + 9])
        else:
            return True
        while most >= 0 and pos < end and (size := data[pos]):
            pos += 1 + size
            most -= 1
        if most < 0:
            return None
        pos += 1
    return False


def _colour_table(flags: int) -> int:
    """The bytes of the colour table a GIF's screen or image descriptor announces in its flags."""
    return 3 << ((flags & 7) + 1) if flags & 0x80 else 0


def _bmp_whole(data: bytes) -> bool:
    """Whether a BMP holds the pixel data its header gives: from its offset, the rows (each padded to 4 bytes) of
    an uncompressed picture, or the size its header states for a compressed one."""
    if len(data) < 26:
        return False
    offset, header = (int(n) for n in struct.unpack_from("<II", data, 10))
    if header == 12:  # the old OS/2 header: 16-bit sizes
        width, height, _, bits = struct.unpack_from("<HHHH", data, 18)
        need = ((width * bits + 31) // 32) * 4 * height
    elif len(data) >= 38:
        width, height, _, bits, compression, stated = struct.unpack_from("<iiHHII", data, 18)
        rows = ((abs(width) * bits + 31) // 32) * 4 * abs(height)
        need = rows if compression in (0, 3, 6) else stated  # none, or bit fields; else RLE or embedded JPEG/PNG
    else:
        return False
    return bool(offset + need <= len(data))


_TIFF_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
_STRIPS = ((273, 279), (324, 325))  # (StripOffsets, StripByteCounts), (TileOffsets, TileByteCounts)
_MOST_DIRECTORIES = 10_000


def _tiff_whole(data: bytes) -> bool:
    """Whether a TIFF holds each of its directories (IFDs), every value they keep outside themselves, and every
    strip or tile of pixels they point to. Directories that loop or overlap (more bytes read than the file holds)
    are damage, not a cut: they are left to the viewer, as before."""
    order = "<" if data.startswith(b"II") else ">"
    if len(data) < 8:
        return False
    seen: set[int] = set()
    budget = len(data)
    (place,) = struct.unpack_from(order + "I", data, 4)
    while place and place not in seen and len(seen) < _MOST_DIRECTORIES:
        seen.add(place)
        if place + 2 > len(data):
            return False
        (count,) = struct.unpack_from(order + "H", data, place)
        end = place + 2 + 12 * count
        if end + 4 > len(data):
            return False
        budget -= 12 * count
        values: dict[int, tuple[int, ...]] = {}
        for entry in range(place + 2, end, 12):
            tag, kind, number = struct.unpack_from(order + "HHI", data, entry)
            size = _TIFF_SIZES.get(kind, 1) * number
            at = entry + 8 if size <= 4 else struct.unpack_from(order + "I", data, entry + 8)[0]
            if at + size > len(data):
                return False
            if kind in (3, 4) and tag in (273, 279, 324, 325) and (budget := budget - size) >= 0:
                values[tag] = struct.unpack_from(f"{order}{number}{'H' if kind == 3 else 'I'}", data, at)
        for offsets, counts in _STRIPS:
            pairs = zip(values.get(offsets, ()), values.get(counts, ()), strict=False)
            if any(start + length > len(data) for start, length in pairs):
                return False
        if budget < 0:
            return True
        (place,) = struct.unpack_from(order + "I", data, end)
    return True
