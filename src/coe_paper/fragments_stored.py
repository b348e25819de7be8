"""The stored form of a rendered fragment (fragments.py) in the section cache: a JSON object, or a line of JSON
followed by the parts' texts, read back only when every part of it is exactly of the expected shape and every id it
uses is one it declares."""

from __future__ import annotations

import json
import re
from typing import Any

from .fragments import KINDS, LINK_PREFIX, Fragment, Part


def encode(fragment: Fragment) -> dict[str, Any]:
    return {
        "body": _encode_part(fragment.body),
        "notes": [[note_id, _encode_part(note)] for note_id, note in fragment.notes],
        "lists": [[*spec[:3], list(spec[3])] for spec in fragment.lists], "links": fragment.links,
        "claims": fragment.claims,
        "headings": [list(h) for h in fragment.headings],
        "bookmarks": fragment.bookmarks, "footnotes": fragment.footnotes,
        "pictures": [list(picture) for picture in fragment.pictures],
    }


def to_bytes(fragment: Fragment) -> bytes:
    """The stored form as a file: a line of JSON with each part's text replaced by its length in bytes, then the
    texts one after another (XML as JSON strings is mostly escaped quotes, slow to read back)."""
    data = encode(fragment)
    texts = [data["body"][0], *(note[0] for _, note in data["notes"])]
    encoded = [text.encode("utf-8") for text in texts]
    data["body"][0] = len(encoded[0])
    for (_, note), blob in zip(data["notes"], encoded[1:], strict=True):
        note[0] = len(blob)
    return json.dumps(data, separators=(",", ":")).encode() + b"\n" + b"".join(encoded)


def from_bytes(data: bytes | None) -> Fragment | None:
    """A fragment from `to_bytes`, checked as `decode` checks one; None when anything is not exactly right."""
    if data is None:
        return None
    head, _, rest = data.partition(b"\n")
    try:
        stored = json.loads(head)
        parts = [stored["body"], *(note for _, note in stored["notes"])]
        start = 0
        for part in parts:
            size = part[0]
            if type(size) is not int or size < 0 or start + size > len(rest):
                return None
            part[0] = rest[start : start + size].decode("utf-8")
            start += size
    except (ValueError, TypeError, KeyError, IndexError):  # UnicodeDecodeError is a ValueError
        return None
    return decode(stored) if start == len(rest) else None


def _encode_part(part: Part) -> list[Any]:
    return [part.text, part.kinds, part.values]


def decode(data: object) -> Fragment | None:
    """A fragment from its stored form, or None when anything is not exactly of the expected shape or an id it
    uses is not one it declares."""
    try:
        return _decode(data)
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def _decode(data: Any) -> Fragment | None:
    keys = {"body", "notes", "lists", "links", "claims", "headings", "bookmarks", "footnotes", "pictures"}
    if not isinstance(data, dict) or set(data) != keys:
        return None
    bookmarks, footnotes = data["bookmarks"], data["footnotes"]
    if type(bookmarks) is not int or type(footnotes) is not int:
        return None
    lists = [(o, lv, st, tuple(other)) for o, lv, st, other in data["lists"] if type(o) is bool and type(lv) is int
             and type(st) is int and isinstance(other, list) and all(type(n) is int and 0 <= n <= 8 for n in other)]
    links = [url for url in data["links"] if isinstance(url, str)]
    claims = [name for name in data["claims"] if isinstance(name, str)]
    headings = [(lv, t, n) for lv, t, n in data["headings"]
                if type(lv) is int and isinstance(t, str) and isinstance(n, str)]
    pictures = [(path, alt, title, missing, room, width) for path, alt, title, missing, room, width in (
        picture for picture in data["pictures"] if isinstance(picture, list) and len(picture) == 6)
                if all(isinstance(text, str) for text in (path, alt, title, missing))
                and all(type(number) is int and number >= 0 for number in (room, width))]
    limits = {"b": bookmarks, "m": bookmarks, "f": footnotes, "l": len(lists), "p": len(pictures)}
    known = {f"{LINK_PREFIX}{index}" for index in range(1, len(links) + 1)}
    notes = [(i, _decode_part(x, limits, known)) for i, x in data["notes"] if type(i) is int and 1 <= i <= footnotes]
    if (len(lists), len(links), len(claims), len(headings), len(notes), len(pictures)) != tuple(
            len(data[k]) for k in ("lists", "links", "claims", "headings", "notes", "pictures")):
        return None
    body = _decode_part(data["body"], limits, known)
    return Fragment(body, notes, lists, links, claims, headings, bookmarks, footnotes, pictures)


_NOTKINDS = dict.fromkeys(map(ord, "bnflrp"))
_NOT_A_SITE = re.compile(r"%(?:[^s]|\Z)")  # a `%` that does not start a `%s`


def _is_template(text: str, sites: int) -> bool:
    """Whether the only `%` of `text` are `%%` and `sites` times `%s`, as `%` formatting reads them."""
    if text.count("%") == sites and not _NOT_A_SITE.search(text):
        return True  # the usual text, with no `%` of its own: every `%` starts a `%s` (the general reading agrees)
    plain = text.replace("%%", "")
    return plain.count("%") == plain.count("%s") == sites


def _decode_part(data: Any, limits: dict[str, int], known: set[str]) -> Part:
    """A stored part, checked: a template whose only `%` are `%%` and one `%s` per site, known kinds, values of
    each kind's type and in the fragment's own range (ValueError otherwise)."""
    text, kinds, values = data
    if not (isinstance(text, str) and isinstance(kinds, str) and isinstance(values, dict) and set(values) == set(
            KINDS) and all(isinstance(v, list) for v in values.values())) or kinds.translate(_NOTKINDS):
        raise ValueError("not a fragment")
    if not _is_template(text, len(kinds)):
        raise ValueError("not a template of its sites")
    for kind in ("b", "n", "f", "l", "r", "p"):
        if len(values[kind]) != kinds.count(kind):
            raise ValueError("not as many values as sites")
    for kind, top in limits.items():  # types by set(map(type, ...)): a section has hundreds of ids; list 0: none
        numbers = values[kind]
        if numbers and (set(map(type, numbers)) != {int} or min(numbers) < (0 if kind in ("m", "l") else 1)
                        or max(numbers) > top):
            raise ValueError("an id the fragment does not declare")
    if len(values["m"]) != len(values["n"]) or not set(map(type, values["n"])) <= {str} or not set(
            values["r"]) <= known:
        raise ValueError("not a fragment")
    return Part(text, kinds, values)
