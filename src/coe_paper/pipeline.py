"""The build, stage after stage: load, validate, attribute, render, write."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import checks, ooxml
from .diagnostics import Diagnostic, error, has_errors
from .docx_writer import DocxBuilder, Properties, TemplateError, write_atomic
from .gitlog import Version, version_of
from .markdown import count_words, parse, template_parser
from .model import COUNTRY_NAMES, Contributor, Project, Section, protocol_key
from .project import load_project
from .render import Origin, Renderer, bookmark_name
from .sources import GitRevision, Source, SourceError, WorkTree, normalise
from .templates import Templates


@dataclass
class Loaded:
    """A project read and checked: what every command starts from."""

    root: Path
    source: Source
    project: Project | None
    parsed: list[checks.Parsed]
    diagnostics: list[Diagnostic]


@dataclass
class Assembled:
    output: Path | None
    diagnostics: list[Diagnostic]
    version: Version | None = None
    words: int = 0
    sections: int = 0


@dataclass
class Credits:
    """Who is credited for each section (declared in front matter)."""

    lead: dict[str, str] = field(default_factory=dict)
    contributors: dict[str, list[str]] = field(default_factory=dict)


def open_source(root: Path, rev: str | None) -> Source:
    return GitRevision(root, rev) if rev else WorkTree(root)


def load(root: Path, rev: str | None = None) -> Loaded:
    """Read and validate the project (from the work tree, or from git at `rev`)."""
    try:
        source = open_source(root, rev)
    except SourceError as exc:
        return Loaded(root, WorkTree(root), None, [], [error(".", 0, 0, "COE003", str(exc))])
    project, diagnostics = load_project(source)
    if project is None:
        return Loaded(root, source, None, [], diagnostics)
    parsed = [checks.Parsed(section, parse(section.body)) for section in project.sections]
    diagnostics += checks.run_all(project, parsed, source)
    return Loaded(root, source, project, parsed, diagnostics)


def declared_credits(project: Project) -> Credits:
    credits = Credits()
    for section in project.sections:
        credits.lead[section.id] = section.meta.lead
        credits.contributors[section.id] = [c for c in section.meta.contributors if c != section.meta.lead]
    return credits


def _org(contributor: Contributor) -> dict[str, Any]:
    return {
        "id": contributor.id, "name": contributor.name, "short": contributor.label, "kind": contributor.kind,
        "country": contributor.country, "country_name": COUNTRY_NAMES[contributor.country], "role": contributor.role,
    }  # fmt: skip


def template_context(
    project: Project, parsed: list[checks.Parsed], version: Version, credits: Credits
) -> dict[str, Any]:
    """What the templates see: the paper, its version, its sections and its organisations."""
    orgs = {c.id: _org(c) | {"led": [], "contributed": []} for c in project.contributors}
    words = {item.section.id: count_words(item.tokens) for item in parsed}
    sections = []
    for section in project.ordered_sections():
        ref = {"id": section.id, "title": section.meta.title}
        lead = orgs.get(credits.lead.get(section.id, ""))
        contributors = [orgs[c] for c in credits.contributors.get(section.id, []) if c in orgs]
        if lead is not None:
            lead["led"].append(ref)
        for org in contributors:
            org["contributed"].append(ref)
        sections.append(ref | {"status": section.meta.status, "lead": lead, "contributors": contributors,
                               "words": words.get(section.id, 0)})  # fmt: skip
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
                  "language": config.language},
        "version": {"label": version.label, "describe": version.describe, "commit": version.commit,
                    "short": version.short, "date": version.day, "dirty": version.dirty},
        "sections": sections, "organisations": organisations, "countries": countries,
    }  # fmt: skip


def _template_blocks(builder: DocxBuilder, templates: Templates, name: str, context: dict[str, Any],
                     found: list[Diagnostic]) -> list[ooxml.Element]:  # fmt: skip
    text, problems = templates.render(name, context)
    found.extend(problems)
    if text is None:
        return []
    return Renderer(builder).render(template_parser().parse(text))


def _page_break() -> ooxml.Element:
    p = ooxml.paragraph()
    ooxml.page_break(p)
    return p


def render_docx(loaded: Loaded, version: Version, credits: Credits) -> tuple[bytes | None, list[Diagnostic]]:
    """The .docx bytes for a validated project."""
    project, source = loaded.project, loaded.source
    assert project is not None
    found: list[Diagnostic] = []
    config = project.config
    try:
        builder = DocxBuilder(source.read_bytes(normalise(config.template)), source)
    except (SourceError, TemplateError) as exc:
        return None, [error(config.template, 0, 0, "COE802", str(exc))]
    templates = Templates(source, config.templates)
    context = template_context(project, loaded.parsed, version, credits)
    title_page = _template_blocks(builder, templates, "title_page.md.j2", context, found)
    parsed = {item.section.id: item for item in loaded.parsed}
    body: list[ooxml.Element] = []
    for index, (section, ref) in enumerate(zip(project.ordered_sections(), context["sections"], strict=True)):
        section_context = context | {"section": ref}
        body += _section_blocks(builder, templates, index, section, parsed[section.id], section_context, found)
    annex = _template_blocks(builder, templates, "annex.md.j2", context, found)
    if has_errors(found):
        return None, found
    builder.extend(title_page)
    builder.extend([_page_break(), *builder.table_of_contents("Contents"), _page_break()])
    builder.extend(body)
    builder.extend([_page_break(), *annex])
    builder.header_footer(f"{config.title}: {config.status}, {version.label}", "Page ")
    sections_map = [[s.id, s.path, s.body_line] for s in project.ordered_sections()]
    props = Properties(
        title=config.title, subject=config.subtitle, language=config.language, status=config.status,
        version=version.label, identifier=version.commit, date=version.date,
        custom=[("coe-paper:sections", json.dumps(sections_map, separators=(",", ":"))),
                ("coe-paper:commit", version.commit or "")],
    )  # fmt: skip
    return builder.to_bytes(props), found


def _section_blocks(builder: DocxBuilder, templates: Templates, index: int, section: Section, item: checks.Parsed,
                    context: dict[str, Any], found: list[Diagnostic]) -> list[ooxml.Element]:  # fmt: skip
    """Heading (with the section's bookmark), byline, then the rendered body."""
    heading = ooxml.paragraph(builder.style("heading 1"))
    anchor = bookmark_name(section.id)
    builder.claim_anchor(anchor)
    ooxml.bookmark(heading, builder.next_bookmark_id(), anchor)
    ooxml.bookmark(heading, builder.next_bookmark_id(), f"_Coe{index}_1")
    ooxml.run(heading, section.meta.title)
    builder.add_heading(1, section.meta.title, anchor)
    blocks = [heading, *_template_blocks(builder, templates, "byline.md.j2", context, found)]
    base_dir = section.path.rsplit("/", 1)[0]
    origin = Origin(section=index, line_offset=section.body_line, base_dir=base_dir)
    blocks += Renderer(builder, origin).render(item.tokens)
    return blocks


def assemble(root: Path, output: Path | None = None, rev: str | None = None) -> Assembled:
    """Validate, then build the .docx; nothing is written when there are errors."""
    loaded = load(root, rev)
    if loaded.project is None or has_errors(loaded.diagnostics):
        return Assembled(None, loaded.diagnostics)
    version = version_of(root, rev)
    credits = declared_credits(loaded.project)
    data, problems = render_docx(loaded, version, credits)
    diagnostics = loaded.diagnostics + problems
    if data is None:
        return Assembled(None, diagnostics, version)
    target = output or root / normalise(loaded.project.config.output)
    try:
        write_atomic(target, data)
    except OSError as exc:
        problem = error(str(target), 0, 0, "COE006", f"cannot write the document: {exc.strerror or exc}")
        return Assembled(None, [*diagnostics, problem], version)
    words = sum(count_words(item.tokens) for item in loaded.parsed)
    return Assembled(target, diagnostics, version, words, len(loaded.project.ordered_sections()))
