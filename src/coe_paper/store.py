"""The section cache on disk: one file per entry in `<git dir>/coe-paper-cache/<kind>/`, named by its key.

A key is a SHA-256 of everything the entry was made from (the section's path, text and where its body starts) and
of the run's salt (coe-paper's own code, and the settings the entry depends on), so an entry is only ever reused
for the same input. The files are read as untrusted data: an entry counts only when its first line names this
format's version, its own key and the SHA-256 of the rest of the file, and the rest is JSON (or, in a `.bin` file,
bytes); its caller then checks the payload's shape. Anything else (damaged, truncated, another version's, renamed,
edited by hand) is ignored and written again. Entries are written atomically; `prune` removes those a whole-paper
run did not use.

Most kinds keep their entries in packs, read once and written once a run (creating hundreds of files costs more
than reading one: on ext4 a new file takes about half a millisecond, as much as rendering a section's body). A pack's
first line is the SHA-256 of the rest.
- Small JSON entries (facts, bylines) are one JSON object in `<kind>.pack`, written whole when anything changed.
- Entries of bytes (`raw`: rendered bodies, placed bodies, deflated pieces; megabytes for a large paper) are packs in
  `<kind>/`, each a line of JSON listing its keys and lengths, then the entries' bytes one after another. A run adds
  one pack with what it made (a cold build: every body in one file; one edited section: that body alone) and, after
  a whole paper, removes the packs it used nothing of. When the entries it did not use outweigh those it did, or
  there are more than MAX_PACKS, it writes the used ones into one pack instead.
A resident process (resident_server.py) keeps the packs it read, and the packs of JSON decoded, for its children.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from .cachefiles import identity, read_file, regular, write_file
from .locate import code_stamp as code_stamp  # the salt of every key
from .packformat import compact_json, json_entries, json_pack, pack_bytes, unpack_bytes

VERSION = 1
CACHE_DIR = "coe-paper-cache"  # in the git directory, beside the blame cache (attribution.py)
_NAME = re.compile(r"^[0-9a-f]{64}\.(?:json|bin|pack)$")
PACK_BYTES = 16 * 1024 * 1024  # a pack of bytes holds at most this much of its entries, or one larger entry alone
MAX_PACKS = 32  # packs of bytes of one kind before they are written again as one


def git_dir(root: Path) -> Path | None:
    """The project's git directory (a worktree's `.git` file points to it), or None outside git."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        first = dot_git.read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        return None
    if first.startswith("gitdir:"):
        found = Path(first[len("gitdir:") :].strip())
        return found if found.is_absolute() else root / found
    return None


def cache_folder(git_directory: Path, kind: str = "") -> Path | None:
    """The cache's folder in `git_directory` (or its `kind` folder); None when either is a symbolic link: reads,
    writes and removals would go where it leads (a folder anyone may write to), so nothing is kept, as outside git."""
    folder = git_directory / CACHE_DIR
    for path in (folder, folder / kind) if kind else (folder,):
        if path.is_symlink():
            return None
    return folder / kind if kind else folder


class Store:
    """Entries of one kind ("facts", "fragments") for a project at `root` (None: keep nothing); with `pack`, all
    in packs, of bytes (`get_bytes`, `put_bytes`) when `raw`, else of JSON. Keys are salted with `salt` and
    coe-paper's own code."""

    def __init__(self, root: Path | None, kind: str, salt: str, pack: bool = False, raw: bool = False) -> None:
        base = git_dir(root) if root is not None else None
        self.directory = cache_folder(base, kind) if base is not None else None
        self.salt = hashlib.sha256(f"{VERSION}\n{kind}\n{code_stamp()}\n{salt}".encode()).hexdigest()
        self.used: set[str] = set()
        self.pack: dict[str, Any] | None = None  # the pack's entries, once read
        self.packs: dict[str, list[str]] = {}  # of bytes: each pack file's name and its keys ([] when damaged)
        self.packed, self.raw = pack, raw
        self.fresh: dict[str, Any] = {}  # entries put in this run (a pack writes them all at the end)

    def key(self, *parts: str | int) -> str:
        text = "\0".join(str(part) for part in (self.salt, *parts))
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, key: str) -> Any:
        """The payload stored under `key`, or None when there is none or its file is not exactly right."""
        if self.directory is None:
            return None
        if key in self.fresh:
            return self.fresh[key]
        found = self._pack().get(key) if self.packed else self._read(self.directory / f"{key}.json", key)
        if found is not None:
            self.used.add(key)
        return found

    def put(self, key: str, payload: Any) -> None:
        """Store `payload` (JSON data) under `key`; a cache that cannot be written only costs the next run time."""
        self._put(key, payload, ".json")

    def get_bytes(self, key: str) -> bytes | None:
        """The bytes stored under `key` (by `put_bytes`), or None when there are none or their file is not exactly
        right."""
        if self.directory is None:
            return None
        if self.packed:
            found = self.fresh[key] if key in self.fresh else self._pack().get(key)
            found = bytes(found) if isinstance(found, memoryview) else found
        else:
            found = self._read(self.directory / f"{key}.bin", key, raw=True)
        if not isinstance(found, bytes):
            return None
        self.used.add(key)
        return found

    def holds_bytes(self, key: str) -> bool:
        """Whether `get_bytes(key)` would find bytes, counting the entry as used as it does, without copying them
        out of the pack (a caller that holds them decoded already)."""
        if self.directory is None or not (self.packed and self.raw):
            return self.get_bytes(key) is not None
        found = key in self.fresh or key in self._pack()
        if found:
            self.used.add(key)
        return found

    def stored_bytes(self) -> dict[str, memoryview]:
        """Every entry of bytes the packs hold now, by key, as views into the packs' bytes (each checked as
        `get_bytes` checks it); none is counted as used by this run."""
        return dict(self._pack()) if self.directory is not None and self.packed and self.raw else {}

    def stored(self) -> dict[str, Any]:
        """Every JSON entry the pack holds now, by key; none is counted as used by this run."""
        return dict(self._pack()) if self.directory is not None and self.packed and not self.raw else {}

    def put_bytes(self, key: str, data: bytes) -> None:
        """Store `data` (bytes, not JSON) under `key`: in the pack, or in a file of its own."""
        self._put(key, data, ".bin")

    def _put(self, key: str, payload: Any, suffix: str) -> None:
        """Keep `payload` for the pack (written by `prune`), or write its file now."""
        self.used.add(key)
        if self.directory is None:
            return
        if self.packed:
            self.fresh[key] = payload
            return
        self._write(self.directory / f"{key}{suffix}", key, payload)

    def read_pack(self) -> None:
        """Read the pack now rather than at the first `get` (processes forked after this one then share it)."""
        if self.packed and self.directory is not None:
            self._pack()

    def taken(self) -> dict[str, Any]:
        """The entries put in this run, handed over (a worker process's, for its parent to keep; see parallel.py)."""
        fresh, self.fresh = self.fresh, {}
        return fresh

    def prune(self, drop_unused: bool = True) -> None:
        """Write the pack, and remove the entries this run did not use (after a run over the whole paper in the work
        tree; a run at another revision keeps them, for the next run in the work tree)."""
        if self.directory is None or not self.used:
            return
        if self.packed and self.raw:
            self._prune_packs(drop_unused)
        elif self.packed:
            old = self._pack()
            keys = sorted(self.used if drop_unused else self.used | set(old))
            if self.fresh or set(old) != set(keys):
                entries = {key: self.fresh[key] if key in self.fresh else old[key] for key in keys}
                path = self.directory.with_suffix(".pack")
                texts = {key: text for key, text in _texts(path, old).items() if key not in self.fresh}
                self._write(path, "pack", json_pack(entries, texts))
        elif drop_unused:
            self._drop_files(keep=self.used)

    def _prune_packs(self, drop_unused: bool) -> None:
        directory, old = self.directory, self._pack()
        assert directory is not None
        written = self._write_packs(self.fresh) if self.fresh else set()
        if not drop_unused:
            return
        used = [name for name, keys in self.packs.items() if self.used.intersection(keys)]
        unused = [name for name in self.packs if name not in used]
        sizes = [(key in self.used, len(old[key])) for name in used for key in self.packs[name]]
        if len(used) > MAX_PACKS or sum(size for kept, size in sizes if not kept) > sum(s for k, s in sizes if k):
            again = {key: old[key] for name in used for key in self.packs[name]
                     if key in self.used and key not in self.fresh}
            rewritten = self._write_packs(again)
            written |= rewritten
            if len(rewritten) == len(_batches(again)):  # all written again (not so on a full disk): the old ones go
                unused += used
        for name in unused:
            if name not in written:  # a damaged pack whose entries were just written again under its name
                with contextlib.suppress(OSError):
                    (directory / name).unlink()
        self._drop_files(keep=frozenset(), names=(".json", ".bin"))  # a file each, as older versions kept them
        with contextlib.suppress(OSError):
            directory.with_suffix(".pack").unlink()  # or all in one pack beside the folder, as others did

    def _write_packs(self, entries: dict[str, bytes]) -> set[str]:
        """`entries` in new packs of bytes (`_batches`), named by their keys; the names of the packs written (a full
        disk writes none)."""
        assert self.directory is not None
        written: set[str] = set()
        for batch in _batches(entries):
            name = hashlib.sha256("\n".join(batch).encode()).hexdigest()
            path = self.directory / f"{name}.pack"
            if self._write(path, name, pack_bytes(batch)):
                written.add(f"{name}.pack")
                # read as written, by this process (the workers' bodies, which the build places next): not read
                # and checked again while the file stays so
                with contextlib.suppress(OSError):
                    _READ[str(path)] = (identity(os.stat(path)), {key: memoryview(data) for key, data in batch.items()})
        return written

    def _drop_files(self, keep: set[str] | frozenset[str] = frozenset(), names: tuple[str, ...] = (".json", ".bin",
                    ".pack")) -> None:
        """Remove the entries' files in the kind's folder (those ending in one of `names`), but those of `keep`, and
        any half-written one an hour old (a younger one may be another run's, being written)."""
        assert self.directory is not None
        try:
            found = os.listdir(self.directory)
        except OSError:
            return
        for name in found:
            path = self.directory / name
            with contextlib.suppress(OSError):
                entry = _NAME.match(name) and name.endswith(names) and name[:64] not in keep
                if entry or (name.startswith(".entry-") and path.stat().st_mtime < time.time() - 3600):
                    path.unlink()

    def _pack(self) -> dict[str, Any]:
        if self.pack is None:
            assert self.directory is not None
            if self.raw:
                self.pack = self._read_packs()
            else:
                self.pack = _json_pack(self.directory.with_suffix(".pack"))
        return self.pack

    def _read_packs(self) -> dict[str, memoryview]:
        """Every entry of the packs of bytes in the kind's folder, as a view into its pack's bytes (`get_bytes` copies
        one as it is asked for: a large paper's packs hold tens of megabytes); a damaged pack counts as empty."""
        assert self.directory is not None
        entries: dict[str, memoryview] = {}
        try:
            names = sorted(name for name in os.listdir(self.directory) if _NAME.match(name) and name.endswith(".pack"))
        except OSError:
            return entries
        folder = f"{self.directory}{os.sep}"
        for gone in [path for path in _READ if path.startswith(folder) and path[len(folder):] not in names]:
            del _READ[gone]  # removed since: a long-lived process (serve) keeps no pack it cannot read again
        for name in names:
            found = _pack_file(self.directory / name)
            self.packs[name] = list(found or {})
            entries.update(found or {})
        return entries

    @staticmethod
    def _read(path: Path, key: str, raw: bool = False) -> Any:
        return _checked(read_file(path), key, raw)

    @staticmethod
    def _write(path: Path, key: str, payload: Any) -> bool:
        """Write the entry's file atomically; False when it could not be written (a cache only costs time)."""
        body = payload if isinstance(payload, bytes) else compact_json(payload)
        return write_file(path, Store._head(key, body) + b"\n" + body)

    @staticmethod
    def _head(key: str, body: bytes | memoryview) -> bytes:
        return f"coe-paper {VERSION} {key} {hashlib.sha256(body).hexdigest()}".encode()


#: The packs of bytes this process read and found whole, by path: the identity of their file when read (device,
#: inode, size, times of modification and of change) and their entries. A pack is written whole under a new name, or
#: replaced, never changed in place, and any change to a file moves its change time, which no one can set: a file
#: of the same identity holds the bytes checked then. A resident process's children (resident_server.py) take the
#: packs their parent read without reading and checking megabytes of them again (300 sections: 7 MB, 13 ms a build).
_READ: dict[str, tuple[tuple[int, ...], dict[str, memoryview]]] = {}


#: The packs of JSON entries this process read and found whole, decoded, by path (as `_READ` keeps packs of bytes):
#: kept only once `keep_decoded` was called, by a resident process (resident_server.py). Its children each take the
#: entries decoded at fork (300 sections: 600 KB of JSON, 15 ms a command), and what one of them changes in an
#: entry stays in it; a process that runs builds itself, one after another, decodes the packs each time.
_DECODED: dict[str, tuple[tuple[int, ...], dict[str, Any], dict[str, str]]] | None = None


def _checked(data: bytes | None, key: str, raw: bool = False) -> Any:
    """The payload of an entry's file read as `data` (JSON decoded, or with `raw` its bytes), or None when its first
    line does not name `key` and the SHA-256 of the rest, or the rest is not JSON."""
    if data is None:
        return None
    head, _, body = data.partition(b"\n")
    if head != Store._head(key, body):
        return None
    if raw:
        return body
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: arrays or objects nested past what Python parses
        return None


def keep_decoded() -> None:
    """Keep the packs of JSON entries this process reads, decoded, while their files stay the same."""
    global _DECODED
    if _DECODED is None:
        _DECODED = {}


def keeps_decoded() -> bool:
    """Whether `keep_decoded` was called: this process keeps what it decodes of the cache for processes it forks."""
    return _DECODED is not None


def read_again() -> None:
    """Read again, and keep decoded, each pack of JSON entries kept (`keep_decoded`) whose file changed since: a
    resident process, after a command changed the cache, so that its next children take the packs decoded too."""
    for path in list(_DECODED or ()):
        _json_pack(Path(path))


def _json_pack(path: Path) -> dict[str, Any]:
    """The entries of the pack of JSON entries at `path`, or none when it cannot be read or is not exactly one (its
    first line naming it and the SHA-256 of the rest, the rest a JSON object)."""
    kept = _DECODED.get(str(path)) if _DECODED is not None else None
    read = regular(path, None if kept is None else kept[0])
    if read is None:
        return {}
    identity, data = read
    if data is None:  # the pack this process read and decoded before, unchanged since
        return kept[1] if kept is not None else {}
    head, _, body = data.partition(b"\n")
    read_so = json_entries(body) if _DECODED is not None and head == Store._head("pack", body) else None
    found, texts = read_so if read_so is not None else (_checked(data, "pack"), {})
    if not isinstance(found, dict):
        return {}
    if _DECODED is not None:
        _DECODED[str(path)] = (identity, found, texts)
    return found


def _texts(path: Path, entries: dict[str, Any]) -> dict[str, str]:
    """The text of each of `entries` in the pack at `path`, when they are the entries this process keeps decoded
    from it (see `json_entries`): writing the pack again then encodes only the entries changed since."""
    kept = _DECODED.get(str(path)) if _DECODED is not None else None
    return kept[2] if kept is not None and kept[1] is entries else {}


def _pack_file(path: Path) -> dict[str, memoryview] | None:
    """The entries of the pack of bytes at `path`, or None when it cannot be read or is not exactly one (see
    `unpack_bytes`), its first line naming its name and the SHA-256 of the rest."""
    kept = _READ.get(str(path))
    read = regular(path, None if kept is None else kept[0])
    if read is None:
        return None
    identity, data = read
    if data is None:  # the pack this process read and checked before, unchanged since
        return kept[1] if kept is not None else None
    start = data.find(b"\n") + 1
    if not start or data[: start - 1] != Store._head(path.name[:64], memoryview(data)[start:]):
        return None
    found = unpack_bytes(data, start)
    if found is not None:
        _READ[str(path)] = (identity, found)
    return found


def _batches(entries: dict[str, Any]) -> list[dict[str, Any]]:
    """`entries` in packs' shares: each at most PACK_BYTES of them, or one larger entry alone (so a pack is too large
    to read, past MAX_ENTRY, only when its one entry is)."""
    batches: list[dict[str, Any]] = []
    size = 0
    for key, data in entries.items():
        if not batches or size + len(data) > PACK_BYTES:
            batches.append({})
            size = 0
        batches[-1][key] = data
        size += len(data)
    return batches
