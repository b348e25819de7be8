"""`coe-paper serve` ends at once when it is stopped (Ctrl-C), whatever it was warming up."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from coe_paper import serve
from coe_paper.rules import speller
from coe_paper.serve import PreviewServer
from conftest import MakeProject


def test_serve_stops_at_once_while_it_loads_the_dictionary(make_project: MakeProject, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Serve loads the spelling dictionary in the background after its first build (a second or more); Ctrl-C in
    that time waited for the loading to end, up to five seconds, before the command ended."""
    loading, release = threading.Event(), threading.Event()

    def slow_load(*args: object, **kwargs: object) -> None:
        if threading.current_thread() is threading.main_thread():
            return  # the first build's own lookups, before the server starts: no dictionary
        loading.set()
        release.wait(60)  # the background load, lasting until the test is done

    monkeypatch.setattr(speller, "load_lookups", slow_load)
    monkeypatch.setattr(serve, "STOP_SECONDS", 120.0)  # a thread stop() waits for would outlast the bound below
    server = PreviewServer(make_project(), tmp_path / "site", port=0)
    server.start()
    try:
        assert loading.wait(30)
        stopping = threading.Thread(target=server.stop)
        stopping.start()
        stopping.join(30)  # a bound for a hang: stop() must not wait for the load, which never ends by itself
        assert not stopping.is_alive(), "stop() waited for the dictionary to load"
    finally:
        release.set()
