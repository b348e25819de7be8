"""Running git: the one place coe-paper starts it. Every command runs in the project's directory (`git -C ROOT`),
without a shell; callers get its output, or None when git is missing or the command fails, or the finished process
when they need git's own message."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

#: Settings of the user's that would change what the reading commands write: a signed commit's check written before
#: it, the first commit's files left out, another encoding, names quoted.
READ_CONFIG = ("-c", "log.showSignature=false", "-c", "log.showRoot=true", "-c", "i18n.logOutputEncoding=UTF-8",
               "-c", "core.quotePath=false")  # fmt: skip


#: Variables that name a path git would read relative to the folder it runs in, which `-C ROOT` changes: git sets
#: some of them itself (`GIT_DIR=.git` in `git rebase --exec`, a hook's `GIT_INDEX_FILE`), relative to where
#: coe-paper was started.
_PATHS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """The environment git runs with: ours, each relative path variable made absolute (from where coe-paper was
    started), and `extra`; None when that is ours unchanged."""
    absolute = {name: os.path.abspath(value) for name in _PATHS
                if (value := os.environ.get(name)) and not os.path.isabs(value)}  # fmt: skip
    return {**os.environ, **absolute, **(extra or {})} if absolute or extra else None


def run(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None,
        config: Sequence[str] = ()) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """`git [CONFIG] -C ROOT ARGS`, finished; OSError when git cannot be started. `env` is added to ours."""
    command = ["git", *config, "-C", str(root), *args]
    return subprocess.run(command, input=stdin, env=_environment(env), capture_output=True, check=False)


def output(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None,
           config: Sequence[str] = ()) -> bytes | None:  # fmt: skip
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
    for args in commands:
        try:
            started.append(subprocess.Popen(["git", *config, "-C", str(root), *args], stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, env=_environment()))  # fmt: skip
        except OSError:
            started.append(None)
    return started


def outputs(started: Started) -> list[bytes | None]:
    """What each started command wrote, in order (None for one that failed or never started)."""
    found: list[bytes | None] = []
    for proc in started:
        if proc is None:
            found.append(None)
            continue
        out, _ = proc.communicate()
        found.append(out if proc.returncode == 0 else None)
    return found


def answers(started: Started) -> list[str | None]:
    """`text` of each started command, in order (None for one that failed or never started)."""
    return [out.decode("utf-8", "replace").strip() if out is not None else None for out in outputs(started)]


def commit_problem(root: Path) -> str | None:
    """Why git could not commit in `root` (no repository; no identity for the committer), asked before a command
    that commits writes anything; None when it could."""
    if text(root, "rev-parse", "--is-inside-work-tree") != "true":
        return f"{root} is not in a git repository; run `git init` there, or leave out --commit"
    if output(root, "var", "GIT_COMMITTER_IDENT") is None:
        return "git does not know who you are, the committer; set `git config user.name` and `git config user.email`"
    return None
