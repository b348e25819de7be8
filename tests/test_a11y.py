"""Accessibility checks (EN 301 549 clause 10): each code with a failing and a passing example, the template's
colours, and `coe-paper audit` on a foreign .docx (pandoc's) and on the assembled paper."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from coe_paper import a11y, pipeline
from coe_paper.a11y import audit, contrast
from coe_paper.cli import app
from coe_paper.diagnostics import Diagnostic
from coe_paper.store import CACHE_DIR
from conftest import HOUSING_BODY, REPO_ROOT, MakeProject, require_client, section_text


def codes(root: Path) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in pipeline.check(root).diagnostics if d.code.startswith("COE53")]


def housing(body: str) -> dict[str, str | bytes | None]:
    return {"sections/02-housing.md": section_text("housing", body, title="Housing", lead="anct")}


@pytest.mark.parametrize(("bad", "good", "code"), [
    ("![dot.png](../paper/images/dot.png)", "![A grey square](../paper/images/dot.png)", "COE531"),
    ("![" + "very long description " * 13 + "](../paper/images/dot.png)", "![Short](../paper/images/dot.png)",
     "COE532"),
    ("See [click here](https://example.org/a).", "See [the survey report](https://example.org/a).", "COE533"),
    ("See <https://example.org/a>.", "See [the agenda](https://example.org/a).", "COE533"),
])
def test_source_checks(make_project: MakeProject, bad: str, good: str, code: str) -> None:
    body = HOUSING_BODY + "\n" + bad + "\n"
    found = codes(make_project(housing(body)))
    assert (code, 19) in found, found
    assert not [c for c, _ in codes(make_project(housing(HOUSING_BODY + "\n" + good + "\n"))) if c == code]


def test_a_footnote_that_is_only_a_web_address_is_coe533_written_bare_or_in_angle_brackets(
        make_project: MakeProject) -> None:
    """'[^1]: https://example.org/report' was no COE533 and '[^2]: <https://example.org/report>' was: the .docx makes
    each a link whose text is the address, which names nothing of the source cited. A bare address among words stays
    no link text chosen, and a footnote naming its source is right."""
    notes = ("Text.[^1] More.[^2] And.[^3] Last.[^4] End.[^5]\n\n[^1]: https://example.org/report\n"
             "[^2]: <https://example.org/report>\n[^3]: www.example.org/report.\n"
             "[^4]: The survey is at https://example.org/survey.\n[^5]: [The survey](https://example.org/survey).\n")
    found = codes(make_project(housing(HOUSING_BODY + "\n" + notes)))
    assert [line for code, line in found if code == "COE533"] == [21, 22, 23], found


def test_empty_table_header(make_project: MakeProject) -> None:
    body = HOUSING_BODY + "\n|  |  |\n|---|---|\n| a | b |\n"
    assert ("COE534", 19) in codes(make_project(housing(body)))
    named = HOUSING_BODY + "\n| City | Members |\n|---|---|\n| a | b |\n"
    assert not [c for c, _ in codes(make_project(housing(named))) if c == "COE534"]


def test_contrast_and_the_bundled_template() -> None:
    assert round(contrast("000000"), 1) == 21.0
    assert contrast("4F81BD") < 4.5 < contrast("003399")
    assert not [d for d in pipeline.check(Path(__file__).resolve().parents[1]).diagnostics if d.code == "COE535"]


def _pale_headings(template: bytes) -> bytes:
    """The template with its headings' blue (#003399) turned pale grey (#AAAAAA, 2.3:1 against white)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace(b'<w:color w:val="003399"', b'<w:color w:val="AAAAAA"')
            target.writestr(info, data)
    return out.getvalue()


def _count_judging(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose template bytes are read and judged for COE535 from here on, in turn."""
    judged: list[str] = []
    real = a11y._template_contrast

    def counted(path: str, data: bytes) -> Iterator[Diagnostic]:
        judged.append(path)
        return real(path, data)

    monkeypatch.setattr(a11y, "_template_contrast", counted)
    return judged


def test_a_pale_template_colour_is_reported_and_judged_once_for_the_templates_bytes(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    pale = _pale_headings((REPO_ROOT / "paper" / "template.docx").read_bytes())
    root = make_project({"paper/template.docx": pale}, git=True)
    judged = _count_judging(monkeypatch)
    for _ in range(2):  # the second check takes the first's answer for the same bytes
        found = [d for d in pipeline.check(root).diagnostics if d.code == "COE535"]
        assert "style 'heading 1' has text colour #AAAAAA at 2.3:1" in found[0].message, found
        assert found[0].path == "paper/template.docx"
    assert judged == ["paper/template.docx"]
    shutil.copyfile(REPO_ROOT / "paper" / "template.docx", root / "paper" / "template.docx")  # darkened again
    assert not [d for d in pipeline.check(root).diagnostics if d.code == "COE535"]
    assert len(judged) == 2


def test_audit_of_a_foreign_docx(tmp_path: Path) -> None:
    pandoc = require_client("pandoc")
    source = tmp_path / "draft.md"
    # a simple table without a header row; a heading that skips levels
    source.write_text("# Title heading\n\n#### Skipped level\n\n-----  -----\none    two\nthree  four\n-----  -----\n")
    draft = tmp_path / "draft.docx"
    subprocess.run([pandoc, str(source), "-o", str(draft)], check=True)
    found = audit(draft)
    got = {d.code for d in found.diagnostics}
    assert {"COE541", "COE544", "COE545"} <= got, found.diagnostics
    result = CliRunner().invoke(app, ["audit", str(draft)])
    assert result.exit_code == 1 and "COE541" in result.output


def test_audit_of_a_reviewed_docx_reads_it_with_the_changes_accepted(tmp_path: Path) -> None:
    """Two paragraphs a reviewer deleted with Track Changes on (as Word marks them: each run in w:del, the paragraph
    mark too) were taken for empty paragraphs used for spacing (COE546), though accepting the changes removes them;
    and the one table of a document was called 'table 4', after its place among the paragraphs."""
    from reviewkit import Reviewer, edit_part, q

    pandoc = require_client("pandoc")
    source = tmp_path / "draft.md"
    source.write_text("---\ntitle: Draft\n---\n\nKept.\n\nFirst to go.\n\nSecond to go.\n\n-----  -----\none    two\n"
                      "three  four\n-----  -----\n\nKept too.\n", encoding="utf-8")
    draft = tmp_path / "draft.docx"
    subprocess.run([pandoc, str(source), "-o", str(draft)], check=True)

    def delete_two(root: etree._Element) -> None:
        reviewer = Reviewer(root)
        for p in [p for p in root.iter(q("w:p")) if "to go" in "".join(p.itertext())]:
            reviewer.delete_paragraph(p, "Ana Rossi")

    reviewed = edit_part(draft, tmp_path / "reviewed.docx", delete_two)
    found = audit(reviewed).diagnostics
    assert [d.code for d in found] == ["COE544"], found
    assert found[0].message == "table 1 has no header row marked to repeat"
    two_blank = tmp_path / "blank.md"
    two_blank.write_text("---\ntitle: Draft\n---\n\nKept.\n\n&nbsp;\n\n&nbsp;\n\nKept too.\n", encoding="utf-8")
    subprocess.run([pandoc, str(two_blank), "-o", str(tmp_path / "blank.docx")], check=True)
    assert [d.code for d in audit(tmp_path / "blank.docx").diagnostics] == ["COE546"]  # still found when not deleted


@pytest.mark.parametrize("fmt", ["json", "gitlab", "github", "text"])
def test_audit_of_a_file_that_is_no_docx_is_reported_in_the_format_asked(tmp_path: Path, fmt: str) -> None:
    """`audit --format gitlab > report.json` in CI on a file that is not a .docx wrote nothing to standard output:
    an empty file that is no Code Quality report. It is now a COE003 error in every format, exit 1."""
    notes = tmp_path / "notes.docx"
    notes.write_text("Meeting notes, saved as text.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", str(notes), "--format", fmt])
    assert result.exit_code == 1 and "Traceback" not in result.output
    if fmt in ("json", "gitlab"):
        found = json.loads(result.stdout)
        code = found[0]["code"] if fmt == "json" else found[0]["check_name"]
        assert len(found) == 1 and code == "COE003" and "notes.docx is not a Word document" in result.stdout
    else:
        assert "COE003" in result.output and "notes.docx is not a Word document" in result.output


def test_audit_of_the_assembled_paper(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project()
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None
    found = audit(built.output)
    assert [d for d in found.diagnostics if d.severity == "error"] == []
    assert CliRunner().invoke(app, ["audit", str(built.output)]).exit_code == 0
    assert CliRunner().invoke(app, ["audit", str(tmp_path / "missing.docx")]).exit_code == 2



@pytest.mark.parametrize("paper", ["bundled", "init"])
def test_the_papers_headings_never_skip_a_level(paper: str, tmp_path: Path) -> None:
    """The bundled paper and a new project's (the built-in templates): the annex's group headings stand right under
    its Heading 1, so audit reports nothing, and pandoc reads no heading more than one level below the one before."""
    from coe_paper import scaffold
    from test_roundtrip import headers, pandoc_ast

    root = REPO_ROOT if paper == "bundled" else scaffold.init(tmp_path / "new", forge_name=None).root
    built = pipeline.assemble(root, tmp_path / "paper.docx")
    assert built.output is not None, [str(d) for d in built.diagnostics]
    assert audit(built.output).diagnostics == []
    levels = [level for level, _ in headers(pandoc_ast(built.output))]
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), levels
    annex = levels[len(levels) - levels[::-1].index(1) - 1:]  # from the last Heading 1: the annex
    assert annex[0] == 1 and len(annex) > 1 and set(annex[1:]) == {2}, levels


@pytest.mark.parametrize("processors", [1, 2])
def test_a_build_judges_the_colours_in_the_template_it_opened_as_validate_does(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, processors: int) -> None:
    """A build, on one processor or with workers, judges the template's colours in the styles it parsed opening the
    template (before adding styles of its own), not by reading the template's bytes again: the same COE535 as
    `validate`'s."""
    from coe_paper import parallel

    pale = _pale_headings((REPO_ROOT / "paper" / "template.docx").read_bytes())
    root = make_project({"paper/template.docx": pale}, git=True)
    expected = [d.as_text() for d in pipeline.check(root).diagnostics if d.code == "COE535"]
    assert expected and all("#AAAAAA" in found for found in expected)
    shutil.rmtree(root / ".git" / CACHE_DIR)  # cold: the colours judged again
    judged = _count_judging(monkeypatch)
    monkeypatch.setattr(parallel, "processors", lambda: processors)  # with 2: on a worker, however small the paper
    monkeypatch.setattr(parallel, "MIN_SECTIONS", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    for thread in threading.enumerate():  # workers are not forked while another thread runs (parallel.worth_it)
        if thread is not threading.current_thread():
            thread.join(timeout=60)
    result = pipeline.assemble(root, root / "out.docx")
    assert result.output is not None
    assert [d.as_text() for d in result.diagnostics if d.code == "COE535"] == expected
    assert judged == []
