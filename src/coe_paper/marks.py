"""The marks that tie the Word document to its sources, written by the build and read back by `comments`, `apply`
and `import`: hidden source bookmarks `_Coe{section}_{line}` on every block (the section's index in the paper's
order and the 1-based line of its file), and the document's custom properties `coe-paper:*` (the section map, the
commit, the captions). A fragment rendered ahead of its place (fragments.py) carries the section index -1 until it
is placed."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from typing import TypeVar

PREFIX = "_Coe"
SECTIONS = "coe-paper:sections"  # JSON: [[id, path, body line, text digest], ...] in the paper's order
COMMIT = "coe-paper:commit"  # the commit the document was built from
COMPARED = "coe-paper:compared-with"  # the commit an `assemble --compare` shows the changes since
CAPTIONS = "coe-paper:captions"  # JSON: caption bookmark -> the id written in the Markdown
MAX_SECTIONS = 1024 * 1024  # characters of the section map read (a few KB for 300 sections)
PLACEHOLDER = -1  # the section index of a fragment that is not placed yet
_MARK = re.compile(r"^_Coe(\d{1,9})_(\d{1,9})$")  # a longer number (a reviewer's bookmark) is none of the build's
LIKE = 0.6  # how alike (difflib's ratio) a paragraph must be to a block for a lost mark to be given back by its text
K = TypeVar("K")
#: A section file as the build names it in the map: `sections/NAME.md` (project.SECTIONS_DIR), nothing else of the
#: project: `apply` writes to the files the map names, and a reviewer's file is untrusted.
_SECTION_FILE = re.compile(r"sections/[^/\\]+\.md")


def source_mark(section: int, line: int) -> str:
    """The bookmark name for `line` of the section at `section` in the paper."""
    return f"{PREFIX}{section}_{line}"


def section_prefix(section: int) -> str:
    """What every source bookmark of the section at `section` starts with."""
    return f"{PREFIX}{section}_"


def parse(name: str) -> tuple[int, int] | None:
    """(section index, line) of a source bookmark's name, or None for another bookmark."""
    match = _MARK.match(name)
    return (int(match.group(1)), int(match.group(2))) if match else None


def is_source_mark(name: str) -> bool:
    return name.startswith(PREFIX)


def placed(names: Iterable[str], section: int | None) -> list[str]:
    """A fragment's bookmark names once its section is at `section` (other names are kept)."""
    unplaced = section_prefix(PLACEHOLDER)
    here, cut = section_prefix(section) if section is not None else unplaced, len(unplaced)
    return [here + name[cut:] if name.startswith(unplaced) else name for name in names]


def section_map(properties: Mapping[str, str]) -> list[tuple[str, str]] | None:
    """(id, path) of each section in the paper's order, from the properties of a document coe-paper assembled;
    None when the map is missing, too long, or not exactly of its shape, a path other than a section file's among
    it (a reviewer's file is untrusted)."""
    table = _table(properties)
    return None if table is None else [(str(entry[0]), str(entry[1])) for entry in table]


def built_digests(properties: Mapping[str, str]) -> dict[str, str]:
    """Path -> `text_digest` of each section file's text as the document was built from it (none for a document
    from before the map held them)."""
    entries = _table(properties) or []
    return {str(entry[1]): entry[3] for entry in entries if len(entry) > 3 and isinstance(entry[3], str)}


def _table(properties: Mapping[str, str]) -> list[list[object]] | None:
    text = properties.get(SECTIONS)
    if text is None or len(text) > MAX_SECTIONS:
        return None
    try:
        table = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or brackets nested past what the parser recurses through
        return None
    if not isinstance(table, list) or not all(isinstance(entry, list) and len(entry) >= 2 and isinstance(entry[0], str)
                                              and isinstance(entry[1], str) and _SECTION_FILE.fullmatch(entry[1])
                                              for entry in table):
        return None
    return table


def section_digest(front: str, body_line: int, body: str) -> str:
    """What the section map records of a section file (model.Section.digest): its front matter, the line its body
    starts on and its body, as the build read them; enough to tell which text a document was built from."""
    return hashlib.sha256(f"{body_line}\0{front}\0{body}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def text_digest(text: str) -> str | None:
    """`section_digest` of a section file's text read back (from git, or the work tree as it is now), split as the
    build reads a file (no byte order mark, LF line ends: a file saved on Windows is the same text however it is
    read); None without front matter, which no section built has."""
    from .project import split_front_matter  # the project's reading of a section file

    parts = split_front_matter(text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    return None if parts is None else section_digest(parts[0], parts[2], parts[1])


def built_text(digest: str, committed: str | None, current: str) -> str | None:
    """The text of a section file that a document was built from: the file at the build commit (`committed`) or
    as it is now (`current`, built from uncommitted changes), as the document's `digest` says; None when it names
    neither (built from changes since made again, or discarded). Without a digest (a document from before they were
    recorded), the committed text, or the current one outside git."""
    if not digest:
        return committed if committed is not None else current
    for text in (committed, current):
        if text is not None and text_digest(text) == digest:
            return text
    return None


def most_like(text: str, candidates: Iterable[tuple[K, str]]) -> K | None:
    """Of the candidates (a key and its text), the one whose text is most like `text`, when it is like it (a ratio of
    LIKE at least) and no other is as like it: where a mark a reviewer's application dropped goes back; else None."""
    from difflib import SequenceMatcher  # only when a mark was lost

    scored = [(SequenceMatcher(None, found, text, autojunk=False).ratio(), key) for key, found in candidates]
    best = max((ratio for ratio, _ in scored), default=0.0)
    chosen = [key for ratio, key in scored if ratio == best]
    return chosen[0] if best >= LIKE and len(chosen) == 1 else None
