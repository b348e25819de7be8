"""The project as `apply` would leave it: the work tree, with each section file the review changes read as its new
text, so that what the review does to the rest of the paper (a link whose heading a reviewer renamed) is known
before anything is written, with `--dry-run` as without it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .sources import SourceError, TooLarge, WorkTree, too_large


class Planned(WorkTree):
    """The files on disk, but for `texts` (by the path each resolves to, relative to the project)."""

    def __init__(self, root: Path, texts: Mapping[str, str]) -> None:
        super().__init__(root)
        self.label = "work tree with the review applied"
        self.texts = {path: text.encode("utf-8") for path, text in texts.items()}

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        try:
            planned = self.texts.get(self.resolved(path))
        except SourceError:  # a link loop, outside the project: the work tree says so
            planned = None
        if planned is None:
            return super().read_bytes(path, limit)
        if limit is not None and len(planned) > limit:
            raise TooLarge(too_large(path, len(planned), limit))
        return planned
