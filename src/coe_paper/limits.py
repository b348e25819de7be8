"""Bounds on what coe-paper reads and computes, so that hostile or broken input ends in a diagnostic, never in a
hang or a machine out of memory. A genuine paper stays far inside every one of them (see the README, "What is
refused and why"). Tests swap `LIMITS` for smaller values; code reads `limits.LIMITS` at the time of use."""

from __future__ import annotations

import os
from dataclasses import dataclass

TYPE_CHECKING = False  # as in resident.py: this module imports nothing it does not need at run time
if TYPE_CHECKING:
    from typing import BinaryIO


@dataclass(frozen=True)
class Limits:
    """The bounds on every input coe-paper reads: sizes, counts, depths and times."""

    section_bytes: int = 1024 * 1024  # one section file, checked before it is read (a long section is ~20 KB)
    yaml_bytes: int = 1024 * 1024  # paper.yaml, contributors.yaml (front matter counts within its section)
    template_bytes: int = 256 * 1024  # one Jinja2 template file
    image_bytes: int = 64 * 1024 * 1024  # one picture or logo: the size of a part coe-paper reads back from Word
    image_pixels: int = 100_000_000  # one picture's width times height (a full page at 300 dpi: about 9 million)
    gif_blocks: int = 1_000_000  # blocks of one GIF, walked to find its end (a 64 MB GIF has about 260,000)
    yaml_values: int = 100_000  # values of one YAML document once every alias is expanded (alias bombs)
    yaml_depth: int = 64  # nesting of YAML collections
    yaml_digits: int = 1000  # digits of a YAML integer (Python refuses to convert past 4,300)
    markdown_nesting: int = 100  # block nesting markdown-it parses (deeper text would be dropped: COE404)
    link_chars: int = 2048  # one link's address (a long genuine one, with its query: a few hundred)
    markdown_brackets: int = 10_000  # '[' in one section: markdown-it seeks each one's end (0.15 ms; a long one ~100)
    draft_pictures: int = 1000  # pictures (distinct parts) in a member's draft that import writes out, each a file
    word_list_levels: int = 9  # list levels Word numbering has; deeper items are shown at the ninth (COE403)
    template_output: int = 1_000_000  # characters one template may produce (and any one value it builds)
    template_seconds: float = 10.0  # time all renderings of the templates may take together, per build
    git_seconds: float = 120.0  # one reading git command (blame of a section with years of history: well under 1 s)


LIMITS = Limits()


def mib(size: int) -> str:
    """A size in bytes for a message: '1 MB', '1.5 MB', '256 KB', '16 bytes'."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            value = size / scale
            shown = f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:.0f}"
            return f"{shown} {unit}"
    return f"{size} bytes"


def processors() -> int:
    """How many processors this process may use (the bound on work done side by side)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def read_within(handle: BinaryIO, size: int, limit: int) -> bytes:
    """The bytes of an open file whose size was `size` (within `limit`), to one byte past `limit` at most. Not
    `read(limit + 1)`: that sets aside the whole limit first, for every file."""
    data = handle.read(size + 1)
    if len(data) > size:  # the file grew since: read on, to one byte past the limit at most
        data += handle.read(limit + 1 - len(data))
    return data
