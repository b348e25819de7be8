"""The templates' kept outputs (template_outputs.py): their key holds everything an output depends on, so a kept
output is always what rendering would give; a warm build or an edited section renders no template and imports no
Jinja2."""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jinja2 import TemplateSyntaxError, nodes

from coe_paper import compose, gitlog, limits, pipeline, template_outputs
from coe_paper.sources import WorkTree
from coe_paper.template_outputs import KeptTemplates, code, mentions
from coe_paper.templates import Templates
from conftest import REPO_ROOT, MakeProject

NAMES = ("section", "paper", "sections")


@pytest.fixture(autouse=True)
def _epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


# -- what a template reads ------------------------------------------------------------------------------------------
@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    def inner() -> str:  # a name, or an expression in brackets: anything may follow it
        found = draw(expressions(depth + 1)) if depth < 3 else draw(st.sampled_from(NAMES))
        return found if found.isidentifier() else f"({found})"

    kind = draw(st.integers(0, 8))
    if kind == 0:
        return draw(st.sampled_from((*NAMES, "x", "loop")))
    if kind == 1:
        return inner() + draw(st.sampled_from((".", " . ", ".\n"))) + draw(st.sampled_from(("lead", "words", "items")))
    if kind == 2:
        return f"{inner()}[{draw(st.sampled_from(('0', repr('lead'), 'x')))}]"
    if kind == 3:  # a string or a number, and what follows it
        literal = draw(st.sampled_from(('"}}"', "'%}'", '"{{ section }}"', '"a\\"}}b"', "'#}'", "1", "2.5", "none")))
        return f"{literal} ~ {inner()}"
    if kind == 4:  # brackets that close like a tag's end, and what follows them
        return "{'k': {'j': " + inner() + "}} ~ [[" + inner() + "]]"
    if kind == 5:
        return f"({inner()} ~ {inner()})"
    if kind == 6:
        return f"{inner()}|{draw(st.sampled_from(('length', 'string', 'tojson', 'first')))}"
    if kind == 7:
        return f"[{inner()}, ({inner()})]"
    return f"{inner()} if {inner()} else {inner()}"


@st.composite
def templates(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 6 if depth < 2 else 3))
        if kind == 0:
            parts.append(draw(st.sampled_from(("text ", "the sections ", " }} %} #} ", "'", '"', "section.words ",
                                               "\n"))))
        elif kind == 1:
            parts.append("{{" + draw(st.sampled_from((" ", "- ", ""))) + draw(expressions()) + draw(
                st.sampled_from((" }}", "}}", " -}}"))))
        elif kind == 2:
            parts.append("{# " + draw(st.sampled_from(("section", "}} %} {{", "' \""))) + " #}")
        elif kind == 3:
            parts.append("{% raw %}" + draw(st.sampled_from(("{{ section }}", "{{ '", "%} }}"))) + "{%- endraw %}")
        elif kind == 4:
            parts.append(f"{{% if {draw(expressions())} %}}{draw(templates(depth + 1))}{{% else -%}}"
                         f"{draw(templates(depth + 1))}{{% endif %}}")
        elif kind == 5:
            parts.append(f"{{% for item in {draw(expressions())} %}}{draw(templates(depth + 1))}{{% endfor %}}")
        else:
            parts.append(f"{{% set y = {draw(expressions())} %}}{{{{ y }}}}")
    return "".join(parts)


@functools.cache
def _environment() -> Any:
    return Templates(WorkTree(REPO_ROOT), "paper/templates").env


def read_by_jinja(template: str) -> dict[str, frozenset[str] | None]:
    """What Jinja's own parser says `template` reads of NAMES: the attributes, or None for the whole value."""
    tree = _environment().parse(template)
    parents: dict[int, nodes.Node] = {}
    for node in tree.find_all(nodes.Node):
        for child in node.iter_child_nodes():
            parents[id(child)] = node
    found: dict[str, set[str] | None] = {}
    for name in tree.find_all(nodes.Name):
        if name.ctx != "load" or name.name not in NAMES:
            continue
        parent = parents.get(id(name))
        attributes = found.setdefault(name.name, set())
        if isinstance(parent, nodes.Getattr) and parent.node is name and attributes is not None:
            attributes.add(parent.attr)
        else:
            found[name.name] = None
    return {name: frozenset(attributes) if attributes is not None else None for name, attributes in found.items()}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates())
def test_what_a_template_reads_is_found_in_its_code(template: str) -> None:
    """Every name Jinja's parser reads, found in the code `code` keeps: read as a whole there too, or through at
    least the attributes Jinja reads it through."""
    try:
        truth = read_by_jinja(template)
    except TemplateSyntaxError:  # not a template (the strategy makes few): nothing to compare
        return
    found = mentions(code(template), NAMES)
    for name, attributes in truth.items():
        assert name in found, (template, name)
        if attributes is None:
            assert found[name] is None, (template, name)
        else:
            assert found[name] is None or attributes <= found[name], (template, name)


def test_code_is_what_jinja_reads_as_code() -> None:
    template = ('The sections and the paper.\n{{ "}}" ~ section.lead }} {{ {"a": {"b": 1}} ~ paper.draft }}\n'
                "{# sections #}{% raw %}{{ sections }}{% endraw %} {{ section['id'] }} {{ section . status }}")
    assert mentions(code(template), NAMES) == {"section": None, "paper": frozenset({"draft"}),
                                               "sections": None}
    assert mentions(code("Prose about sections, the paper and its version. {{ paper.title }}"), NAMES) == {
        "paper": frozenset({"title"})}
    assert code('{{ "never closed }} {{ sections }}') == '{{ "never closed }} {{ sections }}'


# -- kept outputs are what rendering gives ---------------------------------------------------------------------------
BYLINES = {
    "attributes": "{.Byline}\nLead: {{ section.lead.name }}, {{ section.words }} words. {{ paper.draft }}\n",
    "whole": "{.Byline}\n{{ section['id'] }} {% for s in sections %}{{ s.title }} {{ s.words }}; {% endfor %}\n",
    "methods": ("{.Byline}\n{% for k, v in section.items() %}{{ k }}={{ v }} {% endfor %}"
                "{{ section.missing is defined }}\n"),
    "included": "{.Byline}\n{% include 'part.md.j2' %}\n",
}


def leaves(value: object, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The paths to every value inside `value` that is not a dict or list (and to every dict and list too)."""
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))


def changed(context: dict[str, Any], path: tuple[Any, ...], how: int) -> dict[str, Any]:
    """A copy of `context` with the value at `path` changed (its value, or only its type)."""
    other = copy.deepcopy(context)
    holder: Any = other
    for step in path[:-1]:
        holder = holder[step]
    value = holder[path[-1]]
    if isinstance(value, bool) or value is None:
        new: object = [not value, "True", 1][how]
    elif isinstance(value, int | float):
        new = [value + 1, float(value) if isinstance(value, int) else int(value), str(value)][how]
    elif isinstance(value, str):
        new = [value + "x", value.upper() + "!", [value]][how]
    elif isinstance(value, list):
        new = [value[:-1], [*value, "x"], tuple(value)][how]
    else:
        new = [{**value, "extra": 1}, {key: value[key] for key in reversed(value)}, None][how]
    holder[path[-1]] = new
    return other


@pytest.mark.parametrize("byline", sorted(BYLINES))
def test_a_kept_output_is_always_what_rendering_gives(make_project: MakeProject, byline: str,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Any value in a template's context changed, or only its type, gives the output rendering gives: a value the
    key left out would give the kept output of the unchanged context instead. The 5,700 fresh renderings of a case
    take about 2 s, and took 9.6 of the 10 s all of a build's renderings may take on a busy machine (where they were
    stopped once): they get ten minutes, and none may be stopped (two renderings stopped alike compare equal)."""
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=600.0))
    part = "{{ section.status }} {{ section.history }} {{ version.label }}"
    root = make_project({"paper/templates/byline.md.j2": BYLINES[byline], "paper/templates/part.md.j2": part},
                        git=True)
    loaded = pipeline.load(root)
    assert loaded.project is not None
    credits = compose.credits_for(loaded.project, pipeline.attribute(loaded))
    context = compose.template_context(loaded.project, loaded.parsed, gitlog.version_of(root), credits)
    byline_context = context | {"section": context["sections"][0]}
    fresh = Templates(loaded.source, "paper/templates")
    checked = 0
    for name, values in [("byline.md.j2", byline_context), ("annex.md.j2", context), ("cover_back.md.j2", context)]:
        kept = KeptTemplates(loaded.source, "paper/templates", root)
        assert kept.render(name, values) == fresh.render(name, values)  # rendered, and kept
        for path in [path for path in leaves(values) if path]:
            for how in range(3):
                other = changed(values, path, how)
                rendered = fresh.render(name, other)
                assert kept.render(name, other) == rendered, (name, path, how)
                assert all(problem.code != "COE803" for problem in rendered[1]), rendered
                checked += 1
        assert kept.rendered < checked  # some changes left the key alone: those outputs were kept ones
    assert checked > 500


def test_templates_that_print_by_chance_are_not_kept(make_project: MakeProject) -> None:
    """Templates of which one can draw at random (`random`, `lipsum`) keep nothing; an output that shows an
    object's address is not kept."""
    context = {"paper": {"draft": True}, "section": {}}
    for byline, kept in (("{{ [1, 2, 3] | random }}", None), ("{{ joiner() }}", False), ("{{ paper.draft }}", True)):
        root = make_project({"paper/templates/byline.md.j2": "{.Byline}\n" + byline + "\n"}, git=True)
        assert pipeline.assemble(root, root / "out.docx").output is not None
        outputs = KeptTemplates(WorkTree(root), "paper/templates", root)
        assert outputs.keep is (kept is not None) and bool(outputs.store._pack()) is outputs.keep, byline
        outputs.render("byline.md.j2", context)
        assert (outputs.store.get(outputs._key("byline.md.j2", context) or "") is not None) is bool(kept), byline


# -- a warm build renders no template ------------------------------------------------------------------------------
def test_a_warm_build_and_an_edit_render_no_template_nor_import_jinja(make_project: MakeProject) -> None:
    root = make_project(git=True)
    script = ("import sys\nfrom pathlib import Path\nfrom coe_paper import pipeline, template_outputs\n"
              "rendered = []\nclose = template_outputs.KeptTemplates.close\n"
              "template_outputs.KeptTemplates.close = lambda self, drop=True: rendered.append(self.rendered) or "
              "close(self, drop)\n"
              f"root = Path({str(root)!r})\nassert pipeline.assemble(root, root / 'out.docx').output is not None\n"
              "print(rendered, 'jinja2' in sys.modules)\n")

    def run() -> str:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src"), "SOURCE_DATE_EPOCH": "1700000000"}
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                              check=True).stdout.strip()

    assert run() == "[7] True"  # cold: the title page, its back, abbreviations, a byline each (3), the annex
    assert run() == "[0] False"
    section = root / "sections" / "03-outlook.md"
    section.write_text(section.read_text(encoding="utf-8") + "\nA sentence more.\n", encoding="utf-8")
    assert run() == "[2] True"  # the version is now "with uncommitted changes": the title page and its back show it
    section.write_text(section.read_text(encoding="utf-8") + "\nAnd another.\n", encoding="utf-8")
    assert run() == "[0] False"


def test_the_key_holds_the_libraries_and_limits(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(git=True)
    salts = {KeptTemplates(WorkTree(root), "paper/templates", root).store.salt}
    monkeypatch.setattr(template_outputs, "_library_stamp", lambda: "jinja2/__init__.py:1:2")
    salts.add(KeptTemplates(WorkTree(root), "paper/templates", root).store.salt)
    monkeypatch.setattr(template_outputs.limits, "LIMITS", template_outputs.limits.Limits(template_output=10))
    salts.add(KeptTemplates(WorkTree(root), "paper/templates", root).store.salt)
    (root / "paper" / "templates").mkdir(exist_ok=True)
    (root / "paper" / "templates" / "annex.md.j2").write_text("# Annex\n", encoding="utf-8")
    salts.add(KeptTemplates(WorkTree(root), "paper/templates", root).store.salt)
    assert len(salts) == 4
