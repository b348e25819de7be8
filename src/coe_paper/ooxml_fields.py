"""The fields of a WordprocessingML part as their instructions: a simple field's (`w:fldSimple`) and a complex
one's, whose instruction text (`w:instrText`) may be split over many runs between its `begin` and its `separate`
(or `end`) marks, and whose result may hold fields of its own."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .ooxml import w

_SIMPLE, _CHAR, _INSTRUCTION = w("fldSimple"), w("fldChar"), w("instrText")
_KIND, _INSTR = w("fldCharType"), w("instr")


def instructions(root: etree._Element) -> Iterator[str]:
    """Every field's instruction in `root`, in the order the fields end their instructions."""
    open_: list[list[str] | None] = []  # a field whose instruction is being read; None once its result began
    for node in root.iter(_SIMPLE, _CHAR, _INSTRUCTION):
        if node.tag == _SIMPLE:
            yield node.get(_INSTR, "")
        elif node.tag == _INSTRUCTION:
            if open_ and open_[-1] is not None:
                open_[-1].append(node.text or "")
        elif node.get(_KIND) == "begin":
            open_.append([])
        elif open_:
            reading = open_[-1]
            if reading is not None:
                yield "".join(reading)
            if node.get(_KIND) == "end":
                open_.pop()
            else:
                open_[-1] = None


def field_name(instruction: str) -> str:
    """A field's name, in capitals, from its instruction (`HYPERLINK "..."` -> HYPERLINK); "(empty)" for none."""
    words = instruction.split()
    return words[0].upper() if words else "(empty)"
