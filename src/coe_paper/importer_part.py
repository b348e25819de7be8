"""The section `import --id` takes from a paper coe-paper assembled: its blocks, found by the hidden
`_Coe{n}_{line}` bookmarks of the section's place in the `coe-paper:sections` map, from its title to the next
section or the annex; the title page, contents, other sections, byline and annex are left out."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import wordblocks as wb
from .marks import is_source_mark, section_map, section_prefix


@dataclass
class Part:
    blocks: list[wb.Block]
    whole: bool  # the whole document is imported (it has no such section)
    ids: list[str] = field(default_factory=list)  # every section id of the paper, whose links survive
    message: str = ""  # what was imported, for a COE912 warning ("": nothing to say)


def assembled_section(doc: wb.WordDocument, section_id: str) -> Part:
    """The blocks of the section with the id in an assembled paper, or the whole document without one."""
    ids = [sid for sid, _ in section_map(doc.properties) or []]
    if section_id not in ids:
        return Part(doc.blocks, True, ids, f"this is a paper coe-paper assembled, without a section '{section_id}' "
                    f"(it has {', '.join(map(str, ids)) or 'none'}): the whole document is imported")
    mine = section_prefix(ids.index(section_id))
    marks = [[name for p in wb.paragraphs([block]) for name in p.bookmarks] for block in doc.blocks]
    start = next((i for i, names in enumerate(marks) if f"{mine}1" in names), None)
    if start is None:
        return Part(doc.blocks, True, ids)
    end = start + 1
    while end < len(marks):
        block = doc.blocks[end]
        ours = any(n.startswith(mine) for n in marks[end])
        if any(map(is_source_mark, marks[end])) and not ours:
            break  # the next section
        if isinstance(block, wb.Paragraph) and block.outline == 0 and not ours:
            break  # the annex
        end += 1
    while end > start + 1 and _blank(doc.blocks[end - 1]):
        end -= 1  # the page break before the annex
    return Part(doc.blocks[start:end], False, ids, f"a paper coe-paper assembled: imported section '{section_id}' "
                "only; the title page, contents, other sections, byline and annex are left out")


def _blank(block: wb.Block) -> bool:
    return isinstance(block, wb.Paragraph) and not block.text().replace(wb.OBJECT, "").strip()
