"""Renderer parts that need no browser: the page server's one-time job URLs, the pixel budget
and its estimate, and reading what the page sends back."""

from __future__ import annotations

import asyncio
import http.client
import json
import secrets
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diagram_assets.errors import RenderError
from diagram_assets.render import RenderOptions, load_manifest
from diagram_assets.render.budget import PixelBudget, estimate_png_pixels
from diagram_assets.render.server import DEFAULT_CSP, PageServer
from diagram_assets.render.transfer import payload_bytes, result_from_page, scene_payload
from helpers import element, scene_of, text


@pytest.fixture
def server():
    try:
        manifest = load_manifest()
    except Exception as exc:  # the page is built by `make page`
        pytest.skip(f"the render page is not built: {exc}")
    s = PageServer(manifest)
    yield s
    s.close()


def request(server: PageServer, method: str, path: str, body: bytes | None = None):
    host, port = server.origin.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request(method, path, body=body)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data, response


# ----------------------------------------------------------------------------- page server
def test_a_job_is_served_once_and_takes_one_upload(server: PageServer) -> None:
    token = secrets.token_hex(16)
    server.put_job(token, b'{"elements":[]}')
    status, data, response = request(server, "GET", f"/job/{token}")
    assert (status, data) == (200, b'{"elements":[]}')
    assert response.getheader("Cache-Control") == "no-store"
    assert request(server, "GET", f"/job/{token}")[0] == 404  # once only
    assert request(server, "POST", f"/result/{token}", b"images")[0] == 204
    assert request(server, "POST", f"/result/{token}", b"again")[0] == 404  # one upload
    assert server.take_result(token) == b"images"
    assert server.take_result(token) is None
    assert f"/job/{token}" in server.refused


def test_unknown_job_and_result_urls_are_refused(server: PageServer) -> None:
    token = secrets.token_hex(16)
    assert request(server, "GET", f"/job/{token}")[0] == 404
    assert request(server, "POST", f"/result/{token}", b"x")[0] == 404
    assert request(server, "POST", "/index.html", b"x")[0] == 404
    assert request(server, "GET", "/job/not-a-token")[0] == 404
    assert len(server.refused) == 4


def test_page_files_carry_the_pages_own_policy(server: PageServer) -> None:
    status, _, response = request(server, "GET", "/index.html")
    assert status == 200
    policy = response.getheader("Content-Security-Policy")
    assert policy == (server.manifest.csp or DEFAULT_CSP)
    assert "default-src 'none'" in policy and "connect-src 'self'" in policy


def test_responses_are_not_held_back_by_nagle(server: PageServer, monkeypatch) -> None:
    """Headers and body are two writes; without TCP_NODELAY each small response waited for the
    client's delayed ACK (~40 ms; timed in bench/render.py). The server's end of every
    connection turns Nagle's algorithm off before it answers."""
    port = int(server.origin.rsplit(":", 1)[1])
    server_side: list[int] = []
    setsockopt = socket.socket.setsockopt

    def spy(sock: socket.socket, level: int, option: int, value, *rest) -> None:
        nodelay = (level, option) == (socket.IPPROTO_TCP, socket.TCP_NODELAY)
        if nodelay and sock.getsockname()[1] == port:  # the server's end, not the client's
            server_side.append(int(value))
        setsockopt(sock, level, option, value, *rest)

    monkeypatch.setattr(socket.socket, "setsockopt", spy)
    for _ in range(2):
        assert request(server, "GET", "/config.js")[0] == 200
    assert server_side == [1, 1]


# ----------------------------------------------------------------------------- pixel budget
def test_estimate_follows_the_export_size() -> None:
    scene = scene_of(element("rectangle", "r", 0, 0, 200, 100), text("t", 20, 30, "Hi"))
    # (200 + 2 * 10) x (100 + 2 * 10) at scale 2, as the PNG comes out (test_render checks it)
    assert estimate_png_pixels(scene, RenderOptions()) == 440 * 240
    assert estimate_png_pixels(scene, RenderOptions(formats=("svg",))) == 0
    assert estimate_png_pixels(scene, RenderOptions(scale=3, max_size=300)) == 300 * 163
    line = element("line", "l", 100, 100, 50, 50, points=[[0, 0], [-50, 40]])
    assert estimate_png_pixels(scene_of(line), RenderOptions(scale=1, padding=0)) == 50 * 40
    assert estimate_png_pixels(scene_of(), RenderOptions()) == 0


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "x": st.one_of(st.floats(allow_nan=True), st.integers(), st.none(), st.text()),
                "y": st.one_of(st.floats(), st.integers(), st.none()),
                "width": st.one_of(st.floats(), st.integers(), st.none(), st.booleans()),
                "height": st.one_of(st.floats(), st.integers(), st.none()),
                "angle": st.one_of(st.floats(), st.none()),
                "points": st.one_of(
                    st.none(), st.lists(st.lists(st.one_of(st.floats(), st.text()), max_size=3))
                ),
            }
        ),
        max_size=6,
    )
)
@settings(max_examples=200, deadline=None)
def test_estimate_never_crashes(elements: list[dict]) -> None:
    pixels = estimate_png_pixels(scene_of(*elements), RenderOptions())
    assert isinstance(pixels, int) and pixels >= 0


def test_budget_lets_small_renders_share_and_large_ones_run_alone() -> None:
    async def scenario() -> list[str]:
        budget = PixelBudget(100)
        log: list[str] = []

        async def job(name: str, pixels: int, seconds: float) -> None:
            taken = await budget.acquire(pixels)
            log.append(f"+{name}")
            await asyncio.sleep(seconds)
            log.append(f"-{name}")
            budget.release(taken)

        await asyncio.gather(
            job("a", 40, 0.05),
            job("b", 40, 0.05),
            job("huge", 500, 0.05),  # over the budget: waits for a and b, runs alone
            job("c", 10, 0.01),  # first come first served: after huge
        )
        assert budget.used == 0
        return log

    log = asyncio.run(scenario())
    assert log[:2] == ["+a", "+b"]
    assert log.index("+huge") > max(log.index("-a"), log.index("-b"))
    assert log.index("+c") > log.index("-huge")


def test_budget_forgets_a_cancelled_waiter() -> None:
    async def scenario() -> int:
        budget = PixelBudget(100)
        first = await budget.acquire(80)
        waiter = asyncio.ensure_future(budget.acquire(50))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        budget.release(first)
        assert await budget.acquire(100) == 100
        return budget.used

    assert asyncio.run(scenario()) == 100


# ----------------------------------------------------------------------------- page results
def test_result_parts_come_from_the_posted_body() -> None:
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>你好</text></svg>'.encode()
    png = b"\x89PNG-bytes"
    raw = {
        "images": [
            {"frame": None, "svg": len(svg), "png": len(png), "pngWidth": 4, "pngHeight": 2}
        ],
        "missingImages": ["x"],
        "timings": {"total": 12.5},
    }
    result = result_from_page(raw, svg + png)
    assert result.whole.svg == svg and result.whole.png == png
    assert result.whole.png_size == (4, 2)
    assert result.missing_images == ["x"] and result.timings == {"total": 12.5}
    with pytest.raises(RenderError, match="did not arrive"):
        result_from_page(raw, svg)  # the body is short
    with pytest.raises(RenderError, match="did not arrive"):
        result_from_page(raw, None)


def test_inline_svg_with_a_lone_surrogate_is_repaired() -> None:
    raw = {
        "images": [{"frame": None, "svg": '<svg xmlns="http://www.w3.org/2000/svg">\ud800</svg>'}]
    }
    assert "\ufffd".encode() in result_from_page(raw).whole.svg


def test_payload_with_lone_surrogates_is_valid_utf8_json() -> None:
    payload = scene_payload(scene_of(text("t", 0, 0, "a\ud800b")))
    data = payload_bytes(payload)
    assert json.loads(data.decode("utf-8"))["elements"][0]["text"] == "a\ud800b"
    plain = scene_payload(scene_of(text("t", 0, 0, "注意")))
    assert payload_bytes(plain) == plain.encode("utf-8")
