"""Hostile templates (issue 11): any error a template's code raises is a COE801 diagnostic with the template's line;
a template that runs too long or builds too much is stopped with COE803, in validate and assemble alike."""

from __future__ import annotations

import dataclasses
import gc
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from docx import Document

import coe_paper
from coe_paper import limits
from coe_paper.sources import WorkTree
from coe_paper.templates import Templates
from conftest import INTRO_BODY, MakeProject, cli, git_commit, on_workers, require_client, section_text

BYLINE = "paper/templates/byline.md.j2"


@pytest.fixture(autouse=True)
def quick_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two seconds for all templates, so that a template that would hang is stopped quickly here (with half a
    second, the built-in annex of a build whose byline a size check stopped ran out of time on a busy machine)."""
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=2.0))


ERRORS = {
    "huge range": ("{{ range(100001) | list }}", "Range too big"),
    "division by zero": ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    "type error": ("{{ 1 + 'a' }}", "TypeError: unsupported operand type(s) for +"),
    "recursive macro": ("{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}", "recurses without end"),
    "recursive include": ("{% include 'byline.md.j2' %}", "recurses without end"),
    "unknown variable": ("{{ nothing.here }}", "'nothing' is undefined"),
    "a number too large for a decimal": ("{{ (10 ** 400) | filesizeformat }}",
                                         "a number too large for a decimal (over about 1.8e308)"),
}



@pytest.mark.parametrize("command", ["validate", "assemble"])
def test_output_with_a_character_word_cannot_hold_is_coe004(make_project: MakeProject, command: str) -> None:
    """A template's string that makes a control character (the escape "\\x07") is reported: the build drops such a
    character from the document, and it was dropped unsaid. Nothing is written."""
    root = make_project({BYLINE: '{.Byline}\nLead: {{ "a\\x07b" }}.\n'})
    result = cli("--project", str(root), command)
    assert result.exit_code == 1
    assert (f"{BYLINE}: error COE004 the template's output holds control character U+0007, which a Word document "
            "cannot hold") in result.stderr
    assert result.stderr.count("COE004") == 1  # once, however many sections have a byline
    assert not (root / "build").exists()

def test_an_object_printed_with_its_address_is_reported_and_left_out(make_project: MakeProject) -> None:
    """A template that prints an object rather than a value of it (a method not called, Jinja's cycler) put the
    object's address in memory into the document, which then differed on every build, unsaid. It is a COE801
    warning at the template's line, naming the object; the document shows it without the address, the same on
    every build (as pandoc reads it)."""
    pandoc = require_client("pandoc")
    root = make_project({BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n"
                                 "{{ cycler(1, 2) }} {{ section.title.upper }}\n"})
    documents = []
    for _ in range(2):
        result = cli("--project", str(root), "assemble")
        assert result.exit_code == 0, result.stderr
        for shown in ("<jinja2.utils.Cycler object>", "<built-in method upper of str object>"):
            assert f"{BYLINE}:3:1: warning COE801 the template prints an object, not a value: {shown} " in result.stderr
            assert result.stderr.count(shown) == 1, result.stderr  # once, not once a section
        [document] = (root / "build").glob("*.docx")
        documents.append(document.read_bytes())
        text = subprocess.run([pandoc, str(document), "-t", "plain", "--wrap=none"], capture_output=True,
                              text=True, check=True).stdout
        assert "<jinja2.utils.Cycler object> <built-in method upper of str object>" in text and " at 0x" not in text
        document.unlink()
    assert documents[0] == documents[1]
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 0 and f"{BYLINE}:3:1: warning COE801 " in result.stderr


@pytest.mark.parametrize("at", ["work tree", "revision"])
def test_a_template_linked_to_a_file_outside_the_templates_folder_is_coe005(make_project: MakeProject,
                                                                             at: str) -> None:
    """A template of the folder that is a symbolic link to another of the project's files (contributors.yaml) was
    read as a template, and an include printed that file into the paper. It is COE005 naming the link and where it
    leads, on disk and committed to git, once (the include naming it drew a COE801 'no template' beside it); nothing
    is written. A link to another template of the folder is one."""
    root = make_project({BYLINE: "{.Byline}\n{% include 'evil.md.j2' %} {% include 'alias.md.j2' %}\n",
                         "paper/templates/part.md.j2": "Lead: {{ section.lead.name }}"})
    (root / "paper" / "templates" / "evil.md.j2").symlink_to("../../contributors.yaml")
    (root / "paper" / "templates" / "alias.md.j2").symlink_to("part.md.j2")
    rev: tuple[str, ...] = ()
    if at == "revision":
        git_commit(root)
        (root / "paper" / "templates" / "evil.md.j2").unlink()
        rev = ("--rev", "HEAD")
    for command in ("validate", "assemble"):
        result = cli("--project", str(root), command, *rev)
        assert result.exit_code == 1, result.stderr
        assert ("paper/templates/evil.md.j2: error COE005 'paper/templates/evil.md.j2' is a symbolic link to "
                "'contributors.yaml', outside the templates' folder paper/templates/") in result.stderr
        assert "alias.md.j2" not in result.stderr and "organisations" not in result.stderr
        assert "COE801" not in result.stderr and result.stderr.count(" error ") == 1, result.stderr
        assert not (root / "build").exists()


def test_a_title_that_reads_like_an_address_is_printed_as_it_is(make_project: MakeProject) -> None:
    """Only an object is shown without its address: a member's title that ends like one is the member's text."""
    title = "Meet at 0xAB> the harbour"
    root = make_project({"sections/01-intro.md": section_text("intro", INTRO_BODY, title=title),
                         BYLINE: "{.Byline}\nAbout {{ section.title }}.\n"})
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 0 and "COE801" not in result.stderr, result.stderr
    [document] = (root / "build").glob("*.docx")
    assert "About Meet at 0xAB> the harbour." in "\n".join(p.text for p in Document(str(document)).paragraphs)


@pytest.mark.parametrize("command", ["validate", "assemble"])
@pytest.mark.parametrize("case", list(ERRORS))
def test_template_errors_are_diagnostics_with_the_line(make_project: MakeProject, case: str, command: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # None of these hangs, so they get the usual time: a recursion a thousand includes deep must not be cut short
    # by the two seconds the hanging templates below get (on a busy machine it was).
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=10.0))
    code, message = ERRORS[case]
    root = make_project({BYLINE: "{.Byline}\n" + code + "\n"})
    result = cli("--project", str(root), command)
    assert result.exit_code == 1
    assert f"{BYLINE}:2:1: error COE801 template error: " in result.stderr
    assert message in result.stderr
    assert not (root / "build").exists()


def test_a_template_error_is_reported_beside_a_section_s_error(make_project: MakeProject) -> None:
    """A section whose lead is no organisation, and a byline template that fails: validate names both (it named the
    section's error alone, and the template's came to light only once the section was fixed). The section in error
    is left out of what the templates see, so its missing lead is not blamed on the template."""
    intro = {"sections/01-intro.md": section_text("intro", INTRO_BODY, title="Introduction", lead="nobody")}
    root = make_project(intro | {BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n{{ 1 / 0 }}\n"})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert "sections/01-intro.md:" in result.stderr and "error COE201 unknown contributor 'nobody'" in result.stderr
    assert f"{BYLINE}:3:1: error COE801 template error: ZeroDivisionError" in result.stderr
    assert result.stderr.count("COE801") == 1, result.stderr
    root = make_project(intro | {BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n"})
    result = cli("--project", str(root), "validate")
    assert "COE201" in result.stderr and "COE801" not in result.stderr, result.stderr



def test_a_template_error_is_reported_when_every_section_has_one(make_project: MakeProject) -> None:
    """Every section names a lead that is no organisation, and the byline template fails: the byline was checked on
    no section at all, so its error came to light only once a section was fixed. It is checked on the first section
    (led by an organisation), and named beside the sections' errors; a sound byline draws nothing."""
    wrong = {"sections/01-intro.md": section_text("intro", INTRO_BODY, title="Introduction", lead="nobody"),
             "sections/02-housing.md": section_text("housing", INTRO_BODY, title="Housing", lead="nobody"),
             "sections/03-outlook.md": section_text("outlook", INTRO_BODY, title="Outlook", lead="nobody")}
    root = make_project(wrong | {BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n{{ 1 / 0 }}\n"})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert result.stderr.count("error COE201 unknown contributor 'nobody'") == 3, result.stderr
    assert f"{BYLINE}:3:1: error COE801 template error: ZeroDivisionError" in result.stderr, result.stderr
    assert result.stderr.count("COE801") == 1, result.stderr
    root = make_project(wrong | {BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n"})
    result = cli("--project", str(root), "validate")
    assert result.stderr.count("COE201") == 3 and "COE801" not in result.stderr, result.stderr


LIMITED = {
    "a range of a billion": "{{ range(10**9) | list }}",
    "a join with a long separator": "{{ ('x' * 500000).join(['a'] * 500) | length }}",
    "expanding tabs": "{{ ('\t' * 1000).expandtabs(100000) | length }}",
    "a gigabyte in one expression": "{{ 'A' * 10**9 }}",
    "a list of a billion": "{{ ([1] * 10**9) | length }}",
    "a power with a billion digits": "{{ 10 ** 1000000000 }}",
    "nested loops of 100,000 steps": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}"
                                     "{% endfor %}",
    "output of ten million characters": "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}",
    "doubling by concatenation": "{% set x = 'A' * 600000 %}{{ (x ~ x) | length }}",
    "a padded format": "{{ '%01000000000d' % 1 }}",
    "a wide format method": "{{ '{:>1000000000}'.format(1) }}",
    "a centring filter": "{{ 'x' | center(1000000000) }}",
    "a centring method": "{{ 'x'.center(1000000000) }}",
    "a join of shared lists": "{% set a = ['y' * 1000] * 1000 %}{% set b = [a, a, a, a] %}{{ b | tojson | length }}",
    "a replacement that multiplies": "{{ ('a' * 100000) | replace('a', 'a' * 100000) | length }}",
}


@pytest.mark.parametrize("command", ["validate", "assemble"])
@pytest.mark.parametrize("case", list(LIMITED))
def test_templates_past_their_limits_are_stopped(make_project: MakeProject, case: str, command: str) -> None:
    root = make_project({BYLINE: "{.Byline}\n" + LIMITED[case] + "\n"})
    started = time.monotonic()
    result = cli("--project", str(root), command)
    assert time.monotonic() - started < 10  # stopped, not left to run for minutes
    assert result.exit_code == 1
    line = "" if case.startswith("output") else ":2:1"  # output is counted as it leaves the template, past any line
    assert f"{BYLINE}{line}: error COE803 template stopped: " in result.stderr
    assert not (root / "build").exists()


def test_a_large_number_given_to_a_filter_is_no_size(make_project: MakeProject) -> None:
    """A filter's input was weighed as a width: `{{ 5000000 | filesizeformat }}` (5.0 MB) and a sum over a million
    through `abs` were stopped as if they would build a million characters."""
    code = "{{ 5000000 | filesizeformat }}, {{ -2500000 | abs }}, {{ 12000000 | string }}."
    root = make_project({BYLINE: "{.Byline}\n" + code + "\n"}, git=True)
    result = cli("--project", str(root), "assemble", "--no-layout")
    assert result.exit_code == 0, result.stderr
    [document] = (root / "build").glob("*.docx")
    assert "5.0 MB, 2500000, 12000000." in "\n".join(p.text for p in Document(str(document)).paragraphs)


def test_a_huge_argument_is_named_by_its_digits(make_project: MakeProject) -> None:
    """`center(10 ** 400)` printed all 400 digits, with their separators, into the message."""
    root = make_project({BYLINE: "{.Byline}\n{{ 'x' | center(10 ** 400) }}\n"})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert (f"{BYLINE}:2:1: error COE803 template stopped: an argument of a number of 401 digits would be larger "
            "than the 1,000,000 characters or items a template may build") in result.stderr, result.stderr


def rendering_times(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The time each rendering of a template takes from now on, appended to the list returned as it ends."""
    spent: list[float] = []
    render = Templates.render

    def timed(self: Templates, *args: Any) -> Any:
        started = time.monotonic()
        try:
            return render(self, *args)
        finally:
            spent.append(time.monotonic() - started)

    monkeypatch.setattr(Templates, "render", timed)
    return spent


def test_time_is_shared_by_every_rendering(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    """A byline renders once per section: the limit is for all of them together, not for each. The renderings take
    the limit's time in all and stop (however busy the machine, whose load only makes each of them slower), which
    the whole command's time did not tell: on a loaded machine, loading the paper took seconds of its own."""
    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=0.5))
    # 0.2 to 0.4 s each on the machines seen: two or three bylines pass the limit together (one may, on a slow one)
    slow = "{% for i in range(100000) %}{% for j in range(30) %}{% endfor %}{% endfor %}"
    root = make_project({BYLINE: "{.Byline}\n" + slow + "\n"})
    spent = rendering_times(monkeypatch)
    result = cli("--project", str(root), "validate")
    assert result.stderr.count("error COE803 template stopped: ") == 1, result.stderr  # once, not per section
    assert len(spent) >= 3 and sum(spent) < 0.5 + 1.0, spent  # the limit, and time for the stop to be delivered


def test_the_preview_runs_a_template_stopped_at_its_limit_once(make_project: MakeProject, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A byline that loops for ever took the templates' whole time twice in the preview: once in its check, which
    stopped it (COE803), and again as the page rendered each byline. The page does not run it again."""
    from coe_paper import site

    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=0.5))
    slow = "{% for i in range(100000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    root = make_project({BYLINE: "{.Byline}\n" + slow + "\n"})
    spent = rendering_times(monkeypatch)
    built = site.build(root, tmp_path / "site")
    assert built.page is not None and [d.code for d in built.diagnostics].count("COE803") == 1, built.diagnostics
    assert sum(spent) < 0.5 + 0.4, spent  # the limit once, and time for the stop to be delivered


def test_a_template_stopped_while_rendered_ahead_is_reported_by_the_build(make_project: MakeProject,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A build on workers renders the templates ahead while the workers check the sections (templates_ahead.py),
    where nothing is reported: a byline that runs past the time limit there is stopped, then rendered by the build
    with the whole of the templates' time, and reported once, at its line. The time it had used up ahead made the
    build report the next template, which had done nothing wrong, as the one stopped."""
    from coe_paper import parallel, pipeline

    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, template_seconds=0.5))
    # tens of seconds, stopped at the limit: a byline past it on any machine (a loop of a second took 0.4 s on one)
    slow = "{% for i in range(100000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    root = make_project({BYLINE: "{.Byline}\n" + slow + "\n"}, git=True)
    on_workers(monkeypatch)
    ahead: list[object] = []
    render_ahead = pipeline.render_ahead

    def watched(*args: Any) -> Any:
        ahead.append(render_ahead(*args))
        return ahead[-1]

    monkeypatch.setattr(pipeline, "render_ahead", watched)
    prefill = parallel.prefill
    filled: list[object] = []
    monkeypatch.setattr(parallel, "prefill", lambda *args, **kw: filled.append(1) or prefill(*args, **kw))
    result = cli("--project", str(root), "assemble", "--no-layout")
    assert filled and ahead  # the sections were checked on a worker, and the templates rendered meanwhile
    assert result.exit_code == 1
    assert result.stderr.count("error COE803 template stopped: ") == 1, result.stderr
    assert f"{BYLINE}:2:1: error COE803 template stopped: " in result.stderr, result.stderr  # the byline, at its loop
    assert not (root / "build").exists()


def test_ordinary_templates_are_untouched(make_project: MakeProject) -> None:
    code = ("{% set names = section.contributors | map(attribute='short') | list %}{{ names | join(', ') ~ '.' }} "
            "{{ '%s words' % section.words }} {{ ('-' * 3) }} {{ 2 ** 10 }}")
    root = make_project({BYLINE: "{.Byline}\n" + code + "\n"}, git=True)
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("case", ["recursive macro", "recursive include", "division by zero", "unknown variable"])
def test_a_failed_rendering_leaves_no_frames_to_the_collector(make_project: MakeProject, case: str) -> None:
    """The frames of a failed rendering go with the error: none wait in a reference cycle for the garbage collector
    (Jinja's rewritten traceback made one, holding a runaway recursion's thousand frames and the context they
    reference until the collector ran, wherever in the program that fell)."""
    root = make_project({BYLINE: "{.Byline}\n" + ERRORS[case][0] + "\n"})
    templates = Templates(WorkTree(root), "paper/templates")
    templates.render("byline.md.j2", {})  # compiled once, so that what is left below is the rendering's alone
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        text, problems = templates.render("byline.md.j2", {})
        left = gc.collect()
    finally:
        if enabled:
            gc.enable()
    assert text is None and [(d.code, d.line) for d in problems] == [("COE801", 2)]
    assert ERRORS[case][1] in problems[0].message
    assert left < 50, left  # a macro and its closure refer to each other (15 objects) in any rendering that has one


@pytest.mark.parametrize("case", ["recursive macro", "recursive include"])
def test_a_recursion_ends_the_real_process_cleanly(make_project: MakeProject, case: str) -> None:
    """`coe-paper validate` and `assemble` in a fresh interpreter (the entry point with its collector settings): the
    diagnostic, exit 1, and nothing else on stderr, above all no "Exception ignored" from the collector."""
    root = make_project({BYLINE: "{.Byline}\n" + ERRORS[case][0] + "\n"}, git=True)
    env = {**os.environ, "PYTHONPATH": str(Path(coe_paper.__file__).resolve().parents[1]), "NO_COLOR": "1"}
    for command in ("validate", "assemble"):
        proc = subprocess.run([sys.executable, "-c", "from coe_paper.cli import run; run()", command], cwd=root,
                              env=env, capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 1, proc.stderr
        assert f"{BYLINE}:2:1: error COE801 template error: it recurses without end" in proc.stderr
        assert "Exception ignored" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.rstrip().endswith("1 error, 0 warnings" if command == "validate" else "nothing written")
        assert not (root / "build").exists()


PART = "paper/templates/part.md.j2"


@pytest.mark.parametrize("command", ["validate", "assemble"])
@pytest.mark.parametrize(("code", "message"), [("{{ 1 / 0 }}", "error COE801 template error: ZeroDivisionError"),
                                               ("{% if %}", "error COE801 template syntax error")])
def test_an_error_in_an_included_template_names_that_template_and_its_line(
        make_project: MakeProject, command: str, code: str, message: str) -> None:
    root = make_project({BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n{% include 'part.md.j2' %}\n",
                         PART: "A line.\nAnother.\n" + code + "\n"})
    result = cli("--project", str(root), command)
    assert result.exit_code == 1
    assert f"{PART}:3:1: {message}" in result.stderr, result.stderr


@pytest.mark.parametrize("target", ["../../../../../../etc/passwd", "/etc/passwd", "../../contributors.yaml"])
def test_an_include_of_a_file_outside_the_templates_folder_names_what_it_looked_for(make_project: MakeProject,
                                                                                     target: str) -> None:
    """`{% include %}`, `{% import %}` and `{% extends %}` name templates of paper/templates/ only: a path out of
    it is read from nowhere, and the error said only the path ("template error: /etc/passwd")."""
    root = make_project({BYLINE: "{.Byline}\nBy {{ section.lead.name }}.\n{% include '" + target + "' %}\n"})
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert (f"{BYLINE}:3:1: error COE801 template error: no template '{target}' in paper/templates/\n"
            "    hint: include, import and extends name another template of that folder by its file name, e.g. "
            "{% include 'byline.md.j2' %}") in result.stderr, result.stderr
    assert "root:" not in result.stderr and "organisations" not in result.stderr  # nothing of the file was read
    root = make_project({BYLINE: "{.Byline}\n{% include ['" + target + "', 'none.md.j2'] %}\n"})
    assert f"{BYLINE}:2:1: error COE801 template error: no template '{target}' or 'none.md.j2' in paper/templates/" \
        in cli("--project", str(root), "validate").stderr
