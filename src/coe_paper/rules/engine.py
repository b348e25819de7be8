"""Run the selected editorial rules over the parsed sections: severities from paper.yaml, inline suppressions,
and COE790 for suppressions that suppress nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, cast

from ..cache import SectionCache
from ..diagnostics import Diagnostic, Severity, error
from ..model import Project
from ..project import CONFIG_PATH, load_yaml, read_text, validate_model
from ..sources import NotAFile, Source, SourceError, normalise, unreadable
from .config import ChecksConfig
from .registry import EMITTED, MODULES, Finding, Rule, rules_of
from .shipped import use_project

if TYPE_CHECKING:
    from ..checks import Parsed
    from .terms import TermList
    from .text import Prose, Suppression


@dataclass
class Context:
    """What the rules share in one run: the project, its `checks:` configuration and the paper's own lists."""

    project: Project
    source: Source
    problems: list[Diagnostic] = field(default_factory=list)  # from reading the paper's own lists
    shared: dict[str, object] = field(default_factory=dict)  # what a rule set keeps for the whole run
    finish: list[Callable[[], None]] = field(default_factory=list)  # run once after the last section

    @property
    def config(self) -> ChecksConfig:
        return self.project.config.checks

    @cached_property
    def paper_terms(self) -> list[TermList]:
        """The term lists named in `checks.terms`; a file that cannot be read or is invalid is reported."""
        if not self.config.terms:
            return []  # the usual paper, which needs no term list's module
        from .terms import TermFile, TermList

        lists: list[TermList] = []
        for index, name in enumerate(self.config.terms):
            place = ("checks", "terms", index)
            path = self._path(name, place)
            if path is None or self._missing("terms", name, path, place):
                continue
            text, found = read_text(self.source, path)
            self.problems.extend(found)
            if text is None:
                continue
            located, found = load_yaml(text, path)
            self.problems.extend(found)
            data, found = validate_model(TermFile, located, path) if located else (None, [])
            self.problems.extend(found)
            if data is not None:
                lists.append(TermList(data))
        return lists

    @cached_property
    def words(self) -> frozenset[str]:
        """The paper's word list (`checks.words`, one word a line, `#` comments): names and terms to accept."""
        place = ("checks", "words")
        path = self._path(self.config.words, place)
        if path is None or (not self.source.exists(path) and not self._special(path)
                            and "words" not in self.config.model_fields_set):
            return frozenset()
        if self._missing("words", self.config.words, path, place):
            return frozenset()
        text, found = read_text(self.source, path)
        self.problems.extend(found)
        lines = (line.split("#", 1)[0].strip() for line in (text or "").split("\n"))
        return frozenset(line for line in lines if line)

    def _missing(self, key: str, name: str, path: str, place: tuple[str | int, ...]) -> bool:
        """Whether the file paper.yaml names under `checks.KEY` is not there (or is a folder): said at its line in
        paper.yaml, where it is named, rather than at a file that does not exist. A named pipe, device or socket is
        there: reading it says what it is."""
        if self.source.exists(path) or self._special(path):
            return False
        self.problems.append(error(CONFIG_PATH, *self.project.config_place(*place), "COE003",
                                   f"checks: {key}: '{name}' is no file in the project",
                                   "give the path of the file from the project's folder"))
        return True

    def _special(self, path: str) -> bool:
        """Whether a named pipe, device or socket is at `path` (not a file, so `exists` is False, yet not absent:
        taken for no list, the paper's words were left out without a word)."""
        why = unreadable(self.source, path)
        return isinstance(why, NotAFile) and why.kind != "a folder"

    def _path(self, name: str, place: tuple[str | int, ...]) -> str | None:
        try:
            return normalise(name)
        except SourceError as exc:
            self.problems.append(error(CONFIG_PATH, *self.project.config_place(*place), "COE005", f"checks: {exc}"))
            return None


class Editor:
    """The selected editorial rules for one run, with the cache of their findings by section (see cache.py). The
    rules' modules are imported when a section is checked: a run whose sections all hit the cache needs none."""

    def __init__(self, project: Project, source: Source) -> None:
        use_project(source.root)  # the shipped lists' data is kept in this project's cache
        self.config = project.config.checks
        self.codes = [code for code in sorted(MODULES) if code not in EMITTED and self.config.selects(code)]
        self.active = bool(self.codes) or self.config.selects("COE790")
        self.context = Context(project, source)
        self.cache = _section_cache(self.context, self.codes) if self.active else None

    @cached_property
    def chosen(self) -> list[Rule]:
        """The selected rules that have a function of their own."""
        return rules_of(self.codes)

    def key(self, item: Parsed) -> str:
        assert self.cache is not None
        section = item.section
        return self.cache.key(section.path, section.body_line, section.body_digest, section.front)

    def findings(self, item: Parsed) -> list[Diagnostic]:
        """The findings in one section (not the cache's: they are worked out)."""
        from .text import read_prose
        from .title import read_title

        section, config, found = item.section, self.config, []
        prose = read_prose(section.path, section.body, section.body_line, item.tokens)
        title = read_title(section.path, section.front, section.meta.title)
        by_line: dict[int, list[Suppression]] = {}
        for suppression in prose.suppressions:
            by_line.setdefault(suppression.line, []).append(suppression)
        for rule in self.chosen:
            assert rule.check is not None
            severity = cast(Severity, config.severity_of(rule.code, rule.severity))
            for text in (title, prose) if title is not None else (prose,):
                for finding in rule.check(self.context, text):
                    if _suppressed(by_line.get(finding.line, ()), rule.code):
                        continue
                    finding = _unfixed(text, finding)
                    found.append(Diagnostic(section.path, finding.line, finding.column, rule.code, severity,
                                            finding.message, finding.hint, finding.fix))
        if config.selects("COE790"):
            found += _unused(prose, config)
        return found

    def check(self, parsed: Sequence[Parsed]) -> list[Diagnostic]:
        """Every finding in every section, from the cache where the section is unchanged; then the run's end."""
        if self.cache is None:
            return []
        found: list[Diagnostic] = []
        for item in parsed:
            key = self.key(item)
            stored = self.cache.get(key)
            if stored is None:
                stored = self.findings(item)
                self.cache.put(key, stored)
            found += stored
        for step in self.context.finish:
            step()
        self.cache.save()
        return self.context.problems + found


def check(project: Project, parsed: Sequence[Parsed], source: Source, editor: Editor | None = None
          ) -> list[Diagnostic]:
    """Every finding of the selected editorial rules in every section, suppressions applied."""
    return (editor or Editor(project, source)).check(parsed)


def _section_cache(context: Context, chosen: list[str]) -> SectionCache:
    """The cache of findings by section (see cache.py), salted with everything the rules read for the whole run
    (store.py adds coe-paper's own code); reading the paper's lists and opening the speller here also reports their
    problems when every section hits."""
    from .speller import speller

    project, codes = context.project, set(chosen)
    dictionary = speller(context) if codes & {"COE721", "COE722"} else None
    words = sorted(context.words) if "COE721" in codes and dictionary is not None else []  # read when spelling runs
    terms = [t.file.model_dump_json() for t in context.paper_terms] if "COE702" in codes else []
    salt = json.dumps({
        "rules": sorted(codes), "checks": context.config.model_dump_json(),
        "words": words, "terms": terms,
        "contributors": [c.names for c in project.contributors],
        "dictionary": dictionary.key if dictionary is not None else None,
    }, sort_keys=True, default=str)
    return SectionCache(context.source.root, salt)


def _unfixed(prose: Prose, finding: Finding) -> Finding:
    """`finding` without its fix when the fix would rewrite a stretch kept as written (a quotation, a reference link's
    label: Prose.kept), its hint saying why."""
    fix = finding.fix
    if fix is None:
        return finding
    if prose.refuses is not None and (why := prose.refuses(fix)):
        return replace(finding, hint=f"{finding.hint}; {why}" if finding.hint else why, fix=None)
    for start, end, why in prose.kept.get(fix.line - prose.body_line - 1, ()):
        if fix.column - 1 < end and fix.end - 1 > start:
            hint = f"{finding.hint}; {why}" if finding.hint else why
            return replace(finding, hint=hint, fix=None)
    return finding


def _suppressed(suppressions: Sequence[Suppression], code: str) -> bool:
    hit = False
    for suppression in suppressions:
        if code in suppression.codes:
            suppression.used.add(code)
            hit = True
    return hit


def _unused(prose: Prose, config: ChecksConfig) -> list[Diagnostic]:
    """COE790 a suppression that names no code, a code no editorial rule has, or a finding that is not there."""
    severity = cast(Severity, config.severity_of("COE790", rules_of(["COE790"])[0].severity))
    out: list[Diagnostic] = []
    for s in prose.suppressions:
        line, col = s.at
        if not s.codes:
            out.append(Diagnostic(prose.path, line, col, "COE790", severity, "suppression names no rule code",
                                  "write <!-- coe-paper: ignore COE7xx reason -->"))
        for code in s.codes:
            if code not in MODULES:
                message = f"suppression of {code}, which is no editorial rule (only COE7xx findings can be ignored)"
                out.append(Diagnostic(prose.path, line, col, "COE790", severity, message))
            elif code not in s.used and config.selects(code):
                message = f"suppression of {code}, but there is no {code} finding on line {s.line}"
                out.append(Diagnostic(prose.path, line, col, "COE790", severity, message, "delete the comment"))
    return out



