"""A content-keyed cache of each section's editorial findings (the COE7xx rules, the costliest checks), kept in the
section cache as `editorial.pack` (store.py).

A section's findings depend only on its path, where its body starts, its text and front matter (whose title is
checked as a heading), and what the rules read for the whole run: paper.yaml's `checks:`, the paper's word and term
lists, the contributors' names, the dictionary and coe-paper's own code. The key of an entry is a SHA-256 of all of
them (`salt` holds the run's part), so an entry is reused only for the same input and a changed section misses.
The pack is read as untrusted data: store.py checks its version, its checksum and its shape, and an entry is used
only when every finding in it decodes; the entries a run did not use are dropped when it saves.
"""

from __future__ import annotations

from pathlib import Path

from .diagnostics import Diagnostic
from .diagnostics import decode_diagnostics as _decode
from .diagnostics import encode_diagnostic as _encode
from .store import Store

KIND = "editorial"


class SectionCache:
    """Findings by key for the project at `root` (None: no cache, nothing is kept), saved by `save`."""

    def __init__(self, root: Path | None, salt: str) -> None:
        self.store = Store(root, KIND, salt, pack=True)

    def key(self, path: str, body_line: int, body_digest: str, front: str = "") -> str:
        """The key of a section's findings, by its body's digest (model.Section.body_digest)."""
        return self.store.key(path, body_line, body_digest, front)

    def get(self, key: str) -> list[Diagnostic] | None:
        """The findings stored under `key`, or None when there are none or any of them is malformed."""
        return _decode(self.store.get(key))  # put by this run (see parallel.py), or read from the pack

    def put(self, key: str, found: list[Diagnostic]) -> None:
        self.store.put(key, [_encode(d) for d in found])

    def save(self) -> None:
        """Write the entries this run used (dropping the others)."""
        self.store.prune()
