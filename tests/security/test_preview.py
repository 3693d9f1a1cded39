"""The preview server of `diagrams watch` (and the render page's server): loopback only, and
nothing but the outputs (respectively the page's own files).

Requests are sent as raw bytes, so that ``..``, ``%2e%2e``, encoded slashes, backslashes and
absolute paths reach the server exactly as written (an HTTP client would tidy them up).
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from diagram_assets.watch import JobState, PreviewServer, WatchState

SECRET = b"secret bytes outside the outputs"


def raw_get(port: int, target: str, host: str | None = None) -> tuple[int, bytes]:
    """Send ``GET target`` byte for byte; (status, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        host_line = f"Host: {host or f'127.0.0.1:{port}'}\r\n" if host != "" else ""
        sock.sendall(f"GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PreviewServer, Path, Path]]:
    tmp_path = tmp_path_factory.mktemp("preview")
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    out = repo / "attachments"
    out.mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.svg").write_bytes(SECRET)
    (repo / "pyproject.toml").write_bytes(SECRET)
    (repo / "notes.md").write_bytes(SECRET)
    (out / "x.svg").write_bytes(b"<svg/>")
    (out / "unlisted.svg").write_bytes(SECRET)
    (out / "link.svg").symlink_to(outside / "secret.svg")
    (out / "inner-link.svg").symlink_to(out / "x.svg")
    (out / "sub").symlink_to(outside)
    (out / "folder.svg").mkdir()
    import os

    os.mkfifo(out / "fifo.svg")
    state = WatchState()
    listed = [
        "attachments/x.svg",
        "attachments/link.svg",
        "attachments/inner-link.svg",
        "attachments/sub/secret.svg",
        "attachments/folder.svg",
        "attachments/fifo.svg",
        "attachments/../pyproject.toml",  # a lock file can say anything
        "notes.md",
        f"{outside}/secret.svg",
    ]
    state.jobs["diagrams/x.excalidraw"] = JobState("diagrams/x.excalidraw", outputs=listed)
    state.output = "attachments"
    server = PreviewServer(state, repo, 0)
    try:
        yield server, repo, outside
    finally:
        server.close()


def port_of(server: PreviewServer) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


def test_a_listed_output_is_served(served: tuple[PreviewServer, Path, Path]) -> None:
    server, _, _ = served
    assert raw_get(port_of(server), "/files/attachments/x.svg") == (200, b"<svg/>")
    assert raw_get(port_of(server), "/")[0] == 200
    assert raw_get(port_of(server), "/state.json")[0] == 200


TRAVERSALS = [
    "/files/attachments/../pyproject.toml",
    "/files/../pyproject.toml",
    "/files/%2e%2e/pyproject.toml",
    "/files/attachments/%2e%2e/pyproject.toml",
    "/files/attachments%2f..%2fpyproject.toml",
    "/files/attachments/..%2fpyproject.toml",
    "/files/attachments%2F%2E%2E%2Fpyproject.toml",
    "/files/attachments/%252e%252e/pyproject.toml",
    "/files/attachments/..\\pyproject.toml",
    "/files/attachments\\..\\pyproject.toml",
    "/files//etc/passwd",
    "/files/%2fetc%2fpasswd",
    "/files/{outside}/secret.svg",
    "/files/attachments/./x.svg/../../pyproject.toml",
    "/files/attachments/x.svg%00.png",
    "/../pyproject.toml",
    "/%2e%2e/pyproject.toml",
    "//etc/passwd",
    "/pyproject.toml",
    "/notes.md",
    "/files/pyproject.toml",
    "/files/attachments/unlisted.svg",  # in the output folder, but not in the lock file
    "/files/notes.md",  # listed (a lock file can say anything), but not in the output folder
    "/files/attachments/link.svg",  # listed, a symlink to outside/
    "/files/attachments/inner-link.svg",  # listed, a symlink (even to an output)
    "/files/attachments/sub/secret.svg",  # listed, under a symlinked folder
    "/files/attachments/folder.svg",  # listed, a folder
    "/files/attachments/fifo.svg",  # listed, a FIFO (opening it would block)
    "http://127.0.0.1/files/attachments/../pyproject.toml",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_nothing_outside_the_listed_outputs_is_served(
    served: tuple[PreviewServer, Path, Path], target: str
) -> None:
    server, _, outside = served
    status, body = raw_get(port_of(server), target.format(outside=outside))
    assert status in (400, 404), (target, status, body[:80])
    assert SECRET not in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "evil.example", "127.0.0.1.nip.io", ""])
def test_other_host_names_are_refused(served: tuple[PreviewServer, Path, Path], host: str) -> None:
    """A page on another site that rebinds its name to 127.0.0.1 gets nothing."""
    server, _, _ = served
    port = port_of(server)
    for target in ("/files/attachments/x.svg", "/state.json", "/"):
        status, body = raw_get(port, target, host=host.format(port=port))
        assert status == 421, (host, target, status)
        assert b"<svg" not in body and b"jobs" not in body
    assert raw_get(port, "/files/attachments/x.svg", host=f"localhost:{port}")[0] == 200


def machine_addresses() -> list[str]:
    """The machine's addresses that are not loopback (IPv4 and IPv6)."""
    found: set[str] = set()
    try:
        out = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True, timeout=10)
        for line in out.stdout.splitlines():
            parts = line.split()
            if len(parts) > 3 and parts[2] in ("inet", "inet6"):
                found.add(parts[3].split("/")[0])
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None):
            found.add(str(info[4][0]))
    except OSError:
        pass
    import ipaddress

    return sorted(a for a in found if not ipaddress.ip_address(a.split("%")[0]).is_loopback)


def test_the_preview_listens_on_loopback_only(served: tuple[PreviewServer, Path, Path]) -> None:
    server, _, _ = served
    port = port_of(server)
    assert server.url.startswith("http://127.0.0.1:")
    assert server._httpd.server_address[0] == "127.0.0.1"
    others = machine_addresses()
    if not others:
        pytest.skip("this machine has no address besides loopback to try")
    for address in others:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            target = (address, port, 0, 0) if family == socket.AF_INET6 else (address, port)
            with pytest.raises(OSError):
                sock.connect(target)


def test_a_client_that_hangs_up_leaves_no_traceback(
    served: tuple[PreviewServer, Path, Path], capfd: pytest.CaptureFixture[str]
) -> None:
    server, _, _ = served
    port = port_of(server)
    for _ in range(20):
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.sendall(b"GET /files/attachments/x.svg HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        # closed with a reset before the request was complete
    assert raw_get(port, "/files/attachments/x.svg")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


# --------------------------------------------------------------------------- the page server


def test_the_render_page_server_serves_only_its_files() -> None:
    from diagram_assets.render.assets import load_manifest
    from diagram_assets.render.server import PageServer

    try:
        manifest = load_manifest()
    except Exception as exc:  # the page is built by `make page`
        pytest.skip(f"no built render page: {exc}")
    server = PageServer(manifest)
    try:
        host, port = server._httpd.server_address[:2]
        assert host == "127.0.0.1"
        assert raw_get(port, "/index.html")[0] == 200
        for target in (
            "/../manifest.json",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/fonts/../../../../etc/passwd",
            "/fonts%2f..%2f..%2fmanifest.json",
            "//etc/passwd",
            "/job/" + "0" * 32,
            "/result/" + "0" * 32,
            "/index.html/../../pyproject.toml",
        ):
            status, body = raw_get(port, target)
            assert status == 404, (target, status)
            assert b"root:" not in body
    finally:
        server.close()
