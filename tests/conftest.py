"""Shared test helpers: a factory for tiny paper projects, the repository root, and `require_client`.

`make_project(files)` writes a clean three-section project into a fresh directory under `tmp_path` and returns
its root. `files` maps project-relative paths to new contents: `str` is written as UTF-8 text, `bytes` as is,
and `None` deletes the default file of that name. Every section written by `section_text` has a seven-line
front matter and a blank line 8, so the first line of its body is file line 9.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from typer.testing import Result

REPO_ROOT = Path(__file__).resolve().parents[1]
KITCHEN_SINK = REPO_ROOT / "tests" / "fixtures" / "kitchen-sink"

# A suite started in the background by a script (`cmd &` without job control) inherits SIGINT ignored, and would
# pass that on to every process it starts; the tests of Ctrl-C need it as a terminal has it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

FileMap = Mapping[str, "str | bytes | None"]
MakeProject = Callable[..., Path]


def require_client(name: str) -> str:
    """Path of program `name`; skips the test when it is missing, or fails it when COE_REQUIRE_CLIENTS=1 (CI)."""
    found = shutil.which(name)
    if found:
        return found
    message = f"'{name}' is not installed"
    if os.environ.get("COE_REQUIRE_CLIENTS") == "1":
        pytest.fail(f"{message} and COE_REQUIRE_CLIENTS=1 requires it")
    pytest.skip(message)


def cli(*args: str) -> Result:
    """`coe-paper ARGS` in this process (typer's runner): its exit code, standard output and error; never a
    traceback (an exception other than the exit fails the test)."""
    from typer.testing import CliRunner  # here: a test of what a command imports may start with none of it

    from coe_paper.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG of the given size (grey pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def bomb_png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG (one bit a pixel) of the given size, all white: a few KB for millions of pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    packer, row = zlib.compressobj(9), b"\x00" + b"\xff" * ((width + 7) // 8)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def real_jpeg(folder: Path) -> bytes:
    """A JPEG as poppler (pdftoppm) writes it: a blank page of a hand-made PDF, 100 x 100 pixels; made in `folder`."""
    pdf = folder / "blank.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj <</Type/Catalog/Pages 2 0 R>> endobj\n"
                    b"2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n"
                    b"3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>> endobj\n"
                    b"trailer <</Root 1 0 R>>\n%%EOF\n")
    subprocess.run([require_client("pdftoppm"), "-jpeg", "-r", "100", "-singlefile", str(pdf), str(folder / "page")],
                   check=True, capture_output=True)
    return (folder / "page.jpg").read_bytes()


def kitchen_sink_project(dest: Path) -> Path:
    """The kitchen-sink fixture project in `dest`, with the repository's template, templates and a PNG image."""
    shutil.copytree(KITCHEN_SINK, dest)
    shutil.copy(REPO_ROOT / "paper" / "template.docx", dest / "paper" / "template.docx")
    shutil.copytree(REPO_ROOT / "paper" / "templates", dest / "paper" / "templates")
    (dest / "paper" / "images").mkdir()
    (dest / "paper" / "images" / "pixel.png").write_bytes(tiny_png(16, 12))
    return dest


def section_text(
    id: str,
    body: str,
    *,
    title: str | None = None,
    lead: str = "rome",
    contributors: str = "[anct, leipzig]",
    status: str = "draft",
) -> str:
    """A section file: front matter on lines 1-7 (keys on lines 2-6), a blank line 8, the body from line 9.

    `body` is placed after one blank line, so the first line of `body` is file line 9.
    """
    title = title or id.replace("-", " ").capitalize()
    return f"---\nid: {id}\ntitle: {title}\nlead: {lead}\ncontributors: {contributors}\nstatus: {status}\n---\n\n{body}"


PAPER_YAML = """\
title: Test Paper
subtitle: A tiny paper for the test suite
language: en-GB
status: Draft
output: build/test-paper.docx
template: paper/template.docx
templates: paper/templates
outline:
  - id: intro
    required: true
    min_words: 10
    max_words: 200
  - id: housing
    required: true
    min_words: 10
    max_words: 200
  - id: outlook
    required: false
"""

CONTRIBUTORS_YAML = """\
organisations:
  - id: rome
    name: Metropolitan City of Rome
    short: Rome
    kind: metropolitan-area
    country: IT
    role: coordinator
    emails: [rome@example.org]
  - id: anct
    name: National Agency for Territorial Cohesion
    short: ANCT
    kind: other
    country: FR
    role: coordinator
    domains: [anct.example.org]
  - id: leipzig
    name: City of Leipzig
    short: Leipzig
    kind: city
    country: DE
  - id: dg-regio
    name: Directorate-General for Regional and Urban Policy
    short: DG REGIO
    kind: eu-institution
    country: EU
    role: observer
"""

INTRO_BODY = """\
## Why equal cities

Cities of Equality brings together cities, regions and Commission services so that urban policy serves everyone.

Read about [housing](#housing) and [the data we need](#the-data-we-need).
"""

HOUSING_BODY = """\
## Homes for all

Affordable and accessible homes are the first condition for equal cities across the Union.

![A grey square standing in for a chart](../paper/images/dot.png "A grey square standing in for a chart")

### The data we need

Members will collect data broken down by age, gender and disability, as the [survey](https://example.org/survey) asked.
"""

OUTLOOK_BODY = """\
## Next steps

The partnership will meet in Rome to agree its action plan and to write the next chapters together.
"""

DEFAULT_FILES: dict[str, str | bytes] = {
    "paper/paper.yaml": PAPER_YAML,
    "contributors.yaml": CONTRIBUTORS_YAML,
    "sections/01-intro.md": section_text("intro", INTRO_BODY, title="Introduction"),
    "sections/02-housing.md": section_text(
        "housing", HOUSING_BODY, title="Housing", lead="anct", contributors="[rome, dg-regio]"
    ),
    "sections/03-outlook.md": section_text("outlook", OUTLOOK_BODY, title="Outlook", lead="leipzig", contributors="[]"),
    "paper/images/dot.png": tiny_png(),
}


def write_project(root: Path, files: FileMap | None = None) -> Path:
    """Write the default project into `root` with `files` applied on top; returns `root`."""
    merged: dict[str, str | bytes | None] = {**DEFAULT_FILES, **(files or {})}
    root.mkdir(parents=True, exist_ok=True)
    template = root / "paper" / "template.docx"
    template.parent.mkdir(parents=True, exist_ok=True)
    if "paper/template.docx" not in merged:
        shutil.copyfile(REPO_ROOT / "paper" / "template.docx", template)
    for name, content in merged.items():
        path = root / name
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            with path.open("w", encoding="utf-8", newline="") as handle:
                handle.write(content)
    return root


#: A git identity and date for test commits; no user or system git configuration is read.
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Rome Editor", "GIT_AUTHOR_EMAIL": "rome@example.org",
    "GIT_COMMITTER_NAME": "Rome Editor", "GIT_COMMITTER_EMAIL": "rome@example.org",
    "GIT_AUTHOR_DATE": "2024-01-31T10:00:00+00:00", "GIT_COMMITTER_DATE": "2024-01-31T10:00:00+00:00",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git_commit(root: Path, message: str = "Draft the paper", env: Mapping[str, str] | None = None) -> str:
    """Commit everything in `root` (initialising a repository first if needed); returns the commit hash.

    `env` overrides GIT_ENV, e.g. another author or date.
    """
    full_env = {**os.environ, **GIT_ENV, **(env or {})}

    def git(*args: str) -> str:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], env=full_env, capture_output=True, text=True, check=False
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    if not (root / ".git").exists():
        git("init", "-q", "--initial-branch=main")
    git("add", "-A")
    git("commit", "-q", "--allow-empty", "-m", message)
    return git("rev-parse", "HEAD")


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Factory: `make_project(files=None, name=None, git=False) -> Path` builds a tiny paper project.

    With `git=True` the project is a git repository with everything committed once (see GIT_ENV).
    """
    count = 0

    def make(files: FileMap | None = None, name: str | None = None, git: bool = False) -> Path:
        nonlocal count
        count += 1
        root = write_project(tmp_path / (name or f"project-{count}"), files)
        if git:
            git_commit(root)
        return root

    return make


def assembled_intro(make_project: MakeProject, folder: Path, body: str, files: FileMap | None = None
                    ) -> tuple[Path, Path]:
    """A project in git whose section 'intro' ("Introduction") has `body` (and `files`), and the paper assembled
    from it."""
    from coe_paper import pipeline

    intro = {"sections/01-intro.md": section_text("intro", body, title="Introduction")}
    root = make_project({**intro, **(files or {})}, git=True)
    built = pipeline.assemble(root, folder / "paper.docx")
    assert built.output is not None, built.diagnostics
    return root, built.output


@pytest.fixture
def repo_root() -> Path:
    """The repository root (which is also the bundled paper project)."""
    return REPO_ROOT


# Property tests explore at random on a developer's machine, and replay the same examples in CI (a failure there is
# then reproducible, never a matter of luck).
try:
    from hypothesis import settings as _hypothesis_settings

    _hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
    if os.environ.get("COE_REQUIRE_CLIENTS") == "1" or os.environ.get("CI"):
        _hypothesis_settings.load_profile("ci")
except ImportError:  # hypothesis is a dev dependency; the suite without it still runs the other tests
    pass


@pytest.fixture(autouse=True)
def _fresh_spelling_answers() -> None:
    """The spelling rules keep their answers for the process (rules/spelling.py), keyed by the dictionary's files:
    a test that makes the dictionary fail without touching them starts from none, as a new process does."""
    spelling = sys.modules.get("coe_paper.rules.spelling")
    if spelling is not None:
        spelling._tables.clear()


@pytest.fixture(autouse=True, scope="session")
def _layout_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The layout pass caches page numbers; tests use a cache of their own, never the user's."""
    os.environ.setdefault("COE_PAPER_CACHE", str(tmp_path_factory.mktemp("coe-paper-cache")))


@pytest.fixture(autouse=True)
def _commands_do_not_end_the_test_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """`coe-paper`'s entry point ends its process with os._exit once a command is done (see cli._exit); a test that
    calls it in this process gets the exit code as SystemExit instead, as from any command-line program."""
    from coe_paper import cli

    def exit_code(code: int | str | None) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(cli, "_exit", exit_code)


def no_other_threads() -> None:
    """Workers are not forked while another thread runs (see parallel.worth_it): wait for any an earlier test left,
    such as the preview's dictionary loader."""
    import threading

    for thread in threading.enumerate():
        if thread is not threading.current_thread():
            thread.join(timeout=60)
    assert threading.active_count() == 1


def on_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds from here on check and render their sections on a worker process, however small the paper."""
    from coe_paper import parallel

    monkeypatch.setattr(parallel, "processors", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_SECTIONS", 2)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    no_other_threads()
