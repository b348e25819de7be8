"""The rules' shipped data files: parsed once, then taken from the project's cache; an entry of the wrong shape
is parsed again, never trusted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from coe_paper.rules import shipped
from coe_paper.rules.spelling import _us_spellings
from coe_paper.store import CACHE_DIR, Store
from conftest import MakeProject


@pytest.fixture
def project(make_project: MakeProject) -> Iterator[Path]:
    root = make_project(git=True)
    shipped.use_project(root)
    shipped._store.cache_clear()
    yield root
    shipped.use_project(None)
    shipped._store.cache_clear()


def test_the_data_is_parsed_once_then_taken_from_the_cache(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = shipped.shipped_data("us_spellings.yaml", _us_spellings)
    assert first[0]["color"] == "colour"
    assert (project / ".git" / CACHE_DIR / "shipped.pack").exists()
    shipped._store.cache_clear()

    def no_yaml(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml, "load", no_yaml)
    assert shipped.shipped_data("us_spellings.yaml", _us_spellings) == first


def test_an_entry_of_the_wrong_shape_is_parsed_again(project: Path) -> None:
    first = shipped.shipped_data("us_spellings.yaml", _us_spellings)
    pack = project / ".git" / CACHE_DIR / "shipped.pack"
    body = pack.read_bytes().partition(b"\n")[2]
    forged = json.dumps({key: {"words": 3, "no_fix": []} for key in json.loads(body)}).encode()
    pack.write_bytes(Store._head("pack", forged) + b"\n" + forged)  # the right checksum, the wrong data
    shipped._store.cache_clear()
    assert shipped.shipped_data("us_spellings.yaml", _us_spellings) == first
