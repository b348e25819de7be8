"""The cover and front matter (issue 8, items 4 and 5), read back by python-docx, LibreOffice and poppler: no header or
footer on the cover; programme, document type, partnership, "Month YYYY", a version from the newest tag; logos with
alt text; disclaimer, copyright and licence on the back; only the abbreviations the paper uses; COE520."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import docx
import pytest

from coe_paper import layout, pipeline
from coe_paper.gitlog import Version
from conftest import INTRO_BODY, PAPER_YAML, MakeProject, cli, require_client, section_text
from test_gitlog import git

COVER = """\
cover:
  partnership: Test Partnership
  document_type: Orientation Paper
  logos:
    - path: paper/images/dot.png
      alt: Logo of the test partnership
  disclaimer: The views here are the test partnership's own.
  licence: Licensed under CC BY 4.0.
"""
ABBREVIATIONS = "EU: European Union\nDG REGIO: Directorate-General for Regional and Urban Policy\nUN: United Nations\n"


def project(make_project: MakeProject, **files: str) -> Path:
    intro = INTRO_BODY + "\nThe EU and DG REGIO support the partnership, and the NUTS regions (NUTS) count too.\n"
    return make_project({
        "paper/paper.yaml": PAPER_YAML + COVER, "paper/abbreviations.yaml": ABBREVIATIONS,
        "sections/01-intro.md": section_text("intro", intro, title="Introduction"), **files,
    }, git=True)


def pdf_pages(path: Path, out: Path) -> list[str]:
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(path, out)
    assert pdf is not None, problem
    raw = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def test_cover_has_no_header_or_footer_and_says_what_eu_covers_say(make_project: MakeProject, tmp_path: Path) -> None:
    root = project(make_project)
    git(root, "tag", "v1.0")
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pages = pdf_pages(result.output, tmp_path)
    cover, back = pages[0], pages[1]
    assert "Urban Agenda for the EU" in cover and "Orientation Paper" in cover and "Test Partnership" in cover
    assert "January 2024" in cover and "Version 1.0" in cover
    assert "Page" not in cover and "Test Paper:" not in cover  # no running header or footer on the cover
    commit = git(root, "rev-parse", "HEAD")
    assert commit not in cover and commit[:12] not in cover  # the hash is small print, on the back
    assert "The views here are the test partnership's own." in back and "Licensed under CC BY 4.0." in back
    assert "© Test Partnership, 2024" in back and commit[:12] in back
    assert f"Page 2 of {len(pages)}" in back  # the pages after the cover have their footer, "Page N of M"
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    document = docx.Document(str(result.output))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "".join(p.text for p in section.first_page_header.paragraphs) == ""
    assert "".join(p.text for p in section.first_page_footer.paragraphs) == ""
    assert document.core_properties.identifier == commit  # the full hash goes to the properties
    descr = [e.get("descr") for e in document.element.body.iter("{*}docPr")]
    assert descr[0] == "Logo of the test partnership"


def test_only_the_abbreviations_the_paper_uses_are_printed(make_project: MakeProject, tmp_path: Path) -> None:
    root = project(make_project)
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None
    rows = [[c.text for c in row.cells] for table in docx.Document(str(result.output)).tables for row in table.rows]
    assert ["DG REGIO", "Directorate-General for Regional and Urban Policy"] in rows
    assert ["EU", "European Union"] in rows
    assert not any(row[0] == "UN" for row in rows)  # listed, but the paper never uses it


@pytest.mark.parametrize("named", ["../abbreviations.yaml", "/tmp/abbreviations.yaml", "paper/outside.yaml"])
def test_an_abbreviations_file_outside_the_project_is_an_error_not_an_empty_list(make_project: MakeProject,
                                                                                named: str) -> None:
    """paper.yaml's `abbreviations:` naming a file outside the project (as written, or by a link) was taken for an
    absent file: the paper lost its list of abbreviations without a word, where every other path of paper.yaml that
    leaves the project is COE005."""
    root = project(make_project)
    (root / "paper/outside.yaml").symlink_to(root.parent / "elsewhere.yaml")
    (root.parent / "elsewhere.yaml").write_text(ABBREVIATIONS, encoding="utf-8")
    config = root / "paper/paper.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"abbreviations: {named}\n", encoding="utf-8")
    line = config.read_text(encoding="utf-8").count("\n")
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"paper/paper.yaml:{line}:1: error COE005 abbreviations: '{named}' " in result.stderr, result.stderr
    assert cli("--project", str(root), "assemble", "--no-layout").exit_code == 1  # no paper without its list


def test_validate_warns_about_an_abbreviation_neither_listed_nor_spelled_out(make_project: MakeProject) -> None:
    root = project(make_project, **{"sections/03-outlook.md": section_text(
        "outlook", "## Next steps\n\nThe OECD and the Joint Research Centre (JRC) will help; the JRC agrees.\n",
        lead="leipzig", contributors="[]")})
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE520"]
    assert [(d.path, d.line, d.message.split("'")[1]) for d in found] == [
        ("sections/01-intro.md", 15, "NUTS"), ("sections/03-outlook.md", 11, "OECD")]  # JRC is spelled out
    assert all(d.severity == "warning" for d in found)


def test_a_currency_code_is_no_abbreviation_to_spell_out(make_project: MakeProject) -> None:
    """COE740 asks for 'EUR 10 000' instead of '10 000 euros', and COE520 then asked for EUR to be spelled out or
    listed: the ISO code of a currency is how the style guide writes an amount (closed up to it, 'EUR5', COE740 asks
    for the space, and COE520 took it for an abbreviation). Nor is the series of a Commission
    document's reference ('COM(2020) 152 final') an abbreviation to spell out, nor a part of a web or e-mail address
    written out ('DE' in https://.../DE/Programme/)."""
    root = project(make_project, **{"sections/03-outlook.md": section_text(
        "outlook", "## Next steps\n\nGrants of EUR 10 000 and PLN 40 000 (COM(2020) 152 final and SWD(2021) 65) "
        "went to the OECD; see https://www.staedtebaufoerderung.info/DE/Programme/ and mail INFO@BBSR.example.de. "
        "EUR5 went to each.\n",
        lead="leipzig", contributors="[]")})
    found = [d for d in pipeline.check(root).diagnostics if d.code in ("COE520", "COE740")]
    assert [(d.path, d.code, d.message.split("'")[1]) for d in found] == [
        ("sections/01-intro.md", "COE520", "NUTS"), ("sections/03-outlook.md", "COE520", "OECD"),
        ("sections/03-outlook.md", "COE740", "EUR5")]  # a code closed up to its amount: COE740's alone


def test_a_member_state_s_code_in_a_table_is_no_abbreviation_to_spell_out(make_project: MakeProject) -> None:
    """A table's column of Member States' codes (EL, CZ) was COE520, one finding a code: the style guide writes the
    codes in tables, where a country's name does not fit (7.1). In running text a code is still looked at."""
    root = project(make_project, **{"sections/03-outlook.md": section_text(
        "outlook", "## Next steps\n\n| Member State | Cities |\n|---|---|\n| EL | 3 |\n| CZ | 2 |\n\n"
        "The OECD agrees, and so does CZ.\n", lead="leipzig", contributors="[]")})
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE520"]
    assert [(d.path, d.line, d.message.split("'")[1]) for d in found] == [
        ("sections/01-intro.md", 15, "NUTS"), ("sections/03-outlook.md", 16, "OECD"),
        ("sections/03-outlook.md", 16, "CZ")]


def test_a_creative_commons_licence_is_no_abbreviation_to_spell_out(make_project: MakeProject) -> None:
    """'Published under a CC BY 4.0 licence' was COE520 for 'BY': the elements of a Creative Commons licence's name
    after 'CC' are the licence's, not the paper's abbreviations. Elsewhere 'BY' and 'SA' are still looked at."""
    root = project(make_project, **{"sections/03-outlook.md": section_text(
        "outlook", "## Next steps\n\nData go out under a CC BY 4.0 licence, text under CC BY NC; SA and the OECD "
        "agree.\n", lead="leipzig", contributors="[]")})
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE520"]
    assert [(d.path, d.message.split("'")[1]) for d in found] == [
        ("sections/01-intro.md", "NUTS"), ("sections/03-outlook.md", "SA"), ("sections/03-outlook.md", "OECD")]


def test_a_country_code_written_wrong_is_one_finding_coe710s(make_project: MakeProject) -> None:
    """'in GR.' was COE520 and COE710 at the same column: COE710 asks for 'EL', and the code is no abbreviation of
    the paper's to spell out; GB in a list of codes is COE710's too. The codes written right, not listed, stay
    COE520's, and so does GR where paper.yaml ignores COE710."""
    text = "## Next steps\n\nThe pilot ran in GR. Then BE, GB and FR agreed, and EL.\n"
    root = project(make_project, **{"sections/03-outlook.md": section_text(
        "outlook", text, lead="leipzig", contributors="[]")})
    line = text.split("\n")[2]
    columns = {code: line.index(code) + 1 for code in ("GR", "BE", "GB", "FR", "EL")}

    def found() -> list[tuple[int, str]]:
        return sorted((d.column, d.code) for d in pipeline.check(root).diagnostics
                      if d.code in ("COE520", "COE710") and d.path == "sections/03-outlook.md")

    assert found() == [(columns["GR"], "COE710"), (columns["BE"], "COE520"), (columns["GB"], "COE710"),
                       (columns["FR"], "COE520"), (columns["EL"], "COE520")]
    (root / "paper/paper.yaml").write_text(PAPER_YAML + COVER + "checks:\n  ignore: [COE710]\n", encoding="utf-8")
    assert found() == [(columns[code], "COE520") for code in ("GR", "BE", "GB", "FR", "EL")]


def test_a_unit_after_a_figure_is_no_country_code(make_project: MakeProject) -> None:
    """In 'BE, GB and FR agreed; 5 GB went unused' the gigabytes were never asked about: the first 'GB', COE710's
    (write 'UK'), was taken for GB's first use, so '5 GB' was no COE520. And '2 GB and EL' was a list of country
    codes: COE710 asked for '2 UK'. A code after a figure is a unit; COE520's first use of GB is the first that
    COE710 does not rewrite."""
    text = "## Next steps\n\nBE, GB and FR agreed; 5 GB went unused, as 2 GB and EL did.\n"
    root = project(make_project, **{"sections/03-outlook.md": section_text(
        "outlook", text, lead="leipzig", contributors="[]")})
    line = text.split("\n")[2]
    found = sorted((d.column, d.code, d.message.split("'")[1]) for d in pipeline.check(root).diagnostics
                   if d.code in ("COE520", "COE710") and d.path == "sections/03-outlook.md")
    assert found == [(1, "COE520", "BE"), (line.index("GB") + 1, "COE710", "GB"),
                     (line.index("FR") + 1, "COE520", "FR"), (line.index("5 GB") + 3, "COE520", "GB"),
                     (line.index("EL") + 1, "COE520", "EL")]
    assert cli("--project", str(root), "validate", "--fix").exit_code == 0
    fixed = (root / "sections/03-outlook.md").read_text(encoding="utf-8")
    assert "BE, UK and FR agreed; 5 GB went unused, as 2 GB and EL did." in fixed


def test_missing_logo_file_is_coe501(make_project: MakeProject) -> None:
    root = project(make_project, **{"paper/paper.yaml": PAPER_YAML + COVER.replace("dot.png", "none.png")})
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE501"]
    assert found and found[0].path == "paper/paper.yaml" and "none.png" in found[0].message
    assert found[0].line == (PAPER_YAML + COVER).splitlines().index("    - path: paper/images/dot.png") + 1


def test_a_damaged_logo_is_coe505_and_builds_nothing(make_project: MakeProject) -> None:
    """A logo that is not a readable picture would show on the cover as its alt text: it is reported where
    paper.yaml names it, as a section's damaged picture is, and the build stops."""
    root = project(make_project, **{"paper/paper.yaml": PAPER_YAML + COVER.replace("dot.png", "cut.png")})
    (root / "paper/images/cut.png").write_bytes((root / "paper/images/dot.png").read_bytes()[:40])
    found = [d for d in pipeline.check(root).diagnostics if d.code in ("COE501", "COE505")]
    line = (PAPER_YAML + COVER).splitlines().index("    - path: paper/images/dot.png") + 1
    assert [(d.code, d.severity, d.path, d.line) for d in found] == [("COE505", "error", "paper/paper.yaml", line)]
    assert "cut.png" in found[0].message
    assert pipeline.assemble(root, root / "out.docx").output is None and not (root / "out.docx").exists()


def test_version_label_comes_from_the_newest_tag() -> None:
    assert Version("v1.2-3-gabcdef0", "abcdef0" * 5, None, False, "v1.2").release == "Version 1.2, 3 changes since"
    assert Version("v2.0", "abcdef0" * 5, None, True, "v2.0").release == "Version 2.0 (with uncommitted changes)"
    assert Version("abcdef0", "abcdef0" * 5, None, False, "").release == "Working version"


def test_bylines_show_the_status_only_while_the_paper_is_a_draft(make_project: MakeProject, tmp_path: Path) -> None:
    root = project(make_project)
    draft = pipeline.assemble(root, tmp_path / "draft.docx")
    assert draft.output is not None
    bylines = [p.text for p in docx.Document(str(draft.output)).paragraphs if p.style.name == "Byline"]
    assert bylines and all("Status: draft." in line for line in bylines)
    (root / "paper" / "paper.yaml").write_text(PAPER_YAML.replace("status: Draft", "status: Final") + COVER)
    final = pipeline.assemble(root, tmp_path / "final.docx")
    assert final.output is not None
    bylines = [p.text for p in docx.Document(str(final.output)).paragraphs if p.style.name == "Byline"]
    assert bylines and not any("Status" in line for line in bylines)


def test_strikethrough_in_a_final_paper_is_a_warning(make_project: MakeProject) -> None:
    body = INTRO_BODY + "\nWe keep ~~old words~~ here.\n"
    files = {"sections/01-intro.md": section_text("intro", body, title="Introduction")}
    root = project(make_project, **files)
    assert not [d for d in pipeline.check(root).diagnostics if d.code == "COE405"]
    (root / "paper" / "paper.yaml").write_text(PAPER_YAML.replace("status: Draft", "status: final") + COVER)
    found = [d for d in pipeline.check(root).diagnostics if d.code == "COE405"]
    assert [(d.path, d.line, d.column, d.severity) for d in found] == [("sections/01-intro.md", 15, 9, "warning")]


def test_the_licence_address_on_the_back_of_the_cover_is_a_link(make_project: MakeProject, tmp_path: Path) -> None:
    """The template escapes the punctuation of what it prints, so the licence's address was plain text; it is a
    link to itself, as a bare address in a section is, while the words around it stay as written."""
    licence = ("  licence: Reuse is authorised under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); "
               "write to info@example.org *or* www.example.org.\n")
    root = project(make_project, **{"paper/paper.yaml": PAPER_YAML + COVER.replace(
        "  licence: Licensed under CC BY 4.0.\n", licence)})
    result = pipeline.assemble(root, tmp_path / "paper.docx")
    assert result.output is not None, [str(d) for d in result.diagnostics]
    back = next(p for p in docx.Document(str(result.output)).paragraphs if "Reuse is authorised" in p.text)
    assert back.text == ("Reuse is authorised under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); "
                         "write to info@example.org *or* www.example.org.")
    assert [(h.text, h.address) for h in back.hyperlinks] == [
        ("https://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by/4.0/"),
        ("info@example.org", "mailto:info@example.org"), ("www.example.org", "http://www.example.org")]
    require_client("soffice")
    pdf, problem = layout.convert_to_pdf(result.output, tmp_path)
    assert pdf is not None, problem
    tags = subprocess.run([require_client("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True,
                          check=True).stdout  # LibreOffice tags a link's words as a Link element
    assert re.search(r'Link \(inline\):\n(?:\s+/.*\n)*\s+"https://creativecommons\.org/licenses/by/4\.0/"', tags)


def test_the_preview_lists_the_abbreviations_the_paper_uses_as_the_docx_does(make_project: MakeProject,
                                                                             tmp_path: Path) -> None:
    """The .docx and its PDF list the abbreviations after the contents; the preview had no such list, so 'DG REGIO'
    stood unexplained there. It lists the same ones, with a link in its contents; a paper that uses none has no
    such section."""
    from coe_paper import site

    page = site.build(project(make_project), tmp_path / "site").page
    assert page is not None
    html = page.read_text(encoding="utf-8")
    listed = html[html.index('<section id="abbreviations"'):]
    listed = listed[: listed.index("</section>")]
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", listed)]
    assert cells == ["Abbreviation", "Meaning", "DG REGIO", "Directorate-General for Regional and Urban Policy",
                     "EU", "European Union"], cells
    assert '<a href="#abbreviations">Abbreviations</a>' in html
    none = make_project({"paper/abbreviations.yaml": ABBREVIATIONS}, git=True)
    other = site.build(none, tmp_path / "other").page
    assert other is not None and 'id="abbreviations"' not in other.read_text(encoding="utf-8")
