"""The assembled .docx holds real Word structures: styles, runs, hyperlinks, bookmarks, numbering, tables,
footnotes, drawings, fields, header and footer, properties, bylines and the annex, checked in the package XML."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import docx
import pytest
from lxml import etree

from coe_paper.docx_writer import DocxBuilder
from coe_paper.markdown import parse
from coe_paper.pipeline import assemble
from coe_paper.render import Renderer
from coe_paper.sources import WorkTree
from conftest import kitchen_sink_project

REPO_ROOT = Path(__file__).resolve().parents[1]
SECTION_FILE = "sections/01-kitchen-sink.md"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS = {"w": W, "r": R, "wp": WP, "a": A, "rel": PKG_REL}
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


# -- reading the package -------------------------------------------------------------------------------------


@dataclass
class Package:
    """The parts of a built .docx, parsed."""

    root: Path
    path: Path
    zip: zipfile.ZipFile

    def xml(self, name: str) -> etree._Element:
        return etree.fromstring(self.zip.read(name))

    def rels(self, part: str) -> dict[str, etree._Element]:
        """Relationships of `part` (e.g. 'word/document.xml') by id."""
        pure = PurePosixPath(part)
        rels = self.xml(str(pure.parent / "_rels" / f"{pure.name}.rels"))
        return {str(rel.get("Id")): rel for rel in rels.iterfind("rel:Relationship", NS)}

    def related(self, rel_type: str) -> list[str]:
        """Names of document parts related from word/document.xml with `rel_type`."""
        return [f"word/{rel.get('Target')}" for rel in self.rels("word/document.xml").values()
                if rel.get("Type") == REL_TYPE + rel_type]

    @property
    def document(self) -> etree._Element:
        return self.xml("word/document.xml")

    def style_id(self, name: str) -> str:
        """styleId of the style called `name` (case-insensitive) in the document's styles.xml."""
        for style in self.xml("word/styles.xml").iterfind("w:style", NS):
            if str(val(style.find("w:name", NS))).lower() == name.lower():
                return str(style.get(f"{{{W}}}styleId"))
        raise AssertionError(f"no style named {name!r}")


def val(element: etree._Element | None, attr: str = "val") -> str | None:
    return None if element is None else element.get(f"{{{W}}}{attr}")


def text(element: etree._Element | None) -> str:
    """Visible text of a paragraph (or any element): w:t runs, w:br as a newline; field instructions left out."""
    assert element is not None
    out: list[str] = []
    for node in element.iter(f"{{{W}}}t", f"{{{W}}}br", f"{{{W}}}tab"):
        if node.tag == f"{{{W}}}t":
            out.append(node.text or "")
        elif node.tag == f"{{{W}}}br" and node.get(f"{{{W}}}type") is None:
            out.append("\n")
        elif node.tag == f"{{{W}}}tab":
            out.append("\t")
    return "".join(out)


def paragraphs(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{{{W}}}p"))


def paragraph_with(root: etree._Element, needle: str) -> etree._Element:
    found = [p for p in paragraphs(root) if needle in text(p)]
    assert found, f"no paragraph contains {needle!r}"
    return found[0]


def pstyle(p: etree._Element) -> str | None:
    return val(p.find("w:pPr/w:pStyle", NS))


def run_of(p: etree._Element, exact: str) -> etree._Element:
    runs = [r for r in p.iter(f"{{{W}}}r") if r.findtext("w:t", namespaces=NS) == exact]
    assert len(runs) == 1, f"expected one run with text {exact!r}, found {len(runs)}"
    return runs[0]


def flags(run: etree._Element) -> set[str]:
    rpr = run.find("w:rPr", NS)
    return set() if rpr is None else {etree.QName(child).localname for child in rpr if child.get(f"{{{W}}}val")
                                      not in ("0", "false")}


def numbering(p: etree._Element) -> tuple[int, int] | None:
    """(numId, ilvl) of a list paragraph, or None."""
    num = p.find("w:pPr/w:numPr", NS)
    if num is None:
        return None
    return int(str(val(num.find("w:numId", NS)))), int(str(val(num.find("w:ilvl", NS))))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Package]:
    root = kitchen_sink_project(tmp_path_factory.mktemp("structure") / "project")
    result = assemble(root, root / "build" / "kitchen-sink.docx")
    errors = [str(d) for d in result.diagnostics if d.severity == "error"]
    assert result.output is not None, errors
    with zipfile.ZipFile(result.output) as package:
        yield Package(root, result.output, package)


# -- body content --------------------------------------------------------------------------------------------


def test_headings_use_the_templates_heading_styles(built: Package) -> None:
    with zipfile.ZipFile(REPO_ROOT / "paper" / "template.docx") as package:
        template = Package(REPO_ROOT, REPO_ROOT / "paper" / "template.docx", package)
        template_ids = {level: template.style_id(f"heading {level}") for level in (1, 2, 3)}
    body = built.document
    expected = {"Kitchen sink of Markdown": 1, "The other section": 1, "Formatting runs": 2, "Tables and notes": 2,
                "Blocks": 2, "Second heading": 2, "Lists and numbering": 3, "Other section": 3}
    for heading, level in expected.items():
        style = template_ids[level]
        assert built.style_id(f"heading {level}") == style
        found = [p for p in paragraphs(body) if text(p) == heading and pstyle(p) == style]
        assert len(found) == 1, f"{heading!r} is not one Heading {level} paragraph"


def test_run_formatting(built: Package) -> None:
    p = paragraph_with(built.document, "Plain text with")
    assert flags(run_of(p, "bold words")) == {"b", "bCs"}  # bold for complex scripts too
    assert flags(run_of(p, "italic words")) == {"i", "iCs"}
    assert flags(run_of(p, "struck words")) == {"strike"}
    assert flags(run_of(p, "italic with ")) == {"i", "iCs"}
    assert flags(run_of(p, "bold inside")) == {"b", "bCs", "i", "iCs"}
    assert flags(run_of(p, " it")) == {"i", "iCs"}
    assert all(flags(r) == set() for r in p.iter(f"{{{W}}}r") if text(r) in (", ", " and "))
    code = run_of(p, "inline code")
    assert val(code.find("w:rPr/w:rStyle", NS)) == built.style_id("Verbatim Char")
    assert text(run_of(p, "Plain text with ")) == "Plain text with "
    assert flags(run_of(p, "Plain text with ")) == set()


def test_hard_line_break_is_a_break_inside_one_paragraph(built: Package) -> None:
    p = paragraph_with(built.document, "First line of a verse")
    assert "First line of a verse\nsecond line after a hard break." in text(p)
    assert "a verse\\" not in text(p)


def test_external_link_is_a_hyperlink_to_an_external_relationship(built: Package) -> None:
    link = paragraph_with(built.document, "Visit the").find("w:hyperlink[@r:id]", NS)
    assert link is not None
    assert text(link) == "Urban Agenda site"
    assert val(link.find("w:r/w:rPr/w:rStyle", NS)) == built.style_id("Hyperlink")
    rel = built.rels("word/document.xml")[str(link.get(f"{{{R}}}id"))]
    assert rel.get("Type") == REL_TYPE + "hyperlink"
    assert rel.get("TargetMode") == "External"
    assert rel.get("Target") == "https://futurium.ec.europa.eu/en/urban-agenda"


def test_internal_links_point_at_bookmarks_on_their_targets(built: Package) -> None:
    body = built.document
    bookmarks = {str(b.get(f"{{{W}}}name")): b.getparent() for b in body.iter(f"{{{W}}}bookmarkStart")}
    links = {text(h): h.get(f"{{{W}}}anchor") for h in paragraph_with(body, "Visit the").iterfind("w:hyperlink", NS)}
    for label, heading in (("other section", "The other section"), ("the lists heading", "Lists and numbering")):
        anchor = links[label]
        assert anchor, f"link {label!r} has no w:anchor"
        assert anchor in bookmarks, f"w:anchor {anchor!r} names no bookmark"
        assert text(bookmarks[anchor]) == heading
    back = paragraph_with(body, "linking back to").find("w:hyperlink", NS)
    assert back is not None and text(bookmarks[str(back.get(f"{{{W}}}anchor"))]) == "Kitchen sink of Markdown"
    names = [b.get(f"{{{W}}}name") for b in body.iter(f"{{{W}}}bookmarkStart")]
    assert len(names) == len(set(names)), "bookmark names must be unique"
    stories = [body, built.xml("word/footnotes.xml")]
    ids = [int(str(b.get(f"{{{W}}}id"))) for story in stories for b in story.iter(f"{{{W}}}bookmarkStart")]
    assert len(ids) == len(set(ids)) and min(ids) > 0 and max(ids) < 2**31, "bookmark ids: unique, Word's int"
    ends = [int(str(b.get(f"{{{W}}}id"))) for story in stories for b in story.iter(f"{{{W}}}bookmarkEnd")]
    assert sorted(ends) == sorted(ids), "every bookmark ends"


def _abstract_format(built: Package, num_id: int, level: int) -> str | None:
    doc = built.xml("word/numbering.xml")
    num = doc.find(f"w:num[@w:numId='{num_id}']", NS)
    assert num is not None, f"numId {num_id} is not defined in numbering.xml"
    abstract_id = val(num.find("w:abstractNumId", NS))
    lvl = doc.find(f"w:abstractNum[@w:abstractNumId='{abstract_id}']/w:lvl[@w:ilvl='{level}']", NS)
    assert lvl is not None
    return val(lvl.find("w:numFmt", NS))


def test_nested_list_levels(built: Package) -> None:
    body = built.document
    items = {name: numbering(paragraph_with(body, name))
             for name in ("Bullet alpha", "Bullet beta", "Nested first", "Nested second", "Bullet gamma")}
    assert all(item is not None for item in items.values()), items
    bullets = {items[name] for name in ("Bullet alpha", "Bullet beta", "Bullet gamma")}
    nested = {items[name] for name in ("Nested first", "Nested second")}
    assert len(bullets) == 1 and len(nested) == 1, "the items of one list share one numId and level"
    bullet, inner = bullets.pop(), nested.pop()
    assert bullet is not None and inner is not None
    (bullet_num, bullet_level), (nested_num, nested_level) = bullet, inner
    assert (bullet_level, nested_level) == (0, 1)
    assert bullet_num == nested_num  # the list's next level, as Word nests lists (a tagged PDF's L in LI)
    assert _abstract_format(built, bullet_num, 0) == "bullet"
    assert _abstract_format(built, nested_num, 1) != "bullet"  # a numbered list in a bullet item: that level counts
    assert pstyle(paragraph_with(body, "Bullet alpha")) == built.style_id("List Paragraph")


def test_separate_ordered_lists_restart_their_numbering(built: Package) -> None:
    body, numbering_xml = built.document, built.xml("word/numbering.xml")
    lists = [("First list one", "First list two", 1), ("Second list one", "Second list two", 1),
             ("Third list three", "Third list four", 3)]
    num_ids = []
    for first, second, start in lists:
        a, b = numbering(paragraph_with(body, first)), numbering(paragraph_with(body, second))
        assert a is not None and a == b and a[1] == 0
        num_id = a[0]
        num_ids.append(num_id)
        assert _abstract_format(built, num_id, 0) == "decimal"
        override = numbering_xml.find(f"w:num[@w:numId='{num_id}']/w:lvlOverride[@w:ilvl='0']/w:startOverride", NS)
        assert val(override) == str(start)
    assert len(set(num_ids)) == 3, "each ordered list needs its own w:num so that it restarts"
    between = paragraph_with(body, "Paragraph between the first and second lists.")
    assert numbering(between) is None


def test_table_has_a_repeating_header_row_cells_and_alignment(built: Package) -> None:
    tables = [t for t in built.document.iter(f"{{{W}}}tbl") if "Members" in text(t)]
    assert len(tables) == 1
    rows = tables[0].findall("w:tr", NS)
    cells = [[text(tc) for tc in tr.findall("w:tc", NS)] for tr in rows]
    assert cells == [["Country", "City", "Members"], ["Belgium", "Brussels", "3"], ["Italy", "Rome", "5"]]
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(tr.find("w:trPr/w:tblHeader", NS) is None for tr in rows[1:])
    header_runs = rows[0].findall(".//w:r", NS)
    assert header_runs and all("b" in flags(r) for r in header_runs)
    for tr in rows:
        aligns = [val(tc.find("w:p/w:pPr/w:jc", NS)) for tc in tr.findall("w:tc", NS)]
        assert aligns == ["left", "center", "right"]


def test_footnotes_are_real_word_footnotes(built: Package) -> None:
    assert "word/footnotes.xml" in built.zip.namelist()
    assert built.related("footnotes") == ["word/footnotes.xml"]
    content_types = built.xml("[Content_Types].xml")
    overrides = {o.get("PartName"): str(o.get("ContentType")) for o in content_types}
    assert overrides.get("/word/footnotes.xml", "").endswith("wordprocessingml.footnotes+xml")
    notes = {n.get(f"{{{W}}}id"): n for n in built.xml("word/footnotes.xml").iterfind("w:footnote", NS)}
    refs = paragraph_with(built.document, "A claim with a first footnote").findall(".//w:footnoteReference", NS)
    ids = [r.get(f"{{{W}}}id") for r in refs]
    assert len(ids) == 2 and len(set(ids)) == 2
    first, second = (notes[str(i)] for i in ids)
    assert [text(p).strip() for p in first.findall("w:p", NS)] == ["The first footnote text."]
    second_paragraphs = second.findall("w:p", NS)
    assert [text(p).strip() for p in second_paragraphs] == ["The second footnote has bold body text.",
                                                            "Its second paragraph explains more."]
    assert flags(run_of(second_paragraphs[0], "bold body")) == {"b", "bCs"}
    assert all(pstyle(p) == built.style_id("footnote text") for p in second_paragraphs)
    for note in (first, second):
        assert note.find("w:p/w:r/w:footnoteRef", NS) is not None, "a footnote shows its own number"


def test_block_quote_uses_the_quote_style(built: Package) -> None:
    p = paragraph_with(built.document, "A quoted sentence from the survey.")
    assert pstyle(p) == built.style_id("Quotations")  # based on Quote (see test_pdf_structure)
    assert "Continued on a second line." in text(p)


def test_code_blocks_use_source_code_with_line_breaks(built: Package) -> None:
    style = built.style_id("Source Code")
    fenced = paragraph_with(built.document, "def greet(name):")
    assert pstyle(fenced) == style
    assert text(fenced) == 'def greet(name):\n    return "Hello " + name'
    indented = paragraph_with(built.document, "indented code line one")
    assert pstyle(indented) == style
    assert text(indented) == "indented code line one\nindented code line two"
    assert fenced.find("w:r/w:br", NS) is not None


def test_thematic_break_is_a_bottom_border(built: Package) -> None:
    bordered = [p for p in paragraphs(built.document) if p.find("w:pPr/w:pBdr/w:bottom", NS) is not None]
    assert len(bordered) == 1
    assert text(bordered[0]) == ""


def test_image_is_an_inline_drawing_with_alt_text(built: Package) -> None:
    drawings = list(built.document.iter(f"{{{W}}}drawing"))
    assert len(drawings) == 1
    doc_pr = drawings[0].find(".//wp:docPr", NS)
    assert doc_pr is not None and doc_pr.get("descr") == "Bar chart of survey priorities"
    blip = drawings[0].find(".//a:blip", NS)
    assert blip is not None
    rel = built.rels("word/document.xml")[str(blip.get(f"{{{R}}}embed"))]
    assert rel.get("Type") == REL_TYPE + "image"
    assert built.zip.read(f"word/{rel.get('Target')}") == (built.root / "paper" / "images" / "pixel.png").read_bytes()


def test_raw_html_is_literal_text(built: Package) -> None:
    body = built.document
    assert text(paragraph_with(body, "raw inline html")) == "Inline <span>raw inline html</span> stays literal."
    assert text(paragraph_with(body, "Raw HTML block")) == '<div class="raw">Raw HTML block</div>'


# -- front and back matter, parts and properties ---------------------------------------------------------------


def test_title_page_and_table_of_contents(built: Package) -> None:
    body = built.document
    titles = [text(p) for p in paragraphs(body) if pstyle(p) == built.style_id("Title")]
    assert titles == ["Kitchen Sink Paper"]
    instructions = [t.text or "" for t in body.iter(f"{{{W}}}instrText")]
    assert any(i.split()[:1] == ["TOC"] for i in instructions), instructions
    kinds = [c.get(f"{{{W}}}fldCharType") for c in body.iter(f"{{{W}}}fldChar")]
    assert kinds.count("begin") == kinds.count("end") >= 1


def test_header_shows_the_status_and_footer_a_page_field(built: Package) -> None:
    headers, footers = built.related("header"), built.related("footer")
    assert headers and footers
    assert any("Draft" in text(built.xml(h)) for h in headers)
    assert any("Kitchen Sink Paper" in text(built.xml(h)) for h in headers)
    instructions = [(t.text or "").strip() for f in footers for t in built.xml(f).iter(f"{{{W}}}instrText")]
    assert "PAGE" in instructions


def test_core_properties_and_document_language(built: Package) -> None:
    core = docx.Document(str(built.path)).core_properties
    assert core.title == "Kitchen Sink Paper"
    assert core.author == "Every Markdown construct once"  # no cover.partnership: the subtitle names the authors
    assert core.keywords == "logement; égalité"
    assert core.language == "fr-BE"
    assert core.content_status == "Draft"
    lang = built.xml("word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert val(lang) == "fr-BE"


def test_the_extended_properties_name_coe_paper_and_claim_none_of_the_templates_counts(built: Package) -> None:
    """docProps/app.xml came from the template as it was: one page, no words, written by 'Microsoft Macintosh Word'
    14.0, which a file manager shows for the paper without opening it. It names coe-paper, and leaves the counts
    for Word to work out."""
    ep = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    app = built.xml("docProps/app.xml")
    assert app.findtext(f"{ep}Application") == "coe-paper"
    assert [child for child in app if child.tag.removeprefix(ep) in ("Pages", "Words", "Characters", "AppVersion",
                                                                     "TitlesOfParts", "HeadingPairs")] == []
    assert app.findtext(f"{ep}Template") == "Normal.dotm"  # what is not a count stays


def test_each_section_heading_is_followed_by_its_byline(built: Package) -> None:
    root = built.document.find("w:body", NS)
    assert root is not None
    body = list(root)
    heading1, byline = built.style_id("heading 1"), built.style_id("Byline")
    leads = {"Kitchen sink of Markdown": "Metropolitan City of Rome", "The other section": "City of Berlin"}
    for index, element in enumerate(body):
        if element.tag == f"{{{W}}}p" and pstyle(element) == heading1 and text(element) in leads:
            following = body[index + 1]
            assert pstyle(following) == byline
            assert leads.pop(text(element)) in text(following)
    assert not leads, f"sections without a heading and byline: {leads}"
    assert "ANCT" in text(paragraph_with(built.document, "Lead: Metropolitan City of Rome"))


def test_annex_lists_organisations_in_eu_protocol_order(built: Package) -> None:
    tables = [t for t in built.document.iter(f"{{{W}}}tbl") if "Organisation" in text(t)]
    assert len(tables) == 2  # organisations from Member States, then the EU bodies (no network here)
    names = [text(tr.find("w:tc", NS)) for table in tables for tr in table.findall("w:tr", NS)[1:]]
    assert names == [
        "Brussels-Capital Region",  # BE
        "City of Berlin",  # DE
        "National Agency for Territorial Cohesion (coordinator)",  # FR
        "Metropolitan City of Rome (coordinator)",  # IT, coordinator before member
        "City of Milan",  # IT
        "Directorate-General for Regional and Urban Policy",  # EU bodies last
    ]


def test_source_bookmarks_name_the_section_file_lines(built: Package) -> None:
    lines = (built.root / SECTION_FILE).read_text(encoding="utf-8").split("\n")
    marks: dict[int, etree._Element | None] = {}
    for start in built.document.iter(f"{{{W}}}bookmarkStart"):
        name = str(start.get(f"{{{W}}}name"))
        if name.startswith("_Coe0_"):
            marks[int(name.rsplit("_", 1)[1])] = start.getparent()
    assert len(marks) > 20
    for line in marks:
        assert 1 <= line <= len(lines) and lines[line - 1].strip(), f"_Coe0_{line} names a blank or missing line"
    for needle in ("Lists and numbering", "Third list three", "A quoted sentence from the survey."):
        line = next(n for n, p in marks.items() if text(p).startswith(needle))
        assert needle in lines[line - 1], f"_Coe0_{line} points at {lines[line - 1]!r}, not at {needle!r}"


# -- the renderer on its own ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JavaScript:alert(1)", "&#106;avascript:alert(1)", "vbscript:msgbox(1)",
             "data:text/html;base64,PGI+eDwvYj4="],
)
def test_unsafe_links_never_become_hyperlinks(href: str, tmp_path: Path) -> None:
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    before = set(builder.part.rels)
    out = Renderer(builder).render(parse(f"Do not [click me]({href}) but [do](https://example.org/).\n"))
    assert len(out) == 1
    links = out[0].findall("w:hyperlink", NS)
    assert [text(link) for link in links] == ["do"]
    assert "click me" in text(out[0])
    added = [builder.part.rels[r_id].target_ref for r_id in set(builder.part.rels) - before]
    assert added == ["https://example.org/"]


def test_a_paragraph_wrapped_over_lines_is_a_run_for_each_change_of_format(tmp_path: Path) -> None:
    """Text and its soft line breaks in a row are one run, as Word writes a paragraph (a run a line and a run a
    line end made a fifth of a paper's runs); a change of format, a link or a note starts the next one."""
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    source = "One line\nand the next **in bold\nover two** lines,\na [link\nhere](https://example.org/) and\nmore.\n"
    out = Renderer(builder).render(parse(source))
    assert len(out) == 1
    runs = [(text(r), flags(r)) for r in out[0].iter(f"{{{W}}}r")]
    assert runs == [("One line and the next ", set()), ("in bold over two", {"b", "bCs"}), (" lines, a ", set()),
                    ("link here", {"rStyle"}), (" and more.", set())]


def test_list_items_starting_with_a_code_block_keep_their_number(tmp_path: Path) -> None:
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    source = "1. first item\n2. ```\n   code item\n   ```\n3. third item\n"
    out = Renderer(builder).render(parse(source))
    numbered = {text(p): numbering(p) for p in out}
    assert list(numbered) == ["first item", "code item", "third item"]
    assert len(set(numbered.values())) == 1 and None not in numbered.values(), numbered
    assert pstyle(out[1]) == builder.style("Source Code")


@pytest.mark.parametrize("item", ["## A heading item", "***"])
def test_list_items_starting_with_a_heading_or_rule_keep_their_number(item: str, tmp_path: Path) -> None:
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    out = Renderer(builder).render(parse(f"1. first item\n2. {item}\n3. third item\n"))
    assert len(out) == 3
    numbers = [numbering(p) for p in out]
    assert None not in numbers and len(set(numbers)) == 1, numbers


def test_a_footnote_cited_twice_gets_a_copy_per_reference(tmp_path: Path) -> None:
    """Word footnotes carry one reference each, so a second citation points at a copy with the same text."""
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    source = "One[^a] and two[^b] and one again[^a].\n\n[^a]: Alpha note.\n\n[^b]: Beta.\n"
    out = Renderer(builder).render(parse(source))
    refs = [int(r.get(f"{{{W}}}id")) for r in out[0].iter(f"{{{W}}}footnoteReference")]
    assert len(refs) == 3 and len(set(refs)) == 3, refs
    notes = {fid: " ".join(text(p) for p in paragraphs).strip() for fid, paragraphs in builder._footnotes}
    assert notes[refs[0]] == notes[refs[2]] == "Alpha note."
    assert notes[refs[1]] == "Beta."


def test_text_after_a_table_keeps_a_paragraph_s_space_from_it(tmp_path: Path) -> None:
    """The paragraph after a table had no space before it, so its first line touched the table's last border; a
    heading has space of its own, and a caption is above its table."""
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    source = ("| A | B |\n|---|---|\n| 1 | 2 |\n\nText after it.\n\n| C |\n|---|\n| 3 |\n\n- an item\n\n"
              "| D |\n|---|\n| 4 |\n\n## A heading\n\nTable: A caption\n\n| E |\n|---|\n| 5 |\n")
    out = Renderer(builder).render(parse(source))
    before = {text(p): val(p.find("w:pPr/w:spacing", NS), "before") for p in out if p.tag == f"{{{W}}}p"}
    assert before == {"Text after it.": "200", "an item": "200", "A heading": None, "Table: A caption": None}


def test_text_after_a_table_in_a_footnote_keeps_its_distance(tmp_path: Path) -> None:
    """A footnote's paragraphs keep no space after them, and the one after a table in a footnote touched the
    table's last border: it keeps 4 pt from it, as body text keeps a paragraph's space."""
    root = kitchen_sink_project(tmp_path / "project")
    builder = DocxBuilder((root / "paper" / "template.docx").read_bytes(), WorkTree(root))
    source = "Text[^a].\n\n[^a]: A note with a table:\n\n    | A |\n    |---|\n    | 1 |\n\n    After the table.\n"
    Renderer(builder).render(parse(source))
    [(_, paragraphs)] = builder._footnotes
    assert [block.tag.rpartition("}")[2] for block in paragraphs] == ["p", "tbl", "p"]
    before = [val(p.find("w:pPr/w:spacing", NS), "before") for p in paragraphs if p.tag == f"{{{W}}}p"]
    assert before == [None, "80"]
