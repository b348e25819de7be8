"""How `serve` waits for an edit to be saved whole: the files a change names must stay as they are for a moment
before a rebuild reads them (an editor writes a file in pieces, or empties it and then writes it), so that the
preview never shows a half-save."""

from __future__ import annotations

import threading
import time
from pathlib import Path

#: How long the files a change names must stay as they are before a rebuild reads them, so that a file an editor
#: writes in pieces is not shown half-written.
SETTLE_SECONDS = 0.1
#: How long a file left empty is given to be filled: an editor that empties a file on opening it and then writes it
#: made serve build, and show, the paper without it for a moment. One that stays empty is built as it is.
EMPTIED_SECONDS = 1.0
SETTLE_AT_MOST = 3.0  # a file that never stops changing (a log someone writes into the project) is built anyway


def _states(paths: list[Path]) -> dict[Path, tuple[int, int] | None]:
    """Each file's size and modification time (None when it is gone or cannot be read)."""
    found: dict[Path, tuple[int, int] | None] = {}
    for path in paths:
        try:
            stat = path.stat()
        except (OSError, ValueError):
            found[path] = None
        else:
            found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


def settle(paths: list[Path], stopping: threading.Event) -> None:
    """Return once the files at `paths` have stayed unchanged for SETTLE_SECONDS, and once any of them that is empty
    has stayed so for EMPTIED_SECONDS since the wait began (or at SETTLE_AT_MOST, or when `stopping` is set), so
    that a rebuild reads no editor's half-save."""
    start = time.monotonic()
    before = _states(paths)
    while not stopping.wait(SETTLE_SECONDS):
        now, waited = _states(paths), time.monotonic() - start
        emptied = any(state is not None and state[0] == 0 for state in now.values())
        if waited >= SETTLE_AT_MOST or (now == before and (not emptied or waited >= EMPTIED_SECONDS)):
            return
        before = now
