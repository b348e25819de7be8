"""The project's files a resident process read, kept with what `stat` said of them, so that its children take a file
that has not changed since from memory instead of reading it again (300 sections: about 20 ms of each command).

A file is kept only when it was last changed well before it was read (`SETTLED_NS`), and taken only while its inode,
size, modification and change times are all still those: a file written again has a later change time, which no
one can set back. One changed in the same instant as it was read is read again every time, as git treats an index
entry that is "racily clean".
"""

from __future__ import annotations

import os
import time

#: How long before it was read a file must have been changed last, for its bytes to be kept: more than the
#: granularity of any file system's times.
SETTLED_NS = 2_000_000_000
#: The most bytes kept of one file, and of all files together: a paper's sections and YAML are a few MB, its
#: pictures may be many more, and are read again.
MAX_FILE = 1 << 20
MAX_KEPT = 32 << 20

_Stamp = tuple[int, int, int, int, int]  # device, inode, size, modification and change times (ns)
_KEPT: dict[str, tuple[_Stamp, bytes]] | None = None  # None: this process keeps nothing (see `keep`)
_size = 0


def keep() -> None:
    """Keep the files this process reads from now on (a resident process, as it warms up)."""
    global _KEPT
    if _KEPT is None:
        _KEPT = {}


def stamp(info: os.stat_result) -> _Stamp:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def taken(full: str) -> bytes | None:
    """The bytes kept of the file at `full` (a resolved path), when it is still as it was read."""
    found = _KEPT.get(full) if _KEPT is not None else None
    if found is None:
        return None
    try:
        info = os.stat(full)
    except OSError:
        return None
    return found[1] if found[0] == stamp(info) else None


def put(full: str, info: os.stat_result, data: bytes) -> None:
    """Keep `data`, read from the file at `full` whose `stat` (taken before reading) was `info`."""
    global _size
    if _KEPT is None or len(data) != info.st_size or len(data) > MAX_FILE:
        return  # a process that keeps nothing asks nothing more
    if max(info.st_mtime_ns, info.st_ctime_ns) > time.time_ns() - SETTLED_NS:
        return
    before = _KEPT.pop(full, None)
    _size -= len(before[1]) if before is not None else 0
    if _size + len(data) <= MAX_KEPT:
        _KEPT[full] = (stamp(info), data)
        _size += len(data)
