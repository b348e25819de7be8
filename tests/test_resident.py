"""The resident process (resident.py, resident_server.py): a command it runs prints, writes and exits as the same
command run alone; what it must not run (other code, another environment, a folder others may enter, no live
process) runs alone.

A client that cannot import typer proves where a command ran: alone it fails at once (the CLI imports typer), in
the resident process it succeeds."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from coe_paper import resident, resident_server
from conftest import INTRO_BODY, PAPER_YAML, MakeProject, section_text

CLIENT = "from coe_paper.resident import run; run()"
NO_TYPER = "import sys; sys.modules['typer'] = None; " + CLIENT  # this process cannot run a command itself
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


@pytest.fixture
def runtime(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A runtime folder of this test's own (short: a socket's path has at most 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="coe-r", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.delenv("COE_PAPER_RESIDENT", raising=False)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def served(make_project: MakeProject, runtime: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project in git with its resident process listening."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH["SOURCE_DATE_EPOCH"])
    root = make_project(git=True).resolve()
    process, path = listening(root)
    yield root
    resident_server.stop(process)
    assert not os.path.exists(path)  # it removes its socket as it ends


def listening(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The resident process for `root`, started, once it listens; and its socket."""
    path = resident.socket_path(str(root), create=True)
    process = resident_server.spawn(root)
    assert process is not None
    assert path is not None
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        assert process.poll() is None, "the resident process ended"
        assert time.monotonic() < deadline, "the resident process never listened"
        time.sleep(0.05)
    return process, path


def coe(cwd: Path, *args: str, code: str = CLIENT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


def test_a_command_runs_in_the_resident_process_as_it_runs_alone(served: Path) -> None:
    warm = coe(served / "sections", "assemble", "--no-layout", "-o", "../warm.docx", code=NO_TYPER)
    alone = coe(served / "sections", "assemble", "--no-layout", "-o", "../alone.docx", COE_PAPER_RESIDENT="0")
    assert (warm.returncode, alone.returncode) == (0, 0), warm.stderr
    assert (served / "warm.docx").read_bytes() == (served / "alone.docx").read_bytes()  # the caller's folder, too
    assert warm.stdout.replace("warm.docx", "alone.docx") == alone.stdout
    assert warm.stderr == alone.stderr


def test_a_caller_loads_none_of_the_python_wrappers_it_does_not_need(served: Path) -> None:
    """The caller of a forwarded command loads only C modules: `socket`, `signal` and `hashlib` (with `enum`,
    `selectors` and OpenSSL) took 15 ms of every command, more than a warm `validate` of a small paper."""
    unloadable = ("enum", "socket", "signal", "hashlib", "functools", "typer")
    code = f"import sys; sys.modules.update(dict.fromkeys({unloadable!r})); {CLIENT}"
    warm = coe(served, "validate", "--format", "json", code=code)
    assert warm.returncode == 0, warm.stderr
    assert warm.stdout == alone_json(served)


def test_its_exit_code_and_diagnostics_are_the_commands(served: Path) -> None:
    (served / "sections" / "01-intro.md").write_text(section_text("intro", INTRO_BODY, lead="nobody"))
    warm = coe(served, "validate", code=NO_TYPER)
    alone = coe(served, "validate", COE_PAPER_RESIDENT="0")
    assert warm.returncode == alone.returncode == 1
    assert "COE" in warm.stderr and warm.stderr == alone.stderr
    assert coe(served, "validate", "--format", "json", code=NO_TYPER).stdout == alone_json(served)


@pytest.mark.parametrize("command", [["validate", "--rev", "", "--format", "json"],
                                     ["status", "-f", "json", "--rev=-x"],
                                     ["validate", "--fix", "--rev", "HEAD", "--format", "gitlab"],
                                     ["-C", "", "validate", "--format", "json"]])
def test_a_usage_error_is_the_commands(served: Path, command: list[str]) -> None:
    """A command refused for its options prints the same error on stdout, in the format asked for, as run alone."""
    warm = coe(served, *command, code=NO_TYPER)
    alone = coe(served, *command, COE_PAPER_RESIDENT="0")
    assert warm.returncode == alone.returncode == 2, warm.stderr
    assert json.loads(warm.stdout) and warm.stdout == alone.stdout
    assert warm.stderr.splitlines()[-1] == alone.stderr.splitlines()[-1]


def alone_json(root: Path) -> str:
    return coe(root, "validate", "--format", "json", COE_PAPER_RESIDENT="0").stdout


def test_it_takes_the_callers_environment(served: Path) -> None:
    """A child takes the caller's environment: another SOURCE_DATE_EPOCH is another document date."""
    other = {"SOURCE_DATE_EPOCH": "1600000000"}
    warm = coe(served, "assemble", "--no-layout", "-o", "warm.docx", code=NO_TYPER, **other)
    alone = coe(served, "assemble", "--no-layout", "-o", "alone.docx", COE_PAPER_RESIDENT="0", **other)
    assert warm.returncode == alone.returncode == 0, warm.stderr
    assert (served / "warm.docx").read_bytes() == (served / "alone.docx").read_bytes()


@pytest.mark.parametrize("env", [{"PYTHONHASHSEED": "7"}, {"COE_PAPER_RESIDENT": "0"}, {"LC_ALL": "C.UTF-8"}])
def test_a_caller_the_resident_process_must_not_serve_runs_the_command_itself(served: Path,
                                                                             env: dict[str, str]) -> None:
    """Python reads these as it starts, or the caller asks to run alone: the command runs here (and fails, as this
    client cannot import typer)."""
    found = coe(served, "validate", code=NO_TYPER, **env)
    assert found.returncode != 0 and "typer" in found.stderr


def test_a_caller_with_other_code_is_refused(served: Path) -> None:
    """A client whose coe-paper differs (here: its code stamp) runs alone."""
    code = "import coe_paper.resident as r; r.code_stamp = lambda: 'another version'; r.run()"
    assert coe(served, "status", code=code).returncode == 0  # runs here, typer importable
    assert coe(served, "validate", code="import sys; sys.modules['typer'] = None; " + code).returncode != 0


def test_off_posix_every_command_runs_itself(served: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Passing descriptors over a socket is POSIX's: elsewhere (Windows) the command is never passed on."""
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGTSTP)}
    try:
        assert resident.forward(["--project", str(served), "status"]) is not None  # passed on here
    finally:  # forward() passes these on to the child while it waits: this process keeps its own
        for number, handler in handlers.items():
            signal.signal(number, handler)
    monkeypatch.setattr(os, "name", "nt")
    assert resident.forward(["--project", str(served), "status"]) is None


def test_only_the_commands_it_serves_are_forwarded() -> None:
    forwardable = resident._forwardable
    assert forwardable(["assemble", "-o", "x.docx"]) == "."
    assert forwardable(["--project", "/p", "validate"]) == "/p"
    assert forwardable(["-C", "p", "status"]) == "p"
    assert forwardable(["--project=/q", "assemble"]) == "/q"
    assert forwardable(["assemble", "--help"]) is None
    assert forwardable(["--version"]) is None
    assert forwardable(["apply", "x.docx"]) is None
    assert forwardable(["--format", "json", "validate"]) is None
    assert forwardable([]) is None


def test_a_runtime_folder_others_may_enter_or_a_link_is_not_used(runtime: Path) -> None:
    folder = runtime / "coe-paper"
    assert resident.socket_path("/some/paper", create=True) is not None
    assert folder.is_dir() and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o755)
    assert resident.socket_path("/some/paper", create=False) is None
    folder.rmdir()
    (runtime / "elsewhere").mkdir(mode=0o700)
    folder.symlink_to(runtime / "elsewhere")
    assert resident.socket_path("/some/paper", create=True) is None


def test_a_socket_no_process_listens_on_runs_the_command_itself(make_project: MakeProject, runtime: Path) -> None:
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    left = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    left.bind(path)  # a socket file whose process ended
    left.close()
    assert resident.forward(["--project", str(root), "validate"]) is None
    done = coe(root, "validate")
    assert done.returncode == 0, done.stderr


def test_a_second_resident_process_for_the_project_leaves_the_first_alone(served: Path) -> None:
    second = subprocess.run([sys.executable, "-m", "coe_paper.resident_server", str(served)], stdin=subprocess.DEVNULL,
                            capture_output=True, timeout=120)
    assert second.returncode == 1
    assert coe(served, "validate", code=NO_TYPER).returncode == 0  # the first still serves


def test_ctrl_c_while_waiting_is_passed_on_to_the_child() -> None:
    code = ("import signal, sys, time\n"
            "signal.signal(signal.SIGINT, lambda *_: (print('interrupted', flush=True), sys.exit(130)))\n"
            "print('ready', flush=True)\ntime.sleep(60)")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline() == "ready\n"
    ours, theirs = socket.socketpair()
    ours.settimeout(60)  # a failure ends the wait (an OSError: exit 1), never hangs the suite
    main = threading.main_thread().ident
    assert main is not None

    def resident_side() -> None:
        time.sleep(0.3)
        # Ctrl-C reaches the waiting caller, not the child: at its main thread, as in the one-thread `coe-paper`
        # (a signal sent to the process may be taken by this thread, and the main one then waits on, unwoken)
        signal.pthread_kill(main, signal.SIGINT)
        try:
            code = child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            code = 99
        theirs.sendall(b"exit %d\n" % code)

    thread = threading.Thread(target=resident_side)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGHUP, signal.SIGTSTP)}
    thread.start()
    try:
        assert resident._outcome(ours, resident._signaller(child.pid)) == 130
    finally:
        thread.join()
        ours.close()
        theirs.close()
        for number, handler in handlers.items():  # _outcome passes these on to the child: this process keeps its own
            signal.signal(number, handler)
    assert child.stdout.read() == "interrupted\n"



def test_the_resident_process_ends_when_coe_papers_code_changes(make_project: MakeProject, runtime: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    copy = Path(tempfile.mkdtemp(prefix="coe-c", dir="/tmp"))
    try:
        shutil.copytree(Path(resident.__file__).parent, copy / "coe_paper",
                        ignore=shutil.ignore_patterns("__pycache__"))
        monkeypatch.setenv("PYTHONPATH", str(copy))  # the resident process and its callers run the copy
        root = make_project(git=True).resolve()
        path = resident.socket_path(str(root), create=True)
        process = resident_server.spawn(root)
        assert path is not None and process is not None
        deadline = time.monotonic() + 60
        while not os.path.exists(path):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        assert coe(root, "validate", code=NO_TYPER).returncode == 0  # served by the copy's resident process
        edited = copy / "coe_paper" / "markdown.py"
        os.utime(edited, ns=(edited.stat().st_atime_ns, edited.stat().st_mtime_ns + 10**9))
        found = coe(root, "validate", code=NO_TYPER)
        assert found.returncode != 0 and "typer" in found.stderr  # other code: run by the caller
        assert process.wait(timeout=30) == 0 and not os.path.exists(path)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def test_a_caller_with_bytes_that_are_not_utf8_in_its_startup_environment_is_not_crashed(served: Path) -> None:
    """A PYTHON* value that is not UTF-8 (held as a surrogate, as Python reads it) is part of the identity; the
    caller must encode it as the resident process decodes it, not crash."""
    found = coe(served, "validate", PYTHONCOEPROBE="\udcff")
    assert found.returncode == 0 and "Traceback" not in found.stderr, found.stderr


def test_the_pid_and_exit_lines_may_arrive_together(make_project: MakeProject, runtime: Path) -> None:
    """A command that ends at once (a usage error) may have said `exit` before the caller read `pid`: the caller
    reads one line at a time."""
    root = make_project().resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        listener.listen(1)

        def fake_resident() -> None:
            connection, _ = listener.accept()
            with connection:
                head, fds, _, _ = socket.recv_fds(connection, 8, 3)
                for fd in fds:
                    os.close(fd)
                connection.recv(int.from_bytes(head, "big"), socket.MSG_WAITALL)
                connection.sendall(b"pid 1\nexit 3\n")
                while connection.recv(64):  # until the caller is done
                    pass

        thread = threading.Thread(target=fake_resident)
        thread.start()
        try:
            assert resident.forward(["--project", str(root), "validate"]) == 3
        finally:
            thread.join(timeout=10)


def test_a_caller_that_sends_its_request_slowly_does_not_hold_up_the_others(served: Path) -> None:
    """The resident process reads one request at a time: one that trickles in (a byte every half second) is
    dropped after a moment, not waited for while the other callers give up and run their commands themselves."""
    path = resident.socket_path(str(served), create=False)
    assert path is not None
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    slow.connect(path)
    socket.send_fds(slow, [(8).to_bytes(8, "big")], [0, 1, 2])
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):
            try:
                slow.send(b"x")
            except OSError:
                return

    thread = threading.Thread(target=trickle)
    thread.start()
    try:
        time.sleep(0.2)
        found = coe(served, "validate", code=NO_TYPER)
        assert found.returncode == 0, found.stderr  # served, not run by this caller (which cannot)
    finally:
        stop.set()
        thread.join()
        slow.close()


def test_a_request_its_caller_gave_up_on_is_not_run(served: Path) -> None:
    """A resident process that answers late (here: stopped for longer than a caller waits) finds the request of a
    caller that ran its command itself: it runs nothing, and says nothing on the caller's stderr."""
    alone = coe(served, "validate", COE_PAPER_RESIDENT="0")
    resident_pid = _resident_pid(served)
    os.kill(resident_pid, signal.SIGSTOP)
    timer = threading.Timer(3.0, os.kill, (resident_pid, signal.SIGCONT))
    timer.start()
    try:
        late = coe(served, "validate")  # gives up after two seconds, runs the command itself
    finally:
        timer.join()
    assert (late.returncode, late.stdout, late.stderr) == (alone.returncode, alone.stdout, alone.stderr)


def test_a_caller_that_leaves_as_the_child_answers_gets_its_command_run_by_no_one_else(
    served: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The caller's wait may end just as the child says its pid, unread: the caller runs the command itself, so the
    child must not run it too."""
    monkeypatch.chdir(served)
    path = resident.socket_path(str(served), create=False)
    assert path is not None
    read, write = os.pipe()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as caller:
            caller.connect(path)
            request = resident.encode_request(["validate"])
            socket.send_fds(caller, [len(request).to_bytes(8, "big")], [write, write, write])
            caller.sendall(request)
            os.close(write)
            caller.recv(1, socket.MSG_PEEK)  # the child's answer is there; the caller leaves without reading it
        with os.fdopen(read, "rb") as output:
            read = -1
            assert output.read() == b""  # nothing ran: the pipe closed without a word
    finally:
        for fd in (read, write):
            with contextlib.suppress(OSError):
                os.close(fd)


def _resident_pid(root: Path) -> int:
    path = resident.socket_path(str(root), create=False)
    assert path is not None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.connect(path)
        pid: int = struct.unpack("3i", probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))[0]
    return pid


def test_modules_in_the_folder_serve_runs_in_are_not_imported(make_project: MakeProject, runtime: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """`coe-paper` imports nothing from the folder it runs in (a paper's repository may hold any file): nor may
    its resident process from the folder `serve` was started in. `status` on a terminal imports rich."""
    root = make_project(git=True).resolve()
    marker = root.parent / "imported"
    (root / "rich.py").write_text(f"open({str(marker)!r}, 'w').close()\nraise ImportError('not rich')\n")
    monkeypatch.chdir(root)  # `serve` started at the project's root
    process, _ = listening(root)
    leader, follower = os.openpty()
    try:
        drained = threading.Thread(target=_drain, args=(leader,))
        drained.start()
        found = subprocess.run([sys.executable, "-c", NO_TYPER, "status"], cwd=root / "sections", stdout=follower,
                               stderr=subprocess.PIPE, text=True, timeout=120)
        os.close(follower)
        follower = -1
        drained.join(timeout=30)
    finally:
        resident_server.stop(process)
        for fd in (leader, follower):
            with contextlib.suppress(OSError):
                os.close(fd)
    assert found.returncode == 0, found.stderr
    assert not marker.exists()


def _drain(fd: int) -> None:
    with contextlib.suppress(OSError):
        while os.read(fd, 65536):
            pass


@pytest.mark.parametrize("closed", ["<&-", ">&-", "2>&-"])
def test_a_caller_with_a_closed_standard_stream_runs_the_command_itself(served: Path, closed: str) -> None:
    """With a standard stream closed, the caller's socket takes its number: it must not be passed on as that stream
    (the child wrote its output into the socket, and exited 0 where the command alone fails). The caller runs the
    command itself, and fails as it cannot import typer."""
    found = subprocess.run(["sh", "-c", f'exec "$0" -c "$1" validate {closed}', sys.executable, NO_TYPER], cwd=served,
                           capture_output=True, timeout=120)
    assert found.returncode != 0


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_a_caller_ended_by_a_signal_ends_its_command(served: Path, tmp_path: Path, number: int) -> None:
    """`timeout`, a closed terminal or an editor's stop button end `coe-paper` with SIGTERM or SIGHUP: the command
    ends with it, as it would alone, not run on in the child and write its files afterwards."""
    caller, started = waiting_for_office(served, tmp_path)
    caller.send_signal(number)
    assert caller.wait(timeout=10) == -number  # as it ends alone
    assert_ends(*started)


def test_the_child_takes_no_signal_disposition_from_serve(make_project: MakeProject, runtime: Path,
                                                          tmp_path: Path) -> None:
    """`serve` started where Ctrl-C and hang-ups are ignored (`sh -c 'coe-paper serve &'`, nohup) passes that on to
    its resident process: its children must take Ctrl-C and SIGHUP as `coe-paper` would."""
    root = make_project(git=True).resolve()
    ignored = {number: signal.signal(number, signal.SIG_IGN) for number in (signal.SIGINT, signal.SIGHUP)}
    try:
        process, _ = listening(root)
    finally:
        for number, handler in ignored.items():
            signal.signal(number, handler)
    try:
        caller, started = waiting_for_office(root, tmp_path)
        caller.send_signal(signal.SIGINT)
        assert caller.wait(timeout=10) == 130  # "interrupted", as alone
        assert_ends(*started)
        caller, started = waiting_for_office(root, tmp_path)
        caller.send_signal(signal.SIGHUP)
        assert caller.wait(timeout=10) == -signal.SIGHUP
        assert_ends(*started)
    finally:
        resident_server.stop(process)


NOTING_START = """
import os, sys, time
getattr(sys.flags, "safe_path", False) or sys.path.pop(0)
from coe_paper import resident_server
server, real_exit, read_again = os.getpid(), os._exit, resident_server._read_again

def slow_exit(code):
    if os.getpid() != server:  # a child: a large one takes a while to give its memory back
        time.sleep(0.5)
    real_exit(code)

def noted():
    with open(os.environ["COE_TEST_MARK"], "a") as mark:
        mark.write("read\\n")
    read_again()

os._exit, resident_server._read_again = slow_exit, noted
sys.exit(resident_server.command_line())
"""


def test_the_packs_a_command_wrote_are_read_again_once_it_has_ended(
        make_project: MakeProject, runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a command has ended, the resident process reads the cache's packs it wrote, so that the next child takes
    them decoded. It never did when the caller, given the exit code, left before the child had ended: the child was
    forgotten with its caller, and not counted as a command that ended."""
    mark = tmp_path / "read again"
    monkeypatch.setenv("COE_TEST_MARK", str(mark))
    monkeypatch.setattr(resident_server, "START", NOTING_START)
    root = make_project(git=True).resolve()
    process, _ = listening(root)
    try:
        assert coe(root, "validate", code=NO_TYPER).returncode == 0  # run by the resident process
        deadline = time.monotonic() + 10
        while not mark.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert mark.exists() and mark.read_text() == "read\n"
    finally:
        resident_server.stop(process)


DECODING_START = """
import os, sys
getattr(sys.flags, "safe_path", False) or sys.path.pop(0)
from coe_paper import fragments_stored, resident_server, sectionrender
decoded = fragments_stored.from_bytes

def noted(data):
    with open(os.environ["COE_TEST_MARK"], "a") as mark:
        mark.write(f"{os.getpid()}\\n")
    return decoded(data)

fragments_stored.from_bytes = sectionrender.from_bytes = noted
sys.exit(resident_server.command_line())
"""


def test_bodies_a_command_rendered_are_decoded_once_by_the_resident_process(
        make_project: MakeProject, runtime: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A resident process that warmed up before the paper was built had no body decoded, and never decoded those the
    builds rendered: each child decoded every body from the cache. It decodes them once a command has ended."""
    mark = tmp_path / "decoded"
    monkeypatch.setenv("COE_TEST_MARK", str(mark))
    monkeypatch.setattr(resident_server, "START", DECODING_START)
    root = make_project(git=True).resolve()
    process, _ = listening(root)  # before any build: nothing to decode
    try:
        assert coe(root, "assemble", "--no-layout", code=NO_TYPER).returncode == 0  # renders every body
        deadline = time.monotonic() + 20
        while not (mark.exists() and str(process.pid) in mark.read_text().split()):  # the process decodes them
            assert time.monotonic() < deadline, "the resident process decoded no body"
            time.sleep(0.05)
        time.sleep(0.5)
        before = mark.read_text().split()
        assert coe(root, "assemble", "--no-layout", "--force", code=NO_TYPER).returncode == 0
        after = mark.read_text().split()[len(before):]
        assert [pid for pid in after if pid != str(process.pid)] == []  # the child decoded none
    finally:
        resident_server.stop(process)


def waiting_for_office(root: Path, tmp_path: Path, process_group: int | None = None
                       ) -> tuple[subprocess.Popen[bytes], tuple[int, int]]:
    """A caller whose command, run by a child, waits for LibreOffice: a script that says who started it, then
    sleeps (two minutes, killed by the test). The pids of the child and of that script."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    record = tmp_path / "started"
    record.unlink(missing_ok=True)
    fake = bin_dir / "soffice"
    fake.write_text(f'#!/bin/sh\necho "$PPID $$" > {record}.tmp && mv {record}.tmp {record}\nexec sleep 120\n')
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "COE_PAPER_CACHE": str(tmp_path / "cache")}
    caller = subprocess.Popen([sys.executable, "-c", NO_TYPER, "assemble", "--no-layout", "--pdf", "-o", "x.docx"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              process_group=process_group, preexec_fn=_as_at_a_terminal)
    deadline = time.monotonic() + 60
    while not record.exists():
        assert caller.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)
    child, office = map(int, record.read_text().split())
    return caller, (child, office)


def _as_at_a_terminal() -> None:
    """A caller's signals as a terminal gives them, whatever this suite was started with (nohup ignores SIGHUP, a
    script's `cmd &` SIGINT), which a caller rightly keeps."""
    for number in (signal.SIGINT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)


def assert_ends(pid: int, office: int) -> None:
    """The process `pid` ends within seconds (killed when it does not, with the `office` it waits for): well before
    the two minutes the office takes, with time for a machine busy with other work. When it runs on, the message says
    how it stands: its state, its signals (pending, blocked, ignored, caught) and its threads."""
    deadline = time.monotonic() + 40
    try:
        while _running(pid):
            assert time.monotonic() < deadline, f"the command runs on: {_standing(pid)}"
            time.sleep(0.05)
    finally:
        for started in (pid, office):
            with contextlib.suppress(OSError):
                os.kill(started, signal.SIGKILL)


def _standing(pid: int) -> str:
    """What /proc says of process `pid`: state, signals and threads, and where in the kernel it waits."""
    try:
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except OSError as exc:
        return str(exc)
    wanted = ("State", "Threads", "SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")
    return "; ".join([line for line in status if line.split(":")[0] in wanted] + [f"wchan: {wchan}"])


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_serve_keeps_a_resident_process_while_it_runs(make_project: MakeProject, runtime: Path,
                                                      tmp_path: Path) -> None:
    from coe_paper.serve import PreviewServer

    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    server = PreviewServer(root, tmp_path / "site", port=0, resident=True)
    server.start()
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(path):
            assert time.monotonic() < deadline, "serve's resident process never listened"
            time.sleep(0.05)
        assert coe(root, "validate", code=NO_TYPER).returncode == 0  # run warm
    finally:
        server.stop()
    assert not os.path.exists(path)  # ended with serve
    found = coe(root, "validate", code=NO_TYPER)
    assert found.returncode != 0 and "typer" in found.stderr  # and nothing serves any more


def test_ctrl_z_stops_the_command_with_its_caller_and_fg_goes_on(served: Path, tmp_path: Path) -> None:
    """Ctrl-Z (SIGTSTP to the caller, in a process group a shell would give it) stops the child too; continuing the
    caller continues the child."""
    caller, (child, office) = waiting_for_office(served, tmp_path, process_group=0)
    try:
        caller.send_signal(signal.SIGTSTP)
        assert _state_within(caller.pid, "T") and _state_within(child, "T")
        caller.send_signal(signal.SIGCONT)
        assert _state_within(child, "S") and _state_within(caller.pid, "S")
    finally:
        caller.send_signal(signal.SIGTERM)
        caller.wait(timeout=10)
        assert_ends(child, office)


@pytest.mark.parametrize("stopped", [False, True])
def test_a_caller_killed_outright_ends_its_command(served: Path, tmp_path: Path, stopped: bool) -> None:
    """SIGKILL gives the caller no time to pass a signal on: the resident process sees its connection close and
    ends the child, continuing it first when Ctrl-Z had stopped it (which would otherwise wait for ever)."""
    caller, (child, office) = waiting_for_office(served, tmp_path, process_group=0)
    if stopped:
        caller.send_signal(signal.SIGTSTP)
        assert _state_within(child, "T")
    caller.kill()
    caller.wait(timeout=10)
    assert_ends(child, office)


def _state_within(pid: int, state: str) -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == state:
                return True
        time.sleep(0.02)
    return False


def server_pid(path: str) -> int:
    """The pid of the process listening at `path`, as the kernel tells a client."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.connect(path)
        pid, _, _ = struct.unpack("3i", probe.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return int(pid)


def wait_until(done: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def test_a_command_run_alone_starts_a_resident_process_for_the_next(make_project: MakeProject, runtime: Path) -> None:
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    first = coe(root, "validate", COE_PAPER_RESIDENT="1")  # not at a terminal: asked for
    assert first.returncode == 0, first.stderr
    wait_until(lambda: os.path.exists(path), "no resident process listened after the first command")
    pid = server_pid(path)
    try:
        assert os.getsid(pid) == pid  # a session of its own: the caller's terminal and group do not end it
        assert Path(f"/proc/{pid}/cwd").resolve() == Path("/")  # it keeps no folder busy
        assert coe(root / "sections", "validate", code=NO_TYPER).returncode == 0  # the next runs warm
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_until(lambda: not os.path.exists(path), "the resident process did not remove its socket")


def test_a_script_starts_no_resident_process(make_project: MakeProject, runtime: Path) -> None:
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    assert coe(root, "validate").returncode == 0  # not at a terminal
    assert coe(root, "validate", COE_PAPER_RESIDENT="0").returncode == 0
    time.sleep(1)
    assert not os.path.exists(path)


@pytest.mark.parametrize(("setting", "ci", "terminal", "expected"), [
    ("0", False, True, False), ("1", True, False, True), (None, False, True, True), (None, True, True, False),
    (None, False, False, False)])
def test_a_resident_process_is_wanted_at_a_terminal_outside_ci_or_when_asked_for(
        monkeypatch: pytest.MonkeyPatch, setting: str | None, ci: bool, terminal: bool,
        expected: bool) -> None:
    for name, value in (("COE_PAPER_RESIDENT", setting), ("CI", "true" if ci else None)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.setattr(os, "isatty", lambda fd: terminal)
    assert resident.wanted() is expected


def test_none_is_started_where_one_listens_or_for_a_command_it_would_not_run(
        served: Path, make_project: MakeProject, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []
    monkeypatch.setattr(resident_server, "start_detached", lambda root, lock: started.append(root))
    monkeypatch.setenv("COE_PAPER_RESIDENT", "1")
    resident.start_for(["--project", str(served), "validate"])
    resident.start_for(["--project", str(served / "sections"), "comments", "x.docx"])
    assert started == []
    other = make_project(git=True).resolve()
    resident.start_for(["-C", str(other / "sections"), "assemble", "-o", "x.docx"])
    assert started == [str(other)]


def test_a_resident_process_with_nothing_to_do_ends(make_project: MakeProject, runtime: Path) -> None:
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    idle = subprocess.Popen([sys.executable, "-c", resident_server.START, str(root), "1"], stdin=subprocess.DEVNULL)
    wait_until(lambda: os.path.exists(path), "it never listened")
    assert coe(root, "validate", code=NO_TYPER).returncode == 0
    assert idle.wait(timeout=30) == 0  # a second after the last command
    assert not os.path.exists(path)


def test_a_resident_process_ends_when_its_project_is_removed(make_project: MakeProject, runtime: Path) -> None:
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    process = subprocess.Popen([sys.executable, "-c", resident_server.START, str(root), "600"],
                               stdin=subprocess.DEVNULL)
    wait_until(lambda: os.path.exists(path), "it never listened")
    shutil.rmtree(root)
    assert process.wait(timeout=30) == 0
    assert not os.path.exists(path)


WARM_THEN_COLD = """
import shutil, sys
from pathlib import Path
from coe_paper import pipeline, resident_server
root = Path(sys.argv[1])
resident_server.warm(str(root))
shutil.rmtree(root / ".git" / "coe-paper-cache")
before = set(sys.modules)
built = pipeline.assemble(root, root / "cold.docx")
assert built.output is not None, built.diagnostics
print(sorted(set(sys.modules) - before))
"""


def test_after_warming_a_cold_build_imports_nothing(make_project: MakeProject) -> None:
    """What a child of the resident process needs when every section misses the cache (the first build after an
    upgrade, or after a large edit) is imported before the fork, not in every child."""
    root = make_project(git=True).resolve()
    done = subprocess.run([sys.executable, "-c", WARM_THEN_COLD, str(root)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **EPOCH})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


REHEARSE = """
import os, sys
from pathlib import Path
from coe_paper import pipeline
from coe_paper.rules import spelling
root = Path(sys.argv[1])
loaded = pipeline.check(root)  # every check and rule from the cache now: their data is not read
assert loaded.project is not None and spelling.us_spellings.cache_info().currsize == 0
def files():
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
before = files()
pipeline.rehearse(loaded)
assert spelling.us_spellings.cache_info().currsize == 1, "the spelling rules ran"
assert files() == before, "kept nothing"
from coe_paper import checks
from coe_paper.rules.engine import Editor
asked = []
spelling.Speller.correct = lambda self, word: asked.append(word) or True
Editor(loaded.project, loaded.source).findings(checks.Parsed(loaded.project.sections[0]))
assert asked == [], f"a later run asked the dictionary again: {asked[:5]}"
"""


def test_rehearsing_runs_the_rules_a_cached_check_skipped_and_keeps_nothing(make_project: MakeProject) -> None:
    """The resident process checks the paper from the cache, then runs the checks, rules and renderer on a few
    sections again, so that a child whose sections miss the cache finds their data read, patterns compiled and the
    spelling rules' answers kept; nothing in the project (its cache included) is written by that."""
    root = make_project(git=True).resolve()
    filled = coe(root, "validate", COE_PAPER_RESIDENT="0")
    assert filled.returncode == 0, filled.stderr  # the cache filled, as by a first command
    done = coe(root, str(root), code=REHEARSE)
    assert done.returncode == 0, done.stderr


WARM_THEN_EDIT = """
import sys
from pathlib import Path
from coe_paper import pipeline, resident_server, sectionrender
root = Path(sys.argv[1])
resident_server.warm(str(root))
preloaded = len(sectionrender._DECODED)
intro = root / "sections" / "01-intro.md"
intro.write_text(intro.read_text() + "\\nA sentence added since.\\n")
decoded, decoded_json = [], []
read, read_json = sectionrender.from_bytes, sectionrender.decode
sectionrender.from_bytes = lambda data: decoded.append(1) or read(data)
sectionrender.decode = lambda data: decoded_json.append(1) or read_json(data)
kept = pipeline.assemble(root, root / "kept.docx")
assert kept.output is not None, kept.diagnostics
with_memory, json_with_memory = len(decoded), len(decoded_json)
sectionrender._DECODED.clear()
again = pipeline.assemble(root, root / "again.docx")
assert again.output is not None, again.diagnostics
print(preloaded, with_memory, len(decoded) - with_memory, json_with_memory, len(decoded_json) - json_with_memory)
"""


def _after_a_build(root: Path, script: str) -> str:
    """What `script` prints, run with the project's root as its argument once a build has filled the section cache."""
    filled = coe(root, "assemble", "-o", "first.docx", "--no-layout", COE_PAPER_RESIDENT="0", **EPOCH)
    assert filled.returncode == 0, filled.stderr
    done = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **EPOCH})
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_warm_process_decodes_only_the_bodies_changed_since(make_project: MakeProject) -> None:
    """The resident process decodes the cached bodies, bylines and parts before it forks: a child's build after one
    section changed decodes none of the others', and writes the same bytes as a build that decoded them all."""
    root = make_project(git=True).resolve()
    out = _after_a_build(root, WARM_THEN_EDIT)
    preloaded, with_memory, without, json_with_memory, json_without = map(int, out.split())
    assert json_without >= 3 + 2  # three bylines, the title page and more parts, kept apart as JSON
    assert preloaded == 3 + json_without  # and the three sections' bodies
    assert (with_memory, without) == (0, 3)  # none decoded now; with the memory cleared, every body (the new one too)
    assert json_with_memory == 0
    assert (root / "kept.docx").read_bytes() == (root / "again.docx").read_bytes()


WARM_THEN_CHECK = """
import sys
from pathlib import Path
from coe_paper import facts, pipeline, resident_server
root = Path(sys.argv[1])
resident_server.warm(str(root))
intro = root / "sections" / "01-intro.md"
intro.write_text(intro.read_text() + "\\nA sentence added since.\\n")
decoded = []
read = facts.decode
facts.decode = lambda data: decoded.append(1) or read(data)
kept = pipeline.load(root).diagnostics
with_memory = len(decoded)
pipeline._FACTS.clear()
again = pipeline.load(root).diagnostics
assert kept == again, (kept, again)
print(with_memory, len(decoded) - with_memory)
"""


def test_a_warm_process_decodes_only_the_facts_of_sections_changed_since(make_project: MakeProject) -> None:
    """The resident process keeps each section's facts as it decodes them from the cache: a child's check after one
    section changed decodes none (that section's are made anew), and finds what a check that decoded them does."""
    root = make_project(git=True).resolve()
    with_memory, without = map(int, _after_a_build(root, WARM_THEN_CHECK).split())
    assert (with_memory, without) == (0, 3)  # with the memory cleared: the other two, and the one made just before


WARM_THEN_BUILD = """
import os, sys
from pathlib import Path
from coe_paper import compose, docx_writer, pipeline, resident_server
root = Path(sys.argv[1])
resident_server.warm(str(root))
opened = []
init = docx_writer.DocxBuilder.__init__
docx_writer.DocxBuilder.__init__ = lambda self, *a, **k: (opened.append(1), init(self, *a, **k))[1]
def build(name):
    pid = os.fork()  # as the resident process's children
    if pid == 0:
        done = pipeline.assemble(root, root / name)
        os._exit(0 if done.output is not None and not opened else 3 if done.output is not None else 4)
    return os.waitpid(pid, 0)[1] >> 8
first, second = build("child1.docx"), build("child2.docx")
template = root / "paper" / "template.docx"
os.utime(template)  # the same bytes, touched: still taken
third = build("child3.docx")
compose._AHEAD.clear()
fresh = pipeline.assemble(root, root / "fresh.docx")
assert fresh.output is not None and opened, "a build with no builder opened ahead opens the template"
print(first, second, third)
"""


def test_a_child_build_takes_the_template_opened_ahead_and_writes_the_same_bytes(make_project: MakeProject) -> None:
    """The resident process opens the paper's template before it forks: each child's build takes that builder (it
    opens the template no more) and writes the same bytes as a build that opened it itself."""
    root = make_project(git=True).resolve()
    out = _after_a_build(root, WARM_THEN_BUILD)
    assert out.split() == ["0", "0", "0"]  # each child: built, and opened no template of its own
    fresh = (root / "fresh.docx").read_bytes()
    assert all((root / f"child{n}.docx").read_bytes() == fresh for n in (1, 2, 3))


WARM_THEN_NEW_TEMPLATE = """
import sys
from pathlib import Path
from coe_paper import compose, pipeline, resident_server
root = Path(sys.argv[1])
resident_server.warm(str(root))
assert compose._AHEAD, "no builder opened ahead"
ahead = next(iter(compose._AHEAD.values()))
import docx
template = root / "paper" / "template.docx"
document = docx.Document(str(template))
document.core_properties.category = "changed since the process warmed"
document.save(str(template))
built = pipeline.assemble(root, root / "changed.docx")
assert built.output is not None, built.diagnostics
assert not compose._AHEAD, "the builder opened on the old bytes is dropped"
print(int(built.output is not None))
"""


def test_a_template_changed_since_warming_is_opened_anew(make_project: MakeProject) -> None:
    """A template whose bytes changed after the resident process opened it ahead is opened again: the build writes
    what a build from the changed template writes, not what the old one would have."""
    root = make_project(git=True).resolve()
    assert _after_a_build(root, WARM_THEN_NEW_TEMPLATE).split() == ["1"]
    again = coe(root, "assemble", "-o", "alone.docx", "--no-layout", "--force", COE_PAPER_RESIDENT="0", **EPOCH)
    assert again.returncode == 0, again.stderr
    assert (root / "changed.docx").read_bytes() == (root / "alone.docx").read_bytes()


WARM_REHEARSES = """
import sys
from coe_paper import resident_server
resident_server.warm(sys.argv[1])
assert "coe_paper.rules.eustyle" in sys.modules, "the rules were not rehearsed"
"""


def test_warming_rehearses_a_paper_whose_dictionary_is_missing(make_project: MakeProject) -> None:
    """A paper whose hunspell dictionary is not there (COE721, a warning) is checked and rehearsed all the same:
    the dictionary's lookups, which cannot be opened, are no reason to skip the rules' rehearsal."""
    paper = PAPER_YAML + "checks:\n  dictionary: /nonexistent/en_GB\n"
    root = make_project({"paper/paper.yaml": paper}, git=True).resolve()
    filled = coe(root, "validate", COE_PAPER_RESIDENT="0")
    assert filled.returncode == 0 and "COE721" in filled.stdout + filled.stderr, filled.stderr
    done = coe(root, str(root), code=WARM_REHEARSES)
    assert done.returncode == 0, done.stderr


def test_starting_a_resident_process_never_changes_how_the_command_ended(make_project: MakeProject,
                                                                         runtime: Path) -> None:
    """The start comes after the command: whatever goes wrong there (here: the folder it ran in was removed while it
    ran, so that `.` no longer resolves) leaves its exit code and output as they were, with no traceback."""
    root = make_project(git=True).resolve()
    gone = root / "sections" / "gone"
    gone.mkdir()
    code = ("import os, coe_paper.pipeline as p\nload = p.load\n"
            f"p.load = lambda *a, **k: (os.rmdir({str(gone)!r}), load(*a, **k))[1]\n{CLIENT}")
    found = coe(gone, "validate", code=code, COE_PAPER_RESIDENT="1")
    assert found.returncode == 0 and "Traceback" not in found.stderr, found.stderr


def test_no_resident_process_is_started_where_its_socket_could_not_be_made(
        make_project: MakeProject, runtime: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A runtime folder whose path leaves no room for the socket's name (at most 107 bytes): a resident process
    started for every command would warm up, fail to listen and end, each time."""
    deep = runtime / ("r" * (110 - len(str(runtime)) - len("/coe-paper/") - 32))
    deep.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(deep))
    monkeypatch.setenv("COE_PAPER_RESIDENT", "1")
    started: list[str] = []
    monkeypatch.setattr(resident_server, "start_detached", lambda root, lock: started.append(root))
    root = make_project(git=True).resolve()
    assert resident.socket_path(str(root), create=True) is None
    resident.start_for(["--project", str(root), "validate"])
    assert started == []


def test_a_resident_process_that_serves_no_one_ends_however_often_it_is_asked(make_project: MakeProject,
                                                                               runtime: Path) -> None:
    """What it refuses (a caller with another Python, other code or another environment, or a request it cannot
    read) is no use of it: a resident process that every caller runs past still ends once idle."""
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    idle = subprocess.Popen([sys.executable, "-c", resident_server.START, str(root), "1"], stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: os.path.exists(path), "it never listened")
        deadline = time.monotonic() + 10
        while idle.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as asking:
                asking.connect(path)  # and says nothing: refused
            time.sleep(0.1)
        assert idle.poll() == 0, "refused requests kept it waiting"
        assert not os.path.exists(path)
    finally:
        if idle.poll() is None:
            idle.terminate()
        idle.wait()


def test_commands_run_together_start_one_resident_process(make_project: MakeProject, runtime: Path,
                                                          tmp_path: Path) -> None:
    """Commands typed one after another (or run at once) before the first one's resident process listens each
    found none: each started one, which warmed up (a check of the whole paper) only to find the first listening."""
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    log = tmp_path / "started"
    code = ("import coe_paper.resident_server as s\nreal = s.start_detached\n"
            f"s.start_detached = lambda *a: (open({str(log)!r}, 'a').write('x'), real(*a))\n{CLIENT}")
    env = {**os.environ, "COE_PAPER_RESIDENT": "1"}
    callers = [subprocess.Popen([sys.executable, "-c", code, "validate"], cwd=root, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(4)]
    try:
        assert [caller.wait(timeout=120) for caller in callers] == [0] * 4
        wait_until(lambda: os.path.exists(path), "no resident process listened")
        assert log.read_text() == "x"
    finally:
        with contextlib.suppress(OSError):
            os.kill(server_pid(path), signal.SIGTERM)
        wait_until(lambda: not os.path.exists(path), "the resident process did not remove its socket")


def test_serve_takes_over_from_a_resident_process_a_command_started(make_project: MakeProject,
                                                                     runtime: Path) -> None:
    """`serve` started while a command's resident process listens: serve's waits for it to end (idle) and then
    serves, rather than giving up and leaving serve without one for the rest of its run."""
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    first = subprocess.Popen([sys.executable, "-c", resident_server.START, str(root), "600"], stdin=subprocess.DEVNULL)
    served: subprocess.Popen[bytes] | None = None
    try:
        wait_until(lambda: os.path.exists(path), "the first never listened")
        served = resident_server.spawn(root)
        assert served is not None
        time.sleep(3)  # warmed up, and found the first listening
        assert served.poll() is None, "serve's resident process gave up"
        first.terminate()
        assert first.wait(timeout=30) == 0

        def serves() -> bool:
            try:
                return served is not None and server_pid(path) == served.pid
            except OSError:
                return False

        wait_until(serves, "serve's resident process never took over")
        assert coe(root, "validate", code=NO_TYPER).returncode == 0
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        resident_server.stop(served)
    assert not os.path.exists(path)


def test_the_resident_process_holds_the_lock_when_its_starter_had_a_standard_stream_closed(
        make_project: MakeProject, runtime: Path) -> None:
    """With standard input closed, the lock's descriptor took its number, and the resident process's /dev/null
    took that number's place: it held no lock, and the next command could start a second."""
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    env = {**os.environ, "COE_PAPER_RESIDENT": "1"}
    first = subprocess.run(["sh", "-c", 'exec "$0" -c "$1" validate <&-', sys.executable, CLIENT], cwd=root, env=env,
                           capture_output=True, timeout=120)
    assert first.returncode == 0, first.stderr
    wait_until(lambda: os.path.exists(path), "no resident process listened")
    try:
        held = resident.claim(path)
        if held is not None:
            os.close(held)
        assert held is None, "the lock was free while it listened"
    finally:
        os.kill(server_pid(path), signal.SIGTERM)
        wait_until(lambda: not os.path.exists(path), "the resident process did not remove its socket")


def test_a_resident_process_is_idle_from_the_end_of_its_last_command(make_project: MakeProject, runtime: Path,
                                                                      tmp_path: Path) -> None:
    """A command that runs longer than the idle time (here 6 s against 3 s: a slow LibreOffice) does not leave the
    resident process to end the moment it finishes (it looks once a second: it ended within one)."""
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text("#!/bin/sh\nexec sleep 6\n")
    (bin_dir / "soffice").chmod(0o755)
    server = subprocess.Popen([sys.executable, "-c", resident_server.START, str(root), "3"], stdin=subprocess.DEVNULL)
    try:
        wait_until(lambda: os.path.exists(path), "it never listened")
        slow = coe(root, "assemble", "--no-layout", "--pdf", "-o", "x.docx", code=NO_TYPER,
                   PATH=f"{bin_dir}:{os.environ['PATH']}")
        assert "typer" not in slow.stderr  # run by the resident process (the fake LibreOffice makes no PDF)
        time.sleep(1.5)
        assert server.poll() is None, "it ended as the command ended"
        assert server.wait(timeout=30) == 0  # then idle
    finally:
        if server.poll() is None:
            server.terminate()
        server.wait()


def test_ctrl_c_while_the_resident_process_has_not_answered_ends_as_a_command_run_alone(
    make_project: MakeProject, runtime: Path, tmp_path: Path
) -> None:
    """A resident process slow to answer (busy reading another caller's request, or stopped) keeps a caller waiting
    up to two seconds: Ctrl-C then printed a KeyboardInterrupt traceback."""
    root = make_project(git=True).resolve()
    path = resident.socket_path(str(root), create=True)
    assert path is not None
    errors = tmp_path / "stderr"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listener:
        listener.bind(path)
        listener.listen(1)
        with errors.open("w") as stderr:
            caller = subprocess.Popen([sys.executable, "-c", CLIENT, "status"], cwd=root, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=stderr,
                                      preexec_fn=_as_at_a_terminal)
        try:
            listener.settimeout(60)
            connection, _ = listener.accept()
            with connection:
                _, fds, _, _ = socket.recv_fds(connection, 8, 3)  # the request came: the caller waits for an answer
                for fd in fds:
                    os.close(fd)
                caller.send_signal(signal.SIGINT)
                assert caller.wait(timeout=10) == 130
        finally:
            if caller.poll() is None:
                caller.kill()
                caller.wait()
    assert errors.read_text() == "coe-paper: interrupted\n"


@pytest.mark.parametrize("args", [["status", "--format", "yaml"], ["validate", "--rev", ""],
                                  ["assemble", "-o", "out/"]])
def test_a_usage_error_names_the_command_as_the_caller_ran_it(served: Path, args: list[str]) -> None:
    """`python -m coe_paper` run alone says "Usage: python -m coe_paper ..." (the command a user can type again);
    the resident process's child said "coe-paper", a command that may not be on the PATH."""
    as_module = "import runpy; runpy.run_module('coe_paper', run_name='__main__', alter_sys=True)"
    warm = coe(served, *args, code="import sys; sys.modules['typer'] = None; " + as_module)
    alone = coe(served, *args, code=as_module, COE_PAPER_RESIDENT="0")
    assert warm.returncode == alone.returncode == 2
    assert f"Usage: python -m coe_paper {args[0]} [OPTIONS]" in alone.stderr
    assert warm.stderr == alone.stderr and warm.stdout == alone.stdout == ""


WARM_THEN_FIND_ADDRESSES = """
import os, sys
from coe_paper import markdown, resident_server
resident_server.warm(sys.argv[1])
import re._compiler as compiler
compiled = []
compile = compiler.compile
compiler.compile = lambda *a, **k: (compiled.append(a[0]), compile(*a, **k))[1]
found = markdown.find_addresses("under CC BY 4.0, https://creativecommons.org/licenses/by/4.0/ or ask a@b.eu")
print(len(found), len(compiled))
"""


def test_a_warm_process_has_the_address_patterns_compiled(make_project: MakeProject) -> None:
    """linkify-it compiles its patterns at its first search for an address: the resident process makes that search
    before it forks, so that a child finding the licence's address on the cover (or a bare one in a section)
    compiles none."""
    root = make_project(git=True).resolve()
    done = subprocess.run([sys.executable, "-c", WARM_THEN_FIND_ADDRESSES, str(root)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["2", "0"]  # both addresses found, no pattern compiled for them


WARM_THEN_RUN = """
import sys
from coe_paper import cli, resident_server
import typer.core
command = resident_server.warm(sys.argv[1])
built = []
build = typer.core.build_runtime_param
typer.core.build_runtime_param = lambda *a, **k: (built.append(a), build(*a, **k))[1]
before = set(sys.modules)
code = cli.outcome(["--project", sys.argv[1], "validate", "--format", "json"], command, "coe-paper")
print(sorted(set(sys.modules) - before), len(built))
"""


def test_after_warming_a_command_builds_no_option_conversion(make_project: MakeProject) -> None:
    """typer converts each option with a pydantic adapter it builds at the option's first use (importing its
    adapters' module then): the resident process builds them all before it forks, so that a child parsing its
    command's options builds and imports none."""
    root = make_project(git=True).resolve()
    done = subprocess.run([sys.executable, "-c", WARM_THEN_RUN, str(root)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[-2] == "[] 0"
