"""Raw WordprocessingML helpers that have a rule of their own (table column widths), and the prepared elements
they copy, which must be what building them one by one gives."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from coe_paper import ooxml, ooxml_table


def cell(text: str) -> list[ooxml.Element]:
    p = ooxml.paragraph()
    ooxml.run(p, text)
    return [p]


def test_columns_fit_their_longest_word_and_text_heavy_columns_get_the_rest() -> None:
    rows = [
        [cell("Country"), cell("Role"), cell("Contributed to")],
        [cell("Belgium"), cell("member"), cell("Understanding equality and intersectionality; Next steps")],
        [cell("Netherlands"), cell("observer"), cell("Funding and EU instruments; Data and monitoring")],
    ]
    widths = ooxml_table.column_widths(rows, 3, total=9000)
    assert sum(widths) == 9000
    assert widths[0] >= len("Netherlands") * 135 + 280
    assert widths[1] >= len("observer") * 135 + 280
    assert widths[2] > widths[0] > widths[1]


def test_columns_too_wide_together_share_the_width_in_proportion() -> None:
    rows = [[cell("x" * 12) for _ in range(8)]]
    widths = ooxml_table.column_widths(rows, 8, total=9000)
    assert sum(widths) == 9000
    assert max(widths) - min(widths) <= 8  # equal up to rounding


def test_columns_of_short_words_keep_their_room_when_long_words_overfill_the_table() -> None:
    """When the longest words of all columns do not fit together, the columns whose words break anyway (a web
    address, a long compound) give up room; a column of short words keeps room for them, unbroken (measured
    closely, letter by letter, once the generous estimate overfills the table)."""
    rows = [[cell("x" * 60), cell("https://example.org/" + "a" * 50), *(cell(w) for w in ("Third", "Fourth",
             "Fifth", "Sixth", "Seventh", "Eighth"))]]
    widths = ooxml_table.column_widths(rows, 8, total=9000)
    assert sum(widths) == 9000
    for width, word in zip(widths[2:], ("Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth"), strict=True):
        assert width >= ooxml_table.word_width(word) + ooxml_table.CELL_MARGINS
    assert widths[0] == widths[1] > widths[2]


def test_table_cells_and_grid_use_the_computed_widths() -> None:
    rows = [[cell("Country"), cell("A much longer column of running text")]]
    tbl = ooxml_table.table(rows, 1, None, [None, None])
    grid = [int(col.get(ooxml.w("w"))) for col in tbl.iter(ooxml.w("gridCol"))]
    cells = [int(tc.get(ooxml.w("w"))) for tc in tbl.iter(ooxml.w("tcW"))]
    assert grid == cells == ooxml_table.column_widths(rows, 2)


@pytest.mark.parametrize("text", ["plain", " lead", "trail ", " ", "", "\tx", "x\n", "\u00a0nbsp", "in side"])
@pytest.mark.parametrize(("flags", "style"), [((), None), ((ooxml.BOLD, ooxml.ITALIC), None), ((), "Strong"),
                                              ((ooxml.SUBSCRIPT, ooxml.SUPERSCRIPT), "Verbatim")])
def test_a_run_keeps_its_spaces_as_set_text_does(text: str, flags: tuple[str, ...], style: str | None) -> None:
    """A run is a copy of a prepared one, which keeps the spaces of text that starts or ends with one: the same run
    as giving a run's w:t the text with set_text."""
    built = ooxml.run(ooxml.paragraph(), "x", flags, style)
    ooxml.set_text(built[-1], text)
    assert etree.tostring(ooxml.run(ooxml.paragraph(), text, flags, style)) == etree.tostring(built)


def test_first_child_is_what_find_gives() -> None:
    """first_child reads a paragraph's properties without lxml's path machinery, and finds what `find` finds."""
    p = etree.fromstring(
        f'<w:p xmlns:w="{ooxml.W_NS}" xmlns:o="urn:other"><!-- note --><?pi x?><o:pPr/><w:r><w:pPr/></w:r>'
        "<w:pPr><w:pStyle/></w:pPr><w:pPr/></w:p>")
    for parent in (p, *p.iter()):
        for tag in (ooxml.PPR, ooxml.PSTYLE, "{urn:other}pPr", ooxml.R, "pPr", ooxml.w("none")):
            assert ooxml.first_child(parent, tag) is parent.find(tag)


@pytest.mark.parametrize("style", [None, "", "Compact"])
@pytest.mark.parametrize("mark", [(1, "_Coe-1_3"), (0, ""), (123456, "a & <b> \"c\"")])
def test_a_paragraph_with_a_bookmark_is_a_paragraph_and_then_its_bookmark(style: str | None,
                                                                         mark: tuple[int, str]) -> None:
    """A paragraph that starts with a bookmark is copied with it; the same as appending the bookmark after."""
    built = ooxml.paragraph(style)
    ooxml.bookmark(built, *mark)
    assert etree.tostring(ooxml.paragraph(style, mark)) == etree.tostring(built)
    assert etree.tostring(ooxml.paragraph(style)) == etree.tostring(ooxml.paragraph(style, None))


_XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_XML_TEXT, st.booleans()), max_size=12))
def test_relationships_are_written_as_python_docx_writes_them(targets: list[tuple[str, bool]]) -> None:
    """A package's relationships (a link's address, a picture's part) give the bytes python-docx's own writer
    gives, whatever the address holds (`&`, quotes, `<`, letters of any script), made without its slower way."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.opc.rel import Relationships

    from coe_paper.ooxml_parts import relationships_xml

    rels = Relationships("/word")
    for index, (target, external) in enumerate(targets, start=1):
        if external:
            rels.add_relationship(RT.HYPERLINK, target, f"rId{index}", True)
        else:  # a part of the package: its name, relative to the document's
            rels.add_relationship(RT.IMAGE, Part(PackURI(f"/word/media/image{index}.png"), "image/png"), f"rId{index}")
    mine = relationships_xml((rel.rId, rel.reltype, rel.target_ref, rel.is_external) for rel in rels.values())
    assert mine == rels.xml


def _styles(*names: str) -> etree._Element:
    styles = "".join(f'<w:style w:styleId="S{i}"><w:name w:val="{name}"/></w:style>' for i, name in enumerate(names))
    return etree.fromstring(f'<w:styles xmlns:w="{ooxml.W_NS}">{styles}</w:styles>')


@pytest.mark.parametrize(("names", "named"), [(("Normal", "caption"), ["Normal", "Caption"]),
                                              (("caption", "Caption"), ["caption", "Caption"]),
                                              (("Normal", "heading 1"), ["Normal", "heading 1"])])
def test_the_caption_style_is_named_as_libreoffice_tags_it(names: tuple[str, ...], named: list[str]) -> None:
    """Word's "caption" is named "Caption" (LibreOffice's tagged PDF tags only that name Caption), unless the
    template has a "Caption" of its own beside it; no other style is renamed."""
    from coe_paper.ooxml_parts import name_for_tags

    styles = _styles(*names)
    name_for_tags(styles)
    assert [name.get(ooxml.w("val")) for name in styles.iter(ooxml.w("name"))] == named
