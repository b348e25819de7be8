"""`coe-paper import` of drafts as members send them, made by the programs they use: a contents list LibreOffice
saved from an .odt (its entries in the Normal style, only the content control around them says what they are)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from drafts import libreoffice_draft
from test_import import NO_OUTLOOK, _import

_FODT = """\
<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" \
office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>
<text:h text:outline-level="1">Safe streets</text:h>
<text:table-of-content text:name="Contents1"><text:table-of-content-source text:outline-level="3">\
<text:index-title-template>Contents</text:index-title-template></text:table-of-content-source><text:index-body>
<text:index-title text:name="Contents1_Head"><text:p text:style-name="Contents_20_Heading">Contents</text:p>\
</text:index-title>
<text:p text:style-name="Contents_20_1">Safe streets<text:tab/>1</text:p>
<text:p text:style-name="Contents_20_2">Lighting<text:tab/>1</text:p>
</text:index-body></text:table-of-content>
<text:h text:outline-level="2">Lighting</text:h>
<text:p>Rents rose where the streets were lit.</text:p>
</office:text></office:body></office:document>
"""


def test_a_contents_list_libreoffice_saved_is_left_out_as_contents(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice writes an .odt's contents list to .docx in the Normal style, inside a content control marked as
    a table of contents: its title and entries ('Lighting 1') came in as paragraphs of the section."""
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_FODT)
    plain = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(draft)], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert "Lighting 1" in plain  # the entries are in the draft as text, as pandoc reads it
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip() == "## Lighting\n\nRents rose where the streets were lit."
    assert "warning COE903 dropped table of contents entries (Word makes them from the headings): 3" in result.stderr

