"""Running git: the one place coe-paper starts it. Every command runs in the project's directory (`git -C ROOT`),
without a shell; callers get its output, or None when git is missing or the command fails, or the finished process
when they need git's own message."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run(root: Path, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None,
        config: Sequence[str] = ()) -> subprocess.CompletedProcess[bytes]:  # fmt: skip
    """`git [CONFIG] -C ROOT ARGS`, finished; OSError when git cannot be started. `env` is added to ours."""
    command = ["git", *config, "-C", str(root), *args]
    full_env = {**os.environ, **env} if env else None
    return subprocess.run(command, input=stdin, env=full_env, capture_output=True, check=False)


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


def start(root: Path, commands: Sequence[Sequence[str]]) -> Started:
    """Start each command (no thread: git runs while the caller goes on); `answers` collects what they wrote."""
    started: Started = []
    for args in commands:
        try:
            started.append(subprocess.Popen(["git", "-C", str(root), *args], stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL))  # fmt: skip
        except OSError:
            started.append(None)
    return started


def answers(started: Started) -> list[str | None]:
    """`text` of each started command, in order (None for one that failed or never started)."""
    answers: list[str | None] = []
    for proc in started:
        if proc is None:
            answers.append(None)
            continue
        out, _ = proc.communicate()
        answers.append(out.decode("utf-8", "replace").strip() if proc.returncode == 0 else None)
    return answers
