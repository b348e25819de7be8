"""The codes' registry (codes.py): the README's table of codes is written from it, every code the source emits is
declared in it, and `validate --statistics` says what each code is, the paper's own checks' codes too."""

from __future__ import annotations

import re

from coe_paper.codes import CODES
from coe_paper.rules.summary import CODES_END, CODES_START, code_table, readme_table
from conftest import REPO_ROOT, MakeProject, cli, section_text


def test_the_readme_table_of_codes_is_the_registry() -> None:
    table = readme_table((REPO_ROOT / "README.md").read_text(encoding="utf-8"), CODES_START, CODES_END)
    assert table == code_table(), "run: python -m coe_paper.rules.summary README.md"


def test_every_code_the_source_emits_is_declared_once() -> None:
    declared = [code for code, _, _ in CODES]
    assert len(declared) == len(set(declared)), "a code declared twice"
    used = set()
    for module in (REPO_ROOT / "src" / "coe_paper").rglob("*.py"):
        used |= set(re.findall(r'"(COE\d{3})"', module.read_text(encoding="utf-8")))
    editorial = {code for code in used if code.startswith("COE7")}  # declared with their rules (registry.py)
    assert used - editorial == set(declared) - {"COE7xx"}


def test_statistics_say_what_a_code_of_the_papers_own_checks_is(make_project: MakeProject) -> None:
    """`--statistics` gave the editorial rules' summaries only: a row for COE302 (a section under the outline's
    minimum of words) said nothing after its code."""
    body = "## Words\n\nThe partnership asked the cities for their data.\n"
    root = make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}, git=True)
    out = cli("--project", str(root), "validate", "--statistics").stdout
    summary = dict((code, what) for code, _, what in CODES)["COE302"]
    assert f"    1  COE302  warning       {summary}" in out.splitlines(), out
    assert f'"summary": "{summary}"' in cli("--project", str(root), "validate", "--statistics", "--format",
                                            "json").stdout
