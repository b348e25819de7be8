"""Link reference definitions (`[label]: destination "title"`) whose words the document leaves out (COE607).

The parser takes such a line for a definition and shows it nowhere: only the links that use its label carry its
destination. A definition no link uses, or a second one of a label (links use the first), is therefore missing from
the document, and so is a line a member meant as text that happens to read as one (`[Note]: pending`). The parser
itself says which: its `references` hold each label's first definition and place, `duplicate_refs` the others, and
the links look labels up there, which is counted: the section's one parse (checks.Parsed) is given a `Looked` table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .diagnostics import Diagnostic, clipped, warning


class Looked(dict[str, Any]):
    """The parser's table of definitions, remembering the labels links looked up and found."""

    def __init__(self) -> None:
        super().__init__()
        self.used: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        found = super().get(key, default)
        if found:
            self.used.add(key)
        return found


def unused_definitions(path: str, body_line: int, body: str, env: dict[str, Any]) -> Iterator[Diagnostic]:
    """COE607 at each definition no link uses (a repeated label's later ones too), from the `env` the body was
    parsed with (its `references` a `Looked` table)."""
    table = env.get("references")
    if not isinstance(table, Looked) or not table:
        return
    lines = body.split("\n")
    places: list[tuple[list[int], str, str]] = []  # where, why it is not in the document, what to do
    for label, found in table.items():
        if label.startswith("^"):  # a footnote's label with a blank in it: the parser reads a link definition
            places.append((found["map"], "is a link definition, not a footnote (a footnote's label has no blank)",
                           "write the label without blanks, [^a-b] here and where the text refers to it"))
        elif label not in table.used:
            places.append((found["map"], "reads as a link definition that is used by no link", _HINT))
    places += [(found["map"], "reads as a link definition that repeats the label of line "
                f"{body_line + table[found['label']]['map'][0] + 1} (a link would use that one)", _HINT)
               for found in env.get("duplicate_refs", [])]
    for (first, last), why, hint in sorted(places, key=lambda place: place[0][0]):
        at = lines[first].find("[") + 1 or 1  # after a quote's or a list item's marker
        text = " ".join([lines[first][at - 1:].strip(), *(line.strip(" \t>") for line in lines[first + 1:last])])
        yield warning(path, body_line + first + 1, at, "COE607", f"'{clipped(text, 60)}' {why}: it is not in the "
                      "document", hint)


_HINT = "use it in a link ([words][label]), delete it, or write '\\[' for a '[' meant as text"
