"""The data files shipped in `coe_paper/rules/data/` (term lists, American spellings), read once a process.

They are YAML, for the people who edit them. Parsed once, their data is kept as JSON in the section cache of the
project being checked, so that checking one changed section does not import PyYAML; the rules check the data's
shape as they take it (a term list is validated by its model), and anything else is parsed again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..store import Store

_project: list[Path | None] = [None]  # where the cache is: the project the editorial rules run on (see engine)


def use_project(root: Path | None) -> None:
    _project[0] = root


@cache
def _store(root: Path | None) -> Store:
    return Store(root, "shipped", "", pack=True)


def shipped_data(name: str, usable: Callable[[Any], bool]) -> Any:
    """The data of `data/<name>`: from the cache when `usable` accepts it, else parsed (and kept)."""
    text = resources.files("coe_paper.rules").joinpath("data", name).read_text(encoding="utf-8")
    store = _store(_project[0])
    key = store.key(name, text)
    found = store.get(key)
    try:
        if found is not None and usable(found):
            return found
    except Exception:
        pass
    import yaml

    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader
    store.put(key, data)
    store.prune(drop_unused=False)  # the other files' entries stay: this run may not have asked for them yet
    return data
