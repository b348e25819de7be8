"""Where project files are read from: the work tree, or a git revision (`git show REV:path`)."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from typing import Protocol


class SourceError(Exception):
    """A file could not be read (missing, outside the project, or unknown revision)."""


class Source(Protocol):
    """Read-only view of a project's files by POSIX path relative to the project root."""

    root: Path
    label: str

    def read_bytes(self, path: str) -> bytes: ...

    def exists(self, path: str) -> bool: ...

    def list_dir(self, path: str) -> list[str]: ...


def normalise(path: str, base: str = "") -> str:
    """Resolve `path` (relative to directory `base`) to a project-relative POSIX path.

    Raises SourceError when the path is absolute or climbs out of the project.
    """
    if path.startswith(("/", "\\")) or (len(path) > 1 and path[1] == ":"):
        raise SourceError(f"'{path}' is an absolute path; use a path inside the project")
    parts: list[str] = []
    for part in PurePosixPath(base, path.replace("\\", "/")).parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                raise SourceError(f"'{path}' points outside the project")
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


class WorkTree:
    """Files as they are on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = "work tree"

    def _path(self, path: str) -> Path:
        full = (self.root / normalise(path)).resolve()
        if full != self.root and self.root not in full.parents:
            raise SourceError(f"'{path}' points outside the project")
        return full

    def read_bytes(self, path: str) -> bytes:
        try:
            return self._path(path).read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read '{path}': {exc.strerror}") from None

    def exists(self, path: str) -> bool:
        try:
            return self._path(path).is_file()
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        directory = self._path(path)
        if not directory.is_dir():
            return []
        return sorted(f"{normalise(path)}/{p.name}" for p in directory.iterdir() if p.is_file())


#: Paths of the files a build reads, fetched together when building from a revision.
PAPER_PREFIXES = ("paper/", "sections/", "contributors.yaml", ".mailmap")


def parse_batch(output: bytes) -> dict[str, bytes]:
    """Objects from `git cat-file --batch` output (`<sha> <type> <size>` lines, each followed by the content)."""
    objects: dict[str, bytes] = {}
    offset = 0
    while offset < len(output):
        end = output.index(b"\n", offset)
        header = output[offset:end].split()
        offset = end + 1
        if len(header) != 3:  # `<sha> missing`
            continue
        size = int(header[2])
        objects[header[0].decode()] = output[offset : offset + size]
        offset += size + 1
    return objects


class GitRevision:
    """Files as they were at a git revision; reads the object database, never the work tree."""

    def __init__(self, root: Path, rev: str) -> None:
        self.root = root.resolve()
        self.rev = rev
        self.label = f"revision {rev}"
        commit = self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if commit is None:
            raise SourceError(f"unknown revision '{rev}'")
        self.commit = commit.decode().strip()
        # Without --full-tree, ls-tree run in the project root lists that directory's files, relative to it: a paper
        # project in a sub-directory of the repository reads the same as one at the top.
        listing = self._git("ls-tree", "-r", "-z", self.commit)
        self._blobs: dict[str, str] = {}
        for entry in (listing or b"").split(b"\0"):
            if entry:
                info, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
                _mode, kind, sha = info.split()
                if kind == "blob":
                    self._blobs[name] = sha
        self._data: dict[str, bytes] | None = None  # the paper's blobs, read in one batch on first use

    def _git(self, *args: str) -> bytes | None:
        proc = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, check=False)
        return proc.stdout if proc.returncode == 0 else None

    def _batch(self) -> dict[str, bytes]:
        """Every blob of the paper's own files (PAPER_PREFIXES), from one `git cat-file --batch` process."""
        if self._data is None:
            wanted = sorted({sha for name, sha in self._blobs.items() if name.startswith(PAPER_PREFIXES)})
            command = ["git", "-C", str(self.root), "cat-file", "--batch"]
            proc = subprocess.run(command, input="\n".join(wanted).encode(), capture_output=True, check=False)
            self._data = parse_batch(proc.stdout) if proc.returncode == 0 else {}
        return self._data

    def read_bytes(self, path: str) -> bytes:
        name = normalise(path)
        sha = self._blobs.get(name)
        data = None
        if sha:
            data = self._batch().get(sha)
            if data is None:
                data = self._git("cat-file", "blob", sha)
        if data is None:
            raise SourceError(f"'{name}' does not exist at {self.label}")
        return data

    def exists(self, path: str) -> bool:
        try:
            return normalise(path) in self._blobs
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        prefix = normalise(path) + "/"
        return sorted(n for n in self._blobs if n.startswith(prefix) and "/" not in n[len(prefix) :])
