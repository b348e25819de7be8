"""`coe-paper init DIR`: a new paper project that validates and assembles at once.

It writes `paper/paper.yaml` (one outline entry), `paper/template.docx` and the templates (the built-in ones, to
edit), `contributors.yaml` with the two coordinators as placeholders, one example section, `.mailmap`, the CI
file(s) for the forge, a pre-commit configuration, the JSON Schemas and the editor settings that use them, and
`.gitignore`/`.editorconfig`. Nothing that exists is overwritten: `init` refuses a directory that already holds
a paper project, and leaves any other file alone; the errors of the project it leaves (a section that was there
already, a kept contributors.yaml) are returned, so that nobody starts from a paper that does not build.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import ci_install, forge, gitrun, schema
from .bidi import unbalanced
from .diagnostics import Diagnostic
from .locate import project_root
from .mdtext import escape, line_start_safe
from .model import NAME_CHARS, ContributorsFile
from .project import CONFIG_PATH, load_section, load_yaml_file
from .safepaths import leaves_through_link, write_atomic
from .sources import SourceError, WorkTree
from .templates import TEMPLATE_NAMES

DEFAULT_NAME = "Urban Agenda Partnership"
EXAMPLE = "sections/01-introduction.md"
SETTINGS = ".vscode/settings.json"
FORGE_FILES = (forge.GITLAB_CI, forge.GITHUB_WORKFLOW, forge.PRE_COMMIT_CONFIG)  # read at a repository's top only


class InitError(Exception):
    """The project cannot be created (it exists, or the name or forge is not usable)."""


@dataclass
class Created:
    root: Path
    files: list[str] = field(default_factory=list)  # project-relative paths, in the order written
    kept: list[str] = field(default_factory=list)  # files that existed and were left as they are
    extended: list[str] = field(default_factory=list)  # files that existed and had what init needs added (EXTENDED)
    repository: Path | None = None  # the top of the git work tree the project was made in, if any
    unread: list[str] = field(default_factory=list)  # files the forge or pre-commit read at that top only
    folder: str = ""  # the project's folder in that repository, when it is not the top
    errors: list[Diagnostic] = field(default_factory=list)  # the new project's errors (from files that were there)
    notes: list[str] = field(default_factory=list)  # what the user should add to a kept file, by hand

    def commit_command(self) -> str:
        """The shell commands that commit the new project: in a repository, its files alone, and no `git init`
        (which would make a repository inside it)."""
        if self.repository is None:
            return "git init -b main && git add -A && git commit -m 'Start the paper'"
        return "git add -A . && git commit -m 'Start the paper'"


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (names may hold colons, quotes or '#')."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: The example of `repository:` in a new paper.yaml, on the forge whose CI init writes.
EXAMPLE_REPOSITORY = {"github": "https://github.com/your-organisation/your-paper",
                      "gitlab": "https://gitlab.com/your-group/your-paper"}


def paper_yaml(name: str, ids: Sequence[str] = (), forge_name: str | None = "gitlab") -> str:
    """paper.yaml for partnership `name`: its outline lists the sections `ids` (the files found in sections/), else
    the example section's; its commented `repository:` is on `forge_name`'s forge (GitLab for both)."""
    return f"""\
# The paper: title page, output, and the outline (sections in order, with word limits).
# Editors with the YAML language server check this file against schemas/paper.schema.json.
title: Orientation Paper
subtitle: {_yaml_text(f"{name} of the Urban Agenda for the EU")}
language: en-GB
status: Draft
output: build/orientation-paper.docx
template: paper/template.docx
templates: paper/templates
cover:
  partnership: {_yaml_text(name)}  # the title page, the copyright line and the document's author
keywords: [Urban Agenda for the EU, orientation paper]  # Word's File > Info and the PDF's keywords
# repository: {EXAMPLE_REPOSITORY[forge_name or "gitlab"]}  # links the preview's diagnostics to the files
# branch: main
attribution:
  min_share: 0.05  # an organisation found only in git history is named in a byline from 5% of its lines
outline:
{_outline(ids)}"""


def _outline(ids: Sequence[str]) -> str:
    if not ids:
        return ("  - id: introduction\n    required: true\n    min_words: 50\n    max_words: 1000\n"
                "    # due: 2024-06-30  # the day it is due: status and the preview's board say when it is late\n")
    return "".join(f"  - id: {section_id}\n" for section_id in ids)  # ids are [a-z0-9-]: plain YAML


CONTRIBUTORS = """\
# The partnership's member organisations. Replace the two coordinators' placeholders with the real ones and add
# the members. `emails` and `domains` map git commits to an organisation (`.mailmap` can map other identities).
# Editors with the YAML language server check this file against schemas/contributors.schema.json.
organisations:
  - id: coordinator-one
    name: First coordinating organisation (to replace)
    short: Coordinator 1
    kind: city
    country: EU  # to replace: the Member State's code, such as IT, FR or EL (EU is for EU bodies and networks)
    role: coordinator
    emails: []
    domains: []

  - id: coordinator-two
    name: Second coordinating organisation (to replace)
    short: Coordinator 2
    kind: member-state
    country: EU  # to replace: the Member State's code
    role: coordinator
    emails: []
    domains: []
"""

SECTION = """\
---
id: introduction
title: Introduction
lead: {lead}
contributors: [{contributors}]
status: draft
---

## Why this partnership

{subject} brings together cities, regions, Member States and European Commission services under the Urban Agenda
for the EU. This Orientation Paper sets out the challenges the partnership will work on, the members' first
priorities and the way the partnership will prepare its Action Plan.

## How this paper is written

Each member organisation drafts its sections as Markdown files in the `sections` folder. Every change is checked
when it is proposed, and the whole paper is assembled into one Word document, with a byline for each section and
an annex that credits every organisation.
"""

MAILMAP = """\
# Maps git identities to the mailbox that contributors.yaml lists for their organisation (gitmailmap(5)), e.g.
# Metropolitan City of Rome <urban.agenda@example.org> <someone@personal-mail.example>
"""

GITIGNORE = "build/\n"

README = """\
# {name}: Orientation Paper

Sections are Markdown files in `sections/`; `paper/paper.yaml` holds the outline and `contributors.yaml` the member
organisations. With coe-paper installed (`pip install {install}`: what CI installs, `COE_PAPER` in its file):

```sh
coe-paper validate      # check every section
coe-paper assemble      # build/orientation-paper.docx (add --pdf with LibreOffice installed)
coe-paper serve         # a preview in the browser that follows your edits
```

The spelling checks read Debian's en_GB dictionary (`apt-get install hunspell-en-gb`); without it `validate` says
so once and checks no spelling. `pip install pre-commit && pre-commit install` has `coe-paper validate` check the
paper before each commit (`.pre-commit-config.yaml` runs the coe-paper installed above).
"""

#: What the new project's README says of its forge, by forge: what CI does and the one setting it needs by hand.
README_FORGE = {
    "github": """
On GitHub, `.github/workflows/paper.yml` checks every pull request (annotations on the changed lines), builds the
.docx and the PDF, and a redline against the pull request's base. To publish the preview site from `main`, turn on
Pages once with "GitHub Actions" as its source (Settings > Pages > Build and deployment): until then the workflow's
`pages` job fails on every push to `main`. Name the repository in `paper/paper.yaml` (`repository:`, `branch:`) so
that the preview links each problem to its file and line.
""",
    "gitlab": """
On GitLab, `.gitlab-ci.yml` checks every merge request (the Code Quality report shows problems on the changed
lines), builds the .docx and the PDF, and a redline against the merge request's base; from the default branch it
publishes the preview site with GitLab Pages (Deploy > Pages shows its address). Name the repository in
`paper/paper.yaml` (`repository:`, `branch:`) so that the preview links each problem to its file and line.
""",
}


def files_for(name: str, forge_name: str | None, install: str = forge.PACKAGE,
              ids: Sequence[str] = (), members: Sequence[str] = ("coordinator-one", "coordinator-two")
              ) -> dict[str, str | bytes]:
    """Every file of a new project, by path (text or bytes); with the `ids` of sections that are there already, the
    outline lists those and no example section is written, else the example section is led by the first of
    `members` (the organisations of `contributors.yaml`), the next contributing."""
    if forge_name is not None and forge_name not in forge.FORGES:
        raise InitError(f"unknown forge '{forge_name}' (choose {' or '.join(forge.FORGES)})")
    package = resources.files("coe_paper")
    files: dict[str, str | bytes] = {
        CONFIG_PATH: paper_yaml(name, ids, forge_name),
        "paper/template.docx": (package / "skeleton" / "template.docx").read_bytes(),
        **{f"paper/templates/{t}": (package / "templates" / t).read_text(encoding="utf-8") for t in TEMPLATE_NAMES},
        "contributors.yaml": CONTRIBUTORS,
        **({} if ids else {EXAMPLE: SECTION.format(subject=line_start_safe(escape(_subject(name))),  # text
                                                   lead=members[0], contributors=", ".join(members[1:2]))}),
        ".mailmap": MAILMAP,
        ".gitignore": GITIGNORE,
        ".editorconfig": forge.EDITORCONFIG,
        "README.md": README.format(name=escape(name), install=shlex.quote(install))
        + "".join(README_FORGE[each] for each in forge.FORGES if forge_name in (None, each)),
        **forge.ci_files(forge_name, install),
        forge.PRE_COMMIT_CONFIG: forge.PRE_COMMIT_CONFIG_TEXT,
        SETTINGS: schema.editor_settings(),
        ".vscode/extensions.json": forge.vscode_extensions(),
    }
    for item in schema.schemas():
        files[f"{schema.SCHEMA_DIR}/{item.name}"] = item.text
    return files


def _subject(name: str) -> str:
    """The partnership's name as a sentence's subject: `The Housing Partnership`, and a name that has its article
    as it is."""
    return name if name.lower().startswith("the ") else f"The {name}"


def init(root: Path, name: str = DEFAULT_NAME, forge_name: str | None = "gitlab", install: str | None = None
         ) -> Created:
    """Create the project in `root` (made if needed); refuses a directory that already holds a paper. CI installs
    `install`, by default the coe-paper that runs (ci_install.origin)."""
    name = " ".join(name.split())
    if not name or re.search(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]", name):  # controls; bytes no UTF-8 (a terminal's)
        raise InitError("--name must be a non-empty line of text (no control character, in UTF-8)")
    if len(name) > NAME_CHARS:  # the cover's `partnership`: the project would not validate
        raise InitError(f"--name is {len(name)} characters, over the {NAME_CHARS} a partnership's name may have")
    if unbalanced(name) is not None:  # COE012: the text after it would read reversed
        raise InitError("--name holds a bidirectional control (U+202A-U+202E, U+2066-U+2069) left open or closing "
                        "nothing; close it in the name, or leave it out")
    made_by = ci_install.Origin(install.strip()) if install is not None else ci_install.origin()
    why = ci_install.problem(made_by.requirement, has_project=False)
    if why is None and re.search(r"[\x00-\x1f`]", made_by.requirement):
        why = "it holds a control character or a backquote"
    if why is not None:
        raise InitError(f"--install '{made_by.requirement}' is no requirement CI can install: {why} (give what "
                        "`pip install` fetches on a fresh machine, such as "
                        "'coe-paper @ git+https://HOST/GROUP/coe-paper@TAG')")
    if (root / CONFIG_PATH).exists():
        raise InitError(f"{root / CONFIG_PATH} exists: {root} already holds a paper project")
    around = project_root(str(root.absolute().parent))
    if around is not None:  # `init sections` in a paper: its README.md was a section with no front matter
        raise InitError(f"{root} is inside the paper project at {around}: make the new paper outside it")
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} is not a directory")
    created = Created(root)
    ids = _sections_there(root)
    if ids:
        created.notes.append(f"the outline in {CONFIG_PATH} lists the {len(ids)} section{'s' * (len(ids) != 1)} "
                             f"found in sections/, in the order of their files: {', '.join(ids)}")
    if made_by.local:
        created.notes.append(f"this coe-paper was installed from {made_by.local}, a folder CI cannot reach: CI "
                             f"installs '{made_by.requirement}' from the package index, which may not have it; run "
                             "init with --install 'coe-paper @ git+https://HOST/GROUP/coe-paper@TAG' (where your "
                             "coe-paper comes from), or set COE_PAPER in the CI file")
    files = files_for(name, forge_name, made_by.requirement, ids, _members(root))
    _refuse_links_out(root, list(files))
    for path, content in files.items():
        target = root / path
        if target.exists():
            (created.extended if _extend(path, target, created) else created.kept).append(path)
            continue
        try:  # whole or not at all: a full disk leaves no cut-off file
            write_atomic(target, content if isinstance(content, bytes) else content.encode("utf-8"))
        except OSError as exc:
            raise InitError(f"cannot write {target}: {exc.strerror or exc}") from None
        created.files.append(path)
    created.notes += _forge_files_kept(root, created.kept, forge_name)
    top = gitrun.text(root, "rev-parse", "--show-toplevel")
    if top:
        created.repository = Path(top)
        if created.repository.resolve() != root.resolve():  # a project in a folder of a repository
            created.folder = root.resolve().relative_to(created.repository.resolve()).as_posix()
            written = [*created.files, *created.kept]
            created.unread = [path for path in written if path in FORGE_FILES or path.startswith(".github/")]
    from .pipeline import load  # what validate reads first; git history plays no part in a new project's errors

    created.errors = [d for d in load(root).diagnostics if d.severity == "error"]
    return created


def _members(root: Path) -> list[str]:
    """The ids of the organisations of a `contributors.yaml` in `root` that reads (init keeps it), for the example
    section's lead and contributor; else those of the one init writes."""
    found: list[Diagnostic] = []
    kept, _ = load_yaml_file(WorkTree(root), "contributors.yaml", ContributorsFile, found) \
        if (root / "contributors.yaml").is_file() else (None, None)
    ids = [organisation.id for organisation in kept.organisations] if kept is not None else []
    return ids or ["coordinator-one", "coordinator-two"]


#: What the paper lacks while a forge file that was there already runs no coe-paper command.
_FORGE_ROLES = {forge.GITLAB_CI: "CI (validate on every merge request, the .docx and PDF, the preview on Pages)",
                forge.GITHUB_WORKFLOW: "CI (validate on every pull request, the .docx and PDF, the preview on Pages)",
                forge.PRE_COMMIT_CONFIG: "its check before each commit (the coe-paper validate hook)"}


def _forge_files_kept(root: Path, kept: Sequence[str], forge_name: str | None) -> list[str]:
    """A note for each forge file init kept that names no coe-paper command: the paper has no CI or hook from it
    (init said only "kept ... (it exists)")."""
    notes = []
    for path in kept:
        if path not in _FORGE_ROLES:
            continue
        try:  # opened without waiting for a named pipe's writer, as much as a CI file holds at most
            text = WorkTree(root).read_bytes(path, 1_000_000).decode("utf-8", "replace")
        except SourceError:
            continue
        if "coe-paper" not in text:
            which = f" --forge {forge_name}" if forge_name else ""
            notes.append(f"{path} was there already and runs no coe-paper command: the paper has no "
                         f"{_FORGE_ROLES[path]} until you add what `coe-paper init{which}` writes there (run it in "
                         "an empty folder to see the file)")
    return notes


def _sections_there(root: Path) -> list[str]:
    """The ids of the sections in `root`'s sections/ whose front matter reads, in the order of their files (each
    once): a paper started where members' drafts are already."""
    folder = root / "sections"
    if not folder.is_dir():
        return []
    source = WorkTree(root)
    ids: list[str] = []
    for path in sorted(p.name for p in folder.iterdir() if p.suffix == ".md"):
        section, _ = load_section(source, f"sections/{path}")  # an unreadable file: None, init names its errors
        if section is not None and section.meta.id not in ids:
            ids.append(section.meta.id)
    return ids


#: What init adds to a file that exists, and why (the CLI says so, the file named).
EXTENDED = {".gitignore": "added build/ to {} (the builds' output is no source)",
            SETTINGS: "added the schemas of paper.yaml and contributors.yaml to the yaml.schemas of {} (the editor "
                      "checks the files as people type)"}


def _extend(path: str, target: Path, created: Created) -> bool:
    """Add to an existing file what the project needs of it (EXTENDED); whether it was changed. A settings file
    that cannot be rewritten without loss gets a note saying what to add."""
    if path == ".gitignore":
        return _ignore_build(target)
    if path != SETTINGS:
        return False
    try:
        text = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    extended = schema.with_editor_settings(text)
    if extended is None:
        wanted = json.loads(schema.editor_settings())["yaml.schemas"]
        if not _maps(text, wanted):
            created.notes.append(f"{SETTINGS} is not plain JSON (comments?) and was kept as it is: add "
                                 f'"yaml.schemas": {json.dumps(wanted)} to it so that the editor checks paper.yaml '
                                 "and contributors.yaml as people type")
        return False
    try:
        write_atomic(target, extended.encode("utf-8"))
    except OSError:
        return False
    return True


def _maps(text: str, wanted: dict[str, list[str]]) -> bool:
    """Whether settings `text` names every schema in `wanted` (read as text: it may hold comments)."""
    return all(json.dumps(path) in text for path in wanted)


def _refuse_links_out(root: Path, paths: list[str]) -> None:
    """Refuse, before anything is written, a folder whose files would be written out of it through a symbolic link
    (a `sections` or `paper` already there as a link to another folder)."""
    top = root.resolve()
    for path in paths:
        written = Path(os.path.abspath(root / path))
        if leaves_through_link(written, top):
            raise InitError(f"{root / path} leads outside {root} through a symbolic link (to {written.resolve()}); "
                            "remove the link, or create the paper in another folder")


def _ignore_build(gitignore: Path) -> bool:
    """Add `build/` to an existing .gitignore that does not name it (every build writes there: it is no source);
    whether the line was added."""
    try:
        text = gitignore.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if {line.strip().strip("/") for line in text.splitlines()} & {"build", "build/*", "build/**"}:
        return False
    try:
        write_atomic(gitignore, (text + ("\n" if text and not text.endswith("\n") else "") + GITIGNORE).encode())
    except OSError:
        return False
    return True
