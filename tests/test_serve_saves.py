"""`coe-paper serve` shows a saved file, never an editor's save half done."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from coe_paper.serve import PreviewServer, Rebuilt
from conftest import MakeProject


def _serve(root: Path, site: Path, pages: list[str]) -> PreviewServer:
    def record(rebuilt: Rebuilt) -> None:
        page = rebuilt.built.page
        pages.append(page.read_text(encoding="utf-8") if page is not None else "")

    server = PreviewServer(root, site, port=0, on_build=record)
    server.start()
    return server


def _wait_for(pages: list[str], words: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not any(words in page for page in pages) and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_file_an_editor_empties_before_writing_it_is_not_built_empty(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """An editor that opens the file it saves for writing (emptying it) and then writes it left it empty for a
    moment: serve built that moment, and the page showed the paper without the section (a 'missing' row, its
    text gone) before the next build put it back."""
    root = make_project(git=True)
    pages: list[str] = []
    server = _serve(root, tmp_path / "site", pages)
    try:
        housing = root / "sections/02-housing.md"
        text = housing.read_text(encoding="utf-8").replace("Homes for all", "Homes for everyone")
        with housing.open("w", encoding="utf-8") as saving:  # emptied
            saving.flush()
            time.sleep(0.3)  # a slow editor, a large file, a network drive
            saving.write(text)
        _wait_for(pages, "Homes for everyone")
        time.sleep(0.3)  # any later build too
    finally:
        server.stop()
    assert len(pages) >= 2 and "Homes for everyone" in pages[-1], [len(page) for page in pages]
    assert all("Homes for" in page for page in pages), "a build showed the section emptied"


def test_a_file_written_in_pieces_is_built_once_it_is_whole(make_project: MakeProject, tmp_path: Path) -> None:
    """A file written in pieces a little apart (an editor flushing its buffer, a copy over the network) was built
    after its first piece: the page showed the section cut short."""
    root = make_project(git=True)
    pages: list[str] = []
    server = _serve(root, tmp_path / "site", pages)
    try:
        housing = root / "sections/02-housing.md"
        text = housing.read_text(encoding="utf-8") + "\nA closing line on homes for everyone.\n"
        half = len(text) // 2
        with housing.open("w", encoding="utf-8") as saving:
            saving.write(text[:half])
            saving.flush()
            time.sleep(0.09)
            saving.write(text[half:])
            saving.flush()
        _wait_for(pages, "closing line")
        time.sleep(0.3)
    finally:
        server.stop()
    assert "closing line" in pages[-1]
    assert all("Homes for all" in page and "closing line" in page for page in pages[1:]), (
        "a build showed the section cut short")


def test_a_file_left_empty_is_built_empty(make_project: MakeProject, tmp_path: Path) -> None:
    """A file someone empties on purpose is shown as it is, a moment later."""
    root = make_project(git=True)
    pages: list[str] = []
    server = _serve(root, tmp_path / "site", pages)
    try:
        (root / "sections/02-housing.md").write_text("", encoding="utf-8")
        deadline = time.monotonic() + 20
        while len(pages) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        server.stop()
    assert len(pages) == 2 and "Homes for all" in pages[0] and "Homes for all" not in pages[1]


def test_serve_logging_into_the_project_rebuilds_once_per_edit(make_project: MakeProject, tmp_path: Path) -> None:
    """`coe-paper serve > serve.log` (or `nohup`'s nohup.out) in the project: each line serve wrote to its log was a
    change in the project, so a rebuild, so one more line. It rebuilt and reloaded the open pages for ever, a few
    times a second. A rebuild that leaves the site as it was neither reloads the page nor says so."""
    root = make_project(git=True)
    env = os.environ | {"COE_PAPER_RESIDENT": "0"}
    with (root / "serve.log").open("wb") as log:
        served = subprocess.Popen([sys.executable, "-m", "coe_paper", "serve", "--port", "0", "-o",
                                   str(tmp_path / "s")], cwd=root, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while "serving http" not in (root / "serve.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(3)
        built = [line for line in (root / "serve.log").read_text().splitlines() if line.startswith("built in")]
        assert len(built) == 1 and "(start)" in built[0], built
        housing = root / "sections/02-housing.md"
        housing.write_text(housing.read_text(encoding="utf-8").replace("Homes for all", "Homes for everyone"),
                           encoding="utf-8")
        time.sleep(3)
        built = [line for line in (root / "serve.log").read_text().splitlines() if line.startswith("built in")]
        assert len(built) == 2 and "(sections/02-housing.md)" in built[1], built
        assert "Homes for everyone" in (tmp_path / "s/index.html").read_text(encoding="utf-8")
    finally:
        served.terminate()
        served.wait(30)
