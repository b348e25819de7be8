"""Git identities and the member organisations they belong to: `.mailmap`, then contributors' e-mails and domains.

An identity is first rewritten with the repository's `.mailmap` (parsed here, as gitmailmap(5) describes it, so no
git process is needed and a build at a revision can use that revision's file), then matched: an exact e-mail listed
under an organisation in `contributors.yaml` wins, then the e-mail's domain or a parent domain against `domains`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import limits
from .model import Project

_PERSON_RE = re.compile(r"^\s*(.*?)\s*<([^<>]*)>\s*$")


@dataclass(frozen=True, order=True)
class Identity:
    """A git author: name and e-mail (after .mailmap)."""

    name: str
    email: str

    def __str__(self) -> str:
        """As git shows an author; a commit made without a name or an e-mail (git refuses to make one, other tools
        do not) says so, where the warning listed ` <>`."""
        return f"{self.name or '(no name)'} <{self.email or 'no e-mail'}>"


def fold(name: str) -> str:
    """A person's name for matching Word's author names: accents dropped, case folded, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def parse_person(text: str) -> Identity | None:
    """`Name <email>` (as in a `Co-authored-by:` trailer), or None when it has no e-mail."""
    match = _PERSON_RE.match(text)
    return Identity(match.group(1), match.group(2).strip()) if match and match.group(2).strip() else None


@dataclass(frozen=True)
class _MailmapEntry:
    """One side of a `.mailmap` line: a name, an address, or both."""

    name: str | None
    email: str | None


def parse_mailmap(text: str) -> dict[tuple[str, str | None], _MailmapEntry]:
    """Parse git's .mailmap: `{(commit email, commit name or None): replacement}`, keys lower-cased.

    Forms (gitmailmap(5)): `Proper Name <commit@email>`, `<proper@email> <commit@email>`,
    `Proper Name <proper@email> <commit@email>`, `Proper Name <proper@email> Commit Name <commit@email>`.
    """
    entries: dict[tuple[str, str | None], _MailmapEntry] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        first = re.match(r"([^<]*)<([^>]*)>(.*)$", line)
        if first is None:
            continue
        name1, email1, rest = first.group(1).strip(), first.group(2).strip(), first.group(3)
        second = re.match(r"([^<]*)<([^>]*)>", rest)
        if second is not None:
            name2, email2 = second.group(1).strip(), second.group(2).strip()
            key = (email2.lower(), name2.lower() or None)
            entries[key] = _MailmapEntry(name1 or None, email1 or None)
        elif email1:
            entries[(email1.lower(), None)] = _MailmapEntry(name1 or None, None)
    return entries


def work_tree_mailmap(root: Path) -> str:
    """The `.mailmap` at the top of the repository holding `root` (read from disk, as git does)."""
    for directory in (root.resolve(), *root.resolve().parents):
        if (directory / ".git").exists():
            try:  # a regular file inside the repository and of a sane size (not a link to /dev/zero or elsewhere)
                path = (directory / ".mailmap").resolve()
                too_big = path.is_file() and path.stat().st_size > limits.LIMITS.yaml_bytes
                if directory not in path.parents or not path.is_file() or too_big:
                    return ""
                return path.read_text(encoding="utf-8", errors="replace")
            except (OSError, RuntimeError):  # RuntimeError: a link loop (Python before 3.13); git reads none either
                return ""
    return ""


class IdentityMap:
    """Maps git identities to member organisations through .mailmap, contributors' e-mails and domains."""

    def __init__(self, emails: dict[str, str], domains: dict[str, str], mailmap: str = "",
                 bots: frozenset[str] = frozenset()) -> None:
        self.emails = {email.lower(): org for email, org in emails.items()}
        self.domains = {domain.lower().lstrip("@."): org for domain, org in domains.items()}
        self.mailmap = parse_mailmap(mailmap)
        self.bots = frozenset(email.lower() for email in bots)

    @classmethod
    def from_project(cls, project: Project, root: Path, mailmap: str | None = None) -> IdentityMap:
        """The map for a project; `mailmap` is the .mailmap text (default: the repository's .mailmap on disk)."""
        emails: dict[str, str] = {}
        domains: dict[str, str] = {}
        for member in project.contributors:
            for email in member.emails:
                emails.setdefault(email.lower(), member.id)
            for domain in member.domains:
                domains.setdefault(domain.lower(), member.id)
        return cls(emails, domains, work_tree_mailmap(root) if mailmap is None else mailmap, frozenset(project.bots))

    def canonical(self, name: str, email: str) -> Identity:
        """The identity after .mailmap (name and e-mail matched case-insensitively, as git does)."""
        entry = self.mailmap.get((email.lower(), name.lower())) or self.mailmap.get((email.lower(), None))
        if entry is None:
            return Identity(name, email)
        return Identity(entry.name or name, entry.email or email)

    def is_bot(self, identity: Identity) -> bool:
        """Whether a (canonical) identity is a tool's that contributors.yaml lists under `bots`: no one's."""
        return identity.email.lower() in self.bots

    def org_for(self, name: str, email: str) -> str | None:
        """The organisation id for a git identity, or None when it maps to no member."""
        proper = self.canonical(name, email).email.lower()
        candidates = list(dict.fromkeys((proper, email.lower())))
        for candidate in candidates:
            if candidate in self.emails:
                return self.emails[candidate]
        for candidate in candidates:
            domain = candidate.rpartition("@")[2]
            while domain:
                if domain in self.domains:
                    return self.domains[domain]
                domain = domain.partition(".")[2]
        return None
