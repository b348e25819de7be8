"""`status` and `contributors` with a section file they cannot read (broken front matter, a merge conflict, not
UTF-8): the report names the file, its line and its error, and exits 1, rather than showing the section as missing
or leaving it out unseen."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import MakeProject, section_text

BROKEN = {
    "sections/01-intro.md": '---\nid: intro\ntitle: "Introduction\nlead: rome\n---\n\nWords of the introduction.\n',
    "sections/04-merged.md": "<<<<<<< HEAD\n" + section_text("merged", "One.\n") + "=======\nOther.\n>>>>>>> b\n",
}


@pytest.mark.parametrize("args", [["status"], ["status", "--format", "json"], ["contributors"],
                                  ["contributors", "--format", "json"]])
def test_a_section_file_that_cannot_be_read_is_named_with_its_error(make_project: MakeProject,
                                                                    args: list[str]) -> None:
    root = make_project(BROKEN, git=True)
    (root / "sections/05-latin1.md").write_bytes(section_text("latin", "Caf\xe9 culture.\n").encode("latin-1"))
    run = subprocess.run([sys.executable, "-m", "coe_paper", *args], cwd=root, capture_output=True, text=True,
                         env={**os.environ, "COE_PAPER_RESIDENT": "0"}, check=False)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert "sections/01-intro.md:3:8: error COE001 YAML syntax error" in run.stderr  # where the quote opens
    assert "sections/04-merged.md:1:1: error COE011 merge conflict" in run.stderr
    assert "sections/05-latin1.md:9:4: error COE003" in run.stderr
    assert ("left out of this report: 3 files in sections/ that cannot be read as a section (sections/01-intro.md, "
            "sections/04-merged.md, sections/05-latin1.md)") in run.stderr
    if "json" in args:
        json.loads(run.stdout)  # the report itself stays valid JSON on standard output


def test_a_readable_paper_reports_with_exit_0(make_project: MakeProject) -> None:
    root = make_project(git=True)
    for command in ("status", "contributors"):
        run = subprocess.run([sys.executable, "-m", "coe_paper", command], cwd=root, capture_output=True,
                             text=True, env={**os.environ, "COE_PAPER_RESIDENT": "0"}, check=False)
        assert run.returncode == 0, run.stderr
        assert "left out" not in run.stderr
