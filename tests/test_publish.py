"""A paper the partnership can publish, read back by real clients: the bundled paper assembled with the layout pass,
converted by LibreOffice to the tagged PDF of `assemble --pdf`, its pages read with poppler and the .docx with
pandoc. One LibreOffice layout pass and one conversion serve every test here."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from coe_paper import layout
from coe_paper.marks import parse as parse_mark
from coe_paper.marks import source_mark
from coe_paper.pipeline import Assembled, assemble, load
from conftest import REPO_ROOT, MakeProject, require_client
from test_roundtrip import headers, pandoc_ast

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TIMEOUT = 300


@dataclass
class Published:
    result: Assembled
    docx: Path
    pdf: Path
    pages: list[str]  # text of each PDF page, white space collapsed
    destinations: dict[str, int]  # LibreOffice's own layout of the final file: bookmark destination -> page
    ast: dict[str, Any]


def page_texts(pdf: Path) -> list[str]:
    """`pdftotext` of each page (form feeds separate pages), white space collapsed."""
    raw = subprocess.run([require_client("pdftotext"), "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                         text=True, timeout=TIMEOUT, check=True).stdout
    return [" ".join(page.split()) for page in raw.split("\f")[:-1]]


def document_xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read(part))


def contents(docx: Path) -> list[tuple[str, str, str]]:
    """Each contents entry: (its text, its PAGEREF's cached page, the bookmark it points at)."""
    root = document_xml(docx)
    found = []
    for p in root.iter(f"{W}p"):
        style = p.find(f"{W}pPr/{W}pStyle")
        if style is None or not style.get(f"{W}val", "").startswith("TOC"):
            continue
        link = p.find(f"{W}hyperlink")
        if link is None:
            continue
        text, page, mark, in_field = "", "", "", False
        for node in link.iter(f"{W}t", f"{W}tab", f"{W}instrText", f"{W}fldChar"):
            if node.tag == f"{W}instrText":
                match = re.search(r"PAGEREF (\S+)", node.text or "")
                mark = match.group(1) if match else mark
            elif node.tag == f"{W}fldChar":
                in_field = node.get(f"{W}fldCharType") != "end"
            elif in_field and node.tag == f"{W}t":
                page += node.text or ""
            elif not in_field:
                text += " " if node.tag == f"{W}tab" else node.text or ""
        found.append((" ".join(text.split()), page, mark))
    return found


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A layout cache of the module's own (the user's cache is never read or written by the tests)."""
    path = tmp_path_factory.mktemp("layout-cache")
    old = os.environ.get("COE_PAPER_CACHE")
    os.environ["COE_PAPER_CACHE"] = str(path)
    yield path
    if old is None:
        os.environ.pop("COE_PAPER_CACHE", None)
    else:
        os.environ["COE_PAPER_CACHE"] = old


@pytest.fixture(scope="module")
def published(cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Published:
    require_client("soffice")
    require_client("pdfinfo")
    out = tmp_path_factory.mktemp("publish")
    result = assemble(REPO_ROOT, out / "orientation-paper.docx", paginate=True)
    assert result.output is not None, [str(d) for d in result.diagnostics]
    pdf, problem = layout.convert_to_pdf(result.output, out)
    assert pdf is not None, problem
    dests = layout.destinations(pdf)
    assert dests is not None
    return Published(result, result.output, pdf, page_texts(pdf), dests, pandoc_ast(result.output))


# -- 1. contents with page numbers -------------------------------------------------------------------------


def test_contents_carry_page_numbers_without_the_update_prompt(published: Published) -> None:
    entries = contents(published.docx)
    assert len(entries) > 20
    assert all(page.isdigit() for _, page, _ in entries), entries
    root = document_xml(published.docx)
    assert not [f for f in root.iter(f"{W}fldChar") if f.get(f"{W}dirty")], "a field is still marked dirty"
    settings = document_xml(published.docx, "word/settings.xml")
    assert settings.find(f"{W}updateFields") is None
    assert published.result.layout is not None and not published.result.layout.note


def test_each_heading_is_on_the_page_the_contents_give(published: Published) -> None:
    entries = contents(published.docx)
    misplaced = []
    for text, page, _ in entries:  # poppler may place a heading's number apart from its words
        number, _, words = text.partition(" ") if text[:1].isdigit() else ("", "", text)
        on_page = published.pages[int(page) - 1]
        if words not in on_page or (number and not re.search(rf"(^|\s){re.escape(number)}(\s|$)", on_page)):
            misplaced.append((text, page))
    assert not misplaced, misplaced


def test_contents_agree_with_libreoffice_layout_of_the_final_file(published: Published) -> None:
    entries = contents(published.docx)
    agree = [published.destinations.get(layout.destination_name(mark)) == int(page) for _, page, mark in entries]
    assert all(agree), [e for e, ok in zip(entries, agree, strict=True) if not ok]


def test_pandoc_reads_the_contents_and_every_heading(published: Published) -> None:
    titles = [text for _, text in headers(published.ast)]
    for text, _, _ in contents(published.docx):
        assert re.sub(r"^[\d.]+ ", "", text) in titles


def test_layout_is_reused_from_the_cache_and_the_bytes_stay_the_same(published: Published, tmp_path: Path) -> None:
    again = assemble(REPO_ROOT, tmp_path / "again.docx", paginate=True)
    assert again.layout is not None and again.layout.cached
    assert again.output is not None and again.output.read_bytes() == published.docx.read_bytes()


def test_without_libreoffice_the_contents_keep_their_form_and_a_note_says_so(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("COE_PAPER_CACHE", str(tmp_path / "cache"))
    result = assemble(make_project(), paginate=True)
    assert result.output is not None and result.layout is not None
    assert "LibreOffice is not installed" in result.layout.note
    entries = contents(result.output)
    assert entries and all(page == "" for _, page, _ in entries)
    settings = document_xml(result.output, "word/settings.xml")
    assert settings.find(f"{W}updateFields") is not None
    assert [f for f in document_xml(result.output).iter(f"{W}fldChar") if f.get(f"{W}dirty") == "true"]


#: The start of a fake `soffice`: `$target` is the file LibreOffice would write (in --outdir, the source's name with
#: the extension of --convert-to's format: the .odt LibreOffice saves first, then the PDF).
_OUTPUT = ('while [ $# -gt 1 ]; do case "$1" in --convert-to) kind=${2%%:*};; --outdir) out=$2;; esac; shift; done\n'
           'name=$(basename "$1"); target="$out/${name%.*}.$kind"\n')


def fake_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **scripts: str) -> None:
    """Shell scripts standing in for LibreOffice or poppler (`soffice=...`, `pdfinfo=...`) first on PATH, and a
    layout cache of the test's own (so that no page numbers kept by an earlier build are taken)."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, script in scripts.items():
        (folder / name).write_text(f"#!/bin/sh\n{script}", encoding="utf-8")
        (folder / name).chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    monkeypatch.setenv("COE_PAPER_CACHE", str(tmp_path / "cache"))


def test_a_libreoffice_that_fails_in_its_locale_s_bytes_leaves_a_note(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LibreOffice's error output is in its locale's encoding: bytes that are not UTF-8 ended the build with a
    UnicodeDecodeError traceback, in the layout pass and in --pdf."""
    fake_tools(tmp_path, monkeypatch, soffice="printf 'Fehler: \\374berpr\\374fung\\n' >&2\nexit 1\n")
    result = assemble(make_project(), paginate=True)
    assert result.output is not None and result.layout is not None
    assert "the layout pass failed" in result.layout.note and "Fehler: \ufffdberpr\ufffdfung" in result.layout.note
    pdf, problem = layout.convert_to_pdf(result.output, tmp_path)
    assert pdf is None and "Fehler" in problem


def test_a_hung_libreoffice_is_stopped_with_the_processes_it_started(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`soffice` is a script whose program starts soffice.bin: on the timeout only the first was killed, and a hung
    soffice.bin stayed, holding the layout profile that every later build hands its work to."""
    started = tmp_path / "started"
    fake_tools(tmp_path, monkeypatch, soffice=f"sleep 60 &\necho $! > {started}\nwait\n")
    monkeypatch.setattr(layout, "TIMEOUT", 2)
    result = assemble(make_project(), paginate=True)
    assert result.output is not None and result.layout is not None
    assert "LibreOffice did not finish in 2 s" in result.layout.note and "--convert-to" not in result.layout.note
    office = int(started.read_text())
    try:
        assert _ends(office), "soffice.bin runs on"
    finally:
        with contextlib.suppress(OSError):
            os.kill(office, signal.SIGKILL)


def _ends(pid: int, within: float = 10) -> bool:
    """Whether process `pid` is gone, or a zombie, within `within` seconds: a SIGKILL is delivered when the process
    next runs, which on a loaded machine is a moment after the signal is sent."""
    stat = Path(f"/proc/{pid}/stat")
    deadline = time.monotonic() + within
    while True:
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)


def _signals_as_at_a_terminal() -> None:
    """SIGTERM and SIGHUP as a terminal gives them, whatever this suite was started with (nohup ignores SIGHUP,
    which the layout pass rightly keeps ignoring)."""
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


@pytest.mark.parametrize("at_start", [False, True])
@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_build_ended_by_a_signal_stops_libreoffice_first(
    number: int, at_start: bool, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """`timeout` (SIGTERM) or a closed terminal (SIGHUP) ended coe-paper at once, and LibreOffice, in a session of its
    own, ran on: a hung one for ever, holding the layout profile. Now it is stopped, then coe-paper ends by the
    signal as before; also when the signal comes as LibreOffice starts (here: LibreOffice sends it itself)."""
    _ends_by_the_signal_with_libreoffice(make_project(), monkeypatch, tmp_path, number, at_start)


def test_a_signal_taken_by_another_thread_still_stops_libreoffice(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """In a process with more threads than one, the kernel may give SIGTERM to a thread that is not waiting for
    LibreOffice: Python noted it, but the main thread, in one long wait for LibreOffice, never looked, and the build
    ran on until LibreOffice ended (two minutes, for a hung one). Here the main thread blocks the signal, so that
    only the other thread can take it: the build still stops LibreOffice and ends by the signal."""
    _ends_by_the_signal_with_libreoffice(
        make_project(), monkeypatch, tmp_path, signal.SIGTERM,
        setup="threading.Thread(target=threading.Event().wait, daemon=True).start(); "
              "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}); ")


def _ends_by_the_signal_with_libreoffice(root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, number: int,
                                         at_start: bool = False, setup: str = "") -> None:
    """The paper of `root` converted to PDF by a process that first runs `setup`, with a stand-in LibreOffice that
    starts a long sleep (its pid said in a file) and waits: signal `number` sent to the process once the sleep runs
    (by the stand-in itself, `at_start`) ends the process by that signal, and the sleep with it."""
    result = assemble(root)
    assert result.output is not None
    started = tmp_path / "started"
    send = f"kill -{number} $PPID\n" if at_start else ""
    fake_tools(tmp_path, monkeypatch, soffice=f"sleep 60 &\necho $! > {started}.tmp && mv {started}.tmp {started}\n"
                                              f"{send}wait\n")
    caller = subprocess.Popen([sys.executable, "-c", "import signal, sys, threading; from pathlib import Path; "
                               f"from coe_paper import layout; {setup}"
                               "layout.convert_to_pdf(Path(sys.argv[1]), Path(sys.argv[2]))",
                               str(result.output), str(tmp_path)], start_new_session=True,
                              preexec_fn=_signals_as_at_a_terminal)
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert caller.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        office = int(started.read_text())
        if not at_start:
            caller.send_signal(number)
        assert caller.wait(timeout=20) == -number  # it ends by the signal, as it would have
        assert _ends(office), "LibreOffice runs on"
    finally:
        if caller.poll() is None:
            caller.kill()
        if started.exists():
            with contextlib.suppress(OSError):
                os.kill(int(started.read_text()), signal.SIGKILL)


def test_a_profile_folder_that_cannot_be_made_is_a_note_at_once(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LibreOffice given a profile folder it cannot make (COE_PAPER_CACHE under a file, or in /proc) hung until the
    timeout, two minutes of every build; the folder is made first, and a failure is the note at once."""
    require_client("soffice")
    require_client("pdfinfo")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COE_PAPER_CACHE", str(blocker / "cache"))
    monkeypatch.setattr(layout, "TIMEOUT", 20)
    started = time.monotonic()
    result = assemble(make_project(), paginate=True)
    assert time.monotonic() - started < 15
    assert result.output is not None and result.layout is not None
    assert "the layout pass failed (cannot make LibreOffice's profile folder" in result.layout.note
    assert "Not a directory" in result.layout.note
    pdf, problem = layout.convert_to_pdf(result.output, tmp_path)
    assert pdf is None and "cannot make LibreOffice's profile folder" in problem


def test_a_relative_xdg_cache_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The XDG Base Directory specification: a relative path in XDG_CACHE_HOME is invalid and ignored. It was taken
    as it was, and the layout cache and LibreOffice's profile went into whatever folder the command ran in (the
    project's own)."""
    monkeypatch.delenv("COE_PAPER_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", "cache")
    assert layout.cache_dir() == tmp_path / ".cache" / "coe-paper"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert layout.cache_dir() == tmp_path / "xdg" / "coe-paper"


def test_without_a_home_folder_the_layout_pass_leaves_a_note(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No HOME and no entry in the user database (a container run under a bare uid), no XDG_CACHE_HOME nor
    COE_PAPER_CACHE: there is no folder for the layout cache and LibreOffice's profile, and the build ended in a
    RuntimeError traceback. The document is written, and the note says what to set."""
    import pwd

    def unknown(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    for name in ("HOME", "XDG_CACHE_HOME", "COE_PAPER_CACHE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", unknown)
    result = assemble(make_project(), paginate=True)
    assert result.output is not None and result.layout is not None
    assert "no folder for LibreOffice's profile: set HOME, XDG_CACHE_HOME or COE_PAPER_CACHE" in result.layout.note
    pdf, problem = layout.convert_to_pdf(result.output, result.output.parent)
    assert pdf is None and "set HOME" in problem


def test_builds_at_the_same_time_share_the_profile_in_turn(make_project: MakeProject, tmp_path: Path) -> None:
    """LibreOffice lets one process use a profile: of builds run at once (two terminals, `serve` and a build, CI
    jobs sharing a home folder) all but one failed the layout pass, and their documents had no page numbers. They
    now take the profile in turn, and every document is the same."""
    require_client("soffice")
    require_client("pdfinfo")
    root = make_project(git=True)
    env = {**os.environ, "COE_PAPER_CACHE": str(tmp_path / "cache"), "COE_PAPER_RESIDENT": "0",
           "SOURCE_DATE_EPOCH": "1700000000"}
    outputs = [tmp_path / f"paper-{n}.docx" for n in range(3)]
    runs = [subprocess.Popen([sys.executable, "-m", "coe_paper", "assemble", "-o", str(out)], cwd=root, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for out in outputs]
    said = [run.communicate(timeout=300) for run in runs]
    for run, (_, stderr) in zip(runs, said, strict=True):
        assert run.returncode == 0 and "layout pass failed" not in stderr, stderr
    assert len({out.read_bytes() for out in outputs}) == 1
    assert all(page for _, page, _ in contents(outputs[0]))


def test_libreoffice_leaves_nothing_in_the_folder_the_build_runs_in(make_project: MakeProject, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """With HOME set but empty (as some CI runners and `env HOME=` leave it) and no XDG_RUNTIME_DIR, LibreOffice
    made its `.cache/dconf` in the folder it was started in, the project's own: it now runs in its temporary
    folder."""
    require_client("soffice")
    require_client("pdfinfo")
    root = make_project()
    monkeypatch.chdir(root)
    monkeypatch.setenv("HOME", "")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)  # dconf's first choice
    monkeypatch.setenv("COE_PAPER_CACHE", str(tmp_path / "cache"))
    before = sorted(p.name for p in root.iterdir())
    result = assemble(root, paginate=True)
    assert result.output is not None and result.layout is not None and not result.layout.note, result.layout
    assert sorted(p.name for p in root.iterdir() if p.name != "build") == before


def test_a_pdfinfo_that_hangs_leaves_a_note(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pdfinfo past the timeout ended the build with a TimeoutExpired traceback (LibreOffice's was caught)."""
    fake_tools(tmp_path, monkeypatch, pdfinfo="exec sleep 30\n",
               soffice=_OUTPUT + ': > "$target"\n')
    monkeypatch.setattr(layout, "TIMEOUT", 1)
    result = assemble(make_project(), paginate=True)
    assert result.output is not None and result.layout is not None
    assert "the layout pass failed" in result.layout.note


_HALF_A_PDF = _OUTPUT + 'printf "%%PDF-1.7 half" > "$target"\nexit 1\n'


def test_pdf_that_fails_halfway_leaves_the_last_good_pdf(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """LibreOffice wrote `--pdf`'s file in place: a conversion that failed or was stopped halfway left half a PDF
    where the last good one had been."""
    result = assemble(make_project())
    assert result.output is not None
    good = result.output.with_suffix(".pdf")
    good.write_bytes(b"%PDF-1.7 the last good one")
    fake_tools(tmp_path, monkeypatch, soffice=_HALF_A_PDF)
    pdf, problem = layout.export_pdf(result.output)
    assert pdf is None and "could not convert" in problem
    assert good.read_bytes() == b"%PDF-1.7 the last good one"
    assert sorted(p.name for p in good.parent.iterdir() if p.suffix == ".pdf") == [good.name]


def test_pdf_replaces_a_link_at_its_name_not_what_it_points_to(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A link at the PDF's name (say, committed to the repository) was written through, onto a file outside."""
    result = assemble(make_project())
    assert result.output is not None
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    result.output.with_suffix(".pdf").symlink_to(outside)
    fake_tools(tmp_path, monkeypatch, soffice=_HALF_A_PDF.replace("exit 1", "exit 0"))
    pdf, problem = layout.export_pdf(result.output)
    assert pdf == result.output.with_suffix(".pdf") and not problem
    assert not pdf.is_symlink() and pdf.read_bytes() == b"%PDF-1.7 half"
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_layout_key_ignores_properties_only() -> None:
    def package(parts: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            for name, data in parts.items():
                z.writestr(name, data)
        return buffer.getvalue()

    base = {"word/document.xml": b"<a/>", "docProps/core.xml": b"<x/>"}
    assert layout.layout_key(package(base)) == layout.layout_key(package(base | {"docProps/core.xml": b"<y/>"}))
    assert layout.layout_key(package(base)) != layout.layout_key(package(base | {"word/document.xml": b"<b/>"}))
    assert layout.destination_name("_Coe3_12") == "5FCoe35F12"


# -- 2. numbered chapters and sections ---------------------------------------------------------------------


def styles_numbering(docx: Path) -> dict[str, tuple[str, str]]:
    """Heading style id -> (ilvl, numId) of its linked numbering."""
    styles = document_xml(docx, "word/styles.xml")
    found = {}
    found = {}
    for style in styles.iter(f"{W}style"):
        num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
        if num_id is not None and style.get(f"{W}styleId", "").startswith("Heading"):
            ilvl = style.find(f"{W}pPr/{W}numPr/{W}ilvl")
            found[style.get(f"{W}styleId", "")] = (ilvl.get(f"{W}val", "") if ilvl is not None else "0",
                                                   num_id.get(f"{W}val", ""))
    return found


def test_headings_are_numbered_by_word_numbering_linked_to_the_styles(published: Published) -> None:
    linked = styles_numbering(published.docx)
    assert [linked[s][0] for s in ("Heading1", "Heading2", "Heading3")] == ["0", "1", "2"]
    num_id = linked["Heading1"][1]
    numbering = document_xml(published.docx, "word/numbering.xml")
    num = next(n for n in numbering.iter(f"{W}num") if n.get(f"{W}numId") == num_id)
    abstract_id = num.find(f"{W}abstractNumId").get(f"{W}val")  # type: ignore[union-attr]
    abstract = next(a for a in numbering.iter(f"{W}abstractNum") if a.get(f"{W}abstractNumId") == abstract_id)
    texts = [lvl.find(f"{W}lvlText").get(f"{W}val") for lvl in abstract.iter(f"{W}lvl")][:3]  # type: ignore[union-attr]
    assert texts == ["%1", "%1.%2", "%1.%2.%3"]


def test_the_pages_show_chapter_and_section_numbers(published: Published) -> None:
    text = " ".join(published.pages[3:])
    assert "1 Executive summary" in text and "1.1 Why a partnership on equality" in text
    assert "10 Next steps" in text and "10.1 From orientation to action" in text
    # the contents list the same numbers, and the annex and the contents' own title are not numbered
    entries = contents(published.docx)
    assert [entries[0][0], entries[1][0]] == ["Abbreviations", "1 Executive summary"]  # front matter unnumbered
    annex = next(i for i, (t, _, _) in enumerate(entries) if t.startswith("Annex"))
    assert [t for t, _, _ in entries[annex + 1:]] == ["Organisations from Member States", "EU-level networks and "
                                                      "associations", "European Commission services and other EU "
                                                      "bodies"]  # its groups (Heading 2), unnumbered, come last
    assert "11 Annex" not in " ".join(published.pages) and "1 Contents" not in published.pages[2]
    assert not re.search(r"\b(11|10\.6)\s+(Organisations|EU-level|European Commission)", " ".join(published.pages))


def test_a_long_heading_number_keeps_its_gap_before_the_words(make_project: MakeProject, tmp_path: Path) -> None:
    """"1.10.1" and "1.10" are wider than the room for "1.1.1" and "1.1": the levels' indents grow to fit the
    paper's widest numbers, so the number never runs into the heading's words (LibreOffice had printed "1.10.1Deep")."""
    require_client("soffice")
    from conftest import section_text

    body = "".join(f"## Part {n}\n\nText.\n\n" for n in range(1, 11)) + "### Deep dive\n\nMore text.\n"
    result = assemble(make_project({"sections/01-intro.md": section_text("intro", body, title="Introduction")}),
                      tmp_path / "paper.docx", paginate=False)
    assert result.output is not None
    pdf, problem = layout.convert_to_pdf(result.output, tmp_path)
    assert pdf is not None, problem
    text = " ".join(page_texts(pdf))
    assert "1.10.1 Deep dive" in text and "1.10 Part 10" in text


def test_pandoc_keeps_heading_text_without_the_number(published: Published) -> None:
    assert (1, "Executive summary") in headers(published.ast)


def test_numbering_can_be_switched_off(make_project: MakeProject) -> None:
    from conftest import PAPER_YAML

    result = assemble(make_project({"paper/paper.yaml": PAPER_YAML + "numbering: false\n"}))
    assert result.output is not None
    assert styles_numbering(result.output) == {}
    assert [text for text, _, _ in contents(result.output)][:2] == ["Introduction", "Why equal cities"]


def test_status_and_review_sheet_use_the_chapter_numbers(make_project: MakeProject) -> None:
    import json

    from typer.testing import CliRunner

    from coe_paper import cli
    from coe_paper.pipeline import load
    from coe_paper.review import _project_sections

    root = make_project({"sections/03-outlook.md": None})  # an optional chapter left out: no number
    rows = json.loads(CliRunner().invoke(cli.app, ["-C", str(root), "status", "--format", "json"]).stdout)
    assert [(row["id"], row["number"]) for row in rows] == [("intro", "1"), ("housing", "2"), ("outlook", "")]
    result = assemble(root)
    assert result.output is not None
    chapters = [text for text, _, _ in contents(result.output) if re.match(r"\d+ ", text)]
    assert chapters == ["1 Introduction", "2 Housing"]
    # the review sheet titles a section "N. Title" with N = its place among the sections present, the same number
    refs = _project_sections(load(root).project)
    assert [f"{ref.index + 1} {ref.title}" for ref in refs] == chapters


# -- 3. captions and cross-references ----------------------------------------------------------------------


def instructions(docx: Path) -> list[str]:
    return [" ".join((t.text or "").split()) for t in document_xml(docx).iter(f"{W}instrText")]


def test_figure_and_table_get_captions_with_seq_fields_and_bookmarks(published: Published) -> None:
    root = document_xml(published.docx)
    captions = [p for p in root.iter(f"{W}p") if (s := p.find(f"{W}pPr/{W}pStyle")) is not None
                and s.get(f"{W}val") == "Caption"]
    texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in captions]
    assert texts == ["Table 1: Meetings of the Partnership in its first months",
                     "Figure 1: Priority themes chosen by members in the survey (number of respondents)"]
    assert {"SEQ Table \\* ARABIC", "SEQ Figure \\* ARABIC"} <= set(instructions(published.docx))
    marks = {b.get(f"{W}name") for p in captions for b in p.iter(f"{W}bookmarkStart")}
    source = {found for found in map(parse_mark, marks) if found is not None}
    assert marks - {source_mark(*found) for found in source} == {
        "afig_survey_" + layout.hashlib.sha1(b"fig-survey").hexdigest()[:8],
        "atbl_meetings_" + layout.hashlib.sha1(b"tbl-meetings").hexdigest()[:8]}
    # the table's caption names its own `Table:` line for comments and apply
    [(index, line)] = source
    project = load(REPO_ROOT).project
    assert project is not None
    section = REPO_ROOT / project.ordered_sections()[index].path
    assert section.read_text(encoding="utf-8").splitlines()[line - 1].startswith("Table: Meetings")
    # the table caption stands above its table, and the figure's picture is kept with its caption
    table_caption = captions[0]
    assert table_caption.getnext() is not None and table_caption.getnext().tag == f"{W}tbl"
    assert captions[1].getprevious().find(f"{W}pPr/{W}keepNext") is not None  # type: ignore[union-attr]


def test_links_to_caption_ids_become_ref_fields_showing_the_label(published: Published) -> None:
    refs = [i for i in instructions(published.docx) if i.startswith("REF ")]
    assert len(refs) == 2 and all(i.endswith("\\h") for i in refs)
    text = " ".join(published.pages)
    assert "June 2024 (Table 1 lists the first meetings)" in text
    assert "disaggregated data (Figure 1)" in text
    assert "Figure 1: Priority themes chosen by members" in text and "Table 1: Meetings of the Partnership" in text


def test_pandoc_reads_the_table_caption_and_the_figure_caption(published: Published) -> None:
    from test_roundtrip import nodes, plain

    tables = [t for t in nodes(published.ast["blocks"], "Table")]
    assert any("Meetings of the Partnership" in plain(t["c"][1]) for t in tables)
    paragraphs = [plain(p).strip() for p in nodes(published.ast["blocks"], "Para")]
    assert any(p.startswith("Figure 1: Priority themes") for p in paragraphs)


def test_validate_reports_unknown_reference_missing_caption_and_duplicate_id(make_project: MakeProject) -> None:
    from coe_paper.pipeline import load
    from conftest import HOUSING_BODY, section_text

    body = HOUSING_BODY.replace('"A grey square standing in for a chart"', '"A square {#fig-square}"') + (
        "\nSee [the square](#fig-square), [the table](#tbl-missing).\n\n![Second](../paper/images/dot.png)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Numbers {#fig-square}\n")
    root = make_project({"sections/02-housing.md": section_text("housing", body, lead="anct",
                                                                 contributors="[rome, dg-regio]")})
    found = [(d.code, d.line, d.message) for d in load(root).diagnostics]
    codes = sorted(code for code, _, _ in found)
    assert codes == ["COE506", "COE507", "COE601"], found
    assert ("COE601", 19, "link to '#tbl-missing' matches no section or heading") in found
    assert any(code == "COE506" and line == 21 for code, line, _ in found)


# -- 7. the PDF of `assemble --pdf` (the same conversion as the published fixture's) --------------------------


def test_pdf_is_tagged_pdf_ua_with_title_language_and_bookmarks(published: Published) -> None:
    info = subprocess.run([require_client("pdfinfo"), str(published.pdf)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE) and re.search(r"^Title:\s+Orientation Paper$", info,
                                                                          re.MULTILINE)
    raw = published.pdf.read_bytes()
    assert b"/DisplayDocTitle true" in raw and b"/Lang(en-GB)" in raw and b"/Outlines" in raw
    assert b"pdfuaid:part>1<" in raw  # LibreOffice's PDF/UA-1 identification


def test_a_figure_s_alternative_text_in_the_pdf_is_its_description_alone(published: Published) -> None:
    """A screen reader reads a figure's /Alt, then its caption: the /Alt had the caption before the description
    ('Priority themes chosen ... - Horizontal bar chart ...'), so the caption was read twice."""
    raw = published.pdf.read_bytes()
    alts = [bytes.fromhex(found.decode()).decode("utf-16") for found in re.findall(rb"/Alt\s*<([0-9A-Fa-f]+)>", raw)]
    source = (REPO_ROOT / "sections" / "03-partnership-and-method.md").read_text(encoding="utf-8")
    chart = re.search(r"!\[([^\]]+)\]\(\.\./paper/images/survey-priorities\.png", source)
    assert chart is not None
    assert sorted(alts) == sorted(["Flag of the European Union", chart.group(1)])


def test_pdf_keeps_each_keyword_whole(published: Published) -> None:
    """LibreOffice splits a .docx's keywords at every space: the PDF had 'Urban, Agenda, for, the, EU, equality, ...'
    for paper.yaml's three keywords. The copy it converts has no-break spaces inside each keyword; the .docx keeps
    plain ones."""
    info = subprocess.run([require_client("pdfinfo"), str(published.pdf)], capture_output=True, text=True,
                          timeout=TIMEOUT, check=True).stdout
    keywords = re.search(r"^Keywords:\s+(.*)$", info, re.MULTILINE)
    assert keywords is not None, info
    assert keywords.group(1).replace("\u00a0", " ").split(", ") == ["Urban Agenda for the EU", "equality",
                                                                     "orientation paper"]
    with zipfile.ZipFile(published.docx) as package:
        core = package.read("docProps/core.xml")
    assert b"<cp:keywords>Urban Agenda for the EU; equality; orientation paper<" in core


def test_pdf_is_set_in_fonts_of_the_templates_metrics(published: Published) -> None:
    """The template's Calibri and Cambria, or Carlito and Caladea, free fonts of the same metrics: LibreOffice had
    set the text in DejaVu Sans, wider, so the PDF ran to 25 pages where Word makes 22 and the contents' page
    numbers were not Word's. The fonts are among the Debian packages the tests install (scripts/test.sh)."""
    fonts = subprocess.run([require_client("pdffonts"), str(published.pdf)], capture_output=True, text=True,
                           timeout=TIMEOUT, check=True).stdout
    names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
    assert names & {"Carlito", "Calibri"} and names & {"Carlito-Bold", "Calibri-Bold"}, names
    assert not any(name.startswith("DejaVuSans") and "Mono" not in name for name in names), names


def test_a_build_without_fonts_of_the_templates_metrics_says_so(make_project: MakeProject, tmp_path: Path) -> None:
    """Where LibreOffice has neither Calibri nor Carlito (here: fontconfig told of DejaVu alone), the PDF runs
    longer than the paper in Word and the contents' page numbers are not Word's: a build that ran LibreOffice said
    nothing of it. It now names the font to install; with the fonts there, it says nothing."""
    require_client("soffice")
    require_client("pdfinfo")
    require_client("fc-match")
    root = make_project()
    config = tmp_path / "fonts.conf"
    config.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                      f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>")
    env = {**os.environ, "COE_PAPER_RESIDENT": "0", "COE_PAPER_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "coe_paper", "assemble", "--force", "-o", str(tmp_path / "paper.docx")]
    bare = subprocess.run(command, cwd=root, env={**env, "FONTCONFIG_FILE": str(config)}, capture_output=True,
                          text=True, timeout=TIMEOUT)
    assert bare.returncode == 0, bare.stderr
    assert "neither Calibri, the template's font, nor Carlito" in bare.stderr
    assert "apt-get install fonts-crosextra-carlito" in bare.stderr
    shutil.rmtree(tmp_path / "cache")
    fonted = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    assert fonted.returncode == 0 and "Carlito" not in fonted.stderr, fonted.stderr


# -- 6. the annex of member organisations ---------------------------------------------------------------------


def annex_text(published: Published) -> str:
    text = " ".join(published.pages)
    intro = text.index("The partnership's member organisations:")  # after the contents, which list it too
    return text[text.index("Organisations from Member States", intro):]


def test_annex_groups_member_states_in_protocol_order_then_networks_then_eu_bodies(published: Published) -> None:
    text = annex_text(published)
    order = ["Organisations from Member States", "Brussels-Capital Region", "City of Leipzig", "City of Athens",
             "Metropolitan City of Rome (coordinator)", "City of Malmö", "EU-level networks and associations",
             "Eurocities", "European Commission services and other EU bodies",
             "Directorate-General for Regional and Urban Policy", "Technical Secretariat"]
    positions = [text.find(name) for name in order]
    assert -1 not in positions and positions == sorted(positions), list(zip(order, positions, strict=True))
    assert "National Agency for Territorial Cohesion (ANCT) (coordinator)" in text
    networks = text[text.find("EU-level networks"):text.find("European Commission services")]
    assert "European Union" not in networks and "Directorate-General" not in networks


def test_annex_words_are_never_broken_and_rows_never_split(published: Published) -> None:
    text = annex_text(published)
    assert "intersectionality" in text and "intersectionalit " not in text  # pdftotext keeps a broken word apart
    root = document_xml(published.docx)
    annex = [t for t in root.iter(f"{W}tbl") if "Sections led" in "".join(x.text or "" for x in t.iter(f"{W}t"))]
    assert len(annex) == 3
    for table in annex:
        rows = table.findall(f"{W}tr")
        assert all(row.find(f"{W}trPr/{W}cantSplit") is not None for row in rows)
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None  # the header row repeats on every page
    # The header repeats where a group's table runs onto the next page.
    continued = [page for page in published.pages if page.count("Organisation") and "Annex" not in page
                 and "Sections led" in page]
    assert continued
