"""What a paper's CI installs (`COE_PAPER` in the CI files `init` writes): by default the coe-paper that wrote them,
named so that pip on a fresh machine fetches that very one; and, for validate, a CI file whose requirement cannot be
installed as written (COE014).

pip records where it installed a package from (PEP 610, `direct_url.json`): a git repository at a commit, an
archive's address, or a folder on this machine. A coe-paper from a git repository is installed from there at its
commit; one installed from a clone (`scripts/paper.sh`, `pip install -e .`) from the clone's `origin` at the clone's
commit; one from a package index by its version. A folder with no remote is nothing CI can reach: its version is
written then, and `init` says that the package index may not have it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import __version__, gitrun
from .diagnostics import Diagnostic, warning
from .sources import Source, SourceError

NAME = "coe-paper"
#: The CI files `init` writes, each with the line that names what it installs.
CI_FILES = (".gitlab-ci.yml", ".github/workflows/paper.yml")
_SETTING = re.compile(r"^(\s*COE_PAPER:\s*)(.*?)\s*$", re.MULTILINE)
_SCP = re.compile(r"^[\w.-]+@([\w.-]+):(?!//)(.+)$")  # git@host:group/project, as git clones over ssh
_NAMED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(@\s*(\S+)|[<>=!~;]|$)")


@dataclass(frozen=True)
class Origin:
    """The pip requirement that installs the running coe-paper elsewhere; `local` names the folder it was installed
    from when CI cannot reach it (the requirement is then its version, which a package index may not have)."""

    requirement: str
    local: str = ""


def origin() -> Origin:
    """Where the running coe-paper came from, as a requirement CI can install."""
    from importlib import metadata  # here: `init` alone asks it (it loads the email package)

    try:
        found = metadata.distribution(NAME)
    except metadata.PackageNotFoundError:
        return Origin(f"{NAME}=={__version__}")
    return from_direct_url(found.read_text("direct_url.json"), found.version)


def from_direct_url(text: str | None, version: str) -> Origin:
    """The requirement for a coe-paper of `version` that pip installed as its `direct_url.json` (PEP 610) says."""
    pinned = Origin(f"{NAME}=={version}")
    try:
        record = json.loads(text) if text else None
    except ValueError:
        record = None
    if not isinstance(record, dict) or not isinstance(record.get("url"), str):
        return pinned  # from a package index: pip writes no record
    url: str = _public(record["url"])
    vcs = record.get("vcs_info")
    if isinstance(vcs, dict) and not url.startswith("file:"):
        commit = vcs.get("commit_id") or vcs.get("requested_revision")
        return Origin(f"{NAME} @ {vcs.get('vcs', 'git')}+{url}" + (f"@{commit}" if commit else ""))
    if url.startswith(("https:", "http:")):
        return Origin(f"{NAME} @ {url}")
    folder = Path(unquote(urlsplit(url).path))
    if isinstance(record.get("dir_info"), dict):
        cloned = _clone(folder)
        if cloned:
            return Origin(cloned)
    return Origin(pinned.requirement, str(folder))


def _clone(folder: Path) -> str | None:
    """`coe-paper @ git+URL@COMMIT` for a git clone whose `origin` is on a server, at the clone's commit."""
    remote = gitrun.text(folder, "remote", "get-url", "origin")
    commit = gitrun.text(folder, "rev-parse", "--verify", "HEAD")
    if not remote or not commit:
        return None
    scp = _SCP.match(remote)
    url = f"https://{scp.group(1)}/{scp.group(2)}" if scp else _public(remote)  # CI has no ssh key: https reads
    if not url.startswith(("https://", "http://", "ssh://", "git://")):
        return None  # a clone of a folder on this machine
    return f"{NAME} @ git+{url}@{commit}"


#: A user name or password in a web address (`https://user:token@host/...`), which a CI file would publish.
_USERINFO = re.compile(r"(?i)\b(https?://)[^/@\s]*@")


def _public(url: str) -> str:
    """`url` without a user name or password in it: pip installs from the address alone, and a CI file that held a
    token (a clone's `origin` often does) would be committed and pushed with it."""
    return _USERINFO.sub(r"\1", url)


def problem(requirement: str, has_project: bool) -> str | None:
    """Why pip on CI's fresh machine cannot install `requirement` as written, or None; `has_project`: the folder
    it is installed from (`.`) holds a Python project."""
    text = requirement.strip()
    if not text:
        return "it is empty"
    if _USERINFO.search(text):
        return "it holds a user name or password (USER:TOKEN@ in its address), which the CI file publishes"
    if re.search(r"\s(?:-|#)", text):  # pip's options or a comment: no part of one requirement
        return "it holds more than one requirement (an option such as --index-url, or a # comment)"
    if text.startswith(("file:", "/", "~")) or re.match(r"^[A-Za-z]:[\\/]", text):
        return "it names a folder or file on one machine, which CI's machine does not have"
    if text.startswith("."):
        if has_project or text not in (".", "./"):
            return None
        return "'.' names this folder, which holds no Python project"
    if re.match(r"^[a-z+]+://", text) or text.startswith("git+"):
        return None  # an address: pip fetches it
    named = _NAMED.match(text)
    if named is None:
        return "it is no pip requirement (a name with a version, 'coe-paper @ ADDRESS', or an address)"
    if re.sub(r"[-_.]+", "-", named.group(1)).lower() != NAME:
        return f"it installs '{named.group(1)}', not {NAME}"
    if named.group(4) and named.group(4).startswith("file:"):
        return "it names a folder or file on one machine, which CI's machine does not have"
    return None


def ci_problems(source: Source) -> list[Diagnostic]:
    """COE014 for each CI file whose `COE_PAPER` cannot be installed as written, at its value."""
    found: list[Diagnostic] = []
    for path in CI_FILES:
        try:
            text = source.read_bytes(path, 1_000_000).decode("utf-8") if source.exists(path) else ""
        except (SourceError, OSError, UnicodeDecodeError):
            continue  # not the paper's own file: validate checks no more of it
        match = _SETTING.search(text)
        if match is None:
            continue
        requirement = _scalar(match.group(2))
        why = problem(requirement, source.exists("pyproject.toml") or source.exists("setup.py"))
        if why is not None:
            line = text.count("\n", 0, match.start()) + 1
            found.append(warning(path, line, len(match.group(1)) + 1, "COE014",
                                 f"CI installs coe-paper as '{requirement}', which pip cannot install: {why}",
                                 f"set COE_PAPER to what `pip install` can fetch on a fresh machine, such as "
                                 f"{_example()}"))
    return found


def _scalar(value: str) -> str:
    """A one-line YAML value as it reads: quoted, what the quotes hold (a `#` inside is no comment); plain, up to a
    comment (` #`)."""
    value = value.strip()
    if value[:1] in ("'", '"'):
        end = value.find(value[0], 1)
        return value[1:end] if end > 0 else value[1:]
    return value.split(" #", 1)[0].strip()


def _example() -> str:
    """The requirement that installs the running coe-paper, or the form of one, when it came from a folder here."""
    made_by = origin()
    if made_by.local:
        return "'coe-paper @ git+https://HOST/GROUP/coe-paper@TAG' (its repository on the forge, at a tag)"
    return f"'{made_by.requirement}' (where this coe-paper was installed from)"
