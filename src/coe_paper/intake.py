"""`coe-paper import`, the project side: where a converted draft goes (`sections/NN-id.md`, images in
`paper/images/`), its front matter, the validation of the new file and, on request, the commit authored as the
member who wrote the draft. The conversion itself is `importer`'s; nothing here prints."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import gitrun, importer, pipeline
from .diagnostics import Diagnostic, clipped, to_json
from .filekinds import in_the_way
from .model import Contributor, Project, is_valid_id
from .project import SECTIONS_DIR
from .safepaths import forbidden_name, leaves_through_link, paper_files, remove_stale_of, resolved, shown, write_atomic

IMAGES_DIR = "paper/images"
MAX_ID = 100  # characters of an --id: a file name holds 255 bytes, an image's "-1000.jpeg" and all


class IntakeError(Exception):
    """The import cannot go ahead as asked (a bad id, an unknown organisation, a file in the way)."""


@dataclass
class Request:
    draft: Path
    id: str
    title: str | None = None
    lead: str | None = None
    contributors: list[str] | None = None
    output: Path | None = None
    commit: bool = False
    author: str | None = None  # "Name=org"


@dataclass
class Result:
    path: Path
    images: list[Path] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)  # what the conversion changed or dropped
    diagnostics: list[Diagnostic] = field(default_factory=list)  # validate's findings on the new file
    validated: bool = True  # False when the file was written outside sections/, where validate does not look
    commit: str | None = None
    relative_path: str = ""  # the section file's path in the project ("" outside it)


def as_json(result: Result) -> str:
    """What `import --format json` prints: the files written, the commit, and the conversion's warnings and
    validate's findings on the new file (each a diagnostic object, as `validate --format json` gives them)."""
    return to_json({
        "path": result.relative_path or str(result.path), "images": [str(image) for image in result.images],
        "validated": result.validated, "commit": result.commit,
        "warnings": [d.as_dict() for d in result.warnings], "diagnostics": [d.as_dict() for d in result.diagnostics],
    })


def author_of(project: Project, spec: str) -> tuple[str, str, str]:
    """(name, organisation id, e-mail) for `--author "Name=org"`: the person's e-mail in contributors.yaml,
    else the organisation's first e-mail."""
    name, _, org_id = spec.rpartition("=")
    name, org_id = name.strip(), org_id.strip()
    if not name or not org_id:
        raise IntakeError(f"--author '{spec}': write it as \"Name=organisation-id\"")
    org = project.contributor(org_id)
    if org is None:
        raise IntakeError(f"--author: unknown organisation '{org_id}' (organisations are listed in contributors.yaml)")
    person = next((p for p in org.people if p.name.casefold() == name.casefold()), None)
    email = (person.email if person else "") or next(iter(org.emails), "")
    if not email:
        raise IntakeError(f"--author: contributors.yaml gives no e-mail for {name} or for '{org_id}'; add one under "
                          "people or emails")
    return name, org_id, email


def _org_of_person(project: Project, name: str) -> Contributor | None:
    wanted = name.strip().casefold()
    found = [org for org in project.contributors if any(p.name.casefold() == wanted for p in org.people)]
    return found[0] if len(found) == 1 else None


def default_path(root: Path, project: Project, section_id: str) -> Path:
    """`sections/NN-id.md`: NN is the id's place in the outline, else the next number after every one in use."""
    outline = [entry.id for entry in project.config.outline]
    if section_id in outline:
        number = outline.index(section_id) + 1
    else:
        used = [int(m.group(1)) for s in project.sections if (m := re.match(r"(\d+)-", Path(s.path).name))]
        number = max([len(outline), *used]) + 1
    return root / "sections" / f"{number:02d}-{section_id}.md"


def front_matter(section_id: str, title: str, lead: str, contributors: list[str]) -> str:
    title_yaml = yaml.safe_dump({"title": title}, allow_unicode=True, width=10**6).strip()
    return (f"---\nid: {section_id}\n{title_yaml}\nlead: {lead}\ncontributors: [{', '.join(contributors)}]\n"
            "status: draft\n---\n\n")


def _check_output(root: Path, project: Project, given: Path, target: Path, replacing: bool) -> None:
    """`-o` may replace the section with the draft's id (`replacing`: `target` is its file), never another file
    that exists (of the paper, the repository or anything else); it must name a file, in a folder that can be
    made; no line break in its name and no `.git` folder on its way."""
    forbidden = forbidden_name(Path(os.path.abspath(given)))
    if forbidden is not None:
        raise IntakeError(f"-o {shown(str(given))} {forbidden[1]}; give a path such as sections/NN-id.md")
    if target.is_dir():
        raise IntakeError(f"-o {given}: name the section file to write, e.g. sections/NN-id.md")
    blocked = in_the_way(target, "a file")  # a named pipe (no file that exists), or a file on its way
    if blocked is not None:
        raise IntakeError(f"-o {given}: {blocked}; name the section file to write, e.g. sections/NN-id.md")
    if replacing or not target.exists():
        return
    for own in paper_files(root, project.config):
        if target == own or own in target.parents:
            name = os.path.relpath(own, root.resolve())
            raise IntakeError(f"-o {given} would overwrite the paper's own files ({name}); give a new path, or the "
                              "file of the section with this id")
    raise IntakeError(f"-o {given}: the file already exists; give a new path, or the file of the section with this "
                      "id")


def _stay_inside(root: Path, given: Path, target: Path, what: str) -> None:
    """Refuse a path written into the project that a symbolic link leads out of it (a section file or
    `paper/images` committed as a link to another folder, or `-o` through one)."""
    written = Path(os.path.normpath(given if given.is_absolute() else Path.cwd() / given))  # `..` as written
    if leaves_through_link(written, root.resolve()):
        label = f"-o {given}" if what == "-o" else what
        raise IntakeError(f"{label} leads outside the project through a symbolic link (to {target}); import writes "
                          "inside the project only through links that stay in it")


def import_section(root: Path, request: Request) -> Result:
    """Convert the draft, write the section and its images, validate the section, commit if asked.
    Raises IntakeError for a request that cannot be carried out, DocxError for a draft that cannot be read."""
    if not is_valid_id(request.id):
        raise IntakeError(f"--id '{request.id}': use lower-case letters, digits and hyphens, e.g. just-transition")
    if len(request.id) > MAX_ID:  # it names files: sections/NN-ID.md and paper/images/ID-N.png
        raise IntakeError(f"--id '{clipped(request.id, 60)}' is {len(request.id)} characters long: at most {MAX_ID}, "
                          "as it names the section's file (sections/NN-ID.md) and its pictures (paper/images/ID-1.png)")
    loaded = pipeline.load(root)
    project = loaded.project
    if project is None:
        raise IntakeError("the project cannot be loaded; run `coe-paper validate` and fix its errors first")
    author = author_of(project, request.author) if request.author else None
    if request.commit and author is None:
        raise IntakeError('--commit needs --author "Name=organisation-id": the member who wrote the draft')
    refused = gitrun.commit_problem(root) if request.commit else None
    if refused:
        raise IntakeError(f"--commit: {refused}")
    existing = next((s for s in project.sections if s.id == request.id), None)
    target = resolved(request.output if request.output else default_path(root, project, request.id))
    if target is None:
        raise IntakeError(f"-o {request.output}: a symbolic link loop")
    _stay_inside(root, request.output or default_path(root, project, request.id), target, "-o")
    read_as_section = target.parent == resolved(root / SECTIONS_DIR)  # there, a second file of the id: a section
    if existing is not None and (request.output is None
                                 or ((root / existing.path).resolve() != target and read_as_section)):
        raise IntakeError(f"section '{request.id}' is already {existing.path}; give -o {existing.path} to replace it, "
                          "or a path outside sections/ to compare the draft with it")
    if request.output is None and target.exists():
        raise IntakeError(f"{target} already exists; give -o PATH to write the section elsewhere")
    if request.output is not None:
        try:
            _check_output(root, project, request.output, target,  # the section's own file, nothing else, replaced
                          existing is not None and (root / existing.path).resolve() == target)
        except OSError as exc:  # a name too long for the file system, a folder that cannot be read
            raise IntakeError(f"-o {request.output}: {exc.strerror or exc}") from None
        if request.commit and not _relative(root, target):
            raise IntakeError(f"-o {request.output} is outside the project, where --commit cannot commit it; write the "
                              "section inside the project")
    for org in [request.lead, *(request.contributors or [])]:
        if org and project.contributor(org) is None:
            raise IntakeError(f"unknown organisation '{org}' (organisations are listed in contributors.yaml)")
    known = frozenset(e.id for e in project.config.outline) | {s.id for s in project.sections}
    images = root / IMAGES_DIR
    link = os.path.relpath(images, target.parent).replace(os.sep, "/")
    # a draft written beside its section to compare them: the section's pictures stay, the draft's take other names
    beside = existing is not None and (root / existing.path).resolve() != target
    taken = frozenset(os.listdir(images)) if beside and images.is_dir() else frozenset()
    options = importer.Options(request.id, request.title, known, link, taken)
    imported = importer.import_draft(request.draft, options)
    lead = request.lead or (author[1] if author else None) or (existing.meta.lead if existing else None)
    if lead is None and imported.author:
        member = _org_of_person(project, imported.author)
        lead = member.id if member else None
    if lead is None:
        raise IntakeError("name the lead organisation with --lead ORG (or --author \"Name=org\")")
    contributors = request.contributors if request.contributors is not None else \
        (list(existing.meta.contributors) if existing else [])
    if imported.images:
        _stay_inside(root, images, resolved(images) or images, IMAGES_DIR)
    written: list[Path] = []
    replaced: dict[Path, bytes | None] = {}  # each picture's file as it was: put back if the import stops
    try:
        remove_stale_of(images, [name for name, _ in imported.images])
        for name, data in imported.images:
            path = images / name
            replaced[path] = path.read_bytes() if path.is_file() else None
            _write(path, data, swept=True)
            written.append(path)
        _write(target, (front_matter(request.id, imported.title, lead, contributors) + imported.body).encode())
    except IntakeError:
        _put_back(replaced)
        raise
    result = Result(target, written, imported.diagnostics, relative_path=_relative(root, target))
    relative = result.relative_path
    result.validated = relative.startswith("sections/") and relative.endswith(".md") and relative.count("/") == 1
    if result.validated:
        result.diagnostics = [d for d in pipeline.check(root).diagnostics if d.path == relative]
    if request.commit and author is not None:
        try:
            result.commit = _commit(root, [target, *written], author, request)
        except IntakeError as exc:  # a hook that refused it: the section stays, and the message says so
            raise IntakeError(f"wrote {target}, but did not commit it: {exc}") from None
    return result


def _put_back(replaced: dict[Path, bytes | None]) -> None:
    """The pictures' files as they were before an import that could not write its section: new ones removed."""
    for path, before in replaced.items():
        with contextlib.suppress(OSError):
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_atomic(path, before)


def _write(path: Path, data: bytes, swept: bool = False) -> None:
    try:
        write_atomic(path, data, swept=swept)
    except OSError as exc:
        raise IntakeError(f"cannot write {path}: {exc.strerror or exc}") from None


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""


def _commit(root: Path, paths: list[Path], author: tuple[str, str, str], request: Request) -> str:
    """Commit just these files, authored by the member (the editor stays the committer)."""
    names = [os.path.relpath(p, root) for p in paths]

    def git(*args: str) -> str:
        try:
            proc = gitrun.run(root, *args, timed=False)
        except OSError as exc:
            raise IntakeError(f"cannot run git: {exc}") from None
        if proc.returncode != 0:
            raise IntakeError(f"git {args[0]} failed: {proc.stderr.decode('utf-8', 'replace').strip()}")
        return proc.stdout.decode("utf-8", "replace").strip()

    git("add", "--", *names)
    git("commit", "-q", f"--author={author[0]} <{author[2]}>", "-m",
        f"Import {request.id} from {request.draft.name}", "--", *names)
    return git("rev-parse", "HEAD")
