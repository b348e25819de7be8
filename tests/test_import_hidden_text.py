"""`coe-paper import` of text in places a reader may skip: a field that never ends, a SmartArt diagram, a cell
merged into the one above, a deleted text box. Every word of the draft's body either comes into the section or is
named in a warning, and words deleted with changes tracked stay out; pandoc, reading the same draft, is the
independent witness of the words Word's file holds."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from drafts import libreoffice_draft
from test_import import NO_OUTLOOK, _body_draft, _import, _run, _set_part


def _pandoc_words(draft: Path) -> list[str]:
    plain = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", "--wrap=none", str(draft)],
                           capture_output=True, text=True, check=True).stdout
    return plain.split()


def _body_words(text: str) -> list[str]:
    return (split_front_matter(text) or ("", "", 0))[1].split()


def test_the_text_after_a_field_that_never_ends_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A field that begins and never reaches its result or its end (a damaged or hand-made draft) hid the rest of
    the draft as its instruction: the section ended at the field, without a word said."""
    unended = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
               '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>')
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents rose ')}{unended}{_run('in twelve cities.')}</w:p>"
                                  f"<w:p>{_run('Wages did not.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body_words(text) == ["Rents", "rose", "in", "twelve", "cities.", "Wages", "did", "not."]
    assert _body_words(text) == _pandoc_words(draft)  # pandoc leaves the Title out of plain text
    assert "warning COE903 dropped field PAGE that never ends (the text after it kept): 1" in result.stderr


_DIAGRAM = ('<w:r><w:drawing><wp:inline><wp:extent cx="5486400" cy="3200400"/><wp:docPr id="7" name="Diagram 7"/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/diagram">'
            '<dgm:relIds xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:dm="rIdDm" '
            'r:lo="rIdLo" r:qs="rIdQs" r:cs="rIdCs"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


def _point(key: str, text: str, kind: str = "") -> str:
    words = f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p>" if text else "<a:p><a:endParaRPr/></a:p>"
    return (f'<dgm:pt modelId="{key}"{f" type={chr(34)}{kind}{chr(34)}" if kind else ""}><dgm:prSet/><dgm:spPr/>'
            f"<dgm:t><a:bodyPr/><a:lstStyle/>{words}</dgm:t></dgm:pt>")


def _diagram_data() -> bytes:
    """A process of three steps, the second with a detail, as Word keeps it: the points in the order they were
    typed (the last step typed first), their order in the diagram given by the connections."""
    points = (_point("{0}", "", "doc") + _point("{3}", "Open the service") + _point("{1}", "Map the needs")
              + _point("{2}", "Ask the residents") + _point("{4}", "in their own language")
              + _point("{9}", "", "sibTrans") + _point("{8}", "", "pres"))
    links = "".join(f'<dgm:cxn modelId="{{c{n}}}" srcId="{src}" destId="{dest}" srcOrd="{order}" destOrd="0"/>'
                    for n, (src, dest, order) in enumerate([("{0}", "{3}", 2), ("{0}", "{1}", 0), ("{0}", "{2}", 1),
                                                            ("{2}", "{4}", 0)]))
    links += '<dgm:cxn modelId="{c9}" type="presOf" srcId="{1}" destId="{8}" srcOrd="0" destOrd="0"/>'
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<dgm:dataModel '
            'xmlns:dgm="http://schemas.openxmlformats.org/drawingml/2006/diagram" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            f"<dgm:ptLst>{points}</dgm:ptLst><dgm:cxnLst>{links}</dgm:cxnLst><dgm:bg/><dgm:whole/></dgm:dataModel>"
            ).encode()


def _with_diagram(draft: Path, data: bytes | None) -> None:
    with zipfile.ZipFile(draft) as source:
        rels = source.read("word/_rels/document.xml.rels").decode()
    _set_part(draft, "word/_rels/document.xml.rels", rels.replace("</Relationships>", (
        '<Relationship Id="rIdDm" Target="diagrams/data1.xml" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/diagramData"/>'
        "</Relationships>")).encode())
    if data is not None:
        _set_part(draft, "word/diagrams/data1.xml", data)


def test_the_text_of_a_smartart_diagram_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """Word keeps a SmartArt diagram's words in a part of their own; the drawing in the document names it. They
    were left out, reported only as 'shape or chart': the steps of a process diagram were lost."""
    draft = _body_draft(tmp_path, f"<w:p>{_run('Three steps:')}{_DIAGRAM}</w:p><w:p>{_run('Then we report.')}</w:p>")
    _with_diagram(draft, _diagram_data())
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Map the needs" not in " ".join(_pandoc_words(draft))  # pandoc, too, leaves the diagram out
    assert "\n\nMap the needs\n\nAsk the residents\n\nin their own language\n\nOpen the service\n\n" in text
    assert _body_words(text)[:2] == ["Three", "steps:"] and _body_words(text)[-3:] == ["Then", "we", "report."]
    assert "warning COE903 dropped SmartArt diagram (its text kept as paragraphs): 1" in result.stderr
    assert "dropped shape" not in result.stderr


def test_a_smartart_diagram_without_its_data_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    for data in (None, b"<dgm:dataModel"):
        draft = _body_draft(tmp_path, f"<w:p>{_run('Three steps:')}{_DIAGRAM}</w:p>"
                                      f"<w:p>{_run('Then we report.')}</w:p>")
        _with_diagram(draft, data)
        result, text = _import(make_project(NO_OUTLOOK), draft)
        assert result.exit_code == 0, result.stderr
        assert _body_words(text) == ["Three", "steps:", "Then", "we", "report."]
        assert ("warning COE903 dropped SmartArt diagram whose text cannot be read (its data is missing or damaged): 1"
                in result.stderr)


def test_text_in_a_cell_merged_into_the_one_above_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A cell merged into the one above it (w:vMerge without "restart") may still hold text, which Word and
    LibreOffice do not show; it was left out while the warning said that merged cells keep their text in the
    first: the words went without a word said. They stay in their cell, which the pipe table splits anyway."""
    def cell(text: str, merge: str = "") -> str:
        return f"<w:tc><w:tcPr>{merge}</w:tcPr><w:p>{_run(text) if text else ''}</w:p></w:tc>"

    rows = [cell("Measure") + cell("Cost"), cell("Street lighting", '<w:vMerge w:val="restart"/>') + cell("40"),
            cell("and benches", "<w:vMerge/>") + cell("12"), cell("", "<w:vMerge/>") + cell("3")]
    table = "".join(f"<w:tr>{'<w:trPr><w:tblHeader/></w:trPr>' if not i else ''}{row}</w:tr>"
                    for i, row in enumerate(rows))
    draft = _body_draft(tmp_path, f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>{table}</w:tbl>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "| Street lighting | 40 |\n| and benches | 12 |\n| | 3 |" in text, text
    assert ("warning COE906 cells merged into the one above whose text Word does not show (kept in their own "
            "cell): 1") in result.stderr


def test_a_deleted_text_box_stays_deleted(make_project: MakeProject, tmp_path: Path) -> None:
    """Tracked changes are taken as accepted, but a text box (or diagram) whose shape was deleted with changes
    tracked came back: its words, which have no mark of their own, were read as the draft's text."""
    box = ('<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p>' + _run("Old figures from 2019.")
           + "</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>")
    deleted = f'<w:del w:id="5" w:author="Claire Dubois" w:date="2024-05-02T10:00:00Z">{box}</w:del>'
    kept = box.replace("Old figures from 2019.", "New figures from 2024.")
    draft = _body_draft(tmp_path, f"<w:p>{_run('Rents rose.')}{deleted}{kept}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert _body_words(text) == ["Rents", "rose.", "New", "figures", "from", "2024."]
    assert "warning COE901 1 tracked change taken as accepted" in result.stderr


def test_a_paragraph_whose_mark_is_deleted_before_a_table_stays_before_it(make_project: MakeProject,
                                                                         tmp_path: Path) -> None:
    """A paragraph mark deleted with changes tracked joins its paragraph to the next, but no mark joins a paragraph
    to a table: the paragraph was moved past the table and glued to the paragraph after it ('...table.After
    table.'). It stays before the table, in its own style."""
    deleted = '<w:rPr><w:del w:id="3" w:author="Claire Dubois" w:date="2024-05-02T10:00:00Z"/></w:rPr>'
    cell = "<w:tc><w:p>{}</w:p></w:tc>"
    table = ("<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
             + cell.format(_run("City")) + cell.format(_run("Homes")) + "</w:tr><w:tr>"
             + cell.format(_run("Rome")) + cell.format(_run("40")) + "</w:tr></w:tbl>")
    draft = _body_draft(tmp_path, f'<w:p><w:pPr><w:pStyle w:val="Heading2"/>{deleted}</w:pPr>{_run("Homes built")}'
                        f"</w:p>{table}<w:p>{_run('After the table.')}</w:p>"
                        f"<w:p><w:pPr>{deleted}</w:pPr>{_run('Last words.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = split_front_matter(text)[1]
    assert body.index("Homes built") < body.index("| City | Homes |") < body.index("After the table.")
    assert "## Homes built" in body and "After the table.\n\nLast words." in body, body


def test_paragraphs_joined_by_a_deleted_mark_count_as_a_tracked_change(make_project: MakeProject,
                                                                       tmp_path: Path) -> None:
    """Two paragraphs joined by a paragraph mark deleted with changes tracked were joined without a word: COE901,
    which says tracked changes were taken as accepted, counted none, the joined paragraphs showing no mark."""
    deleted = '<w:rPr><w:del w:id="3" w:author="Claire Dubois" w:date="2024-05-02T10:00:00Z"/></w:rPr>'
    draft = _body_draft(tmp_path, f"<w:p><w:pPr>{deleted}</w:pPr>{_run('Rents rose.')}</w:p>"
                        f"<w:p>{_run(' Wages did not.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "Rents rose. Wages did not." in split_front_matter(text)[1]
    assert "warning COE901 1 tracked change taken as accepted" in result.stderr, result.stderr


_CODE_FODT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3" '
    'office:mimetype="application/vnd.oasis.opendocument.text"><office:styles>'
    '<style:style style:name="Preformatted_20_Text" style:display-name="Preformatted Text" style:family="paragraph"/>'
    "</office:styles><office:body><office:text>"
    '<text:h text:outline-level="1">Open data</text:h>'
    '<text:p text:style-name="Preformatted_20_Text">GET /api/streets<text:note text:id="n1" '
    'text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>The city portal '
    "answers without a key.</text:p></text:note-body></text:note></text:p>"
    '<text:p text:style-name="Preformatted_20_Text">GET /api/lights</text:p>'
    "</office:text></office:body></office:document>\n"
)


def test_a_note_in_a_code_paragraph_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """A paragraph in a code style (LibreOffice's Preformatted Text, Word's HTML Preformatted) became a code block,
    which holds text only: a footnote cited in it, and a picture in it, were left out without a word."""
    draft = libreoffice_draft(require_client("soffice"), tmp_path, fodt=_CODE_FODT)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    plain = subprocess.run([require_client("pandoc"), "-f", "commonmark_x", "-t", "plain", "--wrap=none"],
                           input=body, capture_output=True, text=True, check=True).stdout
    assert plain.split() == ["GET", "/api/streets[1]", "GET", "/api/lights", "[1]", "The", "city", "portal",
                             "answers", "without", "a", "key."]
    assert body.startswith("\n`GET /api/streets`[^1]\n\n```\nGET /api/lights\n```\n"), body
    assert ("warning COE911 paragraphs in a code style holding a note or picture written as paragraphs of code "
            "spans: 1") in result.stderr


def _control(content: str, placeholder: bool, block: bool = False) -> str:
    """A content control (`w:sdt`) holding `content`; `placeholder`: it shows its prompt, not a member's words."""
    shows = "<w:showingPlcHdr/>" if placeholder else ""
    return f"<w:sdt><w:sdtPr><w:alias w:val=\"Field\"/>{shows}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def test_a_content_control_showing_its_prompt_is_left_out(make_project: MakeProject, tmp_path: Path) -> None:
    """A draft typed into an organisation's form (Word's content controls) still shows the prompt of each control no
    one filled in, 'Click or tap here to enter text.': it came into the section as the member's words. It is left
    out, and reported; a control filled in is kept, inline or around paragraphs."""
    prompt = _run("Click or tap here to enter text.")
    body = (f"<w:p>{_run('Contact: ')}{_control(prompt, True)}</w:p>"
            f"<w:p>{_run('City: ')}{_control(_run('Lyon'), False)}</w:p>"
            f"{_control(f'<w:p>{prompt}</w:p>', True)}"
            f"{_control('<w:p>' + _run('Rents rose.') + '</w:p>', False)}")
    result, text = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, body))
    assert result.exit_code == 0, result.stderr
    assert _body_words(text) == ["Contact:", "City:", "Lyon", "Rents", "rose."]
    assert "warning COE903 dropped content control showing its prompt (no member's words): 2" in result.stderr


def test_a_reference_to_a_note_the_draft_does_not_hold_is_reported(make_project: MakeProject, tmp_path: Path) -> None:
    """A footnote reference whose note is missing from the draft (a damaged file, or one whose notes part a tool
    left out) became an empty note, `[^1]:` with no words, without a word said."""
    body = f'<w:p>{_run("Rents rose.")}<w:r><w:footnoteReference w:id="5"/></w:r>{_run(" Wages did not.")}</w:p>'
    result, text = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, body))
    assert result.exit_code == 0, result.stderr
    assert "[^" not in text and _body_words(text) == ["Rents", "rose.", "Wages", "did", "not."]
    assert "warning COE903 dropped references to footnotes the draft does not hold: 1" in result.stderr


def test_the_text_of_wordart_kept_from_a_doc_is_kept(make_project: MakeProject, tmp_path: Path) -> None:
    """WordArt that Word keeps from a .doc (a VML shape whose words are its `v:textpath`'s `string`) lost its words:
    import said 'shape or chart' and nothing of what it read. They come in as a text box's do, and are reported."""
    art = ('<w:r><w:pict><v:shape style="width:300pt;height:60pt"><v:textpath style="font-family:Arial" '
           'string="Cities for all"/></v:shape></w:pict></w:r>')
    body = f"<w:p>{_run('Our motto:')}{art}</w:p><w:p>{_run('Rents rose.')}</w:p>"
    result, text = _import(make_project(NO_OUTLOOK), _body_draft(tmp_path, body))
    assert result.exit_code == 0, result.stderr
    assert _body_words(text) == ["Our", "motto:", "Cities", "for", "all", "Rents", "rose."]
    assert "warning COE903 dropped WordArt (its text kept as paragraphs): 1" in result.stderr
    assert "dropped shape" not in result.stderr


def test_a_line_break_in_a_diagrams_shape_keeps_its_words_apart(make_project: MakeProject, tmp_path: Path) -> None:
    """A shape's text typed on two lines (Shift+Enter: a:br): its words were run together ('Map theneeds')."""
    broken = "Map the</a:t></a:r><a:br/><a:r><a:t>needs"
    data = _diagram_data().replace(b"Map the needs", broken.encode())
    draft = _body_draft(tmp_path, f"<w:p>{_run('Three steps:')}{_DIAGRAM}</w:p>")
    _with_diagram(draft, data)
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    assert "\n\nMap the needs\n\n" in text
