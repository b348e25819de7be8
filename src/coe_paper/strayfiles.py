"""Markdown files in `sections/` that are not read as sections (COE106): a name not ending in '.md', or a file in
a folder inside `sections/`. Their text would be left out of the paper without a word."""

from __future__ import annotations

import os
from pathlib import Path

from .diagnostics import Diagnostic, warning
from .locate import SECTIONS_DIR

_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")  # as other tools name Markdown; in any case
_WALKED = 10_000  # entries of sections/'s folders looked at, at most (a folder of pictures is a few dozen)


def in_folders(root: Path) -> list[Diagnostic]:
    """COE106 for a Markdown file in a folder inside `sections/` (of the work tree; links not followed): only the
    files of `sections/` itself are sections, so its text would be left out of the paper without a word."""
    found: list[Diagnostic] = []
    base = root / SECTIONS_DIR
    if base.is_symlink() or not base.is_dir():
        return found
    seen = 0
    for folder, folders, files in os.walk(base):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        seen += len(folders) + len(files)
        if seen > _WALKED:
            break
        if Path(folder) == base:
            continue
        for name in sorted(files):
            if name.lower().endswith(_MARKDOWN_SUFFIXES):
                path = (Path(folder) / name).relative_to(root).as_posix()
                stem = name.rsplit(".", 1)[0]
                found.append(warning(path, 0, 0, "COE106", "a Markdown file in a folder of sections/ is not read as "
                                     "a section: only the files of sections/ itself are",
                                     f"move it to {SECTIONS_DIR}/{stem}.md"))  # fmt: skip
    return found


def misnamed(path: str) -> list[Diagnostic]:
    """COE106 for a file of `sections/` named as Markdown but not '.md' (only '.md' files are sections)."""
    if not path.lower().endswith(_MARKDOWN_SUFFIXES):
        return []
    stem = path.rsplit("/", 1)[1].rsplit(".", 1)[0]
    return [warning(path, 0, 0, "COE106", "a Markdown file that is not read as a section: only names ending in '.md' "
                    "are", f"rename it to {SECTIONS_DIR}/{stem}.md")]  # fmt: skip
