"""A loopback HTTP server for the render page: it serves the page's own files and nothing else."""

from __future__ import annotations

import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .assets import PageManifest

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".woff2": "font/woff2",
}

# The page may load only its own files; fonts and images embedded as data: URLs are allowed.
# 'wasm-unsafe-eval' lets Excalidraw's font subsetter (HarfBuzz compiled to WebAssembly) run.
CSP = (
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self' data:; img-src 'self' data: blob:; connect-src 'self' data: blob:; "
    "worker-src 'self' blob:"
)


class PageServer:
    """Serves ``manifest.files`` from the page folder on 127.0.0.1 at a random port.

    Any other path gets 404 and is recorded in ``refused`` (the renderer fails the render that
    asked for it).
    """

    def __init__(self, manifest: PageManifest) -> None:
        self.manifest = manifest
        self.refused: list[str] = []
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self, body=False)

            def log_message(self, format: str, *args: object) -> None:  # quiet
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="diagrams-page-server", daemon=True
        )
        self._thread.start()

    @property
    def origin(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

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

    def _handle(self, request: BaseHTTPRequestHandler, *, body: bool = True) -> None:
        name = unquote(urlsplit(request.path).path).lstrip("/")
        if name not in self.manifest.files:
            with self._lock:
                self.refused.append(request.path)
            request.send_response(HTTPStatus.NOT_FOUND)
            request.send_header("Content-Length", "0")
            request.end_headers()
            return
        data = self._read(name)
        request.send_response(HTTPStatus.OK)
        request.send_header(
            "Content-Type", CONTENT_TYPES.get(Path(name).suffix, "application/octet-stream")
        )
        request.send_header("Content-Length", str(len(data)))
        request.send_header("Cache-Control", "max-age=31536000, immutable")
        request.send_header("Content-Security-Policy", CSP)
        request.end_headers()
        if body:
            request.wfile.write(data)

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
