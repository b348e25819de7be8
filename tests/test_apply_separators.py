"""`coe-paper apply` and the characters Python's `str.splitlines` breaks at but git and CommonMark do not (U+2028,
U+0085): a source line holding one does not shift the lines that reports name."""

from __future__ import annotations

from pathlib import Path

from conftest import MakeProject, assembled_intro, git_commit
from reviewkit import apply_review, tracked

BODY = """\
Opening paragraph.

Table: Budget by city

| City | Budget |
|---|---|
| Rome | 10 |

Closing paragraph.
"""


def _intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text(encoding="utf-8")


def test_a_source_line_holding_a_line_separator_does_not_shift_the_lines_reported(make_project: MakeProject,
                                                                                   tmp_path: Path) -> None:  # fmt: skip
    """A change merged into a file that moved on since the build is reported at today's line, mapped line by line;
    the map split lines where `str.splitlines` does, one line too many for each U+2028 or U+0085 above."""
    root, built = assembled_intro(make_project, tmp_path, BODY.replace("Opening paragraph.",
                                                                       "Opening\u2028paragraph\x85here."))
    moved = _intro(root).replace("Closing", "A new paragraph.\n\nClosing")
    (root / "sections" / "01-intro.md").write_text(moved, encoding="utf-8")
    git_commit(root, "Move on")
    reviewed = tmp_path / "r.docx"
    tracked(built, reviewed, [("", "Closing", "Final", "Ana Rossi")])
    plan = apply_review(root, reviewed)
    assert [(o.status, o.line) for o in plan.outcomes] == [("merged", 19)]
    assert _intro(root).split("\n")[18] == "Final paragraph."
