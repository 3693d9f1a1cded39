"""The live preview: a gallery of every output on 127.0.0.1, updated by server-sent events.

The server binds to loopback only and serves exactly three things: the gallery page, the
gallery's state (JSON) with its event stream, and the files the lock file says were built
(from the output folder). Every other path is 404: anything reached through a symlink, any
path with ``..``, anything that is no regular file. Requests naming another host than the
loopback address (a web page that rebinds its own name to 127.0.0.1) are refused with 421.
"""

from __future__ import annotations

import json
import queue
import stat
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ..loopback import LoopbackServer
from .loop import WatchState

CONTENT_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".apng": "image/apng",
    ".excalidraw": "application/json",
}
CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'"
)


class PreviewServer:
    """Serve the gallery of ``state`` for outputs under ``root`` on 127.0.0.1:``port``."""

    def __init__(self, state: WatchState, root: Path, port: int = 0) -> None:
        self.state = state
        self.root = root.resolve()
        self._clients: list[queue.Queue[str | None]] = []
        self._clients_lock = threading.Lock()
        self._page = files(__package__).joinpath("preview.html").read_bytes()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = LoopbackServer(Handler, port, name="diagrams-preview")

    @property
    def url(self) -> str:
        return self._httpd.origin + "/"

    # ------------------------------------------------------------ state → JSON
    def snapshot(self) -> dict[str, Any]:
        """The gallery's data: sources that fail first (then by name), and how many fail."""
        with self.state.lock:
            jobs = sorted(self.state.jobs.values(), key=lambda j: (j.error is None, j.source))
            return {
                "builds": self.state.builds,
                "configError": self.state.config_error,
                "errors": sum(job.error is not None for job in jobs),
                "jobs": [
                    {
                        "source": job.source,
                        "built": job.built,
                        "error": job.error,
                        "outputs": [
                            {"path": out, "digest": job.digests.get(out, "")[:16]}
                            for out in job.outputs
                        ],
                    }
                    for job in jobs
                ],
            }

    def publish(self) -> None:
        """Tell every open page that the state changed (it fetches what it needs)."""
        message = json.dumps(self.snapshot(), ensure_ascii=False)
        with self._clients_lock:
            for client in self._clients:
                client.put(message)

    # ------------------------------------------------------------ HTTP
    def _allowed_file(self, name: str) -> Path | None:
        """The output file ``name`` (repo-relative) when the lock file lists it, it lies in
        the output folder, and neither it nor a folder above it is a symlink."""
        if "\0" in name or "\\" in name or name.startswith("/"):
            return None
        parts = name.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return None
        with self.state.lock:
            known = any(name in job.outputs for job in self.state.jobs.values())
            output = self.state.output
        if not known or (output and not name.startswith(output.rstrip("/") + "/")):
            return None
        path = self.root.joinpath(*parts)
        try:
            if path.resolve() != path:  # a symlink on the way (the root itself is resolved)
                return None
            if not stat.S_ISREG(path.lstat().st_mode):
                return None
        except (OSError, RuntimeError):
            return None
        return path

    def _host_allowed(self, request: BaseHTTPRequestHandler) -> bool:
        """The Host header names this server by a loopback name (DNS rebinding defence)."""
        host = (request.headers.get("Host") or "").strip().lower()
        port = self._httpd.server_address[1]
        return host in {f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1", "localhost"}

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        if not self._host_allowed(request):
            self._send(request, b"wrong host", "text/plain", HTTPStatus.MISDIRECTED_REQUEST)
            return
        route = unquote(urlsplit(request.path).path)
        if route in ("/", "/index.html"):
            self._send(request, self._page, "text/html; charset=utf-8")
        elif route == "/state.json":
            body = json.dumps(self.snapshot(), ensure_ascii=False).encode("utf-8")
            self._send(request, body, "application/json")
        elif route == "/events":
            self._stream(request)
        elif route.startswith("/files/"):
            path = self._allowed_file(route[len("/files/") :])
            if path is None:
                self._send(request, b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                return
            content_type = CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
            try:
                with path.open("rb") as fh:  # (a regular file: opening it cannot block)
                    data = fh.read()
            except OSError:
                self._send(request, b"not found", "text/plain", HTTPStatus.NOT_FOUND)
                return
            self._send(request, data, content_type, cache=False)
        else:
            self._send(request, b"not found", "text/plain", HTTPStatus.NOT_FOUND)

    def _send(
        self,
        request: BaseHTTPRequestHandler,
        body: bytes,
        content_type: str,
        status: HTTPStatus = HTTPStatus.OK,
        *,
        cache: bool = False,
    ) -> None:
        request.send_response(status)
        request.send_header("Content-Type", content_type)
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store" if not cache else "max-age=60")
        request.send_header("Content-Security-Policy", CSP)
        request.send_header("X-Content-Type-Options", "nosniff")
        request.end_headers()
        request.wfile.write(body)

    def _stream(self, request: BaseHTTPRequestHandler) -> None:
        client: queue.Queue[str | None] = queue.Queue()
        with self._clients_lock:
            self._clients.append(client)
        try:
            request.send_response(HTTPStatus.OK)
            request.send_header("Content-Type", "text/event-stream")
            request.send_header("Cache-Control", "no-store")
            request.end_headers()
            request.wfile.write(b"retry: 500\n\n")
            request.wfile.flush()
            while True:
                try:
                    message = client.get(timeout=15)
                except queue.Empty:
                    request.wfile.write(b": keep-alive\n\n")
                    request.wfile.flush()
                    continue
                if message is None:
                    break
                request.wfile.write(f"data: {message}\n\n".encode())
                request.wfile.flush()
        except OSError:
            pass
        finally:
            with self._clients_lock:
                self._clients.remove(client)

    def close(self) -> None:
        with self._clients_lock:
            for client in self._clients:
                client.put(None)
        self._httpd.close()
