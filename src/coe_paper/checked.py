"""`validate` and `status` when nothing changed since the last check of the work tree: its record holds the
fingerprint an up-to-date build's does (uptodate.py: the paper's files, the other questions the check asked the work
tree, git's state, coe-paper's code, the libraries, the spelling dictionary) and the diagnostics the check reported,
their fixes too, which a run reports again without loading the paper: none of the checks, the rules or the models is
imported (as ruff keeps a file's findings while the file is unchanged); `status` keeps its report the same way, for
the day it judged lateness on. Anything different, missing or unreadable, and the paper is checked. Only a check of
the work tree is kept: `--rev` checks a revision, `--fix` and `--diff` change or show the files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from . import uptodate
from .diagnostics import Diagnostic, decode_diagnostics, encode_diagnostic
from .status_rows import StatusReport, decode, judged_on
from .store import Store

_CHECK = "validate"  # the record's key: one for the work tree's check


def reported(root: Path, found: dict[str, str] | None) -> list[Diagnostic] | None:
    """What the last check of the work tree reported, when nothing it depended on has changed since `found` (the
    fingerprint now) was taken; else None."""
    record = _held(root, found, _CHECK)
    return None if record is None else decode_diagnostics(record.get("diagnostics"))


def keep(root: Path, found: dict[str, str] | None, diagnostics: list[Diagnostic], answers: dict[str, str],
         dictionary: str) -> None:
    """Keep what a check of the work tree reported, with the fingerprint taken before it ran and the questions it
    asked the work tree (sources.JournaledTree)."""
    _keep(root, found, answers, dictionary, {"diagnostics": [encode_diagnostic(d) for d in diagnostics]}, _CHECK)


def status_reported(root: Path, found: dict[str, str] | None) -> StatusReport | None:
    """What the last `status` of the work tree reported today (the day lateness is judged on), when nothing it
    depended on has changed since `found` was taken; else None."""
    record = _held(root, found, "status", judged_on().isoformat())
    return None if record is None else decode(record.get("report"))


def keep_status(root: Path, found: dict[str, str] | None, report: StatusReport, answers: dict[str, str],
                dictionary: str) -> None:
    """Keep what `status` of the work tree reported, as `keep` keeps a check."""
    _keep(root, found, answers, dictionary, {"report": report.encode()}, "status", judged_on().isoformat())


def _held(root: Path, found: dict[str, str] | None, *key: str) -> dict[str, Any] | None:
    """The record under `key` while nothing it depended on has changed since `found` was taken; else None."""
    store = Store(root, uptodate.KIND, "")
    try:
        return uptodate.holding(root, store, store.key(*key), found)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):  # a damaged record
        return None
    except (OSError, RuntimeError):  # a link loop among the questions asked again (RuntimeError before Python 3.13)
        return None


def _keep(root: Path, found: dict[str, str] | None, answers: dict[str, str], dictionary: str,
          payload: dict[str, Any], *key: str) -> None:
    if found is None:
        return
    store = Store(root, uptodate.KIND, "")
    store.put(store.key(*key), {**uptodate.kept(found, answers, dictionary), **payload})
