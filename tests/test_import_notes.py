"""`coe-paper import` of a draft's footnotes and endnotes: a note referred to by a mark of its own ("*") rather
than a number, as LibreOffice writes it, becomes a numbered `[^n]` note, without the mark left in the text; two of a
member's notes with the same words stay two notes."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from coe_paper.cli import app
from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from drafts import libreoffice_draft
from test_import import _NS, _body_draft, _import, _relate, _run, _set_part

_FODT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" '
    'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
    '<text:h text:outline-level="1">Safe streets</text:h>'
    '<text:p>Lighting matters<text:note text:id="n1" text:note-class="footnote">'
    '<text:note-citation text:label="*">*</text:note-citation>'
    "<text:note-body><text:p>Survey of twelve cities.</text:p></text:note-body></text:note> and so do benches"
    '<text:note text:id="n2" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
    "<text:note-body><text:p>A numbered note.</text:p></text:note-body></text:note>.</text:p>"
    "</office:text></office:body></office:document>\n"
)


def test_a_note_with_a_mark_of_its_own_becomes_a_numbered_note(make_project: MakeProject, tmp_path: Path) -> None:
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_FODT)
    root = make_project({"sections/03-outlook.md": None})
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(draft), "--id", "outlook", "--lead",
                                      "leipzig"])
    assert result.exit_code == 0, result.stderr
    assert "COE903 dropped custom note mark (the paper numbers its notes): 1" in result.stderr
    assert "COE905" not in result.stderr  # the note's "*" and tab are no bullet
    text = (root / "sections" / "03-outlook.md").read_text(encoding="utf-8")
    body = (split_front_matter(text) or ("", "", 0))[1]
    plain = subprocess.run([require_client("pandoc"), "-f", "commonmark_x", "-t", "plain", "--wrap=none"],
                           input=body, capture_output=True, text=True, check=True).stdout
    assert plain.split() == ["Lighting", "matters[1]", "and", "so", "do", "benches[2].", "[1]", "Survey", "of",
                             "twelve", "cities.", "[2]", "A", "numbered", "note."]


def test_two_notes_of_the_same_words_in_a_members_draft_stay_two(make_project: MakeProject, tmp_path: Path) -> None:
    """Two of a member's notes with the same words ("Ibid." after two different citations) became one note cited
    twice: an editor changing that note later changed both. Only a paper coe-paper assembled, which writes a note
    cited twice as two, has its copies joined (test_repeated_notes.py)."""
    def note(number: int, text: str) -> str:
        return f'<w:footnote w:id="{number}"><w:p><w:r><w:footnoteRef/></w:r>{_run(" " + text)}</w:p></w:footnote>'

    def cite(number: int) -> str:
        return f'<w:r><w:footnoteReference w:id="{number}"/></w:r>'

    draft = _body_draft(tmp_path, f"<w:p>{_run('Eurostat counts.')}{cite(1)}{_run(' Regions too.')}{cite(2)}"
                                  f"{_run(' The OECD counts.')}{cite(3)}{_run(' Regions too.')}{cite(4)}</w:p>")
    _set_part(draft, "word/footnotes.xml", (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {_NS}>{note(1, "Eurostat (2023).")}'
        f'{note(2, "Ibid.")}{note(3, "OECD (2022).")}{note(4, "Ibid.")}</w:footnotes>').encode())
    _relate(draft, '<Relationship Id="rNotes" Target="footnotes.xml" '
                   'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"/>')
    result, text = _import(make_project({"sections/03-outlook.md": None}), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip() == ("Eurostat counts.[^1] Regions too.[^2] The OECD counts.[^3] Regions too.[^4]\n\n"
                            "[^1]: Eurostat (2023).\n\n[^2]: Ibid.\n\n[^3]: OECD (2022).\n\n[^4]: Ibid.")
