"""A footnote reference in a figure's caption (its image's title), `"Survey priorities[^src] {#fig-survey}"`: the
caption shows its words with the note's mark after them and the note is in the document (read back by pandoc and
from LibreOffice's PDF), the preview shows it the same way, `validate` no longer says the note is never referred
to, and a reviewer's edit of the caption's words or of the note goes back to the right place."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandoc_ast
from coe_paper import pipeline, site
from conftest import MakeProject, assembled_intro, require_client, section_text, tiny_png
from libreoffice_review import review
from reviewkit import apply_review

BODY = """\
Opening paragraph with a note.[^a]

![A chart](../paper/images/chart.png "Survey priorities[^src] {#fig-survey}")

See [Figure 1](#fig-survey), and a last note.[^b]

[^a]: Note on the opening.
[^src]: Member survey, spring 2024.
[^b]: Note at the end.
"""
CHART = {"paper/images/chart.png": tiny_png(4, 4)}


def _intro(root: Path) -> str:
    return (root / "sections" / "01-intro.md").read_text(encoding="utf-8")


def test_a_figure_captions_note_follows_its_words_in_the_document(make_project: MakeProject, tmp_path: Path) -> None:
    pandoc = require_client("pandoc")
    _, docx = assembled_intro(make_project, tmp_path, BODY, CHART)
    native = json.loads(subprocess.run([pandoc, str(docx), "-t", "json"], capture_output=True, text=True,
                                       check=True).stdout)
    [caption] = [n for n in pandoc_ast.walk(native["blocks"])
                 if n.get("t") == "Para" and "Survey priorities" in pandoc_ast.text(n)]
    words = caption["c"]
    assert [n.get("t") for n in words].count("Note") == 1, "the caption's note was left out"
    assert pandoc_ast.text(words).startswith("Figure 1: Survey priorities") and words[-1]["t"] == "Note"
    assert pandoc_ast.text(words[-1]["c"]) == "Member survey, spring 2024."
    notes = [pandoc_ast.text(n["c"]) for n in pandoc_ast.walk(native["blocks"]) if n.get("t") == "Note"]
    assert notes == ["Note on the opening.", "Member survey, spring 2024.", "Note at the end."]
    plain = subprocess.run([pandoc, str(docx), "-t", "plain"], capture_output=True, text=True, check=True).stdout
    assert "[^src]" not in plain


def test_a_figure_captions_note_is_numbered_in_reading_order_in_the_pdf(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    from test_roundtrip import pdf_text, soffice_convert

    _, docx = assembled_intro(make_project, tmp_path, BODY, CHART)
    text = pdf_text(soffice_convert(docx, "pdf", tmp_path / "pdf"))
    assert "Figure 1: Survey priorities2" in text and "[^src]" not in text
    assert "2 Member survey, spring 2024." in text and "3 Note at the end." in text


def test_validate_counts_a_figure_captions_reference(make_project: MakeProject) -> None:
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction"), **CHART})
    found = pipeline.check(root).diagnostics
    assert not [d for d in found if d.code in ("COE604", "COE605")], [str(d) for d in found]


def test_the_preview_shows_a_figure_captions_note(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project({"sections/01-intro.md": section_text("intro", BODY, title="Introduction"), **CHART})
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, [str(d) for d in built.diagnostics]
    page = built.page.read_text(encoding="utf-8")
    assert "<figcaption>Figure 1: Survey priorities<sup class=\"footnote-ref\">" in page
    assert "[^src]" not in page and "Member survey, spring 2024." in page


def test_a_reviewers_edits_of_the_caption_and_its_note_go_to_their_places(make_project: MakeProject,
                                                                        tmp_path: Path) -> None:
    root, docx = assembled_intro(make_project, tmp_path, BODY, CHART)
    reviewed = review(docx, tmp_path / "r.docx", [("replace", "Survey priorities", "Survey themes"),
                                                  ("replace", "spring 2024", "April 2024"),
                                                  ("replace", "at the end", "at the close")], tmp_path)
    plan = apply_review(root, reviewed)
    assert not plan.findings, plan.findings
    after = _intro(root)
    assert '"Survey themes[^src] {#fig-survey}"' in after
    assert "[^src]: Member survey, April 2024." in after and "[^b]: Note at the close." in after
    assert "[^a]: Note on the opening." in after


def test_import_of_the_assembled_paper_keeps_a_figure_captions_note(make_project: MakeProject,
                                                                   tmp_path: Path) -> None:
    from coe_paper.importer import Options, import_draft

    _, docx = assembled_intro(make_project, tmp_path, BODY, CHART)
    body = import_draft(docx, Options("intro")).body
    assert '"Survey priorities[^2] {#fig-survey}")' in body
    assert "[^2]: Member survey, spring 2024." in body and "[^3]: Note at the end." in body
