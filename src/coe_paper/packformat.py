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


_DECODER = json.JSONDecoder()


def json_entries(body: bytes) -> tuple[dict[str, Any], dict[str, str]] | None:
    """The entries of a pack of JSON entries (one object, written by `compact_json`) and the text of each in it;
    None when the object is not written exactly so (`json.loads` then reads it, or refuses it)."""
    try:
        text = body.decode()
    except UnicodeDecodeError:
        return None
    entries: dict[str, Any] = {}
    texts: dict[str, str] = {}
    if text == "{}":
        return entries, texts
    at, separator = 0, "{"
    try:
        while text[at] == separator and text[at + 1] == '"':
            key, at = json.decoder.scanstring(text, at + 2)  # type: ignore[attr-defined]
            if text[at] != ":":
                return None
            entries[key], end = _DECODER.raw_decode(text, at + 1)
            texts[key] = text[at + 1 : end]
            at, separator = end, ","
    except (ValueError, IndexError, RecursionError):  # RecursionError: nested past what Python parses
        return None
    return (entries, texts) if separator == "," and text[at:] == "}" else None


def json_pack(entries: dict[str, Any], texts: dict[str, str]) -> bytes:
    """`compact_json(entries)`, taking the text of an entry from `texts` (as `json_entries` read it) where it has one:
    a pack written again after one entry changed encodes that one."""
    if not texts:
        return compact_json(entries)
    parts = [f"{json.dumps(key, ensure_ascii=False)}:{texts[key] if key in texts else compact_json(value).decode()}"
             for key, value in entries.items()]
    try:
        return ("{" + ",".join(parts) + "}").encode()
    except UnicodeEncodeError:  # a lone surrogate (see compact_json): the whole object with \u escapes
        return compact_json(entries)
