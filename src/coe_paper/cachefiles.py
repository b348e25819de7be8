"""The section cache's files (store.py), and the other caches' (blame's and spelling's answers, the layout's pages):
each read only when it is a regular file within MAX_ENTRY, and written atomically or not at all."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from .limits import read_within

MAX_ENTRY = 64 * 1024 * 1024  # a larger file is not read


def regular(path: Path, known: tuple[int, ...] | None = None) -> tuple[tuple[int, ...], bytes | None] | None:
    """The identity of the entry's file at `path` (device, inode, size, times of modification and of change) and its
    bytes, not read (None) when its identity is `known`; None when it cannot be read, is too large or is no regular
    file (a folder, a pipe, a device such as a link to /dev/zero under an entry's name)."""
    try:
        with open(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as file:  # a pipe: opened without waiting
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY:
                return None
            found = identity(info)
            return found, None if found == known else read_within(file, info.st_size, MAX_ENTRY)
    except OSError:
        return None


def identity(info: os.stat_result) -> tuple[int, ...]:
    """A file's identity as `regular` tells it: device, inode, size, times of modification and of change."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def read_file(path: Path) -> bytes | None:
    """The bytes of a cache file kept outside the stores (blame's and spelling's answers, the layout's pages); None
    when it cannot be read, is too large or is no regular file (a pipe would wait, /dev/zero never end)."""
    read = regular(path)
    return read[1] if read is not None else None


def write_file(path: Path, data: bytes) -> bool:
    """Write a cache file atomically, leaving no temporary file when it fails (a full disk, a folder in its place);
    False then: a cache only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        return False
    return True
