"""The data files shipped in `coe_paper/rules/data/` (term lists, American spellings), read once a process.

They are YAML, for the people who edit them. Parsed once, their data is kept as JSON in the section cache of the
project being checked, so that checking one changed section does not import PyYAML; the rules build what they use
from the data and check its shape as they do (a term list is validated by its model), and data they refuse is
parsed again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from ..store import Store

T = TypeVar("T")
_project: list[Path | None] = [None]  # where the cache is: the project the editorial rules run on (see engine)


def use_project(root: Path | None) -> None:
    _project[0] = root


@cache
def _store(root: Path | None) -> Store:
    return Store(root, "shipped", "", pack=True)


def shipped_data(name: str, build: Callable[[Any], T]) -> T:
    """What `build` makes of the data of `data/<name>`: the cached data when `build` accepts it (it raises on data
    of the wrong shape), else the file's, parsed and kept."""
    text = resources.files("coe_paper.rules").joinpath("data", name).read_text(encoding="utf-8")
    store = _store(_project[0])
    key = store.key(name, text)
    found = store.get(key)
    if found is not None:
        try:
            return build(found)
        except Exception:  # a hand-made entry is as good as none
            pass
    import yaml

    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # a safe loader
    built = build(data)  # a broken shipped file is a bug: it raises
    store.put(key, data)
    store.prune(drop_unused=False)  # the other files' entries stay: this run may not have asked for them yet
    return built
