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


def test_a_city_left_with_init_s_placeholder_country_is_named_without_one(tmp_path: Path) -> None:
    """The annex's country column read "European Union" for a city left at `country: EU` (init's placeholder), as
    if it were a country, and validate said nothing: validate warns at the line of each such country now, and the
    annex and the preview's shares say that the country is to be given."""
    root = tmp_path / "paper"
    assert CliRunner().invoke(app, ["init", str(root), "--name", "Housing Partnership"]).exit_code == 0
    lines = (root / "contributors.yaml").read_text(encoding="utf-8").splitlines()
    countries = [number for number, line in enumerate(lines, 1) if line.strip().startswith("country: EU")]
    checked = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert checked.exit_code == 0, checked.output
    assert [line for line in checked.stderr.splitlines() if "COE205" in line] == [
        f"contributors.yaml:{countries[0]}:14: warning COE205 organisation 'coordinator-one' (kind city) is given "
        "country EU, a placeholder: the annex names no country for it",
        f"contributors.yaml:{countries[1]}:14: warning COE205 organisation 'coordinator-two' (kind member-state) is "
        "given country EU, a placeholder: the annex names no country for it"]
    built = CliRunner().invoke(app, ["--project", str(root), "assemble", "--no-layout"])
    assert built.exit_code == 0, built.output
    text = subprocess.run([require_client("pandoc"), "-t", "plain", "--wrap=none",
                           str(root / "build/orientation-paper.docx")], capture_output=True, text=True,
                          check=True).stdout
    annex = text[text.rindex("Annex: contributors"):]
    assert "European Union" not in annex
    assert annex.count("(country to be given)") == 2, annex
    assert CliRunner().invoke(app, ["--project", str(root), "preview"]).exit_code == 0
    page = (root / "build/site/index.html").read_text(encoding="utf-8")
    assert "European Union" not in page and "(country to be given)" in page


def test_an_eu_body_keeps_the_european_union_as_its_country(tmp_path: Path) -> None:
    """Country EU is no placeholder for a Commission service or a network: no warning, and the preview names it."""
    root = tmp_path / "paper"
    assert CliRunner().invoke(app, ["init", str(root), "--name", "Housing Partnership"]).exit_code == 0
    members = root / "contributors.yaml"
    text = members.read_text(encoding="utf-8").replace("kind: city", "kind: eu-institution").replace(
        "kind: member-state", "kind: network")
    members.write_text(text, encoding="utf-8")
    checked = CliRunner().invoke(app, ["--project", str(root), "validate"])
    assert checked.exit_code == 0 and "COE205" not in checked.stderr, checked.output
    assert CliRunner().invoke(app, ["--project", str(root), "preview"]).exit_code == 0
    page = (root / "build/site/index.html").read_text(encoding="utf-8")
    assert "European Union" in page and "to be given" not in page


def test_a_name_the_project_could_not_validate_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    """`init --name` of 201 characters, or with a right-to-left override left open, wrote every file, then said the
    project did not validate until "the files that were in the folder already" were corrected: there were none,
    and the name was init's own. It is refused, with nothing written."""
    for name, said in (("N" * 201, "--name is 201 characters, over the 200"),
                       ("Ro\u202eme", "--name holds a bidirectional control")):
        root = tmp_path / f"paper-{len(name)}"
        result = CliRunner().invoke(app, ["init", str(root), "--name", name])
        assert result.exit_code == 2 and said in result.stderr, result.output
        assert not root.exists() or not any(root.iterdir()), list(root.iterdir())
    result = CliRunner().invoke(app, ["init", str(tmp_path / "longest"), "--name", "N" * 200])
    assert result.exit_code == 0, result.output
    checked = CliRunner().invoke(app, ["--project", str(tmp_path / "longest"), "validate"])
    assert checked.exit_code == 0 and "0 errors" in checked.stderr, checked.output
