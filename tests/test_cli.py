"""The command line: exit codes, output formats, finding the project, and that a failed build writes nothing.

Most tests run the typer app in-process with CliRunner; a few run the real entry point in a subprocess.
Projects are git repositories (make_project(git=True)) so that a clean project has no history warnings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coe_paper import cli as cli_module
from coe_paper.cli import app
from coe_paper.diagnostics import warning
from conftest import CONTRIBUTORS_YAML, REPO_ROOT, FileMap, MakeProject, cli, require_client, section_text

INTRO = "sections/01-intro.md"
FILLER = "Members of the partnership wrote this paragraph so the section has enough words."  # 80 characters
#: The intro's body with a broken internal link: `[missing](#nope)` on file line 13, its '#' at column 15.
BROKEN_LINK: FileMap = {INTRO: section_text("intro", f"## Links\n\n{FILLER}\n\nSee [missing](#nope) here.\n")}
BROKEN_TEXT = f"{INTRO}:13:15: error COE601 link to '#nope' matches no section or heading"
#: Too few words in the intro (5 < 10): a warning and nothing else.
SHORT: FileMap = {INTRO: section_text("intro", "## Short\n\nToo few words here.\n")}


# -- exit codes ------------------------------------------------------------------------------------------------


def test_clean_project_exits_0(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(git=True)), "validate")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip() == "0 errors, 0 warnings"


def test_errors_exit_1(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(BROKEN_LINK, git=True)), "validate")
    assert result.exit_code == 1
    assert "1 error, 0 warnings" in result.stderr


def test_warnings_exit_0_unless_strict(make_project: MakeProject) -> None:
    root = make_project(SHORT, git=True)
    relaxed = cli("--project", str(root), "validate")
    assert relaxed.exit_code == 0, relaxed.stderr
    assert "0 errors, 1 warning" in relaxed.stderr
    strict = cli("--project", str(root), "validate", "--strict")
    assert strict.exit_code == 1
    assert f"{INTRO}:8:1: warning COE302 5 words, under the minimum of 10" in strict.stderr


@pytest.mark.parametrize(
    "args",
    [("validate", "--format", "xml"), ("validate", "--bogus"), ("--bogus", "validate"), ("no-such-command",)],
)
def test_usage_errors_exit_2(make_project: MakeProject, args: tuple[str, ...]) -> None:
    result = cli("--project", str(make_project()), *args)
    assert result.exit_code == 2
    assert "Usage" in result.stderr or "Error" in result.stderr


def test_a_command_built_alone_behaves_as_in_the_whole_app() -> None:
    """`coe-paper NAME ...` builds the options of NAME only (cli.app_for): its help and its usage errors are those
    of the whole app's, and anything that names no one command gets the whole app."""
    names = [info.name or getattr(info.callback, "__name__", "") for info in app.registered_commands]
    assert len(names) > 10
    for name in names:
        alone = cli_module.app_for(["-C", "somewhere", name, "--help"])
        assert [info.name or getattr(info.callback, "__name__", "") for info in alone.registered_commands] == [name]
        for args in ([name, "--help"], [name, "--no-such-option"]):
            got, expected = (CliRunner().invoke(which, args, prog_name="coe-paper") for which in (alone, app))
            assert (got.exit_code, got.output) == (expected.exit_code, expected.output), (name, args)
    for args in (["--help"], ["asemble"], ["--version"], []):
        assert cli_module.app_for(args) is app


def test_bad_format_names_the_choices(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project()), "validate", "--format", "xml")
    assert result.exit_code == 2
    assert "text, json, github" in result.stderr


@pytest.mark.parametrize("command", ["validate", "assemble"])
def test_no_project_found_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    result = cli(command)
    assert result.exit_code == 2
    assert "no paper/paper.yaml found" in result.stderr and "`coe-paper init DIR` makes a new paper" in result.stderr
    explicit = cli("--project", str(empty), command)
    assert explicit.exit_code == 2


# -- output formats --------------------------------------------------------------------------------------------


def test_text_format(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(BROKEN_LINK, git=True)), "validate", "--format", "text")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert BROKEN_TEXT in lines
    assert "    hint: link to a section id, e.g. (#introduction)" in lines


def test_json_format(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(BROKEN_LINK, git=True)), "validate", "--format", "json")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert isinstance(items, list)
    assert items == [
        {
            "code": "COE601", "severity": "error", "path": INTRO, "line": 13, "column": 15,
            "message": "link to '#nope' matches no section or heading",
            "hint": "link to a section id, e.g. (#introduction)",
        }
    ]


def test_json_format_clean_is_an_empty_list(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(git=True)), "validate", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_json_format_keys_for_every_diagnostic(make_project: MakeProject) -> None:
    files: FileMap = {
        INTRO: section_text("intro", f"## Links\n\n{FILLER}\n\n#### Deep\n\n[x](javascript:alert(1))\n", lead="romee"),
    }
    result = cli("--project", str(make_project(files, git=True)), "validate", "-f", "json")
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert sorted(item["code"] for item in items) == ["COE201", "COE401", "COE602"]
    for item in items:
        assert list(item) == ["code", "severity", "path", "line", "column", "message", "hint"]
        assert isinstance(item["line"], int) and isinstance(item["column"], int)


def test_github_format(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(BROKEN_LINK, git=True)), "validate", "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines == [
        f"::error file={INTRO},line=13,col=15,title=COE601::link to '#nope' matches no section or heading "
        "(link to a section id, e.g. (#introduction))"
    ]


def test_github_format_warning(make_project: MakeProject) -> None:
    result = cli("--project", str(make_project(SHORT, git=True)), "validate", "--format", "github", "--strict")
    assert result.exit_code == 1
    expected = f"::warning file={INTRO},line=8,col=1,title=COE302::5 words, under the minimum of 10"
    assert result.stdout.splitlines() == [expected]


def test_github_format_escapes_the_file_property() -> None:
    line = warning("sections/05-a,b:c%d.md", 3, 2, "COE712", "50% of: x").as_github()
    assert line == "::warning file=sections/05-a%2Cb%3Ac%25d.md,line=3,col=2,title=COE712::50%25 of: x"


@pytest.mark.parametrize("fmt", ["github", "gitlab"])
def test_forge_formats_name_files_by_their_path_in_the_repository(make_project: MakeProject, tmp_path: Path,
                                                                   fmt: str) -> None:
    """A paper in a folder of its repository (`docs/`) is annotated at `docs/sections/...`, the path the forge
    knows; a finding about the whole project names no file in GitHub's format (it named '.')."""
    repository = tmp_path / "repository"
    root = make_project(BROKEN_LINK, name="repository/docs")
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    result = cli("--project", str(root), "validate", "--format", fmt)
    assert result.exit_code == 1
    if fmt == "github":
        lines = result.stdout.splitlines()
        assert any(line.startswith(f"::error file=docs/{INTRO},line=13,col=15,title=COE601::") for line in lines)
        assert any(line.startswith("::warning title=COE204::no git history") for line in lines), lines
    else:
        paths = {issue["check_name"]: issue["location"]["path"] for issue in json.loads(result.stdout)}
        assert paths["COE601"] == f"docs/{INTRO}" and paths["COE204"] == "docs"


# -- finding the project ---------------------------------------------------------------------------------------


def test_project_option_from_another_directory(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_project(BROKEN_LINK, git=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = cli("--project", str(root), "validate")
    assert result.exit_code == 1
    assert BROKEN_TEXT in result.stderr.splitlines()
    assert cli("-C", str(root), "validate").exit_code == 1


def test_project_found_from_a_subdirectory(make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(BROKEN_LINK, git=True)
    monkeypatch.chdir(root / "sections")
    result = cli("validate")
    assert result.exit_code == 1
    assert BROKEN_TEXT in result.stderr.splitlines()


# -- assemble --------------------------------------------------------------------------------------------------


def test_assemble_writes_the_configured_output(make_project: MakeProject) -> None:
    root = make_project(git=True)
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 0, result.stderr
    target = root / "build" / "test-paper.docx"
    assert f"wrote {target}" in result.stdout
    with zipfile.ZipFile(target) as package:
        assert "word/document.xml" in package.namelist()
        assert b"Homes for all" in package.read("word/document.xml")
    assert sorted(p.name for p in target.parent.iterdir()) == ["test-paper.docx"]


def test_assemble_output_option(make_project: MakeProject, tmp_path: Path) -> None:
    root = make_project(git=True)
    target = tmp_path / "elsewhere" / "nested" / "custom.docx"
    result = cli("--project", str(root), "assemble", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert zipfile.is_zipfile(target)
    assert not (root / "build").exists()
    assert f"wrote {target}" in result.stdout


def test_assemble_broken_project_writes_nothing(make_project: MakeProject) -> None:
    root = make_project(BROKEN_LINK, git=True)
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 1
    assert BROKEN_TEXT in result.stderr.splitlines()
    assert "nothing written" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (root / "build").exists()


@pytest.mark.parametrize(
    "breakage",
    [
        BROKEN_LINK,  # fails validation
        {"paper/templates/byline.md.j2": "{.Byline}\nLead: {{ section.lead.name }\n"},  # fails while rendering
        {"paper/templates/annex.md.j2": "{{ organisations[0].__class__ }}\n"},  # sandbox refusal while rendering
    ],
    ids=["validation", "template-syntax", "template-sandbox"],
)
def test_failed_assemble_keeps_the_previous_document(make_project: MakeProject, breakage: FileMap) -> None:
    root = make_project(git=True)
    assert cli("--project", str(root), "assemble").exit_code == 0
    target = root / "build" / "test-paper.docx"
    before = target.read_bytes()
    for name, text in breakage.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        assert isinstance(text, str)
        path.write_text(text, encoding="utf-8")
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert target.read_bytes() == before
    assert sorted(p.name for p in target.parent.iterdir()) == ["test-paper.docx"]  # no temporary file left


def test_assemble_unwritable_output_reports_coe006(make_project: MakeProject) -> None:
    root = make_project(git=True)
    (root / "build" / "test-paper.docx").mkdir(parents=True)
    result = cli("--project", str(root), "assemble")
    assert result.exit_code == 1
    assert "error COE006 cannot write the document" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert sorted(p.name for p in (root / "build").iterdir()) == ["test-paper.docx"]
    assert (root / "build" / "test-paper.docx").is_dir()


# -- the real entry point --------------------------------------------------------------------------------------


def run_entry_point(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`coe-paper ARGS` through the console-script function, in a fresh interpreter."""
    code = "from coe_paper.cli import run; run()"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_subprocess_exit_codes_and_output(make_project: MakeProject, tmp_path: Path) -> None:
    clean = make_project(git=True)
    broken = make_project(BROKEN_LINK, git=True)
    ok = run_entry_point("validate", cwd=clean)
    assert (ok.returncode, ok.stderr.strip()) == (0, "0 errors, 0 warnings")
    failed = run_entry_point("--project", str(broken), "validate", cwd=tmp_path)
    assert failed.returncode == 1
    assert BROKEN_TEXT in failed.stderr.splitlines()
    as_json = run_entry_point("--project", str(broken), "validate", "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 1
    assert [item["code"] for item in json.loads(as_json.stdout)] == ["COE601"]
    usage = run_entry_point("validate", "--format", "xml", cwd=clean)
    assert usage.returncode == 2
    nothing = run_entry_point("validate", cwd=tmp_path)
    assert nothing.returncode == 2
    assembled = run_entry_point("assemble", cwd=broken)
    assert assembled.returncode == 1
    assert not (broken / "build").exists()
    for proc in (ok, failed, as_json, usage, nothing, assembled):
        assert "Traceback" not in proc.stdout + proc.stderr


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> tuple[int, str]:
    """Run the entry point with stderr on a pseudo-terminal (stdout piped); its exit code and what the terminal got."""
    import pty

    main, side = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src"), "SOURCE_DATE_EPOCH": "1700000000", "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-c", "from coe_paper.cli import run; run()", *args], cwd=cwd,
                            stdout=subprocess.DEVNULL, stderr=side, env=env)
    os.close(side)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return proc.wait(), seen.decode("utf-8", "replace")


def test_a_slow_stage_shows_on_a_terminal_and_not_when_piped(make_project: MakeProject) -> None:
    """The layout pass (over a second) names itself on a terminal; piped, the output has no progress."""
    require_client("soffice")
    root = make_project(git=True)
    code, terminal = _stderr_on_a_terminal(["assemble", "-o", "out.docx"], root)
    assert code == 0, terminal
    assert "Laying out the pages with LibreOffice" in terminal
    piped = run_entry_point("assemble", "-o", "again.docx", cwd=root)
    assert piped.returncode == 0, piped.stderr
    assert "Laying out" not in piped.stderr + piped.stdout


def test_status_piped_is_plain_aligned_text(make_project: MakeProject) -> None:
    """Piped (here: captured), `status` and `contributors` are plain columns a script can split, without box lines."""
    root = make_project(git=True)
    for command, header in (("status", ["no.", "section", "status", "lead", "words", "changed", "by", "issues"]),
                            ("contributors", ["organisation", "led", "contributed", "commits", "lines", "share"])):
        result = cli("--project", str(root), command)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[1].split() == header and set(lines[2].replace(" ", "")) == {"-"}
        assert not set("│┃━─") & set(result.stdout)
        assert len(lines) > 3
    sections = [line.split() for line in cli("--project", str(root), "status").stdout.splitlines()[3:]]
    assert [row[1] for row in sections] == ["intro", "housing", "outlook"]
    assert all(len(row) == 8 for row in sections), sections


@pytest.mark.parametrize(("low", "high", "shown"), [(300, 800, "300-800"), (300, None, "\u2265300"),
                                                    (0, 800, "\u2264800"), (0, None, "")])
def test_status_says_the_word_limits_there_are(low: int, high: int | None, shown: str) -> None:
    """A section with no word limits showed '23/0-' in status and '(0-)' on the preview's board."""
    from coe_paper.report import SectionStatus

    row = SectionStatus("intro", "sections/01-intro.md", "Intro", "draft", "1", "rome", 23, low, high, "ok", None,
                        None, None, 0, 0, 0)
    assert row.word_limits == shown


def test_a_closed_standard_stream_is_no_traceback(make_project: MakeProject) -> None:
    """Started with stdout or stderr closed (`>&-`), Python has None for it: what would be printed there is not, and
    the command does its work and exits as it would."""
    root = make_project(git=True)
    code = "from coe_paper.cli import run; run()"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    closed_err = subprocess.run([sys.executable, "-c", code, "validate"], cwd=root, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, close_fds=True, check=False,
                                preexec_fn=lambda: os.close(2))
    assert closed_err.returncode == 0
    closed_out = subprocess.run([sys.executable, "-c", code, "assemble", "--no-layout", "-o", "out.docx"], cwd=root,
                                env=env, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False,
                                preexec_fn=lambda: os.close(1))
    assert closed_out.returncode == 0, closed_out.stderr
    assert "Traceback" not in closed_out.stderr and (root / "out.docx").is_file()


@pytest.mark.parametrize("args", [["status"], ["validate", "--format", "json"], ["contributors"]])
def test_standard_output_that_cannot_be_written_is_an_error_not_a_traceback(make_project: MakeProject,
                                                                            args: list[str]) -> None:
    """Standard output on a full disk or over the file size limit (here the limit, set to 0 bytes: the file may not
    grow) fails every write with an OSError that is not a closed pipe: the command says so in one line and exits 1."""
    import resource

    root = make_project(git=True)
    env = {**os.environ, "COE_PAPER_RESIDENT": "0"}

    def no_growth() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    with (root / "out.txt").open("w") as out:
        run = subprocess.run([sys.executable, "-m", "coe_paper", *args], cwd=root, env=env, stdout=out,
                             stderr=subprocess.PIPE, text=True, check=False, preexec_fn=no_growth)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr, run.stderr
    assert "coe-paper: cannot write to standard output: File too large" in run.stderr


@pytest.mark.parametrize("args", [["validate", "--format", "json"], ["validate", "--format", "gitlab"],
                                  ["status", "--format", "json"]])
def test_json_naming_a_section_file_that_is_not_utf_8_is_valid_utf_8(make_project: MakeProject,
                                                                      args: list[str]) -> None:
    """A section file whose name is not UTF-8 (its bytes kept as lone surrogates) is named in JSON with \\u escapes,
    which read back as the same name: the output is UTF-8, as JSON must be, and the report is written whole."""
    root = make_project(git=True)
    name = b"sections/04-extra-\xff.md"
    (root / os.fsdecode(name)).write_text(section_text("extra", "Members wrote this short extra section.\n"))
    env = {**os.environ, "COE_PAPER_RESIDENT": "0"}
    run = subprocess.run([sys.executable, "-m", "coe_paper", *args], cwd=root, env=env, capture_output=True,
                         check=False)
    assert b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    found = json.loads(run.stdout.decode("utf-8"))
    paths = [item["location"]["path"] if "location" in item else item["path"] for item in found]
    assert os.fsdecode(name) in paths


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_output_in_an_encoding_that_cannot_hold_the_text(make_project: MakeProject, encoding: str) -> None:
    """Standard output in an encoding other than UTF-8 (a Windows code page, an ISO 8859 locale) that cannot hold a
    character to print: it is written as a \\u escape, which JSON reads back as the character; no traceback."""
    name = "Égalité à Gdańsk"
    people = CONTRIBUTORS_YAML.replace("short: Leipzig", f"short: {name}")
    assert people != CONTRIBUTORS_YAML
    root = make_project({"contributors.yaml": people}, git=True)
    env = {**os.environ, "COE_PAPER_RESIDENT": "0", "PYTHONIOENCODING": encoding}
    runs = [subprocess.run([sys.executable, "-m", "coe_paper", "contributors", *args], cwd=root, env=env,
                           capture_output=True, check=False) for args in ([], ["--format", "json"])]
    for run in runs:
        assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr.decode(errors="replace")
    text, found = runs[0].stdout.decode(encoding), json.loads(runs[1].stdout.decode(encoding))
    assert name.encode(encoding, "backslashreplace").decode(encoding).replace("\\x", "\\u00") in text
    assert name in [org["short"] for org in found]


def test_an_output_name_that_is_not_utf_8(make_project: MakeProject) -> None:
    """A file name's undecodable bytes reach the build as lone surrogates: the document is written under that name,
    and the record of the build (JSON) keeps it, so the next run finds it up to date."""
    root = make_project(git=True)
    name = os.fsdecode(b"out-\xff.docx")
    code, env = "from coe_paper.cli import run; run()", {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    runs = [subprocess.run([sys.executable, "-c", code, "assemble", "--no-layout", "-o", name], cwd=root, env=env,
                           capture_output=True, check=False) for _ in range(2)]
    first, again = ([os.fsdecode(run.stdout), os.fsdecode(run.stderr), run.returncode] for run in runs)
    assert first[2] == 0 and "Traceback" not in first[1], first[1]
    assert (root / name).is_file() and f"wrote {name}" in first[0]
    assert again[2] == 0 and "is up to date" in again[0]


PLUGIN_SCAN = """
from pydantic.plugin import _loader
from coe_paper import model, project
print(_loader._plugins is None)
"""


@pytest.mark.parametrize(("setting", "scanned"), [(None, False), ("", True)])
def test_reading_a_paper_does_not_look_for_pydantic_plugins(setting: str | None, scanned: bool) -> None:
    """pydantic reads every installed distribution's entry points for plugins when the first model is built (tens of
    milliseconds a command); coe-paper's models use none, unless the caller's environment asks for them."""
    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    if setting is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = setting
    run = subprocess.run([sys.executable, "-c", PLUGIN_SCAN], env=env, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == str(not scanned)
