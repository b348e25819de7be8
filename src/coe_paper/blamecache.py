"""git blame's answers kept on disk between runs: JSON in the git directory, keyed by the file's path, blob id, the
commit that last changed it and what else blame reads (attribution.py makes the key)."""

from __future__ import annotations

import json
from pathlib import Path

from .cachefiles import read_file, write_file

CACHE_FILE = "blame-v1.json"
CACHE_LIMIT = 20_000  # entries kept on disk; the oldest go first

BlameEntry = tuple[int, str, str]  # lines, author name, author e-mail (as blame reports them)
Blamed = dict[str, BlameEntry]  # by commit


class BlameCache:
    """Blame results on disk (JSON in the git directory), keyed by path, blob id, the commit that last changed it
    and the work tree's .mailmap (git blame maps authors through it)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, object] = {}
        self.dirty = False
        if path is not None:
            text = read_file(path)  # None for a pipe or a link to a device, which would never end
            try:
                data = json.loads(text) if text is not None else None
            except (ValueError, RecursionError):  # RecursionError: nested past what Python parses
                data = None
            if isinstance(data, dict) and data.get("version") == 1 and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]

    def get(self, key: str) -> Blamed | None:
        """The cached blame for `key`, or None (also for an entry that does not have the expected shape)."""
        value = self.entries.pop(key, None)
        if not isinstance(value, dict):
            return None
        self.entries[key] = value  # most recently used last: pruning drops the oldest
        try:
            return {str(sha): (int(n), str(name), str(email)) for sha, (n, name, email) in value.items()}
        except (TypeError, ValueError):
            return None

    def put(self, key: str, value: Blamed) -> None:
        self.entries[key] = {sha: list(entry) for sha, entry in value.items()}
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        keep = dict(list(self.entries.items())[-CACHE_LIMIT:])
        write_file(self.path, json.dumps({"version": 1, "entries": keep}, separators=(",", ":")).encode())
