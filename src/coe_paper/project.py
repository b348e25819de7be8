"""Find a paper project and load its files into the model, with diagnostics that name file and line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, error
from .model import ContributorsFile, PaperConfig, Project, Section, SectionMeta
from .sources import Source, SourceError

CONFIG_PATH = "paper/paper.yaml"
CONTRIBUTORS_PATH = "contributors.yaml"
SECTIONS_DIR = "sections"

# Characters XML 1.0 cannot carry (python-docx and lxml reject them).
INVALID_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


M = TypeVar("M", bound=BaseModel)

#: Last element of a mark path that gives the position of a key's value rather than of the key.
VALUE = "<value>"


class ProjectNotFound(Exception):
    """No `paper/paper.yaml` at or above the given directory."""


def find_root(start: Path) -> Path:
    """The nearest directory at or above `start` holding `paper/paper.yaml`."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / CONFIG_PATH).is_file():
            return directory
    raise ProjectNotFound(f"no {CONFIG_PATH} found in {start} or any parent directory")


@dataclass(frozen=True)
class Located:
    """YAML data together with the 1-based (line, column) of each key path inside it."""

    data: Any
    marks: dict[tuple[str | int, ...], tuple[int, int]]

    def where(self, loc: tuple[str | int, ...], line_offset: int = 0) -> tuple[int, int]:
        """Position of the longest known prefix of `loc`."""
        for end in range(len(loc), -1, -1):
            mark = self.marks.get(tuple(loc[:end]))
            if mark:
                return mark[0] + line_offset, mark[1]
        return 1 + line_offset, 1


def _marks(node: yaml.Node, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], tuple[int, int]]) -> None:
    out.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = (*path, str(key.value))
            out[sub] = (key.start_mark.line + 1, key.start_mark.column + 1)
            _marks(value, sub, out)  # the key's own position stays recorded for its path
            out[(*sub, VALUE)] = (value.start_mark.line + 1, value.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _marks(item, (*path, index), out)


def load_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Located | None, list[Diagnostic]]:
    """Parse YAML safely, keeping positions; syntax errors become COE001."""
    marks: dict[tuple[str | int, ...], tuple[int, int]] = {}
    try:
        loader = yaml.SafeLoader(text)  # one parse gives positions and data (yaml.safe_load would parse again)
        try:
            node = loader.get_single_node()
            if node is not None:
                _marks(node, (), marks)  # before constructing, which flattens merge keys (<<) in place
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        return None, [error(path, line + line_offset, col, "COE001", f"YAML syntax error: {problem}")]
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, such as a control character
        line = text[: exc.position].count("\n") + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        message = f"YAML cannot contain the character U+{exc.character:04X}" if isinstance(exc.character, int) \
            else f"YAML syntax error: {exc.reason}"  # fmt: skip
        return None, [error(path, line + line_offset, col, "COE001", message)]
    except yaml.YAMLError as exc:
        return None, [error(path, 1 + line_offset, 1, "COE001", f"YAML syntax error: {exc}")]
    return Located(data, marks), []


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
            key = ".".join(str(part) for part in loc) or "(top level)"
            message = problem["msg"]
            if problem["type"] == "extra_forbidden":
                message = "unknown key"
            elif problem["type"] == "missing":
                message = "required key is missing"
            found.append(error(path, line, col, "COE002", f"{key}: {message}"))
        return None, found


def decode(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text with a BOM stripped and newlines normalised; bad encoding is COE003."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [error(path, line, 1, "COE003", "file is not valid UTF-8")]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def control_characters(text: str, path: str, line_offset: int = 0) -> Iterator[Diagnostic]:
    """COE004 for each character a Word document cannot hold."""
    for lineno, line in enumerate(text.split("\n"), start=1 + line_offset):
        for match in INVALID_XML_RE.finditer(line):
            yield error(
                path, lineno, match.start() + 1, "COE004",
                f"control character U+{ord(match.group()):04X} cannot appear in a Word document",
                "delete it (it is often pasted in invisibly from another program)",
            )  # fmt: skip


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, 0-based line where the body starts), or None when there is no front matter."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 1
    return None


def read_text(source: Source, path: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        raw = source.read_bytes(path)
    except SourceError as exc:
        return None, [error(path, 0, 0, "COE003", str(exc))]
    return decode(raw, path)


def load_section(source: Source, path: str) -> tuple[Section | None, list[Diagnostic]]:
    text, found = read_text(source, path)
    if text is None:
        return None, found
    found.extend(control_characters(text, path))
    parts = split_front_matter(text)
    if parts is None:
        found.append(error(path, 1, 1, "COE101", "section has no front matter",
                           "start the file with a '---' block giving id, title, lead and contributors"))  # fmt: skip
        return None, found
    front, body, body_line = parts
    located, problems = load_yaml(front, path, line_offset=1)
    found.extend(problems)
    if located is None:
        return None, found
    meta, problems = validate_model(SectionMeta, located, path, line_offset=1)
    found.extend(problems)
    if meta is None:
        return None, found
    return Section(path=path, meta=meta, body=body, body_line=body_line, meta_marks=located.marks), found


def load_yaml_file(
    source: Source, path: str, model: type[M], found: list[Diagnostic]
) -> tuple[M | None, Located | None]:
    """Read, parse and validate one YAML file; its problems are added to `found`."""
    text, problems = read_text(source, path)
    found.extend(problems)
    if text is None:
        return None, None
    located, problems = load_yaml(text, path)
    found.extend(problems)
    if located is None:
        return None, None
    value, problems = validate_model(model, located, path)
    found.extend(problems)
    return value, located


def load_project(source: Source) -> tuple[Project | None, list[Diagnostic]]:
    """Load config, contributors and every `sections/*.md`. Returns None when the config or members are unusable."""
    found: list[Diagnostic] = []
    config, config_yaml = load_yaml_file(source, CONFIG_PATH, PaperConfig, found)
    members, members_yaml = load_yaml_file(source, CONTRIBUTORS_PATH, ContributorsFile, found)
    if members is not None and members_yaml is not None:
        seen: set[str] = set()
        for index, member in enumerate(members.organisations):
            if member.id in seen:
                line, col = members_yaml.where(("organisations", index, "id"))
                found.append(error(CONTRIBUTORS_PATH, line, col, "COE202",
                                   f"duplicate organisation id '{member.id}'"))  # fmt: skip
            seen.add(member.id)
    sections: list[Section] = []
    for path in source.list_dir(SECTIONS_DIR):
        if path.endswith(".md"):
            section, problems = load_section(source, path)
            found.extend(problems)
            if section is not None:
                sections.append(section)
    if config is None or members is None:
        return None, found
    project = Project(config=config, contributors=list(members.organisations), sections=sections,
                      config_marks=config_yaml.marks if config_yaml else {})  # fmt: skip
    return project, found
