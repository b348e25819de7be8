"""Property-based tests (issue 11): for generated Markdown, front matter and templates, every run of validate and
assemble ends with diagnostics or a document, never a traceback or a hang, and every word of body text reaches the
document. Examples are capped so the whole file runs in well under a minute."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coe_paper import limits, pipeline
from coe_paper.diagnostics import has_errors
from conftest import CONTRIBUTORS_YAML, write_project

INTRO = "sections/01-intro.md"
PAPER = """\
title: Generated Paper
output: build/generated.docx
checks:
  ignore: [COE721]  # generated words are not English; looking each one up for suggestions takes seconds
outline:
  - id: intro
  - id: housing
  - id: outlook
    required: false
"""
FAST = settings(max_examples=25, deadline=20_000, suppress_health_check=[HealthCheck.too_slow], derandomize=True)

# -- Markdown as a tree of blocks, rendered to text; the words it holds are known ----------------------------------

WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9).map(lambda w: "q" + w)  # never a keyword
INLINE = st.one_of(WORD.map(lambda w: (w, w)), WORD.map(lambda w: (f"*{w}*", w)), WORD.map(lambda w: (f"**{w}**", w)),
                   WORD.map(lambda w: (f"`{w}`", w)), WORD.map(lambda w: (f"~~{w}~~", w)),
                   WORD.map(lambda w: (f"[{w}](https://example.org/{w})", w)),
                   st.integers(1, 3).map(lambda n: (f"[^{n}]", "")))

Block = tuple[str, object]


def paragraph() -> st.SearchStrategy[Block]:
    return st.lists(INLINE, min_size=1, max_size=8).map(lambda parts: ("p", parts))


def leaf() -> st.SearchStrategy[Block]:
    return st.one_of(
        paragraph(),
        st.lists(WORD, min_size=1, max_size=4).map(lambda words: ("h", words)),
        st.lists(WORD, min_size=1, max_size=6).map(lambda words: ("code", words)),
        st.integers(1, 3).flatmap(lambda cols: st.lists(st.lists(WORD, min_size=cols, max_size=cols),
                                                        min_size=2, max_size=4).map(lambda rows: ("table", rows))),
    )


def container(children: st.SearchStrategy[Block]) -> st.SearchStrategy[Block]:
    items = st.lists(st.lists(children, min_size=1, max_size=3), min_size=1, max_size=3)
    return st.one_of(items.map(lambda i: ("ul", i)), items.map(lambda i: ("ol", i)),
                     st.lists(children, min_size=1, max_size=2).map(lambda b: ("quote", b)))


def deep(depth: int, kind: str) -> Block:
    """A list or quote `depth` levels deep around one paragraph: past Word's nine list levels."""
    block: Block = ("p", [(f"qdeep{kind}{depth}", f"qdeep{kind}{depth}")])
    for _ in range(depth):
        block = ("quote", [block]) if kind == "quote" else (kind, [[block]])
    return block


BLOCKS = st.lists(st.one_of(st.recursive(leaf(), container, max_leaves=12),
                            st.tuples(st.integers(1, 30), st.sampled_from(["ul", "ol", "quote"])).map(
                                lambda spec: deep(*spec))), min_size=1, max_size=6)


def render(block: Block) -> list[str]:
    kind, value = block
    if kind == "p":
        return [" ".join(text for text, _ in value)]  # type: ignore[attr-defined]
    if kind == "h":
        return ["## " + " ".join(value)]  # type: ignore[arg-type]
    if kind == "code":
        return ["```", *value, "```"]  # type: ignore[list-item]
    if kind == "table":
        rows = [f"| {' | '.join(row)} |" for row in value]  # type: ignore[attr-defined]
        return [rows[0], "|" + " --- |" * rows[0].count(" | ") + " --- |", *rows[1:]]
    if kind == "quote":
        return [f"> {line}".rstrip() for line in blocks_text(value)]  # type: ignore[arg-type]
    lines: list[str] = []
    for index, item in enumerate(value):  # type: ignore[attr-defined]
        marker = "- " if kind == "ul" else f"{index + 1}. "
        for number, line in enumerate(blocks_text(item)):
            lines.append((marker if number == 0 else " " * len(marker)) + line if line else "")
        lines.append("")
    return lines


def blocks_text(blocks: list[Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        lines += [*render(block), ""]
    return lines[:-1]


def words_of(block: Block) -> Iterator[str]:
    kind, value = block
    if kind == "p":
        yield from (word for _, word in value if word)  # type: ignore[attr-defined]
    elif kind in ("h", "code"):
        yield from value  # type: ignore[misc]
    elif kind == "table":
        yield from (word for row in value for word in row)  # type: ignore[attr-defined]
    elif kind == "quote":
        for child in value:  # type: ignore[attr-defined]
            yield from words_of(child)
    else:
        for item in value:  # type: ignore[attr-defined]
            for child in item:
                yield from words_of(child)


FOOTNOTES = st.lists(WORD, min_size=1, max_size=3)

# -- front matter and templates: valid and hostile pieces ------------------------------------------------------

HOSTILE_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
YAML_VALUE = st.one_of(HOSTILE_TEXT.map(repr), st.sampled_from([
    "&a [*a]", "[" * 80 + "]" * 80, "9" * 5000, "2024-13-45", "{a: 1, a: 2}", "!!python/object:os.system ls",
    "<<: *nothing", "*undefined", "|\n  block text", "[rome, anct]", "~", "0x1F", "'''",
]))
FRONT = st.one_of(
    st.just("id: intro\ntitle: Introduction\nlead: rome\ncontributors: [anct]\n"),
    st.tuples(st.sampled_from(["id", "title", "lead", "contributors", "status", "extra", "<<"]), YAML_VALUE).map(
        lambda kv: f"id: intro\ntitle: Introduction\nlead: rome\n{kv[0]}: {kv[1]}\n"),
    HOSTILE_TEXT,
)
TEMPLATE_PIECE = st.one_of(st.sampled_from([
    "{{ section.title }}", "{{ section.lead.name }}", "{{ paper.title | upper }}", "{{ 'A' * 10**9 }}",
    "{{ 1 / 0 }}", "{{ nothing.here }}", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
    "{% endfor %}", "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "{% include 'byline.md.j2' %}",
    "{{ range(10**9) | list }}", "{{ '%0999999999d' % 1 }}", "{{ section.words * 'x' }}", "{% if %}", "{{",
    "{{ section.contributors | map(attribute='short') | join(', ') }}", "{.Byline}\n", "\n",
]), HOSTILE_TEXT)
TEMPLATE = st.lists(TEMPLATE_PIECE, min_size=1, max_size=4).map("".join)


@pytest.fixture(scope="module")
def project() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="coe-properties-"))
    root = write_project(folder / "paper", {"paper/paper.yaml": PAPER, "contributors.yaml": CONTRIBUTORS_YAML})
    (root / "paper" / "templates").mkdir(exist_ok=True)
    yield root
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def quick_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=1.0))


def run(root: Path) -> tuple[pipeline.Assembled, Path]:
    """validate, then assemble: each ends with diagnostics, or a document and its path."""
    checked = pipeline.check(root)
    output = root / "build" / "generated.docx"
    output.unlink(missing_ok=True)
    built = pipeline.assemble(root, output)
    assert (built.output is not None) == output.exists()
    if built.output is None:
        assert has_errors(built.diagnostics) or built.diagnostics, "nothing written and nothing said"
    elif not has_errors(checked.diagnostics):
        assert not has_errors(built.diagnostics)
    return built, output


def document_text(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        xml = "".join(package.read(name).decode() for name in ("word/document.xml", "word/footnotes.xml")
                      if name in package.namelist())
    return " ".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))


@FAST
@given(blocks=BLOCKS, notes=FOOTNOTES)
def test_every_word_reaches_the_document(project: Path, blocks: list[Block], notes: list[str]) -> None:
    body = "\n".join(blocks_text(blocks)) + "\n\n" + "".join(f"[^{n}]: {w}\n" for n, w in enumerate(notes, 1))
    (project / INTRO).write_text(f"---\nid: intro\ntitle: Introduction\nlead: rome\n---\n\n{body}")
    (project / "paper/templates/byline.md.j2").unlink(missing_ok=True)
    built, output = run(project)
    assert built.output is not None, [d.as_text() for d in built.diagnostics if d.severity == "error"]
    text = document_text(output)
    cited = {int(n) for n in re.findall(r"\[\^(\d)\]", body.split("\n\n[^1]:")[0])}
    expected = [w for block in blocks for w in words_of(block)] + [w for n, w in enumerate(notes, 1) if n in cited]
    missing = [word for word in expected if word not in text]
    assert not missing, f"words lost: {missing}\n{body}"


@FAST
@given(front=FRONT, blocks=BLOCKS, noise=HOSTILE_TEXT)
def test_any_front_matter_and_body_end_in_diagnostics_or_a_document(
    project: Path, front: str, blocks: list[Block], noise: str
) -> None:
    body = "\n".join(blocks_text(blocks)) + "\n\n" + noise + "\n"
    (project / INTRO).write_text(f"---\n{front}\n---\n\n{body}", encoding="utf-8")
    (project / "paper/templates/byline.md.j2").unlink(missing_ok=True)
    run(project)


@FAST
@given(template=TEMPLATE)
def test_any_template_ends_in_diagnostics_or_a_document(project: Path, template: str) -> None:
    (project / INTRO).write_text("---\nid: intro\ntitle: Introduction\nlead: rome\n---\n\nSome words here.\n")
    (project / "paper/templates/byline.md.j2").write_text(template, encoding="utf-8")
    built, _ = run(project)
    if built.output is None:
        assert any(d.path.startswith("paper/templates/") for d in built.diagnostics), built.diagnostics
