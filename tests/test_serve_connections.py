"""`coe-paper serve` under many connections: a thread was started for every one, each silent connection held it
for `REQUEST_SECONDS`; the server now serves `CONNECTIONS` at once and a page still opens promptly."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from coe_paper import serve
from coe_paper.serve import EVENTS, PreviewServer
from coe_paper.serve_connections import CONNECTIONS
from conftest import MakeProject

#: How long a silent connection may hold its thread here: long enough that a page waiting for one to give up shows
#: whatever the machine's load, which the standard 10 s did not (a busy machine took 3 s to answer a page at all).
STALLED_SECONDS = 60.0
PROMPT_SECONDS = 20.0  # a page opens well within this, or it waited for a stalled connection


@pytest.fixture
def server(make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PreviewServer]:
    monkeypatch.setattr(serve, "REQUEST_SECONDS", STALLED_SECONDS)
    preview = PreviewServer(make_project(), tmp_path / "site", port=0)
    preview.start()
    try:
        yield preview
    finally:
        preview.stop()


def _address(server: PreviewServer) -> tuple[str, int]:
    host, port = server.httpd.server_address[:2]
    return str(host), int(port)


def _page_status(server: PreviewServer) -> int:
    connection = http.client.HTTPConnection(*_address(server), timeout=PROMPT_SECONDS)
    try:
        connection.request("GET", "/index.html")
        response = connection.getresponse()
        assert b"</html>" in response.read()
        return response.status
    finally:
        connection.close()


def _settle(before: int) -> int:
    """Threads started since `before` was counted, once the count has stopped changing."""
    count = -1
    for _ in range(20):
        time.sleep(0.05)
        if threading.active_count() == count:
            break
        count = threading.active_count()
    return count - before


def test_many_silent_connections_hold_no_more_than_the_bound_and_a_page_still_opens(server: PreviewServer) -> None:
    before = threading.active_count()
    with ExitStack() as stack:
        stalled = []
        for _ in range(4 * CONNECTIONS):  # each sends half its headers, then nothing (for the time it may wait)
            connection = stack.enter_context(socket.create_connection(_address(server), timeout=PROMPT_SECONDS))
            connection.sendall(b"GET /index.html HTTP/1.1\r\nHost: localhost\r\n")
            stalled.append(connection)
        assert _settle(before) <= CONNECTIONS
        started = time.monotonic()
        assert _page_status(server) == 200
        assert time.monotonic() - started < PROMPT_SECONDS  # not after a stalled connection's STALLED_SECONDS
        assert _settle(before) <= CONNECTIONS
        stalled[0].settimeout(PROMPT_SECONDS)
        assert stalled[0].recv(1024) == b""  # the oldest made room, closed without an answer


def test_a_page_opens_when_every_connection_is_a_tab_waiting_for_reload_events(server: PreviewServer) -> None:
    """Reload events hold their connection for as long as the tab is open: the oldest makes room for a new page (the
    browser opens its events again by itself)."""
    before = threading.active_count()
    with ExitStack() as stack:
        for _ in range(CONNECTIONS + 2):
            connection = stack.enter_context(socket.create_connection(_address(server), timeout=PROMPT_SECONDS))
            connection.sendall(f"GET {EVENTS} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            assert b"text/event-stream" in connection.recv(4096)
        started = time.monotonic()
        assert _page_status(server) == 200
        assert time.monotonic() - started < PROMPT_SECONDS
        assert _settle(before) <= CONNECTIONS


def test_a_browser_that_leaves_mid_answer_prints_nothing(server: PreviewServer, tmp_path: Path,
                                                        capfd: pytest.CaptureFixture[str]) -> None:
    """A page closed while a large file was being sent (a reload, a tab closed): the standard server printed a
    traceback of the broken connection on serve's terminal, between the lines of its own report."""
    (tmp_path / "site" / "large.bin").write_bytes(b"\0" * (16 * 1024 * 1024))
    client = socket.create_connection(_address(server), timeout=5)
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # closed with a reset
    client.sendall(b"GET /large.bin HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert client.recv(1024).startswith(b"HTTP/1.0 200")  # the answer began
    client.close()
    deadline = time.monotonic() + 30
    while server.httpd._count and time.monotonic() < deadline:  # the connection's thread ends
        time.sleep(0.05)
    assert not server.httpd._count
    assert "Traceback" not in capfd.readouterr().err
    assert _page_status(server) == 200


def test_a_request_that_fails_otherwise_is_said_in_a_line(server: PreviewServer,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    """Any other failure of a request is said on serve's terminal in one line naming it, not as a traceback."""
    try:
        raise RuntimeError("the page could not be read")
    except RuntimeError:
        server.httpd.handle_error(None, ("127.0.0.1", 1))
    assert capfd.readouterr().err == ("coe-paper serve: a request failed (RuntimeError: the page could not be "
                                      "read)\n")
