"""The blank lines around what `apply` deletes (placing.py): blocks deleted whole leave one blank line between their
neighbours, not two, and a file ends in one line end; a line whose words all went, below another of its paragraph,
goes with them. A quote's `>` alone on a line is a blank line of the quote."""

from __future__ import annotations


def no_blank_line(file: str, start: int, end: int, new: str) -> tuple[int, int, str]:
    """The replacement of file[start:end] with `new`, widened to take the line with it when it deletes all the words
    of a line below another of its paragraph (after a soft line break): left holding white space or its quote's `>`,
    the line would be blank, which ends the paragraph (or makes its list loose) where Word shows one paragraph."""
    line_start = file.rfind("\n", 0, start) + 1
    line_end = file.find("\n", end)
    line_end = len(file) if line_end < 0 else line_end
    above = file[file.rfind("\n", 0, max(line_start - 1, 0)) + 1 : max(line_start - 1, 0)]
    left = file[line_start:start] + new + file[end:line_end]
    if not line_start or "\n" in file[start:end] or left.strip(" \t>") or not above.strip(" \t>"):
        return start, end, new
    return line_start - 1, line_end, ""


def one_blank_left(file: str, start: int, end: int) -> tuple[int, int]:
    """The lines [start, end) of a block deleted whole, widened by the blank line before it where another blank
    line, or the end of the file, follows: of the two blank lines around it one stays (a picture's paragraph, whose
    caption is a paragraph apart, or a paragraph whose words went without its mark), and a file still ends in a
    single line end. The blank line before, never the one after, so that blocks deleted one after another do not
    overlap. A quote's `>` line alone is a blank line too."""
    before = blank_before(file, start)
    if before and (end >= len(file) or blank_at(file, end)):
        return start - before, end
    return start, end


def blank_before(file: str, start: int) -> int:
    """The length of the blank line, empty or a quote's `>` alone, that ends just before `start` (a line's start),
    its line end with it; 0 where there is none."""
    if start < 2 or file[start - 1] != "\n":
        return 0
    line_start = file.rfind("\n", 0, start - 1) + 1
    return start - line_start if not file[line_start : start - 1].strip(" \t>") else 0


def blank_at(file: str, end: int) -> int:
    """The length of the blank line, empty or a quote's `>` alone, that starts at `end` (a line's start), its line
    end with it; 0 where there is none, or no line end."""
    newline = file.find("\n", end)
    return newline + 1 - end if newline >= 0 and not file[end:newline].strip(" \t>") else 0
