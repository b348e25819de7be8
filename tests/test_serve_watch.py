"""`coe-paper serve` rebuilds for what the site is built from, and for nothing else saved in the project."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from coe_paper.serve import PreviewServer, Rebuilt
from conftest import MakeProject, section_text, tiny_png


def _wait_for(seen: list[list[str]], name: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not any(name in changed for changed in seen) and time.monotonic() < deadline:
        time.sleep(0.05)


def test_serve_rebuilds_for_what_the_site_is_built_from_and_nothing_else(make_project: MakeProject,
                                                                          tmp_path: Path) -> None:
    """Any file saved in the project made a rebuild: notes kept beside the paper, an editor's backup, the PDF of a
    draft assembled to another name, `git status` refreshing git's index. serve rebuilds for the paper's own files
    and for what the last build read elsewhere: here a picture a section shows from a folder of its own, and a
    new redline in the build folder, which the page links to."""
    body = "## Maps\n\n![A map of the districts](../figures/map.png)\n"
    root = make_project({"sections/03-outlook.md": section_text("outlook", body, title="Outlook"),
                         "figures/map.png": tiny_png(4, 4), "notes/minutes.md": "Minutes of the meeting.\n"},
                        git=True)
    seen: list[list[str]] = []

    def record(rebuilt: Rebuilt) -> None:
        seen.append(rebuilt.changed)

    server = PreviewServer(root, tmp_path / "site", port=0, on_build=record)
    server.start()
    try:
        time.sleep(0.3)  # the watcher is running
        (root / "notes/minutes.md").write_text("Minutes of the meeting, amended.\n", encoding="utf-8")
        (root / "notes/minutes.md.bak").write_text("Minutes of the meeting.\n", encoding="utf-8")
        (root / "build").mkdir()
        (root / "build/draft-for-rome.pdf").write_bytes(b"%PDF-1.7\n")
        (root / "build/draft-for-rome.docx").write_bytes(b"PK\x05\x06" + bytes(18))
        subprocess.run(["git", "status", "--porcelain"], cwd=root, check=True, capture_output=True)
        time.sleep(1.5)  # time for any rebuild they would make
        (root / "figures/map.png").write_bytes(tiny_png(8, 8))
        _wait_for(seen, "figures/map.png")
        (root / "build/test-paper-changes-since-v1.docx").write_bytes(b"PK\x05\x06" + bytes(18))
        _wait_for(seen, "build/test-paper-changes-since-v1.docx")
        time.sleep(0.3)  # any later batch too
    finally:
        server.stop()
    assert seen == [[], ["figures/map.png"], ["build/test-paper-changes-since-v1.docx"]], seen
