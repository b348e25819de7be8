"""Headless Chromium driven over the DevTools protocol on a pipe (no WebSocket library, no network port).

`Browser(path)` starts Chromium with `--remote-debugging-pipe` (commands on fd 3, answers on fd 4, messages ending
in NUL) and opens one page; `load(url, width, height, mobile)` navigates and waits for the load event; `evaluate`
runs JavaScript; `screenshot` returns a PNG of the whole page; `problems` holds console errors, uncaught exceptions
and failed requests (Log.entryAdded: "Failed to load resource", blocked requests) seen since the last load.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import subprocess
import tempfile
import time
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]


class Browser:
    def __init__(self, path: str) -> None:
        self.profile = tempfile.TemporaryDirectory(prefix="coe-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4: the child moves the pipes there, and fds 3
        # and 4 are the ones it keeps open (preexec_fn runs before the other descriptors are closed).
        self.proc = subprocess.Popen(
            [path, *FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=lambda: _place(to_browser_r, from_browser_w),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next = 0
        self.problems: list[str] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.call(domain, session=True)

    def _send(self, method: str, params: dict[str, Any] | None, session: bool) -> int:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next

    def _read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        raw, _, self._buffer = self._buffer.partition(b"\0")
        message: dict[str, Any] = json.loads(raw)
        self._note(message)
        return message

    def _note(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
            self.problems.append("console: " + " ".join(str(a.get("value", a.get("description", "")))
                                                        for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            self.problems.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:300])
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") in ("error", "warning"):
            entry = params["entry"]
            self.problems.append(f"log: {entry.get('text')} {entry.get('url', '')}")

    def call(self, method: str, params: dict[str, Any] | None = None, session: bool = False,
             timeout: float = 20) -> dict[str, Any]:
        wanted = self._send(method, params, session)
        while True:
            message = self._read(timeout)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def load(self, url: str, width: int = 1280, height: int = 900, mobile: bool = False) -> None:
        self.problems = []
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "mobile": mobile,
                                                         "deviceScaleFactor": 1}, session=True)
        self.call("Page.navigate", {"url": url}, session=True)
        while True:
            message = self._read(20)
            if message.get("method") == "Page.loadEventFired":
                break

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        return result["result"].get("value")

    def screenshot(self, clip: tuple[int, int, int, int] | None = None) -> bytes:
        """PNG of the whole page, or of the (x, y, width, height) part of it."""
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": True}
        if clip is not None:
            params["clip"] = dict(zip(("x", "y", "width", "height"), clip, strict=True)) | {"scale": 1}
        data = self.call("Page.captureScreenshot", params, session=True)
        return base64.b64decode(data["data"])

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.call("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self.profile.cleanup()


def _place(read_end: int, write_end: int) -> None:
    """In the child: the command pipe on fd 3, the answer pipe on fd 4 (as --remote-debugging-pipe expects)."""
    moved_read, moved_write = os.dup(read_end), os.dup(write_end)
    os.dup2(moved_read, 3)
    os.dup2(moved_write, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)
