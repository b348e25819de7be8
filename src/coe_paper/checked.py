"""`validate` and `status` when nothing changed since the last check of the work tree: its record holds the
fingerprint an up-to-date build's does (uptodate.py: the paper's files, the other questions the check asked the work
tree, git's state, coe-paper's code, the libraries, the spelling dictionary) and the diagnostics the check reported,
their fixes too, which a run reports again without loading the paper: none of the checks, the rules or the models is
imported (as ruff keeps a file's findings while the file is unchanged); `status` keeps its report the same way, for
the day it judged lateness on. Anything different, missing or unreadable, and the paper is checked. Only a check of
the work tree is kept: `--rev` checks a revision, `--fix` and `--diff` change or show the files."""

from __future__ import annotations

from pathlib import Path

from . import uptodate
from .diagnostics import Diagnostic, decode_diagnostics, encode_diagnostic
from .status_rows import StatusReport, decode, judged_on
from .store import Store

_CHECK = "validate"  # the record's key: one for the work tree's check


def reported(root: Path, found: dict[str, str] | None) -> list[Diagnostic] | None:
    """What the last check of the work tree reported, when nothing it depended on has changed since `found` (the
    fingerprint now) was taken; else None."""
    store = Store(root, uptodate.KIND, "")
    try:
        record = uptodate.holding(root, store, store.key(_CHECK), found)
        return None if record is None else decode_diagnostics(record["diagnostics"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):  # a damaged record
        return None
    except (OSError, RuntimeError):  # a link loop among the questions asked again (RuntimeError before Python 3.13)
        return None


def keep(root: Path, found: dict[str, str] | None, diagnostics: list[Diagnostic], answers: dict[str, str],
         dictionary: str) -> None:
    """Keep what a check of the work tree reported, with the fingerprint taken before it ran and the questions it
    asked the work tree (sources.JournaledTree)."""
    if found is None:
        return
    store = Store(root, uptodate.KIND, "")
    store.put(store.key(_CHECK), {**uptodate.kept(found, answers, dictionary),
                                  "diagnostics": [encode_diagnostic(d) for d in diagnostics]})


def status_reported(root: Path, found: dict[str, str] | None) -> StatusReport | None:
    """What the last `status` of the work tree reported today (the day lateness is judged on), when nothing it
    depended on has changed since `found` was taken; else None."""
    store = Store(root, uptodate.KIND, "")
    try:
        record = uptodate.holding(root, store, _status_key(store), found)
        return None if record is None else decode(record["report"])
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
    except (OSError, RuntimeError):
        return None


def keep_status(root: Path, found: dict[str, str] | None, report: StatusReport, answers: dict[str, str],
                dictionary: str) -> None:
    """Keep what `status` of the work tree reported, as `keep` keeps a check."""
    if found is None:
        return
    store = Store(root, uptodate.KIND, "")
    store.put(_status_key(store), {**uptodate.kept(found, answers, dictionary), "report": report.encode()})


def _status_key(store: Store) -> str:
    return store.key("status", judged_on().isoformat())
