"""Who wrote what, from git history: identities mapped to member organisations, commits and blamed lines per section.

The whole history is read with few git processes: one `rev-parse` (repository facts and the target commit), one
`config` (the settings git blame reads), one `ls-tree` (blob ids of the section files) and one `log` pass over
`sections/` (commits, renames, `Co-authored-by:` trailers), the last two kept by commit (historygit.py), and one
`git blame --incremental` per section file, run in parallel and cached on disk by blob id (plus the commit that
last changed the file, the work tree's .mailmap and those settings with the files they name) under the git
directory, never in the work tree. When many files need blaming, one `git commit-graph write --changed-paths` into
the cache (not the repository's object store) makes each blame faster.

Rules (README, "Attribution"):
- A commit counts for its author's organisation and for each co-author's organisation (`Co-authored-by:` trailers).
- A line counts for the organisation of the author of the commit that last changed it (blame); co-authors get no
  line share, since a line has one author in git. A change to a line's whitespace alone (a reformatting commit)
  does not take it over, nor does moving lines within a file or to another file changed in the same commit (a
  paragraph moved from one section to another): blame looks past both (`BLAME_OPTIONS`). Nor does restoring a
  deleted section file as it was (restored.py), nor a `git revert` of an edit: blame looks past the revert and the
  commit it reverts (historygit.reverted).
- Merge commits are not counted as commits; the commits they bring in are. Lines a merge itself wrote (conflict
  resolutions) are blamed on the merge's author.
- Identities are mapped to organisations by `identities.IdentityMap` (.mailmap, then e-mails, then domains).
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .blamecache import CACHE_FILE, BlameCache, Blamed
from .diagnostics import Diagnostic, error, warning
from .gitlog import repository_problem
from .gitrun import waits_on
from .historygit import Git, log_and_blobs, repository, reverted, settings
from .identities import Identity, IdentityMap, parse_mailmap, parse_person, work_tree_mailmap
from .model import Project
from .restored import Restart, Restarts, blame, restored
from .store import cache_folder

__all__ = ["Change", "History", "Identity", "IdentityMap", "SectionHistory", "history_of", "parse_mailmap",
           "parse_person"]

#: git blame's options: `-w` ignores changes to whitespace, `-C` finds lines moved within the file or from another
#: file the same commit changed; both keep the line with the one who wrote it. Part of each blame's cache key.
BLAME_OPTIONS = ("-w", "-C")
GRAPH_MIN_FILES = 8  # blame this many files or more, and a commit-graph (written in 0.1 s per 2,000 commits) pays


# -- results ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A commit that changed a section file."""

    commit: str
    date: datetime
    author: Identity  # after .mailmap
    org: str | None  # the author's organisation
    orgs: tuple[str, ...]  # organisations credited with the commit: the author's, then co-authors'
    unmapped: tuple[Identity, ...] = ()  # the author and co-authors that map to no organisation


@dataclass
class SectionHistory:
    """One section file's history: the commits that changed it and who wrote its current lines."""

    path: str
    changes: list[Change] = field(default_factory=list)  # newest first
    lines: int = 0
    lines_by_org: dict[str, int] = field(default_factory=dict)
    unmapped_lines: int = 0
    unmapped: set[Identity] = field(default_factory=set)

    @property
    def commits_by_org(self) -> dict[str, int]:
        counts: Counter[str] = Counter(org for change in self.changes for org in change.orgs)
        return dict(sorted(counts.items()))

    @property
    def last_change(self) -> Change | None:
        return max(self.changes, key=lambda c: c.date, default=None)  # ties: the first in topological order

    def share(self, org: str) -> float:
        """Fraction of the current lines blamed on `org` (0 when the file is empty)."""
        return self.lines_by_org.get(org, 0) / self.lines if self.lines else 0.0

    @property
    def orgs(self) -> list[str]:
        """Organisations found in the history: most lines first, then most commits, then by id."""
        commits = self.commits_by_org
        found = set(commits) | set(self.lines_by_org)
        return sorted(found, key=lambda org: (-self.lines_by_org.get(org, 0), -commits.get(org, 0), org))


@dataclass
class History:
    """Attribution of every section file at one commit (empty, with a COE204 warning, when there is no history)."""

    available: bool
    commit: str = ""
    sections: dict[str, SectionHistory] = field(default_factory=dict)  # by file path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    processes: int = 0  # git processes spawned
    cache_hits: int = 0

    def for_path(self, path: str) -> SectionHistory | None:
        return self.sections.get(path)


_UNSHALLOW = "build from a full clone (git fetch --unshallow) to credit contributors from history"
_COMMIT = "credits come from git history: commit the paper (git init, git add -A, git commit), or build in a clone"


_BLAME_HINT = "run git blame on the file to see why (a blame.ignoreRevsFile set in git config must exist)"


def _no_history(reason: str, processes: int, hint: str = _COMMIT) -> History:
    message = f"{reason}; bylines and the annex use the contributors declared in front matter only"
    return History(False, diagnostics=[warning(".", 0, 0, "COE204", message, hint)], processes=processes)


#: The files of the work tree git reads for itself, which a COE003 of `history_of` names.
GIT_OWN_FILES = (".mailmap", ".gitattributes", ".gitignore")


def without_history(problem: Diagnostic) -> bool:
    """Whether `problem` says the git history could not be read (COE204, or COE003 for a `.mailmap`, `.gitattributes`
    or `.gitignore` git would wait on): the reports from history say it before their table."""
    return problem.code == "COE204" or (problem.code == "COE003" and problem.path.endswith(GIT_OWN_FILES))


def history_of(
    project: Project, root: Path, rev: str | None = None, *, use_cache: bool = True, workers: int | None = None,
    step: Callable[[str], None] | None = None,
) -> History:
    """Attribution of the project's section files at `rev` (default HEAD), from history up to that commit; `step`
    is told when many files are blamed (a cold run)."""
    git = Git(root)
    if (blocking := waits_on(root)) is not None:  # checked before git runs, which would wait on a named pipe
        own, why = blocking
        where = os.path.relpath(own, root).replace(os.sep, "/")
        return History(False, diagnostics=[error(where, 0, 0, "COE003", why.replace(str(own), where)
                                                 + ": no git history read", f"make {own.name} a file, or remove it")])
    found, config = repository(git, rev)  # see historygit.py
    if found is None:
        reason = "no git history (not a git repository, or no commits yet)"
        if rev is not None:
            reason = f"no git history for revision '{rev}'"
        problem = repository_problem(root)
        if problem:  # git refuses the repository: the problem says what to do
            return _no_history(f"no git history: {problem}", git.count, "")
        return _no_history(reason, git.count)
    git_dir, commit = found.git_dir, found.commit
    if found.shallow:
        return _no_history("shallow clone: git history is incomplete", git.count, _UNSHALLOW)
    mailmap: str | None = None
    if rev is not None:  # a build at a revision reads every file from git, .mailmap too
        mailmap = (git.run("cat-file", "blob", f"{commit}:.mailmap") or b"").decode("utf-8", "replace")
    identities = IdentityMap.from_project(project, root, mailmap)
    read = settings(git, Path(found.top), config)
    raw, blobs = log_and_blobs(git, root, commit, read, use_cache, keep_others=rev is not None)
    paths = [s.path for s in project.sections if s.path in blobs]
    changes, authors, restarts = _log(raw, identities, set(paths))
    back = restored(git, restarts, commit)  # section files deleted and restored: their history runs on (restored.py)
    while back:  # each pass through the restores found may find an older one of the same file
        changes, authors, restarts = _log(raw, identities, set(paths), {(r.path, r.added): r.old for b in back.values()
                                                                        for r in b})
        more = restored(git, restarts, commit)
        if more == back:
            break
        back = more
    history = History(True, commit, {path: SectionHistory(path, changes.get(path, [])) for path in paths})
    cache_dir = cache_folder(root / git_dir) if use_cache else None  # None: a link, leading who knows where
    cache = BlameCache(cache_dir / CACHE_FILE if cache_dir is not None else None)
    # git blame gives authors through the work tree's .mailmap, whatever the revision, and reads its settings: an
    # edited .mailmap, or another setting or file they name, blames again
    blamed_by = work_tree_mailmap(root).encode() + read + " ".join(BLAME_OPTIONS).encode()
    mapped = hashlib.sha256(blamed_by).hexdigest()[:16]
    reverts = reverted(git, raw, set(authors))  # a revert and what it reverted: blame looks past both
    options = {path: (*BLAME_OPTIONS, *(f"--ignore-rev={c.commit}" for c in history.sections[path].changes
                                        if c.commit in reverts)) for path in paths}
    keys = {path: f"{path}\0{blobs[path]}\0{_last(history.sections[path], commit)}\0{mapped}"
                  + "".join(f"\0restored {r.added}" for r in back.get(path, []))
                  + "".join(f"\0{o}" for o in options[path][len(BLAME_OPTIONS):]) for path in paths}
    todo = [path for path in paths if cache.get(keys[path]) is None]
    history.cache_hits = len(paths) - len(todo)
    if step is not None and len(todo) >= GRAPH_MIN_FILES:
        step(f"Reading the history of {len(todo)} sections from git")
    many = cache_dir is not None and len(todo) >= GRAPH_MIN_FILES
    objects = cache_folder(root / git_dir, "objects") if many else None
    env = _commit_graph(git, root / git_dir, objects, commit) if objects is not None else None
    folder = os.path.relpath(os.path.realpath(root), os.path.realpath(found.top))  # blame names files from the top
    prefix = "" if folder == "." else folder.replace(os.sep, "/") + "/"
    failed: list[str] = []

    def run(p: str) -> Blamed | None:
        return blame(git, commit, p, back.get(p, []), options[p], env, prefix)

    for path, blamed in zip(todo, _side_by_side(run, todo, workers or max(2, os.cpu_count() or 2)), strict=True):
        if blamed is not None:
            cache.put(keys[path], blamed)
        else:
            failed.append(path)
    cache.save()
    for path in paths:
        _credit_lines(history.sections[path], cache.get(keys[path]), authors, identities)
        history.diagnostics.extend(_unmapped_warning(history.sections[path]))
    if failed:  # e.g. blame.ignoreRevsFile naming a file the repository lacks: git blames nothing at all
        reason = git.why("blame", "--incremental", *BLAME_OPTIONS, commit, "--", failed[0], env=env)
        reason = reason or "git gave no reason"
        history.diagnostics.extend(warning(path, 1, 1, "COE204", f"git blame failed ({reason}): the section's "
                                           "lines count for no organisation in the shares", _BLAME_HINT)
                                   for path in failed)
    history.processes = git.count
    return history


def _last(section: SectionHistory, commit: str) -> str:
    return section.changes[0].commit if section.changes else commit


def _side_by_side(run: Callable[[str], Blamed | None], paths: list[str], workers: int) -> list[Blamed | None]:
    """`run` on each path, on `workers` threads (each waits for a git blame); none started when there is nothing to
    run, as when every section's blame is kept (a command that needs none then loads no thread pool)."""
    if not paths:
        return []
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, paths))


def _log(
    raw: bytes | None, identities: IdentityMap, current: set[str], through: dict[tuple[str, str], str] | None = None
) -> tuple[dict[str, list[Change]], dict[str, Identity], dict[str, list[Restart]]]:
    """One `git log` pass (its output, `raw`): the changes to each current section file (following renames), every
    author seen, and the files whose history may start with a restore (restored.py's `Restarts`); the additions
    `through` lists (path, commit: the path of the file they restored) do not start a file's history, which runs on
    at the restored file's path.

    The log lists a commit before its parents, but a branch merged after a rename can come before the rename while
    it changed the file under its old name: such changes to a path no current file has had yet are kept aside, and
    join the file whose rename from that path comes later (unless a file starts at that path first)."""
    alias = {path: path for path in current}  # path at an older commit -> current path
    found: dict[str, list[tuple[int, Change]]] = {}
    aside: dict[str, list[tuple[int, Change]]] = {}  # by a path no current file had yet, in the log's order
    authors: dict[str, Identity] = {}
    started: dict[str, tuple[str, str]] = {}  # path -> (current path, commit) of the latest addition seen there
    restarts = Restarts()
    change: Change | None = None
    tokens = (raw or b"").decode("utf-8", "surrogateescape").split("\0")
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        index += 1
        if token.startswith("\x1e"):
            change = _change(token, identities)
            authors[change.commit] = change.author
            continue
        if not token or change is None or token.startswith("\x1f"):  # \x1f: the commit's message (`reverted`)
            continue
        status = token[0]
        if status in "RC":
            old, new = tokens[index], tokens[index + 1]
            index += 2
        else:
            old = new = tokens[index]
            index += 1
        target = alias.get(new)
        if new in started and started[new][1] != change.commit:  # the next older change at an added file's path
            if status == "D":
                restarts.add(started[new][0], Restart(new, started[new][1], change.commit, new))
            del started[new]
        if target is None:
            if status in "AC":  # a file starts here: what was kept aside at this path was its history
                aside.pop(new, None)
            else:
                aside.setdefault(new, []).append((len(authors), change))
            restarts.seen(status, new, change.commit, None)
            continue
        restarts.seen(status, new, change.commit, target)
        if status == "D" and target not in found:  # the file's newest change deletes it: a merge brought it back
            restarts.add(target, Restart(new, "", change.commit, new))
        found.setdefault(target, []).append((len(authors), change))
        if status == "A":
            started[new] = (target, change.commit)
        older = (through or {}).get((new, change.commit), new)
        if status in "AC" and (new, change.commit) not in (through or {}):
            del alias[new]  # the file starts here; older history at this path is another file's
        elif older != new:  # restored under another name: its history runs on at the name it had
            del alias[new]
            alias.setdefault(older, target)
        elif status == "R":
            del alias[new]
            alias[old] = target
            found[target] += aside.pop(old, [])
    changes = {path: [c for _, c in sorted(entries, key=lambda entry: entry[0])] for path, entries in found.items()}
    return changes, authors, restarts.found()


def _change(header: str, identities: IdentityMap) -> Change:
    fields = header.removeprefix("\x1e").removesuffix("\x1d").split("\n")
    sha, name, email, date = fields[:4]
    author = identities.canonical(name, email)
    org = identities.org_for(name, email)
    orgs = [org] if org else []
    unmapped: list[Identity] = [] if org or identities.is_bot(author) else [author]
    for text in fields[4:]:
        person = parse_person(text)
        if person is None:
            continue
        co_org = identities.org_for(person.name, person.email)
        co_author = identities.canonical(person.name, person.email)
        if co_org is None:
            unmapped += [] if identities.is_bot(co_author) else [co_author]
        elif co_org not in orgs:
            orgs.append(co_org)
    return Change(sha, datetime.fromisoformat(date), author, org, tuple(orgs), tuple(unmapped))


# -- blame ------------------------------------------------------------------------------------------------------------

def _commit_graph(git: Git, git_dir: Path, objects: Path, commit: str) -> dict[str, str] | None:
    """Environment under which git finds a commit-graph with changed-path Bloom filters for `commit`'s history.

    Blame walks the whole history of each file; the filters let it skip commits that did not touch the file (about
    3 times faster on the benchmark). The graph is written to a private object directory in the cache, which lists
    the repository's objects as an alternate: the repository's own object store is never written to.
    """
    env = {"GIT_OBJECT_DIRECTORY": str(objects), "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(git_dir / "objects")}
    try:
        (objects / "info").mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    written = git.run("commit-graph", "write", "--stdin-commits", "--changed-paths", env=env, stdin=commit.encode())
    return env if written is not None else None


def _credit_lines(
    section: SectionHistory, blamed: Blamed | None, authors: dict[str, Identity], identities: IdentityMap
) -> None:
    for sha, (count, name, email) in sorted((blamed or {}).items()):
        author = authors.get(sha) or identities.canonical(name, email)
        org = identities.org_for(author.name, author.email)
        section.lines += count
        if org is None:
            section.unmapped_lines += count
            if not identities.is_bot(author):
                section.unmapped.add(author)
        else:
            section.lines_by_org[org] = section.lines_by_org.get(org, 0) + count
    for change in section.changes:
        section.unmapped.update(change.unmapped)


def _unmapped_warning(section: SectionHistory) -> list[Diagnostic]:
    if not section.unmapped:
        return []
    names = ", ".join(str(identity) for identity in sorted(section.unmapped))
    message = f"commits by identities that map to no member organisation: {names}"
    hint = ("add the e-mail or its domain to an organisation in contributors.yaml, or map it in .mailmap; a tool's "
            "e-mail (a CI job's) goes under bots:")
    return [warning(section.path, 1, 1, "COE203", message, hint)]
