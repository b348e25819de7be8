"""A resident process keeps the files it read (keptfiles.py): its children take one that has not changed since
without reading it, and read again one that has, or that was changed too close to when it was read to tell."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from coe_paper import keptfiles, sources
from coe_paper.sources import TooLarge, WorkTree


@pytest.fixture
def keeping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keptfiles, "_KEPT", {})
    monkeypatch.setattr(keptfiles, "_size", 0)


def later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The clock `put` reads, `seconds` ahead: a file written now was changed that long before it was read."""
    now = time.time_ns
    monkeypatch.setattr(keptfiles.time, "time_ns", lambda: now() + int(seconds * 1e9))


def unopenable(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "opened")

    monkeypatch.setattr(sources.os, "open", refused)


def test_a_file_unchanged_since_it_was_read_is_not_read_again(tmp_path: Path, keeping: None,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    section = tmp_path / "sections" / "01-intro.md"
    section.parent.mkdir()
    section.write_bytes(b"Text of the section.\n")
    time.sleep(0.05)  # past the file system's tick: a write from now on has other times
    later(monkeypatch, 3)
    tree = WorkTree(tmp_path)
    assert tree.read_bytes("sections/01-intro.md", 1000) == b"Text of the section.\n"
    with monkeypatch.context() as closed:
        unopenable(closed)
        assert tree.read_bytes("sections/01-intro.md", 1000) == b"Text of the section.\n"  # kept
        with pytest.raises(sources.SourceError):  # over the caller's limit: read, and refused as before
            tree.read_bytes("sections/01-intro.md", 10)
    section.write_bytes(b"Text of the sectioN.\n")  # the same size, written again
    with monkeypatch.context() as closed:
        unopenable(closed)
        with pytest.raises(sources.SourceError):  # not kept: it is read (and here cannot be)
            tree.read_bytes("sections/01-intro.md", 1000)
    assert tree.read_bytes("sections/01-intro.md", 1000) == b"Text of the sectioN.\n"


def test_a_file_changed_just_before_it_was_read_is_read_every_time(tmp_path: Path, keeping: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Written in the same instant as it was read, a second write could leave all its times as they were."""
    (tmp_path / "words.txt").write_bytes(b"Leipzig\n")
    tree = WorkTree(tmp_path)
    assert tree.read_bytes("words.txt") == b"Leipzig\n"
    unopenable(monkeypatch)
    with pytest.raises(sources.SourceError):
        tree.read_bytes("words.txt")


def test_only_a_resident_process_keeps_files_and_only_small_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    (tmp_path / "a.md").write_bytes(b"a" * 10)
    (tmp_path / "big.png").write_bytes(b"b" * (keptfiles.MAX_FILE + 1))
    time.sleep(0.05)
    later(monkeypatch, 3)
    monkeypatch.setattr(keptfiles, "_KEPT", None)  # a command run alone
    WorkTree(tmp_path).read_bytes("a.md")
    assert keptfiles._KEPT is None
    monkeypatch.setattr(keptfiles, "_KEPT", {})
    monkeypatch.setattr(keptfiles, "_size", 0)
    for name in ("a.md", "big.png"):
        WorkTree(tmp_path).read_bytes(name)
    assert set(keptfiles._KEPT) == {str((tmp_path / "a.md").resolve())}
    assert keptfiles._size == 10
    with pytest.raises(TooLarge):
        WorkTree(tmp_path).read_bytes("big.png", 100)


def test_a_kept_file_replaced_by_a_folder_or_removed_is_not_taken(tmp_path: Path, keeping: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "contributors.yaml"
    path.write_bytes(b"organisations: []\n")
    time.sleep(0.05)
    later(monkeypatch, 3)
    tree = WorkTree(tmp_path)
    tree.read_bytes("contributors.yaml")
    path.unlink()
    with pytest.raises(sources.SourceError):
        tree.read_bytes("contributors.yaml")
    os.mkdir(path)
    with pytest.raises(sources.NotAFile):
        tree.read_bytes("contributors.yaml")
