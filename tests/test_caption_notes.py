"""Footnotes in a table and in its `Table:` caption written after the table, which the paper shows above it: every
reference shows its own note in LibreOffice (read back through its HTML export)."""

from __future__ import annotations

import html
import re
import subprocess
from pathlib import Path

import pytest

from coe_paper import pipeline
from conftest import MakeProject, require_client, section_text

BODY = """\
## Budgets

Opening paragraph with a note.[^a]

| City | Budget |
|---|---|
| Rome | 10[^cell] |
| Lyon | 20[^lyon] |

Table: Budget by city[^cap]

Closing paragraph citing the first again[^a] and another note.[^b]

[^a]: Note on the opening.
[^cell]: Note in the cell.
[^lyon]: Note on Lyon.
[^cap]: Note on the caption.
[^b]: Note on the closing.
"""


@pytest.fixture
def built(make_project: MakeProject, tmp_path: Path) -> tuple[Path, Path]:
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction")}, git=True)
    done = pipeline.assemble(root, tmp_path / "paper.docx")
    assert done.output is not None, done.diagnostics
    return root, done.output


def _libreoffice_notes(docx: Path, tmp_path: Path) -> list[tuple[str, str]]:
    """The note LibreOffice shows at each reference, after the word the reference follows, in reading order."""
    subprocess.run([require_client("soffice"), "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "html", "--outdir", str(tmp_path / "html"), str(docx)], check=True,
                   capture_output=True, timeout=180)  # fmt: skip
    page = (tmp_path / "html" / docx.with_suffix(".html").name).read_text(encoding="utf-8", errors="replace")
    notes = {n: " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())
             for n, text in re.findall(r'<div id="sdfootnote(\d+)">.*?</a>(.*?)</div>', page, re.S)}  # fmt: skip
    return [(before, notes[number])
            for before, number in re.findall(r'([^>\s]+)<a class="sdfootnoteanc" name="sdfootnote(\d+)anc"', page)]


def test_each_reference_shows_its_own_note_in_libreoffice(built: tuple[Path, Path], tmp_path: Path) -> None:
    assert _libreoffice_notes(built[1], tmp_path) == [
        ("note.", "Note on the opening."), ("city", "Note on the caption."), ("10", "Note in the cell."),
        ("20", "Note on Lyon."), ("again", "Note on the opening."), ("note.", "Note on the closing.")]
