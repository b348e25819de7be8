"""The rules' shipped data files: parsed once, then taken from the project's cache; an entry of the wrong shape
is parsed again, never trusted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from coe_paper.rules import shipped
from coe_paper.rules.us_spellings import _us_spellings
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
    assert first.words["color"] == "colour"
    assert (project / ".git" / CACHE_DIR / "shipped.pack").exists()
    shipped._store.cache_clear()

    def no_yaml(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yaml, "load", no_yaml)
    assert shipped.shipped_data("us_spellings.yaml", _us_spellings) == first


def test_the_american_spellings_are_named_as_their_keys_are_in_the_data(project: Path) -> None:
    """The four parts of us_spellings.yaml were handed on as a 4-tuple, which each rule unpacked by position: they
    are named as the file names them, from the file and from the cache alike."""
    for _ in range(2):  # parsed, then taken from the cache
        found = shipped.shipped_data("us_spellings.yaml", _us_spellings)
        assert found.words["program"] == "programme" and found.words["tires"] == "tyres"
        assert "computer" in found.no_fix["program"] and "never" in found.no_fix["tire"]
        assert found.notes["program"] == "keep 'program' only for computer programs"
        assert found.no_fix_next["tire"] == frozenset({"them", "him", "me", "us"})
        assert "program" not in found.no_fix_next
        shipped._store.cache_clear()


def test_an_entry_of_the_wrong_shape_is_parsed_again(project: Path) -> None:
    first = shipped.shipped_data("us_spellings.yaml", _us_spellings)
    pack = project / ".git" / CACHE_DIR / "shipped.pack"
    body = pack.read_bytes().partition(b"\n")[2]
    forged = json.dumps({key: {"words": 3, "no_fix": []} for key in json.loads(body)}).encode()
    pack.write_bytes(Store._head("pack", forged) + b"\n" + forged)  # the right checksum, the wrong data
    shipped._store.cache_clear()
    assert shipped.shipped_data("us_spellings.yaml", _us_spellings) == first
