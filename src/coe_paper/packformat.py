"""The bytes of the section cache's packs (store.py): a pack of byte entries is a line of JSON listing its keys and
lengths, then the entries' bytes one after another; entries of JSON are written compactly."""

from __future__ import annotations

import json
from typing import Any


def pack_bytes(entries: dict[str, bytes] | dict[str, memoryview]) -> bytes:
    """A pack's body for entries of bytes: a line of JSON, `[[key, length], ...]`, then the bytes in that order."""
    index = json.dumps([[key, len(data)] for key, data in entries.items()], separators=(",", ":")).encode()
    return b"".join([index, b"\n", *entries.values()])


def unpack_bytes(body: bytes | None, offset: int = 0) -> dict[str, memoryview] | None:
    """The entries of a pack of bytes (`pack_bytes`; in `body` from `offset`), as views into `body`, or None when it
    is not exactly one."""
    if body is None:
        return None
    end = body.find(b"\n", offset)
    if end == -1:
        return None
    try:
        listed = json.loads(body[offset:end])
    except (ValueError, RecursionError):  # RecursionError: lists nested past what Python parses
        return None
    if not isinstance(listed, list):
        return None
    view = memoryview(body)
    entries: dict[str, memoryview] = {}
    start = end + 1
    for item in listed:
        if (not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str)
                or type(item[1]) is not int or item[1] < 0):
            return None
        entries[item[0]] = view[start : start + item[1]]
        start += item[1]
    return entries if start == len(body) else None


def compact_json(payload: Any) -> bytes:
    """`payload` as compact JSON in UTF-8; a text with a character UTF-8 cannot hold (a file name's undecodable
    bytes, kept as lone surrogates) is written with \\u escapes, which read back as the same text."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError:
        return json.dumps(payload, separators=(",", ":")).encode()
