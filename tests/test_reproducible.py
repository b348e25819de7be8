"""Reproducible output: the same sources and date give the same bytes; the date comes from SOURCE_DATE_EPOCH
or the commit, never from the clock or the place the project lives."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from coe_paper import pipeline
from conftest import MakeProject

EPOCH = 1718452800  # 2024-06-15 12:00:00 UTC
OTHER_EPOCH = 1735689599  # 2024-12-31 23:59:59 UTC
CORE_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dcterms": "http://purl.org/dc/terms/",
}


def build(root: Path, output: Path) -> bytes:
    result = pipeline.assemble(root, output)
    assert result.output == output, result.diagnostics
    return output.read_bytes()


def core_dates(data: bytes) -> tuple[str, str]:
    """(created, modified) as written in docProps/core.xml."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        core = etree.fromstring(package.read("docProps/core.xml"))
    created = core.findtext("dcterms:created", namespaces=CORE_NS)
    modified = core.findtext("dcterms:modified", namespaces=CORE_NS)
    assert created is not None and modified is not None
    return created, modified


def zip_stamps(data: bytes) -> set[tuple[int, int, int, int, int, int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.date_time for info in package.infolist()}


def iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_same_sources_same_bytes(make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    root = make_project()
    first = build(root, tmp_path / "first.docx")
    second = build(root, tmp_path / "second.docx")
    assert first == second
    # The same files in another directory (a different absolute path) give the same bytes too.
    copy = make_project(name="a-copy-somewhere-else")
    assert build(copy, tmp_path / "third.docx") == first


def test_source_date_epoch_sets_the_document_dates(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    june = build(root, tmp_path / "june.docx")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(OTHER_EPOCH))
    december = build(root, tmp_path / "december.docx")
    assert june != december
    assert core_dates(june) == (iso(EPOCH), iso(EPOCH)) == ("2024-06-15T12:00:00Z", "2024-06-15T12:00:00Z")
    assert core_dates(december) == ("2024-12-31T23:59:59Z", "2024-12-31T23:59:59Z")


def test_zip_entries_share_one_fixed_timestamp(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    data = build(make_project(), tmp_path / "paper.docx")
    stamps = zip_stamps(data)
    assert len(stamps) == 1
    assert stamps == {(2024, 6, 15, 12, 0, 0)}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.testzip() is None
        assert len(package.infolist()) >= 8  # content types, rels, document, styles, settings, core, app, ...
        assert package.namelist()[0] == "[Content_Types].xml"


def test_without_a_date_the_zip_timestamp_is_still_fixed(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_project()  # not a git repository: no commit date either
    first = build(root, tmp_path / "first.docx")
    assert len(zip_stamps(first)) == 1
    assert build(root, tmp_path / "second.docx") == first


def test_commit_date_is_used_without_source_date_epoch(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_project(git=True)  # committed 2024-01-31T10:00:00+00:00 (conftest.GIT_ENV)
    first = build(root, tmp_path / "first.docx")
    assert core_dates(first) == ("2024-01-31T10:00:00Z", "2024-01-31T10:00:00Z")
    assert zip_stamps(first) == {(2024, 1, 31, 10, 0, 0)}
    assert build(root, tmp_path / "second.docx") == first


def test_bundled_paper_builds_identically_twice(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    first = build(repo_root, tmp_path / "first.docx")
    second = build(repo_root, tmp_path / "second.docx")
    assert first == second
    assert core_dates(first)[1] == "2024-06-15T12:00:00Z"


def test_outside_git_the_date_is_the_newest_paper_file(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unpacked archive: no commit, no SOURCE_DATE_EPOCH; the newest paper file's time is the document's date."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_project()
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (EPOCH, EPOCH))
    newest = next((root / "sections").glob("*.md"))
    os.utime(newest, (OTHER_EPOCH, OTHER_EPOCH))
    data = build(root, tmp_path / "archive.docx")
    assert core_dates(data) == (iso(OTHER_EPOCH), iso(OTHER_EPOCH))
    assert build(root, tmp_path / "again.docx") == data
