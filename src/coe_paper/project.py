"""Find a paper project and load its files into the model, with diagnostics that name file and line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from . import limits, strayfiles
from .annex import placeholder_countries
from .bidi import open_controls
from .diagnostics import Diagnostic, error
from .identities import fold
from .locate import CONFIG_PATH, SECTIONS_DIR
from .model import PATTERN_MEANINGS, AbbreviationsFile, ContributorsFile, PaperConfig, Project, Section, SectionMeta
from .sources import OutsideProject, ProjectNotFound, Source, SourceError, TooLarge, WorkTree, find_root
from .store import Store
from .yamlsafe import VALUE, Located, load_yaml, place

__all__ = ["CONFIG_PATH", "SECTIONS_DIR", "VALUE", "Located", "ProjectNotFound", "find_root", "load_project",
           "load_yaml", "read_text"]

CONTRIBUTORS_PATH = "contributors.yaml"

# Characters XML 1.0 cannot carry (python-docx and lxml reject them).
INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


_CONTROLS = bytes(code for code in range(32) if code not in (9, 10, 13))  # the ASCII part of INVALID_XML_RE


def _has_invalid_xml(text: str) -> bool:
    """Whether INVALID_XML_RE finds a character in `text`; in ASCII text (most sections), from its bytes."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _CONTROLS)) != len(data)
    return INVALID_XML_RE.search(text) is not None


M = TypeVar("M", bound=BaseModel)

def validate_model(
    model: type[M], located: Located, path: str, line_offset: int = 0
) -> tuple[M | None, list[Diagnostic]]:
    """Validate YAML data against a model; each schema problem becomes COE002 at its line."""
    if not isinstance(located.data, dict):
        return None, [error(path, 1 + line_offset, 1, "COE002", "expected a mapping of keys to values")]
    try:
        return model.model_validate(located.data), []
    except ValidationError as exc:
        found: list[Diagnostic] = []
        for problem in exc.errors():
            loc = tuple(problem["loc"])
            line, col = located.where(loc, line_offset)
            key = place(located.data, loc)
            message, hint = problem["msg"], ""
            if problem["type"] == "extra_forbidden":
                message = "unknown key"
            elif problem["type"] == "missing":
                message = "required key is missing"
            elif problem["type"] == "string_too_long":  # a name or title, printed whole in bylines and headings
                message = f"{len(problem['input']):,} characters, over the {problem['ctx']['max_length']} it may have"
                hint = "shorten it: it is printed whole wherever it appears (bylines, headings, the annex)"
            elif problem["type"] == "string_pattern_mismatch":
                meaning = PATTERN_MEANINGS.get(problem["ctx"]["pattern"].removeprefix("^$|"))
                if meaning:
                    message = f"'{problem['input']}' is not {meaning}"
            found.append(error(path, line, col, "COE002", f"{key}: {message}", hint))
        return None, found


def decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text with a BOM stripped and newlines normalised; bad encoding is COE003."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = len(raw[raw.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", "replace")) + 1
        return None, [error(path, line, column, "COE003", "file is not valid UTF-8", _encoding_hint(raw, exc.start))]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def _encoding_hint(raw: bytes, at: int) -> str:
    """What the bytes that are not UTF-8 look like, and what to do."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file is UTF-16 (\"Unicode\" in Word and Notepad): save it again as UTF-8"
    byte = raw[at]
    guess = bytes([byte]).decode("cp1252", "replace")
    seen = f" (byte 0x{byte:02X} is '{guess}' in Windows-1252)" if guess.isprintable() and guess != "\ufffd" else ""
    return f"save the file again as UTF-8{seen}"


def control_characters(text: str, path: str, line_offset: int = 0) -> Iterator[Diagnostic]:
    """COE004 for each character a Word document cannot hold."""
    if not _has_invalid_xml(text):  # the usual case: one quick scan of the whole text
        return
    for lineno, line in enumerate(text.split("\n"), start=1 + line_offset):
        for match in INVALID_XML_RE.finditer(line):
            yield control_character(path, lineno, match.start() + 1, match.group(),
                                    "delete it (it is often pasted in invisibly from another program)")


def control_character(path: str, line: int, column: int, char: str, hint: str) -> Diagnostic:
    """COE004 for `char` at (line, column) of `path`: a character a Word document cannot hold."""
    return error(path, line, column, "COE004", f"control character U+{ord(char):04X} cannot appear in a Word document",
                 hint)


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, 0-based line where the body starts), or None when there is no front matter."""
    end = text.find("\n")
    if (text if end < 0 else text[:end]).rstrip() != "---":
        return None
    start, index = end + 1, 1  # the front matter's first character and line (0-based)
    line_start = start
    while end >= 0:  # a line at a time: the front matter is short, the body may be long
        end = text.find("\n", line_start)
        line = text[line_start:] if end < 0 else text[line_start:end]
        if line.rstrip() in ("---", "..."):
            return text[start : max(start, line_start - 1)], ("" if end < 0 else text[end + 1 :]), index + 1
        line_start, index = end + 1, index + 1
    return None


_CONFLICT_RE = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.MULTILINE)


def conflict_markers(text: str, path: str) -> list[Diagnostic]:
    """COE011 for each merge conflict left in a file: a `<<<<<<<` line with a later `>>>>>>>` (a lone `=======`
    is a Markdown heading underline, not a conflict)."""
    if "<<<<<<<" not in text:
        return []
    found: list[Diagnostic] = []
    start: int | None = None
    for match in _CONFLICT_RE.finditer(text):
        marker, line = match.group(1)[0], text.count("\n", 0, match.start()) + 1
        if marker == "<":
            start = line
        elif marker == ">" and start is not None:
            found.append(error(path, start, 1, "COE011", f"merge conflict left in the file (lines {start}-{line})",
                               "keep the text you want, delete the <<<<<<<, ======= and >>>>>>> lines, then "
                               "'git add' the file"))
            start = None
    return found


def read_text(source: Source, path: str, limit: int | None = None) -> tuple[str | None, list[Diagnostic]]:
    """A text file of the paper: bounded in size (COE008), inside the project (COE005), UTF-8 (COE003); merge
    conflict markers are reported (COE011) along with the text."""
    try:
        raw = source.read_bytes(path, limits.LIMITS.yaml_bytes if limit is None else limit)
    except OutsideProject as exc:
        return None, [error(path, 0, 0, "COE005", str(exc))]
    except TooLarge as exc:
        return None, [error(path, 0, 0, "COE008", str(exc), "split it, or remove what does not belong in it")]
    except SourceError as exc:
        return None, [error(path, 0, 0, "COE003", str(exc))]
    text, found = decode(raw, path)
    return text, found + (conflict_markers(text, path) if text is not None else [])


_FRONT_MATTER_HINT = "start the file with a '---' block giving id, title, lead and contributors"


def load_section(source: Source, path: str, cache: Store | None = None, claims: list[tuple[str, str]] | None = None
                 ) -> tuple[Section | None, list[Diagnostic]]:
    """A section file: its front matter read and checked (or, unchanged since a run that found it valid, taken
    from `cache`), its body and where the body starts. A front matter that parses but is wrong puts the id it
    gives (if any) in `claims`, with the file's path."""
    text, found = read_text(source, path, limits.LIMITS.section_bytes)
    if text is None:
        return None, found
    kept = _LOADED.get((path, text)) if _LOADED is not None and not found else None
    if kept is not None:
        section, key = kept
        if cache is not None and cache.get(key) is None:  # kept for later runs, which read it from the cache
            cache.put(key, section.meta.model_dump())
        return section, []
    if (brackets := _too_many_brackets(text, path)) is not None:
        return None, [*found, brackets]
    found.extend(control_characters(text, path))
    parts = split_front_matter(text)
    if parts is None:
        if text.split("\n", 1)[0].rstrip() == "---":  # opened, never closed: the whole file would be front matter
            found.append(error(path, 1, 1, "COE101", "the front matter opened on line 1 is never closed",
                               "end it with a line of '---' before the section's text"))
        else:
            found.append(error(path, 1, 1, "COE101", "section has no front matter", _FRONT_MATTER_HINT))
        return None, found
    front, body, body_line = parts
    key = cache.key(path, front) if cache is not None else ""
    known = _cached_front(cache.get(key)) if cache is not None else None
    if known is not None:
        return _loaded(Section(path=path, meta=known, body=body, body_line=body_line, front=front), text, key, found)
    located, problems = load_yaml(front, path, line_offset=1)
    controls = {(problem.line, problem.column) for problem in found if problem.code == "COE004"}  # said once
    found.extend(problem for problem in problems if problem.code != "COE001" or (problem.line, problem.column)
                 not in controls)
    if located is None:
        return None, found
    meta, problems = validate_model(SectionMeta, located, path, line_offset=1)
    problems += open_controls(located, path, line_offset=1, text=front)
    found.extend(problems)
    if meta is None or problems:
        if claims is not None and isinstance(located.data, dict) and isinstance(located.data.get("id"), str):
            claims.append((path, located.data["id"]))
        return None, found
    if cache is not None and not problems:
        cache.put(key, meta.model_dump())
    return _loaded(Section(path=path, meta=meta, body=body, body_line=body_line, front=front), text, key, found)


#: The sections this process loaded without a problem, by path and text, with the key of their front matter in the
#: cache: kept only once `keep_loaded` was called, by a resident process (resident_server.py), whose children take
#: every section that is as it was when it warmed up without reading its front matter again (300 sections: 40 ms
#: a command). A section is a frozen dataclass, made from its path and text alone.
_LOADED: dict[tuple[str, str], tuple[Section, str]] | None = None


def keep_loaded() -> None:
    """Keep the sections this process loads (see `_LOADED`)."""
    global _LOADED
    if _LOADED is None:
        _LOADED = {}


def _loaded(section: Section, text: str, key: str, found: list[Diagnostic]) -> tuple[Section, list[Diagnostic]]:
    if _LOADED is not None and not found and key:
        _LOADED[section.path, text] = (section, key)
    return section, found


def _too_many_brackets(text: str, path: str) -> Diagnostic | None:
    """COE008 for a section with more '[' than `limits.LIMITS.markdown_brackets`, at the first one past it: the
    parser looks for the closing bracket of each, and a 1 MB file of them kept validate busy for minutes."""
    limit = limits.LIMITS.markdown_brackets
    if text.count("[") <= limit:
        return None
    at = -1
    for _ in range(limit + 1):
        at = text.index("[", at + 1)
    line = text.count("\n", 0, at) + 1
    column = at - text.rfind("\n", 0, at)
    return error(path, line, column, "COE008", f"more than {limit:,} '[' in one section (links, footnotes and "
                 "pictures take two or three each)", "a genuine section has a few hundred at most: split it, or "
                 "remove what does not belong in it")


def _cached_yaml(data: object, text: str) -> Located | None:
    """Parsed YAML from the cache, or None when the entry is not exactly right (its data is validated as always).
    The positions are not kept: they are found from the text when a diagnostic asks (see Located)."""
    if not isinstance(data, dict) or set(data) != {"data"}:
        return None
    return Located(data["data"], text=text)


def _cached_front(data: object) -> SectionMeta | None:
    """A valid front matter from the cache, or None when the entry is not exactly right."""
    fields = {"id": str, "title": str, "lead": str, "contributors": list, "status": str}
    if not isinstance(data, dict) or set(data) != set(fields) or not all(
            isinstance(data[name], kind) for name, kind in fields.items()):
        return None
    try:  # validated again: a hand-made entry cannot make a section the schema would refuse
        return SectionMeta.model_validate(data)
    except ValueError:
        return None


def load_yaml_file(
    source: Source, path: str, model: type[M], found: list[Diagnostic], cache: Store | None = None
) -> tuple[M | None, Located | None]:
    """Read, parse and validate one YAML file; its problems are added to `found`. With `cache`, a file parsed
    before without a problem is taken from it (its data and positions), then validated as always."""
    text, problems = read_text(source, path)
    found.extend(problems)
    if text is None or any(problem.code == "COE011" for problem in problems):
        return None, None
    key = cache.key("yaml", path, text) if cache is not None else ""
    located = _cached_yaml(cache.get(key), text) if cache is not None else None
    if located is None:
        located, problems = load_yaml(text, path)
        found.extend(problems)
        if located is None:
            return None, None
        if cache is not None and not problems:
            stored: dict[str, Any] = {"data": located.data}
            try:
                if json.loads(json.dumps(stored))["data"] == located.data:  # plain JSON data only (no dates)
                    cache.put(key, stored)
            except (TypeError, ValueError):
                pass
    value, problems = validate_model(model, located, path)
    reversing = open_controls(located, path, text=text)  # as a schema error: nothing of the file is used
    found.extend(problems + reversing)
    return (None if reversing else value), located


def load_abbreviations(source: Source, path: str, found: list[Diagnostic], cache: Store | None = None
                       ) -> dict[str, str]:
    """`paper/abbreviations.yaml` (abbreviation: what it stands for); none when the file is absent. With `cache`,
    as load_yaml_file takes it."""
    try:
        if not source.exists(path):
            return {}
    except SourceError:
        return {}
    value, _ = load_yaml_file(source, path, AbbreviationsFile, found, cache)
    return {str(key): str(text) for key, text in value.root.items()} if value is not None else {}


def _shared_identities(members: ContributorsFile, located: Located) -> list[Diagnostic]:
    """COE202 for an e-mail, a domain or a person's name listed under two organisations: git identities (or Word's
    author names) would count for whichever comes first in the file, though the file's order means nothing."""
    found: list[Diagnostic] = []
    owners: dict[tuple[str, str], str] = {}
    for index, member in enumerate(members.organisations):
        listed: list[tuple[str, tuple[int | str, ...], str, str]] = [
            ("emails", (position,), email.lower(), email) for position, email in enumerate(member.emails)]
        listed += [("domains", (position,), domain.lower().lstrip("@."), domain)
                   for position, domain in enumerate(member.domains)]
        listed += [("people", (position, "name"), fold(person.name), person.name)
                   for position, person in enumerate(member.people)]
        for kind, where, key, value in listed:
            owner = owners.setdefault((kind, key), member.id)
            if owner != member.id:
                line, col = located.where(("organisations", index, kind, *where))
                what = {"emails": "e-mail", "domains": "domain", "people": "person"}[kind]
                found.append(error(CONTRIBUTORS_PATH, line, col, "COE202",
                                   f"{what} '{value}' is listed under both '{owner}' and '{member.id}'",
                                   "keep it under one organisation: what it wrote can count for one only"))
    return found


def load_project(source: Source) -> tuple[Project | None, list[Diagnostic]]:
    """Load config, contributors and every `sections/*.md`. Returns None when the config or members are unusable."""
    found: list[Diagnostic] = []
    cache = Store(source.root, "front", "", pack=True)  # YAML and front matter found valid before
    config, config_yaml = load_yaml_file(source, CONFIG_PATH, PaperConfig, found, cache)
    members, members_yaml = load_yaml_file(source, CONTRIBUTORS_PATH, ContributorsFile, found, cache)
    if members is not None and members_yaml is not None:
        seen: set[str] = set()
        for index, member in enumerate(members.organisations):
            if member.id in seen:
                line, col = members_yaml.where(("organisations", index, "id"))
                found.append(error(CONTRIBUTORS_PATH, line, col, "COE202",
                                   f"duplicate organisation id '{member.id}'"))
            seen.add(member.id)
        found += _shared_identities(members, members_yaml)
        found += placeholder_countries(members, members_yaml, CONTRIBUTORS_PATH)
    sections: list[Section] = []
    claims: list[tuple[str, str]] = []  # the files that are no section, each with the ids it gives
    try:
        paths = source.list_dir(SECTIONS_DIR)
    except SourceError as exc:  # `sections` is a symbolic link out of the project
        paths = []
        found.append(error(SECTIONS_DIR, 0, 0, "COE005" if isinstance(exc, OutsideProject) else "COE003", str(exc)))
        claims += [(SECTIONS_DIR, entry.id) for entry in config.outline] if config is not None else []  # its error
    for path in paths:
        found += strayfiles.unportable(path)
        if path.endswith(".md") and "\\" in path:  # read by its name, it would be another path (COE107 says why)
            claims.append((path, _named_id(path)))
        elif path.endswith(".md"):
            section, problems = load_section(source, path, cache, claims)
            found.extend(problems)
            if section is not None:
                sections.append(section)
            else:
                claims.append((path, _named_id(path)))  # its front matter's id may be the one that is wrong
        else:
            found += strayfiles.misnamed(path)
    if isinstance(source, WorkTree):
        found += strayfiles.in_folders(source.root)
    abbreviations = load_abbreviations(source, config.abbreviations, found, cache) if config is not None else {}
    cache.prune(isinstance(source, WorkTree))
    if config is None or members is None:
        return None, found
    project = Project(config=config, contributors=list(members.organisations), sections=sections,
                      config_yaml=config_yaml,
                      abbreviations=abbreviations, bots=list(members.bots),
                      unusable={claimed: path for path, claimed in reversed(claims)})
    return project, found


_NUMBERED = re.compile(r"^\d+[-_. ]*")  # a section file's number: 01-intro.md is the section 'intro'


def _named_id(path: str) -> str:
    """The section id a file's name gives: its name without its number and '.md'."""
    return _NUMBERED.sub("", path.rsplit("/", 1)[1][: -len(".md")])


def section_paths(root: Path) -> dict[str, str]:
    """Today's section files in the work tree, by section id (for a document built before they were renamed)."""
    project, _ = load_project(WorkTree(root))
    return {s.meta.id: s.path for s in project.sections} if project is not None else {}
