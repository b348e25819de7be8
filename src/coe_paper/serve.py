"""`coe-paper serve`: the preview on a local web server that rebuilds when a file changes and reloads the page.

The server binds to 127.0.0.1 unless told otherwise, serves the built folder (`site.build`) and adds one small script to
HTML pages: an EventSource on `/_coe/events` that reloads the page when a rebuild finished. While the last build made no
page (the paper cannot be loaded), HTML pages are a list of its problems instead. Files are watched with watchfiles
(inotify on Linux) with a short debounce, and a rebuild waits for the changed files to stay as they are for a moment (an
emptied one, for up to a second: settle.py), so that it shows no editor's half-save. The server process stays warm
between rebuilds: modules, compiled templates and the spelling dictionary (loaded in the background after the first
build, giving way to any rebuild; loading it takes a second or two, which a rebuild meeting a new word would otherwise
pay) are kept, so a saved edit shows in well under half a second on the bundled paper (`bench/bench_startup.py` measures
it). A file of paper/ or sections/, contributors.yaml or .mailmap triggers a rebuild, and so does any other the last
build read or looked for (site_inputs.py: a templates folder, a picture or a term list paper.yaml or a section names
anywhere in the project, the built .docx, its PDF and redlines), and so does a commit, checkout or tag (git's HEAD, refs
and packed-refs: the version and last changes); nothing else does (an editor's swap file, git's index and objects, a
log, a PDF of another build). A rebuild that leaves the site as it was reloads no page.

Beside it runs the resident process (resident_server.py): while `serve` runs, `coe-paper assemble`, `validate` and
`status` in the project start warm.
"""

from __future__ import annotations

import contextlib
import gc
import html
import io
import os
import subprocess
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import BinaryIO

from . import resident_server, settle, site, site_inputs
from .diagnostics import Diagnostic, sort_key
from .safepaths import resolved
from .serve_connections import BoundedServer, BoundedServerIPv6

EVENTS = "/_coe/events"
RELOAD_SCRIPT = (
    "<script>(function(){var s=new EventSource('" + EVENTS + "');"
    "s.onmessage=function(e){if(e.data==='reload'){s.close();location.reload();}};})();</script>"
)
WATCHED = ("paper", "sections", "contributors.yaml", ".mailmap")
#: How long a request's connection may keep the server waiting on one read or write (its headers, a slow reader):
#: a connection that sent half its headers and stopped held a thread of the server for ever.
REQUEST_SECONDS = 10.0
STOP_SECONDS = 5.0  # how long stopping waits for each of the server's threads (serving, watching) to end
PAUSE_SECONDS = 0.005  # how often the dictionary's loading in the background looks whether a rebuild has ended
#: How long the dictionary's loading in the background also waits once an edit is seen, and after a rebuild: the
#: watcher's wait for the save to settle, the reload sent to the open pages and their new page served each need the
#: interpreter a moment at a time, which the loading held in 5 ms turns (a first edit waited 0.1-0.3 s on them).
QUIET_SECONDS = 0.5


@dataclass
class Rebuilt:
    """One rebuild: the changed files that caused it and what the build made."""

    changed: list[str]
    built: site.Built
    same: bool = False  # the site and the problems it shows are as the build before left them: no reload


class Generation:
    """A counter of finished builds that request threads wait on."""

    def __init__(self) -> None:
        self.value = 0
        self._cond = threading.Condition()

    def bump(self) -> None:
        with self._cond:
            self.value += 1
            self._cond.notify_all()

    def wait_past(self, seen: int, timeout: float) -> int:
        with self._cond:
            self._cond.wait_for(lambda: self.value > seen, timeout=timeout)
            return self.value


def failure_page(diagnostics: list[Diagnostic]) -> str:
    """What the browser shows while the paper cannot be built (paper.yaml or contributors.yaml broken): the
    problems, where the page of the last build would have shown the paper as it was before the edit."""
    items = "".join(f"<li>{html.escape(d.as_text())}</li>" for d in sorted(diagnostics, key=sort_key))
    return ('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            "<title>The paper cannot be built</title>\n</head>\n<body>\n<main>\n"
            "<h1>The paper cannot be built</h1>\n<p>Fix these problems and save: the page reloads.</p>\n"
            f'<ul style="white-space: pre-wrap">{items}</ul>\n</main>\n</body>\n</html>\n')


class _Handler(SimpleHTTPRequestHandler):
    generation: Generation
    failure: list[str]  # the failure page while the last build made none (one item), else empty
    stopping: threading.Event
    swapping: threading.Lock  # held while a rebuild swaps the site's folder, and while a request opens its file
    names: frozenset[str] | None  # the host names it answers to (None: any, when it listens beyond this machine)

    def log_message(self, format: str, *args: object) -> None:
        pass  # the CLI reports builds, not every request

    def _foreign(self) -> bool:
        """Whether the request names another host than this machine (answered 403): a web page whose name is made
        to point at 127.0.0.1 (DNS rebinding) could otherwise read the unpublished paper."""
        given = (self.headers.get("Host") or "").strip().lower()
        name = given[: given.find("]") + 1] if given.startswith("[") else given.rsplit(":", 1)[0] if given else ""
        if self.names is None or not given or name in self.names:
            return False
        self.send_error(HTTPStatus.FORBIDDEN, "this preview answers to its own address only (localhost)")
        return True

    def parse_request(self) -> bool:
        """Read the request's line and headers; from then on the connection is not replaced by a new one."""
        parsed = super().parse_request()
        if self._replaced():  # its headers were cut short when a new connection took its place: no answer
            self.close_connection = True
            return False
        self._waiting(False)
        return parsed

    def _waiting(self, replaceable: bool) -> None:
        if isinstance(self.server, BoundedServer):
            self.server.waiting(self.connection, replaceable)

    def _replaced(self) -> bool:
        return isinstance(self.server, BoundedServer) and self.server.replaced(self.connection)

    def do_HEAD(self) -> None:
        if not self._foreign():
            super().do_HEAD()

    def do_GET(self) -> None:
        if self._foreign():
            return
        if self.path.split("?")[0] == EVENTS:
            self._events()
            return
        with self.swapping:
            path = self.translate_path(self.path)
            if Path(path).is_dir():
                path = str(Path(path) / "index.html")
            page = path.endswith(".html") and Path(path).is_file() and self._of_site(path)
            text = Path(path).read_text(encoding="utf-8") if page else None
            if self.failure and (page or path == str(Path(self.directory) / "index.html")):
                text = self.failure[0]
        if text is not None:
            self._html(text)
            return
        super().do_GET()

    def send_head(self) -> io.BytesIO | BinaryIO | None:
        path = self.translate_path(self.path)
        if "\0" in path:  # no file has such a name; opening it raises ValueError
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        with self.swapping:  # an open file stays the one opened when the folder is swapped
            if not self._of_site(path) or (Path(path).is_dir() and not (Path(path) / "index.html").is_file()):
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")  # no listing of a folder's files
                return None
            return super().send_head()

    def _of_site(self, path: str) -> bool:
        """Whether `path` is in the site's folder once every symbolic link on it is followed: a link in the folder
        to a file elsewhere (`ln -s ~/.ssh/id_rsa build/site/key`) was served."""
        site_folder, full = resolved(Path(self.directory)), resolved(Path(path))
        return site_folder is not None and full is not None and full.is_relative_to(site_folder)

    def _html(self, text: str) -> None:
        body = text.replace("</body>", RELOAD_SCRIPT + "</body>", 1).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.generation.value
        self._waiting(True)  # a new connection may take its place: the page opens its events again by itself
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            quiet = 0.0  # seconds since the last line sent
            while not self.stopping.is_set() and not self._replaced():
                now = self.generation.wait_past(seen, timeout=1)  # a second at most: a replaced one ends at once
                quiet = 0.0 if now > seen else quiet + 1
                if now > seen or quiet >= 15:
                    self.wfile.write(b"data: reload\n\n" if now > seen else b": ping\n\n")
                    self.wfile.flush()
                    quiet = 0.0
                seen = now
        except OSError:  # the page went away
            pass


def changed_names(root: Path, refs: site_inputs.GitRefs, changes: Collection[tuple[int, str]]) -> dict[Path, str]:
    """The files of a batch of changes the watcher reported (`(kind, path)`, kind 1 for a file made) that a rebuild
    reads, each resolved, with its name for the rebuild: a file of the project by its path in it, one of git's by
    the name git gives it, wherever its folder is. A file made and gone since (an editor's temporary one) is left
    out."""
    made = {path for change, path in changes if change == 1}  # watchfiles' Change.added
    names: dict[Path, str] = {}
    for _, path in changes:
        if path in made and not os.path.lexists(path):
            continue
        full = resolved(Path(path))
        if full is None or full in names:
            continue
        if refs.cover(str(full)):  # asked once for each: git's files may be in the project's folder or elsewhere
            names[full] = refs.named(full)
        elif full.is_relative_to(root):
            names[full] = str(full.relative_to(root))
    return names


def _loopback(host: str) -> bool:
    """Whether `host` is an address of this machine alone (127.x.x.x, ::1, localhost)."""
    return host.lower() == "localhost" or host.startswith("127.") or host == "::1"


class PreviewServer:
    """The preview server and its watcher; `start()` returns at once, `stop()` ends both threads."""

    def __init__(self, root: Path, output: Path | None = None, host: str = "127.0.0.1", port: int = 8000,
                 on_build: Callable[[Rebuilt], None] | None = None, resident: bool = False) -> None:
        self.root = root.resolve()
        self.output = (output or self.root / site.DEFAULT_OUTPUT).resolve()
        self.generation = Generation()
        self.stopping = threading.Event()
        self._rebuilding = threading.Event()  # set while a rebuild runs
        self._quiet_until = 0.0  # the monotonic time until which the background loading waits (QUIET_SECONDS)
        self.swapping = threading.Lock()
        self.failure: list[str] = []
        self.on_build = on_build or (lambda rebuilt: None)
        host = host[1:-1] if host.startswith("[") and host.endswith("]") else host  # [::1], as in a URL
        names = frozenset({"localhost", "127.0.0.1", "[::1]", host.lower()}) if _loopback(host) else None
        handler = type("Handler", (_Handler,), {"generation": self.generation, "stopping": self.stopping,
                                              "swapping": self.swapping, "names": names,
                                              "failure": self.failure, "timeout": REQUEST_SECONDS})
        server = BoundedServerIPv6 if ":" in host else BoundedServer
        self.httpd = server((host, port), partial(handler, directory=str(self.output)))
        self.output.mkdir(parents=True, exist_ok=True)  # once the port is ours: a port taken leaves nothing behind
        self.httpd.daemon_threads = True
        self._threads: list[threading.Thread] = []
        self.resident = resident  # with the resident process (resident_server.py) beside it
        self._resident: subprocess.Popen[bytes] | None = None
        self._shown: tuple[str, ...] = ()  # what the last build left to see (its files' digest, failure page)
        self._inputs = site_inputs.Inputs()  # what the last build read beside WATCHED (see _relevant)
        self._refs = site_inputs.GitRefs()  # where a commit shows (set when watching starts)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://[{host!s}]:{port}/" if ":" in str(host) else f"http://{host!s}:{port}/"

    def build(self, changed: list[str]) -> Rebuilt:
        """Build the site; the open pages reload unless it came out as it was (a file the paper does not read
        changed, such as serve's own log written into the project, whose every line made one more rebuild)."""
        self._rebuilding.set()
        try:
            rebuilt = Rebuilt(changed, site.build(self.root, self.output, self.swapping))
        finally:
            self._quiet_until = time.monotonic() + QUIET_SECONDS  # the pages' reload, as the rebuild did
            self._rebuilding.clear()
        self._inputs = rebuilt.built.inputs.resolved_in(self.root)
        with self.swapping:
            self.failure[:] = [] if rebuilt.built.page is not None else [failure_page(rebuilt.built.diagnostics)]
            shown = (rebuilt.built.digest if rebuilt.built.page is not None else "", *self.failure)
        rebuilt.same = shown == self._shown
        self._shown = shown
        if not rebuilt.same:
            self.generation.bump()
        self.on_build(rebuilt)
        return rebuilt

    def start(self) -> None:
        if self.resident:  # it warms up while the first build runs
            self._resident = resident_server.spawn(self.root)
        first = self.build([])
        ready = threading.Event()
        for target in (self.httpd.serve_forever, partial(self._watch, ready)):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        # not joined by stop(): it holds nothing, and Ctrl-C in the first seconds waited for the dictionary to load
        threading.Thread(target=self._warm, args=(first.built,), daemon=True).start()
        ready.wait(5)

    def _warm(self, built: site.Built) -> None:
        """Open what a rebuild may need but the first build did not, so that the first edit is as quick as the ones
        after it: the spelling dictionary's lookups (for a word no earlier run has looked up), then all its entries
        (for suggestions, when a word is misspelt: typing makes many). Loading the entries takes a second or two
        of the interpreter's time, which an edit saved at once would share with it:
        - it waits while a rebuild runs (`_pause`);
        - the cycle collector is off meanwhile: the entries are some 430,000 objects, which it walked again and
          again as they grew (0.1-0.3 s each time, the interpreter held), then froze them: no collection walks them
          again (a rebuild after it met one of 0.3 s)."""
        from .rules.speller import load_dictionary, load_lookups

        if built.project is None:
            return
        collecting = gc.isenabled()
        gc.disable()
        try:
            with contextlib.suppress(Exception):  # one that cannot load is reported by the build that needs it
                dictionary = built.project.config.checks.dictionary_at(self.root)
                if dictionary is not None:
                    load_lookups(dictionary, None, self.root)
                    load_dictionary(dictionary, pause=self._pause)
        finally:
            gc.freeze()
            if collecting:
                gc.enable()

    def _pause(self) -> None:
        """Wait while a rebuild runs or an edit is on its way to the pages (QUIET_SECONDS), unless the rebuild waits
        for the dictionary being loaded or serve stops."""
        from .rules.speller import awaited

        while ((self._rebuilding.is_set() or time.monotonic() < self._quiet_until) and not awaited()
               and not self.stopping.is_set()):
            time.sleep(PAUSE_SECONDS)

    def _relevant(self, path: str) -> bool:
        """Whether a change at `path` may change the page: a file of paper/ or sections/, contributors.yaml,
        .mailmap (a new file there makes the version "dirty"), or one the last build read or looked for elsewhere (a
        templates folder, a picture or a term list paper.yaml or a section names, the built .docx, its PDF and
        redlines); never the site, the folders a build makes beside it, or git's own files."""
        full = resolved(Path(path))
        if full is None:  # a link loop: nothing a build reads (one a section names is the build's error)
            return False
        try:
            relative = full.relative_to(self.root)
        except ValueError:
            return False
        if self.output == full or self.output in full.parents or ".git" in relative.parts:  # a build's cache is there
            return False
        beside = self.output.parent
        if beside in full.parents:
            step = full.relative_to(beside).parts[0]
            if step.startswith(".site-") or step == f".{self.output.name}-old":  # a build's own folders
                return False
        if relative.parts and relative.parts[0] in WATCHED:
            return True
        return self._inputs.cover(relative.as_posix())

    def _watch(self, ready: threading.Event) -> None:
        from watchfiles import Change, DefaultFilter, watch  # imported here: only `serve` needs it

        noise = DefaultFilter()  # .git, editors' swap and backup files, caches

        def keep(change: Change, path: str) -> bool:
            kept = self._refs.cover(path) or (noise(change, path) and self._relevant(path))
            if kept:  # a rebuild follows once the save settles: the loading in the background waits from now
                self._quiet_until = time.monotonic() + QUIET_SECONDS
            return kept

        self._refs = refs = site_inputs.git_refs(self.root)
        watching = _Watching(self.stopping, ready)
        for changes in watch(self.root, *refs.folders(self.root), watch_filter=keep, debounce=50, step=25,
                             stop_event=watching, yield_on_timeout=False, rust_timeout=500):
            changed = changed_names(self.root, refs, changes)
            settle.settle(sorted(changed), self.stopping)
            if not self.stopping.is_set():
                self.build(sorted(set(changed.values())))

    def stop(self) -> None:
        self.stopping.set()
        self.generation.bump()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=STOP_SECONDS)
        resident_server.stop(self._resident)

    def wait(self) -> None:
        """Block until interrupted (Ctrl-C) or stopped."""
        while not self.stopping.is_set():
            time.sleep(0.2)


class _Watching:
    """The stop event watchfiles is given: it asks `is_set` from inside its watch loop, once the folders are
    watched, so the first question sets `ready` (start() returned before then, and an edit saved at once was
    missed)."""

    def __init__(self, stopping: threading.Event, ready: threading.Event) -> None:
        self.stopping, self.ready = stopping, ready

    def is_set(self) -> bool:
        self.ready.set()
        return self.stopping.is_set()
