"""A loopback HTTP server for the render page: it serves the page's own files and nothing else.

Scenes and images also travel through it: the renderer puts a scene under a one-time
``/job/<token>`` URL, the page fetches it and posts the rendered images back to
``/result/<token>`` as one binary body. Large drawings thus never pass through the DevTools
protocol as JSON strings (nor PNGs as base64).
"""

from __future__ import annotations

import re
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..loopback import LoopbackServer
from .assets import PageManifest

_TOKEN = re.compile(r"^/(job|result)/([0-9a-f]{32})$")
MAX_RESULT_BYTES = 2 * 1024**3

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".woff2": "font/woff2",
}

# The policy for a page whose manifest names none (built before the manifest carried it). The
# page build (js/build.mjs) writes the policy the page needs into its manifest and its digest.
DEFAULT_CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self' data: blob:; "
    "worker-src 'self' blob:"
)


class PageServer:
    """Serves ``manifest.files`` from the page folder on 127.0.0.1 at a random port.

    Any other path gets 404 and is recorded in ``refused`` (the renderer fails the render that
    asked for it).
    """

    def __init__(self, manifest: PageManifest, *, nodelay: bool = True) -> None:
        self.manifest = manifest
        self.csp = manifest.csp or DEFAULT_CSP
        self.refused: list[str] = []
        self._cache: dict[str, bytes] = {}
        self._jobs: dict[str, bytes] = {}
        self._results: dict[str, bytes | None] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm the body then waits
            # for the browser's delayed ACK, 40 ms on every response.
            disable_nagle_algorithm = nodelay

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self, body=False)

            def do_POST(self) -> None:
                server._handle_post(self)

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        self._httpd = LoopbackServer(Handler, name="diagrams-page-server")

    @property
    def origin(self) -> str:
        return self._httpd.origin

    @property
    def page_url(self) -> str:
        return f"{self.origin}/index.html"

    def _read(self, name: str) -> bytes:
        with self._lock:
            data = self._cache.get(name)
            if data is None:
                data = (self.manifest.directory / name).read_bytes()
                self._cache[name] = data
            return data

    # ------------------------------------------------------------------ one-time job URLs
    def put_job(self, token: str, scene: bytes) -> None:
        """Offer ``scene`` once at /job/<token>, and accept one upload at /result/<token>."""
        with self._lock:
            self._jobs[token] = scene
            self._results[token] = None

    def take_result(self, token: str) -> bytes | None:
        """The body the page posted for ``token`` (None if none came); forgets the token."""
        with self._lock:
            self._jobs.pop(token, None)
            return self._results.pop(token, None)

    def _job_request(self, path: str, kind: str) -> str | None:
        match = _TOKEN.match(urlsplit(path).path)
        if match and match.group(1) == kind:
            return match.group(2)
        return None

    def _refuse(self, request: BaseHTTPRequestHandler, status: HTTPStatus) -> None:
        with self._lock:
            self.refused.append(request.path)
        request.send_response(status)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _handle_post(self, request: BaseHTTPRequestHandler) -> None:
        token = self._job_request(request.path, "result")
        with self._lock:
            expected = token is not None and token in self._results and not self._results[token]
        try:
            length = int(request.headers.get("Content-Length") or -1)
        except ValueError:
            length = -1
        if not expected or not 0 <= length <= MAX_RESULT_BYTES:
            request.close_connection = True
            status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE if expected else HTTPStatus.NOT_FOUND
            self._refuse(request, status)
            return
        data = request.rfile.read(length)
        with self._lock:
            if token in self._results:
                self._results[token] = data
        request.send_response(HTTPStatus.NO_CONTENT)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _handle(self, request: BaseHTTPRequestHandler, *, body: bool = True) -> None:
        name = unquote(urlsplit(request.path).path).lstrip("/")
        token = self._job_request(request.path, "job")
        if token is not None and body:
            with self._lock:
                data = self._jobs.pop(token, None)
            if data is None:
                self._refuse(request, HTTPStatus.NOT_FOUND)
                return
            request.send_response(HTTPStatus.OK)
            request.send_header("Content-Type", "application/json; charset=utf-8")
            request.send_header("Content-Length", str(len(data)))
            request.send_header("Cache-Control", "no-store")
            request.end_headers()
            if body:
                request.wfile.write(data)
            return
        if name not in self.manifest.files:
            self._refuse(request, HTTPStatus.NOT_FOUND)
            return
        data = self._read(name)
        request.send_response(HTTPStatus.OK)
        request.send_header(
            "Content-Type", CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")
        )
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Cache-Control", "max-age=31536000, immutable")
        request.send_header("Content-Security-Policy", self.csp)
        request.end_headers()
        if body:
            request.wfile.write(data)

    def close(self) -> None:
        self._httpd.close()
