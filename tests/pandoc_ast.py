"""Reading pandoc's JSON AST (`pandoc -t json`) in tests: every node, and a node's words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def walk(node: Any) -> Iterator[dict[str, Any]]:
    """Every object of the AST under `node` (itself included), depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def text(node: Any) -> str:
    """The words under `node`: its strings, a space for each space."""
    return "".join(n["c"] if n.get("t") == "Str" else " " if n.get("t") == "Space" else "" for n in walk(node))
