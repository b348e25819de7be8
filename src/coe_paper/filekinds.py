"""What is at a path, in the words a message gives it: a file, a folder, a named pipe, a device, a socket, or a
symbolic link that leads to nothing or round in a loop. One place, so that every command names it alike: a file git
would wait on (gitrun.py), and what is in the way of an output (`-o` of `assemble`, `import`, `preview`, `serve` and
`schema`), found with `os` alone and without opening it (a named pipe would wait for a writer)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


def kind(mode: int) -> str:
    """What a file of `mode` (an `os.stat` result's `st_mode`) is: a file, a folder, a named pipe, a device, a socket
    or (of `os.lstat`) a symbolic link."""
    if stat.S_ISREG(mode):
        return "a file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a symbolic link" if stat.S_ISLNK(mode) else "a device"


def what_is(path: Path) -> str | None:
    """What is at `path`, its symbolic links followed (`kind`), or None when nothing is (or it cannot be asked: a
    folder that may not be read): a symbolic link that leads to nothing is "a symbolic link to a missing target
    (WHERE)", one that leads round "a symbolic link loop"."""
    try:
        return kind(os.stat(path).st_mode)
    except (OSError, ValueError) as exc:
        failed = exc.errno if isinstance(exc, OSError) else None
    try:
        if not stat.S_ISLNK(os.lstat(path).st_mode):
            return None
    except (OSError, ValueError):
        return None
    if failed == errno.ELOOP:
        return "a symbolic link loop"
    if failed in (errno.ENOENT, errno.ENOTDIR):
        return f"a symbolic link to a missing target ({os.path.realpath(path)})"
    return None


def in_the_way(path: Path, wanted: str) -> str | None:
    """Why `wanted` ("a folder" or "a file") cannot be written at `path`, as a message says it after its path: it,
    or a folder on its way, is something else ("it is a named pipe, not a folder"; "/x/y on the way is a file, not
    a folder"); None when nothing is in the way (each folder on its way is a folder, or absent, and what is at
    `path` is `wanted` or nothing)."""
    for place, fits in ((path, wanted), *((parent, "a folder") for parent in path.parents)):
        found = what_is(place)
        if found is None or found == fits:
            continue
        where = "it is" if place == path else f"{place} on the way is"
        return f"{where} {found}" + ("" if found.startswith("a symbolic link") else f", not {fits}")
    return None
