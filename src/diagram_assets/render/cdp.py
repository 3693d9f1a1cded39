"""A small DevTools-protocol client that drives Chromium over its debugging pipe.

The renderer needs little from a browser driver: launch Chromium, open pages, load the render
page, evaluate one async function per render, notice requests and crashes, close. Speaking the
protocol directly over ``--remote-debugging-pipe`` (file descriptors 3 and 4 of the browser)
saves the Node.js process a Playwright driver runs: its start-up (~0.4 s before Chromium is even
launched), its memory (~100-130 MiB PSS), and one JSON hop for every message.

The page objects mimic the few Playwright ``Page`` methods the renderer calls, so the renderer can
use either driver.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import shutil
import signal
import tempfile
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any


class ProtocolError(Exception):
    """A protocol call failed, or the page or browser went away under it."""


class BrowserClosed(ProtocolError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(f"browser has been closed{': ' + detail if detail else ''}")


class TargetCrashed(ProtocolError):
    def __init__(self) -> None:
        super().__init__("Target crashed")


class TargetClosed(ProtocolError):
    def __init__(self) -> None:
        super().__init__("Target closed")


class _Pipe(asyncio.Protocol):
    """Reads NUL-separated JSON messages from the browser's output pipe."""

    def __init__(self, on_message: Callable[[dict[str, Any]], None], on_close: Callable) -> None:
        self._buffer = bytearray()
        self._on_message = on_message
        self._on_close = on_close

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\0")
            if end < 0:
                return
            raw = bytes(self._buffer[:end])
            del self._buffer[: end + 1]
            with contextlib.suppress(ValueError):
                self._on_message(json.loads(raw))

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_close()


class _Lines(asyncio.Protocol):
    """Keeps the last lines the browser wrote to stderr (for launch errors)."""

    def __init__(self, lines: deque[str]) -> None:
        self._lines = lines
        self._partial = b""

    def data_received(self, data: bytes) -> None:
        *complete, partial = (self._partial + data).split(b"\n")
        self._lines.extend(line.decode("utf-8", "replace") for line in complete)
        self._partial = partial[-4096:]


class _Request:
    """What the renderer's request log reads from Playwright's request objects."""

    __slots__ = ("url",)

    def __init__(self, url: str) -> None:
        self.url = url


class PipePage:
    """One page (tab) of a :class:`PipeBrowser`, attached through a flat session."""

    def __init__(self, browser: PipeBrowser, target_id: str, session_id: str) -> None:
        self._browser = browser
        self.target_id = target_id
        self.session_id = session_id
        self._closed = False
        self._crashed = False
        self._listeners: dict[str, list[Callable[[Any], None]]] = {}
        self._load_waiters: list[asyncio.Future[None]] = []

    def on(self, event: str, callback: Callable[[Any], None]) -> None:
        """Only "request" is supported: called with an object that has ``url``."""
        self._listeners.setdefault(event, []).append(callback)

    def is_closed(self) -> bool:
        return self._closed

    async def goto(self, url: str, *, wait_until: str = "load", timeout: float = 30_000) -> None:
        loaded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._load_waiters.append(loaded)
        try:
            reply = await self._send("Page.navigate", {"url": url})
            if reply.get("errorText"):
                raise ProtocolError(f"could not load {url}: {reply['errorText']}")
            await asyncio.wait_for(loaded, timeout / 1000)
        finally:
            with contextlib.suppress(ValueError):
                self._load_waiters.remove(loaded)

    async def evaluate(self, expression: str, arg: Any = None) -> Any:
        """Like Playwright's: the value of ``expression``, called with ``arg`` if it is a
        function, awaited if it is a promise."""
        argument = json.dumps(arg, ensure_ascii=True, allow_nan=False)
        expression = (
            f"(() => {{ const value = ({expression}); "
            f'return typeof value === "function" ? value({argument}) : value; }})()'
        )
        reply = await self._send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        details = reply.get("exceptionDetails")
        if details:
            exception = details.get("exception") or {}
            text = exception.get("description") or exception.get("value") or details.get("text")
            raise ProtocolError(str(text or "the page threw an exception"))
        return (reply.get("result") or {}).get("value")

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(ProtocolError):
            await self._browser.send("Target.closeTarget", {"targetId": self.target_id})

    async def _send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        if self._crashed:
            raise TargetCrashed()
        if self._closed:
            raise TargetClosed()
        return await self._browser.send(method, params, session=self.session_id)

    # -------------------------------------------------------------- events from the browser
    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Network.requestWillBeSent":
            request = _Request(str((params.get("request") or {}).get("url", "")))
            for callback in self._listeners.get("request", []):
                callback(request)
        elif method == "Page.loadEventFired":
            for waiter in self._load_waiters:
                if not waiter.done():
                    waiter.set_result(None)
        elif method == "Inspector.targetCrashed":
            self._gone(crashed=True)

    def _gone(self, *, crashed: bool) -> None:
        self._crashed = self._crashed or crashed
        self._closed = True
        error = TargetCrashed() if self._crashed else TargetClosed()
        for waiter in self._load_waiters:
            if not waiter.done():
                waiter.set_exception(error)
        self._browser._fail_session(self.session_id, error)


class PipeBrowser:
    """Chromium launched with ``--remote-debugging-pipe``; create with :meth:`launch`."""

    def __init__(self) -> None:
        self._pid: int | None = None
        self._writer: asyncio.WriteTransport | None = None
        self._next_id = 0
        self._pending: dict[int, tuple[asyncio.Future[dict[str, Any]], str | None]] = {}
        self._pages: dict[str, PipePage] = {}  # by session id
        self._connected = False
        self._profile: str | None = None
        self._stderr: deque[str] = deque(maxlen=20)
        self._blank_target: str | None = None

    @property
    def pid(self) -> int | None:
        return self._pid

    def is_connected(self) -> bool:
        return self._connected

    @classmethod
    async def launch(
        cls,
        executable: Path | str,
        args: list[str],
        *,
        timeout: float = 60.0,
        env: dict[str, str] | None = None,
    ) -> PipeBrowser:
        browser = cls()
        await browser._start(
            str(executable), args, timeout, dict(os.environ) if env is None else env
        )
        return browser

    async def _start(
        self, executable: str, args: list[str], timeout: float, env: dict[str, str]
    ) -> None:
        loop = asyncio.get_running_loop()
        self._profile = tempfile.mkdtemp(prefix="diagrams-chromium-")
        argv = [
            executable,
            *args,
            f"--user-data-dir={self._profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # Chromium reads commands from fd 3 and writes replies to fd 4; stderr is kept for
        # launch errors. The pipe ends are first moved above 9 so the dup2s cannot collide.
        ends = [os.pipe(), os.pipe(), os.pipe()]  # to browser, from browser, stderr
        high = [[fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in pair] for pair in ends]
        for pair in ends:
            for fd in pair:
                os.close(fd)
        (cmd_r, cmd_w), (out_r, out_w), (err_r, err_w) = high
        try:
            self._pid = os.posix_spawn(
                executable,
                argv,
                env,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_DUP2, err_w, 2),
                    (os.POSIX_SPAWN_DUP2, cmd_r, 3),
                    (os.POSIX_SPAWN_DUP2, out_w, 4),
                ],
            )
        except OSError as exc:
            for fd in (cmd_r, cmd_w, out_r, out_w, err_r, err_w):
                os.close(fd)
            raise BrowserClosed(f"cannot run {executable}: {exc}") from None
        for fd in (cmd_r, out_w, err_w):
            os.close(fd)
        self._writer, _ = await loop.connect_write_pipe(
            asyncio.Protocol, os.fdopen(cmd_w, "wb", buffering=0)
        )
        await loop.connect_read_pipe(
            lambda: _Pipe(self._dispatch, self._lost), os.fdopen(out_r, "rb", buffering=0)
        )
        await loop.connect_read_pipe(
            lambda: _Lines(self._stderr), os.fdopen(err_r, "rb", buffering=0)
        )
        self._connected = True
        try:
            await asyncio.wait_for(self.send("Browser.getVersion"), timeout)
            targets = await self.send("Target.getTargets")
        except (ProtocolError, TimeoutError) as exc:
            await self.close()
            detail = " | ".join(line for line in self._stderr if line.strip())[-600:]
            raise BrowserClosed(f"{exc}{' — ' + detail if detail else ''}") from None
        for info in targets.get("targetInfos", []):
            if info.get("type") == "page":
                self._blank_target = info["targetId"]
                break

    def _exited(self) -> bool:
        """Whether the browser process has exited (and is reaped)."""
        if self._pid is None:
            return True
        try:
            pid, _ = os.waitpid(self._pid, os.WNOHANG)
        except ChildProcessError:
            pid = self._pid
        if pid:
            self._pid = None
        return self._pid is None

    async def _wait_exit(self, seconds: float) -> bool:
        for _ in range(int(seconds / 0.02)):
            if self._exited():
                return True
            await asyncio.sleep(0.02)
        return self._exited()

    async def new_page(self) -> PipePage:
        """A new page; the blank page the browser starts with is used first."""
        target, self._blank_target = self._blank_target, None
        if target is None:
            target = (await self.send("Target.createTarget", {"url": "about:blank"}))["targetId"]
        attached = await self.send("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = PipePage(self, target, attached["sessionId"])
        self._pages[page.session_id] = page
        await asyncio.gather(
            page._send("Page.enable"),
            page._send("Network.enable"),
            page._send("Inspector.enable"),
        )
        return page

    async def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None
    ) -> dict[str, Any]:
        if not self._connected or self._writer is None:
            raise BrowserClosed()
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = (future, session)
        self._writer.write(json.dumps(message, ensure_ascii=True).encode() + b"\0")
        try:
            return await future
        finally:
            self._pending.pop(message["id"], None)

    def _dispatch(self, message: dict[str, Any]) -> None:
        if "id" in message:
            entry = self._pending.get(message["id"])
            if entry is None or entry[0].done():
                return
            if "error" in message:
                error = message["error"] or {}
                entry[0].set_exception(ProtocolError(str(error.get("message", error))))
            else:
                entry[0].set_result(message.get("result") or {})
            return
        method = str(message.get("method", ""))
        params = message.get("params") or {}
        session = message.get("sessionId")
        if method == "Target.detachedFromTarget":
            page = self._pages.pop(str(params.get("sessionId")), None)
            if page is not None:
                page._gone(crashed=False)
        elif session is not None:
            page = self._pages.get(session)
            if page is not None:
                page._event(method, params)

    def _fail_session(self, session: str, error: Exception) -> None:
        for future, owner in list(self._pending.values()):
            if owner == session and not future.done():
                future.set_exception(error)

    def _lost(self) -> None:
        self._connected = False
        for future, _ in list(self._pending.values()):
            if not future.done():
                future.set_exception(BrowserClosed())
        for page in list(self._pages.values()):
            page._closed = True
            for waiter in page._load_waiters:
                if not waiter.done():
                    waiter.set_exception(BrowserClosed())

    async def close(self) -> None:
        """Ask the browser to quit; kill it if it does not within a few seconds."""
        if self._connected:
            with contextlib.suppress(ProtocolError, TimeoutError):
                await asyncio.wait_for(self.send("Browser.close"), 5)
        self._connected = False
        if self._pid is not None and not await self._wait_exit(5):
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            await self._wait_exit(5)
        if self._writer is not None:
            self._writer.close()
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None
