"""`coe-paper serve` ends at once when it is stopped (Ctrl-C), whatever it was warming up."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from coe_paper.rules import speller
from coe_paper.serve import PreviewServer
from conftest import MakeProject


def test_serve_stops_at_once_while_it_loads_the_dictionary(make_project: MakeProject, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Serve loads the spelling dictionary in the background after its first build (a second or more); Ctrl-C in
    that time waited for the loading to end, up to five seconds, before the command ended."""
    loading = threading.Event()

    def slow_load(*args: object, **kwargs: object) -> None:
        loading.set()
        time.sleep(4)

    monkeypatch.setattr(speller, "load_lookups", slow_load)
    server = PreviewServer(make_project(), tmp_path / "site", port=0)
    server.start()
    assert loading.wait(5)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 1.5
