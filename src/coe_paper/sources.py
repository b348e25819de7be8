"""Where project files are read from: the work tree, or a git revision (`git cat-file`).

Every path is checked where it resolves, not only as written: a symbolic link (on disk, or committed to git) that
leads out of the project is refused with `OutsideProject`, and a file over the caller's size limit with `TooLarge`
before it is read."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Protocol, TypeVar

from . import gitrun
from .gitlog import repository_problem
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
        try:  # opened without waiting: a named pipe would wait for a writer for ever
            with open(os.open(full, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), "rb") as handle:
                found = os.fstat(handle.fileno())
                if not stat.S_ISREG(found.st_mode):
                    kind = "a folder" if stat.S_ISDIR(found.st_mode) else "a pipe, device or socket"
                    raise NotAFile(path, kind)
                if limit is not None and found.st_size > limit:
                    raise TooLarge(too_large(path, found.st_size, limit))
                return handle.read() if limit is None else read_within(handle, found.st_size, limit)
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


BATCH_MAX = 16 * 1024 * 1024  # larger blobs are read one by one, when asked for and within the caller's limit

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
    """Files as they were at a git revision; reads the object database, never the work tree. Committed symbolic
    links are followed inside the tree; one that leads out of the project raises OutsideProject."""

    def __init__(self, root: Path, rev: str) -> None:
        self.root = root.resolve()
        self.rev = rev
        self.label = f"revision {rev}"
        commit = self._git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if commit is None:
            raise SourceError(self._unknown(rev))
        self.commit = commit.decode().strip()
        # Without --full-tree, ls-tree run in the project root lists that directory's files, relative to it: a paper
        # project in a sub-directory of the repository reads the same as one at the top.
        listing = self._git("ls-tree", "-r", "-l", "-z", self.commit)
        self._blobs: dict[str, str] = {}
        self._sizes: dict[str, int] = {}
        links: dict[str, str] = {}  # path -> blob of a symbolic link
        for entry in (listing or b"").split(b"\0"):
            if entry:
                info, _, name = entry.decode("utf-8", "surrogateescape").partition("\t")
                mode, kind, sha, size = info.split()
                if kind == "blob" and mode == "120000":
                    links[name] = sha
                elif kind == "blob":
                    self._blobs[name] = sha
                    self._sizes[name] = int(size)
        self._links: dict[str, str] = {}  # path -> the link's target as written
        if links:
            targets = self._cat_batch(sorted(set(links.values())))
            self._links = {name: targets.get(sha, b"").decode("utf-8", "replace") for name, sha in links.items()}
        self._data: dict[str, bytes] | None = None  # the paper's blobs, read in one batch on first use

    def _git(self, *args: str) -> bytes | None:
        try:
            proc = gitrun.run(self.root, *args)
        except OSError:
            raise SourceError(f"git is not installed (or not on the PATH); it is needed to read {self.label}") from None
        return proc.stdout if proc.returncode == 0 else None

    def _unknown(self, rev: str) -> str:
        """Why `rev` cannot be read: git refuses the repository, no repository, a shallow clone, no commit at all,
        or no such rev."""
        problem = repository_problem(self.root)
        if problem:
            return problem
        shallow = self._git("rev-parse", "--is-shallow-repository")
        if shallow is None:
            return f"cannot read revision '{rev}': {self.root} is not in a git repository"
        if shallow.strip() == b"true":
            return (f"unknown revision '{rev}': this is a shallow clone, which may not hold it; fetch the history "
                    "with 'git fetch --unshallow' (or a larger --depth)")
        if self._git("rev-list", "-n", "1", "--all") == b"":
            return (f"unknown revision '{rev}': the repository has no commits yet; commit the paper first "
                    "(git add -A, then git commit)")
        return (f"unknown revision '{rev}': the repository has no tag, branch or commit of that name ('git tag' lists "
                "the tags, 'git log --oneline' the commits)")

    def _cat_batch(self, shas: list[str]) -> dict[str, bytes]:
        found = gitrun.output(self.root, "cat-file", "--batch", stdin="\n".join(shas).encode())
        return parse_batch(found) if found is not None else {}

    def _batch(self) -> dict[str, bytes]:
        """Every blob of the paper's own files (PAPER_PREFIXES) up to BATCH_MAX bytes, from one git process."""
        if self._data is None:
            wanted = sorted({sha for name, sha in self._blobs.items()
                             if name.startswith(PAPER_PREFIXES) and self._sizes[name] <= BATCH_MAX})
            self._data = self._cat_batch(wanted)
        return self._data

    def _resolve(self, path: str) -> str:
        """The path with every committed symbolic link along it followed (as the file system would)."""
        name = normalise(path)
        for _ in range(40):
            parts = name.split("/")
            for index in range(1, len(parts) + 1):
                target = self._links.get("/".join(parts[:index]))
                if target is None:
                    continue
                try:
                    resolved = normalise(target, "/".join(parts[: index - 1]))
                except OutsideProject:
                    raise OutsideProject(f"'{path}' leads outside the project through a symbolic link (to "
                                         f"{target}) at {self.label}") from None
                name = "/".join(part for part in (resolved, *parts[index:]) if part)
                break
            else:
                return name
        raise SourceError(f"'{path}': too many levels of symbolic links at {self.label}")

    def read_bytes(self, path: str, limit: int | None = None) -> bytes:
        name = self._resolve(path)
        sha = self._blobs.get(name)
        data = None
        if sha:
            if limit is not None and self._sizes[name] > limit:
                raise TooLarge(too_large(path, self._sizes[name], limit))
            data = self._batch().get(sha)
            if data is None:
                data = self._git("cat-file", "blob", sha)
        if data is None and any(other.startswith(f"{name}/") for other in self._blobs):
            raise NotAFile(path, f"a folder at {self.label}")
        if data is None:
            raise SourceError(f"'{name}' does not exist at {self.label}")
        return data

    def exists(self, path: str) -> bool:
        try:
            return self._resolve(path) in self._blobs
        except SourceError:
            return False

    def list_dir(self, path: str) -> list[str]:
        asked = normalise(path)
        prefix = self._resolve(path) + "/"
        names = (n[len(prefix) :] for n in (*self._blobs, *self._links) if n.startswith(prefix))
        return sorted(f"{asked}/{n}" for n in names if "/" not in n)

    def resolved(self, path: str) -> str:
        return self._resolve(path)


def text_at(root: Path, commit: str) -> Callable[[str], str | None]:
    """Reads files' text as they were at `commit` (one git process for all of them); None for a file that is not
    there, is not UTF-8, or when there is no such commit or no git."""
    try:
        revision = GitRevision(root, commit) if commit else None
    except (SourceError, OSError):
        revision = None

    def read(path: str) -> str | None:
        if revision is None:
            return None
        try:
            return revision.read_bytes(path).decode("utf-8")
        except (SourceError, UnicodeDecodeError):
            return None

    return read
