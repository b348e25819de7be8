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

from .diagnostics import Diagnostic, Fix

VERSION = 1
CACHE_DIR = "coe-paper-cache"  # in the git directory, beside the blame cache (attribution.py)
FILE = "sections.json"


def code_stamp() -> str:
    """Sizes and times of coe-paper's own source and data files: an edited rule invalidates every entry."""
    here = Path(__file__).parent
    stamps = []
    for path in sorted([*here.glob("*.py"), *here.glob("rules/*.py"), *here.glob("rules/data/*")]):
        try:
            info = path.stat()
        except OSError:
            continue
        stamps.append(f"{path.relative_to(here)}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(stamps)


def _encode(found: Diagnostic) -> list[Any]:
    fix = found.fix
    fixed = None if fix is None else [fix.line, fix.column, fix.end, fix.replacement, fix.original]
    return [found.path, found.line, found.column, found.code, found.severity, found.message, found.hint, fixed]


def _decode(item: object) -> Diagnostic | None:
    """A diagnostic from its stored form, or None when the form is not exactly right."""
    if not isinstance(item, list) or len(item) != 8:
        return None
    path, line, column, code, severity, message, hint, fixed = item
    if not (isinstance(path, str) and isinstance(code, str) and isinstance(message, str) and isinstance(hint, str)
            and type(line) is int and type(column) is int and severity in ("error", "warning")):  # fmt: skip
        return None
    fix = None
    if fixed is not None:
        if not isinstance(fixed, list) or len(fixed) != 5:
            return None
        f_line, f_column, f_end, replacement, original = fixed
        if not (type(f_line) is int and type(f_column) is int and type(f_end) is int
                and isinstance(replacement, str) and isinstance(original, str)):  # fmt: skip
            return None
        fix = Fix(f_line, f_column, f_end, replacement, original)
    return Diagnostic(path, line, column, code, severity, message, hint, fix)


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
        items = self.stored.get(key)
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
