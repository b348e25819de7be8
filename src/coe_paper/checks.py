"""Validation rules, one function per rule family; each yields Diagnostics with file, line and column.

Codes: COE0xx files and YAML (see project.py), COE1xx outline, COE2xx contributors, COE3xx word limits,
COE4xx headings, COE5xx images (pictures.py; captions in captions.py), COE6xx links; COE7xx editorial rules live
in the `rules` package.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from . import a11y, captions, frontmatter, limits, numbering, pictures
from .bidi import open_in_paragraphs
from .diagnostics import Diagnostic, error, warning
from .facts import Facts, gather
from .linkdefs import Looked, unused_definitions
from .markdown import content_parser, count_words, is_safe_link, link_scheme, parse, plain_text
from .model import Project, Section
from .project import CONFIG_PATH, VALUE
from .rules import engine as editorial
from .safepaths import names_folder, output_problems
from .sources import OutsideProject, Source, SourceError, WorkTree, normalise, unreadable
from .store import Store
from .structure import nesting, open_comments, raw_html, table_cells, unreferenced_footnotes, unshown_references

if TYPE_CHECKING:
    from markdown_it.token import Token


class Parsed:
    """A section with its Markdown tokens (parsed when first asked for) and its facts (see facts.py): from the
    section cache when the section has not changed, else gathered from the tokens by `section_checks`."""

    def __init__(self, section: Section, facts: Facts | None = None) -> None:
        self.section = section
        self._tokens: list[Token] | None = None
        self.env: dict[str, Any] = {}  # the parser's environment of that parse: link definitions (linkdefs.py)
        self._facts = facts

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self.env = {"references": Looked()}
            self._tokens = parse(self.section.body, self.env)
        return self._tokens

    def forget_tokens(self) -> None:
        """Drop the tokens (a worker that is done with the section, see parallel.py); asked again, they are
        parsed again."""
        self._tokens = None

    @property
    def parsed(self) -> bool:
        """Whether the tokens were needed (the section cache did not have the section)."""
        return self._tokens is not None

    @property
    def known(self) -> bool:
        """Whether the facts are there (from the section cache, or worked out)."""
        return self._facts is not None

    @property
    def facts(self) -> Facts:
        if self._facts is None:
            raise RuntimeError(f"{self.section.path}: facts asked for before section_checks ran")
        return self._facts

    @facts.setter
    def facts(self, value: Facts) -> None:
        self._facts = value

    @cached_property
    def words(self) -> int:
        """Words of running text (markdown.count_words), counted once: the checks, templates and summary all ask."""
        return self._facts.words if self._facts is not None else count_words(self.tokens)

    @cached_property
    def lines(self) -> list[str]:
        """The body's lines, split once for every position asked of it."""
        return self.section.body.split("\n")

    def line(self, token: Token) -> int:
        """1-based file line of a block token."""
        return self.section.body_line + (token.map[0] if token.map else 0) + 1

    def position(self, token: Token, needle: str, shift: int = 0, after: tuple[int, int] | None = None
                 ) -> tuple[int, int]:
        """File (line, column) of `needle` (plus `shift` columns) in the source lines of block token `token`; with
        `after` (a position this gave before), of the next one: a link written twice on a line is found twice."""
        lines = self.lines
        start, end = token.map if token.map else (0, 1)
        for index in range(start, min(end, len(lines))):
            line, skip = self.section.body_line + index + 1, 0
            if after is not None and line <= after[0]:
                if line < after[0]:
                    continue
                skip = after[1]  # past the start of the one found before
            col = lines[index].find(needle, skip)
            if needle and col >= 0:
                return line, col + 1 + shift
        return self.position(token, needle, shift) if after is not None else (self.line(token), 1)


def section_checks(project: Project, item: Parsed) -> Facts:
    """The checks that read one section alone, and its facts for the checks that span sections."""
    found: list[Diagnostic] = []
    found += words(project, item)
    found += headings(item)
    found += typed_numbers(project, item)
    found += links(item)
    found += nesting(item.section.path, item.section.body_line, item.tokens)
    found += strikethrough(project, item)
    found += raw_html(item.section.path, item.section.body_line, item.tokens)
    found += open_comments(item.section.path, item.section.body_line, item.section.body, item.tokens)
    found += unreferenced_footnotes(item.section.path, item.section.body_line, item.section.body, item.tokens)
    found += table_cells(item.section.path, item.section.body_line, item.section.body, item.tokens)
    found += unshown_references(item.section.path, item.section.body_line, item.section.body, item.tokens)
    found += unused_definitions(item.section.path, item.section.body_line, item.section.body, item.env)
    found += open_in_paragraphs(item.section.path, item.section.body_line, item.section.body, item.tokens)
    found += captions.uncaptioned(item)
    found += captions.stray_table_captions(item)
    found += captions.pictures_in_table_captions(item)
    found += a11y.section(item)  # COE531-COE534: EN 301 549 clause 10
    return gather(item, found, project.abbreviations)


def run_all(project: Project, parsed: list[Parsed], source: Source, editor: editorial.Editor | None = None
            ) -> list[Diagnostic]:
    """Every check; each section's own are in its facts (set by the caller, from the cache or `section_checks`)."""
    found: list[Diagnostic] = []
    found += config_paths(project, source)
    found += outline(project)
    found += contributors(project)
    found += formatted_titles(project)
    anchors = link_targets(parsed) | captions.ids(parsed)  # a link to a caption's id is a cross-reference
    found += captions.duplicates(parsed)
    known = Store(source.root, "images", "", pack=True)  # pictures python-docx read before
    for item in parsed:
        found += item.facts.local
        found += internal_links(item, anchors)
        if item.facts.images:
            found += pictures.images(item, source, known)
    found += pictures.logos(project, source, known)
    known.prune(isinstance(source, WorkTree))
    template = list(a11y.template(project, source))  # COE535
    rules = editorial.check(project, parsed, source, editor)  # COE7xx, as paper.yaml's `checks:` selects them
    codes = {(d.path, d.line, d.column) for d in rules if d.code == "COE710"}
    found += frontmatter.check(project, parsed, codes)  # 'GR' is COE710's: write 'EL'
    return found + template + rules


def strikethrough(project: Project, item: Parsed) -> Iterator[Diagnostic]:
    """COE405 struck-through text in a paper whose status is final (a reader sees a deletion nobody made)."""
    if project.config.status.strip().lower() != "final":
        return
    for token in item.tokens:
        if token.type == "inline" and any(child.type == "s_open" for child in token.children or []):
            line, col = item.position(token, "~~")
            yield warning(item.section.path, line, col, "COE405", "struck-through text in a final paper",
                          "delete the words, or set the paper's status back to draft while they are discussed")


def config_paths(project: Project, source: Source) -> Iterator[Diagnostic]:
    """COE005 a path in paper.yaml that leaves the project (the abbreviations' file too: absent, it is no list, but
    one outside was left out without a word); COE802 a template .docx that does not exist."""
    config = project.config
    for key in ("output", "template", "templates", "abbreviations"):
        try:
            path = normalise(getattr(config, key))
        except SourceError as exc:
            yield error(CONFIG_PATH, *project.config_place(key), "COE005", f"{key}: {exc}")
            continue
        if key == "output" and names_folder(config.output, source.root / path) and not PurePath(path).suffix:
            # a folder's name (a folder in the way of a .docx's name is for assemble to report where it is)
            example = posixpath.join(posixpath.normpath(config.output or "."), "paper.docx")
            yield error(CONFIG_PATH, *project.config_place(key), "COE006", f"output: '{config.output}' names a folder",
                        f"name the file to write, e.g. {example}")
        elif key == "output":
            refused = output_problems(source.root, source.root / path, config, explicit=False, suffix=".docx")
            if refused:  # each at paper.yaml's `output`, found only now (see Project.config_place)
                line, col = project.config_place(key)
                yield from (replace(problem, line=line, column=col) for problem in refused)
        elif key == "template" and not source.exists(path):
            reason = unreadable(source, path)
            if isinstance(reason, OutsideProject):
                yield error(CONFIG_PATH, *project.config_place(key), "COE005", f"template: {reason}")
            else:
                yield error(CONFIG_PATH, *project.config_place(key), "COE802", f"template: '{path}' not found")
        elif key == "template":
            yield from _template_package(source, path, project, key)
        elif key == "templates":
            yield from _templates_folder(source, path, project, key)
        elif key == "abbreviations" and isinstance(reason := unreadable(source, path), OutsideProject):
            # a link out of the project
            yield error(CONFIG_PATH, *project.config_place(key), "COE005", f"abbreviations: {reason}")


def _template_package(source: Source, path: str, project: Project, key: str) -> Iterator[Diagnostic]:
    """COE802 a template .docx whose [Content_Types].xml is missing or names a part twice: Word opens no such
    package. It is checked as a reviewer's file is, after the same bounds; what else is wrong with the file, opening
    it (compose.open_template) reports at the file."""
    from .safedocx import ContentTypesError, DocxError, Limits, check_package

    try:
        check_package(source.read_bytes(path, Limits().max_total_size), "the template")
    except ContentTypesError as exc:
        yield error(CONFIG_PATH, *project.config_place(key), "COE802", str(exc))
    except (SourceError, DocxError):
        return


def _templates_folder(source: Source, path: str, project: Project, key: str) -> Iterator[Diagnostic]:
    """COE002 `templates` naming a file (it would silently fall back to the built-in templates), COE005 a folder
    that leads out of the project."""
    if source.exists(path):
        yield error(CONFIG_PATH, *project.config_place(key), "COE002",
                    f"templates: '{path}' is a file; name the folder that holds title_page.md.j2, byline.md.j2 and "
                    "annex.md.j2")
        return
    try:
        source.list_dir(path)
    except SourceError as exc:  # led out of the project, or a link loop
        code = "COE005" if isinstance(exc, OutsideProject) else "COE003"
        yield error(CONFIG_PATH, *project.config_place(key), code, f"templates: {exc}")


def outline(project: Project) -> Iterator[Diagnostic]:
    """COE102 duplicate id, COE103 not in the outline, COE104/COE105 outline entry without a section (a file that
    gives its id but cannot be read as a section has its own error: the file is there)."""
    entries = {entry.id: entry for entry in project.config.outline}
    first: dict[str, Section] = {}
    for section in project.sections:
        if section.id in first:
            line, col = section.meta_position("id")
            yield error(section.path, line, col, "COE102",
                        f"section id '{section.id}' is also used by {first[section.id].path}")
            continue
        first[section.id] = section
        if section.id not in entries:
            near = difflib.get_close_matches(section.id, list(entries), n=1)
            hint = f"did you mean '{near[0]}'?" if near else f"add it to the outline in {CONFIG_PATH}"
            message = f"section '{section.id}' is not in the paper's outline"
            yield error(section.path, *section.meta_position("id"), "COE103", message, hint)
    for index, entry in enumerate(project.config.outline):
        if entry.id not in first and entry.id not in project.unusable:
            code, make = ("COE105", error) if entry.required else ("COE104", warning)
            kind = "required section" if entry.required else "section"
            message = f"{kind} '{entry.id}' (outline position {index + 1}) has no file"
            yield make(CONFIG_PATH, *project.config_place("outline", index), code, message,
                       f"add sections/NN-{entry.id}.md with 'id: {entry.id}' in its front matter")


def contributors(project: Project) -> Iterator[Diagnostic]:
    """COE201 unknown organisation in `lead` or `contributors`, with a did-you-mean."""
    known = [c.id for c in project.contributors]
    for section in project.sections:
        refs: list[tuple[str, tuple[str | int, ...]]] = [(section.meta.lead, ("lead", VALUE))]
        refs += [(cid, ("contributors", i)) for i, cid in enumerate(section.meta.contributors)]
        for cid, key in refs:
            if cid in known:
                continue
            line, col = section.meta_position(*key)
            near = difflib.get_close_matches(cid, known, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'?" if near else "organisations are listed in contributors.yaml"
            message = f"unknown contributor '{cid}'" + (f" (did you mean '{near[0]}'?)" if near else "")
            yield error(section.path, line, col, "COE201", message, "" if near else hint)


#: What a title's Markdown would format (a bare web address, which the parser links, shows as typed as text would).
_FORMATTING = {"strong_open": "bold", "em_open": "italic", "code_inline": "code", "s_open": "strikethrough",
               "link_open": "a link", "image": "a picture", "html_inline": "HTML"}


def formatted_titles(project: Project) -> Iterator[Diagnostic]:
    """COE411 a section's title holding Markdown formatting: a title is plain text, and `**bold**` showed its
    asterisks in the heading, the contents, the PDF's bookmarks and the annex."""
    for section in project.sections:
        title = section.meta.title
        if not any(mark in title for mark in "*_`~[<"):
            continue
        children = content_parser().parseInline(title)[0].children or []
        kinds = [_FORMATTING[c.type] for c in children if c.type in _FORMATTING and c.markup != "linkify"]
        if kinds:
            plain = " ".join(plain_text(children).split())
            yield warning(section.path, *section.meta_position("title", VALUE), "COE411",
                          f"title holds Markdown formatting ({', '.join(dict.fromkeys(kinds))}), which shows as "
                          "typed: a title is plain text", f"write it as plain text: title: {plain}")


def words(project: Project, item: Parsed) -> Iterator[Diagnostic]:
    """COE301 over the outline's word limit (error), COE302 under its minimum (warning)."""
    entry = next((e for e in project.config.outline if e.id == item.section.id), None)
    if entry is None:
        return
    count = item.words
    line = item.section.body_line + 1
    counted = f"{count} word" if count == 1 else f"{count} words"
    if entry.max_words is not None and count > entry.max_words:
        yield error(item.section.path, line, 1, "COE301",
                    f"{counted}, over the limit of {entry.max_words} by {count - entry.max_words}")
    if count < entry.min_words:
        yield warning(item.section.path, line, 1, "COE302", f"{counted}, under the minimum of {entry.min_words}")


def headings(item: Parsed) -> Iterator[Diagnostic]:
    """COE402 a level-1 heading in a body (the title is level 1), COE401 a heading that skips a level. A heading
    inside a quote, a list item or a footnote is bold text where it stands, no heading of the paper."""
    level = 1
    for token in item.tokens:
        if token.type != "heading_open" or token.level:
            continue
        new = int(token.tag[1])
        line = item.line(token)
        if new == 1:
            yield warning(item.section.path, line, 1, "COE402",
                          "level-1 heading inside a section; the section title is the level-1 heading",
                          "use '##' for the section's top headings: in the document this heading starts a chapter "
                          "of its own, and every later chapter's number is one more than status and the preview "
                          "show")
        elif new > level + 1:
            yield error(item.section.path, line, 1, "COE401",
                        f"heading level {new} follows level {level}, skipping level {level + 1}",
                        f"use {'#' * (level + 1)} here")
        level = new


#: A heading's number typed by hand: "2.1", "2.1.1" or "1." before its words ("2030 targets" and "5 steps" are words).
_TYPED_NUMBER = re.compile(r"\d{1,3}(?:\.\d{1,3})+\.?(?=\s)|\d{1,3}\.(?=\s)")


def typed_numbers(project: Project, item: Parsed) -> Iterator[Diagnostic]:
    """COE410 a heading the paper numbers (`##`, `###`) that starts with a number typed by hand: with
    `numbering` on, Word numbers it too, and it showed two numbers ("2.1 2.1 Homes for all"), in the contents as
    well, the typed one wrong once the outline changes."""
    if not project.config.numbering:
        return
    for index, token in enumerate(item.tokens):
        if token.type != "heading_open" or token.level or int(token.tag[1]) > numbering.DEPTH:
            continue
        typed = _TYPED_NUMBER.match(plain_text(item.tokens[index + 1].children))
        if typed is None:
            continue
        line, col = item.position(token, typed.group())
        yield warning(item.section.path, line, col, "COE410",
                      f"heading starts with the number '{typed.group()}', and the paper numbers its headings: it "
                      "shows two numbers",
                      f"leave '{typed.group()}' out (Word numbers the heading, and renumbers it when the outline "
                      "changes), or set 'numbering: false' in paper/paper.yaml to number headings by hand")


def link_targets(parsed: list[Parsed]) -> set[str]:
    """Anchors an internal link may name: every section id and every heading's slug."""
    return {item.section.id for item in parsed} | {slug for item in parsed for slug in item.facts.slugs}


def internal_links(item: Parsed, anchors: set[str]) -> Iterator[Diagnostic]:
    """COE601 internal link to no section or heading (from the section's facts)."""
    for link in item.facts.links:
        if link.name not in anchors:
            near = difflib.get_close_matches(link.name, sorted(anchors), n=1)
            hint = (f"did you mean '#{near[0]}'?" if near else
                    "a figure's or table's id is set in its caption, e.g. 'Table: Budget {#tbl-budget}'"
                    if link.name.startswith(("fig-", "tbl-")) else "link to a section id, e.g. (#introduction)")
            message = f"link to '#{link.name}' matches no section or heading"
            yield error(item.section.path, link.line, link.column, "COE601", message, hint)


def links(item: Parsed) -> Iterator[Diagnostic]:
    """COE602 unsafe scheme, COE603 relative file link, COE008 an address past `limits.LIMITS.link_chars`."""
    for token in item.tokens:
        for child in token.children or ():
            if child.type != "link_open":
                continue
            href = str(child.attrs.get("href", ""))
            if len(href) > (most := limits.LIMITS.link_chars):
                line, col = item.position(token, f"]({href[:80]}", shift=2)
                yield error(item.section.path, line, col, "COE008", f"link address of {len(href):,} characters, "
                            f"over the {most:,} a link may have", "link to the page itself, not to a search or "
                            "data in its address")
                continue
            if href.startswith("#") or is_safe_link(href):
                continue
            line, col = item.position(token, f"]({href}", shift=2)
            scheme = link_scheme(href)
            if scheme is None:
                yield warning(item.section.path, line, col, "COE603",
                              f"relative link '{href}' will not work in the Word document",
                              "link to a section with '#section-id' or give a full https:// address")
            else:
                yield error(item.section.path, line, col, "COE602", f"link with unsafe scheme '{scheme}:'",
                            "only https:, http: and mailto: links are allowed")
