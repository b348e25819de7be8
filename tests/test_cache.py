"""The cache of each section's editorial findings (`.git/coe-paper-cache/editorial.pack`): a warm run reports what a
cold run reports, a changed section is checked again, and a damaged or foreign cache is ignored, never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from coe_paper import pipeline
from coe_paper.cache import KIND
from coe_paper.diagnostics import Diagnostic
from coe_paper.store import CACHE_DIR, Store
from conftest import MakeProject, git_commit, section_text

EPOCH = 1700000000
TERM = "Services for the disabled are scarce.\n"


def cache_file(root: Path) -> Path:
    return root / ".git" / CACHE_DIR / f"{KIND}.pack"


def entries(root: Path) -> dict[str, object]:
    """The pack's entries, read as store.py reads it (its checksum checked)."""
    found = Store._read(cache_file(root), "pack")
    assert isinstance(found, dict)
    return found


def findings(root: Path) -> list[Diagnostic]:
    return pipeline.check(root).diagnostics


def editorial(found: list[Diagnostic]) -> list[tuple[str, int, int, str, str]]:
    return [(d.path, d.line, d.column, d.code, d.message) for d in found if d.code.startswith("COE7")]


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    return make_project({"sections/01-intro.md": section_text("intro", TERM, title="Introduction")}, git=True)


def test_warm_run_reports_what_a_cold_run_reports(project: Path) -> None:
    cold = findings(project)
    assert ("sections/01-intro.md", 9, 14, "COE701", "'the disabled': write 'persons with disabilities'") in [
        (d.path, d.line, d.column, d.code, d.message) for d in cold
    ]
    assert cache_file(project).is_file()
    warm = findings(project)
    assert warm == cold
    assert [d.fix for d in warm] == [d.fix for d in cold]  # fixes survive the cache (validate --fix uses them)


def test_changed_section_is_checked_again(project: Path) -> None:
    findings(project)
    intro = project / "sections" / "01-intro.md"
    intro.write_text(section_text("intro", "Nothing to " + TERM.replace("the disabled", "persons with disabilities"),
                                  title="Introduction"), encoding="utf-8")
    assert not [d for d in findings(project) if d.code == "COE701"]
    intro.write_text(section_text("intro", "\n\n" + TERM, title="Introduction"), encoding="utf-8")
    assert [(d.code, d.line) for d in findings(project) if d.code == "COE701"] == [("COE701", 11)]


@pytest.mark.parametrize("damage", [b"", b"{not json", b"\xff\xfe", b"[]", b"coe-paper 1 pack 00\n{}",
                                    b"coe-paper 999 pack " + b"0" * 64 + b"\n{}"])
def test_damaged_cache_is_ignored_and_written_again(project: Path, damage: bytes) -> None:
    cold = findings(project)
    kept = entries(project)
    cache_file(project).write_bytes(damage)
    assert findings(project) == cold
    assert entries(project) == kept


def test_foreign_entries_are_never_trusted(project: Path) -> None:
    cold = findings(project)
    data = entries(project)
    forged = ["sections/01-intro.md", 1, 1, "COE701", "warning", "forged", "", None]
    for key in data:  # malformed entries under the right keys (with the right checksum): ignored
        data[key] = [["sections/01-intro.md", "one", 1, "COE701", "warning", "x", "", None]]
    data["0" * 64] = [forged]  # a well-formed entry under a key no section has: never used
    Store._write(cache_file(project), "pack", data)
    assert findings(project) == cold
    assert "0" * 64 not in entries(project)


def test_word_list_change_invalidates_the_cache(project: Path) -> None:
    findings(project)
    yaml_path = project / "paper" / "paper.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8") + "checks:\n  ignore: [COE701]\n", encoding="utf-8")
    assert not [d for d in findings(project) if d.code == "COE701"]


def test_assemble_warm_is_byte_identical_to_cold(project: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    git_commit(project, "Second draft")
    cold_out, warm_out = tmp_path / "cold.docx", tmp_path / "warm.docx"
    cache_file(project).unlink(missing_ok=True)
    cold = pipeline.assemble(project, cold_out)
    assert cold.output is not None and cache_file(project).is_file()
    warm = pipeline.assemble(project, warm_out)
    assert warm.output is not None
    assert editorial(warm.diagnostics) == editorial(cold.diagnostics)
    assert warm_out.read_bytes() == cold_out.read_bytes()
