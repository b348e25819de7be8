"""A content-keyed cache of each section's editorial findings (the COE7xx rules, the costliest checks).

A section's findings depend only on its path, where its body starts, its text, and what the rules read for the whole
run: paper.yaml's `checks:`, the paper's word and term lists, the contributors' names, the dictionary and coe-paper's
own code. The key of an entry is a SHA-256 of all of them (`salt` holds the run's part), so an entry is reused only
for the same input and a changed section misses. The file, `<git dir>/coe-paper-cache/sections.json`, is read as
untrusted data: anything not exactly of the expected shape (damaged, truncated, another version's, edited by hand)
is ignored, and the file is written again, atomically, with the entries this run used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .facts import decode_diagnostic as _decode
from .facts import encode_diagnostic as _encode
from .store import CACHE_DIR as CACHE_DIR
from .store import code_stamp as code_stamp

VERSION = 1

FILE = "sections.json"


class SectionCache:
    """Findings by key, read once from `directory` (None: no cache, nothing is kept) and saved by `save`."""

    def __init__(self, directory: Path | None, salt: str) -> None:
        self.file = directory / FILE if directory is not None else None
        self.salt = hashlib.sha256(f"{VERSION}\n{salt}".encode()).hexdigest()
        self.stored: dict[str, Any] = {}
        self.used: dict[str, list[Any]] = {}
        self.changed = False
        if self.file is not None:
            try:
                data = json.loads(self.file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = None
            if isinstance(data, dict) and data.get("version") == VERSION and isinstance(data.get("entries"), dict):
                self.stored = data["entries"]

    def key(self, path: str, body_line: int, body: str) -> str:
        return hashlib.sha256(f"{self.salt}\n{path}\n{body_line}\n{body}".encode()).hexdigest()

    def get(self, key: str) -> list[Diagnostic] | None:
        """The findings stored under `key`, or None when there are none or any of them is malformed."""
        items = self.used.get(key, self.stored.get(key))  # put by this run (see parallel.py), or read from the file
        if not isinstance(items, list):
            return None
        found = [_decode(item) for item in items]
        if any(d is None for d in found):
            return None
        self.used[key] = items
        return [d for d in found if d is not None]

    def put(self, key: str, found: list[Diagnostic]) -> None:
        self.used[key] = [_encode(d) for d in found]
        self.changed = True

    def save(self) -> None:
        """Write the entries this run used (dropping the others), when any was new or some were left out."""
        if self.file is None or not (self.changed or len(self.used) != len(self.stored)):
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.file.parent, prefix=".sections-", suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump({"version": VERSION, "entries": self.used}, handle, separators=(",", ":"))
                os.replace(temp, self.file)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs the next run time
