"""Long lines and paragraphs a member may paste: the editorial checks read them in time in proportion to their length.
A line of backticks of growing runs (20 KB) took 18 s, an e-mail-like run of 40 KB 30 s, a paragraph of 10,000 words
19 s, and a line of a megabyte, within the section's limit, would have taken hours: each search tried again at every
character, or split the whole paragraph at every short unknown word. The lines below, four to twelve times those,
took minutes each; the time limit of the run only says the check came to an end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

import coe_paper
from coe_paper.rules.text import MASK, code_spans_masked, mask
from conftest import MakeProject, section_text

INTRO = "sections/01-intro.md"
OPENING = "Members of the partnership wrote this paragraph so the section has enough words.\n\n"
LINES = {  # each took minutes (four times the time for twice the length) and takes seconds
    "backticks": " ".join("`" * n for n in range(1, 600)),  # 180 KB
    "e-mail": "Contact " + "a." * 80_000 + "@ for details.",
    "address": "a." * 240_000 + " ://",
    "paragraph": "Abc abc " * 40_000,
}


@pytest.mark.parametrize("name", sorted(LINES))
def test_a_long_hostile_line_is_checked_and_reported(make_project: MakeProject, name: str) -> None:
    root = make_project({INTRO: section_text("intro", OPENING + LINES[name] + "\n", title="Introduction")})
    env = {**os.environ, "PYTHONPATH": str(Path(coe_paper.__file__).resolve().parents[1]), "COE_PAPER_RESIDENT": "0"}
    proc = subprocess.run([sys.executable, "-m", "coe_paper", "--project", str(root), "validate"], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # hours before
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    if name != "backticks":  # code spans, all of it: no prose to find anything in
        assert f"{INTRO}:11:" in proc.stderr  # the line's findings (its length, its words) name it


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="a `", max_size=40))
def test_code_spans_are_masked_where_commonmark_reads_them(line: str) -> None:
    """What is left of a line once its code spans are masked is the text markdown-it reads outside them."""
    tokens = MarkdownIt("commonmark").parseInline(line)[0].children or []
    assert code_spans_masked(line).replace(MASK, "") == "".join(t.content for t in tokens if t.type == "text")


@pytest.mark.parametrize(("line", "kept"), [
    ("Write to a.b+c@example.org today.", "Write to  today."),
    ("See https://example.org/x, and www.europa.eu.", "See , and ."),
    ("1.http://example.org", "1."),  # a scheme starts with a letter
    ("A note[^note-1] and [^a [^b].", "A note and [^a ."),  # a label holds no bracket
])
def test_the_masks_written_for_linear_time_mask_what_they_masked(line: str, kept: str) -> None:
    assert mask(line).replace(MASK, "") == kept
