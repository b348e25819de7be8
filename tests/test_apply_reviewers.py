"""`coe-paper apply` of words two reviewers typed at one place: a paragraph one inserted and the other typed into
(Word and LibreOffice write it as insertions by each, side by side) comes back as one block, its blanks kept."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from conftest import MakeProject, assembled_intro
from reviewkit import DATE, apply_review, edit_part, q

BODY = """\
## Obstacles

The plan meets obstacles in many cities.

Members share their data.
"""


def _paragraph(src: Path, dest: Path, after: str, at_start: bool) -> None:
    """Ana Rossi inserts a paragraph after the one holding `after` (its mark at its end, as Word writes a paragraph
    inserted before the next, or at its start, `at_start`, as after a section's last paragraph); Jean Martin
    replaces words of it, as LibreOffice writes it: his deletion inside her insertion, his words beside it."""
    number = iter(range(9500, 9600))

    def mark(kind: str, author: str) -> etree._Element:
        return etree.Element(q(f"w:{kind}"), {q("w:id"): str(next(number)), q("w:author"): author, q("w:date"): DATE})

    def run(text: str, deleted: bool = False) -> etree._Element:
        r = etree.Element(q("w:r"))
        t = etree.SubElement(r, q("w:delText" if deleted else "w:t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return r

    def change(root: etree._Element) -> None:
        p = next(p for p in root.iter(q("w:p")) if after in "".join(p.itertext()))
        new = etree.Element(q("w:p"))
        etree.SubElement(etree.SubElement(new, q("w:pPr")), q("w:rPr")).append(mark("ins", "Ana Rossi"))
        words = [("Ana Rossi", run("A new ")), ("Ana Rossi", run("paragraph of Ana", True)),
                 ("Jean Martin", run("paragraph of Ana (edited)")), ("Ana Rossi", run(" with words."))]
        for author, r in words:
            ins = mark("ins", author)
            if r.find(q("w:delText")) is not None:
                struck = mark("del", "Jean Martin")
                struck.append(r)
                ins.append(struck)
            else:
                ins.append(r)
            new.append(ins)
        if at_start:  # the mark that ends the paragraph before it is the inserted one, and this one's is that one's
            old_ppr = p.find(q("w:pPr"))
            if old_ppr is None:
                old_ppr = etree.SubElement(p, q("w:pPr"))
                p.insert(0, old_ppr)
            rpr = old_ppr.find(q("w:rPr"))
            if rpr is None:
                rpr = etree.SubElement(old_ppr, q("w:rPr"))
            rpr.append(mark("ins", "Ana Rossi"))
            new.find(q("w:pPr")).remove(new.find(q("w:pPr"))[0])  # type: ignore[union-attr]
        p.addnext(new)

    edit_part(src, dest, change)


def test_a_paragraph_two_reviewers_typed_keeps_its_blanks(make_project: MakeProject, tmp_path: Path) -> None:
    """A paragraph Ana Rossi inserted, in which Jean Martin replaced words: placed as three insertions at one place,
    the words after his lost their blank ("(edited)with words") and, after a section's last paragraph, the words
    before his did ("A newparagraph"). The paragraph is one block, as typed."""
    for after, at_start in (("The plan meets obstacles", False), ("Members share their data", True)):
        root, built = assembled_intro(make_project, tmp_path / after[:9].replace(" ", "-"), BODY)
        reviewed = tmp_path / f"{at_start}.docx"
        _paragraph(built, reviewed, after, at_start)
        plan = apply_review(root, reviewed, write=False)
        assert "\n\nA new paragraph of Ana (edited) with words.\n" in plan.files[0].after, plan.files[0].after
        assert not [f for _, f in plan.findings if f.kind == "skipped"], plan.findings
