"""JSON Schemas for `paper/paper.yaml`, `contributors.yaml` and a section's front matter, made from the models.

Editors with the YAML language server (VS Code's YAML extension, Neovim, JetBrains) read them to complete and check
fields while people type; `coe-paper schema` writes them and `coe-paper init` wires them into the editor settings.
What the models check in code is added: country codes as an enumeration (the editor offers them), rule codes as a
pattern, an outline entry's `due` a day of the calendar; and what validate checks of a name: `output` a .docx
file's (not a folder's), the paths of the project's files neither absolute nor climbing out at their start, a
lead's and contributors' ids of the form contributors.yaml's take. What has no JSON Schema form is validate's
alone: a path that climbs out further on (`a/../../x`), an outline entry's max_words under its min_words, a
section id twice in the outline, an organisation id, e-mail, domain or person under two organisations; and an
editor takes `max_words: 800.0` for an integer. The schemas do not depend on the project (no organisation ids), so
they never go stale when contributors.yaml changes. The YAML language server does not read front matter inside
Markdown; the section schema is for tools that do.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .diagnostics import Diagnostic
from .model import COUNTRY_NAMES, ID_PATTERN, ContributorsFile, PaperConfig, SectionMeta
from .rules.config import CODE_PREFIX

SCHEMA_DIR = "schemas"
#: `output:` as validate takes it (COE006): a file's name, not a folder's ('', 'build/', '.'), ending in .docx after
#: at least one character, as pathlib reads a suffix (`paper.pdf` is refused: Word would not open the document by its
#: name; so is `paper`, or `.gitignore`: a document written over a file of that name).
OUTPUT_PATTERN = r"^(.*/)?[^/]+\.[Dd][Oo][Cc][Xx]$"
#: A path of the project's as validate takes it (COE005): not absolute (`/x`, `\\x`, `C:x`) and not climbing out at
#: its start (`../x`, `./../x`). One that climbs out further on (`a/../../x`) has no pattern that counts: validate
#: alone refuses it.
INSIDE_PATTERN = r"^(?![/\\])(?!.:)(?!(\.[/\\]+)*\.\.([/\\]|$))"
#: `due:` as validate takes it: a day of the calendar (2024-02-29 is one, 2023-02-29 and 2024-04-31 are not), as
#: `date.fromisoformat` reads it (no year 0000); the model's pattern is the form alone, its validator the calendar.
DUE_PATTERN = (r"^(?!0000)(\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)"
               r"|02-(0[1-9]|1\d|2[0-8]))|(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)-02-29)$")
#: What validate refuses of any output's name (COE006, COE007): a control character or line break in it, a `.git`
#: folder on its way.
_BREAKS = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
NAME_PATTERN = rf"(?![^{_BREAKS}]*[{_BREAKS}])(?!(.*[/\\])?\.[Gg][Ii][Tt]([/\\]|$))"
DIALECT = "http://json-schema.org/draft-07/schema#"  # the YAML language server "supports JSON Schema 7 and below"


@dataclass(frozen=True)
class SchemaFile:
    """One schema: its file name, the files it describes (globs) and its JSON text."""

    name: str
    describes: tuple[str, ...]
    text: str


def _schema(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    schema = model.model_json_schema()
    return {"$schema": DIALECT, "title": title, "description": description,
            **{k: v for k, v in schema.items() if k not in ("title", "description")}}


def _countries(schema: dict[str, Any]) -> None:
    country = schema["$defs"]["Contributor"]["properties"]["country"]
    country["enum"] = list(COUNTRY_NAMES)
    country["description"] = "EU country code (Greece is EL), or EU for EU-level bodies: " + ", ".join(
        f"{code} {name}" for code, name in COUNTRY_NAMES.items())


def _rule_codes(schema: dict[str, Any]) -> None:
    """`checks:` takes editorial rule codes and prefixes only, as its validator says (rules/config.py)."""
    checks = schema["$defs"]["ChecksConfig"]["properties"]
    code = {"pattern": CODE_PREFIX.pattern, "description": "An editorial rule's code or prefix: COE7, COE71, COE712."}
    checks["select"]["items"] |= code
    checks["ignore"]["items"] |= code
    checks["severity"]["propertyNames"] = code


def _inside(schema: dict[str, Any]) -> None:
    """The paths paper.yaml gives of the project's files stay in the project (the dictionary is the system's)."""
    defs = schema["$defs"]
    for path in (schema["properties"]["template"], schema["properties"]["templates"],
                 schema["properties"]["abbreviations"], defs["Logo"]["properties"]["path"],
                 defs["ChecksConfig"]["properties"]["words"], defs["ChecksConfig"]["properties"]["terms"]["items"]):
        path["pattern"] = INSIDE_PATTERN


def _output(schema: dict[str, Any]) -> None:
    output = schema["properties"]["output"]
    output["pattern"] = INSIDE_PATTERN + NAME_PATTERN + OUTPUT_PATTERN.removeprefix("^")
    output["description"] = "The .docx to write, e.g. build/paper.docx (the PDF is written beside it)."


def _due(schema: dict[str, Any]) -> None:
    due = schema["$defs"]["OutlineEntry"]["properties"]["due"]
    [day] = [choice for choice in due["anyOf"] if choice.get("type") == "string"]
    day["pattern"] = DUE_PATTERN


def _section() -> dict[str, Any]:
    schema = _schema(SectionMeta, "Section front matter",
                     "The YAML block between the '---' lines at the top of a sections/*.md file.")
    props = schema["properties"]
    props["id"]["description"] = "The section's id, as in the outline of paper/paper.yaml."
    props["title"]["description"] = "The section's title (its level-1 heading in the paper)."
    props["lead"]["description"] = "The lead organisation's id from contributors.yaml."
    props["contributors"]["description"] = "Ids of the other contributing organisations from contributors.yaml."
    props["lead"]["pattern"] = props["contributors"]["items"]["pattern"] = ID_PATTERN  # no other id is a member's
    props["status"]["description"] = "draft, review or final."
    return schema


def schemas() -> list[SchemaFile]:
    """The three schemas."""
    paper = _schema(PaperConfig, "paper/paper.yaml", "The paper: title, outline, output and attribution settings.")
    _rule_codes(paper)
    _output(paper)
    _inside(paper)
    _due(paper)
    members = _schema(ContributorsFile, "contributors.yaml", "The partnership's member organisations.")
    _countries(members)
    found = [("paper.schema.json", ("paper/paper.yaml",), paper),
             ("contributors.schema.json", ("contributors.yaml",), members),
             ("section.schema.json", ("sections/*.md",), _section())]
    return [SchemaFile(name, describes, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            for name, describes, data in found]


def editor_settings(directory: str = SCHEMA_DIR) -> str:
    """`.vscode/settings.json`: the YAML extension checks paper.yaml and contributors.yaml against the schemas."""
    settings = {
        "yaml.schemas": {f"./{directory}/{f.name}": list(f.describes) for f in schemas()
                         if not f.describes[0].endswith(".md")},  # the YAML server does not read front matter
        "[markdown]": {"editor.wordWrap": "on", "files.trimTrailingWhitespace": False},
        "files.insertFinalNewline": True,
    }
    return json.dumps(settings, indent=2) + "\n"


def with_editor_settings(text: str, directory: str = SCHEMA_DIR) -> str | None:
    """An existing `.vscode/settings.json` with the schemas that `editor_settings` maps added to its `yaml.schemas`
    (its own settings and mappings kept); None when it maps them already, or is not plain JSON (VS Code allows
    comments, which a rewrite would lose: the caller says what to add instead)."""
    try:
        settings = json.loads(text)
    except ValueError:
        return None
    mapped = settings.get("yaml.schemas", {}) if isinstance(settings, dict) else None
    if not isinstance(mapped, dict):
        return None
    wanted = json.loads(editor_settings(directory))["yaml.schemas"]
    missing = {path: files for path, files in wanted.items() if path not in mapped}
    if not missing:
        return None
    settings["yaml.schemas"] = {**mapped, **missing}
    return json.dumps(settings, indent=2, ensure_ascii=False) + "\n"


def refusal(root: Path | None, directory: Path, explicit: bool) -> Diagnostic | None:
    """Why the schemas may not be written into `directory`: anywhere, a name with a line break or control character
    in it (COE006) or a `.git` folder (COE007); in the project at `root`, as for a build's output, a folder that
    leaves the project through a symbolic link (COE005) or lies among the paper's own files (COE007); then,
    anywhere, no folder, named for what it is (COE006: a file, a named pipe, a symbolic link to a missing target, or
    one of them on its way; making the folder said "File exists")."""
    from .diagnostics import error
    from .filekinds import in_the_way
    from .project import load_project
    from .safepaths import forbidden_name, output_problems, shown
    from .sources import WorkTree

    label = f"-o {shown(str(directory))}" if explicit else f"the schemas' folder {SCHEMA_DIR}"
    forbidden = forbidden_name(Path(os.path.abspath(directory)))
    if forbidden is not None:
        code, why, hint = forbidden
        return error(shown(str(directory)), 0, 0, code, f"{label} {why}", hint)
    project, _ = load_project(WorkTree(root)) if root is not None else (None, [])
    if root is not None and project is not None:  # in a project whose configuration can be read
        problems = output_problems(root, directory, project.config, explicit=True, label=label)
        if problems:
            return problems[0]
    blocked = in_the_way(directory, "a folder")
    if blocked is None:
        return None
    return error(shown(str(directory)), 0, 0, "COE006", f"cannot write the schemas: {blocked}",
                 f"name a folder, or a new one (the default is {SCHEMA_DIR}/)")


def write(directory: Path) -> list[Path]:
    """Write the schemas into `directory` (created if needed), all of them or none: a failure (a full disk) leaves
    the files as they were and removes the folders it made; returns the paths written."""
    from .safepaths import write_all_atomic

    made = [folder for folder in (directory, *directory.parents) if not os.path.lexists(folder)]
    directory.mkdir(parents=True, exist_ok=True)
    writes = [(directory / item.name, item.text.encode("utf-8")) for item in schemas()]
    try:
        write_all_atomic(writes)
    except BaseException:
        for folder in made:  # innermost first; one another process has put files in meanwhile stays
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    return [path for path, _ in writes]
