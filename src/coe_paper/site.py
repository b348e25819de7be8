"""The paper as a self-contained static site (`coe-paper preview`): one page, no request leaves the machine.

The page holds the abbreviations the paper uses, every section (title, byline from the paper's byline template,
body with footnotes and figures), the annex (the paper's annex template), a status board per section (status,
lead, words against the outline's limits, last change and its organisation, diagnostics linked to the file and
line on the forge when `paper.yaml` names the repository), the organisations' shares of the text, and links to the
.docx, the PDF (when one was built) and the newest redline. Images and those files are copied next to
`index.html`, CSS is inline and there is no script, so forge Pages can publish the folder as it is.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import itertools
import os
import re
import shutil
import time
import urllib.parse
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Environment, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from . import captions, compose, limits, pictures, pipeline, report, site_inputs
from .annex import country_name, numbered_title
from .diagnostics import Diagnostic, count, error, sort_key
from .filekinds import in_the_way
from .gitlog import version_of
from .html import Anchors, render_section, render_template_output
from .html_flow import isolated
from .markdown import plain_text, template_parser
from .model import PaperConfig, Project
from .numbering import chapter_counters, members_annex_counter
from .ooxml import right_to_left
from .project import load_project
from .safedocx import Limits
from .safepaths import output_problems
from .sources import JournaledTree, SourceError, WorkTree, normalise
from .templates import Templates

DEFAULT_OUTPUT = "build/site"
PAGE_TEMPLATE = "site.html.j2"
#: Ids of the page's own parts, claimed after the sections' (links name those) and before any heading's.
PAGE_IDS = ("main", "contents", "status", "status-board", "board-caption", "shares", "shares-caption", "annex",
            "abbreviations", "other-diagnostics")
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a copy's name in the site may not hold: a '#', '?' or '%' in its address is read as a fragment, a query or
#: an escape ('c%41d.png' is asked for as 'cAd.png'), and a byte that is not UTF-8 cannot be asked for at all.
_URL_SAFE = re.compile(r"[^\w.-]+")


@dataclass
class Built:
    """What `preview` made: the folder, its page, the problems found, how long it took."""

    output: Path
    page: Path | None
    diagnostics: list[Diagnostic]
    sections: int = 0
    files: list[str] = field(default_factory=list)  # downloads copied next to the page
    seconds: float = 0.0
    project: Project | None = None  # the paper as loaded for this build
    digest: str = ""  # of the names and bytes of the files written, as they were written: serve's "nothing changed"
    inputs: site_inputs.Inputs = field(default_factory=site_inputs.Inputs)  # what serve watches


def forge_link(repository: str | None, branch: str, path: str, line: int = 0) -> str | None:
    """The file (and line) on GitHub or GitLab (any other host is taken to be a GitLab)."""
    if not repository or not path or path == ".":
        return None
    base = repository.rstrip("/").removesuffix(".git")
    blob = "blob" if "github" in base.split("/")[2] else "-/blob"
    where = urllib.parse.quote(os.fsencode(path))  # a space or '#' in a name, and its bytes that are not UTF-8
    return f"{base}/{blob}/{branch}/{where}" + (f"#L{line}" if line else "")


class _Files:
    """Copies images and downloads into the site once each, under names that stay inside it."""

    def __init__(self, root: Path, output: Path) -> None:
        self.root, self.output = root, output
        self.tree = JournaledTree(root)  # read as the build reads: never through a link out of the project
        self.copied: dict[str, str] = {}
        self.digest = hashlib.sha256()  # of every file written (see Built.digest)

    def image(self, src: str, base_dir: str) -> str | None:
        try:
            relative = normalise(src, base_dir)  # as the document reads it: 'a#b.png' is that file
        except SourceError:
            return None
        if relative in self.copied:
            return self.copied[relative]
        data = self._read(relative, limits.LIMITS.image_bytes)
        if not data or not pictures.shown(relative, data):
            return None  # as in the document, its alt text; validate says why (COE501, COE503-COE505, COE008)
        target = f"images/{len(self.copied):03d}-{_URL_SAFE.sub('-', PurePosixPath(relative).name)}"
        self._write(target, data)
        self.copied[relative] = target
        return target

    def download(self, source: Path) -> tuple[str, int] | None:
        """Where the built file `source` (under the project) is copied, and its size; None if it cannot be read."""
        data = self._read(source.relative_to(self.root).as_posix(), Limits().max_total_size)
        if not data:
            return None
        target = f"files/{_URL_SAFE.sub('-', source.name)}"
        self._write(target, data)
        return target, len(data)

    def _read(self, relative: str, limit: int) -> bytes | None:
        """The file at `relative`, or None when it cannot be read (missing, a link out of the project, over
        `limit`)."""
        try:
            data = self.tree.read_bytes(relative, limit)
        except SourceError:
            return None
        return data if len(data) <= limit else None

    def _write(self, target: str, data: bytes) -> None:
        (self.output / target).parent.mkdir(parents=True, exist_ok=True)
        (self.output / target).write_bytes(data)
        self.digest.update(f"{target}\0{len(data)}\0".encode("utf-8", "surrogateescape") + data)


def _downloads(root: Path, project: Project, files: _Files) -> list[dict[str, str]]:
    """The .docx, its PDF when one was made of it, and the newest redline (`assemble --compare`), as built under
    build/. A PDF older than the .docx is left out: a later `assemble` (without `--pdf`, or whose PDF failed) wrote
    the .docx again and kept the last good PDF, which shows an earlier paper."""
    try:
        names = site_inputs.documents(project.config.output)
    except SourceError:  # an output outside the project (COE005 says so): nothing there to link to
        return []
    docx, pdf = root / names[0], root / names[1]
    found: list[tuple[str, Path]] = []
    if docx.is_file():
        found.append(("Word document (.docx)", docx))
    if pdf.is_file() and docx.is_file() and pdf.stat().st_mtime_ns >= docx.stat().st_mtime_ns:
        found.append(("PDF", pdf))
    redlines = sorted(docx.parent.glob(names[2]), key=lambda p: p.stat().st_mtime)
    if redlines:
        label = redlines[-1].stem.removeprefix(f"{docx.stem}-changes-since-")
        found.append((f"Changes since {label}, as tracked changes (.docx)", redlines[-1]))
    copied = [(label, path, files.download(path)) for label, path in found]
    return [{"label": label, "href": done[0], "name": path.name, "size": _size(done[1])}
            for label, path, done in copied if done is not None]


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} kB"


#: An e-mail address in a diagnostic (a git identity COE203 names): the page is published on the forge's Pages, where
#: a member's address is not to be read, so it shows its domain only (what contributors.yaml may list).
_ADDRESS = re.compile(r"<[^<>@\s]+@([^<>\s]+)>")


def _diagnostic(d: Diagnostic, project: Project) -> dict[str, Any]:
    config = project.config
    text, message = (_ADDRESS.sub(r"<…@\1>", part) for part in (d.as_text().split("\n")[0], d.message))
    return {"text": text, "severity": d.severity, "code": d.code, "message": message,
            "where": f"{d.path}:{d.line}" if d.line else d.path,
            "href": forge_link(config.repository, config.branch, d.path, d.line)}


def _page_context(loaded: pipeline.Loaded, files: _Files) -> dict[str, Any]:
    project, history = loaded.project, loaded.history
    assert project is not None
    version = version_of(loaded.root)
    credits = compose.credits_for(project, history)
    context = compose.template_context(project, loaded.parsed, version, credits)
    templates = Templates(loaded.source, project.config.templates)
    # a template the check stopped at its time or size limit (COE803) is not run again: the page had twice the time
    stopped = any(d.code == "COE803" for d in loaded.diagnostics)
    anchors = Anchors()
    for section in project.ordered_sections():
        anchors.claim(section.id)
    ids = {name: anchors.reserve(name) for name in PAGE_IDS}  # the page's own: a section's id keeps its name
    titles = {section.id: anchors.reserve(f"{section.id}-title") for section in project.ordered_sections()}
    day = report.judged_on()  # the board says which day its "late" is of
    rows = {row.id: row for row in report.section_status(loaded, history, day)}
    lists = {row_id: anchors.reserve(f"{row_id}-diagnostics") for row_id in rows}
    parsed = {item.section.id: item for item in loaded.parsed}
    by_id, starts = captions.numbered(parsed[s.id] for s in project.ordered_sections())
    for caption_id in by_id:  # a figure's or table's id on the page, before any heading's
        anchors.claim(caption_id)
    counters = (chapter_counters(project.ordered_ids(), project.annexes(), project.config.annex_numbering)
                if project.config.numbering else {})
    numbers = {section_id: counter.last for section_id, counter in counters.items()}
    sections = []
    for section, ref in zip(project.ordered_sections(), context["sections"], strict=True):
        byline = None if stopped else templates.render("byline.md.j2", context | {"section": ref})[0]
        base_dir = section.path.rsplit("/", 1)[0]
        sections.append({"id": section.id, "title_id": titles[section.id], "title": section.meta.title,
                         "rtl": right_to_left(section.meta.title),
                         "path": section.path,
                         "number": numbers.get(section.id, ""),
                         "byline": render_template_output(byline or "", images=files.image),
                         "body": render_section(section.body, section.id, base_dir, anchors, files.image, by_id,
                                                starts[section.id], counters.get(section.id)),
                         "words": parsed[section.id].words})
    annex = None if stopped else templates.render("annex.md.j2", context)[0]
    abbreviated = None if stopped else templates.render("abbreviations.md.j2", context)[0]  # as the .docx has them
    members_annex = (members_annex_counter(project.annexes(), project.config.annex_numbering)
                     if project.config.numbering else None)
    annex = numbered_title(annex or "") if members_annex is not None else annex or ""
    board, shown = [], set()
    for row in rows.values():
        mine = [d for d in loaded.diagnostics if d.path == row.path] if row.path else report.missing_problems(
            loaded, row.id)
        mine.sort(key=sort_key)
        shown.update(mine)
        worst = "error" if any(d.severity == "error" for d in mine) else "warning"
        board.append(row.as_dict() | {"href": forge_link(project.config.repository, project.config.branch, row.path),
                                      "number": numbers.get(row.id, ""), "lead_name": _label(project, row.lead),
                                      "rtl": right_to_left(row.title or ""),
                                      "by": row.changed_by(_label(project, row.last_change_org or ""), isolated),
                                      "problems": [_diagnostic(d, project) for d in mine],
                                      "problems_id": lists[row.id], "counts": _counts(mine),
                                      "worst": worst})
    listed = {row["id"]: row for row in board}
    for entry in sections:  # a section that stops the build says so where it is read, not on the board alone
        on_board: dict[str, Any] = listed.get(entry["id"], {"problems": []})
        entry["errors"] = [d for d in on_board["problems"] if d["severity"] == "error"]
        entry["counts"], entry["problems_id"] = on_board.get("counts", ""), on_board.get("problems_id", "")
    elsewhere = [_diagnostic(d, project) for d in sorted(loaded.diagnostics, key=sort_key) if d not in shown]
    shares = report.organisations(loaded, history)  # every member, as `contributors` and the annex list them
    shares.sort(key=lambda row: (-row.share, row.short))
    members = {member.id: member for member in project.contributors}
    return {"paper": context["paper"], "version": context["version"], "ids": ids, "sections": sections,
            "board": board, "elsewhere": elsewhere,
            "made_on": {"iso": day.isoformat(), "text": day.strftime("%d %B %Y").lstrip("0")},
            "shares": [row.as_dict() | {"country_name": country_name(members[row.id])} for row in shares],
            "unmapped": report.unmapped_lines(history),
            "annex_number": members_annex.last if members_annex is not None else "",
            "annex": render_template_output(annex, anchors, files.image, members_annex),
            "annex_title": _first_heading(annex) or "Annex",
            "abbreviations": render_template_output(abbreviated, anchors, files.image) if abbreviated else "",
            "abbreviations_title": _first_heading(abbreviated or "") or "Abbreviations",
            "history": bool(history and history.available),
            "repository": project.config.repository,
            "downloads": _downloads(loaded.root, project, files)}


def _first_heading(text: str) -> str:
    """The words of the first heading of template output `text` (the contributors' annex's title, which the
    contents name as the .docx's do), or ""."""
    tokens = template_parser().parse(text)
    for token, inline in itertools.pairwise(tokens):
        if token.type == "heading_open":
            return " ".join(plain_text(inline.children).split())
    return ""


def _counts(diagnostics: list[Diagnostic]) -> str:
    """'2 errors, 61 warnings': what the board's Diagnostics column says of a section, its list under the board."""
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return ", ".join(count(n, word) for n, word in ((errors, "error"), (len(diagnostics) - errors, "warning")) if n)


def _label(project: Project, org: str) -> str:
    member = project.contributor(org)
    return member.label if member else org


def _environment() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)
    env.globals["percent"] = lambda value: f"{value:.1%}"
    env.filters["path"] = breakable_path
    env.filters["isolated"] = isolated
    return env


#: Where a file's path may break: after each `/`, `-` or `_` that more of the path follows.
_PATH_BREAKS = re.compile(r"(?<=[/_-])(?=[^/_\s-])")


def breakable_path(path: str) -> Markup:
    """`path`, escaped, with `<wbr>` where it may break: a narrow column breaks it between the parts of its name
    and never inside a word (a cell sized to its longest part, not to one letter, as any break anywhere made it)."""
    return Markup("<wbr>").join(escape(part) for part in _PATH_BREAKS.split(path))


@cache
def _page_template() -> Template:
    """The page's template, compiled once a process: `serve` renders it on every rebuild, and compiling it took as
    long as rendering every section."""
    source = (resources.files("coe_paper") / "templates" / PAGE_TEMPLATE).read_text(encoding="utf-8")
    return _environment().from_string(source)


def render_page(context: dict[str, Any]) -> str:
    return _page_template().render(**context)


def build(root: Path, output: Path | None = None, swapping: AbstractContextManager[object] | None = None) -> Built:
    """Check the paper and write the site into `output` (default build/site); the folder is replaced whole, while
    holding `swapping` (serve's requests hold it to find their file, so that none falls between the two folders)."""
    start = time.perf_counter()
    target = output or root / DEFAULT_OUTPUT
    loaded = pipeline.check(root, journal=True)  # what it reads is what serve watches
    read = site_inputs.asked(loaded.source)
    if loaded.project is None:
        return Built(target, None, loaded.diagnostics, seconds=time.perf_counter() - start, inputs=read)
    read |= site_inputs.of_documents(loaded.project.config.output)
    refused = refusal(loaded.root, output, loaded.project.config)
    if refused is not None:
        return Built(target, None, [*loaded.diagnostics, refused], seconds=time.perf_counter() - start, inputs=read)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = _staging_folder(target.parent)
    except OSError as exc:
        return Built(target, None, [*loaded.diagnostics, _unwritten(target, exc)], seconds=time.perf_counter() - start,
                     inputs=read)
    try:
        files = _Files(loaded.root, staging)
        context = _page_context(loaded, files)
        page = _SURROGATE.sub("\ufffd", render_page(context))  # a file name's byte that is not UTF-8, as shown
        files._write("index.html", page.encode("utf-8"))
        _replace(staging, target, swapping or contextlib.nullcontext())
    except OSError as exc:  # a full disk, a file size limit: the site before stays whole
        return Built(target, None, [*loaded.diagnostics, _unwritten(target, exc)], seconds=time.perf_counter() - start,
                     inputs=read)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Built(target, target / "index.html", loaded.diagnostics, len(context["sections"]),
                 [d["href"] for d in context["downloads"]], time.perf_counter() - start, loaded.project,
                 files.digest.hexdigest(), read | site_inputs.asked(files.tree))


def _unwritten(target: Path, exc: OSError) -> Diagnostic:
    return error(str(target), 0, 0, "COE006", f"cannot write the site: {exc.strerror or exc}")


_SITE_NAMES = frozenset({"index.html", "images", "files"})  # all that build() writes into its folder
_ELSEWHERE = "name a new or empty folder, or one an earlier preview wrote (the default is build/site)"


def refusal(root: Path, output: Path | None, config: PaperConfig | None = None) -> Diagnostic | None:
    """Why the site may not be written to `output` (default build/site): it is a folder of other files (COE006),
    leads out of the project through a symbolic link (COE005) or lies in the paper's own files (COE007). The
    paper's configuration is read when not given (the template and templates folders are its own files)."""
    target = output or root / DEFAULT_OUTPUT
    if config is None:
        project, _ = load_project(WorkTree(root))
        config = project.config if project is not None else None
    label = "" if output is not None else f"the site's folder {DEFAULT_OUTPUT}"
    problems = output_problems(root, target, config, explicit=True, label=label) if config is not None else []
    return not_a_site(target) or (problems[0] if problems else None)


def not_a_site(target: Path) -> Diagnostic | None:
    """COE006 when `target` may not be replaced by the site (it is replaced whole): it is not a folder (what it is
    named, or what is on its way: a named pipe, a symbolic link to a missing target), or holds files the preview
    did not write (`-o sections` would have removed every section)."""
    why = None
    try:
        if target.is_dir():
            others = sorted(name for name in os.listdir(target) if name not in _SITE_NAMES)
            if others:
                listed = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
                why = f"the folder holds files the preview did not write ({listed})"
        else:
            why = in_the_way(target, "a folder")
    except OSError as exc:
        why = exc.strerror or str(exc)
    return None if why is None else error(str(target), 0, 0, "COE006", f"cannot write the site: {why}", _ELSEWHERE)


def _staging_folder(parent: Path) -> Path:
    """A new folder in `parent` to build the site in, made as any new folder is (the umask, a default ACL): it
    becomes the site, and tempfile's are 0700 whatever the umask, which a web server of another user cannot read."""
    for _ in range(100):
        staging = parent / f".site-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            staging.mkdir()
            return staging
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free name for a temporary folder", str(parent))


def _replace(staging: Path, target: Path, swapping: AbstractContextManager[object]) -> None:
    """Swap the new folder in, holding `swapping` between the two moves; a server reading the old one never sees a
    half-written page."""
    old = target.with_name(f".{target.name}-old")
    if old.is_symlink() or old.is_file():  # not a folder a build left: the link goes, never what it leads to
        old.unlink()
    shutil.rmtree(old, ignore_errors=True)
    with swapping:
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)
