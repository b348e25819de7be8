"""The preview's HTTP server, serving at most `CONNECTIONS` connections at once, each on a thread of its own.

The standard threading server starts a thread for every connection it accepts: a hundred connections opened and
left silent (a port scanner, a stuck proxy, a page on another site) each held a thread for `REQUEST_SECONDS`, and
went on being accepted without end. The preview is for one person on this machine: a browser opens a few
connections, and one more for each tab's reload events. When all are taken, a new connection takes the place of the
oldest one that has not yet sent its request, or else of the oldest tab's reload events (its page opens them again
by itself); when every connection is sending a file, the new one is closed at once.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
from http.server import ThreadingHTTPServer
from typing import Any

#: Connections served at once (a browser opens six to a site, and one more for each tab's reload events).
CONNECTIONS = 16
#: The name of each connection's thread.
THREAD_NAME = "coe-serve-connection"
_MAKE_ROOM_SECONDS = 2.0  # how long a new connection waits for the connection it replaces to end


class BoundedServer(ThreadingHTTPServer):
    """A threading HTTP server with at most `limit` connections at once (see the module's docstring)."""

    daemon_threads = True
    request_queue_size = CONNECTIONS  # connections the system accepts while one is being handed a thread

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.limit = CONNECTIONS
        self._room = threading.Condition()
        self._count = 0
        self._waiting: dict[socket.socket, None] = {}  # the connections that may be replaced, oldest first
        self._replaced: set[socket.socket] = set()
        super().__init__(*args, **kwargs)

    def waiting(self, connection: socket.socket, replaceable: bool) -> None:
        """Mark `connection` as waiting (for its request, or between reload events) or as busy with a request."""
        with self._room:
            if replaceable:
                self._waiting[connection] = None
            else:
                self._waiting.pop(connection, None)

    def replaced(self, connection: socket.socket) -> bool:
        """Whether a new connection took the place of `connection` (its thread should end)."""
        with self._room:
            return connection in self._replaced

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._room:
            if self._count >= self.limit:
                oldest = next(iter(self._waiting), None)
                if oldest is None:  # every connection is busy sending: this one is refused
                    self.shutdown_request(request)
                    return
                del self._waiting[oldest]
                self._replaced.add(oldest)
                with contextlib.suppress(OSError):  # its thread reads or writes nothing more, and ends
                    oldest.shutdown(socket.SHUT_RDWR)
                if not self._room.wait_for(lambda: self._count < self.limit, timeout=_MAKE_ROOM_SECONDS):
                    self.shutdown_request(request)
                    return
            self._count += 1
            self._waiting[request] = None
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  name=THREAD_NAME, daemon=True)
        thread.start()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A request that failed: a browser that closed its connection mid-answer (a reload, a tab closed) is no
        error at all; anything else is said in a line on the terminal serve runs in, with no traceback (the
        standard server printed one for each, between the lines of serve's own report)."""
        problem = sys.exc_info()[1]
        if isinstance(problem, ConnectionError | TimeoutError) or problem is None:
            return
        print(f"coe-paper serve: a request failed ({type(problem).__name__}: {problem})", file=sys.stderr)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._room:
                self._waiting.pop(request, None)
                self._replaced.discard(request)
                self._count -= 1
                self._room.notify_all()


class BoundedServerIPv6(BoundedServer):
    """An IPv6 address (`::1`, `::`) needs a socket of its family: the standard server's IPv4 socket refused it
    ("Address family for hostname not supported")."""

    address_family = socket.AF_INET6
