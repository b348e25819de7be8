"""Where project files are read from: the work tree (here), or a git revision (`git cat-file`, revision.py), both
a `Source`.

Every path is checked where it resolves, not only as written: a symbolic link (on disk, or committed to git) that
leads out of the project is refused with `OutsideProject`, and a file over the caller's size limit with `TooLarge`
before it is read. In a resident process's child, a file unchanged since the resident process read it is taken
from its memory (keptfiles.py)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Protocol, TypeVar

from . import keptfiles
from .limits import mib, read_within
from .locate import CONFIG_PATH, project_root

T = TypeVar("T")


class ProjectNotFound(Exception):
    """No `paper/paper.yaml` at or above the given directory."""


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `paper/paper.yaml`."""
    found = project_root(str(start))
    if found is None:
        raise ProjectNotFound(f"no {CONFIG_PATH} found in {start.absolute()} or any parent directory (`coe-paper "
                              "init DIR` makes a new paper; --project DIR names one)")
    return Path(found)


class SourceError(Exception):
    """A file could not be read (missing, outside the project, or unknown revision)."""


class OutsideProject(SourceError):
    """The path leaves the project, as written or through a symbolic link."""


class TooLarge(SourceError):
    """The file is larger than the limit the caller set for it."""


class NotAFile(SourceError):
    """The path names a folder, a named pipe, a device or a socket (`kind`), not a file."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(f"cannot read '{path}': it is {kind}, not a file")
        self.kind = kind


class Source(Protocol):
    """Read-only view of a project's files by POSIX path relative to the project root."""

    root: Path
    label: str

    def read_bytes(self, path: str, limit: int | None = None) -> bytes: ...

    def exists(self, path: str) -> bool: ...

    def list_dir(self, path: str) -> list[str]: ...

    def resolved(self, path: str) -> str:
        """Where `path` leads once every symbolic link on it is followed, as a path of the project's."""
        ...


def normalise(path: str, base: str = "") -> str:
    """Resolve `path` (relative to directory `base`) to a project-relative POSIX path.

    Raises SourceError when the path is absolute or climbs out of the project.
    """
    if path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        raise OutsideProject(f"'{path}' is an absolute path; use a path inside the project")
    forward = path.replace("\\", "/")
    joined = f"{base}/{forward}" if base else forward
    segments = joined.split("/")
    if "" not in segments and "." not in segments and ".." not in segments:  # already so: a build asks hundreds
        return joined
    parts: list[str] = []
    for part in PurePosixPath(base, forward).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise OutsideProject(f"'{path}' points outside the project")
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


class WorkTree:
    """Files as they are on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = "work tree"
        self._directories: dict[str, Path] = {}  # checked once a run: a paper reads hundreds of files in one

    def _path(self, path: str) -> Path:
        """Where `path` resolves: its directory, resolved and checked once, and the file itself (resolved and
        checked again when it is a symbolic link)."""
        parent, _, name = normalise(path).rpartition("/")
        directory = self._directories.get(parent)
        if directory is None:
            directory = self._directories[parent] = self._inside(path, self.root / parent)
        full = directory / name if name else directory
        try:
            if name and stat.S_ISLNK(os.lstat(full).st_mode):
                return self._inside(path, full)
        except OSError:  # missing: reading it says so
            pass
        return full

    def _inside(self, path: str, candidate: Path) -> Path:
        try:
            full = candidate.resolve()
        except (OSError, RuntimeError):  # RuntimeError: a link that leads round to itself (Python before 3.13)
            raise SourceError(f"cannot read '{path}': a symbolic link loop") from None
        if full != self.root and self.root not in full.parents:
            raise OutsideProject(f"'{path}' leads outside the project through a symbolic link (to {full})")
        return full

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        full = self._path(path)
        kept = keptfiles.taken(str(full))  # a resident process's child: a file unchanged since the process read it
        if kept is not None and (limit is None or len(kept) <= limit):
            return kept
        try:  # opened without waiting: a named pipe would wait for a writer for ever
            with open(os.open(full, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as handle:
                found = os.fstat(handle.fileno())
                if not stat.S_ISREG(found.st_mode):
                    kind = "a folder" if stat.S_ISDIR(found.st_mode) else "a pipe, device or socket"
                    raise NotAFile(path, kind)
                if limit is not None and found.st_size > limit:
                    raise TooLarge(too_large(path, found.st_size, limit))
                data = handle.read() if limit is None else read_within(handle, found.st_size, limit)
                keptfiles.put(str(full), found, data)
                return data
        except IsADirectoryError:  # Python's open() refuses a folder before its kind above is asked
            raise NotAFile(path, "a folder") from None
        except OSError as exc:
            raise SourceError(f"cannot read '{path}': {exc.strerror or exc}") from None

    def exists(self, path: str) -> bool:
        try:
            return self._path(path).is_file()
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        directory = self._path(path)
        if not directory.is_dir():
            return []
        # a link is listed whatever it leads to (a file since moved, a folder), and so is a named pipe, device or
        # socket (taken for no file, a section or template was left out without a word): reading it says what is
        # wrong, as a revision's listing does
        return sorted(f"{normalise(path)}/{p.name}" for p in directory.iterdir() if p.is_symlink() or not p.is_dir())

    def resolved(self, path: str) -> str:
        found = self._path(path).relative_to(self.root).as_posix()
        return "" if found == "." else found


class JournaledTree(WorkTree):
    """A work tree that notes what it was asked and a digest of each answer (`answers`), so that a later run can
    ask again and know whether a build would read the same (uptodate.py)."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.answers: dict[str, str] = {}

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        return self._noted(("read", path, limit), lambda: super(JournaledTree, self).read_bytes(path, limit))

    def exists(self, path: str) -> bool:
        return self._noted(("exists", path, None), lambda: super(JournaledTree, self).exists(path))

    def list_dir(self, path: str) -> list[str]:
        return self._noted(("list", path, None), lambda: super(JournaledTree, self).list_dir(path))

    def resolved(self, path: str) -> str:
        return self._noted(("resolved", path, None), lambda: super(JournaledTree, self).resolved(path))

    def _noted(self, question: tuple[str, str, int | None], ask: Callable[[], T]) -> T:
        try:
            answer = ask()
        except SourceError as exc:
            self.answers[json.dumps(question)] = digest(exc)
            raise
        self.answers[json.dumps(question)] = digest(answer)
        return answer


def ask_again(tree: WorkTree, question: str) -> str:
    """The digest of the answer `tree` gives today to a question a JournaledTree noted (its key)."""
    try:
        op, path, limit = json.loads(question)
        if op == "read" and isinstance(path, str) and (limit is None or isinstance(limit, int)):
            return digest(tree.read_bytes(path, limit))
        if op == "exists" and isinstance(path, str):
            return digest(tree.exists(path))
        if op == "list" and isinstance(path, str):
            return digest(tree.list_dir(path))
        if op == "resolved" and isinstance(path, str):
            return digest(tree.resolved(path))
    except SourceError as exc:
        return digest(exc)
    except (ValueError, TypeError):
        pass
    return "not a question"


def digest(answer: object) -> str:
    """A short stand-in for an answer of the work tree: the SHA-256 of bytes read, the error, or the JSON of the
    rest (a yes or no, a listing)."""
    if isinstance(answer, bytes):
        return hashlib.sha256(answer).hexdigest()
    if isinstance(answer, SourceError):
        return f"{type(answer).__name__}: {answer}"
    return json.dumps(answer)


def unreadable(source: Source, path: str) -> SourceError | None:
    """Why `path` cannot be read (OutsideProject, or missing), without reading it; None when it can be."""
    try:
        source.read_bytes(path, 0)
    except TooLarge:
        return None
    except SourceError as exc:
        return exc
    return None


def too_large(path: str, size: int, limit: int) -> str:
    shown, bound = mib(size), mib(limit)
    if shown == bound:  # just over: "1 MB, over the limit of 1 MB" would say nothing
        shown, bound = f"{size:,} bytes", f"{limit:,} bytes"
    return f"'{path}' is {shown}, over the limit of {bound} for this kind of file"
