"""The paper's data model: configuration, outline, contributors and sections (pydantic)."""

from __future__ import annotations

import hashlib
import posixpath
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from .rules.config import ChecksConfig

if TYPE_CHECKING:
    from .yamlsafe import Located

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
#: The longest name, short name and title: each is printed whole in a byline, a heading, the contents or the annex
#: (the longest names of EU bodies and ministries have about 100 characters).
NAME_CHARS, SHORT_CHARS, TITLE_CHARS = 200, 60, 250
_ID_RE = re.compile(ID_PATTERN)
#: A git identity's e-mail as contributors.yaml maps it: a name, '@', a host (git's own `ana@laptop` is one).
EMAIL_PATTERN = r"^[^\s@<>]+@[^\s@<>/:]+$"
#: An e-mail domain as contributors.yaml maps it: a name with a dot (`org` alone would take every .org author),
#: written bare or after '@' (`@rome.it`), without a scheme, a port or a path.
DOMAIN_PATTERN = r"^[@.]?([^\s@/:.<>]+\.)+[^\s@/:.<>]+$"
#: A branch's name as git takes it: not empty, no space or character git refuses (`~^:?*[\`), no leading '-'.
BRANCH_PATTERN = r"^[^\s~^:?*\[\\-][^\s~^:?*\[\\]*$"
#: Words, not blanks alone: a title or name of spaces made a heading with no words and a byline "Lead: ."
WORDS_PATTERN = r"\S"
#: What a value refused by each pattern should have been, for validate's message (the schema gives the pattern).
PATTERN_MEANINGS: dict[str, str] = {
    ID_PATTERN: "an id: lower-case letters, digits and '-', starting with a letter or digit",
    EMAIL_PATTERN: "an e-mail address (name@example.org)",
    DOMAIN_PATTERN: "a domain (example.org), without https://, a port or a path",
    BRANCH_PATTERN: "a git branch's name (main)",
    WORDS_PATTERN: "text with words (it is blanks alone)",
}

#: Countries in the EU's protocol order (Interinstitutional Style Guide), then EU-level bodies.
PROTOCOL_ORDER: tuple[str, ...] = (
    "BE", "BG", "CZ", "DK", "DE", "EE", "IE", "EL", "ES", "FR", "HR", "IT", "CY", "LV",
    "LT", "LU", "HU", "MT", "NL", "AT", "PL", "PT", "RO", "SI", "SK", "FI", "SE", "EU",
)

COUNTRY_NAMES: dict[str, str] = {
    "BE": "Belgium", "BG": "Bulgaria", "CZ": "Czechia", "DK": "Denmark", "DE": "Germany",
    "EE": "Estonia", "IE": "Ireland", "EL": "Greece", "ES": "Spain", "FR": "France",
    "HR": "Croatia", "IT": "Italy", "CY": "Cyprus", "LV": "Latvia", "LT": "Lithuania",
    "LU": "Luxembourg", "HU": "Hungary", "MT": "Malta", "NL": "Netherlands", "AT": "Austria",
    "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SI": "Slovenia", "SK": "Slovakia",
    "FI": "Finland", "SE": "Sweden", "EU": "European Union",
}

Status = Literal["draft", "review", "final"]
Kind = Literal["city", "metropolitan-area", "region", "member-state", "eu-institution", "network", "secretariat",
               "other"]
Role = Literal["coordinator", "member", "observer"]


class _Strict(BaseModel):
    """No unknown key, and each value of the type the schema gives (strict): `min_words: "50"` or `required: "yes"`
    would otherwise be converted, and the schemas an editor checks with (schema.py) say otherwise."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True, strict=True)


class OutlineEntry(_Strict):
    """One slot of the paper's outline, in order."""

    id: str = Field(pattern=ID_PATTERN)
    required: bool = True
    min_words: int = Field(default=0, ge=0)
    max_words: int | None = Field(default=None, gt=0)
    due: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", description=(
        "The day the section is due (YYYY-MM-DD): after it, status and the preview's board say the section is late "
        "until its status is final."))
    annex: bool = Field(default=False, description=(
        "The section is an annex: numbered 'Annex I' or 'Annex A' (see annex_numbering) rather than as a chapter, "
        "after every chapter of the outline."))

    @model_validator(mode="after")
    def _limits(self) -> OutlineEntry:
        if self.max_words is not None and self.max_words < self.min_words:
            raise ValueError("max_words is smaller than min_words")
        if self.due is not None:
            from datetime import date

            try:
                date.fromisoformat(self.due)
            except ValueError:  # the pattern lets 2024-02-30 through
                raise ValueError(f"due: {self.due} is no day of the calendar") from None
        return self

    def late(self, status: str, today: str) -> bool:
        """Whether a section of this entry, of `status`, is late on the day `today` (YYYY-MM-DD)."""
        return self.due is not None and status != "final" and today > self.due


class Attribution(_Strict):
    """How git history adds organisations to a byline."""

    min_share: float = Field(default=0.05, ge=0, le=1, description=(
        "An organisation not declared in a section's front matter is named in its byline only when it holds at "
        "least this fraction of the section's current lines."))


class Logo(_Strict):
    """A logo on the cover: an image file of the project and the text a screen reader says for it."""

    path: str = Field(min_length=1)
    alt: str = Field(min_length=1)


class Cover(_Strict):
    """The cover and the back of the cover, in the form EU documents use; every text here is the paper's own."""

    partnership: str = Field(default="", max_length=NAME_CHARS)
    programme: str = Field(default="Urban Agenda for the EU", max_length=NAME_CHARS)
    document_type: str = Field(default="", max_length=TITLE_CHARS)  # default: the paper's title
    date: str = ""  # default: the month and year of the version ("January 2024")
    logos: list[Logo] = []
    disclaimer: str = ("This document was prepared by the members of the partnership. The views expressed are "
                       "those of the authors and do not necessarily reflect the official position of the European "
                       "Commission or of the organisations named.")
    copyright: str = ""  # default: "© {partnership}, {year}"
    licence: str = ("Reuse is authorised under the Creative Commons Attribution 4.0 International (CC BY 4.0) "
                    "licence (https://creativecommons.org/licenses/by/4.0/): you may share and adapt the text, "
                    "provided you credit the source and indicate any changes.")


class PaperConfig(_Strict):
    """`paper/paper.yaml`."""

    title: str = Field(min_length=1, max_length=TITLE_CHARS, pattern=WORDS_PATTERN)
    subtitle: str = Field(default="", max_length=TITLE_CHARS)
    language: str = Field(default="en-GB", pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")
    status: str = "Draft"
    output: str = "build/paper.docx"
    template: str = Field(default="paper/template.docx", min_length=1)  # '' would name the project's folder
    templates: str = Field(default="paper/templates", min_length=1)
    outline: list[OutlineEntry] = Field(min_length=1)
    checks: ChecksConfig = ChecksConfig()
    attribution: Attribution = Attribution()
    repository: str | None = Field(default=None, pattern=r"^https://", description=(
        "The paper's repository on its forge (https://...): the preview links diagnostics to its files."))
    branch: str = Field(default="main", pattern=BRANCH_PATTERN, description="The branch the preview links files on.")
    cover: Cover = Cover()
    keywords: list[str] = Field(default=[], description=(
        "The document's keywords, shown by Word under File > Info and carried into the PDF."))
    abbreviations: str = "paper/abbreviations.yaml"  # abbreviation: what it stands for (only those used are printed)
    numbering: bool = True  # chapters and sections numbered 1, 1.1, 1.1.1 (Word's numbering of the heading styles)
    annex_numbering: Literal["roman", "letters"] = Field(default="roman", description=(
        "How the outline's annexes are numbered: 'roman' (Annex I, Annex II) or 'letters' (Annex A, Annex B)."))

    @field_validator("template", "templates")
    @classmethod
    def _not_the_project(cls, value: str) -> str:
        if posixpath.normpath(value.replace("\\", "/")) == ".":
            raise ValueError(f"'{value}' names the project's own folder: name the file or folder inside it")
        return value

    @field_validator("outline")
    @classmethod
    def _unique_outline(cls, outline: list[OutlineEntry]) -> list[OutlineEntry]:
        seen: set[str] = set()
        for entry in outline:
            if entry.id in seen:
                raise ValueError(f"section '{entry.id}' appears twice in the outline")
            seen.add(entry.id)
        annexes = [entry.id for entry in outline if entry.annex]
        chapters_after = [entry.id for entry in outline[len(outline) - len(annexes):] if not entry.annex]
        if chapters_after:
            raise ValueError(f"section '{chapters_after[0]}' comes after an annex: annexes close the outline")
        return outline


class Person(_Strict):
    """Someone who reviews in Word for an organisation: the author name Word records, and an e-mail for commits."""

    name: str = Field(min_length=1, max_length=NAME_CHARS, pattern=WORDS_PATTERN)
    email: str = Field(default="", pattern=f"^$|{EMAIL_PATTERN}")


class Contributor(_Strict):
    """A member organisation of the partnership."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, max_length=NAME_CHARS, pattern=WORDS_PATTERN)
    short: str = Field(default="", max_length=SHORT_CHARS)
    kind: Kind
    country: str
    role: Role = "member"
    emails: list[Annotated[str, Field(pattern=EMAIL_PATTERN)]] = []
    domains: list[Annotated[str, Field(pattern=DOMAIN_PATTERN)]] = []
    people: list[Person] = []

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        if value not in COUNTRY_NAMES:
            raise ValueError(f"unknown country code '{value}' (use EU codes such as IT, FR, EL, or EU)")
        return value

    @property
    def label(self) -> str:
        """Short name where one is given, else the full name."""
        return self.short or self.name

    @property
    def names(self) -> tuple[str, ...]:
        """What a text may name it and its people by: its id, name and short name, and its people's names."""
        return (self.id, self.name, self.short, *(person.name for person in self.people))


class ContributorsFile(_Strict):
    """`contributors.yaml`."""

    organisations: list[Contributor] = Field(min_length=1)
    bots: list[str] = Field(default=[], description=(
        "E-mails of tools that commit (a CI job, a formatter): their commits and lines count for no organisation "
        "and are not reported as unknown (COE203)."))


class AbbreviationsFile(RootModel[dict[str, str]]):
    """`paper/abbreviations.yaml`: each abbreviation and what it stands for."""

    model_config = ConfigDict(defer_build=True)


class SectionMeta(_Strict):
    """A section file's front matter."""

    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=TITLE_CHARS, pattern=WORDS_PATTERN)
    lead: str
    contributors: list[str] = []
    status: Status = "draft"


@dataclass(frozen=True)
class Section:
    """A loaded section: its front matter, its Markdown body and where the body starts in the file."""

    path: str
    meta: SectionMeta
    body: str
    body_line: int  # 0-based line of the file at which the body starts
    front: str = field(default="", compare=False)  # the front matter's text, for the positions of its keys

    @cached_property
    def digest(self) -> str:
        """What the section map records of the file (marks.section_digest): worked out only for a document."""
        from .marks import section_digest

        return section_digest(self.front, self.body_line, self.body)

    @cached_property
    def body_digest(self) -> str:
        """A SHA-256 of the body, which the section cache's keys are made of: worked out once, where each cache
        hashed the whole body again (four times a section on every build)."""
        return hashlib.sha256(self.body.encode("utf-8", "surrogatepass")).hexdigest()

    @cached_property
    def meta_marks(self) -> dict[tuple[str | int, ...], tuple[int, int]]:
        """Where each front matter key is: read again from its text when a diagnostic asks (rarely, so a front
        matter taken from the cache is not parsed)."""
        from .yamlsafe import load_yaml

        located, _ = load_yaml(self.front, self.path, line_offset=1)
        return located.marks if located is not None else {}

    def meta_position(self, *key: str | int) -> tuple[int, int]:
        """1-based (line, column) of a front matter key in the file (front matter starts on line 2)."""
        for end in range(len(key), -1, -1):
            mark = self.meta_marks.get(tuple(key[:end]))
            if mark:
                return mark[0] + 1, mark[1]
        return 1, 1

    @property
    def id(self) -> str:
        return self.meta.id


@dataclass
class Project:
    """Everything the build reads, loaded and parsed."""

    config: PaperConfig
    contributors: list[Contributor]
    sections: list[Section] = field(default_factory=list)
    config_yaml: Located | None = None  # paper.yaml as parsed: where each of its keys is, found when asked
    abbreviations: dict[str, str] = field(default_factory=dict)  # paper/abbreviations.yaml
    bots: list[str] = field(default_factory=list)  # contributors.yaml's `bots`: e-mails that are no one's
    # files of sections/ that are no section (front matter wrong, or unreadable), by the id they give and their name
    unusable: dict[str, str] = field(default_factory=dict)

    def config_place(self, *path: str | int) -> tuple[int, int]:
        """The line and column of a key of paper.yaml (`("outline", 3)`), or (0, 0) when it is not there. Only a
        diagnostic asks: the positions of a paper.yaml of 300 sections take 10 ms to find."""
        return self.config_yaml.marks.get(path, (0, 0)) if self.config_yaml is not None else (0, 0)

    def contributor(self, cid: str) -> Contributor | None:
        return next((c for c in self.contributors if c.id == cid), None)

    def ordered_sections(self) -> list[Section]:
        """Sections in outline order (sections outside the outline are left out)."""
        by_id = {s.id: s for s in self.sections}
        return [by_id[e.id] for e in self.config.outline if e.id in by_id]

    def ordered_ids(self) -> list[str]:
        """The ids of `ordered_sections`."""
        return [section.id for section in self.ordered_sections()]

    def annexes(self) -> set[str]:
        """The ids of the outline's annexes."""
        return {entry.id for entry in self.config.outline if entry.annex}


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


def protocol_key(country: str) -> int:
    """Sort key placing a country code in EU protocol order."""
    try:
        return PROTOCOL_ORDER.index(country)
    except ValueError:
        return len(PROTOCOL_ORDER)
