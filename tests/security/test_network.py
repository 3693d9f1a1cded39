"""The render page loads only its own files: drawings full of remote references cause no
request beyond loopback, and nothing executable survives into the SVGs.

`diagrams build` runs (as a subprocess, as users run it) on a temporary repository of bait
drawings: images whose file is a remote URL or an SVG that refers to remote files and holds a
script, element links (https, ``javascript:``, ``data:``), embeddable and iframe elements
pointing at web pages, text holding ``<script>`` and ``javascript:``, a frame named with a
script, Obsidian embeds of remote images, a library item with a link, and colours that are
``url(…)``. Every URL points at one of two recording HTTP servers on 127.0.0.1 — one by
address, one only by name (``localhost``, and a made-up host) — which must see 0 requests.

Chromium's own network log is captured too (a wrapper passes ``--log-net-log``: the renderer
takes its Chromium from ``$DIAGRAMS_CHROMIUM``), and analysed: no TCP connection and no UDP
datagram to any address but loopback, no DNS lookup, no request for a bait URL. Chromium's
own background requests (network time, account list…) do appear in the log; they are resolved
by the renderer's host rules to nothing before any connection, and are listed, not failed.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from diagram_assets.scene.model import Scene
from helpers import element, scene_of, text, write_scene

pytestmark = pytest.mark.browser


class Recorder:
    """An HTTP server on 127.0.0.1 that records every request it gets (and answers 200)."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self) -> None:
                recorder.requests.append(f"{self.command} {self.path}")
                body = b"<html><script>fetch('/again')</script></html>"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_OPTIONS = _record

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorders() -> Iterator[tuple[Recorder, Recorder]]:
    by_address, by_name = Recorder(), Recorder()
    try:
        yield by_address, by_name
    finally:
        by_address.close()
        by_name.close()


# --------------------------------------------------------------------------- the bait


def svg_file_with_remote_parts(a: str) -> str:
    """An SVG image (as an image file of the drawing) that refers to remote files and scripts."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="40"><style>@import url("' + a + '/svg-import.css");</style>'
        f'<image href="{a}/svg-image.png" width="40" height="40"/>'
        f'<image xlink:href="{a}/svg-xlink.png" width="20" height="20"/>'
        f'<script>fetch("{a}/svg-script")</script>'
        f'<foreignObject width="40" height="40"><iframe src="{a}/svg-iframe"/></foreignObject>'
        '<rect width="40" height="40" fill="#ffec99"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


TEXTS = {
    "t-script": '<script>fetch("{a}/text-script")</script>',
    "t-js": 'javascript:fetch(\'{b}/text-js\') " onload="x" <img src={a}/img onerror=alert(1)>',
    "t-cdata": "]]><script>alert(1)</script><![CDATA[ & &amp; &#x3C;",
    "t-style": '<style>@import url("{a}/text-import");</style>',
}


def bait_scene(a: str, b: str, c: str) -> Scene:
    files = {
        "remote": {"id": "remote", "mimeType": "image/png", "dataURL": f"{a}/remote.png"},
        "remote-b": {"id": "remote-b", "mimeType": "image/png", "dataURL": f"{b}/remote.png"},
        "svgfile": {
            "id": "svgfile",
            "mimeType": "image/svg+xml",
            "dataURL": svg_file_with_remote_parts(a),
            "created": 1,
        },
    }
    image = {"status": "saved", "scale": [1, 1]}
    elements = [
        element("image", "img-remote", 0, 0, 50, 50, fileId="remote", **image),
        element("image", "img-remote-b", 60, 0, 50, 50, fileId="remote-b", **image),
        element("image", "img-svg", 120, 0, 50, 50, fileId="svgfile", **image),
        element("rectangle", "link-https", 0, 60, 50, 50, link=f"{a}/link"),
        element("rectangle", "link-name", 60, 60, 50, 50, link=f"{b}/link"),
        element("rectangle", "link-js", 120, 60, 50, 50, link=f"javascript:fetch('{a}/js')"),
        element("rectangle", "link-js-case", 180, 60, 50, 50, link=f" JaVaScRiPt:fetch('{a}/j')"),
        element(
            "rectangle", "link-data", 240, 60, 50, 50,
            link=f"data:text/html,<script>fetch('{a}/data-link')</script>",
        ),
        element("rectangle", "link-vbs", 300, 60, 50, 50, link="vbscript:msgbox(1)"),
        element("rectangle", "link-tab", 360, 60, 50, 50, link=f"java\tscript:fetch('{a}/t')"),
        element("rectangle", "link-nl", 420, 60, 50, 50, link=f"java\nscript:fetch('{a}/n')"),
        element("rectangle", "link-ent", 480, 60, 50, 50, link=f"&#x6A;avascript:fetch('{a}/e')"),
        element("embeddable", "embed-a", 0, 120, 200, 100, link=f"{a}/embed"),
        element("embeddable", "embed-b", 210, 120, 200, 100, link=f"{b}/embed"),
        element("embeddable", "embed-js", 420, 120, 200, 100, link=f"javascript:fetch('{a}/e')"),
        element("iframe", "iframe-c", 630, 120, 200, 100, link=f"{c}/iframe"),
        element("frame", "frame-1", -20, -20, 900, 420, name=f'<script>fetch("{a}/f")</script>'),
    ]  # fmt: skip
    for i, (tid, template) in enumerate(TEXTS.items()):
        elements.append(text(tid, 0, 240 + 40 * i, template.format(a=a, b=b)))
    return scene_of(*elements, files=files)


def obsidian_remote_embeds(a: str, b: str) -> str:
    elements = [
        element("image", "md-a", 0, 0, 40, 40, fileId="fa", status="saved", scale=[1, 1]),
        element("image", "md-b", 50, 0, 40, 40, fileId="fb", status="saved", scale=[1, 1]),
        element("image", "md-c", 100, 0, 40, 40, fileId="fc", status="saved", scale=[1, 1]),
    ]
    scene = json.dumps({"type": "excalidraw", "elements": elements, "appState": {}})
    return (
        "---\nexcalidraw-plugin: parsed\n---\n# Excalidraw Data\n\n## Embedded Files\n\n"
        f"fa: ![]({a}/obsidian.png)\n\nfb: [[{b}/obsidian.png]]\n\nfc: ![x](<{b}/o b.png>)\n\n"
        f"%%\n## Drawing\n```json\n{scene}\n```\n%%\n"
    )


def library_with_links(a: str) -> str:
    item = {
        "id": "item",
        "status": "published",
        "elements": [element("rectangle", "lib-r", 0, 0, 40, 40, link=f"{a}/library")],
        "name": f'<img src="{a}/lib-name" onerror=alert(1)>',
    }
    return json.dumps({"type": "excalidrawlib", "version": 2, "libraryItems": [item]})


@dataclass
class Bait:
    a: str  # the recorder reached by address
    b: str  # the recorder reached only by name
    c: str  # a host that does not exist
    markers: list[str] = field(default_factory=list)  # in any URL that comes from the bait


def make_repo(root: Path, bait: Bait) -> Path:
    repo = root / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "pyproject.toml").write_text(
        '[tool.diagrams]\nnotes = []\n\n[[tool.diagrams.overrides]]\nmatch = "diagrams/bait*"\n'
        "frames = true\n\n[[tool.diagrams.overrides]]\n"
        'match = "diagrams/embedded*"\nembed_scene = true\n',
        encoding="utf-8",
    )
    d = repo / "diagrams"
    write_scene(d / "bait.excalidraw", bait_scene(bait.a, bait.b, bait.c))
    write_scene(d / "embedded.excalidraw", bait_scene(bait.a, bait.b, bait.c))
    (d / "remote-embeds.excalidraw.md").write_text(
        obsidian_remote_embeds(bait.a, bait.b), encoding="utf-8"
    )
    (d / "links.excalidrawlib").write_text(library_with_links(bait.a), encoding="utf-8")
    box = element("rectangle", "r", 0, 0, 50, 50)
    write_scene(
        d / "css-background.excalidraw", scene_of(box, viewBackgroundColor=f"url({bait.a}/bg)")
    )
    write_scene(
        d / "css-stroke.excalidraw",
        scene_of(element("rectangle", "r", 0, 0, 50, 50, strokeColor=f"url({bait.b}/stroke)")),
    )
    write_scene(
        d / "css-smuggled.excalidraw",
        scene_of(
            element(
                "rectangle", "r", 0, 0, 50, 50,
                backgroundColor=f"red;background-image:url({bait.a}/smuggled)",
            )
        ),
    )  # fmt: skip
    return repo


# --------------------------------------------------------------------------- the net log


def chromium_wrapper(folder: Path, netlog: Path) -> Path:
    """An executable that runs the real Chromium with the network log switched on."""
    from diagram_assets.render import find_chromium

    real = find_chromium()
    wrapper = folder / "chromium-with-netlog"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{real}" "--log-net-log={netlog}" --net-log-capture-mode=Everything '
        '"$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    return wrapper


def read_netlog(path: Path) -> dict:
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:  # Chromium killed before it closed the log: close it ourselves
        return json.loads(text.rstrip().rstrip(",") + "]}")


def _host_port(address: str) -> str:
    """ "127.0.0.1:443" or "[::1]:443" → the host part."""
    host = address.rsplit(":", 1)[0] if ":" in address else address
    return host.strip("[]")


def is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(_host_port(address)).is_loopback
    except ValueError:
        return False


@dataclass
class NetSummary:
    requests: list[str]  # every URL a request was started for
    tcp: list[str]  # every address a TCP connection was attempted to
    udp_sent: list[str]  # addresses of UDP sockets that sent at least one datagram
    udp_probes: list[str]  # UDP sockets connect()ed (routing probes) that sent nothing
    lookups: list[str]  # host names the resolver was asked about
    dns_events: list[str]  # DNS transactions / system lookups (there should be none)

    @property
    def leaving(self) -> list[str]:
        """Connections and datagrams to anything but loopback."""
        return [a for a in self.tcp + self.udp_sent if not is_loopback(a)]


def analyse(log: dict) -> NetSummary:
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    requests, tcp, lookups, dns = [], [], [], []
    udp_address: dict[int, str] = {}
    udp_sending: set[int] = set()
    for event in log["events"]:
        kind = types.get(event["type"], "")
        params = event.get("params") or {}
        source = event["source"]["id"]
        if kind == "URL_REQUEST_START_JOB" and params.get("url"):
            requests.append(params["url"])
        elif kind == "TCP_CONNECT_ATTEMPT" and "address" in params:
            tcp.append(params["address"])
        elif kind == "UDP_CONNECT" and "address" in params:
            udp_address[source] = params["address"]
        elif kind in ("UDP_BYTES_SENT", "UDP_SEND_ERROR"):
            udp_sending.add(source)
        elif kind == "HOST_RESOLVER_MANAGER_REQUEST" and "host" in params:
            lookups.append(params["host"])
        elif kind.startswith(
            ("DNS_TRANSACTION", "HOST_RESOLVER_SYSTEM_TASK", "HOST_RESOLVER_DNS_TASK")
        ):
            dns.append(kind)
    return NetSummary(
        requests=requests,
        tcp=tcp,
        udp_sent=[a for s, a in udp_address.items() if s in udp_sending],
        udp_probes=[a for s, a in udp_address.items() if s not in udp_sending],
        lookups=lookups,
        dns_events=dns,
    )


# --------------------------------------------------------------------------- SVG checks


def assert_inert_svg(path: Path, texts: list[str]) -> None:
    """No script, no event handler, no javascript:/data: link, no remote reference; the
    texts come back as text (the markup in them was escaped, not parsed)."""
    raw = path.read_text(encoding="utf-8")
    assert "<script" not in raw.lower(), path
    assert "<!doctype" not in raw.lower() and "<!entity" not in raw.lower(), path
    root = ET.fromstring(raw)
    for node in root.iter():
        local = node.tag.rsplit("}", 1)[-1].lower()
        assert local not in ("script", "foreignobject", "iframe", "embed", "object"), local
        for name, value in node.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            assert not attr.startswith("on"), (path.name, name, value)
            squeezed = re.sub(r"\s", "", value).lower()
            for scheme in ("javascript:", "vbscript:", "data:text"):
                assert scheme not in squeezed, (path.name, name, value[:80])
            if attr == "href" and local == "a":
                assert squeezed.startswith(("http://", "https://", "#")), (path.name, value)
            elif attr in ("href", "src"):
                assert squeezed.startswith(("data:image/", "#")), (path.name, local, value[:80])
            for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", value):
                assert url.startswith(("#", "data:")), (path.name, name, url)
        if local == "style" and node.text:
            for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", node.text):
                assert url.startswith(("#", "data:")), (path.name, url[:80])
    shown = ["".join(node.itertext()) for node in root.iter() if node.tag.endswith("text")]
    for wanted in texts:
        assert wanted in shown, (path.name, wanted, shown)
    for wanted in texts:  # in the file, the markup is escaped
        if "<" in wanted:
            assert wanted not in raw, (path.name, wanted)


# --------------------------------------------------------------------------- the test


def test_bait_drawings_cause_no_request_beyond_loopback(
    tmp_path: Path, recorders: tuple[Recorder, Recorder], request: pytest.FixtureRequest
) -> None:
    by_address, by_name = recorders
    a = f"http://127.0.0.1:{by_address.port}"
    b = f"http://localhost:{by_name.port}"
    c = "https://diagrams-bait.invalid"
    bait = Bait(a, b, c, markers=[str(by_address.port), str(by_name.port), "diagrams-bait"])
    repo = make_repo(tmp_path, bait)
    netlog = tmp_path / "netlog.json"
    env = {
        **os.environ,
        "DIAGRAMS_CHROMIUM": str(chromium_wrapper(tmp_path, netlog)),
        "DIAGRAMS_CACHE_DIR": "",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "diagram_assets", "build", "-C", str(repo)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    output = proc.stdout + proc.stderr

    # The build: the bait renders; url() colours are refused with one line each.
    assert proc.returncode == 1, output
    assert "Traceback" not in output and "internal error" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3, output
    for name, place in (
        ("css-background", "$.appState.viewBackgroundColor"),
        ("css-stroke", "$.elements[0].strokeColor"),
        ("css-smuggled", "$.elements[0].backgroundColor"),
    ):
        (line,) = [e for e in errors if f"diagrams/{name}.excalidraw" in e]
        assert place in line and "refers to a resource" in line, line
        assert not (repo / "attachments" / f"{name}.svg").exists()
    warnings = [line for line in output.splitlines() if line.startswith("warning: ")]
    for element_id in ("md-a", "md-c", "img-remote", "img-remote-b"):  # placeholders, said so
        assert any(element_id in w for w in warnings), (element_id, warnings)
    assert any("remote image" in w and "is never fetched" in w for w in warnings), warnings

    # The recorders: nothing at all.
    assert by_address.requests == [], by_address.requests
    assert by_name.requests == [], by_name.requests

    # Chromium's own log.
    summary = analyse(read_netlog(netlog))
    assert summary.requests, "the net log recorded no request at all: is it working?"
    assert any(u.startswith("http://127.0.0.1:") for u in summary.requests)
    assert summary.leaving == [], summary.leaving
    assert summary.dns_events == [], summary.dns_events
    bait_urls = [u for u in summary.requests if any(m in u for m in bait.markers)]
    assert bait_urls == [], bait_urls
    foreign = [u for u in summary.requests if not u.startswith(("http://127.0.0.1:", "data:"))]
    for host in summary.lookups:
        assert "127.0.0.1" in host or "~notfound" in host, host
    for url in foreign:  # Chromium's background requests: never a bait URL, never connected
        assert not any(m in url for m in bait.markers), url

    # The SVGs.
    attachments = repo / "attachments"
    texts = [t.format(a=a, b=b) for t in TEXTS.values()]
    for name in ("bait.svg", "embedded.svg"):
        assert_inert_svg(attachments / name, texts)
    frames = sorted(attachments.glob("bait.*.svg"))
    assert len(frames) == 1, frames
    assert_inert_svg(frames[0], texts)
    for name in ("remote-embeds.svg", "links.svg"):
        assert_inert_svg(attachments / name, [])
    links = re.findall(r'<a [^>]*href="([^"]*)"', (attachments / "bait.svg").read_text())
    assert f"{a}/link" in links and f"{b}/link" in links  # web links stay links
    assert links.count("#") >= 3  # javascript:, data: and vbscript: links neutralised

    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line("")
            reporter.write_line(
                f"net log: {len(summary.requests)} requests "
                f"({len(summary.requests) - len(foreign)} to the page's loopback server), "
                f"{len(summary.tcp)} TCP connections (all loopback), "
                f"{len(summary.leaving)} connections or datagrams leaving loopback; "
                f"Chromium's own background requests, resolved to nothing: {len(foreign)} "
                f"({', '.join(sorted({u.split('?')[0] for u in foreign}))}); "
                f"UDP routing probes without data: {sorted(set(summary.udp_probes))}"
            )


def test_loopback_detection() -> None:
    """The helpers the test relies on tell loopback from the rest."""
    assert is_loopback("127.0.0.1:443") and is_loopback("[::1]:80") and is_loopback("127.5.0.1:1")
    assert not is_loopback("[2001:4860:4860::8888]:443") and not is_loopback("10.0.0.1:80")
    assert not is_loopback("example.com:80")
    assert socket.inet_aton("127.0.0.1")
