"""The resident process that `coe-paper serve` keeps beside it, or that a command run at a terminal starts: coe-paper
imported and warm, a child forked for each command a `coe-paper` process passes to it (resident.py says why and what it
passes).

It runs as `python -m coe_paper.resident_server ROOT` would (`START`), with a pipe on its standard input: when the pipe
closes (serve stopped, or died) it removes its socket and ends. Started by a command run alone on a terminal
(`resident.run`), it has no pipe: it ends once it has served nothing for `IDLE` seconds, or when the project's folder is
gone. Each holds the project's lock (`resident.claim`) from its start, so that the commands run while it warms up start
no other; serve's, started while another holds it, waits for it to end. Before listening it imports what `assemble`,
`validate` and `status` import, checks the paper once (which builds the models' validators, compiles the templates and
opens the spelling dictionary's index, and keeps the sections and the cache's packs it read for the children, while
their files stay the same), runs the checks, rules and renderer once more on a few sections (whose
results the check took from the cache) and freezes what it made, so that a child starts with all of it. It has one
thread, so a fork copies no lock another thread holds. A request is refused (the caller then runs the command itself)
unless it comes from this user, for this project's resident protocol, from the same Python with the same coe-paper code
and libraries (`resident.identity`); the child takes the caller's working directory, umask, environment and standard
streams, runs the command as `coe-paper` would, and tells the caller its exit code. A child whose caller is gone
(killed outright, with no time to pass a signal on) is ended.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import resident

#: How it starts: as `python -m` would, but without the folder it starts in at the head of `sys.path` (`coe-paper`
#: has its script's folder there, not the working directory: a module of that name in a paper's repository, where
#: `serve` runs, would be imported instead of the library's, by a child that the client cannot tell from it).
START = ("import sys; getattr(sys.flags, 'safe_path', False) or sys.path.pop(0); "
         "from coe_paper.resident_server import command_line; sys.exit(command_line())")


def spawn(root: Path) -> subprocess.Popen[bytes] | None:
    """Start the resident process for the project at `root` (None when it cannot start); closing its standard
    input ends it."""
    if os.environ.get("COE_PAPER_RESIDENT") == "0" or not hasattr(os, "fork"):
        return None
    try:
        return subprocess.Popen([sys.executable, "-c", START, str(root)],
                                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError:
        return None


#: Seconds a resident process started by a command (`start_detached`) waits for the next one before it ends.
IDLE = 600


def start_detached(root: str, lock: int) -> None:
    """Start a resident process for the project at `root` that outlives this process and ends when idle, holding
    the project's `lock` (resident.claim) that this process took; it starts in `/`, so that it keeps no folder busy,
    with no standard stream of this process's."""
    with contextlib.suppress(OSError):
        subprocess.Popen([sys.executable, "-c", START, root, str(IDLE), str(lock)], cwd="/", stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                         pass_fds=(lock,))


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """End a process `spawn` started, waiting a moment for it to remove its socket."""
    if process is None:
        return
    with contextlib.suppress(OSError):
        if process.stdin is not None:
            process.stdin.close()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main(root: str, idle: float | None = None, lock: int | None = None) -> int:
    """Listen for the project at `root` until serve closes the pipe on standard input or, with `idle`, until no
    command came for that many seconds. It holds the project's lock (resident.claim) while it lives: `lock`, taken
    for it by the command that started it, else its own. Serve's waits for another holding it to end (one a command
    started, or another serve's), then serves in its place; one with `idle` leaves it alone."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # ended from outside: the socket is removed all the same
    path = resident.socket_path(root, create=True)
    if path is None:
        return 1
    held = resident.claim(path) if lock is None else lock
    if held is None and idle is not None:
        return 1
    command = warm(root)
    while held is None:
        ready, _, _ = select.select([sys.stdin], [], [], 1.0)
        if ready and not os.read(sys.stdin.fileno(), 4096):
            return 1  # serve closed the pipe before it was this process's turn
        held = resident.claim(path)
    os.set_inheritable(held, False)  # held until this process ends, and by no program a command runs
    listener = _listen(path)
    if listener is None:
        return 1
    inode = os.stat(path).st_ino
    own = resident.identity()
    try:
        with listener:
            _serve(listener, command, own, None if idle is None else (root, idle))
    finally:
        with contextlib.suppress(OSError):
            if os.stat(path).st_ino == inode:  # still this process's socket, not a later one's
                os.unlink(path)
    return 0


def warm(root: str) -> Any:
    """Import and run once what the commands need; the click command that `coe-paper` builds from its options."""
    global _preload
    import typer.main

    from . import (  # noqa: F401
        checked,
        cli,
        compose,
        docx_writer,
        keptfiles,
        markdown,
        parallel,
        pipeline,
        templates,
        uptodate,
        yamlparse,
    )
    from .project import keep_loaded
    from .store import keep_decoded

    keep_decoded()  # what the check below reads, the children take decoded
    keep_loaded()
    keptfiles.keep()  # and the files it reads, unchanged since, without reading them
    markdown.content_parser()  # what sections and templates that miss the cache need (the check below may not)
    markdown.template_parser()

    try:
        loaded = pipeline.check(Path(root))
        if loaded.project is not None:
            from .rules import speller

            with contextlib.suppress(Exception):  # a dictionary that cannot be opened: the rules are rehearsed anyway
                dictionary = loaded.project.config.checks.dictionary_at(Path(root))
                if dictionary is not None:
                    speller.load_lookups(dictionary, None, Path(root))
            _preload = pipeline.rehearse(loaded)  # what the check above took from the cache is run once too
    except Exception:  # warming is only worth time: a paper that cannot load is loaded per command
        pass
    command = typer.main.get_command(cli.app)
    _coerce_ahead(command)
    markdown.compile_address_patterns()  # last: Python keeps 512 patterns compiled from text, dropping the oldest
    gc.collect()
    gc.freeze()  # what the children share stays shared: their collector never visits it
    return command


def _coerce_ahead(command: Any, parent: Any = None) -> None:
    """Each option's conversion (typer builds it with pydantic at the option's first use, importing its adapters
    then), the help option's too: built once here, where every child takes them ready, rather than for each command
    a child runs."""
    try:
        context = command.context_class(command, parent=parent, **command.context_settings)
        options = [*command.params, command.get_help_option(context)]
    except Exception:  # what cannot be built here is built, or refused, as the command runs
        return
    for option in options:
        ready = getattr(option, "get_runtime_param", None)
        if callable(ready):
            with contextlib.suppress(Exception):
                ready()
    for sub in getattr(command, "commands", {}).values():
        _coerce_ahead(sub, context)


READ_TIME = 1.0  # seconds for a whole request, well under the two seconds a caller waits for its answer


def _listen(path: str) -> socket.socket | None:
    """A socket listening at `path`; None when another live process listens there."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(2):
        try:
            listener.bind(path)
            break
        except OSError:
            if resident.listens(path):
                listener.close()
                return None  # another resident process of this project has it
            with contextlib.suppress(OSError):  # left by a process that ended without removing it
                os.unlink(path)
    else:
        listener.close()
        return None
    os.chmod(path, 0o600)
    listener.listen(8)
    return listener


#: What poll says of a connection whose caller has gone (closed, or ended: SIGKILL gives it no time to pass a
#: signal on); POLLRDHUP is Linux's, elsewhere only a hang-up of both ways is seen.
_GONE = getattr(select, "POLLRDHUP", 0) | select.POLLHUP


def _serve(listener: socket.socket, command: Any, own: str, idle: tuple[str, float] | None) -> None:
    """Answer requests until serve closes the pipe or, with `idle` (the project's root and the seconds), until the
    root is gone or no command has run for that long. A child whose caller has gone is ended (and continued, if
    Ctrl-Z stopped it): nobody waits for what it does any more."""
    children: dict[int, socket.socket] = {}  # each running child's pid, with its own copy of its caller's connection
    last = time.monotonic()
    try:
        while True:
            poller = select.poll()
            poller.register(listener, select.POLLIN)
            if idle is None:
                poller.register(sys.stdin, select.POLLIN)
            for caller in children.values():
                poller.register(caller, _GONE)
            events = dict(poller.poll(1000))
            running = len(children)
            if _reap(children):
                last = time.monotonic()  # idle from when the last command ended, however long it ran
            if idle is None and events.get(sys.stdin.fileno()) and not os.read(sys.stdin.fileno(), 4096):
                return  # serve closed the pipe
            for pid, caller in list(children.items()):
                if events.get(caller.fileno(), 0) & _GONE:
                    children.pop(pid).close()  # its caller has gone, with the exit code or before it
                    for number in (signal.SIGTERM, signal.SIGCONT):
                        with contextlib.suppress(OSError):
                            os.kill(pid, number)  # not reaped yet, so the number is still the child's
            if events.get(listener.fileno()):
                connection, _ = listener.accept()
                with connection:
                    served = _handle(connection, listener, command, own, children)
                if served is False:
                    return
                if served:  # what it refused (another Python, other code, a request it could not read) is no use
                    last = time.monotonic()
            if running and not children:  # the last command ended: the cache's packs it wrote are read here, for
                _read_again()  # the next (after any request that came meanwhile: read by its child, as it must be)
            if idle and (not os.path.isdir(idle[0]) or time.monotonic() - last > idle[1]):
                return
    finally:
        for caller in children.values():
            caller.close()


#: What decodes the bodies in the section cache again (pipeline.rehearse), after each command.
_preload: Callable[[], object] | None = None


def _read_again() -> None:
    """The packs of the section cache that the last command wrote, read and decoded here (see store.read_again), the
    bodies it rendered too (a process that warmed up before the paper was built had none: each child decoded all
    of them), and frozen with the rest once this process's own garbage is collected (a cycle frozen would never be)."""
    from .store import read_again

    read_again()
    if _preload is not None:
        with contextlib.suppress(Exception):  # only worth time: a child reads what this could not
            _preload()
    gc.collect()
    gc.freeze()


def _reap(children: dict[int, socket.socket]) -> bool:
    """Collect the children that ended (closing their callers' connections); whether any is still running."""
    try:
        while True:
            pid, _ = os.waitpid(-1, os.WNOHANG)
            if not pid:
                return True
            caller = children.pop(pid, None)
            if caller is not None:
                caller.close()
    except ChildProcessError:
        return False


def _handle(connection: socket.socket, listener: socket.socket, command: Any, own: str,
            children: dict[int, socket.socket]) -> bool | None:
    """Run one request in a child (True; added to `children`), or refuse it (None); False when this process's code
    changed and it should end."""
    fds: list[int] = []
    deadline = time.monotonic() + READ_TIME
    try:
        connection.settimeout(READ_TIME)
        _, uid, _ = struct.unpack("3i", connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
        if uid != os.getuid():
            return None
        head, fds, _, _ = socket.recv_fds(connection, 8, 3)
        size = int.from_bytes(head, "big") if len(head) == 8 else resident.MAX_REQUEST + 1
        request = _read(connection, size, deadline) if len(fds) == 3 and size <= resident.MAX_REQUEST else None
        why = _refusal(request, own)
        if why is not None or request is None:
            connection.sendall(b"refused " + (why or "a request it could not read").encode() + b"\n")
            return None if why != "other code" or resident.identity(fresh=True) == own else False
        watch = connection.dup()
        try:
            pid = os.fork()
        except OSError:
            watch.close()
            raise
        if pid == 0:
            for caller in [watch, *children.values()]:
                caller.close()
            _child(connection, listener, fds, request, command)
        children[pid] = watch
        return True
    except OSError:
        return None
    finally:
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)


def _read(connection: socket.socket, size: int, deadline: float) -> list[bytes] | None:
    """The request's fields, read by `deadline` (a caller sends it whole at once; one that trickles in would hold
    up every other caller, which gives up waiting after two seconds)."""
    data = bytearray()
    while len(data) < size:
        connection.settimeout(max(deadline - time.monotonic(), 0.001))
        chunk = connection.recv(min(65536, size - len(data)))
        if not chunk:
            return None
        data += chunk
    return bytes(data).split(b"\0")


def _refusal(request: list[bytes] | None, own: str) -> str | None:
    if request is None or len(request) < 5 or request[0] != resident.PROTOCOL:
        return "not this protocol"
    if request[1].decode("utf-8", "surrogateescape") != own:
        return "other code"
    if not (request[3].isdigit() and request[4].isdigit()) or not 0 < int(request[4]) <= len(request) - 5:
        return "not this protocol"
    if threading.active_count() != 1:
        return "a thread is running"
    return None


def _child(connection: socket.socket, listener: socket.socket, fds: list[int], request: list[bytes],
           command: Any) -> None:
    """Become the command the request names, as `coe-paper` started in the caller's place would run it. It says its
    pid and waits for the caller's `go` before it takes the caller's streams: a caller that gave up waiting (it then
    runs the command itself) gets nothing from it, and whatever fails before then is the caller's to run."""
    code = 1
    try:
        listener.close()
        for ending in (signal.SIGTERM, signal.SIGHUP):  # as `coe-paper` has them, whatever serve was started with
            signal.signal(ending, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        cwd, umask, count = request[2], int(request[3]), int(request[4])
        program, *argv = (os.fsdecode(arg) for arg in request[5 : 5 + count])
        environment = dict(entry.partition(b"=")[::2] for entry in request[5 + count :] if entry[:1] not in (b"", b"="))
        os.environb.clear()
        os.environb.update(environment)
        os.chdir(cwd)
        os.umask(umask)
        connection.settimeout(None)
        connection.sendall(b"pid %d\n" % os.getpid())
        if connection.recv(len(resident.GO), socket.MSG_WAITALL) != resident.GO:
            os._exit(1)  # the caller left
        for number, fd in enumerate(fds):
            os.dup2(fd, number)
        for fd in fds:
            os.close(fd)
        sys.argv = [program, *argv]
        if isinstance(sys.stdout, io.TextIOWrapper):  # as Python sets it up for a terminal
            sys.stdout.reconfigure(line_buffering=sys.stdout.isatty())
        from . import cli

        code = cli.finish(cli.outcome(argv, command, program))
    except BaseException:  # the caller's stderr says what went wrong; the code says it failed
        with contextlib.suppress(Exception):
            traceback.print_exc()
            sys.stderr.flush()
    finally:
        with contextlib.suppress(OSError):
            connection.sendall(b"exit %d\n" % code)
        os._exit(code)


def command_line() -> int:
    """`START`'s entry: the project's root; when no serve holds a pipe to it, the seconds it may wait idle, and the
    descriptor of the project's lock when it holds it."""
    args = sys.argv[1:]
    if not 1 <= len(args) <= 3 or not all(arg.isdigit() for arg in args[1:]):
        return 2
    idle = float(args[1]) if len(args) > 1 else None
    lock = int(args[2]) if len(args) > 2 else None
    return main(os.path.realpath(args[0]), idle, lock)


if __name__ == "__main__":
    sys.exit(command_line())
