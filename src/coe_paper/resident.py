"""The `coe-paper` command, run in a warm process when one serves the project, else here.

Starting coe-paper costs more than a small paper's build: Python, typer, pydantic, python-docx, Jinja2 and
markdown-it take about 0.15 s to import before any work. A resident process (resident_server.py) keeps all of them
imported, with the spelling dictionary's index open, and forks a child for each `assemble`, `validate` or `status`
run in that project. `coe-paper serve` keeps one while it runs; a command run here by someone at a terminal starts
one once it is done (`start_for`), which ends after ten minutes with nothing to do. This module is the `coe-paper`
command: it imports nothing but `os` and the C modules under `socket`, `signal` and `hashlib` (their Python
wrappers load `enum`, `selectors` and OpenSSL: 15 ms of each command), finds the project, and asks the resident
process, if there is one, to run the command. The child gets this process's arguments, working directory,
environment, umask and its standard input, output and error themselves (passed over the socket), so it prints to
the same terminal, sees the same files and exits with the code this process then exits with. Anything else (no
resident process, one for other code or another Python, another user's socket, a refusal) runs the command here,
as before.

The socket is `<runtime dir>/<hash of the project's path>.sock`, in `$XDG_RUNTIME_DIR/coe-paper` or
`/tmp/coe-paper-<uid>`: a folder only its owner may enter, checked before use. `COE_PAPER_RESIDENT=0` runs every
command here and starts no resident process; `COE_PAPER_RESIDENT=1` starts one from a script too.
"""

from __future__ import annotations

import os
import sys

from .locate import PACKAGE, code_stamp, project_root, read_code_stamp

TYPE_CHECKING = False  # typing itself takes 10 ms to import, more than all of this module needs
if TYPE_CHECKING:  # `_signal` is typed as its wrapper (typeshed has no stubs for it)
    import _socket
    import signal as _signal
    from collections.abc import Callable
else:
    import _signal

FORWARDED = frozenset({"assemble", "validate", "status"})
#: The collector's thresholds for a run: it is short and makes few reference cycles, but many objects (the
#: libraries' classes and schemas as they are imported, parsed files, XML text, cache entries), which the default
#: thresholds scan over and over (about 5% of a warm `validate` of 300 sections, and 10 ms of a small paper's warm
#: build, most of it during the imports).
GC_THRESHOLDS = (100_000, 50, 50)
PROTOCOL = b"coe-paper resident 3"
GO = b"go\n"  # the caller waits for the command: the child may take its streams
#: What Python reads as it starts (the resident process started with its own): a run whose values differ is run here.
STARTUP = ("PYTHON", "LANG", "LC_")
MAX_REQUEST = 1 << 20
#: The longest path a Unix socket may have (the kernel's `sun_path`, less its NUL): 107 bytes on Linux, 103 elsewhere.
MAX_SOCKET_PATH = 107 if sys.platform.startswith("linux") else 103


def run() -> None:
    """Console-script entry point: the command run warm when it can be, else here; then, for someone at a terminal,
    a resident process is started for the next command (`start_for`)."""
    import gc  # built in: nothing to load

    gc.set_threshold(*GC_THRESHOLDS)  # before the imports, which make most of a run's objects
    argv = sys.argv[1:]
    try:
        code = forward(argv)
    except KeyboardInterrupt:  # before the resident process's child took the command: ended as a run here ends
        os.write(2, b"coe-paper: interrupted\n")
        os._exit(130)
    if code is None:
        import contextlib  # imported by the command already

        from . import cli

        code = cli.finish(cli.outcome())
        with contextlib.suppress(BaseException):  # the command is done: nothing here may change how it ended
            start_for(argv)
    os._exit(code or 0)


def wanted() -> bool:
    """Whether a command run here starts a resident process: `COE_PAPER_RESIDENT=1` says yes and `0` no; unset, yes
    for someone at a terminal (standard input and error both one) outside CI, where more commands are likely to
    follow, and no for scripts, whose process tree should end with them."""
    setting = os.environ.get("COE_PAPER_RESIDENT")
    if setting in ("0", "1"):
        return setting == "1"
    return "CI" not in os.environ and os.isatty(0) and os.isatty(2)


def start_for(argv: list[str]) -> None:
    """Start the resident process of the project `argv` runs in, when `wanted` and none listens or is starting (it
    holds the project's lock, `claim`, from the start); it ends after ten idle minutes (resident_server.IDLE)."""
    start = _forwardable(argv) if os.name == "posix" and wanted() else None
    root = project_root(start) if start is not None else None
    path = socket_path(root, create=True) if root is not None else None
    if root is None or path is None or listens(path):
        return
    held = claim(path)
    if held is None:
        return  # another command's is warming up: the commands run meanwhile start no more
    from .resident_server import start_detached

    try:
        start_detached(root, held)
    finally:
        os.close(held)


def claim(path: str) -> int | None:
    """A descriptor holding the lock of the socket at `path` (a file beside it, left there), or None when another
    process holds it: the project's resident process holds it, from before it warms up until it ends."""
    import fcntl

    try:
        fd = os.open(path.removesuffix(".sock") + ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW,
                     0o600)
    except OSError:
        return None
    try:
        if fd <= 2:  # a standard stream is closed and this took its number: a child's would take its place
            fd, closed = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 3), fd
            os.close(closed)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def listens(path: str) -> bool:
    """Whether a live process listens on the socket at `path` (not a file left by one that ended)."""
    import _socket

    try:
        probe = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        return False
    try:
        probe.connect(path)
    except OSError:
        return False
    finally:
        probe.close()
    return True


def forward(argv: list[str]) -> int | None:
    """The exit code of `argv` run by the project's resident process, or None when it was not run there."""
    if os.environ.get("COE_PAPER_RESIDENT") == "0" or os.name != "posix":  # sockets that pass descriptors: POSIX
        return None
    start = _forwardable(argv)
    if start is None:
        return None
    root = project_root(start)
    path = socket_path(root, create=False) if root is not None else None
    if path is None or not os.path.exists(path):
        return None
    import _socket  # only now: a run with no resident process to ask pays nothing for it

    try:
        connection = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    except OSError:
        return None
    try:
        return _ask(connection, path, argv)
    finally:
        connection.close()


def _ask(connection: _socket.socket, path: str, argv: list[str]) -> int | None:
    """`forward`'s exchange on `connection`: the request, the child's number, `go`, then the exit code."""
    if connection.fileno() <= 2:
        return None  # a standard stream is closed and the socket took its number: it is not passed on as one
    try:
        connection.settimeout(2.0)
        connection.connect(path)
        request = encode_request(argv)
        _send_streams(connection, len(request).to_bytes(8, "big"))
        connection.sendall(request)
        answer = _line(connection)
        if not answer.startswith(b"pid "):
            return None  # refused (another Python, other code, another environment): run here
        send = _signaller(int(answer[4:]))  # while the child waits for `go`: its number is its own
        connection.sendall(GO)  # from here on the child runs the command, not this process
    except (OSError, ValueError):
        return None
    connection.settimeout(None)
    return _outcome(connection, send)


def _forwardable(argv: list[str]) -> str | None:
    """Where to look for the project, when `argv` is a command the resident process runs: options before the
    command may only name the project (`--project DIR`, `-C DIR`)."""
    start = "."
    index = 0
    while index < len(argv):
        arg = argv[index]
        if arg in ("--project", "-C") and index + 1 < len(argv):
            start, index = argv[index + 1], index + 2
        elif arg.startswith("--project="):
            start, index = arg.partition("=")[2], index + 1
        elif arg in FORWARDED:
            return start if "--help" not in argv[index:] else None
        else:
            return None
    return None


def _send_streams(connection: _socket.socket, data: bytes) -> None:
    """Send `data` with this process's standard input, output and error, as `socket.send_fds` sends descriptors."""
    import _socket

    streams = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in (0, 1, 2))  # C ints, as array("i")
    connection.sendmsg([data], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, streams)])


def _signaller(pid: int) -> Callable[[int], None]:
    """What sends a signal to the child: through a pidfd where Linux has them, so that a signal sent after the child
    ended cannot reach another process given its number; else by its number."""
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        return lambda number: os.kill(pid, number)
    return lambda number: _signal.pidfd_send_signal(pidfd, number)


def _outcome(connection: _socket.socket, send: Callable[[int], None]) -> int:
    """Wait for the child's exit code; Ctrl-C here is passed on to it (a second one stops waiting), and so are the
    signals that end a process (`_pass_on`)."""
    _pass_on(send)
    interrupted = False
    while True:
        try:
            answer = _line(connection)
            break
        except KeyboardInterrupt:
            if interrupted:
                return 130
            interrupted = True
            try:
                send(_signal.SIGINT)
            except OSError:
                return 130
        except OSError:
            answer = b""
            break
    if answer.startswith(b"exit "):
        return int(answer[5:])
    os.write(2, b"coe-paper: the warm process ended without saying how the command ended\n")
    return 1


def _pass_on(send: Callable[[int], None]) -> None:
    """SIGTERM and SIGHUP (`timeout`, a closed terminal), which would end the command run here, end the child too,
    then this process as they would have (unless this process ignores them); Ctrl-Z (SIGTSTP) stops the child with
    this process, and `fg` goes on with both."""

    def end(number: int, _frame: object) -> None:
        try:
            send(number)
        finally:  # ended already or not: this process ends
            _signal.signal(number, _signal.SIG_DFL)
            os.kill(os.getpid(), number)

    def pause(number: int, _frame: object) -> None:
        quietly(_signal.SIGSTOP)  # not SIGTSTP: in the resident process's group it would be dropped
        _signal.signal(number, _signal.SIG_DFL)
        os.kill(os.getpid(), number)  # stopped here until continued (or dropped, in a group with no shell to do it)
        _signal.signal(number, pause)
        quietly(_signal.SIGCONT)

    def quietly(number: int) -> None:
        try:  # noqa: SIM105  # contextlib.suppress: 2.5 ms more to import
            send(number)
        except OSError:  # the child has ended
            pass

    for number, handler in ((_signal.SIGTERM, end), (_signal.SIGHUP, end), (_signal.SIGTSTP, pause)):
        if _signal.getsignal(number) == _signal.SIG_DFL:
            _signal.signal(number, handler)


def _line(connection: _socket.socket) -> bytes:
    """One line from the resident process (without its line feed; what precedes a closed connection), and nothing
    of the next one: `exit` may follow `pid` before this process reads it."""
    import _socket

    data = b""
    while not data.endswith(b"\n") and len(data) < 4096:
        seen = connection.recv(4096 - len(data), _socket.MSG_PEEK)
        if not seen:
            break
        data += connection.recv(seen.find(b"\n") + 1 or len(seen))
    return data.rstrip(b"\n")


def encode_request(argv: list[str]) -> bytes:
    """This process's name as its usage lines give it (`program_name`) and arguments, working directory, umask and
    environment, with what the resident process must share with it (`identity`): NUL-separated fields, as none of
    them can hold a NUL. Text is encoded as Python decoded it (bytes that are not UTF-8, in the environment or a
    path, as they were)."""
    umask = os.umask(0o022)
    os.umask(umask)
    fields = [PROTOCOL, identity().encode("utf-8", "surrogateescape"), os.fsencode(os.getcwd()), b"%d" % umask,
              b"%d" % (len(argv) + 1), os.fsencode(program_name()), *map(os.fsencode, argv),
              *(k + b"=" + v for k, v in os.environb.items())]
    return b"\0".join(fields)


def program_name() -> str:
    """The command as its usage lines name it, worked out as click does: `python -m coe_paper` when run as a module,
    else the script's name (`coe-paper`)."""
    package = getattr(sys.modules.get("__main__"), "__package__", None)
    if package:
        name = os.path.splitext(os.path.basename(sys.argv[0]))[0]
        return f"python -m {package if name == '__main__' else package + '.' + name}"
    return os.path.basename(sys.argv[0])


def identity(fresh: bool = False) -> str:
    """What a child of the resident process must share with a process started here: Python, coe-paper's code and
    where it is, the installed libraries (their folders' times change when a package is installed or removed), and
    the environment that Python reads as it starts. `fresh`: coe-paper's code as it is on disk now, not as this
    process loaded it."""
    import site  # imported at start-up already, unless Python runs with -S

    folders = [*site.getsitepackages(), site.getusersitepackages()]
    times = []
    for folder in folders:
        try:
            times.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
        except OSError:
            times.append(f"{folder}:-")
    startup = sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(STARTUP))
    stamp = read_code_stamp() if fresh else code_stamp()
    return "\n".join([sys.executable, sys.version, PACKAGE, *times, *startup, stamp])


def socket_path(root: str, create: bool) -> str | None:
    """The resident process's socket for the project at `root`, in a folder only this user may enter (made with
    `create`), or None when there is no such folder or its path is too long for a socket's."""
    folder = _runtime_dir(create)
    if folder is None:
        return None
    path = os.path.join(folder, _sha256(os.fsencode(root)) + ".sock")
    return path if len(os.fsencode(path)) <= MAX_SOCKET_PATH else None


def _runtime_dir(create: bool) -> str | None:
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = os.path.join(base, "coe-paper") if base and os.path.isabs(base) else f"/tmp/coe-paper-{os.getuid()}"
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    import stat

    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None  # a link, or a folder someone else owns or may enter: not ours to trust
    return folder


def _sha256(data: bytes) -> str:
    """The SHA-256 of `data` in hex, from Python's own C module where it has one (`hashlib` loads OpenSSL first)."""
    try:
        from _sha2 import sha256  # type: ignore[import-not-found,unused-ignore]  # Python 3.12 and later
    except ImportError:
        try:
            from _sha256 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]  # up to 3.11
        except ImportError:  # a Python built without them
            from hashlib import sha256
    return str(sha256(data).hexdigest())
