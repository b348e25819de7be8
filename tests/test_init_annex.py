"""What `coe-paper init` writes, as the first build shows it: the placeholder organisations in the annex."""

from __future__ import annotations

import subprocess
from pathlib import Path

from typer.testing import CliRunner

from coe_paper.cli import app
from conftest import require_client


def test_init_s_placeholder_coordinators_are_listed_among_the_member_states(tmp_path: Path) -> None:
    """The placeholders are a city and a Member State: the annex of the first build lists them as organisations from
    Member States, not as Commission services, though their country is still the placeholder's."""
    root = tmp_path / "paper"
    assert CliRunner().invoke(app, ["init", str(root), "--name", "Housing Partnership"]).exit_code == 0
    assert "to replace" in next(line for line in (root / "contributors.yaml").read_text().splitlines()
                                if line.strip().startswith("country:"))
    built = CliRunner().invoke(app, ["--project", str(root), "assemble", "--no-layout"])
    assert built.exit_code == 0, built.output
    docx = root / "build/orientation-paper.docx"
    text = subprocess.run([require_client("pandoc"), "-t", "plain", "--wrap=none", str(docx)],
                          capture_output=True, text=True, check=True).stdout
    annex = text[text.rindex("Annex: contributors"):]
    assert "Organisations from Member States" in annex
    assert "European Commission services" not in annex
    heading = annex.index("Organisations from Member States")
    for name in ("First coordinating organisation (to replace)", "Second coordinating organisation (to replace)"):
        assert annex.index(name) > heading, name
