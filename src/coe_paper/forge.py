"""The files that run a paper on its forge: CI for GitHub and GitLab, pre-commit, editor settings.

`coe-paper init` writes them into a new paper project, and the coe-paper repository keeps the same files for the
bundled paper (a test compares them). Every CI run on a merge request validates (annotations on the changed lines:
GitHub workflow commands, GitLab's Code Quality report), builds the .docx and the PDF as artifacts, and a redline
against the merge request's base (`assemble --compare`); on the default branch the preview site is published with
the forge's Pages; on a tag the release carries the files. `install` is what pip installs: in a paper project
the coe-paper that wrote it (ci_install.py says how CI fetches that one), `.` in the coe-paper repository itself.
"""

from __future__ import annotations

import json

from . import __version__

FORGES = ("github", "gitlab")
#: What a paper project's CI installs when init is told nothing else: the version of the coe-paper that wrote its
#: files (ci_install.origin names where that one came from, when it knows). A release may change the document built
#: from the same sources, and CI should build what the members' own coe-paper builds; a project moves on by editing it.
PACKAGE = f"coe-paper=={__version__}"
GITHUB_WORKFLOW = ".github/workflows/paper.yml"
GITLAB_CI = ".gitlab-ci.yml"
PRE_COMMIT_CONFIG = ".pre-commit-config.yaml"
PAPER_FILES = r"^(paper/|sections/|contributors\.yaml$|\.mailmap$)"

_GITHUB = """\
# The paper on every pull request: validate (annotations on the changed lines), the .docx and the PDF as
# artifacts, and a redline against the pull request's base; the preview site on GitHub Pages from the default
# branch; a release with the files on a tag. Written by `coe-paper init`.
name: paper

on:
  push:
    branches: [main, master]  # git init's default branch is either, as git is set up
    tags: ["v*"]
  pull_request:

permissions:
  contents: read

env:
  COE_PAPER: {install}

jobs:
  paper:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # attribution and the redline read the whole history
          persist-credentials: false  # nothing is pushed: no token is left in .git/config
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install coe-paper and the en_GB dictionary
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends hunspell-en-gb
          python -m pip install -q "$COE_PAPER"
      - name: Validate
        run: coe-paper validate --format github
      - name: Install LibreOffice and fonts of Word's metrics for the PDF (Validate needs neither)
        run: >-
          sudo apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui fonts-crosextra-carlito
          fonts-crosextra-caladea
      - name: Assemble the .docx and the PDF
        run: coe-paper assemble --pdf
      - name: Redline against the base of the pull request
        if: github.event_name == 'pull_request'
        env:
          BASE_SHA: ${{{{ github.event.pull_request.base.sha }}}}
        run: coe-paper assemble --compare "$BASE_SHA"
      - name: Preview site
        run: coe-paper preview -o build/site
      - uses: actions/upload-artifact@v4
        with:
          name: paper
          path: |
            build/*.docx
            build/*.pdf
      - uses: actions/upload-pages-artifact@v3
        if: github.ref == format('refs/heads/{{0}}', github.event.repository.default_branch)
        with:
          path: build/site

  release:  # the one job that may write to the repository runs no coe-paper and nothing a member wrote
    needs: paper
    if: startsWith(github.ref, 'refs/tags/')
    runs-on: ubuntu-latest
    permissions:
      contents: write
    steps:
      - uses: actions/download-artifact@v4
        with:
          name: paper
          path: build
      - name: Release
        env:
          GH_TOKEN: ${{{{ github.token }}}}
        run: >-
          gh release create "$GITHUB_REF_NAME" build/*.docx build/*.pdf --repo "$GITHUB_REPOSITORY"
          --title "$GITHUB_REF_NAME" --notes "The paper at $GITHUB_REF_NAME."

  pages:
    needs: paper
    if: github.ref == format('refs/heads/{{0}}', github.event.repository.default_branch)
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
"""

_GITLAB = """\
# The paper on every merge request: validate (Code Quality report on the changed lines), the .docx and the PDF
# as artifacts, and a redline against the merge request's base; the preview site on GitLab Pages from the default
# branch; a release with the files on a tag. Written by `coe-paper init`.
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_TAG
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

stages: [check, build, publish]

variables:
  COE_PAPER: {install}
  GIT_DEPTH: "0"  # attribution and the redline read the whole history
  OFFICE: ""  # LibreOffice, for the jobs that write the PDF: validate and the redline run without it

default:
  image: python:3.12-slim
  before_script:
    - apt-get update -qq && apt-get install -y -qq --no-install-recommends git hunspell-en-gb $OFFICE > /dev/null
    - python -m pip install -q "$COE_PAPER"

.office:  # LibreOffice and fonts of Word's metrics (Carlito, Caladea), so that the PDF pages as Word would
  variables:
    OFFICE: libreoffice-writer-nogui fonts-crosextra-carlito fonts-crosextra-caladea

validate:
  stage: check
  script:
    - coe-paper validate --format gitlab > gl-code-quality-report.json || true
    - coe-paper validate
  artifacts:
    when: always
    reports:
      codequality: gl-code-quality-report.json

paper:
  extends: .office
  stage: build
  script:
    - coe-paper assemble --pdf
  artifacts:
    name: paper-$CI_COMMIT_REF_SLUG
    paths: [build/*.docx, build/*.pdf]

redline:
  stage: build
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
  script:
    - coe-paper assemble --compare "$CI_MERGE_REQUEST_DIFF_BASE_SHA" --no-layout
  artifacts:
    expose_as: redline
    paths: [build/]

pages:
  extends: .office
  stage: publish
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - coe-paper assemble --pdf
    - coe-paper preview -o public
  artifacts:
    paths: [public]

release:
  stage: publish
  image: registry.gitlab.com/gitlab-org/cli:latest  # glab, which `release:` runs (release-cli is deprecated)
  needs: [paper]
  rules:
    - if: $CI_COMMIT_TAG
  before_script: []
  script:
    - echo "Release $CI_COMMIT_TAG"
  release:
    tag_name: $CI_COMMIT_TAG
    description: The paper at $CI_COMMIT_TAG.
    assets:
      links:
        - name: {docx}
          url: $CI_PROJECT_URL/-/jobs/artifacts/$CI_COMMIT_TAG/raw/build/{docx}?job=paper
        - name: {pdf}
          url: $CI_PROJECT_URL/-/jobs/artifacts/$CI_COMMIT_TAG/raw/build/{pdf}?job=paper
"""

PRE_COMMIT_HOOKS = f"""\
# pre-commit hooks that coe-paper offers (https://pre-commit.com): in a paper project's .pre-commit-config.yaml,
#   - repo: <this repository's URL>
#     rev: <a tag>
#     hooks: [{{id: coe-paper-validate}}]
- id: coe-paper-validate
  name: coe-paper validate
  description: Check the paper's sections, outline and contributors before each commit.
  entry: coe-paper validate
  language: python
  pass_filenames: false
  files: {PAPER_FILES}
"""

PRE_COMMIT_CONFIG_TEXT = f"""\
# Checks the paper before each commit: `pip install pre-commit && pre-commit install`. The hook runs the
# coe-paper that is installed here (the same command CI runs).
repos:
  - repo: local
    hooks:
      - id: coe-paper-validate
        name: coe-paper validate
        entry: coe-paper validate
        language: system
        pass_filenames: false
        files: {PAPER_FILES}
"""

EDITORCONFIG = """\
root = true

[*]
charset = utf-8
end_of_line = lf
insert_final_newline = true

[*.{yaml,yml,json}]
indent_style = space
indent_size = 2

[*.md]
trim_trailing_whitespace = false
"""


def github_workflow(install: str = PACKAGE) -> str:
    return _GITHUB.format(install=json.dumps(install, ensure_ascii=False))  # a YAML double-quoted scalar


def gitlab_ci(install: str = PACKAGE, output: str = "build/orientation-paper.docx") -> str:
    name = output.rsplit("/", 1)[-1]
    return _GITLAB.format(install=json.dumps(install, ensure_ascii=False), docx=name,
                          pdf=name.rsplit(".", 1)[0] + ".pdf")


def vscode_extensions() -> str:
    return json.dumps({"recommendations": ["redhat.vscode-yaml", "editorconfig.editorconfig"]}, indent=2) + "\n"


def ci_files(forge: str | None, install: str = PACKAGE, output: str = "build/orientation-paper.docx"
             ) -> dict[str, str]:
    """The CI files for `forge` (github, gitlab, or both when None), by path."""
    files: dict[str, str] = {}
    if forge in (None, "github"):
        files[GITHUB_WORKFLOW] = github_workflow(install)
    if forge in (None, "gitlab"):
        files[GITLAB_CI] = gitlab_ci(install, output)
    return files
