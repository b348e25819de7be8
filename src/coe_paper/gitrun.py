"""Running git: the one place coe-paper starts it. Every command runs in the project's directory (`git -C ROOT`),
without a shell; callers get its output, or None when git is missing or the command fails, or the finished process
when they need git's own message.

Nothing git runs may wait for someone: no prompt for a password (a partial clone fetching a missing file from a
remote that asks for one), no file-system monitor (`core.fsmonitor`, a command git runs on every `git status`), and a
reading command that has not answered within `limits.LIMITS.git_seconds` is stopped and counts as failed, its message
saying so. Commits are not timed: a hook or a key's passphrase may rightly take the committer's time."""

from __future__ import annotations

import os
import stat
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import limits
from .filekinds import kind

#: Settings of the user's that would change what the reading commands write: a signed commit's check written before
#: it, the first commit's files left out, another encoding, names quoted.
READ_CONFIG = ("-c", "log.showSignature=false", "-c", "log.showRoot=true", "-c", "i18n.logOutputEncoding=UTF-8",
               "-c", "core.quotePath=false")

#: Settings every command runs with: no file-system monitor, whose hook (any command the repository's configuration
#: names) git would start and wait for in `git status`, which `validate` runs.
_ALWAYS = ("-c", "core.fsmonitor=false")

#: No prompt for a remote's password, on the terminal or through an askpass program (`core.askPass`, which an empty
#: GIT_ASKPASS overrides) or a credential manager's window: git fails at once instead of waiting.
_NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "GCM_INTERACTIVE": "never"}


#: Variables that name a path git would read relative to the folder it runs in, which `-C ROOT` changes: git sets
#: some of them itself (`GIT_DIR=.git` in `git rebase --exec`, a hook's `GIT_INDEX_FILE`), relative to where
#: coe-paper was started.
_PATHS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment git runs with: ours, each relative path variable made absolute (from where coe-paper was
    started), no prompt, and `extra`."""
    absolute = {name: os.path.abspath(value) for name in _PATHS
                if (value := os.environ.get(name)) and not os.path.isabs(value)}
    return {**os.environ, **absolute, **_NO_PROMPT, **(extra or {})}


#: The exit status of a command stopped at the time limit.
STOPPED = -1

#: The commands that read the work tree's `.mailmap` (git maps authors through it), and so would wait for ever on a
#: named pipe in its place.
_MAPPING = frozenset({"log", "blame", "shortlog", "show", "check-mailmap"})


def mailmap_problem(root: Path) -> str | None:
    """Why git cannot read the `.mailmap` at the top of the work tree holding `root`: a named pipe (opening it waits
    for a writer), a device, a socket or a folder in its place; None when it is a file or absent."""
    found = _mailmap(root)
    return found[1] if found is not None else None


def _mailmap(root: Path) -> tuple[Path, str] | None:
    for directory in (root.absolute(), *root.absolute().parents):
        if os.path.lexists(directory / ".git"):
            try:
                mode = os.stat(directory / ".mailmap").st_mode
            except (OSError, ValueError):  # none, or a link that leads nowhere: git reads none either
                return None
            if stat.S_ISREG(mode):
                return None
            mailmap = directory / ".mailmap"
            return mailmap, f"{mailmap} is {kind(mode)}, not a file: git would wait on it when it maps authors"
    return None


#: The files git reads of the work tree's folders for itself (attributes, ignore rules), in every folder from its top
#: down to the paper's: a named pipe among them makes any command that looks at the paper's files wait for ever.
_FOLDER_FILES = (".gitattributes", ".gitignore")
_PAPER_FOLDERS = ("paper", "sections", "paper/images", "paper/templates")


def work_tree_problem(root: Path) -> tuple[Path, str] | None:
    """The first `.gitattributes` or `.gitignore` git would read in the work tree holding `root` (in a folder from
    its top down to the project's, or in the paper's folders) that is a named pipe, a device or a socket, and why
    git cannot run with it: None when there is none."""
    folders: list[Path] = []
    for directory in (root.absolute(), *root.absolute().parents):
        folders.insert(0, directory)
        if os.path.lexists(directory / ".git"):
            break
    else:
        return None  # no work tree: git reads nothing of it
    for folder in (*folders, *(root.absolute() / name for name in _PAPER_FOLDERS)):
        for name in _FOLDER_FILES:
            try:
                mode = os.stat(folder / name).st_mode
            except (OSError, ValueError):  # none, or a link that leads nowhere: git reads none either
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a folder git passes over
                return folder / name, f"{folder / name} is {kind(mode)}, not a file: git would wait on it"
    return None


def waits_on(root: Path) -> tuple[Path, str] | None:
    """The file of the work tree holding `root` that git would wait on, the `.mailmap` or one that
    `work_tree_problem` finds, and why; None when there is none."""
    return work_tree_problem(root) or _mailmap(root)


def blocked(root: Path, args: Sequence[str]) -> str | None:
    """Why git command `args` would wait for ever in the work tree holding `root` (see `mailmap_problem` and
    `work_tree_problem`), or None."""
    mapping = mailmap_problem(root) if args and args[0] in _MAPPING else None
    found = work_tree_problem(root)
    return mapping or (found[1] if found is not None else None)


def _command(root: Path, args: Sequence[str], config: Sequence[str]) -> list[str]:
    return ["git", *_ALWAYS, *config, "-C", str(root), *args]


def _silence(args: Sequence[str]) -> bytes:
    """The message of a command stopped at the time limit, in place of git's own."""
    seconds = limits.LIMITS.git_seconds
    return f"git {args[0] if args else ''} did not answer within {seconds:g} second{'s' * (seconds != 1)}".encode()


def run(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None,
        config: Sequence[str] = (), timed: bool = True) -> subprocess.CompletedProcess[bytes]:
    """`git [CONFIG] -C ROOT ARGS`, finished (or stopped at the time limit, `timed`: then failed, saying so on its
    error output); OSError when git cannot be started. `env` is added to ours."""
    command = _command(root, args, config)
    if problem := blocked(root, args):
        return subprocess.CompletedProcess(command, STOPPED, b"", problem.encode())
    try:
        return subprocess.run(command, input=stdin, env=_environment(env), capture_output=True, check=False,
                              stdin=None if stdin is not None else subprocess.DEVNULL,
                              timeout=limits.LIMITS.git_seconds if timed else None)
    except subprocess.TimeoutExpired:  # git is killed by then
        return subprocess.CompletedProcess(command, STOPPED, b"", _silence(args))


def output(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None,
           config: Sequence[str] = ()) -> bytes | None:
    """What the command wrote, or None when it failed or git is missing."""
    try:
        proc = run(root, *args, stdin=stdin, env=env, config=config)
    except OSError:
        return None
    return proc.stdout if proc.returncode == 0 else None


def text(root: Path, *args: str) -> str | None:
    """What the command wrote, as text without its surrounding blanks, or None when it failed or git is missing."""
    found = output(root, *args)
    return found.decode("utf-8", "replace").strip() if found is not None else None


Started = list["subprocess.Popen[bytes] | None"]


def start(root: Path, commands: Sequence[Sequence[str]], config: Sequence[str] = ()) -> Started:
    """Start each command (no thread: git runs while the caller goes on); `outputs` or `answers` collects what
    they wrote."""
    started: Started = []
    unmapped, runs = mailmap_problem(root) is None, work_tree_problem(root) is None
    for args in commands:
        if (args and args[0] in _MAPPING and not unmapped) or not runs:
            started.append(None)
            continue
        try:
            started.append(subprocess.Popen(_command(root, args, config), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_environment()))
        except OSError:
            started.append(None)
    return started


def outputs(started: Started) -> list[bytes | None]:
    """What each started command wrote, in order (None for one that failed, never started or did not answer within
    the time limit, counted from this call: they ran side by side)."""
    found: list[bytes | None] = []
    deadline = time.monotonic() + limits.LIMITS.git_seconds
    for proc in started:
        if proc is None:
            found.append(None)
            continue
        out = within(proc, max(deadline - time.monotonic(), 0.0))
        found.append(out if out is not None and proc.returncode == 0 else None)
    return found


def within(proc: subprocess.Popen[bytes], seconds: float) -> bytes | None:
    """What a started command wrote, whatever its exit code; None when it did not finish within `seconds`: it is then
    stopped, and its output not read to its end (a process git started may hold the pipe open)."""
    try:
        return proc.communicate(timeout=seconds)[0]
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        return None


def answers(started: Started) -> list[str | None]:
    """`text` of each started command, in order (None for one that failed or never started)."""
    return [out.decode("utf-8", "replace").strip() if out is not None else None for out in outputs(started)]


def commit_problem(root: Path) -> str | None:
    """Why git could not commit in `root` (no repository; no identity for the committer; a merge, rebase,
    cherry-pick or revert under way), asked before a command that commits writes anything; None when it could."""
    if text(root, "rev-parse", "--is-inside-work-tree") != "true":
        return f"{root} is not in a git repository; run `git init` there, or leave out --commit"
    if output(root, "var", "GIT_COMMITTER_IDENT") is None:
        return "git does not know who you are, the committer; set `git config user.name` and `git config user.email`"
    return _under_way(root)


#: What git leaves in its folder while an operation waits for the user, during which it refuses a commit of chosen
#: files ("cannot do a partial commit during a merge"), or would put one in the middle of it.
_UNDER_WAY = (("MERGE_HEAD", "a merge", "git commit, or git merge --abort"),
              ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue or --abort"),
              ("REVERT_HEAD", "a revert", "git revert --continue or --abort"),
              ("rebase-merge", "a rebase", "git rebase --continue or --abort"),
              ("rebase-apply", "a rebase or git am", "git rebase --continue or --abort"))


def _under_way(root: Path) -> str | None:
    """The operation under way in the repository at `root` that a commit must wait for, as a sentence; or None."""
    found = text(root, "rev-parse", *(arg for name, _, _ in _UNDER_WAY for arg in ("--git-path", name)))
    for (_, what, finish), path in zip(_UNDER_WAY, (found or "").splitlines(), strict=False):
        if (root / path).exists():
            return f"{what} is under way in the repository; finish it first ({finish}), or leave out --commit"
    return None
