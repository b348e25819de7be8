"""COE790: inline suppressions (`<!-- coe-paper: ignore COE7xx reason -->`) that suppress nothing.

The engine reads suppressions with the prose (text.py) and reports this rule itself once the section's rules ran:
a comment alone on its line covers the next line, a comment within a line covers that line.
"""

from __future__ import annotations

from .registry import declare

declare("COE790", "inline suppression that suppresses nothing (no code, not an editorial code, no such finding)",
        "coe-paper (as ruff's unused-noqa, RUF100)")
