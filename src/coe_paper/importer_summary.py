"""The warnings `import` gives once the whole draft is converted: tracked changes taken as accepted, each comment
left out, each equation kept as text, and what changed or was dropped on the way, counted by kind (the converter's
counts, and what the reader dropped in the paragraphs imported and, for a draft that is no assembled paper, in its
headers, footers and elsewhere)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from . import wordblocks as wb
from .diagnostics import count
from .importer_comments import comment_warnings
from .importer_equations import equation_warnings
from .wordfields import page_reference
from .wordmath import EQUATION

CHANGES, COMMENTS, DROPPED, LINK, FORMATTING = "COE901", "COE902", "COE903", "COE908", "COE911"


def summary(doc: wb.WordDocument, paragraphs: Sequence[wb.Paragraph], listed: set[int], assembled: bool,
            renumbered: Counter[str], lost_formatting: int, counts: Counter[tuple[str, str]],
            row_changes: Sequence[wb.Rev] = ()) -> list[tuple[str, str, str]]:
    """The warnings (code, message, hint) after a conversion of `paragraphs` (`listed`: those of a contents or list
    of figures, by id; `renumbered`: the fields the paper numbers again; `counts`: the converter's, added to here;
    `row_changes`: tables' rows inserted or deleted with changes tracked, which no run carries)."""
    out: list[tuple[str, str, str]] = []
    revs = {id(rev) for rev in row_changes}
    for para in paragraphs:
        revs |= {id(r.rev) for r in para.runs if r.rev is not None}
        if para.mark is not None:
            revs.add(id(para.mark))
    formatting = sum(p.formatting_changed for p in paragraphs)
    if revs or formatting:
        said = [count(len(revs), "tracked change")] if revs else []
        said += [f"formatting changes in {count(formatting, 'paragraph')}"] if formatting else []
        out.append((CHANGES, f"{' and '.join(said)} taken as accepted", ""))
    out += [(COMMENTS, message, hint) for message, hint in comment_warnings(doc)]
    dropped: Counter[str] = Counter()
    for para in paragraphs:
        dropped += para.dropped
    pages = sum(page_reference(instruction) for para in paragraphs if id(para) not in listed
                for instruction in para.fields)
    if pages:  # their links are counted as links: to a heading kept, or kept as text
        counts[(LINK, "page references (PAGEREF) that keep the draft's page number, which the paper's pages "
                "change (say 'see section ...' instead)")] += pages
    if not assembled:  # headers, footers and what else no paragraph holds
        everywhere: Counter[str] = Counter()
        for para in wb.paragraphs(doc.blocks) + [p for b in doc.notes.values() for p in wb.paragraphs(b)]:
            everywhere += para.dropped
        dropped += doc.dropped - everywhere
    out += [(DROPPED, message, hint) for message, hint in equation_warnings(paragraphs, doc)]  # named, not counted
    dropped[EQUATION] -= sum(len(para.equations) for para in paragraphs)
    for kind, number in sorted((dropped - renumbered).items()):
        counts[(DROPPED, kind)] += number
    if lost_formatting:
        counts[(FORMATTING, "paragraphs whose bold, italic or other formatting Markdown cannot place there lost it "
                "(the words are kept)")] += lost_formatting
    out += [(code, f"{what}: {number}" if code != DROPPED else f"dropped {what}: {number}", "")
            for (code, what), number in sorted(counts.items()) if number > 0]  # a count of nothing: no warning
    return out
