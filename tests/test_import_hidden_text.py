"""`coe-paper import` of text in places a reader may skip: a field that never ends, a SmartArt diagram. Every word
of the draft's body either comes into the section or is named in a warning; pandoc, reading the same draft, is
the independent witness of the words Word's file holds."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import, _run


def _pandoc_words(draft: Path) -> list[str]:
    plain = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", "--wrap=none", str(draft)],
                           capture_output=True, text=True, check=True).stdout  # fmt: skip
    return plain.split()


def _body_words(text: str) -> list[str]:
    return (split_front_matter(text) or ("", "", 0))[1].split()


def test_the_text_after_a_field_that_never_ends_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A field that begins and never reaches its result or its end (a damaged or hand-made draft) hid the rest of
    the draft as its instruction: the section ended at the field, without a word said."""
    unended = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents rose ')}{unended}{_run('in twelve cities.')}</w:p>"
                                  f"<w:p>{_run('Wages did not.')}</w:p>")  # fmt: skip
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body_words(text) == ["Rents", "rose", "in", "twelve", "cities.", "Wages", "did", "not."]
    assert _body_words(text) == _pandoc_words(draft)  # pandoc leaves the Title out of plain text
    assert "warning COE903 dropped field PAGE that never ends (the text after it kept): 1" in result.stderr
