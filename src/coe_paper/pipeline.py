"""The build, stage after stage: load, validate, attribute, render, write."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import a11y, captions, checks, ci_install, facts, pictures, uptodate
from .attribution import History, history_of
from .compose import (
    ahead,
    credits_for,
    open_ahead,
    open_template,
    render_docx,
    template_context,
)
from .diagnostics import Diagnostic, decode_diagnostic, error, has_errors
from .gitlog import PendingVersion, Version
from .locate import CONFIG_PATH
from .model import PaperConfig, Project
from .project import load_project
from .revision import GitRevision
from .rules import engine as editorial
from .safedocx import Limits
from .safepaths import holds, output_problems, write_atomic
from .sources import JournaledTree, Source, SourceError, WorkTree, normalise
from .store import Store, keeps_decoded
from .template_outputs import KeptTemplates
from .templates_ahead import Ahead, render_ahead

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder
    from .layout import Layout


@dataclass
class Loaded:
    """A project read and checked: what every command starts from."""

    root: Path
    source: Source
    project: Project | None
    parsed: list[checks.Parsed]
    diagnostics: list[Diagnostic]
    history: History | None = None  # set by attribute()
    history_ahead: History | None = None  # read by `load` while worker processes checked the sections (attribute)
    ahead: Ahead | None = None  # the templates rendered then (templates_ahead.py)


@dataclass
class Assembled:
    """What `assemble` made: the file written (None on error), its diagnostics and version."""

    output: Path | None
    diagnostics: list[Diagnostic]
    version: Version | None = None
    words: int = 0
    sections: int = 0
    revisions: dict[str, int] = field(default_factory=dict)  # tracked changes by kind ("ins", "del"), for --compare
    layout: Layout | None = None  # the layout pass (page numbers of the contents), when it ran


def open_source(root: Path, rev: str | None) -> Source:
    return GitRevision(root, rev) if rev else WorkTree(root)


Step = Callable[[str], None]  # told the name of each slow stage as it starts (the CLI shows it on a terminal)


def quiet(text: str) -> None:
    del text


def load(root: Path, rev: str | None = None, render: bool = False, step: Step = quiet,
         journal: bool = False, files: Source | None = None, version: Callable[[], Version] | None = None) -> Loaded:
    """Read and validate the project (from the work tree, or from git at `rev`, or from `files`); with `render`,
    sections that are parsed anyway are also rendered into the section cache (for a build), and what needs no
    section's facts (the git history, which the build reads next, the template's colours and, given the `version`,
    the templates' outputs) is read by this process while worker processes check the sections, when they do; with
    `journal`, the work tree notes what it was asked (sources.JournaledTree, for uptodate.py)."""
    try:
        source = files or (JournaledTree(root) if journal and rev is None else open_source(root, rev))
    except SourceError as exc:
        return Loaded(root, WorkTree(root), None, [], [error(".", 0, 0, "COE003", str(exc))])
    project, diagnostics = load_project(source)
    diagnostics += ci_install.ci_problems(source)  # what CI installs, in the CI files init wrote
    if project is None:
        return Loaded(root, source, None, [], diagnostics)
    parsed = [checks.Parsed(section) for section in project.sections]
    editor = editorial.Editor(project, source)
    history: list[History] = []
    templates: list[Ahead] = []

    def meanwhile(builder: DocxBuilder | None) -> None:  # this process's share of the time its workers take
        history.append(history_of(project, root, _commit(source), step=step))  # the next stages' own reading
        a11y.template(project, source, builder)  # judged now, kept in the section cache for the checks below
        if version is not None and builder is not None:
            templates.append(render_ahead(root, source, project, version(), credits_for(project, history[0]), builder))

    section_facts(root, project, parsed, source, editor, render, step, meanwhile if render else None)
    if render and not history:  # no workers: the colours judged in the template the build opens all the same
        a11y.template(project, source, ahead(source, project.config.template))
    diagnostics += checks.run_all(project, parsed, source, editor)
    return Loaded(root, source, project, parsed, diagnostics, history_ahead=history[0] if history else None,
                  ahead=templates[0] if templates else None)


#: Each section's facts decoded from the cache, by key (a digest of all they are made from): kept by a resident
#: process (store.keep_decoded) as it warms up, for its children, which then decode only those changed since.
_FACTS: dict[str, facts.Facts] = {}


def section_facts(root: Path, project: Project, parsed: list[checks.Parsed], source: Source,
                  editor: editorial.Editor, render: bool = False, step: Step = quiet,
                  meanwhile: Callable[[DocxBuilder | None], None] | None = None) -> None:
    """Each section's facts and own findings (facts.py): from the section cache for a section whose text, and
    whatever else they depend on, are as before; else parsed and checked (on every processor, when there are many;
    see parallel.py, which runs `meanwhile` in this process as its workers start, with the builder they render
    against), and stored."""
    salt = json.dumps({"config": project.config.model_dump_json(), "abbreviations": project.abbreviations},
                      sort_keys=True)
    store = Store(root, "facts", salt, pack=True)
    missing: list[tuple[checks.Parsed, str]] = []
    for item in parsed:
        section = item.section
        key = store.key(section.path, section.body_line, section.body_digest)
        payload = store.get(key)
        found = None if payload is None else _FACTS.get(key) or facts.decode(payload)
        if found is not None and keeps_decoded():
            _FACTS[key] = found
        if found is None:
            missing.append((item, key))
        else:
            item.facts = found
    builder = ahead(source, project.config.template) if render else None  # the one the build then takes
    unrendered = _unrendered(root, project, parsed, builder) if len(parsed) > len(missing) else []
    if len(missing) + len(unrendered) >= 2:
        from . import parallel  # loaded only for a cold build

        work = [item for item, _ in missing] + unrendered  # those with facts: only their bodies to render
        if parallel.worth_it(work):
            step(f"Checking {len(work)} sections on {parallel.processors()} processors" if missing else
                 f"Rendering {len(work)} sections on {parallel.processors()} processors")
            done = parallel.prefill(root, project, work, editor if editor.active else None,
                                    builder, (lambda: meanwhile(builder)) if meanwhile is not None else None)
            for (item, key), (payload, findings) in zip(missing, done or [], strict=False):
                item.facts = facts.decode(payload) or checks.section_checks(project, item)
                store.put(key, facts.encode(item.facts))
                if findings is not None and editor.cache is not None:
                    decoded = [decode_diagnostic(d) for d in findings]
                    editor.cache.put(editor.key(item), [d for d in decoded if d is not None])
            missing = [] if done is not None else missing
    if len(missing) >= 24:
        step(f"Checking {len(missing)} sections")
    for item, key in missing:
        item.facts = checks.section_checks(project, item)
        store.put(key, facts.encode(item.facts))
    store.prune(isinstance(source, WorkTree))


def _unrendered(root: Path, project: Project, parsed: list[checks.Parsed], builder: DocxBuilder | None
                ) -> list[checks.Parsed]:
    """The sections whose facts the cache has but not their bodies rendered (a build after `validate`), that
    workers can render ahead of the build (see SectionRenderer.unrendered)."""
    if builder is None:
        return []
    from .sectionrender import SectionRenderer

    renderer = SectionRenderer(root, builder, {}, {})
    if renderer.store.directory is None:
        return []
    return renderer.unrendered([item for item in parsed if item.known], lambda: captions.ids_in(project.sections))


# -- attribution (git history; see attribution.py) ------------------------------------------------------------------


def _commit(source: Source) -> str | None:
    """The commit a source reads the paper at; None for the work tree (its history up to HEAD)."""
    return source.commit if isinstance(source, GitRevision) else None


def attribute(loaded: Loaded, step: Step = quiet) -> History | None:
    """Who wrote what, from git history up to the loaded revision; its warnings join the loaded diagnostics."""
    if loaded.project is None:
        return None
    if loaded.history is None:
        loaded.history = loaded.history_ahead or history_of(loaded.project, loaded.root, _commit(loaded.source),
                                                            step=step)
        loaded.diagnostics += loaded.history.diagnostics
    return loaded.history


def check(root: Path, rev: str | None = None, step: Step = quiet, journal: bool = False) -> Loaded:
    """`load`, `attribute` and, when those find no error, a trial run of the templates: what `validate` reports
    (with `journal`, the work tree notes what it was asked, as for `load`)."""
    pending = PendingVersion(root, rev)  # git says which version while the paper loads
    loaded = load(root, rev, step=step, journal=journal)
    version = pending.result()
    attribute(loaded, step)
    loaded.diagnostics += check_templates(loaded, version)
    if loaded.project is not None and not has_errors(loaded.diagnostics):
        loaded.diagnostics += template_problems(loaded.root, loaded.source, loaded.project.config.template)
    return loaded


def rehearse(loaded: Loaded, budget: int = 200_000) -> Callable[[], object] | None:
    """Check and edit the first sections once more (two at least, then up to `budget` characters of Markdown), and
    render the first two, keeping nothing but what a process keeps in memory: the first run of each check,
    editorial rule and renderer compiles its patterns and reads its data, and the spelling rules keep their answers
    by word (rules/speller.py). A resident process does this before it forks, so that a command whose sections miss
    the cache does not (a cold build of the bundled paper in a child: 130 ms to about 105). The bodies in the
    section cache are decoded into memory (SectionRenderer.preload): a child decodes only those changed since. What
    decodes the bodies again (those added since) is returned, for the resident process to run after each command."""
    project = loaded.project
    if project is None:
        return None
    from .sectionrender import SectionRenderer

    editor = editorial.Editor(project, loaded.source)
    builder = open_template(loaded.source, project.config.template)[0]
    renderer = SectionRenderer(None, builder, {}, {}) if builder is not None else None  # with no cache: kept nowhere
    taken = 0
    for index, section in enumerate(project.sections):
        if index >= 2 and taken >= budget:
            break
        taken += len(section.body)
        item = checks.Parsed(section)
        item.facts = checks.section_checks(project, item)
        if editor.active:
            editor.findings(item)
        if renderer is not None and index < 2 and not item.facts.captions:
            renderer.prepare(item)
        item.forget_tokens()
    if builder is None:
        return None

    def preload() -> int:  # a renderer of its own each time: its stores read the cache as it is then
        return SectionRenderer(loaded.root, builder, {}, {}).preload()

    preload()
    open_ahead(loaded.source, project.config.template)  # a builder no rehearsal has used
    return preload


def template_problems(root: Path, source: Source, path: str) -> list[Diagnostic]:
    """Whether the template .docx opens (COE802 if not); a template whose bytes opened before is not opened again."""
    try:
        digest = hashlib.sha256(source.read_bytes(normalise(path), Limits().max_total_size)).hexdigest()
    except SourceError:
        digest = ""
    store = Store(root, "templates", "", pack=True)
    key = store.key(path, digest)
    if digest and store.get(key) is True:
        problems: list[Diagnostic] = []
    else:
        problems = open_template(source, path)[1]
        if digest and not problems:
            store.put(key, True)
    store.prune(isinstance(source, WorkTree))
    return problems


def check_templates(loaded: Loaded, version: Version) -> list[Diagnostic]:
    """Render the title page, every byline and the annex as `assemble` would, keeping only their problems. While
    the paper has errors, the templates see it without the sections that have them (assemble would give them valid
    sections only), and only a template's own errors are kept (its files' problems, COE801, COE803), beside the
    paper's: what the outputs show of files in error (a logo, a name) is reported for those files already. When
    every section has one, the byline is tried on the first of them, led by the first organisation when its own
    lead is none. While paper.yaml itself has an error, they are not run."""
    project, parsed = loaded.project, loaded.parsed
    if project is None:
        return []
    wrong = {d.path for d in loaded.diagnostics if d.severity == "error"}
    if CONFIG_PATH in wrong:  # the templates' folder, or what they are given, may be what paper.yaml has wrong
        return []
    stand_in = bool(wrong) and all(s.path in wrong for s in project.sections) and bool(project.contributors)
    if wrong:
        ordered = project.ordered_sections()[:1] if stand_in else []
        project = replace(project, sections=[s for s in project.sections if s.path not in wrong] + ordered)
        parsed = [item for item in parsed if item.section.path not in wrong or item.section in ordered]
    try:
        templates = KeptTemplates(loaded.source, project.config.templates, loaded.root)
    except SourceError:  # the templates folder is outside the project: COE005 says so
        return []
    found = list(templates.problems)
    context = template_context(project, parsed, version, credits_for(project, loaded.history))
    contexts = [(name, context) for name in ("title_page.md.j2", "cover_back.md.j2", "abbreviations.md.j2",
                                             "annex.md.j2")]
    if stand_in:  # a byline is checked all the same; the lead a section in error names may be no organisation
        context["sections"] = [ref | {"lead": ref["lead"] or context["organisations"][0]}
                               for ref in context["sections"]]
    contexts += [("byline.md.j2", context | {"section": ref}) for ref in context["sections"]]
    named = pictures.named_pictures(loaded.root)
    for name, values in contexts:
        text, problems = templates.render(name, values)
        problems += pictures.template_pictures(templates.paths.get(name, name), text or "", loaded.source, named)
        found += [problem for problem in problems if problem not in found
                  and (not wrong or problem.code in ("COE801", "COE803"))]
    templates.close(isinstance(loaded.source, WorkTree))
    named.prune(isinstance(loaded.source, WorkTree))
    return found


def write_document(root: Path, target: Path, config: PaperConfig, explicit: bool, data: bytes) -> list[Diagnostic]:
    """Write the document to `target` (`explicit`: named by `-o`) if the output may go there; what refused it or
    made the write fail, none when it is written."""
    refused = output_problems(root, target, config, explicit=explicit, suffix=".docx")
    if refused:
        return refused
    problem = _write(target, data)
    return [] if problem is None else [problem]


def _write(target: Path, data: bytes) -> Diagnostic | None:
    """Write the document atomically; a failure is a COE006 diagnostic, never a traceback. A document of the same
    bytes is kept as it is, with its time, so that the preview still offers the PDF made of it."""
    if holds(target, data):
        return None
    try:
        write_atomic(target, data)
    except OSError as exc:
        return error(str(target), 0, 0, "COE006", f"cannot write the document: {exc.strerror or exc}")
    return None


def assemble(root: Path, output: Path | None = None, rev: str | None = None, paginate: bool = False,
             step: Step = quiet, fingerprint: dict[str, str] | None = None) -> Assembled:
    """Validate, then build the .docx; nothing is written when there are errors. `paginate` runs the layout pass
    (LibreOffice) that gives the contents their page numbers. With the `fingerprint` uptodate.py took before the
    build, a build from the work tree is recorded for the next run to find up to date."""
    pending = PendingVersion(root, rev)  # git says which version while the paper loads
    loaded = load(root, rev, render=True, step=step, journal=fingerprint is not None, version=pending.result)
    version = pending.result()
    if loaded.project is None or has_errors(loaded.diagnostics):
        return Assembled(None, loaded.diagnostics)
    history = attribute(loaded, step)
    if has_errors(loaded.diagnostics):  # the history could not be read (a named pipe git would wait on)
        return Assembled(None, loaded.diagnostics, version)
    credits = credits_for(loaded.project, history)
    data, problems, pages = render_docx(loaded, version, credits, paginate, step)
    diagnostics = loaded.diagnostics + problems
    if data is None:
        return Assembled(None, diagnostics, version)
    target = output or root / normalise(loaded.project.config.output)
    failed = write_document(root, target, loaded.project.config, output is not None, data)
    if failed:
        return Assembled(None, diagnostics + failed, version)
    words = sum(item.words for item in loaded.parsed)
    done = Assembled(target, diagnostics, version, words, len(loaded.project.ordered_sections()), layout=pages)
    if isinstance(loaded.source, JournaledTree) and not (pages and pages.note):  # a failed layout pass is tried again
        seen = uptodate.Seen(target, diagnostics, done.sections, words, version.label)
        uptodate.record(root, fingerprint, output, paginate, seen, loaded.source.answers,
                        loaded.project.config.checks.dictionary_at(root) or "")
    return done
