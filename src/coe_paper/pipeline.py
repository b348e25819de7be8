"""The build, stage after stage: load, validate, attribute, render, write."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import annex, captions, checks, facts, frontmatter, ooxml
from .attribution import History, SectionHistory, history_of
from .captions_read import PROPERTY as CAPTIONS_PROPERTY
from .diagnostics import Diagnostic, error, has_errors
from .docx_writer import DocxBuilder, Properties, TemplateError, write_atomic
from .gitlog import Version, source_date, version_of
from .markdown import template_parser
from .model import COUNTRY_NAMES, Contributor, Project, Section, protocol_key
from .numbering import unnumber
from .project import load_project
from .render import Renderer, bookmark_name
from .rules import engine as editorial
from .safedocx import Limits
from .safepaths import output_problems
from .sectionrender import SectionRenderer
from .sources import GitRevision, Source, SourceError, WorkTree, normalise
from .store import Store, code_stamp
from .templates import Templates

if TYPE_CHECKING:
    from .layout import Layout
    from .redline import Segment


@dataclass
class Loaded:
    """A project read and checked: what every command starts from."""

    root: Path
    source: Source
    project: Project | None
    parsed: list[checks.Parsed]
    diagnostics: list[Diagnostic]
    history: History | None = None  # set by attribute()


@dataclass
class Assembled:
    output: Path | None
    diagnostics: list[Diagnostic]
    version: Version | None = None
    words: int = 0
    sections: int = 0
    revisions: dict[str, int] = field(default_factory=dict)  # tracked changes by kind ("ins", "del"), for --compare
    layout: Layout | None = None  # the layout pass (page numbers of the contents), when it ran


@dataclass
class Credits:
    """Who is credited for each section: declared in front matter, plus organisations found in git history."""

    lead: dict[str, str] = field(default_factory=dict)
    contributors: dict[str, list[str]] = field(default_factory=dict)
    history: History | None = None


def open_source(root: Path, rev: str | None) -> Source:
    return GitRevision(root, rev) if rev else WorkTree(root)


def load(root: Path, rev: str | None = None, render: bool = False) -> Loaded:
    """Read and validate the project (from the work tree, or from git at `rev`); with `render`, sections that
    are parsed anyway are also rendered into the section cache (for a build)."""
    try:
        source = open_source(root, rev)
    except SourceError as exc:
        return Loaded(root, WorkTree(root), None, [], [error(".", 0, 0, "COE003", str(exc))])
    project, diagnostics = load_project(source)
    if project is None:
        return Loaded(root, source, None, [], diagnostics)
    parsed = [checks.Parsed(section) for section in project.sections]
    editor = editorial.Editor(project, source)
    section_facts(root, project, parsed, source, editor, render)
    diagnostics += checks.run_all(project, parsed, source, editor)
    return Loaded(root, source, project, parsed, diagnostics)


def section_facts(root: Path, project: Project, parsed: list[checks.Parsed], source: Source,
                  editor: editorial.Editor, render: bool = False) -> None:  # fmt: skip
    """Each section's facts and own findings (facts.py): from the section cache for a section whose text, and
    whatever else they depend on, are as before; else parsed and checked (on every processor, when there are many;
    see parallel.py), and stored."""
    salt = json.dumps({"code": code_stamp(), "config": project.config.model_dump_json(),
                       "abbreviations": project.abbreviations}, sort_keys=True)  # fmt: skip
    store = Store(root, "facts", salt, pack=True)
    missing: list[tuple[checks.Parsed, str]] = []
    for item in parsed:
        section = item.section
        key = store.key(section.path, section.body_line, section.body)
        found = facts.decode(store.get(key))
        if found is None or found.images:
            missing.append((item, key))
        else:
            item.facts = found
    if len(missing) >= 2:
        from . import parallel  # the pool's modules load only for a cold build

        if parallel.worth_it([item for item, _ in missing]):
            builder = open_template(source, project.config.template)[0] if render else None
            done = parallel.prefill(root, project, [item for item, _ in missing], editor if editor.active else None,
                                    builder)  # fmt: skip
            for (item, key), (payload, findings) in zip(missing, done, strict=True):
                item.facts = facts.decode(payload) or checks.section_checks(project, item)
                if not item.facts.images:
                    store.put(key, payload)
                if findings is not None and editor.cache is not None:
                    decoded = [facts.decode_diagnostic(d) for d in findings]
                    editor.cache.put(editor.key(item), [d for d in decoded if d is not None])
            missing = []
    for item, key in missing:
        item.facts = checks.section_checks(project, item)
        if not item.facts.images:
            store.put(key, facts.encode(item.facts))
    store.prune()
def declared_credits(project: Project) -> Credits:
    credits = Credits()
    for section in project.sections:
        credits.lead[section.id] = section.meta.lead
        credits.contributors[section.id] = list(dict.fromkeys(c for c in section.meta.contributors
                                                              if c != section.meta.lead))  # fmt: skip
    return credits


# -- attribution (git history; see attribution.py) ------------------------------------------------------------------


def attribute(loaded: Loaded) -> History | None:
    """Who wrote what, from git history up to the loaded revision; its warnings join the loaded diagnostics."""
    if loaded.project is None:
        return None
    if loaded.history is None:
        rev = loaded.source.commit if isinstance(loaded.source, GitRevision) else None
        loaded.history = history_of(loaded.project, loaded.root, rev)
        loaded.diagnostics += loaded.history.diagnostics
    return loaded.history


def check(root: Path, rev: str | None = None) -> Loaded:
    """`load`, `attribute` and, when those find no error, a trial run of the templates: what `validate` reports."""
    loaded = load(root, rev)
    attribute(loaded)
    if not has_errors(loaded.diagnostics):  # templates see what assemble would give them: valid sections only
        loaded.diagnostics += check_templates(loaded, rev)
    if loaded.project is not None and not has_errors(loaded.diagnostics):
        loaded.diagnostics += open_template(loaded.source, loaded.project.config.template)[1]
    return loaded


def check_templates(loaded: Loaded, rev: str | None = None) -> list[Diagnostic]:
    """Render the title page, every byline and the annex as `assemble` would, keeping only their problems."""
    project = loaded.project
    if project is None:
        return []
    try:
        templates = Templates(loaded.source, project.config.templates)
    except SourceError:  # the templates folder is outside the project: COE005 says so
        return []
    found = list(templates.problems)
    context = template_context(project, loaded.parsed, version_of(loaded.root, rev),
                               credits_for(project, loaded.history))  # fmt: skip
    contexts = [(name, context) for name in ("title_page.md.j2", "cover_back.md.j2", "abbreviations.md.j2",
                                             "annex.md.j2")]  # fmt: skip
    contexts += [("byline.md.j2", context | {"section": ref}) for ref in context["sections"]]
    for name, values in contexts:
        found += [problem for problem in templates.render(name, values)[1] if problem not in found]
    return found


def credits_for(project: Project, history: History | None) -> Credits:
    """Declared contributors, then the organisations found in the section's history (most lines first), once each;
    an organisation found only in history is named when it holds at least `attribution.min_share` of the lines."""
    credits = declared_credits(project)
    credits.history = history
    threshold = project.config.attribution.min_share
    for section in project.sections:
        found = history.for_path(section.path) if history else None
        if found is not None:
            named = credits.contributors[section.id]
            named += [org for org in found.orgs if org != section.meta.lead and org not in named
                      and found.share(org) >= threshold]  # fmt: skip
    return credits


def _history_context(found: SectionHistory | None, orgs: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What templates see of a section's history: commits, lines, each organisation's share, the last change."""
    if found is None:
        return None
    commits = found.commits_by_org
    last = found.last_change
    shares = [{"org": orgs[org], "lines": found.lines_by_org.get(org, 0), "share": found.share(org),
               "commits": commits.get(org, 0)} for org in found.orgs if org in orgs]  # fmt: skip
    return {"commits": len(found.changes), "lines": found.lines, "shares": shares,
            "last_change": {"date": last.date.date().isoformat(), "org": orgs.get(last.org or ""),
                            "author": last.author.name} if last else None}  # fmt: skip


def _org(contributor: Contributor) -> dict[str, Any]:
    return {
        "id": contributor.id, "name": contributor.name, "short": contributor.label, "kind": contributor.kind,
        "country": contributor.country, "country_name": COUNTRY_NAMES[contributor.country], "role": contributor.role,
        "group": annex.group_of(contributor), "coordinator": contributor.role == "coordinator",
    }  # fmt: skip


def template_context(
    project: Project, parsed: list[checks.Parsed], version: Version, credits: Credits
) -> dict[str, Any]:
    """What the templates see: the paper, its version, its sections and its organisations."""
    orgs = {c.id: _org(c) | {"led": [], "contributed": []} for c in project.contributors}
    words = {item.section.id: item.words for item in parsed}
    sections = []
    for section in project.ordered_sections():
        ref = {"id": section.id, "title": section.meta.title}
        lead = orgs.get(credits.lead.get(section.id, ""))
        contributors = [orgs[c] for c in credits.contributors.get(section.id, []) if c in orgs]
        if lead is not None:
            lead["led"].append(ref)
        for org in contributors:
            org["contributed"].append(ref)
        found = credits.history.for_path(section.path) if credits.history else None
        sections.append(ref | {"status": section.meta.status, "lead": lead, "contributors": contributors,
                               "words": words.get(section.id, 0),
                               "history": _history_context(found, orgs)})  # fmt: skip
    ordered = sorted(project.contributors, key=lambda c: (protocol_key(c.country), c.role != "coordinator", c.name))
    organisations = [orgs[c.id] for c in ordered]
    countries: list[dict[str, Any]] = []
    for org in organisations:
        if not countries or countries[-1]["code"] != org["country"]:
            countries.append({"code": org["country"], "name": org["country_name"], "organisations": []})
        countries[-1]["organisations"].append(org)
    config = project.config
    return {
        "paper": {"title": config.title, "subtitle": config.subtitle, "status": config.status,
                  "language": config.language, "draft": config.status.strip().lower() == "draft"},
        "cover": frontmatter.cover_context(config, version),
        "abbreviations": [{"abbreviation": abbr, "meaning": meaning} for abbr, meaning
                          in frontmatter.used_in(project.abbreviations, parsed)],
        "version": {"label": version.label, "describe": version.describe, "commit": version.commit,
                    "short": version.short, "date": version.day, "dirty": version.dirty},
        "sections": sections, "organisations": organisations, "countries": countries,
        "groups": annex.groups(project.contributors, orgs),
    }  # fmt: skip


def _template_blocks(builder: DocxBuilder, templates: Templates, name: str, context: dict[str, Any],
                     found: list[Diagnostic]) -> list[ooxml.Element]:  # fmt: skip
    text, problems = templates.render(name, context)
    found.extend(p for p in problems if p not in found)  # the byline runs once per section: report once
    if text is None:
        return []
    return Renderer(builder).render(template_parser().parse(text))


def _page_break() -> ooxml.Element:
    p = ooxml.paragraph()
    ooxml.page_break(p)
    return p


@dataclass
class Parts:
    """A rendered paper before layout: the cover and its back, each section's blocks, the annex, the
    abbreviations (after the contents)."""

    title_page: list[ooxml.Element]
    sections: list[tuple[Section, list[ooxml.Element]]]
    annex: list[ooxml.Element]
    abbreviations: list[ooxml.Element] = field(default_factory=list)


B = TypeVar("B", bound=DocxBuilder)


def open_template(source: Source, path: str, kind: type[B] = DocxBuilder) -> tuple[B | None, list[Diagnostic]]:  # type: ignore[assignment]
    """A builder on the paper's template .docx (bounded as a reviewer's file is), or a COE802 saying why not."""
    try:
        return kind(source.read_bytes(normalise(path), Limits().max_total_size), source), []
    except (SourceError, TemplateError) as exc:
        return None, [error(path, 0, 0, "COE802", str(exc))]


def render_docx(loaded: Loaded, version: Version, credits: Credits,
                paginate: bool = False) -> tuple[bytes | None, list[Diagnostic], Layout | None]:  # fmt: skip
    """The .docx bytes for a validated project; with `paginate`, the contents get LibreOffice's page numbers."""
    project, source = loaded.project, loaded.source
    assert project is not None
    found: list[Diagnostic] = []
    config = project.config
    builder, problems = open_template(source, config.template)
    if builder is None:
        return None, problems, None
    parts = render_parts(builder, loaded, version, credits, found)
    if has_errors(found):
        return None, found, None
    builder.extend(layout(parts, contents(builder, project)))
    data = finish(builder, project, version)
    if not paginate:
        return data, found, None
    from .layout import heading_pages  # the layout pass (LibreOffice) only when it runs

    pages = heading_pages(data, [mark for _, _, mark in builder.contents_entries])
    if builder.fill_contents(pages.pages):  # the same package with the numbers in the contents' cached result
        data = finish(builder, project, version)
    return data, found, pages


def render_parts(builder: DocxBuilder, loaded: Loaded, version: Version, credits: Credits,
                 found: list[Diagnostic], as_elements: bool = False) -> Parts:  # fmt: skip
    """Render title page, sections and annex into `builder` (which keeps numbering, links, notes, headings)."""
    project = loaded.project
    assert project is not None
    templates = Templates(loaded.source, project.config.templates)
    found.extend(templates.problems)
    context = template_context(project, loaded.parsed, version, credits)
    for section in project.ordered_sections():  # `#id` means the section, even where a heading's slug spells it too
        builder.claim_anchor(bookmark_name(section.id))
    parsed = {item.section.id: item for item in loaded.parsed}
    by_id, starts = captions.numbered(parsed[s.id] for s in project.ordered_sections())
    for caption_id in by_id:
        builder.claim_anchor(bookmark_name(caption_id))
        builder.caption_ids[bookmark_name(caption_id)] = caption_id  # for import: {#id} back from the bookmark
    if project.config.numbering:
        builder.number_headings()
    builder.numbering_on = False
    title_page = _template_blocks(builder, templates, "title_page.md.j2", context, found)
    title_page += [_page_break(), *_template_blocks(builder, templates, "cover_back.md.j2", context, found)]
    abbreviations = _template_blocks(builder, templates, "abbreviations.md.j2", context, found)
    builder.numbering_on = True
    renderer = SectionRenderer(loaded.root, builder, by_id, starts, as_elements)
    sections: list[tuple[Section, list[ooxml.Element]]] = []
    for index, (section, ref) in enumerate(zip(project.ordered_sections(), context["sections"], strict=True)):
        byline, problems = templates.render("byline.md.j2", context | {"section": ref})
        found.extend(p for p in problems if p not in found)  # the byline runs once per section: report once
        blocks = [_section_heading(builder, index, section), *(renderer.byline(byline) if byline else [])]
        blocks += renderer.body(index, section, parsed[section.id])
        sections.append((section, blocks))
    renderer.close()
    builder.numbering_on = False
    annex = _template_blocks(builder, templates, "annex.md.j2", context, found)
    if project.config.numbering:
        unnumber([*title_page, *abbreviations, *annex], builder.heading_style_ids())
    return Parts(title_page, sections, annex, abbreviations)


def contents(builder: DocxBuilder, project: Project) -> list[ooxml.Element]:
    """The table of contents; its own title is not a numbered heading."""
    blocks = builder.table_of_contents("Contents")
    if project.config.numbering:
        unnumber(blocks[:1], builder.heading_style_ids())
    return blocks


def layout(parts: Parts, contents: list[ooxml.Element]) -> list[ooxml.Element]:
    """The body in reading order: title page, contents, sections, annex, with page breaks between."""
    body = [b for _, blocks in parts.sections for b in blocks]
    front = [*contents, *([_page_break(), *parts.abbreviations] if parts.abbreviations else [])]
    return [*parts.title_page, _page_break(), *front, _page_break(), *body, _page_break(), *parts.annex]


def finish(builder: DocxBuilder, project: Project, version: Version,
           extra: tuple[tuple[str, str], ...] = ()) -> bytes:  # fmt: skip
    """Header, footer and properties (with the section map that `coe-paper comments` reads); the package bytes."""
    config = project.config
    builder.header_footer(f"{config.title}: {config.status}, {version.month or version.label}", "Page ")
    sections_map = [[s.id, s.path, s.body_line] for s in project.ordered_sections()]
    props = Properties(
        title=config.title, subject=config.subtitle, language=config.language, status=config.status,
        version=version.label, identifier=version.commit, date=version.date,
        custom=[("coe-paper:sections", json.dumps(sections_map, separators=(",", ":"))),
                ("coe-paper:commit", version.commit or ""),
                *([(CAPTIONS_PROPERTY, json.dumps(builder.caption_ids, sort_keys=True))] * bool(builder.caption_ids)),
                *extra],
    )  # fmt: skip
    return builder.to_bytes(props)


def _section_heading(builder: DocxBuilder, index: int, section: Section) -> ooxml.Element:
    """The section's title as Heading 1, with the section's bookmark and its first source bookmark."""
    heading = ooxml.paragraph(builder.style("heading 1"))
    anchor = bookmark_name(section.id)  # claimed for the section by render_parts before anything is rendered
    ooxml.bookmark(heading, builder.next_bookmark_id(), anchor)
    ooxml.bookmark(heading, builder.next_bookmark_id(), f"_Coe{index}_1")
    ooxml.run(heading, section.meta.title)
    builder.add_heading(1, section.meta.title, anchor)
    return heading


def _write(target: Path, data: bytes) -> Diagnostic | None:
    """Write the document atomically; a failure is a COE006 diagnostic, never a traceback."""
    try:
        write_atomic(target, data)
    except OSError as exc:
        return error(str(target), 0, 0, "COE006", f"cannot write the document: {exc.strerror or exc}")
    return None


def assemble(root: Path, output: Path | None = None, rev: str | None = None, paginate: bool = False) -> Assembled:
    """Validate, then build the .docx; nothing is written when there are errors. `paginate` runs the layout pass
    (LibreOffice) that gives the contents their page numbers."""
    loaded = load(root, rev, render=True)
    if loaded.project is None or has_errors(loaded.diagnostics):
        return Assembled(None, loaded.diagnostics)
    version = version_of(root, rev)
    credits = credits_for(loaded.project, attribute(loaded))
    data, problems, pages = render_docx(loaded, version, credits, paginate)
    diagnostics = loaded.diagnostics + problems
    if data is None:
        return Assembled(None, diagnostics, version)
    target = output or root / normalise(loaded.project.config.output)
    refused = output_problems(root, target, loaded.project.config, explicit=output is not None)
    if refused:
        return Assembled(None, diagnostics + refused, version)
    problem = _write(target, data)
    if problem is not None:
        return Assembled(None, [*diagnostics, problem], version)
    words = sum(item.words for item in loaded.parsed)
    return Assembled(target, diagnostics, version, words, len(loaded.project.ordered_sections()), layout=pages)


# -- compare (assemble --compare REV; see redline.py) ---------------------------------------------------------------


def _segments(parts: Parts, contents: list[ooxml.Element]) -> list[Segment]:
    """The body in the pieces that are compared as wholes; sections carry their file for attribution."""
    from .redline import Segment

    return [
        Segment("title", parts.title_page),
        Segment("contents", [_page_break(), *contents, *parts.abbreviations, _page_break()]),
        *(Segment(f"section:{section.id}", blocks, (section.path,)) for section, blocks in parts.sections),
        Segment("annex", [_page_break(), *parts.annex]),
    ]


def compare_output(root: Path, project: Project, rev: str) -> Path:
    """Default path of a comparison: the paper's output name with `-changes-since-REV`."""
    output = root / normalise(project.config.output)
    label = re.sub(r"[^A-Za-z0-9._-]+", "_", rev).strip("._") or "rev"
    return output.with_name(f"{output.stem}-changes-since-{label}{output.suffix}")


def compare(root: Path, rev: str, output: Path | None = None) -> Assembled:
    """The current paper with every difference from `rev` as a Word tracked change, by the organisation that
    last changed the section's file (and that commit's date); work-tree changes are by "Uncommitted"."""
    from .redline import Authors, ComparingBuilder, Redliner, revision_ids  # only a comparison needs them

    new = load(root)
    if new.project is None or has_errors(new.diagnostics):
        return Assembled(None, new.diagnostics)
    old = load(root, rev)
    if old.project is None:
        return Assembled(None, old.diagnostics)
    version, old_version = version_of(root), version_of(root, rev)
    config = new.project.config
    builder, problems = open_template(new.source, config.template, ComparingBuilder)
    if builder is None:
        return Assembled(None, new.diagnostics + problems)
    found: list[Diagnostic] = []
    after = render_parts(builder, new, version, credits_for(new.project, attribute(new)), found, True)
    after_contents = contents(builder, new.project)
    with builder.older(old.source):
        before = render_parts(builder, old, old_version, credits_for(old.project, attribute(old)), found, True)
        before_contents = contents(builder, old.project)
    diagnostics = new.diagnostics + found
    if has_errors(found):
        return Assembled(None, diagnostics, version)
    authors = Authors(root, rev, new.project, source_date() or datetime.now(timezone.utc))
    redliner = Redliner(revision_ids(builder.next_bookmark_id() + 1), lambda fid: builder.footnote_texts.get(fid, ""))
    body = redliner.merge(_segments(before, before_contents), _segments(after, after_contents),
                          lambda seg, other: authors.stamp(seg.paths + (other.paths if other else ())))  # fmt: skip
    builder.extend(body)
    data = finish(builder, new.project, version, (("coe-paper:compared-with", old_version.commit),))
    target = output or compare_output(root, new.project, rev)
    refused = output_problems(root, target, config, explicit=output is not None)
    if refused:
        return Assembled(None, diagnostics + refused, version)
    problem = _write(target, data)
    if problem is not None:
        return Assembled(None, [*diagnostics, problem], version)
    words = sum(item.words for item in new.parsed)
    return Assembled(target, diagnostics, version, words, len(new.project.ordered_sections()),
                     dict(redliner.counts))  # fmt: skip
