"""The layout pass: LibreOffice lays the paper out once, and the page of every heading comes back for the contents.

LibreOffice (headless, its own profile) converts the .docx to a PDF whose named destinations are the document's
bookmarks (`ExportBookmarksToPDFDestination`); `pdfinfo -dests` (poppler) lists each with its page. The pages are
cached by a hash of the package parts that can move pages (everything but `docProps/`), so a build whose text,
styles, images and notes did not change reuses them without starting LibreOffice. The same conversion, with tags
and PDF/UA, writes the PDF of `assemble --pdf`, by way of an ODF copy (office_odf) that keeps a figure's picture on
the page of its caption: a second run of LibreOffice, which the layout pass does without to stay within its time.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from . import office_odf, ooxml_office
from .cachefiles import read_file
from .safepaths import write_atomic

TIMEOUT = 120  # seconds; a hung LibreOffice must not hang the build
CACHE_VERSION = "layout-v1"
NO_FOLDER = "no folder for LibreOffice's profile: set HOME, XDG_CACHE_HOME or COE_PAPER_CACHE"
_DEST_RE = re.compile(r'^\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$')
_PDF_OPTIONS = {
    "ExportBookmarks": True,  # the outline: bookmarks for the headings
    "ExportBookmarksToPDFDestination": True,  # Word bookmarks as named destinations (what the layout pass reads)
    "UseTaggedPDF": True,  # EN 301 549 clause 10: a tagged PDF
    "PDFUACompliance": True,  # PDF/UA-1 where LibreOffice offers it (7.2 and later)
    "DisplayPDFDocumentTitle": True,  # the window shows the document's title, not its file name
}


@dataclass
class Layout:
    """What the layout pass found: each bookmark's page, or why there are none."""

    pages: dict[str, int] = field(default_factory=dict)
    note: str = ""  # why the contents have no page numbers, when they have none
    cached: bool = False
    seconds: float = 0.0


def office() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def layout_key(data: bytes) -> str:
    """Hash of the parts that can move pages: every part but the properties (dates, version, commit)."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in sorted(package.namelist()):
            if not name.startswith("docProps/"):
                digest.update(name.encode() + b"\0" + package.read(name) + b"\0")
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """`$COE_PAPER_CACHE`, else `$XDG_CACHE_HOME/coe-paper`, else `~/.cache/coe-paper` (a relative XDG_CACHE_HOME
    is invalid, as the XDG Base Directory specification says, and ignored); None with no home folder either (no
    HOME and no entry in the user database)."""
    explicit = os.environ.get("COE_PAPER_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "coe-paper"
    try:
        return Path.home() / ".cache" / "coe-paper"
    except RuntimeError:
        return None


def _cache_file(key: str) -> Path:
    folder = cache_dir()
    if folder is None:
        raise FileNotFoundError(NO_FOLDER)
    return folder / "layout" / f"{key}.json"


def _read_cache(key: str) -> dict[str, int] | None:
    try:
        text = read_file(_cache_file(key))  # None for a pipe or a link to a device, which would never end
        found = json.loads(text) if text is not None else None
    except (OSError, ValueError, RecursionError):  # RecursionError: nested past what the parser recurses through
        return None
    if not isinstance(found, dict) or not all(isinstance(v, int) for v in found.values()):
        return None
    return {str(k): int(v) for k, v in found.items()}


def _write_cache(key: str, pages: dict[str, int]) -> None:
    try:
        target = _cache_file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(pages, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:  # a cache that cannot be written only costs time
        pass


def pdf_filter(options: dict[str, bool] | None = None) -> str:
    """The `--convert-to` argument for a PDF with the given export options (JSON filter options, LibreOffice 7.4+)."""
    values = {name: {"type": "boolean", "value": "true" if on else "false"}
              for name, on in (options or _PDF_OPTIONS).items()}
    return "pdf:writer_pdf_Export:" + json.dumps(values, separators=(",", ":"))


def convert_to_pdf(docx: Path, outdir: Path, profile: Path | None = None,
                   odf: bool = False) -> tuple[Path | None, str]:
    """Convert with LibreOffice headless into `outdir`: (the PDF, "") or (None, why not). With `odf`, LibreOffice
    runs twice: it saves the .docx as ODF, then lays out that copy, told not to guess its pages (office_odf)."""
    exe = office()
    if exe is None:
        return None, "LibreOffice (soffice) is not installed"
    if profile is None:
        folder = cache_dir()
        if folder is None:
            return None, NO_FOLDER
        profile = folder / "lo-profile"
    try:  # LibreOffice waits for ever on a profile folder it cannot make (under a file, in /proc)
        profile.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return None, f"cannot make LibreOffice's profile folder {profile}: {exc.strerror or exc}"
    start = [exe, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless", "--norestore", "--nologo",
             "--convert-to"]
    with _profile_taken(profile) as taken, tempfile.TemporaryDirectory(prefix="coe-office-") as tmp:
        if not taken:
            return None, f"another build kept LibreOffice's profile {profile} for {TIMEOUT} s"
        try:
            data = docx.read_bytes()
            mirrored = ooxml_office.for_libreoffice(data)
        except (OSError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
            return None, f"could not read {docx.name}: {exc}"
        source = docx.absolute()
        if mirrored is not None:  # a copy whose right-to-left numbers LibreOffice draws as Word does, keywords whole
            source = Path(tmp, docx.name)
            try:
                source.write_bytes(mirrored)
            except OSError as exc:  # a full disk, a file size limit
                return None, (f"could not write LibreOffice's copy of {docx.name} in {Path(tmp).parent}: "
                              f"{exc.strerror or exc}")
        if odf:
            odt, problem = _convert([*start, "odt", "--outdir", tmp, str(source)], Path(tmp), f"{docx.stem}.odt",
                                    docx.name)
            if odt is None:
                return None, problem
            with contextlib.suppress(OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError):  # else as it is
                odt.write_bytes(office_odf.without_page_guess(odt.read_bytes()))  # no guessed pages: see office_odf
            source = odt
        return _convert([*start, pdf_filter(), "--outdir", str(outdir.absolute()), str(source)], outdir.absolute(),
                        f"{docx.stem}.pdf", docx.name)


@contextlib.contextmanager
def _profile_taken(profile: Path) -> Iterator[bool]:
    """Hold `profile` for this process (a lock beside it) while LibreOffice runs on it: LibreOffice lets one process
    use a profile, and of builds run at once all but one failed. True once held; False when another build held it
    for TIMEOUT seconds; True at once where there is nothing to lock with (no fcntl, a lock file that cannot be
    made)."""
    try:
        import fcntl

        fd = os.open(profile.with_name(f"{profile.name}.lock"), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except (ImportError, OSError):
        yield True
        return
    try:  # closing the file ends the lock, however this ends
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.1)
        yield True
    finally:
        os.close(fd)


def _convert(command: list[str], outdir: Path, pdf_name: str, name: str) -> tuple[Path | None, str]:
    """Run LibreOffice's `command`, which writes `pdf_name` into `outdir`, its working folder too: what LibreOffice
    leaves where it runs (dconf's `.cache` when HOME is empty) goes with the temporary folder, not into the project.
    (the PDF, "") or (None, why not)."""
    pdf = outdir / pdf_name
    with _EndingSignals() as ending:  # from before LibreOffice starts: a signal at any moment stops it
        try:  # in a session of its own: the script `soffice` starts soffice.bin, which a timeout must end too
            proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8",
                                    errors="replace", start_new_session=True, cwd=outdir)
        except OSError as exc:
            return None, f"LibreOffice did not start: {exc.strerror or exc}"
        with proc:  # its pipes closed and the process waited for, however this ends
            try:
                stderr = _waited(proc, ending)
            except BaseException as exc:  # the timeout, Ctrl-C, SIGTERM or SIGHUP, none of which reach its session
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                if isinstance(exc, subprocess.TimeoutExpired):
                    return None, f"LibreOffice did not finish in {TIMEOUT} s (stopped)"
                raise
    if proc.returncode != 0 or not pdf.is_file():
        return None, f"LibreOffice could not convert {name}: {stderr.strip()[-300:]}"
    return pdf, ""


def _waited(proc: subprocess.Popen[str], ending: _EndingSignals) -> str:
    """LibreOffice's standard error once `proc` has ended, waited for in short spells: between them, a SIGTERM or
    SIGHUP that came meanwhile (`ending`) stops the wait, however the signal reached this process (to a thread that
    was not waiting, say). subprocess.TimeoutExpired after TIMEOUT s."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        ending.check()
        try:
            return proc.communicate(timeout=max(0.0, min(_SPELL, deadline - time.monotonic())))[1]
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                raise


_SPELL = 0.25  # seconds: how late a signal may stop LibreOffice at worst


class _Ended(BaseException):
    """SIGTERM or SIGHUP arrived while LibreOffice ran."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.number = number


class _EndingSignals:
    """SIGTERM and SIGHUP (`timeout`, a closed terminal) would end this process at once, and LibreOffice, in a
    session of its own, would run on, holding the layout profile. While it runs they are noted instead (the handler
    raises nothing: an exception thrown at whatever line runs may be lost, in a finaliser for one), `check` ends the
    wait, its processes are stopped, then the signal ends this process as it would have. Only where this process
    left them to their default action, and in its main thread (where Python runs signal handlers)."""

    def __init__(self) -> None:
        self.pending: int | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _EndingSignals:
        if threading.current_thread() is threading.main_thread():
            self.previous = {number: signal.signal(number, self._arrived) for number in (signal.SIGTERM, signal.SIGHUP)
                             if signal.getsignal(number) == signal.SIG_DFL}
        return self

    def _arrived(self, number: int, _frame: object) -> None:
        self.pending = number

    def check(self) -> None:
        """_Ended when a signal has come."""
        if self.pending is not None:
            raise _Ended(self.pending)

    def __exit__(self, kind: object, error: BaseException | None, _trace: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        ended = error.number if isinstance(error, _Ended) else self.pending
        if ended is not None:  # it ends this process, as it would have
            signal.signal(ended, signal.SIG_DFL)
            os.kill(os.getpid(), ended)


def export_pdf(docx: Path) -> tuple[Path | None, str]:
    """The PDF of `assemble --pdf`, beside the .docx with its stem: (the PDF, "") or (None, why not). LibreOffice
    writes into a folder of its own, and the PDF then replaces the old one in one rename, so that a conversion that
    fails or is stopped leaves the last good PDF, never half of a new one, and a link or pipe at the PDF's name is
    replaced or refused, not written through."""
    target = docx.with_suffix(".pdf")
    try:
        with tempfile.TemporaryDirectory(prefix="coe-pdf-") as tmp:
            pdf, problem = convert_to_pdf(docx, Path(tmp), odf=True)  # every figure's picture beside its caption
            if pdf is None:
                return None, problem
            try:
                write_atomic(target, pdf.read_bytes())
            except OSError as exc:
                return None, f"could not write {target}: {exc.strerror or exc}"
    except OSError as exc:  # the temporary folder full or past a file size limit
        return None, f"could not write in {tempfile.gettempdir()}: {exc.strerror or exc}"
    return target, ""


def destination_name(bookmark: str) -> str:
    """How LibreOffice names a bookmark's PDF destination: characters other than letters and digits as hex."""
    return "".join(c if c.isascii() and c.isalnum() else f"{ord(c):02X}" for c in bookmark)


def destinations(pdf: Path) -> dict[str, int] | None:
    """Named destinations and their pages (`pdfinfo -dests`), or None without poppler."""
    exe = shutil.which("pdfinfo")
    if exe is None:
        return None
    try:
        proc = subprocess.run([exe, "-dests", str(pdf)], capture_output=True, encoding="utf-8", errors="replace",
                              timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired):  # one that cannot start or hangs: no pages, as without poppler
        return None
    if proc.returncode != 0:
        return None
    found: dict[str, int] = {}
    for line in proc.stdout.splitlines():
        match = _DEST_RE.match(line)
        if match:
            found.setdefault(match.group(2), int(match.group(1)))
    return found


def heading_pages(data: bytes, bookmarks: Iterable[str], *, use_cache: bool = True) -> Layout:
    """The page of each bookmark in `data` (a .docx) as LibreOffice lays it out; cached by `layout_key`."""
    wanted = list(dict.fromkeys(bookmarks))
    key = layout_key(data)
    if use_cache:
        cached = _read_cache(key)
        if cached is not None and all(name in cached for name in wanted):
            return Layout({name: cached[name] for name in wanted}, cached=True)
    if office() is None:
        return Layout(note="LibreOffice is not installed: the contents have no page numbers until Word updates them")
    if shutil.which("pdfinfo") is None:
        return Layout(note="poppler (pdfinfo) is not installed: the contents have no page numbers until Word "
                           "updates them")
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="coe-layout-") as tmp:
            source = Path(tmp) / "paper.docx"
            source.write_bytes(data)
            pdf, problem = convert_to_pdf(source, Path(tmp))
            found = destinations(pdf) if pdf else None
    except OSError as exc:  # the temporary folder full, or a file size limit: the document is written all the same
        found = None
        problem = f"could not write its copy of the paper in {tempfile.gettempdir()}: {exc.strerror or exc}"
    if found is None:
        return Layout(note=f"the layout pass failed ({problem or 'no destinations'}): the contents have no page "
                           "numbers until Word updates them")
    pages = {name: found[destination_name(name)] for name in wanted if destination_name(name) in found}
    missing = [name for name in wanted if name not in pages]
    elapsed = time.perf_counter() - start
    if missing:
        return Layout(note=f"the layout pass found no page for {len(missing)} heading(s), e.g. {missing[0]}: the "
                           "contents have no page numbers until Word updates them", seconds=elapsed)
    _write_cache(key, pages)
    return Layout(pages, seconds=elapsed)
