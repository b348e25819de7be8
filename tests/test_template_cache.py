"""A template's rendering is kept under the values it reads: rendered again when one of them (or any template)
changes, never for a value it does not read, and never when its output is not a function of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from coe_paper.sources import WorkTree
from coe_paper.templates import Templates
from conftest import MakeProject

BYLINE = "paper/templates/byline.md.j2"


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the templates actually rendered (not taken from the cache)."""
    rendered: list[str] = []
    real = Templates._render

    def render(self: Templates, name: str, context: dict[str, Any]) -> tuple[str | None, list[Any]]:
        rendered.append(name)
        return real(self, name, context)

    monkeypatch.setattr(Templates, "_render", render)
    return rendered


def run(root: Path, context: dict[str, Any], name: str = "byline.md.j2") -> str | None:
    templates = Templates(WorkTree(root), "paper/templates")
    text, problems = templates.render(name, context)
    assert not problems, problems
    templates.close()
    return text


def test_a_rendering_is_reused_while_what_it_reads_is_the_same(make_project: MakeProject,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({BYLINE: "By {{ section.lead }}.\n"}, git=True)
    rendered = counted(monkeypatch)
    first = run(root, {"section": {"lead": "Rome"}, "sections": [1]})
    assert run(root, {"section": {"lead": "Rome"}, "sections": [1, 2]}) == first == "By Rome.\n"  # not read
    assert rendered == ["byline.md.j2"]
    assert run(root, {"section": {"lead": "Leipzig"}, "sections": [1]}) == "By Leipzig.\n"
    (root / BYLINE).write_text("Led by {{ section.lead }}.\n", encoding="utf-8")  # another template text
    assert run(root, {"section": {"lead": "Rome"}, "sections": [1]}) == "Led by Rome.\n"
    assert rendered == ["byline.md.j2"] * 3


def test_what_an_included_template_reads_counts(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({BYLINE: "By {{ section.lead }}{% include 'status.md.j2' %}\n",
                         "paper/templates/status.md.j2": " ({{ paper.status }})"}, git=True)  # fmt: skip
    rendered = counted(monkeypatch)
    assert run(root, {"section": {"lead": "Rome"}, "paper": {"status": "draft"}}) == "By Rome (draft)"
    assert run(root, {"section": {"lead": "Rome"}, "paper": {"status": "final"}}) == "By Rome (final)"
    assert len(rendered) == 2


@pytest.mark.parametrize("code", ["{{ [1, 2, 3] | random }}", "{% include section.lead %}"])
def test_a_rendering_that_is_not_a_function_of_its_values_is_not_kept(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, code: str) -> None:  # fmt: skip
    """A random choice, or a template named only when it runs: rendered every time."""
    root = make_project({BYLINE: code + "\n", "paper/templates/rome.j2": "Rome"}, git=True)
    rendered = counted(monkeypatch)
    for _ in range(2):
        run(root, {"section": {"lead": "rome.j2"}})
    assert len(rendered) == 2


def test_a_byline_is_rendered_again_only_for_the_section_that_changed(make_project: MakeProject,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from coe_paper import pipeline

    root = make_project(git=True)
    assert pipeline.assemble(root, root / "a.docx").output is not None
    rendered = counted(monkeypatch)
    section = sorted((root / "sections").glob("*.md"))[0]
    section.write_text(section.read_text(encoding="utf-8") + "\nOne sentence more.\n", encoding="utf-8")
    assert pipeline.assemble(root, root / "b.docx").output is not None
    assert rendered.count("byline.md.j2") == 1, rendered  # its word count changed; the others' did not
