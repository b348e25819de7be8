"""`coe-paper import` of a draft made from a Word form or template: content controls around paragraphs and runs (a
date picker, a drop-down list, a check box), and the glossary part (building blocks, the placeholders' prompts),
which Word keeps in the package but never shows in the document."""

from __future__ import annotations

import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import _NS, NO_OUTLOOK, _body_draft, _import, _relate, _run, _set_part

_GLOSSARY = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:glossaryDocument {_NS}><w:docParts>'
             '<w:docPart><w:docPartPr><w:name w:val="DefaultPlaceholder_-1854013440"/><w:category><w:name '
             'w:val="General"/><w:gallery w:val="placeholder"/></w:category></w:docPartPr><w:docPartBody><w:p>'
             f'{_run("Click or tap here to enter text.")}</w:p></w:docPartBody></w:docPart><w:docPart><w:docPartPr>'
             '<w:name w:val="Rent caps"/><w:category><w:name w:val="General"/><w:gallery w:val="autoTxt"/>'
             f'</w:category></w:docPartPr><w:docPartBody><w:p>{_run("Stored boilerplate about rent caps.")}</w:p>'
             "</w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>")


def _control(properties: str, content: str) -> str:
    return f"<w:sdt><w:sdtPr>{properties}</w:sdtPr><w:sdtContent>{content}</w:sdtContent></w:sdt>"


def test_the_values_of_content_controls_are_kept_and_the_glossary_stays_out(make_project: MakeProject,
                                                                            tmp_path: Path) -> None:
    date = _control('<w:date w:fullDate="2024-03-01T00:00:00Z"><w:dateFormat w:val="d MMMM yyyy"/></w:date>',
                    _run("1 March 2024"))
    choice = _control('<w:dropDownList><w:listItem w:displayText="Rome" w:value="R"/><w:listItem w:displayText='
                      '"Lyon" w:value="L"/></w:dropDownList>', _run("Lyon"))
    unfilled = _control("<w:showingPlcHdr/><w:date/>", _run("Click or tap to enter a date."))
    block = _control('<w:alias w:val="Summary"/><w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/>'
                     "</w:placeholder>", f"<w:p>{_run('Members agree on the summary.')}</w:p>")
    body = (f"{block}<w:p>{_run('Signed on ')}{date}{_run(' in ')}{choice}{_run(', reviewed on ')}{unfilled}"
            f"{_run('.')}</w:p>")
    draft = _body_draft(tmp_path, body)
    _set_part(draft, "word/glossary/document.xml", _GLOSSARY.encode())
    _relate(draft, '<Relationship Id="rIdG" Target="glossary/document.xml" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/glossaryDocument"/>')
    shown = subprocess.run([require_client("pandoc"), "-f", "docx", "-t", "plain", str(draft)], capture_output=True,
                           text=True, check=True).stdout
    assert "Signed on 1 March 2024 in Lyon" in shown and "boilerplate" not in shown
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body_md = (split_front_matter(text) or ("", "", 0))[1]
    assert body_md.strip().split("\n\n") == ["Members agree on the summary.",
                                             "Signed on 1 March 2024 in Lyon, reviewed on ."]
    assert "boilerplate" not in text and "Click or tap" not in text
    assert "dropped content control showing its prompt (no member's words): 1" in result.stderr
    assert "glossary" not in result.stderr.lower()  # not shown in the document: nothing to say of it


def _form_field(name: str, data: str, result: str | None = None) -> str:
    begin = (f'<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/>{data}</w:ffData>'
             "</w:fldChar></w:r>")
    instruction = f'<w:r><w:instrText xml:space="preserve"> {name.upper()} </w:instrText></w:r>'
    shown = f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run(result)}' if result is not None else ""
    return f'{begin}{instruction}{shown}<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def test_a_legacy_forms_drop_down_and_check_box_keep_what_they_show(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    """A form made with Word's legacy form fields (Developer > Legacy Tools): a drop-down list and a check box have
    no result, Word shows the chosen entry and the box from the field's data; they were left out without a word."""
    choice = _form_field("FormDropDown", '<w:ddList><w:result w:val="1"/><w:listEntry w:val="Rome"/>'
                                         '<w:listEntry w:val="Lyon"/></w:ddList>')
    first = _form_field("FormDropDown", '<w:ddList><w:listEntry w:val="Ghent"/><w:listEntry w:val="Turin"/>'
                                        "</w:ddList>")
    ticked = _form_field("FormCheckBox", '<w:checkBox><w:sizeAuto/><w:default w:val="0"/><w:checked/></w:checkBox>')
    unticked = _form_field("FormCheckBox", '<w:checkBox><w:sizeAuto/><w:default w:val="0"/></w:checkBox>')
    typed = _form_field("FormText", "<w:textInput/>", "Eurocities")
    draft = _body_draft(tmp_path, f"<w:p>{_run('City: ')}{choice}{_run(', then ')}{first}{_run('. Agrees: ')}{ticked}"
                                  f"{_run(' Declines: ')}{unticked}{_run(' By: ')}{typed}{_run('.')}</w:p>")
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip() == "City: Lyon, then Ghent. Agrees: \u2612 Declines: \u2610 By: Eurocities."
    assert "dropped field FORMDROPDOWN: 2" in result.stderr and "dropped field FORMCHECKBOX: 2" in result.stderr
