"""Where things are, found with nothing but `os`: the project's root and the stamp of coe-paper's own code.

A command that a warm process runs (resident.py) must know both before it imports anything heavy; the section
cache (store.py) and the project (sources.py) take theirs from here, so that all of them agree.
"""

from __future__ import annotations

import os

CONFIG_PATH = "paper/paper.yaml"
SECTIONS_DIR = "sections"
PACKAGE = os.path.dirname(os.path.abspath(__file__))
_STAMPED = ("", "rules", "rules/data", "templates")  # folders of the package whose files are its code and data


def project_root(start: str) -> str | None:
    """The nearest directory at or above `start` (resolved) holding `paper/paper.yaml`, or None."""
    directory = os.path.realpath(start)
    while True:
        if os.path.isfile(os.path.join(directory, CONFIG_PATH)):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


_STAMP: list[str] = []  # code_stamp's, read once a process (not functools.cache: 4 ms to import for a caller)


def code_stamp() -> str:
    """Sizes and times of coe-paper's own source and data files, the built-in templates too: an edited module
    invalidates every cache entry and every warm process (read once a process: the code that runs is the code that
    was loaded; `read_code_stamp` reads it as it is now)."""
    if not _STAMP:
        _STAMP.append(read_code_stamp())
    return _STAMP[0]


def read_code_stamp() -> str:
    """The stamp of coe-paper's code as it is on disk now."""
    stamps = []
    for folder in _STAMPED:
        try:
            entries = list(os.scandir(os.path.join(PACKAGE, folder)))
        except OSError:
            continue
        for entry in entries:
            if (entry.name.endswith(".py") or folder not in ("", "rules")) and entry.is_file():
                info = entry.stat()
                stamps.append(f"{folder + '/' if folder else ''}{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(sorted(stamps))
