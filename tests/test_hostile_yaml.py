"""Hostile YAML (issue 11): alias bombs, recursive aliases, huge numbers, deep nesting and duplicate keys end in a
diagnostic with file and line, quickly, in front matter, paper.yaml and contributors.yaml alike."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CONTRIBUTORS_YAML, INTRO_BODY, PAPER_YAML, MakeProject, cli, section_text

INTRO = "sections/01-intro.md"


def alias_bomb(levels: int = 9) -> str:
    """`levels` nested anchors of nine aliases each: 9**levels values once expanded (387 million for nine)."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def merge_bomb(levels: int = 9) -> str:
    """The same growth through merge keys (`<<`), which PyYAML copies into every mapping that merges them."""
    lines = ["m0: &m0 {k0: 1, k1: 1, k2: 1, k3: 1, k4: 1, k5: 1, k6: 1, k7: 1, k8: 1}"]
    for level in range(1, levels):
        fields = ", ".join(f"f{i}: *m{level - 1}" for i in range(8))
        lines.append(f"m{level}: &m{level} {{<<: *m{level - 1}, {fields}}}")
    return "\n".join(lines) + "\n"


def in_front_matter(extra: str) -> dict[str, str]:
    front = "---\nid: intro\ntitle: Introduction\nlead: rome\n" + extra + "---\n\n" + INTRO_BODY
    return {INTRO: front}


PLACES: dict[str, tuple[str, Callable[[str], dict[str, str]]]] = {
    "front matter": (INTRO, in_front_matter),
    "paper.yaml": ("paper/paper.yaml", lambda extra: {"paper/paper.yaml": PAPER_YAML + extra}),
    "contributors.yaml": ("contributors.yaml", lambda extra: {"contributors.yaml": CONTRIBUTORS_YAML + extra}),
}


@pytest.mark.parametrize("bomb", [alias_bomb, merge_bomb], ids=["anchors", "merge-keys"])
@pytest.mark.parametrize("place", list(PLACES))
def test_alias_bombs_are_refused_quickly(make_project: MakeProject, place: str, bomb: Callable[[], str]) -> None:
    path, files = PLACES[place]
    root = make_project(files(bomb()))
    started = time.monotonic()
    result = cli("--project", str(root), "validate")
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    assert f"{path}:" in result.stderr and "COE009" in result.stderr
    assert "alias bomb" in result.stderr


@pytest.mark.parametrize("place", list(PLACES))
def test_recursive_alias_is_a_diagnostic(make_project: MakeProject, place: str) -> None:
    path, files = PLACES[place]
    root = make_project(files("loop: &loop [a, *loop]\n"))
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert "error COE009 an alias refers to the collection it is part of (a recursive alias)" in result.stderr
    assert f"{path}:" in result.stderr


def test_five_thousand_digit_integer_is_a_diagnostic_with_its_line(make_project: MakeProject) -> None:
    root = make_project(in_front_matter("words: " + "9" * 5000 + "\n"))
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{INTRO}:5:8: error COE009 a number with 5,000 digits (at most 1,000)" in result.stderr


def test_impossible_date_is_a_syntax_error_with_its_line(make_project: MakeProject) -> None:
    root = make_project(in_front_matter("due: !!timestamp 2024-13-45\n"))  # untagged, a date is its text
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{INTRO}:5:6: error COE001" in result.stderr and "2024-13-45" in result.stderr


def test_deeply_nested_yaml_is_a_diagnostic(make_project: MakeProject) -> None:
    root = make_project({"paper/paper.yaml": PAPER_YAML + "deep: " + "[" * 5000 + "]" * 5000 + "\n"})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert "paper/paper.yaml" in result.stderr and "COE009 values nested more than 64 levels deep" in result.stderr


def test_duplicate_key_is_an_error_naming_both_lines(make_project: MakeProject) -> None:
    text = section_text("intro", INTRO_BODY, title="Introduction").replace("lead: rome\n", "lead: rome\nlead: anct\n")
    root = make_project({INTRO: text})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{INTRO}:5:1: error COE010 duplicate key 'lead' (first on line 4)" in result.stderr


def test_duplicate_key_in_a_flow_mapping_on_one_line(make_project: MakeProject) -> None:
    root = make_project({"paper/paper.yaml": PAPER_YAML + "extra: {a: 1, a: 2}\n"})
    result = cli("--project", str(root), "validate")
    assert "paper/paper.yaml:19:15: error COE010 duplicate key 'a' (first on line 19)" in result.stderr


def test_shared_anchor_within_limits_still_works(make_project: MakeProject, tmp_path: Path) -> None:
    """Aliases themselves are fine: a contributors list reused by anchor loads as before."""
    text = section_text("intro", INTRO_BODY, title="Introduction", contributors="&who [anct, leipzig]")
    root = make_project({INTRO: text}, git=True)
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("place", "old", "new", "where"), [
    ("front matter", "title: Introduction\n", 'title: "Intro\\x07duction"\n', f"{INTRO}:3:8"),
    ("paper.yaml", "title: Test Paper\n", 'title: "Test\\0 Paper"\n', "paper/paper.yaml:1:8"),
    ("contributors.yaml", "name: Metropolitan City of Rome\n", 'name: "Metropolitan City of Rome\\e"\n',
     "contributors.yaml:3:11"),
])
def test_control_character_written_as_a_yaml_escape_is_coe004(make_project: MakeProject, tmp_path: Path,
                                                              place: str, old: str, new: str, where: str) -> None:
    """YAML's escapes ("\\0", "\\x07", "\\e") make characters Word cannot hold, which the raw text does not show:
    validate reports them where the value is, and assemble stops there rather than ending in a traceback."""
    base = {INTRO: section_text("intro", INTRO_BODY, title="Introduction"), "paper/paper.yaml": PAPER_YAML,
            "contributors.yaml": CONTRIBUTORS_YAML}
    path = PLACES[place][0]
    assert old in base[path]
    root = make_project({path: base[path].replace(old, new, 1)})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert f"{where}: error COE004 control character" in result.stderr
    output = tmp_path / "out.docx"
    built = cli("--project", str(root), "assemble", "--no-layout", "-o", str(output))
    assert built.exit_code == 1 and "COE004" in built.stderr
    assert not output.exists()


def test_a_list_file_paper_yaml_names_that_is_not_there_is_reported_where_it_is_named(
        make_project: MakeProject) -> None:
    """A term list or word list named under `checks:` that did not exist, or was a folder, was reported at its own
    path with no line (`paper: error COE003 cannot read 'paper': Is a directory`): nothing said where it was named."""
    checks = "checks:\n  terms: [paper/missing-terms.yaml, paper]\n  words: paper/missing-words.txt\n"
    root = make_project({"paper/paper.yaml": PAPER_YAML + checks})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    for line, col, key, name in ((20, 11, "terms", "paper/missing-terms.yaml"), (20, 37, "terms", "paper"),
                                 (21, 3, "words", "paper/missing-words.txt")):
        assert f"paper/paper.yaml:{line}:{col}: error COE003 checks: {key}: '{name}' is no file in the project" \
            in result.stderr
    assert "cannot read" not in result.stderr


def test_a_long_file_without_aliases_is_no_alias_bomb(make_project: MakeProject) -> None:
    """An organisation listing 21,000 people, written out one by one (no alias; 0.9 MB, under the size limit) holds
    more than 100,000 values: it was refused as "aliases expand this value to more than 100,000 values (an alias
    bomb?)". Only what aliases add past the values written is bounded; the bombs above are still refused."""
    people = "".join(f"      - name: P{i}\n        email: p{i}@x.eu\n" for i in range(21_000))
    contributors = CONTRIBUTORS_YAML.replace("    country: DE\n", "    country: DE\n    people:\n" + people, 1)
    assert 800_000 < len(contributors) < 1_000_000
    root = make_project({"contributors.yaml": contributors})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0, result.stderr
    assert "COE009" not in result.stderr
    root = make_project({"contributors.yaml": contributors + alias_bomb(6)})  # 531,441 values from 56 written
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert "error COE009 aliases expand this value to more than 100,000 values past the " in result.stderr


def test_a_long_contributors_file_is_parsed_without_the_collector_passing_over_it() -> None:
    """Parsing makes new objects by the hundred thousand, and Python's cycle collector passed over every object
    alive every few hundred of them: a contributors.yaml of 12,500 organisations took 3.2 s to parse instead of
    1.4 s, in the square of its length. The collector waits until the parse ends, and may run once after it."""
    from coe_paper import yamlparse

    text = "organisations:\n" + "".join(f"- id: o{i}\n  name: Organisation {i}\n  kind: city\n  country: IT\n"
                                        f"  emails: [a@o{i}.eu]\n" for i in range(12_500))
    passes: list[str] = []

    def counted(phase: str, info: dict[str, int]) -> None:
        passes.append(phase)

    gc.callbacks.append(counted)
    try:
        located, problems = yamlparse.parse(text, "contributors.yaml")
    finally:
        gc.callbacks.remove(counted)
    assert located is not None and problems == []
    assert len(located.data["organisations"]) == 12_500
    assert located.marks[("organisations", 12_499, "emails", 0)] == (2 + 12_499 * 5 + 4, 12)
    assert passes.count("start") <= 1 and gc.isenabled(), passes.count("start")  # once at most: after the parse


def _many_organisations(count: int, last: tuple[str, str] = ("", "")) -> str:
    """CONTRIBUTORS_YAML and `count` more organisations, one a line (1 MB for 12,500, the size allowed); in the last
    one, `last[0]` replaced by `last[1]`."""
    lines = [f"  - {{id: o{i}, name: O{i}, short: O{i}, kind: city, country: IT, role: member}}\n"
             for i in range(count)]
    if last[0]:
        lines[-1] = lines[-1].replace(*last)
    return CONTRIBUTORS_YAML + "".join(lines)


def test_positions_in_a_long_contributors_file_are_found_only_for_a_diagnostic(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate found, stored and read back the line and column of each of the 175,000 keys and values of a
    contributors.yaml of 12,500 organisations on every run, though only a diagnostic asks for one: about a second of
    a cold run. They are found from the text when a diagnostic asks; every check still runs, at the same place."""
    from coe_paper import yamlparse
    from coe_paper.project import load_project
    from coe_paper.sources import WorkTree

    found = 0
    marks = yamlparse._marks

    def counted(node: Any, path: tuple[str | int, ...], out: dict[tuple[str | int, ...], tuple[int, int]]) -> None:
        nonlocal found
        found += 1
        marks(node, path, out)

    monkeypatch.setattr(yamlparse, "_marks", counted)
    clean = _many_organisations(12_500)
    assert 1_000_000 < len(clean) < 1_048_576
    root = make_project({"contributors.yaml": clean})
    for _ in ("cold", "from the cache"):
        project, problems = load_project(WorkTree(root))
        assert project is not None and len(project.contributors) > 12_500 and problems == []
    assert found < 1_000, found  # paper.yaml's, not the organisations'
    line = clean.count("\n")  # the last organisation's
    cases = {"a kind no organisation has": (("kind: city", "kind: town"), ":47: error COE002 organisations (id "
                                            "'o12499').kind"),
             "a control left open": (("name: O12499", "name: \u202eO"), ":24: error COE012 organisations (id "
                                     "'o12499').name: U+202E"),
             "a control written as an escape": (("name: O12499", 'name: "\\u202eO"'), ":24: error COE012 "
                                                "organisations (id 'o12499').name: U+202E")}
    for last, said in cases.values():
        root = make_project({"contributors.yaml": _many_organisations(12_500, last)})
        for _ in ("cold", "from the cache"):
            result = cli("--project", str(root), "validate")
            assert result.exit_code == 1, result.stderr
            assert f"contributors.yaml:{line}{said}" in result.stderr, result.stderr


def test_a_long_contributors_file_is_searched_for_escapes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each of the 175,000 values of a contributors.yaml of 12,500 organisations was searched for a character a Word
    document cannot hold, though only an escape (a backslash) can make one: the text is searched once; a value
    with an escape is still searched, and reported at its place."""
    from coe_paper import yamlparse

    searched = 0
    pattern = yamlparse.INVALID_XML_RE

    class Counted:
        def search(self, text: str) -> Any:
            nonlocal searched
            searched += 1
            return pattern.search(text)

    monkeypatch.setattr(yamlparse, "INVALID_XML_RE", Counted())
    clean = _many_organisations(12_500)
    located, problems = yamlparse.parse(clean, "contributors.yaml")
    assert located is not None and problems == [] and len(located.data["organisations"]) > 12_500
    assert searched <= 2, searched
    line = clean.count("\n")
    for name in ('"\\aO"', '"\\x07O"'):
        located, problems = yamlparse.parse(_many_organisations(12_500, ("name: O12499", f"name: {name}")),
                                            "contributors.yaml")
        assert located is None and [(p.code, p.line, p.column) for p in problems] == [("COE004", line, 24)], problems


def test_the_annex_of_a_long_contributors_file_is_checked_without_walking_each_value(
        make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cold validate of a contributors.yaml of 12,500 organisations rendered the annex through the sandbox's size
    checks, which walked every text printed and every filter's input as a collection (175,000 walks), worked out each
    organisation's annex group six times and digested each organisation's empty lists for the outputs' cache key.
    A text is weighed by its length, a group found once per organisation and its sort, an empty list spelt as it
    is: the same checks, on the same values (test_hostile_templates: each limit still stops a template)."""
    from coe_paper import annex, sandbox, template_outputs

    counts = {"walks": 0, "groups": 0, "digests": 0}

    def counting(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any) -> Any:
            counts[name] += 1
            return func(*args)
        return counted

    monkeypatch.setattr(sandbox, "weight", counting("walks", sandbox.weight))
    monkeypatch.setattr(annex, "group_of", counting("groups", annex.group_of))
    monkeypatch.setattr(template_outputs.hashlib, "sha256", counting("digests", template_outputs.hashlib.sha256))
    root = make_project({"contributors.yaml": _many_organisations(12_500)})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0, result.stderr
    assert counts["walks"] < 100, counts
    assert counts["groups"] <= 2 * 12_510, counts  # the context's and the annex's sort's
    assert counts["digests"] < 12_600, counts  # one per organisation and a few more
