"""What a paper's CI installs: `init --install`, its default (the coe-paper that runs init, named as pip fetches it
from where it came, read from pip's own record of the install), and validate's COE014 for a CI file whose
requirement pip cannot install on a fresh machine. Requirements are read back with `packaging`, pip's parser."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from typer.testing import CliRunner

from coe_paper import ci_install, forge
from coe_paper.cli import app
from conftest import GIT_ENV
from test_forge import _actionlint, _check_jsonschema

TAGGED = "coe-paper @ git+https://gitlab.com/urban-agenda/coe-paper.git@v0.2.0"


def _git(*args: str) -> str:
    run = subprocess.run(["git", *args], env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
    return run.stdout.strip()


def _clone(tmp_path: Path, remote: str) -> tuple[Path, str]:
    """A clone of coe-paper's repository as `scripts/paper.sh` installs from, its `origin` at `remote`."""
    source = tmp_path / "upstream"
    source.mkdir()
    (source / "pyproject.toml").write_text("[project]\nname = 'coe-paper'\n", encoding="utf-8")
    _git("init", "-q", "-b", "main", str(source))
    _git("-C", str(source), "add", "-A")
    _git("-C", str(source), "commit", "-q", "-m", "coe-paper")
    clone = tmp_path / "coe paper"
    _git("clone", "-q", str(source), str(clone))
    _git("-C", str(clone), "remote", "set-url", "origin", remote)
    return clone, _git("-C", str(clone), "rev-parse", "HEAD")


def _pip_reads(requirement: str) -> Requirement:
    parsed = Requirement(requirement)
    assert parsed.name == "coe-paper", requirement
    return parsed


@pytest.mark.parametrize("remote", ["https://gitlab.com/urban-agenda/coe-paper.git",
                                    "git@gitlab.com:urban-agenda/coe-paper.git",
                                    "https://ana:glpat-s3cr3t@gitlab.com/urban-agenda/coe-paper.git"])
def test_a_coe_paper_installed_from_a_clone_is_installed_in_ci_from_the_clone_s_remote_at_its_commit(
        tmp_path: Path, remote: str) -> None:
    """The CI files init wrote installed `coe-paper==0.1.0` from the package index, which does not have it: CI
    failed at its first step. A coe-paper installed from a clone (README's way, `pip install -e .`) is fetched by
    CI from the clone's remote, at the commit it was installed at (over https: CI has no ssh key), without the user
    name and token a remote may hold (they were written into the CI file and README, to be committed and pushed)."""
    clone, commit = _clone(tmp_path, remote)
    record = json.dumps({"url": clone.as_uri(), "dir_info": {"editable": True}})
    found = ci_install.from_direct_url(record, "0.1.0")
    assert found.local == ""
    parsed = _pip_reads(found.requirement)
    assert parsed.url == f"git+https://gitlab.com/urban-agenda/coe-paper.git@{commit}"
    assert "s3cr3t" not in found.requirement and "ana" not in found.requirement


def test_the_coe_paper_ci_installs_is_where_pip_installed_the_running_one_from(tmp_path: Path) -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    vcs = {"url": "https://github.com/urban-agenda/coe-paper", "vcs_info": {"vcs": "git", "commit_id": commit}}
    assert _pip_reads(ci_install.from_direct_url(json.dumps(vcs), "0.1.0").requirement).url == \
        f"git+https://github.com/urban-agenda/coe-paper@{commit}"
    wheel = "https://example.org/dist/coe_paper-0.1.0-py3-none-any.whl"
    archive = {"url": wheel, "archive_info": {"hashes": {"sha256": "0" * 64}}}
    assert _pip_reads(ci_install.from_direct_url(json.dumps(archive), "0.1.0").requirement).url == wheel
    assert ci_install.from_direct_url(None, "0.3.0") == ci_install.Origin("coe-paper==0.3.0")  # from an index
    alone = tmp_path / "no-remote"
    alone.mkdir()  # a folder that is no clone of a server's repository: CI cannot reach it, and init says so
    local = ci_install.from_direct_url(json.dumps({"url": alone.as_uri(), "dir_info": {}}), "0.1.0")
    assert local == ci_install.Origin("coe-paper==0.1.0", str(alone))


def _ci_value(path: Path, *keys: str) -> object:
    found: object = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key in keys:
        assert isinstance(found, dict)
        found = found[key]
    return found


def test_init_install_is_what_both_forges_ci_and_the_readme_install(tmp_path: Path) -> None:
    root = tmp_path / "paper"
    result = CliRunner().invoke(app, ["init", str(root), "--forge", "gitlab", "--install", TAGGED])
    assert result.exit_code == 0, result.output
    other = tmp_path / "other"
    result = CliRunner().invoke(app, ["init", str(other), "--forge", "github", "--install", TAGGED])
    assert result.exit_code == 0, result.output
    assert _ci_value(root / forge.GITLAB_CI, "variables", "COE_PAPER") == TAGGED
    assert _ci_value(other / forge.GITHUB_WORKFLOW, "env", "COE_PAPER") == TAGGED
    readme = (root / "README.md").read_text(encoding="utf-8")
    command = readme.split("(`pip install ", 1)[1].split("`", 1)[0]
    assert shlex.split(command) == [TAGGED]  # one argument in a shell
    for path in (root / forge.GITLAB_CI, other / forge.GITHUB_WORKFLOW):
        assert f"COE_PAPER: {json.dumps(TAGGED)}" in path.read_text(encoding="utf-8")
    run = subprocess.run([_actionlint(), "-no-color", str(other / forge.GITHUB_WORKFLOW)], capture_output=True,
                         text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    run = subprocess.run([_check_jsonschema(), "--builtin-schema", "vendor.gitlab-ci", str(root / forge.GITLAB_CI)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    validate = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    assert "COE014" not in {d["code"] for d in json.loads(validate.stdout)}


@pytest.mark.parametrize("install", ["/home/me/coe-paper", "coe-paper @ file:///home/me/coe-paper", ".", "pandoc",
                                     "", "coe-paper==0.1.0 --index-url http://x",
                                     "coe-paper @ git+https://h/g/coe-paper@v1 # the tag"])
def test_init_refuses_what_ci_cannot_install(tmp_path: Path, install: str) -> None:
    result = CliRunner().invoke(app, ["init", str(tmp_path / "paper"), "--install", install])
    assert result.exit_code == 2, result.output
    assert "--install" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "paper").exists()


@pytest.mark.parametrize(("written", "why"), [
    ('"coe-paper @ file:///home/me/coe-paper"', "a folder or file on one machine"),
    ("/home/me/coe-paper", "a folder or file on one machine"),
    ('"."', "'.' names this folder, which holds no Python project"),
    ("'coe_paper[dev]==0.1.0'", None),
    ('"pandoc==3.1"', "it installs 'pandoc', not coe-paper"),
    (f'"{TAGGED}"  # the tagged release', None),
    ('"coe-paper @ git+https://ana:glpat-s3cr3t@gitlab.com/urban-agenda/coe-paper.git@v1"', "user name or password"),
    ('"coe-paper @ git+https://h/g/coe-paper@v1 # the tag"', "more than one requirement"),
])
def test_validate_warns_of_a_ci_file_that_installs_what_pip_cannot(tmp_path: Path, written: str,
                                                                   why: str | None) -> None:
    """A CI file whose `COE_PAPER` pip cannot install fails CI at its first step, far from where it is set: validate
    says so, at the value, in the GitLab and the GitHub file alike."""
    root = tmp_path / "paper"
    assert CliRunner().invoke(app, ["init", str(root), "--install", "coe-paper==0.1.0"]).exit_code == 0
    (root / ".github/workflows").mkdir(parents=True)
    (root / forge.GITHUB_WORKFLOW).write_text(forge.github_workflow(), encoding="utf-8")
    for path in (forge.GITLAB_CI, forge.GITHUB_WORKFLOW):
        text = (root / path).read_text(encoding="utf-8")
        (root / path).write_text(text.replace('COE_PAPER: "coe-paper==0.1.0"', f"COE_PAPER: {written}"), "utf-8")
    validate = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    found = [d for d in json.loads(validate.stdout) if d["code"] == "COE014"]
    if why is None:
        assert found == []
        return
    assert sorted((d["path"], d["line"], d["column"], d["severity"]) for d in found) == [
        (forge.GITHUB_WORKFLOW, 16, 14, "warning"), (forge.GITLAB_CI, 13, 14, "warning")]
    assert all(why in d["message"] for d in found), found
