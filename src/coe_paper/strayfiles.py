"""Files in `sections/` named so that they go astray. COE106: Markdown not read as a section (a name not ending in
'.md', or a file in a folder inside `sections/`), its text left out of the paper without a word. COE107: a name a
checkout on Windows cannot hold (a device name such as `aux.md`, a character such as `:` or `\\`), which stops a
member on Windows from cloning the paper, or leaves the file out of their copy."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .diagnostics import Diagnostic, error, warning
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
                                     f"move it to {SECTIONS_DIR}/{stem}.md"))
    return found


def misnamed(path: str) -> list[Diagnostic]:
    """COE106 for a file of `sections/` named as Markdown but not '.md' (only '.md' files are sections)."""
    if not path.lower().endswith(_MARKDOWN_SUFFIXES):
        return []
    stem = path.rsplit("/", 1)[1].rsplit(".", 1)[0]
    return [warning(path, 0, 0, "COE106", "a Markdown file that is not read as a section: only names ending in '.md' "
                    "are", f"rename it to {SECTIONS_DIR}/{stem}.md")]


_DEVICE = re.compile(r"(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\.|$)", re.IGNORECASE)
_FORBIDDEN = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def unportable(path: str) -> list[Diagnostic]:
    """COE107 for a file of `sections/` whose name Windows cannot hold: git for Windows refuses to check it out
    ("invalid path"), so a member there cannot clone the paper."""
    name = path.rsplit("/", 1)[1]
    if (device := _DEVICE.match(name)) is not None:
        why = f"'{device.group(1)}' is the name of a device on Windows, whatever follows its dot"
    elif (bad := _FORBIDDEN.search(name)) is not None:
        char = bad.group()
        shown = f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"
        why = f"Windows allows no {shown} in a file name"
    elif name.endswith((" ", ".")):
        why = "Windows drops a space or full stop at the end of a file name"
    else:
        return []
    return [error(path, 0, 0, "COE107", f"a checkout on Windows cannot hold this file: {why}",
                  f"rename it with letters, digits and hyphens, e.g. {SECTIONS_DIR}/03-outlook.md")]
