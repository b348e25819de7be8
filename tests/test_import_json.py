"""`coe-paper import --format json`: one JSON object on stdout, for a script or a CI job, with the files written,
the conversion's warnings and validate's findings on the new section, and the exit code the text output has."""

from __future__ import annotations

import io
import json
from pathlib import Path

from typer.testing import CliRunner

from coe_paper.cli import app
from conftest import MakeProject, tiny_png


def test_import_as_json(make_project: MakeProject, tmp_path: Path) -> None:
    import docx

    draft = docx.Document()
    draft.add_heading("Outlook", 0)
    draft.add_paragraph("A chart without a description:")
    draft.add_picture(io.BytesIO(tiny_png(4, 4)))  # no alt text: COE910 on import, COE502 from validate
    draft.save(str(tmp_path / "draft.docx"))
    root = make_project({"sections/03-outlook.md": None})
    result = CliRunner().invoke(app, ["--project", str(root), "import", str(tmp_path / "draft.docx"), "--id",
                                      "outlook", "--lead", "leipzig", "--format", "json"])
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    found = json.loads(result.stdout)
    assert found["path"] == "sections/03-outlook.md" and found["validated"] is True and found["commit"] is None
    assert found["images"] == [str(root / "paper" / "images" / "outlook-1.png")]
    assert [(d["code"], d["severity"], d["path"]) for d in found["warnings"]] == [("COE910", "warning", "draft.docx")]
    assert ("COE502", "error", "sections/03-outlook.md", 11) in [
        (d["code"], d["severity"], d["path"], d["line"]) for d in found["diagnostics"]]
    assert (root / "sections" / "03-outlook.md").is_file()
