"""Whether `assemble` would write the document it wrote last time: when nothing the build depends on has changed,
it says the document is up to date instead of building it again (as make does).

After a build from the work tree, a record in the section cache (`uptodate/`, one entry for each output and
layout choice) keeps a fingerprint of what the document came from, and the document's SHA-256:
- every file under the paper's paths (paper/, sections/, contributors.yaml, .mailmap), by SHA-256: git's check for
  uncommitted changes looks at all of them, so a new file there changes the version stamp even unread (a file
  whose identity, size and times are as they were is not read again: `_Digests`);
- every other question the build asked of the work tree, with a digest of its answer (sources.JournaledTree);
- git's state: HEAD, every ref (a new tag changes `git describe`), loose, packed or in a reftable, the index's
  entries, the repository's shallow, ignore and attributes files, and the project's .gitignore and .gitattributes;
- the GIT_ variables of the environment; git's configuration as git reads it (the system's, the user's and the
  repository's, included files too), and the ignore, attributes, mailmap and blame files it names or reads by
  default (a pattern removed from the user's ignore file makes an untracked file an uncommitted change);
- coe-paper's own code (store.code_stamp), Python's version, the libraries the build loaded (by their files' sizes
  and times, and where an import finds them now), SOURCE_DATE_EPOCH and the spelling dictionary's files;
with the build's diagnostics and counts, which an up-to-date run reports again. `check` makes the fingerprint
again: anything different, missing or unreadable, and the build runs. The fingerprint is taken before the build,
so a file changed while it ran makes the next run build again. The output path as the build wrote it must still
lead where it led (a build folder moved away and linked to would now be refused). Outside git, or in a linked
worktree, there is no record and every run builds.

Only stdlib modules and coe-paper's light ones are imported: an up-to-date run loads none of the build.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import stat
import struct
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import gitrun, limits
from .diagnostics import Diagnostic
from .gitlog import PAPER_PATHS
from .sources import SourceError, WorkTree, ask_again, normalise
from .store import Store, code_stamp

KIND = "uptodate"
HASH_LIMIT = 64 * 1024 * 1024  # a larger file (over every limit a build reads with) is known by its size and times
_GIT_FILES = ("HEAD", "packed-refs", "shallow", "info/exclude", "info/attributes", "info/grafts")  # config: below
_CONFIG_PATHS = ("core.excludesfile", "core.attributesfile", "mailmap.file", "blame.ignorerevsfile")
_PROJECT_FILES = (".gitignore", ".gitattributes")


@dataclass(frozen=True)
class Seen:
    """What the last build of these options wrote and said."""

    output: Path
    diagnostics: list[Diagnostic]
    sections: int
    words: int
    version: str


def fingerprint(root: Path) -> dict[str, str] | None:
    """Digests of everything a build depends on but the questions it asks the work tree; None without a
    repository directory of the project's own (`root/.git`)."""
    git = root / ".git"
    if not git.is_dir():
        return None
    listing = _config_listing(root)  # git reads its configuration while the files are hashed
    store = Store(root, KIND, "")
    digests = _Digests(store.get(store.key(_DIGESTS)))
    found = {"code": _sha(code_stamp().encode()), "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", ""),
             "python": sys.version, "zlib": zlib.ZLIB_RUNTIME_VERSION}  # the system's zlib deflates the package
    found.update({f"env:{name}": value for name, value in os.environ.items() if name.startswith("GIT_")})
    for name in PAPER_PATHS:
        _walk(root, name, found, digests.of)
    for name in _PROJECT_FILES:
        found[f"project:{name}"] = _file(root / name)
    for name in _GIT_FILES:
        found[f"git:{name}"] = _file(git / name)
    settings = listing()
    if settings is None:  # git did not answer: what it reads is not known, and there is no record to trust
        return None
    _git_settings(root, settings, found)
    for name in ("refs", "reftable"):  # loose refs, or the reftable format's files
        for directory, _, files in sorted(os.walk(git / name)):
            for file in sorted(files):
                path = Path(directory) / file
                found[f"git:{path.relative_to(git).as_posix()}"] = _file(path)
    found["git:index"] = index_entries(git / "index")
    for name in sorted(os.listdir(git)):
        if name.startswith("sharedindex."):  # core.splitIndex: most entries are in the shared part
            found[f"git:{name}"] = _file(git / name)
    if digests.now != digests.known:
        store.put(store.key(_DIGESTS), digests.now)
    return found


_DIGESTS = "the paper's files' digests"  # the entry of `_Digests.now`, kept for the next fingerprint
SETTLED_NS = 3_000_000_000  # a file's digest is kept when it last changed longer ago than this (see _Digests)


class _Digests:
    """The SHA-256 of each of the paper's files, taken from the last fingerprint's when the file's device, inode,
    size and times are those it had then, as git's index knows a file unchanged without reading it. A change to a
    file sets its status-change time (ctime), which no program can set back; a digest is kept only for a file
    that last changed SETTLED_NS before it was taken (ctime has a clock tick's precision: a change in the same
    tick as the one seen would leave the times as they were)."""

    def __init__(self, known: Any) -> None:
        self.known: dict[str, list[Any]] = known if isinstance(known, dict) else {}
        self.now: dict[str, list[Any]] = {}
        self.settled = time.time_ns() - SETTLED_NS

    def of(self, path: Path) -> str:
        try:
            info = os.lstat(path)
        except OSError:
            return _file(path)
        if not stat.S_ISREG(info.st_mode):  # a link, a folder, a pipe: as `_file` says, every time
            return _file(path)
        stamp = [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]
        known = self.known.get(str(path))
        if isinstance(known, list) and len(known) == 6 and known[:5] == stamp and isinstance(known[5], str):
            digest = known[5]
        else:
            digest = _file(path)
        if max(info.st_mtime_ns, info.st_ctime_ns) < self.settled and len(digest) == 64:  # a SHA-256, not a state
            self.now[str(path)] = [*stamp, digest]
        return digest


def index_entries(path: Path) -> str:
    """A digest of git's index as `git status` compares it: each entry's path, mode, blob and flags, without the
    file times and sizes git caches there (which `git status` itself rewrites). The whole file's digest when its
    format is not one this reads (versions 2 to 4)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "-"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    digest = hashlib.sha256()
    try:
        signature, version, count = struct.unpack_from(">4sII", data, 0)
        if signature != b"DIRC" or version not in (2, 3, 4):
            raise ValueError(version)
        offset, name = 12, b""
        for _ in range(count):
            mode, blob, flags = struct.unpack_from(">24xI12x20sH", data, offset)
            start = offset + 62
            extended = b""
            if flags & 0x4000 and version >= 3:
                extended, start = data[start : start + 2], start + 2
            if version == 4:  # the name is the previous one, less some bytes, plus a NUL-ended suffix
                strip, used = _varint(data, start)
                end = data.index(b"\0", start + used)
                name = (name[: len(name) - strip] if strip else name) + data[start + used : end]
                offset = end + 1
            else:
                end = data.index(b"\0", start)
                name = data[start:end]
                offset += (start - offset + len(name) + 8) // 8 * 8  # NUL-padded to a multiple of 8 bytes
            digest.update(struct.pack(">I20sH", mode, blob, flags) + extended + name + b"\0")
    except (struct.error, ValueError):
        return "file " + _sha(data)
    return digest.hexdigest()


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """git's offset encoding of a number (index version 4): the number and how many bytes it took."""
    value, used = data[at] & 0x7F, 1
    while data[at + used - 1] & 0x80:
        value = ((value + 1) << 7) | (data[at + used] & 0x7F)
        used += 1
    return value, used


def _config_listing(root: Path) -> Callable[[], bytes | None]:
    """`git config --list --show-origin -z`, started now: what it wrote, when asked (or that git could not run);
    None when it did not answer within git's time limit (the process is stopped)."""
    [process] = gitrun.start(root, [["config", "--list", "--show-origin", "-z"]])
    if process is None:
        return lambda: b"no git"
    return lambda: gitrun.within(process, limits.LIMITS.git_seconds)


def _git_settings(root: Path, listing: bytes, found: dict[str, str]) -> None:
    """git's configuration as git itself reads it (`listing`: the system's, the user's and the repository's files,
    those they include, and GIT_CONFIG_ settings), and the files it names that change what `git status`, `git log`
    and `git blame` report, or their defaults: ignore and attributes files, a mailmap file, blame's ignored
    revisions."""
    found["git config:listing"] = _sha(listing)
    home = _expand(Path(os.environ.get("HOME") or "~"))
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    paths = {"default ignore": xdg / "git" / "ignore", "default attributes": xdg / "git" / "attributes",
             "system attributes": Path("/etc/gitattributes")}
    tokens = listing.split(b"\0")
    for setting in tokens[1::2]:
        key, _, value = setting.decode("utf-8", "surrogateescape").partition("\n")
        if key in _CONFIG_PATHS and value:
            paths[f"{key} {value}"] = root / _expand(Path(value))
    for name, path in paths.items():
        found[f"git file:{name}"] = _file(path)


def _expand(path: Path) -> Path:
    """`path` with `~` or `~user` expanded, or as it is when that home cannot be found (no such user; no HOME and no
    entry in the user database): git then fails to read the file, and so is it recorded."""
    try:
        return path.expanduser()
    except RuntimeError:
        return path


def libraries(found: dict[str, str]) -> dict[str, str]:
    """The libraries `modules` found, by the size and time of each one's first file (an upgrade replaces it)."""
    return {where: _stamp(where) for where in found.values()}


def modules() -> dict[str, str]:
    """Where each library the build loaded was found: another copy found first on the path (PYTHONPATH, a user
    install) would be imported instead."""
    found = {}
    for name, module in sorted(sys.modules.items()):
        if "." in name or name.startswith("__") or name in sys.stdlib_module_names or name == __package__:
            continue
        where = getattr(module, "__file__", None)
        if isinstance(where, str):
            found[name] = where
    return found


def _found_at(name: str) -> str | None:
    """Where an import of `name` would find it now (without importing it)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _stamp(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}"


def _walk(root: Path, name: str, found: dict[str, str], digest: Callable[[Path], str]) -> None:
    top = root / name
    if not top.is_dir() or top.is_symlink():
        found[f"file:{name}"] = digest(top)
        return
    for directory, dirs, files in os.walk(top):
        dirs.sort()
        here = Path(directory)
        for entry in sorted([*files, *(d for d in dirs if (here / d).is_symlink())]):
            path = here / entry
            found[f"file:{path.relative_to(root).as_posix()}"] = digest(path)


def _file(path: Path) -> str:
    """A regular file's SHA-256 (through a symbolic link, which is named too; past HASH_LIMIT, its size and times),
    '-' when missing, or what else it is (a directory, a pipe: opened without waiting, never read)."""
    try:
        link = f"link {os.readlink(path)} " if path.is_symlink() else ""
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return "-"
    except OSError as exc:
        return f"unreadable: {exc.strerror or exc}"
    info = os.fstat(handle)
    if not stat.S_ISREG(info.st_mode) or info.st_size > HASH_LIMIT:
        os.close(handle)
        if stat.S_ISREG(info.st_mode):
            return f"{link}large: {info.st_size} bytes, {info.st_mtime_ns}, {info.st_ctime_ns}"
        return f"{link}not a file ({stat.filemode(info.st_mode)})"
    with os.fdopen(handle, "rb") as file:
        try:
            return link + hashlib.file_digest(file, "sha256").hexdigest()
        except OSError as exc:
            return f"unreadable: {exc.strerror or exc}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _dictionary(path: str) -> str:
    """The spelling dictionary's files, by size and time (as rules/speller.py keys its cache); '' for none (a
    `checks.dictionary` that leads out of the project)."""
    return "" if not path else ";".join(_stamp(path + suffix) for suffix in (".aff", ".dic"))


def _entry(store: Store, output: Path | None, paginate: bool) -> str:
    return store.key(str(output.resolve()) if output is not None else "", str(paginate))


def check(root: Path, found: dict[str, str] | None, output: Path | None, paginate: bool) -> Seen | None:
    """What the last build with these options wrote and said, when `found` (the fingerprint now) and the work
    tree's answers are as they were, and the document is still there, unchanged; else None."""
    store = Store(root, KIND, "")
    try:
        record = holding(root, store, _entry(store, output, paginate), found)
        if record is None:
            return None
        target = Path(record["output"])
        if Path(record["written"]).resolve() != target or _file(target) != record["sha256"]:
            return None  # the document is not where the build would write it now (a folder became a link)
        diagnostics = [_diagnostic(d) for d in record["diagnostics"]]
        return Seen(target, diagnostics, int(record["sections"]), int(record["words"]), str(record["version"]))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
    except (OSError, RuntimeError):  # a link loop at the output's name (RuntimeError before Python 3.13): the
        return None  # build says what is wrong


def holding(root: Path, store: Store, key: str, found: dict[str, str] | None) -> dict[str, Any] | None:
    """The record under `key` when `found` (the fingerprint now), the spelling dictionary, the libraries and the work
    tree's answers are as they were when it was kept; else None. Raises what reading a damaged record raises."""
    if found is None:
        return None
    record = store.get(key)
    if not isinstance(record, dict) or record["fingerprint"] != found:
        return None
    if record["dictionary"][1] != _dictionary(record["dictionary"][0]):
        return None
    if any(_stamp(path) != stamp for path, stamp in record["libraries"].items()):
        return None
    if any(_found_at(name) != where for name, where in record["modules"].items()):
        return None
    tree = WorkTree(root)
    answers: dict[str, str] = record["answers"]
    if any(ask_again(tree, question) != answer for question, answer in answers.items()):
        return None
    return record


def _diagnostic(data: dict[str, Any]) -> Diagnostic:
    severity = data["severity"]
    if severity not in ("error", "warning"):
        raise ValueError(severity)
    return Diagnostic(str(data["path"]), int(data["line"]), int(data["column"]), str(data["code"]), severity,
                      str(data["message"]), str(data["hint"]))


def record(root: Path, found: dict[str, str] | None, output: Path | None, paginate: bool, seen: Seen,
           answers: dict[str, str], dictionary: str) -> None:
    """Keep what a build from the work tree wrote and said, with the fingerprint taken before it ran and the
    questions it asked but reading the files the fingerprint holds."""
    if found is None:
        return
    store = Store(root, KIND, "")
    store.put(_entry(store, output, paginate), {
        **kept(found, answers, dictionary),
        "output": str(seen.output.resolve()), "written": str(seen.output.absolute()), "sha256": _file(seen.output),
        "diagnostics": [d.as_dict() for d in seen.diagnostics], "sections": seen.sections, "words": seen.words,
        "version": seen.version,
    })


def kept(found: dict[str, str], answers: dict[str, str], dictionary: str) -> dict[str, Any]:
    """What every record keeps: the fingerprint, the answers it does not hold, the spelling dictionary's stamp and
    where each library the run loaded was found, with the stamps of their files."""
    loaded = modules()
    return {"fingerprint": found, "answers": {q: a for q, a in answers.items() if not _fingerprinted(json.loads(q),
            found)}, "dictionary": [dictionary, _dictionary(dictionary)], "libraries": libraries(loaded),
            "modules": loaded}


def _fingerprinted(question: list[Any], found: dict[str, str]) -> bool:
    """Whether the fingerprint holds the answer: reading a file, or asking whether it exists, where the fingerprint
    holds the file (its bytes, and where its link leads); a file under a linked directory is asked again, and so is
    a path out of the project (a check records its error, COE005)."""
    op, path, _ = question
    try:
        return op in ("read", "exists") and f"file:{normalise(path)}" in found
    except SourceError:
        return False
