"""The edit corpus: hundreds of reviewer edits of every kind, as real w:ins/w:del markup in the assembled bundled
paper (a share saved again through LibreOffice, as reviewers' tools do), applied to the sources. The paper rebuilt
from the new sources must read as the reviewed file with every change accepted, read by pandoc
(`--track-changes=accept`), an independent reader; and no source line outside the edits may change."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from coe_paper import pipeline, wordread, writeback
from conftest import REPO_ROOT, git_commit, require_client
from reviewkit import edit_docx


def bundled_copy(dest: Path) -> Path:
    """The bundled paper as a fresh git repository."""
    for name in ("paper", "sections"):
        shutil.copytree(REPO_ROOT / name, dest / name)
    shutil.copy(REPO_ROOT / "contributors.yaml", dest / "contributors.yaml")
    git_commit(dest)
    return dest


def plain(pandoc: str, docx: Path) -> list[str]:
    """The sections' text as pandoc reads it with changes accepted: title page, contents and bylines left out."""
    out = subprocess.run([pandoc, "--track-changes=accept", "-t", "plain", "--wrap=none", str(docx)],
                         capture_output=True, text=True, check=True).stdout
    lines = [line.rstrip() for line in out.splitlines()]
    first = next(i for i, line in enumerate(lines) if line == "Executive summary" and i > 0)
    # the contents list it too, unless their entries carry chapter numbers ("1 Executive summary")
    first = next((i for i, line in enumerate(lines) if line == "Executive summary" and i > first), first)
    # pandoc keeps an empty item for a deleted list paragraph (and renumbers around it): markers are compared as
    # "•", and a marker alone is dropped.
    marker = re.compile(r"^\s*(?:[-*]|\d+[.)]|[a-z][.)]|[ivxl]+[.)])(?:\s+|$)")
    out = []
    for line in lines[first:]:
        # captions are made from the sources ("Table 1: ..."; pandoc moves a table's below it): not compared
        if not line.strip() or line.startswith("Lead:") or re.match(r"^\s*(: )?(Table|Figure) \d+: ", line):
            continue
        if not line.strip(" -"):
            continue  # table rules (pandoc keeps deleted rows empty, which moves rules)
        norm = line.strip().removeprefix(": ")  # pandoc's table caption (a LibreOffice save drops it)
        while marker.match(norm) and not norm.startswith("• "):  # an emptied parent item nests its children
            norm = marker.sub("• ", norm)
        while norm.startswith("• ") and marker.match(norm[2:]):
            norm = "• " + marker.sub("", norm[2:])
        norm = norm.replace("~~ ~~", " ")  # struck text split into runs, or not
        if norm.strip() != "•":
            out.append(" ".join(norm.split()))
    return out


def libreoffice_resave(soffice: str, docx: Path, outdir: Path) -> Path:
    outdir.mkdir(exist_ok=True)
    subprocess.run([soffice, "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir),
                    str(docx)], capture_output=True, check=True, timeout=180)
    return outdir / docx.name


def run_corpus(tmp_path: Path, name: str, edits: int, seed: int, soffice: str | None) -> tuple[int, int, list[str]]:
    root = bundled_copy(tmp_path / name)
    built = pipeline.assemble(root, tmp_path / f"{name}.docx")
    assert built.output is not None
    reviewed = tmp_path / f"{name}-reviewed.docx"
    kinds = edit_docx(built.output, reviewed, edits, seed=seed)
    if soffice is not None:
        reviewed = libreoffice_resave(soffice, reviewed, tmp_path / f"{name}-lo")
    before = {p: (root / p).read_text() for p in (str(s.relative_to(root)) for s in (root / "sections").glob("*.md"))}
    doc = wordread.read(reviewed)
    plan = writeback.plan(root, doc, writeback.organisations(root), writeback.Options())
    writeback.write(root, plan.files)
    rebuilt = pipeline.assemble(root, tmp_path / f"{name}-rebuilt.docx")
    assert rebuilt.output is not None, rebuilt.diagnostics
    pandoc = require_client("pandoc")
    want, got = plain(pandoc, reviewed), plain(pandoc, rebuilt.output)
    differences = [line for line in difflib.unified_diff(want, got, lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    # No line outside the edits changed: every changed source line is one an outcome names, or next to one.
    touched = {(o.path, o.line) for o in plan.outcomes}
    for path, text in before.items():
        after = (root / path).read_text()
        for tag, a, b, _c, _d in difflib.SequenceMatcher(None, text.splitlines(), after.splitlines()).get_opcodes():
            if tag != "equal":
                near = any(p == path and a - 2 <= line - 1 <= max(b, a + 1) + 1 for p, line in touched)
                assert near, f"{path}:{a + 1}: changed without a reported change"
    total = sum(kinds.values())
    applied = sum(1 for o in plan.outcomes if o.status == "applied")
    assert not [f for _, f in plan.findings if f.kind == "skipped"], plan.findings
    return total, applied, differences


@pytest.mark.parametrize("seed", [11, 12])
def test_edit_corpus_applies_exactly(tmp_path: Path, seed: int) -> None:
    total, _applied, differences = run_corpus(tmp_path, f"corpus{seed}", 110, seed, None)
    assert total >= 100
    assert differences == [], "\n".join(differences[:40])


def test_edit_corpus_through_libreoffice(tmp_path: Path) -> None:
    soffice = require_client("soffice")
    total, _applied, differences = run_corpus(tmp_path, "corpus-lo", 60, 21, soffice)
    assert total >= 50
    assert differences == [], "\n".join(differences[:40])


def test_no_change_outside_edits_and_report(tmp_path: Path) -> None:
    """Sanity for the harness itself: a review without changes changes nothing."""
    root = bundled_copy(tmp_path / "plain")
    built = pipeline.assemble(root, tmp_path / "plain.docx")
    assert built.output is not None
    plan = writeback.plan(root, wordread.read(built.output), writeback.organisations(root), writeback.Options())
    assert plan.files == [] and plan.outcomes == []
    assert [f for _, f in plan.findings] == []
    assert re.match(r"[0-9a-f]{40}", plan.commit)
