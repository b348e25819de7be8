"""Attribution with a threshold: an organisation found only in git history is named in a byline when it holds at
least `attribution.min_share` of the section's current lines (default 5%); declared contributors always are."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coe_paper import compose, pipeline
from coe_paper.cli import app
from conftest import GIT_ENV, PAPER_YAML, MakeProject, git_commit, section_text

LONG_BODY = "## Homes for all\n\n" + "".join(f"Line {n} of the housing chapter, written by the lead city.\n\n"
                                             for n in range(1, 41))
CONTRIBUTORS = """\
organisations:
  - {id: rome, name: Metropolitan City of Rome, short: Rome, kind: metropolitan-area, country: IT,
     role: coordinator, emails: [rome@example.org]}
  - {id: anct, name: ANCT, kind: other, country: FR, role: coordinator, domains: [anct.example.org]}
  - {id: leipzig, name: City of Leipzig, short: Leipzig, kind: city, country: DE, domains: [leipzig.example.de]}
  - {id: ghent, name: City of Ghent, short: Ghent, kind: city, country: BE, domains: [ghent.example.be]}
"""
LEIPZIG = {"GIT_AUTHOR_NAME": "Lena", "GIT_AUTHOR_EMAIL": "lena@leipzig.example.de",
           "GIT_AUTHOR_DATE": "2024-02-02T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-02-02T10:00:00+00:00"}


def _paper(make_project: MakeProject, paper_extra: str = "") -> Path:
    root = make_project({
        "paper/paper.yaml": PAPER_YAML.replace("max_words: 200", "max_words: 2000") + paper_extra,
        "contributors.yaml": CONTRIBUTORS,
        "sections/02-housing.md": section_text("housing", LONG_BODY, title="Housing", lead="ghent",
                                               contributors="[]"),
    }, git=True)
    housing = root / "sections/02-housing.md"
    text = housing.read_text(encoding="utf-8")
    housing.write_text(text.replace("Line 7 of the housing chapter", "Line 7 of our shared housing chapter, amended"),
                       encoding="utf-8")
    git_commit(root, "A four-word edit", env=LEIPZIG)
    return root


def _housing_credits(root: Path) -> list[str]:
    loaded = pipeline.check(root)
    assert loaded.project is not None
    return compose.credits_for(loaded.project, loaded.history).contributors["housing"]


def test_a_small_edit_by_another_city_does_not_put_it_in_the_byline(make_project: MakeProject) -> None:
    root = _paper(make_project)
    loaded = pipeline.check(root)
    assert loaded.history is not None and loaded.project is not None
    found = loaded.history.for_path("sections/02-housing.md")
    assert found is not None and found.lines_by_org.get("leipzig") == 1 and found.share("leipzig") < 0.05
    # Rome (who committed the file for Ghent) holds every other line: found in history, over the threshold.
    assert _housing_credits(root) == ["rome"]
    rows = {row["id"]: row for row in json.loads(CliRunner().invoke(
        app, ["--project", str(root), "contributors", "--format", "json"]).stdout)}
    assert rows["leipzig"]["contributed"] == ["intro"] and rows["leipzig"]["lines"] == 1  # intro declares it


def test_the_threshold_comes_from_paper_yaml(make_project: MakeProject) -> None:
    assert _housing_credits(_paper(make_project, "attribution:\n  min_share: 0\n")) == ["rome", "leipzig"]
    assert _housing_credits(_paper(make_project, "attribution:\n  min_share: 0.99\n")) == []


def test_a_declared_contributor_is_named_whatever_its_share(make_project: MakeProject) -> None:
    root = _paper(make_project)
    housing = root / "sections/02-housing.md"
    housing.write_text(housing.read_text(encoding="utf-8").replace("contributors: []", "contributors: [leipzig]"),
                       encoding="utf-8")
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "Credit Leipzig"], env=env, check=True)
    assert _housing_credits(root) == ["leipzig", "rome"]


def test_min_share_out_of_range_is_a_schema_error(make_project: MakeProject) -> None:
    root = make_project({"paper/paper.yaml": PAPER_YAML + "attribution:\n  min_share: 5\n"})
    loaded = pipeline.load(root)
    assert [(d.code, d.path, d.line) for d in loaded.diagnostics] == [("COE002", "paper/paper.yaml", 20)]


def test_a_repository_of_another_user_gets_a_clear_message(make_project: MakeProject,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    if os.geteuid() != 0:
        pytest.skip("changing a repository's owner needs root")
    root = make_project(git=True)
    subprocess.run(["chown", "-R", "65534:65534", str(root)], check=True)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)  # no safe.directory from the machine's configuration
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    [problem] = [d for d in pipeline.check(root).diagnostics if d.code == "COE204"]
    assert "another user owns it" in problem.message and f"safe.directory {root}" in problem.message
