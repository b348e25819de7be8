"""Where a document may be written, and writing it so that no half-written or stray file is ever left.

The output named in paper.yaml must stay inside the project once every symbolic link is resolved (a `build/`
committed as a link to another folder would otherwise receive the paper: COE005). An output given with `-o` may be
anywhere the user chooses, but one written inside the project as a path is held to the same rule. No output may
overwrite the paper's own files (paper/, sections/, contributors.yaml, .mailmap, the template .docx and templates:
COE007). A temporary file is named after the process that writes it; one left by a process that no longer runs
(killed between writing and renaming) is removed by the next write to the same place.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .diagnostics import Diagnostic, error
from .filekinds import in_the_way, kind
from .gitlog import PAPER_PATHS
from .model import PaperConfig
from .project import CONFIG_PATH
from .sources import SourceError, normalise

TEMP_STEM = 200  # bytes of an output's name that its temporary files carry: 255 less `.`, `.PID.xxxxxxxx.tmp`, a margin
STALE_AFTER = 3600.0  # seconds after which a temporary file whose writer cannot be identified is left-over


def resolved(path: Path) -> Path | None:
    """`path` resolved, or None when a symbolic link on it leads round in a loop (RuntimeError before Python 3.13,
    OSError after)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def leaves_through_link(written: Path, root: Path, final: Path | None = None) -> bool:
    """Whether the path, followed one name at a time, enters the project and is then led out of it by a link.
    `final`: where the whole path resolves, when the caller has resolved it already."""
    entered = False
    current = Path(written.anchor)
    last = len(written.parts) - 1
    for index, part in enumerate(written.parts[1:], 1):
        current = current / part
        if _inside(final if final is not None and index == last else current.resolve(), root):
            entered = True
        elif entered:
            return True
    return False


def paper_files(root: Path, config: PaperConfig) -> list[Path]:
    """The resolved paths a build reads from (and so may never write to)."""
    paths = [root / name for name in PAPER_PATHS]
    for name in (config.template, config.templates):
        try:
            paths.append(root / normalise(name))
        except SourceError:  # outside the project: COE005 already
            continue
    return [found for path in paths if (found := resolved(path)) is not None]  # a link loop: reading it is the error


def names_folder(value: str, path: Path) -> bool:
    """Whether the output `value`, as written, names a folder: its name ends in one ('out/', 'out/.', '' for the
    current folder), or a folder (or a link to one) is at `path`, where it is written. A name too long, a loop of
    links: the command says so when it writes there."""
    if value.replace(os.sep, "/").rsplit("/", 1)[-1] in ("", ".", ".."):
        return True
    try:
        return path.is_dir()
    except OSError:
        return False


def shown(name: str) -> str:
    """`name` as a diagnostic prints it: a control character, line break or invisible format character escaped as
    Python writes it (`a\\nb`), so that a line break in a name does not split the diagnostic's line."""
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in name)


def forbidden_name(target: Path) -> tuple[str, str, str] | None:
    """The code, reason and hint why nothing may be written at `target`, wherever it is: a control character or line
    break in its name (a new line in a file's name split every listing of it and every line naming it, the build's
    own report too), or a `.git` folder on its way as written or once resolved (git's own files: `-o .git/hooks/x`
    wrote the paper into a hook's place)."""
    return _forbidden(target, resolved(target))


def _forbidden(target: Path, final: Path | None) -> tuple[str, str, str] | None:
    """`forbidden_name` of `target`, which resolves to `final` (None: a link loop)."""
    text = str(target)
    if any(unicodedata.category(char) == "Cc" or char in "\u2028\u2029" for char in text):
        return "COE006", "has a control character or line break in its name", "give a name of one line"
    for parts in (target.parts, final.parts if final is not None else ()):
        if any(part.casefold() == ".git" for part in parts):
            return "COE007", "is inside a .git folder, git's own files", "write it elsewhere, e.g. to build/"
    return None


def output_problems(root: Path, target: Path, config: PaperConfig, explicit: bool, label: str = "",
                    suffix: str = "") -> list[Diagnostic]:
    """COE005 an output inside the project as written that resolves outside it (always, for paper.yaml's own
    output); COE007 an output that is, or lies inside, one of the paper's own files or a `.git` folder; COE006 a
    name with a control character or line break in it; COE006 a document whose name ends in another suffix than
    `suffix`, or in none (`paper.pdf` or `Makefile` for a .docx: Word would not open it). `label` names the output
    in the message (default: `-o TARGET`, or paper.yaml's `output:`). Problems of paper.yaml's output are at line 0
    of paper.yaml: its caller knows the line (checks.config_paths)."""
    root = root.resolve()
    written = Path(os.path.normpath(target if target.is_absolute() else Path.cwd() / target))  # `..` as written
    path, line, col = (shown(str(target)) if explicit else CONFIG_PATH), 0, 0
    label = label or (f"-o {shown(str(target))}" if explicit else f"output: '{shown(config.output)}'")
    final = resolved(written)  # once: each check below asks where it leads
    forbidden = _forbidden(written, final)
    if forbidden is not None:
        code, why, hint = forbidden
        return [error(path, line, col, code, f"{label} {why}", hint)]
    if final is None:
        return [error(path, line, col, "COE006", f"{label} cannot be written: a symbolic link loop")]
    if leaves_through_link(written, root, final):
        return [error(path, line, col, "COE005", f"{label} leads outside the project through a symbolic link "
                      f"(to {final})", "write it inside the project, e.g. to build/")]
    for own in paper_files(root, config):
        if _inside(final, own):
            name = own.relative_to(root) if _inside(own, root) else own
            return [error(path, line, col, "COE007", f"{label} would overwrite the paper's own files ({name})",
                          "write it elsewhere, e.g. to build/")]
    if suffix and target.suffix.lower() != suffix:  # none too: `-o Makefile` wrote the document over the Makefile
        return [error(path, line, col, "COE006", f"{label} is not a {suffix} name: the document is written as "
                      f"{suffix}, which Word opens by its name", f"name it {target.stem}{suffix}"
                      + (" (--pdf writes the PDF beside it)" if target.suffix.lower() == ".pdf" else ""))]
    return []


def _writer_gone(candidate: Path, name: str) -> bool:
    """Whether the process that made temporary file `candidate` (`.NAME.PID.xxxx.tmp`) no longer runs."""
    pid = candidate.name[len(name) + 2 :].split(".", 1)[0]
    try:
        if not pid.isdigit() or sys.platform == "win32":  # no writer known (or no safe way to ask): go by age
            return time.time() - candidate.stat().st_mtime > STALE_AFTER
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: it runs, as another user; or the file went away meanwhile
        return False
    return int(pid) != os.getpid() and time.time() - candidate.stat().st_mtime > STALE_AFTER * 24


def _temp_stem(path: Path) -> str:
    """The part of `path`'s name its temporary files carry (`.STEM.PID.xxxxxxxx.tmp`): the whole name, or its first
    TEMP_STEM bytes (whole characters) when longer, so that the temporary name stays within the file system's 255
    bytes whenever the name itself does."""
    stem = path.name
    while len(os.fsencode(stem)) > TEMP_STEM:
        stem = stem[:-1]
    return stem


def remove_stale(path: Path) -> None:
    """Remove temporary files of `path` left by writers that were killed before they could rename them."""
    remove_stale_of(path.parent, [path.name])


def remove_stale_of(folder: Path, names: Iterable[str]) -> None:
    """`remove_stale` for each of the files `names` in `folder`, the folder read once: for a draft's thousand
    pictures, reading it again for each was quadratic (a second of a six-second import). Then write them with
    `write_atomic(..., swept=True)`."""
    stems = {_temp_stem(folder / name) for name in names}
    try:
        entries = [entry.name for entry in os.scandir(folder)]
    except OSError:  # no folder yet (nothing left in it), or none to read: each write makes or refuses it
        return
    for entry in entries:
        if not (entry.startswith(".") and entry.endswith(".tmp")):
            continue
        body = entry[1:-4]  # STEM.PID.xxxxxxxx, the stem perhaps with dots of its own
        stem = next((body[:dot] for dot, char in enumerate(body) if char == "." and body[:dot] in stems), None)
        if stem is not None and _writer_gone(folder / entry, stem):
            (folder / entry).unlink(missing_ok=True)


def _create_temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside `path` (`.STEM.PID.xxxxxxxx.tmp`), made as any new file is, with the umask (and a
    folder's default ACL) applied; tempfile's are 0600 whatever the umask."""
    for _ in range(100):
        tmp = str(path.parent / f".{_temp_stem(path)}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, "no free name for a temporary file", str(path.parent))


def write_atomic(path: Path, data: bytes, mode: int | None = None, swept: bool = False) -> None:
    """Write to a temporary file beside `path`, then rename over it: never a half-written file. Its permissions:
    `mode`, else those of the file it replaces, else a new file's (0666 less the umask: a document built under umask
    077 is its owner's alone). A device, pipe or socket at `path` is refused: the rename would put a file in its
    place (`-o /dev/null` run as root replaced the device); and so is a path with something other than a folder on
    its way, which the error names (filekinds.in_the_way: making the folders said "File exists"). `swept`:
    `remove_stale_of` has just removed its stale temporary files."""
    write_all_atomic([(path, data)], mode, swept)


def holds(path: Path, data: bytes) -> bool:
    """Whether `path` is a file (not a link) of exactly the bytes `data`: writing them again would change nothing but
    its modification time, which tells what was made from it since (the PDF of `assemble --pdf`)."""
    try:
        found = path.lstat()
        if not stat.S_ISREG(found.st_mode) or found.st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_all_atomic(writes: list[tuple[Path, bytes]], mode: int | None = None, swept: bool = False) -> None:
    """Write several files as `write_atomic` writes one, each whole before any is renamed into place: on a full
    disk none changes (a review applied to some sections and not to others). An OSError names the file."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in writes:
            try:
                staged.append((_stage(path, data, mode, swept), path))
            except OSError as exc:
                if exc.filename is not None:
                    raise
                raise OSError(exc.errno, exc.strerror, str(path)) from None
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def _stage(path: Path, data: bytes, mode: int | None, swept: bool) -> str:
    """`data` in a new temporary file beside `path`, with the permissions `path` is to have; its name."""
    try:
        info = os.lstat(path)
        found, kept = info.st_mode, stat.S_IMODE(info.st_mode) if stat.S_ISREG(info.st_mode) else None
    except (FileNotFoundError, NotADirectoryError):
        blocked = None if path.parent.is_dir() else in_the_way(path, "a file")  # mkdir: "File exists"
        if blocked is not None:
            raise OSError(errno.ENOTDIR, blocked, str(path)) from None
        found, kept = stat.S_IFREG, None
    if stat.S_ISDIR(found):  # `-o ''` is the current folder, whose rename failed as "Device or resource busy"
        raise OSError(errno.EISDIR, "it is a folder: name the file to write", str(path))
    if not (stat.S_ISREG(found) or stat.S_ISLNK(found)):
        raise OSError(errno.EEXIST, f"it is {kind(found)}, not a file", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not swept:
        remove_stale(path)
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        chosen = mode if mode is not None else kept
        if chosen is not None:
            os.chmod(tmp, chosen)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp
