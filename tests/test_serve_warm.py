"""`serve` loads the spelling dictionary's entries in the background after its first build, and that loading gives
way to a rebuild: an edit saved at once was shown after 1-1.5 s instead of 0.3 s, the rebuild sharing the
interpreter with the loading, and waiting out the cycle collector walking the entries loaded so far."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from coe_paper import pipeline, serve
from coe_paper.rules import speller
from coe_paper.serve import PreviewServer
from conftest import MakeProject


def test_the_dictionary_loads_between_rebuilds_without_the_collector_and_stays_frozen(
        make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(git=True)
    server = PreviewServer(root, tmp_path / "site", port=0)
    seen: dict[str, Any] = {}
    made: list[list[object]] = []

    def load_dictionary(path: str, key: str | None = None, pause: Any = None) -> object:
        seen["collecting"] = gc.isenabled()
        for _ in range(3):
            made.extend([[n] for n in range(1000)])  # objects the collector would walk
            pause()
            seen.setdefault("paused until", time.monotonic())
        return made

    monkeypatch.setattr(speller, "load_dictionary", load_dictionary)
    monkeypatch.setattr(speller, "load_lookups", lambda *args: None)
    built = SimpleNamespace(project=pipeline.check(root).project)
    frozen = gc.get_freeze_count()
    server._rebuilding.set()  # a rebuild runs
    warming = threading.Thread(target=server._warm, args=(built,))
    try:
        warming.start()
        time.sleep(0.3)
        assert "paused until" not in seen and warming.is_alive()  # it waits in its first pause
        ended = time.monotonic()
        server._rebuilding.clear()
        warming.join(30)
        assert not warming.is_alive() and seen["paused until"] >= ended
        assert seen["collecting"] is False  # the collector was off while it loaded
        assert gc.isenabled()  # and is on again
        assert gc.get_freeze_count() >= frozen + len(made)  # what it loaded is no collection's work again
    finally:
        server._rebuilding.clear()
        server.httpd.server_close()
        gc.unfreeze()


def test_a_rebuild_waiting_for_the_dictionary_or_serve_stopping_ends_the_pause(make_project: MakeProject,
                                                                                tmp_path: Path) -> None:
    server = PreviewServer(make_project(git=True), tmp_path / "site", port=0)
    server._rebuilding.set()
    try:
        for wake in (speller._awaited, server.stopping):
            pausing = threading.Thread(target=server._pause)
            pausing.start()
            time.sleep(0.2)
            assert pausing.is_alive()
            wake.set()
            pausing.join(30)
            assert not pausing.is_alive()
            wake.clear()
    finally:
        speller._awaited.clear()
        server.httpd.server_close()


def test_the_loading_also_waits_from_an_edit_seen_until_its_page_is_sent(make_project: MakeProject, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The watcher's wait for a save to settle, and the reload and page sent after the rebuild, need the interpreter
    too: the loading waits from the moment an edit is seen until QUIET_SECONDS after the rebuild (a first edit took
    0.5-0.6 s to show, the others 0.3 s)."""
    monkeypatch.setattr(serve, "QUIET_SECONDS", 0.4)
    root = make_project(git=True)
    builds: list[object] = []
    server = PreviewServer(root, tmp_path / "site", port=0, on_build=builds.append)
    try:
        server.build([])
        before = time.monotonic()
        server._pause()
        assert time.monotonic() >= server._quiet_until > before  # it waited past the rebuild, until then
        section = root / "sections" / "03-outlook.md"
        settled = threading.Event()  # the save settles (and the rebuild begins) only once the test has looked
        monkeypatch.setattr(serve.settle, "settle", lambda paths, stopping: settled.wait(10))
        ready = threading.Event()
        watching = threading.Thread(target=server._watch, args=(ready,), daemon=True)
        watching.start()
        assert ready.wait(30)  # the watcher is watching
        seen = time.monotonic()
        section.write_text(section.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while server._quiet_until < seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(builds) == 1 and server._quiet_until >= seen + 0.4  # from the edit seen, before its rebuild
        settled.set()
    finally:
        server.stopping.set()
        server.httpd.server_close()
