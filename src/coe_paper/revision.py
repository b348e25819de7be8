"""Files as they were at a git revision (`--rev`, a reviewed document's commit): read from the object database with
`git cat-file`, never from the work tree. Committed symbolic links are followed inside the tree; one that leads out
of the project is refused with `OutsideProject`, and a file over the caller's size limit with `TooLarge`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import gitrun
from .gitlog import repository_problem
from .sources import NotAFile, OutsideProject, SourceError, TooLarge, normalise, too_large

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
