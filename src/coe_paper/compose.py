"""The paper's document from a validated project: who is credited, what the templates see, the title page,
sections, contents and annex rendered and laid out, and the package bytes with their properties."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, overload

from . import annex, captions, checks, fragments, frontmatter, marks, ooxml, ooxml_sections, pictures, toc
from .attribution import History, SectionHistory
from .diagnostics import Diagnostic, error, has_errors
from .gitlog import Version
from .model import Contributor, Project, Section, protocol_key
from .numbering import number_annex, unnumber
from .render_inline import bookmark_name
from .safedocx import Limits
from .sectionrender import SectionRenderer
from .sources import Source, SourceError, WorkTree, normalise
from .store import Store
from .template_outputs import KeptTemplates

if TYPE_CHECKING:
    from .docx_writer import DocxBuilder
    from .layout import Layout
    from .pipeline import Loaded

@dataclass
class Credits:
    """Who is credited for each section: declared in front matter, plus organisations found in git history."""

    lead: dict[str, str] = field(default_factory=dict)
    contributors: dict[str, list[str]] = field(default_factory=dict)
    history: History | None = None


def declared_credits(project: Project) -> Credits:
    credits = Credits()
    for section in project.sections:
        credits.lead[section.id] = section.meta.lead
        credits.contributors[section.id] = list(dict.fromkeys(c for c in section.meta.contributors
                                                              if c != section.meta.lead))
    return credits


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
                      and found.share(org) >= threshold]
    return credits


def _history_context(found: SectionHistory | None, orgs: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What templates see of a section's history: commits, lines, each organisation's share, the last change."""
    if found is None:
        return None
    commits = found.commits_by_org
    last = found.last_change
    shares = [{"org": orgs[org], "lines": found.lines_by_org.get(org, 0), "share": found.share(org),
               "commits": commits.get(org, 0)} for org in found.orgs if org in orgs]
    return {"commits": len(found.changes), "lines": found.lines, "shares": shares,
            "last_change": {"date": last.date.date().isoformat(), "org": orgs.get(last.org or ""),
                            "author": last.author.name} if last else None}


def _org(contributor: Contributor) -> dict[str, Any]:
    return {
        "id": contributor.id, "name": contributor.name, "short": contributor.label, "kind": contributor.kind,
        "country": contributor.country, "country_name": annex.country_name(contributor), "role": contributor.role,
        "group": annex.group_of(contributor), "coordinator": contributor.role == "coordinator",
    }


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
                               "history": _history_context(found, orgs)})
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
    }


def page_break() -> ooxml.Element:
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


B = TypeVar("B", bound="DocxBuilder")


@overload
def open_template(source: Source, path: str) -> tuple[DocxBuilder | None, list[Diagnostic]]: ...
@overload
def open_template(source: Source, path: str, kind: type[B]) -> tuple[B | None, list[Diagnostic]]: ...


def open_template(source: Source, path: str, kind: type[Any] | None = None) -> tuple[Any, list[Diagnostic]]:
    """A builder on the paper's template .docx (bounded as a reviewer's file is), or a COE802 saying why not. The
    builder opened ahead on the same bytes (`open_ahead`) is taken, once."""
    from .docx_writer import DocxBuilder, TemplateError  # python-docx loads only when a document is built

    try:
        data = source.read_bytes(normalise(path), Limits().max_total_size)
        if kind is None and _AHEAD:
            ahead = _AHEAD.pop(hashlib.sha256(data).hexdigest(), None)
            _AHEAD.clear()
            if ahead is not None:
                ahead.begin(source)
                return ahead, []
        return (kind or DocxBuilder)(data, source), []
    except (SourceError, TemplateError) as exc:
        return None, [error(path, 0, 0, "COE802", str(exc))]


#: A builder opened on the template before it was asked for, by the digest of the template's bytes (`open_ahead`).
_AHEAD: dict[str, DocxBuilder] = {}


def open_ahead(source: Source, path: str) -> DocxBuilder | None:
    """Open the template now for the next build (None: it cannot be opened; the build says why): in the resident
    process, before it forks, so that each child's build starts with the template opened and checked (about 15 ms
    of every build). A builder is used once; the next `open_template` on the same bytes takes it, and one on other
    bytes opens its own."""
    _AHEAD.clear()
    builder = open_template(source, path)[0]
    if builder is not None:
        _AHEAD[builder.template_digest] = builder
    return builder


def ahead(source: Source, path: str) -> DocxBuilder | None:
    """The builder the build will take (`open_template`), opened now if it was not ahead: the workers that render
    sections ahead of the build (parallel.py) read the template's styles from it, not from a template of their own
    (opening one takes about 15 ms)."""
    try:
        digest = hashlib.sha256(source.read_bytes(normalise(path), Limits().max_total_size)).hexdigest()
    except SourceError:
        return None  # the build says why
    return _AHEAD.get(digest) or open_ahead(source, path)


def render_docx(loaded: Loaded, version: Version, credits: Credits, paginate: bool = False,
                step: Callable[[str], None] | None = None
                ) -> tuple[bytes | None, list[Diagnostic], Layout | None]:
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
    kept = None if paginate else Store(loaded.root, "contents", builder.template_digest, pack=True, raw=True)
    builder.extend(layout(parts, contents(builder, project, kept)))
    if kept is not None:
        kept.prune(isinstance(source, WorkTree))
    data = finish(builder, project, version)
    pages = None
    if paginate:
        from .layout import heading_pages  # the layout pass (LibreOffice) only when it runs

        if step is not None:
            step("Laying out the pages with LibreOffice")
        pages = heading_pages(data, [mark for _, _, mark in builder.contents_entries])
        if toc.fill(builder, pages.pages):  # the same package with the numbers in the contents' cached result
            data = finish(builder, project, version)
    builder.close(isinstance(source, WorkTree))
    return data, found, pages


def render_parts(builder: DocxBuilder, loaded: Loaded, version: Version, credits: Credits,
                 found: list[Diagnostic], as_elements: bool = False) -> Parts:
    """Render title page, sections and annex into `builder` (which keeps numbering, links, notes, headings)."""
    project = loaded.project
    assert project is not None
    ahead = None if as_elements else loaded.ahead  # rendered while workers checked the sections, if they did
    templates = ahead.templates if ahead else KeptTemplates(loaded.source, project.config.templates, loaded.root)
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
    renderer = SectionRenderer(loaded.root, builder, by_id, starts, as_elements, ahead.bylines if ahead else None)
    named = pictures.named_pictures(loaded.root)

    def rendered(name: str, values: dict[str, Any]) -> str | None:
        text, problems = templates.render(name, values)
        if not as_elements:  # the older revision a comparison reads is not validated: its pictures may be gone
            problems += pictures.template_pictures(templates.paths.get(name, name), text or "", loaded.source, named)
        found.extend(p for p in problems if p not in found)  # a byline runs once per section: report once
        return text

    def part(name: str) -> list[ooxml.Element]:
        text = rendered(name, context)
        return renderer.part(name, text) if text is not None else []

    title_page = [*part("title_page.md.j2"), page_break(), *part("cover_back.md.j2")]
    abbreviations = part("abbreviations.md.j2")
    builder.numbering_on = True
    sections: list[tuple[Section, list[ooxml.Element]]] = []
    annexes, annex_list = project.annexes(), 0
    for index, (section, ref) in enumerate(zip(project.ordered_sections(), context["sections"], strict=True)):
        if section.id in annexes and not annex_list and project.config.numbering:
            annex_list = builder.annexes(project.config.annex_numbering)
        byline = rendered("byline.md.j2", context | {"section": ref})
        blocks = [_section_heading(builder, index, section), *(renderer.byline(byline) if byline else [])]
        body = renderer.body(index, section, parsed[section.id], elements=bool(annex_list))
        if body and ooxml_sections.is_break(body[0]):  # its title and byline go to the landscape page with its table
            blocks = builder.unslot(blocks)
        blocks += body
        if section.id in annexes and annex_list:
            number_annex(blocks, builder.heading_levels(), annex_list)
        sections.append((section, blocks))
    builder.numbering_on = bool(annex_list)  # after the outline's annexes, the contributors' is numbered with them
    listed = rendered("annex.md.j2", context)
    members = [] if listed is None else renderer.part("annex.md.j2", annex.numbered_title(listed) if annex_list
                                                      else listed)
    builder.numbering_on = False
    if annex_list:
        number_annex(members, builder.heading_levels(), annex_list)
    renderer.close(isinstance(loaded.source, WorkTree) and not as_elements)
    templates.close(isinstance(loaded.source, WorkTree) and not as_elements)
    named.prune(isinstance(loaded.source, WorkTree) and not as_elements)
    if project.config.numbering:
        unnumber([*title_page, *abbreviations, *members], builder.heading_style_ids())
    return Parts(title_page, sections, members, abbreviations)


def contents(builder: DocxBuilder, project: Project, kept: Store | None = None) -> list[ooxml.Element]:
    """The table of contents; its own title is not a numbered heading. With `kept` (a build with no layout pass,
    which changes nothing in the contents after this), as XML text written on saving (DocxBuilder.slot), kept there
    under everything it is made from: the headings with their numbers and anchors, and the template's styles."""
    title, numbered = "Contents", project.config.numbering
    key = None
    if kept is not None and builder.takes_text:
        headings = [(*heading, builder.heading_numbers.get(heading[2], "")) for heading in builder.headings
                    if heading[0] <= toc.LEVELS]
        key = kept.key(title, numbered, json.dumps(headings, ensure_ascii=False))
        data = kept.get_bytes(key)
        if data is not None:
            return [builder.slot_bytes(data)]
    blocks = toc.table_of_contents(builder, title)
    if numbered:
        unnumber(blocks[:1], builder.heading_style_ids())
    if key is None or kept is None:
        return blocks
    data = builder.slot_text(fragments.xml_text(blocks))
    kept.put_bytes(key, data)
    return [builder.slot_bytes(data)]


def layout(parts: Parts, contents: list[ooxml.Element]) -> list[ooxml.Element]:
    """The body in reading order: title page, contents, sections, annex, with page breaks between."""
    body = [b for _, blocks in parts.sections for b in blocks]
    front = [*contents, *([page_break(), *parts.abbreviations] if parts.abbreviations else [])]
    return [*parts.title_page, page_break(), *front, page_break(), *body, page_break(), *parts.annex]


def finish(builder: DocxBuilder, project: Project, version: Version,
           extra: tuple[tuple[str, str], ...] = ()) -> bytes:
    """Header, footer and properties (with the section map that `coe-paper comments` reads); the package bytes."""
    config = project.config
    builder.header_footer(f"{config.title}: {config.status}, {version.month or version.label}", "Page ")
    sections_map = [[s.id, s.path, s.body_line, s.digest] for s in project.ordered_sections()]
    from .docx_props import Properties

    props = Properties(
        title=config.title, subject=config.subtitle, language=config.language, status=config.status,
        version=version.label, identifier=version.commit, date=version.date,
        author=frontmatter.partnership(config), keywords=config.keywords,
        custom=[(marks.SECTIONS, json.dumps(sections_map, separators=(",", ":"))),
                (marks.COMMIT, version.commit or ""),
                *([(marks.CAPTIONS, json.dumps(builder.caption_ids, sort_keys=True))] * bool(builder.caption_ids)),
                *extra],
    )
    return builder.to_bytes(props)


def _section_heading(builder: DocxBuilder, index: int, section: Section) -> ooxml.Element:
    """The section's title as Heading 1, with the section's bookmark and its first source bookmark, in the
    direction of its first letter."""
    heading = ooxml.paragraph(builder.style("heading 1"))
    anchor = bookmark_name(section.id)  # claimed for the section by render_parts before anything is rendered
    ooxml.bookmark(heading, builder.next_bookmark_id(), anchor)
    ooxml.bookmark(heading, builder.next_bookmark_id(), marks.source_mark(index, 1))
    ooxml.run(heading, section.meta.title)
    ooxml.set_directions([heading])  # an Arabic or Hebrew title reads from right to left, as its contents entry
    builder.add_heading(1, section.meta.title, anchor)
    return heading
