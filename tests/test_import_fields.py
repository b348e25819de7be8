"""`coe-paper import` of links made with HYPERLINK fields rather than w:hyperlink (as Word writes a link in a field
code, and tools that generate .docx files do): the address may stand without quotes, which Word and LibreOffice
read as a link; such a link was kept as plain text and reported as a dropped field."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from coe_paper.project import split_front_matter
from conftest import MakeProject, require_client
from test_import import NO_OUTLOOK, _body_draft, _import, _run


def _field(instruction: str, shown: str) -> str:
    return (f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instruction} '
            f'</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>{_run(shown)}'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>')


def test_a_hyperlink_field_with_an_address_without_quotes_is_a_link(make_project: MakeProject,
                                                                    tmp_path: Path) -> None:
    links = (_field("HYPERLINK https://example.org/rents", "the survey") + _run(", ")
             + _field('HYPERLINK "https://example.org/wages" \\o "Opens the report"', "the report") + _run(" and ")
             + _field("HYPERLINK https://example.org/plan \\l part2", "the plan"))
    draft = _body_draft(tmp_path, f"<w:p>{_run('See ')}{links}{_run('.')}</w:p>")
    soffice = require_client("soffice")
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--convert-to",
                    "html", "--outdir", str(tmp_path / "html"), str(draft)], check=True, capture_output=True,
                   timeout=180)
    page = (tmp_path / "html" / "draft.html").read_text(encoding="utf-8", errors="replace")
    assert re.search(r'<a href="https://example.org/rents"[^>]*>\s*the\s+survey', page), page
    result, text = _import(make_project(NO_OUTLOOK), draft)
    assert result.exit_code == 0, result.stderr
    body = (split_front_matter(text) or ("", "", 0))[1]
    assert body.strip() == ("See [the survey](https://example.org/rents), [the report](https://example.org/wages) "
                            "and [the plan](https://example.org/plan#part2).")
    assert "field HYPERLINK" not in result.stderr
