"""The `checks:` block of paper.yaml: which editorial rules run, how severe they are, and the paper's own lists.

Selection works as ruff's does: `select` and `ignore` take codes or code prefixes (`COE7` is every editorial rule,
`COE71` the EU style rules, `COE712` one rule); the longest matching prefix wins, `ignore` over `select` on a tie.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CODE_PREFIX = re.compile(r"^COE7[0-9]{0,2}$")


def _prefixes(values: list[str]) -> list[str]:
    for value in values:
        if not CODE_PREFIX.match(value):
            raise ValueError(f"'{value}' is not an editorial rule code or prefix (COE7, COE71, COE712, ...)")
    return values


class ChecksConfig(BaseModel):
    """`checks:` in paper.yaml; every key is optional and the defaults are the ones the README states."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True)  # as model._Strict

    select: list[str] = ["COE7"]
    ignore: list[str] = []
    severity: dict[str, Literal["error", "warning"]] = {}
    terms: list[str] = Field(default=[], description="the paper's own term lists (YAML files in the project)")
    words: str = "paper/words.txt"
    dictionary: str = "/usr/share/hunspell/en_GB"
    thousands: Literal["space", "comma"] = "space"
    max_sentence_words: int = Field(default=40, gt=0)

    @field_validator("select", "ignore")
    @classmethod
    def _codes(cls, values: list[str]) -> list[str]:
        return _prefixes(values)

    @field_validator("severity")
    @classmethod
    def _severity_codes(cls, values: dict[str, str]) -> dict[str, str]:
        _prefixes(list(values))
        return values

    def dictionary_at(self, root: Path) -> str | None:
        """Where `dictionary`'s .aff and .dic are (without the suffix): an absolute path as the user gave it, a
        relative one from the project's folder whatever the current folder is; None for a relative one that leads
        out of the project (`../x`, or through a symbolic link: a folder on its way, or its .aff or .dic), as an
        output would (safepaths)."""
        from ..safepaths import leaves_through_link, resolved  # here: paper.yaml's model is read by commands
        from ..sources import SourceError, normalise  # without them

        if os.path.isabs(self.dictionary):
            return self.dictionary
        try:
            relative = normalise(self.dictionary)
        except SourceError:
            return None
        folder = resolved(root)
        if not relative or folder is None:  # the project's folder itself ('.', 'paper/..'): its parent's files
            return None
        for suffix in (".aff", ".dic"):
            written = folder / f"{relative}{suffix}"
            final = resolved(written)  # a link loop: reading it says so
            if final is not None and leaves_through_link(written, folder, final):
                return None
        return str(root / relative)

    def selects(self, code: str) -> bool:
        """Whether rule `code` runs: the longest select or ignore prefix decides, ignore winning a tie."""
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return chosen > dropped

    def severity_of(self, code: str, default: str) -> str:
        """The severity set for `code` (longest matching prefix), else the rule's default."""
        matches = [p for p in self.severity if code.startswith(p)]
        return self.severity[max(matches, key=len)] if matches else default
