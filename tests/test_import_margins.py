"""`coe-paper import` of a draft's headers and footers, which a section has no place for: the warning quotes their
words, as python-docx reads them, so that the member sees what was left out; a watermark (WordArt) is quoted too."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from conftest import MakeProject
from test_import import NO_OUTLOOK, _import

_WATERMARK = ('<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
              'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
              'xmlns:v="urn:schemas-microsoft-com:vml"><w:r><mc:AlternateContent><mc:Choice Requires="v"><w:pict>'
              '<v:shape><v:textpath string="DRAFT"/></v:shape></w:pict></mc:Choice><mc:Fallback><w:pict><v:shape>'
              '<v:textpath string="DRAFT"/></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>')


def test_headers_and_footers_are_named_by_their_words(make_project: MakeProject, tmp_path: Path) -> None:
    """A header or footer has no place in a section; it was only counted ('dropped header: 1'), so the member could
    not tell what was left out. Its words are quoted (a long one shortened), as python-docx reads them."""
    import docx

    document = docx.Document()
    document.add_heading("Safe streets", 1)
    document.add_paragraph("Rents rose.")
    section = document.sections[0]
    section.header.paragraphs[0].text = "Council of Europe"
    section.header.add_paragraph("Draft for the working group")
    section.footer.paragraphs[0].text = "Lighting, benches and crossings near schools " * 3
    second = document.add_section()
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Council of Europe"
    second.header.add_paragraph("Draft for the working group")
    second.different_first_page_header_footer = True
    second.first_page_header.paragraphs[0].text = ""
    second.first_page_header._element.append(etree.fromstring(_WATERMARK))
    second.first_page_footer.paragraphs[0].text = ""
    draft = tmp_path / "margins.docx"
    document.save(str(draft))
    reread = docx.Document(str(draft)).sections[0]
    header = " ".join(p.text for p in reread.header.paragraphs)
    footer = " ".join(reread.footer.paragraphs[0].text.split())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert f"warning COE903 dropped header '{header}': 2" in result.stderr
    assert header == "Council of Europe Draft for the working group"
    assert f"warning COE903 dropped footer '{footer[:79]}\u2026': 1" in result.stderr
    assert "warning COE903 dropped header 'DRAFT': 1" in result.stderr  # a watermark, its fallback's copy not again
    assert "warning COE903 dropped footer without words: 1" in result.stderr
    assert "Council" not in text


def test_words_a_tab_or_break_keeps_apart_are_quoted_apart(make_project: MakeProject, tmp_path: Path) -> None:
    """A footer of a title, a tab and a line ('Safe streets<tab>Council of Europe'), as Word's footers are laid
    out: the warning quoted 'Safe streetsCouncil of Europe', words no one wrote, as python-docx reads them apart."""
    import docx

    document = docx.Document()
    document.add_paragraph("Rents rose.")
    run = document.sections[0].footer.paragraphs[0].add_run("Safe streets")
    run.add_tab()
    run.add_text("Council")
    run.add_break()
    run.add_text("of Europe")
    draft = tmp_path / "footer.docx"
    document.save(str(draft))
    assert docx.Document(str(draft)).sections[0].footer.paragraphs[0].text == "Safe streets\tCouncil\nof Europe"
    result, _ = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "warning COE903 dropped footer 'Safe streets Council of Europe': 1" in result.stderr
