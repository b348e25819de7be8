"""What a preview was built from: the project's files its build asked for, the folders it listed and the built
documents it links to, so that `serve` rebuilds for those alone and not for every file saved in the project (an
editor's swap file, a log, a PDF of another build, notes kept beside the paper); and where git keeps the commit the
page's version and last changes are read from."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import gitrun
from .safepaths import resolved
from .sources import JournaledTree, Source, SourceError, normalise


@dataclass(frozen=True)
class Inputs:
    """Project-relative paths a build read or looked for (a picture not there yet is one), and (folder, pattern)
    pairs: a file made directly in the folder under a name the pattern matches is read by the next build."""

    files: frozenset[str] = frozenset()
    folders: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    def __or__(self, other: Inputs) -> Inputs:
        return Inputs(self.files | other.files, self.folders | other.folders)

    def cover(self, relative: str) -> bool:
        """Whether a change at `relative` (project-relative, POSIX) may change what the build reads."""
        if relative in self.files:
            return True
        folder, _, name = relative.rpartition("/")
        return any(folder == where and fnmatch.fnmatchcase(name, pattern) for where, pattern in self.folders)

    def resolved_in(self, root: Path) -> Inputs:
        """These inputs and, for each that leads elsewhere in the project through a symbolic link, where it leads:
        a change is seen where the file is."""
        files = set(self.files) | {found for path in self.files if (found := _target(root, path)) is not None}
        folders = set(self.folders) | {(found, pattern) for where, pattern in self.folders
                                       if (found := _target(root, where)) is not None}
        return Inputs(frozenset(files), frozenset(folders))


def _target(root: Path, path: str) -> str | None:
    full = resolved(root / path)
    if full is None or not full.is_relative_to(root):
        return None
    return full.relative_to(root).as_posix()


def asked(*trees: Source) -> Inputs:
    """What the work trees among `trees` were asked (sources.JournaledTree notes it): a file read or looked for, a
    folder listed."""
    files: set[str] = set()
    folders: set[tuple[str, str]] = set()
    for tree in trees:
        if not isinstance(tree, JournaledTree):
            continue
        for question in tree.answers:
            op, path, _ = json.loads(question)
            try:
                relative = normalise(path)
            except SourceError:
                continue
            if op == "list":
                folders.add((relative, "*"))
            else:
                files.add(relative)
    return Inputs(frozenset(files), frozenset(folders))


def documents(output: str) -> tuple[str, str, str]:
    """The built files the preview links to, for paper.yaml's `output`: the .docx, its PDF and the pattern of the
    redlines' names (`assemble --compare`) in the same folder."""
    docx = PurePosixPath(normalise(output))
    return str(docx), str(docx.with_suffix(".pdf")), f"{docx.stem}-changes-since-*{docx.suffix}"


def of_documents(output: str) -> Inputs:
    """The built documents as inputs: a new .docx, PDF or redline changes the page's downloads."""
    try:
        docx, pdf, redlines = documents(output)
    except SourceError:  # an output outside the project: COE005 says so, and there is nothing to link to
        return Inputs()
    folder = str(PurePosixPath(docx).parent)
    return Inputs(frozenset({docx, pdf}), frozenset({("" if folder == "." else folder, redlines)}))


@dataclass(frozen=True)
class GitRefs:
    """Where git keeps what names the work tree's commit: its HEAD (in the work tree's git directory) and the refs
    and packed-refs (in the repository's, which its work trees share). A commit, checkout, reset or tag changes
    them, and with them the page's version and last changes; the index (`git status` refreshes it) and the objects
    are not among them."""

    head: Path | None = None  # the work tree's git directory
    common: Path | None = None  # the repository's

    def cover(self, path: str) -> bool:
        """Whether a change at `path` (absolute, as the watcher names it) is one of these (not git's lock file)."""
        if self.head is None or self.common is None or path.endswith(".lock"):
            return False
        full = Path(path)
        return full in (self.head / "HEAD", self.common / "packed-refs") or (self.common / "refs") in full.parents

    def named(self, full: Path) -> str:
        """A change of these at `full` as git names it (`HEAD`, `refs/heads/main`, `packed-refs`): the git
        directory may be anywhere (a work tree added with `git worktree add`), and its whole path said nothing."""
        for place in (self.head, self.common):
            if place is not None and full.is_relative_to(place):
                return full.relative_to(place).as_posix()
        return str(full)

    def folders(self, root: Path) -> list[Path]:
        """The git directories a watcher of `root` must watch as well: those outside it (a work tree added with
        `git worktree add`, a paper in a folder of a larger repository)."""
        found = [place for place in (self.common, self.head) if place is not None and not place.is_relative_to(root)]
        return [folder for folder in found if not any(other in folder.parents for other in found)]


def git_refs(root: Path) -> GitRefs:
    """The git directories of the work tree at `root` (resolved), or none outside git. Git names them from the
    folder it runs in (`root`) unless they are elsewhere (`--path-format=absolute`, which says so always, is git
    2.31's: with an older git, serve watched no commit, without a word)."""
    found = gitrun.text(root, "rev-parse", "--git-dir", "--git-common-dir")
    places = [resolved(root / line) for line in (found or "").splitlines()]
    if len(places) != 2 or places[0] is None or places[1] is None:
        return GitRefs()
    return GitRefs(places[0], places[1])
