"""`coe-paper init` and the files that run a paper on its forge: the CI files (actionlint for GitHub's, structure
for GitLab's, each forge's schema for both, and the coe-paper steps both name, run on a temporary repository with a
merge request's history), the pre-commit hook (`pre-commit try-repo`), and the same files in this repository."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from coe_paper import forge, scaffold, schema, site
from coe_paper.cli import app
from conftest import GIT_ENV, REPO_ROOT, require_client

GITLAB_KEYWORDS = {"workflow", "stages", "variables", "default", "include"}


def _init(tmp_path: Path, *args: str) -> Path:
    root = tmp_path / "paper"
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership", *args])
    assert result.exit_code == 0, result.output
    return root


def test_init_makes_a_project_that_validates_and_assembles(tmp_path: Path) -> None:
    root = _init(tmp_path)
    assert (root / ".gitlab-ci.yml").is_file() and not (root / forge.GITHUB_WORKFLOW).exists()
    for path in ("paper/paper.yaml", "paper/template.docx", "paper/templates/byline.md.j2", "contributors.yaml",
                 "sections/01-introduction.md", ".mailmap", ".pre-commit-config.yaml", ".vscode/settings.json",
                 "schemas/paper.schema.json"):
        assert (root / path).is_file(), path
    validate = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    assert validate.exit_code == 0
    # no git history yet, and the coordinators' placeholder countries to replace; nothing else
    assert [d["code"] for d in json.loads(validate.stdout)] == ["COE204", "COE205", "COE205"]
    assemble = CliRunner().invoke(app, ["--project", str(root), "assemble"])
    assert assemble.exit_code == 0 and (root / "build/orientation-paper.docx").stat().st_size > 10_000
    assert "(1 section, " in assemble.stdout  # not "1 sections"
    again = CliRunner().invoke(app, ["init", str(root)])
    assert again.exit_code == 2 and "already holds a paper project" in again.output
    assert CliRunner().invoke(app, ["init", str(tmp_path / "x"), "--forge", "bitbucket"]).exit_code == 2


@pytest.mark.parametrize("inside", ["sections", "paper/new", "drafts/2027"])
def test_init_inside_a_paper_project_is_refused_and_writes_nothing(tmp_path: Path, inside: str) -> None:
    """`init sections` in a paper wrote a whole project into sections/, whose README.md every later validate
    reported as a section without front matter."""
    root = tmp_path / "paper-project"
    assert CliRunner().invoke(app, ["init", str(root)]).exit_code == 0
    before = sorted(path for path in root.rglob("*"))
    refused = CliRunner().invoke(app, ["init", str(root / inside)])
    assert refused.exit_code == 2 and f"is inside the paper project at {root.resolve()}" in refused.output
    assert sorted(path for path in root.rglob("*")) == before
    assert CliRunner().invoke(app, ["--project", str(root), "validate"]).exit_code == 0


def test_init_s_outline_shows_how_to_give_a_section_its_due_day(tmp_path: Path) -> None:
    """A new paper's outline says how a section gets the day it is due; taken as it stands (the comment removed),
    the example validates and `status` reports the day."""
    root = _init(tmp_path)
    config = root / "paper/paper.yaml"
    text = config.read_text(encoding="utf-8")
    assert "    # due: 2024-06-30  # " in text
    config.write_text(text.replace("    # due: 2024-06-30", "    due: 2024-06-30"), encoding="utf-8")
    assert CliRunner().invoke(app, ["--project", str(root), "validate"]).exit_code == 0
    status = CliRunner().invoke(app, ["--project", str(root), "status", "--format", "json"])
    assert [(row["id"], row["due"], row["late"]) for row in json.loads(status.stdout)] == [
        ("introduction", "2024-06-30", True)]


def test_init_without_a_folder_makes_the_project_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`coe-paper init` in an empty folder, as `git init` is run, stopped at "Missing argument 'DIR'"."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "paper/paper.yaml").is_file() and "wrote paper/paper.yaml" in result.stdout
    assert "next: git init -b main && " in result.stderr and "cd " not in result.stderr


@pytest.mark.parametrize("folder", ["my paper", "-paper", "O'Brien's paper"])
def test_init_s_next_command_runs_in_a_shell_for_any_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  folder: str) -> None:
    """The command `init` suggests, `cd DIR && git init && ...`, named the folder as it was: 'cd my paper' and
    'cd -paper' fail in a shell. Run in one, it now enters the folder and commits the paper."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init", "--", folder] if folder.startswith("-") else ["init", folder])
    assert result.exit_code == 0, result.output
    command = result.stderr.split("next: ", 1)[1].strip().replace("coe-paper assemble", "git log --format=%s")
    env = {**os.environ, **GIT_ENV}
    ran = subprocess.run(["sh", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1] == "Start the paper"  # the log, run in the new folder


@pytest.mark.parametrize("folder", ["", "papers/equality"])
def test_init_in_a_git_repository_commits_there_and_says_where_the_forge_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str) -> None:
    """In a repository (a clone of the forge's new project, or a folder of one), `init` said to `git init`, which
    in a folder made a repository inside the repository, and `git add -A` there would have staged the whole
    repository's changes; nothing said that the CI and pre-commit files in a folder are read by nobody."""
    env = {**os.environ, **GIT_ENV}
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], env=env, check=True)
    (tmp_path / "repo/notes.txt").write_text("not the paper's\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "repo")
    result = CliRunner().invoke(app, ["init", folder or "."])
    assert result.exit_code == 0, result.output
    command = result.stderr.split("next: ", 1)[1].strip().replace(" && coe-paper assemble", "")
    assert "git init" not in command
    ran = subprocess.run(["sh", "-c", command], env=env, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    assert not (tmp_path / "repo" / folder / ".git").exists() or not folder
    listed = subprocess.run(["git", "-C", str(tmp_path / "repo"), "ls-files"], env=env, capture_output=True,
                            text=True, check=True).stdout.split()
    assert f"{folder}/paper/paper.yaml".lstrip("/") in listed
    if folder:
        assert "notes.txt" not in listed  # the repository's other changes are not the paper's to commit
        assert f"note: the paper is in the folder {folder} of the git repository " in result.stderr
        assert ".gitlab-ci.yml and .pre-commit-config.yaml at its top only" in result.stderr
        assert f"--project {folder}" in result.stderr
    else:
        assert "note: the paper is in the folder" not in result.stderr


def test_the_partnership_s_name_reads_as_written_in_the_example_section(tmp_path: Path) -> None:
    """The name went into the example section's Markdown as it was: a name beginning "1." made the paragraph a
    list, '*' or '<...>' formatting or raw HTML (COE406), '[..](javascript:..)' a link COE602 refused, so the
    new project did not validate. It is now text."""
    from coe_paper import site

    name = "1. *Equal* <Cities> [of](javascript:x) & Co_op #2"
    root = tmp_path / "paper"
    scaffold.init(root, name)
    validate = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    codes = [d["code"] for d in json.loads(validate.stdout)]
    assert codes == ["COE204", "COE205", "COE205"], validate.stdout  # the placeholder countries are warned of
    page = site.build(root, tmp_path / "site").page
    assert page is not None
    text = page.read_text(encoding="utf-8")
    assert re.search(r"<p>\s*The 1\. \*Equal\* &lt;Cities&gt; \[of\]\(javascript:x\) &amp; Co_op #2 brings", text)
    assert f"# {name}: Orientation Paper" not in (root / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("name", "subject"), [("Housing Partnership", "The Housing Partnership"),
                                             ("the Partnership on Housing", "the Partnership on Housing")])
def test_the_example_section_names_the_partnership_as_a_sentence_s_subject(tmp_path: Path, name: str,
                                                                           subject: str) -> None:
    """"Housing Partnership brings together..." lacked its article; a name that has one keeps it, not doubled."""
    scaffold.init(tmp_path / "paper", name)
    text = (tmp_path / "paper" / scaffold.EXAMPLE).read_text(encoding="utf-8")
    assert f"\n{subject} brings together cities" in text


def test_init_for_github_and_odd_names(tmp_path: Path) -> None:
    root = tmp_path / "gh"
    scaffold.init(root, 'Partnership "A: B" # 1', "github")
    assert (root / forge.GITHUB_WORKFLOW).is_file() and not (root / ".gitlab-ci.yml").exists()
    config = yaml.safe_load((root / "paper/paper.yaml").read_text(encoding="utf-8"))
    assert config["subtitle"] == 'Partnership "A: B" # 1 of the Urban Agenda for the EU'
    assert config["cover"]["partnership"] == 'Partnership "A: B" # 1'  # the cover's name and the document's author


@pytest.mark.parametrize(("forge_name", "host"), [("github", "github.com"), ("gitlab", "gitlab.com")])
def test_the_repository_paper_yaml_suggests_is_on_the_forge_init_wrote_ci_for(tmp_path: Path, forge_name: str,
                                                                              host: str) -> None:
    """A project made for GitHub was shown `# repository: https://gitlab.com/...` in its paper.yaml. The example is
    on its own forge; uncommented, it validates and the preview links a problem to the file there."""
    root = _init(tmp_path, "--forge", forge_name)
    config = root / "paper/paper.yaml"
    text = config.read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("# repository: "))
    assert line.split()[2].startswith(f"https://{host}/"), line
    config.write_text(text.replace("# repository: ", "repository: ").replace("# branch: ", "branch: "), "utf-8")
    built = site.build(root, tmp_path / "site")
    assert built.page is not None, built.diagnostics
    blob = "/blob/main/contributors.yaml" if forge_name == "github" else "/-/blob/main/contributors.yaml"
    assert f'href="{line.split()[2]}{blob}#L9"' in built.page.read_text(encoding="utf-8")  # COE205's line


@pytest.mark.parametrize("forge_name", ["github", "gitlab"])
def test_the_new_project_s_readme_says_what_its_forge_needs_set_by_hand(tmp_path: Path, forge_name: str) -> None:
    """A new GitHub project's workflow deploys the preview with GitHub Pages, which fails on every push to main until
    Pages is turned on with GitHub Actions as its source; the README said nothing of the forge, of that setting, of
    the `repository:` the preview's links need, or of installing the pre-commit hook the project has."""
    root = tmp_path / forge_name
    scaffold.init(root, "Partnership on Clean Air", forge_name)
    readme = (root / "README.md").read_text(encoding="utf-8")
    workflow = forge.GITHUB_WORKFLOW if forge_name == "github" else forge.GITLAB_CI
    assert f"`{workflow}`" in readme and (root / workflow).is_file()
    ci = yaml.safe_load((root / workflow).read_text(encoding="utf-8"))
    deploys = forge_name == "github" and "actions/deploy-pages@v4" in str(ci["jobs"]["pages"]["steps"])
    assert ('"GitHub Actions" as its source' in readme) == deploys == (forge_name == "github")  # set by hand
    assert "`repository:`, `branch:`" in readme
    assert "pre-commit install" in readme and (root / forge.PRE_COMMIT_CONFIG).is_file()


def test_this_repository_uses_the_files_init_writes() -> None:
    expected = {**forge.ci_files(None, install="."), forge.PRE_COMMIT_CONFIG: forge.PRE_COMMIT_CONFIG_TEXT,
                ".pre-commit-hooks.yaml": forge.PRE_COMMIT_HOOKS, ".editorconfig": forge.EDITORCONFIG,
                ".vscode/settings.json": schema.editor_settings(),
                ".vscode/extensions.json": forge.vscode_extensions()}
    for path, text in expected.items():
        assert (REPO_ROOT / path).read_text(encoding="utf-8") == text, path
    assert (REPO_ROOT / "paper/template.docx").read_bytes() == \
        (REPO_ROOT / "src/coe_paper/skeleton/template.docx").read_bytes()


def _dev_tool(name: str) -> str:
    """A program the dev extra installs, on the PATH or beside this Python (a venv not activated)."""
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).is_file():
        require_client(name)
    return found


def _actionlint() -> str:
    return _dev_tool("actionlint")


def test_github_workflows_pass_actionlint(tmp_path: Path) -> None:
    root = _init(tmp_path, "--forge", "github")
    for path in (REPO_ROOT / forge.GITHUB_WORKFLOW, root / forge.GITHUB_WORKFLOW):
        run = subprocess.run([_actionlint(), "-no-color", str(path)], capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(forge.github_workflow().replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latst", 1))
    run = subprocess.run([_actionlint(), "-no-color", str(broken)], capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "ubuntu-latst" in run.stdout  # the check can fail


def _check_jsonschema() -> str:
    return _dev_tool("check-jsonschema")


def test_gitlab_ci_passes_gitlab_s_schema_offline(tmp_path: Path) -> None:
    """The .gitlab-ci.yml init writes (and this repository's) was checked against GitLab's schema only by pasting
    it into GitLab's editor: it is checked against the schema check-jsonschema bundles (`vendor.gitlab-ci`), with
    no network, and GitHub's workflow against `vendor.github-workflows`."""
    root = _init(tmp_path, "--forge", "gitlab")
    checked = {"vendor.gitlab-ci": [root / forge.GITLAB_CI, REPO_ROOT / forge.GITLAB_CI],
               "vendor.github-workflows": [REPO_ROOT / forge.GITHUB_WORKFLOW]}
    for schema_name, paths in checked.items():
        run = subprocess.run([_check_jsonschema(), "--builtin-schema", schema_name, *map(str, paths)],
                             capture_output=True, text=True, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
    broken = tmp_path / "broken.gitlab-ci.yml"
    broken.write_text(forge.gitlab_ci().replace("  artifacts:\n    when: always", "  artifacts:\n    when: allways", 1))
    run = subprocess.run([_check_jsonschema(), "--builtin-schema", "vendor.gitlab-ci", str(broken)],
                         capture_output=True, text=True, check=False)
    assert run.returncode == 1 and "allways" in run.stdout, run.stdout + run.stderr  # the check can fail


def _gitlab_jobs(ci: dict[str, Any]) -> dict[str, Any]:
    """The jobs of a .gitlab-ci.yml: neither its keywords nor hidden jobs (`.name`, templates that jobs extend)."""
    return {name: job for name, job in ci.items() if name not in GITLAB_KEYWORDS and not name.startswith(".")}


def _gitlab_packages(ci: dict[str, Any], name: str) -> list[str]:
    """The Debian packages job `name` installs: the default before_script's apt-get line, its variables expanded
    as the job sees them (global, then those of the hidden jobs it extends, then its own)."""
    job = ci[name]
    variables = dict(ci.get("variables", {}))
    for parent in ([job["extends"]] if isinstance(job.get("extends"), str) else job.get("extends", [])):
        variables |= ci[parent].get("variables", {})
    variables |= job.get("variables", {})
    lines = [line for line in ci["default"]["before_script"] if "apt-get install" in line]
    assert len(lines) == 1, lines
    words = re.sub(r"\$\{?(\w+)\}?", lambda m: str(variables.get(m.group(1), "")), lines[0]).split()
    return words[words.index("--no-install-recommends") + 1:words.index(">")]


def test_gitlab_ci_structure() -> None:
    ci = yaml.safe_load(forge.gitlab_ci())
    jobs = _gitlab_jobs(ci)
    assert set(jobs) == {"validate", "paper", "redline", "pages", "release"}
    for name, job in jobs.items():
        assert job["stage"] in ci["stages"], name
        assert isinstance(job["script"], list) and all(isinstance(line, str) for line in job["script"]), name
    assert ci["variables"]["GIT_DEPTH"] == "0"
    report = jobs["validate"]["artifacts"]["reports"]["codequality"]
    assert f"--format gitlab > {report}" in jobs["validate"]["script"][0]
    assert jobs["validate"]["artifacts"]["when"] == "always"
    assert jobs["redline"]["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert "$CI_MERGE_REQUEST_DIFF_BASE_SHA" in jobs["redline"]["script"][0]
    assert jobs["pages"]["artifacts"]["paths"] == ["public"] and "-o public" in jobs["pages"]["script"][-1]
    assert jobs["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    links = jobs["release"]["release"]["assets"]["links"]
    assert [link["name"] for link in links] == ["orientation-paper.docx", "orientation-paper.pdf"]
    assert yaml.safe_load((REPO_ROOT / ".gitlab-ci.yml").read_text())["variables"]["COE_PAPER"] == "."


def test_gitlab_s_release_job_runs_in_the_image_of_the_cli_that_makes_releases() -> None:
    """GitLab makes a job's `release:` with glab, the GitLab CLI, since 18.0: the release-cli image the job ran in
    is deprecated, kept only through a fallback that GitLab 20.0 removes, when the release job would fail."""
    jobs = _gitlab_jobs(yaml.safe_load(forge.gitlab_ci()))
    assert jobs["release"]["image"].split(":")[0] == "registry.gitlab.com/gitlab-org/cli"
    assert all("release-cli" not in str(job.get("image", "")) for job in jobs.values())


def test_ci_installs_what_validate_reads_and_the_version_that_wrote_it(tmp_path: Path) -> None:
    """CI left out the en_GB dictionary that paper.yaml's checks read (every run said COE721 and checked no
    spelling), and installed whatever coe-paper was newest: a release could change the document CI builds from
    unchanged sources. The paper's CI installs the dictionary and the coe-paper that wrote it."""
    from coe_paper import ci_install
    from coe_paper.rules.config import ChecksConfig

    assert ChecksConfig().dictionary == "/usr/share/hunspell/en_GB"  # Debian's hunspell-en-gb
    root = _init(tmp_path)
    gitlab = yaml.safe_load((root / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    github = yaml.safe_load((_init(tmp_path / "github", "--forge", "github") / forge.GITHUB_WORKFLOW).read_text())
    made_by = ci_install.origin().requirement  # the running coe-paper, from where it was installed (test_ci_install)
    assert gitlab["variables"]["COE_PAPER"] == github["env"]["COE_PAPER"] == made_by
    assert f"pip install {shlex.quote(made_by)}" in (root / "README.md").read_text(encoding="utf-8")
    installs = [" ".join(_gitlab_packages(gitlab, name)) for name in _gitlab_jobs(gitlab) if name != "release"]
    assert len(installs) == 4 and all("hunspell-en-gb" in line.split() for line in installs), installs
    steps = github["jobs"]["paper"]["steps"]
    validate = [step.get("name") for step in steps].index("Validate")
    github_installs = [(index, step["run"]) for index, step in enumerate(steps)
                       if "apt-get install" in step.get("run", "")]
    assert [index < validate for index, run in github_installs if "hunspell-en-gb" in run.split()] == [True]
    github_pdf = [(index, run) for index, run in github_installs if "libreoffice-writer-nogui" in run.split()]
    assert [index > validate for index, _ in github_pdf] == [True]  # Validate's annotations wait for no LibreOffice
    pdf = [line for line in installs if "libreoffice-writer-nogui" in line.split()] + [run for _, run in github_pdf]
    assert len(pdf) == 3, installs  # GitHub's job and GitLab's paper and pages: those that write the PDF
    for package in ("fonts-crosextra-carlito", "fonts-crosextra-caladea"):  # the template's fonts' metrics (fonts.py)
        assert all(package in line.split() for line in pdf), installs


def test_gitlab_jobs_that_write_no_pdf_install_no_libreoffice(tmp_path: Path) -> None:
    """Every GitLab job installed LibreOffice (some hundred megabytes, a minute or more of each run), validate and
    the redline too, which never start it: a merge request waited that long for its first diagnostics. Only the
    jobs that write the PDF install it now, and the others run their commands with no LibreOffice to find."""
    ci = yaml.safe_load(forge.gitlab_ci())
    office = {name for name in _gitlab_jobs(ci) if name != "release" and "libreoffice-writer-nogui" in
              _gitlab_packages(ci, name)}
    assert office == {name for name, job in _gitlab_jobs(ci).items() if "--pdf" in " ".join(job["script"])}
    assert office == {"paper", "pages"}
    root, env = _merge_request(tmp_path)
    started = tmp_path / "started-libreoffice"
    shims = tmp_path / "no-office"
    shims.mkdir()
    for command in ("soffice", "libreoffice"):
        (shims / command).write_text(f"#!/bin/sh\necho \"$0\" >> {shlex.quote(str(started))}\nexit 127\n")
        (shims / command).chmod(0o755)
    env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"
    for name in ("validate", "redline"):
        for line in ci[name]["script"]:
            run = subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, check=False)
            assert run.returncode == 0, f"{line}: {run.stderr}"
    assert not started.exists(), started.read_text()
    assert (root / "gl-code-quality-report.json").is_file()
    assert any(path.name.startswith("orientation-paper-changes-since-") for path in (root / "build").iterdir())


def test_github_s_token_may_write_only_in_the_job_that_runs_nothing_a_member_wrote() -> None:
    """The job that installs coe-paper and runs it over the members' files had `contents: write` on every pull
    request, and checkout left that token in .git/config for every step after it. Only the release job, which runs
    neither, may now write; the rest read."""
    workflow = yaml.safe_load(forge.github_workflow(install="."))
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        runs = " ".join(step.get("run", "") for step in job["steps"])
        writes = any(level == "write" for level in job.get("permissions", {}).values())
        checkouts = [step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@")]
        if writes and job.get("permissions", {}).get("contents") == "write":
            assert "coe-paper" not in runs and "pip" not in runs and not checkouts, name
        for step in checkouts:
            assert step["with"]["persist-credentials"] is False, name
    assert workflow["jobs"]["release"]["permissions"] == {"contents": "write"}
    assert "gh release create" in workflow["jobs"]["release"]["steps"][-1]["run"]


def _steps() -> list[str]:
    """Every coe-paper command line the two CI files run, in order (GitHub's steps, then GitLab's jobs)."""
    github = yaml.safe_load(forge.github_workflow())
    lines = [step["run"] for step in github["jobs"]["paper"]["steps"] if "run" in step]
    gitlab = yaml.safe_load(forge.gitlab_ci())
    lines += [line for job in _gitlab_jobs(gitlab).values() for line in job["script"]]
    return [line for line in lines if line.startswith("coe-paper ")]


def _merge_request(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A new project committed on main and a branch with one more commit, and the environment CI gives its steps
    (`coe-paper` on the PATH, the merge request's base in BASE_SHA and CI_MERGE_REQUEST_DIFF_BASE_SHA)."""
    root = _init(tmp_path)
    (root / "contributors.yaml").write_text((root / "contributors.yaml").read_text().replace(
        "emails: []", "emails: [rome@example.org]", 1).replace("country: EU", "country: IT", 1).replace(
        "country: EU", "country: FR", 1))  # the placeholders replaced, as the secretariat does first
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(REPO_ROOT / "src")}
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "coe-paper"
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -c "from coe_paper.cli import run; run()" "$@"\n')
    shim.chmod(0o755)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    git("init", "-q", "--initial-branch=main")
    git("add", "-A")
    git("commit", "-qm", "Start the paper")
    base = git("rev-parse", "HEAD")
    section = root / "sections/01-introduction.md"
    section.write_text(section.read_text().replace("first\npriorities", "first priorities, agreed in Rome,"))
    git("switch", "-qc", "feature")
    git("commit", "-qam", "Agree the priorities")
    env |= {"BASE_SHA": base, "CI_MERGE_REQUEST_DIFF_BASE_SHA": base}
    return root, env


def test_ci_steps_run_on_a_merge_request(tmp_path: Path) -> None:
    require_client("soffice")
    root, env = _merge_request(tmp_path)
    base = env["BASE_SHA"]
    steps = _steps()
    assert "coe-paper validate --format github" in steps and "coe-paper assemble --pdf" in steps
    for line in steps:
        run = subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, check=False)
        assert run.returncode == 0, f"{line}: {run.stderr}"
    report = json.loads(subprocess.run(["bash", "-c", "coe-paper validate --format gitlab"], cwd=root, env=env,
                                       capture_output=True, text=True, check=False).stdout)
    assert report == []  # a clean merge request: an empty Code Quality report
    built = sorted(p.name for p in (root / "build").iterdir())
    assert "orientation-paper.pdf" in built and f"orientation-paper-changes-since-{base}.docx" in built
    assert (root / "public/index.html").is_file() and (root / "build/site/files/orientation-paper.pdf").is_file()


@pytest.mark.parametrize(("edit", "column"), [("title: [Introduction", 8), ('title: "Introduction', 8),
                                              ("title Introduction", 1)])
def test_ci_fails_a_merge_request_that_breaks_a_section_at_the_line_it_broke(tmp_path: Path, edit: str,
                                                                             column: int) -> None:
    """A list or a quote left open, or a key without its ':', in a section's front matter was reported where the
    parser gave up: on the next line, or at the end of the front matter, which the merge request had not changed
    (GitHub shows an annotation on the changed lines). Both forges' validate steps now fail at the line edited."""
    root, env = _merge_request(tmp_path)
    section = root / "sections/01-introduction.md"
    lines = section.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[2] == "title: Introduction\n"
    section.write_text("".join([*lines[:2], edit + "\n", *lines[3:]]), encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "Retitle"], env=env, check=True)
    github = next(line for line in _steps() if line.startswith("coe-paper validate --format github"))
    run = subprocess.run(["bash", "-c", github], cwd=root, env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 1, run.stderr
    errors = [line for line in run.stdout.splitlines() if line.startswith("::error")]
    assert errors == [f"::error file=sections/01-introduction.md,line=3,col={column},title=COE001::" + errors[0]
                      .split("::", 2)[2]] and "YAML syntax error" in errors[0], run.stdout
    validate = yaml.safe_load(forge.gitlab_ci())["validate"]["script"]
    runs = [subprocess.run(["bash", "-c", line], cwd=root, env=env, capture_output=True, text=True, check=False)
            for line in validate]
    assert [each.returncode for each in runs] == [0, 1]  # the report is written, then the job fails
    report = json.loads((root / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert [(issue["check_name"], issue["location"]) for issue in report if issue["severity"] != "minor"] == [
        ("COE001", {"path": "sections/01-introduction.md", "lines": {"begin": 3}})]
    assert "sections/01-introduction.md:3:" in runs[1].stderr


def test_pre_commit_hook_with_try_repo(tmp_path: Path) -> None:
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(pre_commit).is_file():
        pytest.skip("pre-commit is not installed")
    if not (REPO_ROOT / ".git").exists():
        pytest.skip("the hook is tried from this repository's git checkout")
    root = _init(tmp_path)
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    subprocess.run(["git", "init", "-q", str(root)], env=env, check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], env=env, check=True)
    command = [pre_commit, "try-repo", str(REPO_ROOT), "coe-paper-validate", "--all-files"]
    passed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "coe-paper validate" in passed.stdout and "Passed" in passed.stdout
    section = root / "sections/01-introduction.md"
    section.write_text(section.read_text().replace("lead: coordinator-one", "lead: coordinator-1"))
    subprocess.run(["git", "-C", str(root), "add", "-A"], env=env, check=True)
    failed = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert failed.returncode == 1 and "COE201" in failed.stdout and "Failed" in failed.stdout


@pytest.mark.parametrize(("before", "after"), [("*.pyc\n", "*.pyc\nbuild/\n"), ("*.pyc", "*.pyc\nbuild/\n"),
                                               ("/build\n", "/build\n"), ("build/\n", "build/\n")])
def test_init_adds_the_build_folder_to_a_gitignore_that_lacks_it(tmp_path: Path, before: str, after: str) -> None:
    """init in a folder whose .gitignore does not name `build/` kept it as it was ("kept .gitignore"): the .docx,
    PDF and site every build writes there were then committed with the sources. The line is added, once."""
    root = tmp_path / "paper"
    root.mkdir()
    (root / ".gitignore").write_text(before, encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership"])
    assert result.exit_code == 0, result.output
    assert (root / ".gitignore").read_text(encoding="utf-8") == after
    assert ("added build/ to" in result.stderr) == (before != after)


def test_the_github_workflow_runs_on_the_branch_git_init_makes(tmp_path: Path) -> None:
    """The workflow ran on pushes to `main` only, but `git init` makes `master` where git is not set up otherwise
    (init.defaultBranch): a new project pushed from such a machine never ran CI, nor published its preview. The
    workflow takes both, and the command init suggests makes `main`."""
    workflow = yaml.safe_load(forge.github_workflow())
    on = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads the key `on` as true
    assert set(on["push"]["branches"]) == {"main", "master"}
    root = tmp_path / "paper"
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership"])
    command = result.stderr.split("next: ", 1)[1].split(" && coe-paper assemble")[0]
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, **GIT_ENV, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_CONFIG_GLOBAL": str(home / "none")}
    subprocess.run(["sh", "-c", command], check=True, env=env, capture_output=True)
    branch = subprocess.run(["git", "-C", str(root), "symbolic-ref", "--short", "HEAD"], capture_output=True,
                            text=True, check=True).stdout.strip()
    assert branch in on["push"]["branches"] and branch == "main"


def test_init_names_the_errors_of_files_that_were_there(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """init in a folder holding a section that does not parse said nothing and exited 0, and its last line offered
    `coe-paper assemble`, which then failed: the new project's errors are shown as validate shows them, by file and
    line from where init was run, and init exits 1, the file left as it was."""
    monkeypatch.chdir(tmp_path)
    broken = "---\nid: housing\ntitle: [Housing for all\n---\n\nText.\n"
    (tmp_path / "paper/sections").mkdir(parents=True)
    (tmp_path / "paper/sections/02-housing.md").write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(app, ["init", "paper", "--name", "Cities of Equality Partnership"])
    assert result.exit_code == 1, result.output
    assert "paper/sections/02-housing.md:3:8: error COE001 YAML syntax error: the list opened here" in result.stderr
    assert "1 error: the project does not validate" in result.stderr and "Traceback" not in result.output
    assert (tmp_path / "paper/sections/02-housing.md").read_text(encoding="utf-8") == broken
    assert (tmp_path / "paper/paper/paper.yaml").is_file()  # the project is there, to correct
    (tmp_path / "paper/sections/02-housing.md").unlink()
    monkeypatch.chdir(tmp_path / "paper")
    assert CliRunner().invoke(app, ["validate"]).exit_code == 0  # nothing else was wrong


def test_init_beside_a_kept_contributors_file_writes_an_example_section_of_its_members(tmp_path: Path) -> None:
    """init where a valid contributors.yaml was already kept it, and wrote the example section led by its own
    placeholder members ('coordinator-one'), which that file does not list: the new project failed (COE201) and init
    blamed the kept file. The example section is led by the kept file's first organisation, the next contributing."""
    root = tmp_path / "paper"
    root.mkdir()
    (root / "contributors.yaml").write_text("organisations:\n  - id: rome\n    name: Rome\n    kind: city\n"
                                            "    country: IT\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership"])
    assert result.exit_code == 0, result.output
    assert "lead: rome\ncontributors: []\n" in (root / "sections/01-introduction.md").read_text(encoding="utf-8")
    assert CliRunner().invoke(app, ["--project", str(root), "validate"]).exit_code == 0


@pytest.mark.parametrize(("args", "why"), [(["--name", "Del\x7fPartnership"], "control character"),
                                           (["--name", "Rome\x9bPartnership"], "control character"),
                                           (["--name", "bad\udcffbyte"], "UTF-8"),
                                           ([], "an empty folder name")])
def test_init_refuses_a_name_or_folder_no_project_can_hold(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           args: list[str], why: str) -> None:
    """`--name` with DEL or a C1 control was taken, and the project failed (COE001 in paper.yaml); bytes no UTF-8
    (a terminal's) ended in a traceback; `init ""` (a variable not set) set up the current folder. Each is a
    usage error, exit 2, nothing written."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init", "paper" if args else "", *args])
    assert result.exit_code == 2 and why in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_init_says_what_a_kept_ci_file_lacks(tmp_path: Path) -> None:
    """init where the repository had its own .gitlab-ci.yml and .pre-commit-config.yaml kept them and said only
    "kept ... (it exists)": the paper then never had CI or the hook. A kept forge file that runs no coe-paper command
    gets a note saying so, and where to find what to add; one that runs it already gets none."""
    root = tmp_path / "paper"
    root.mkdir()
    (root / forge.GITLAB_CI).write_text("test:\n  script: [make test]\n", encoding="utf-8")
    (root / forge.PRE_COMMIT_CONFIG).write_text("repos: []  # coe-paper validate runs in CI\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership"])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note: ")]
    assert [line for line in notes if "runs no coe-paper command" in line] == [
        "note: .gitlab-ci.yml was there already and runs no coe-paper command: the paper has no CI (validate on every "
        "merge request, the .docx and PDF, the preview on Pages) until you add what `coe-paper init --forge gitlab` "
        "writes there (run it in an empty folder to see the file)"]


def test_init_outlines_the_sections_that_are_there(tmp_path: Path) -> None:
    """init where members' drafts are already outlined only its example section: each draft was then a COE103
    error ('not in the paper's outline'). The outline lists the sections whose front matter reads, in the order of
    their files, and no example section is added; a file that does not read is named, not outlined."""
    root = tmp_path / "paper"
    (root / "sections").mkdir(parents=True)
    for name, section_id in [("02-housing.md", "housing"), ("01-energy.md", "energy")]:
        (root / "sections" / name).write_text(f"---\nid: {section_id}\ntitle: {section_id.title()}\n"
                                              "lead: coordinator-one\n---\n\nText.\n", encoding="utf-8")
    (root / "sections/03-broken.md").write_text("No front matter.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership"])
    assert result.exit_code == 1, result.output  # the broken file is an error to correct
    assert "lists the 2 sections found in sections/, in the order of their files: energy, housing" in result.stderr
    assert "sections/03-broken.md:1:1: error COE101" in result.stderr
    config = yaml.safe_load((root / "paper/paper.yaml").read_text(encoding="utf-8"))
    assert [entry["id"] for entry in config["outline"]] == ["energy", "housing"]
    assert sorted(p.name for p in (root / "sections").iterdir()) == ["01-energy.md", "02-housing.md", "03-broken.md"]
    (root / "sections/03-broken.md").unlink()
    validate = CliRunner().invoke(app, ["--project", str(root), "validate", "--format", "json"])
    assert validate.exit_code == 0, validate.output
    # no git history yet, and the coordinators' placeholder countries to replace; nothing else
    assert [d["code"] for d in json.loads(validate.stdout)] == ["COE204", "COE205", "COE205"]


@pytest.mark.parametrize("kind", ["json", "jsonc", "mapped"])
def test_init_adds_the_schemas_to_existing_editor_settings(tmp_path: Path, kind: str) -> None:
    """init in a folder with a .vscode/settings.json kept it as it was: the editor then checked neither paper.yaml
    nor contributors.yaml against the schemas init had just written. Plain JSON gets the two mappings added to its
    own settings; a file with comments (which a rewrite would lose) is kept and init says what to add."""
    wanted = json.loads(schema.editor_settings())["yaml.schemas"]
    before = {"json": '{"editor.fontSize": 14, "yaml.schemas": {"other.json": ["x.yaml"]}}\n',
              "jsonc": '{\n  // mine\n  "editor.fontSize": 14\n}\n',
              "mapped": json.dumps({"yaml.schemas": wanted, "editor.fontSize": 14})}[kind]
    root = tmp_path / "paper"
    (root / ".vscode").mkdir(parents=True)
    (root / ".vscode/settings.json").write_text(before, encoding="utf-8")
    result = CliRunner().invoke(app, ["init", str(root), "--name", "Cities of Equality Partnership"])
    assert result.exit_code == 0, result.output
    after = (root / ".vscode/settings.json").read_text(encoding="utf-8")
    if kind == "json":
        settings = json.loads(after)
        assert settings["editor.fontSize"] == 14 and settings["yaml.schemas"] == {"other.json": ["x.yaml"], **wanted}
        assert "added the schemas of paper.yaml and contributors.yaml" in result.stderr
        for path, files in settings["yaml.schemas"].items():  # the mappings name files that are there
            assert path == "other.json" or all((root / f).is_file() for f in [path, *files]), path
    else:
        assert after == before and "kept" in result.stderr
        assert ('add "yaml.schemas": ' in result.stderr) == (kind == "jsonc")
        assert json.dumps(wanted) in result.stderr or kind == "mapped"
