"""The renderer with real Chromium and the real Excalidraw library."""

from __future__ import annotations

import base64
import io
import os
import re
import shlex
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from diagram_assets.errors import RenderError
from diagram_assets.render import Renderer, RenderOptions, find_chromium
from diagram_assets.render.naming import image_stems, safe_name
from diagram_assets.render.tuning import RenderTuning
from helpers import element, png_image, scene_of, text

pytestmark = pytest.mark.browser


def red_png(w: int = 40, h: int = 30) -> str:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (230, 20, 20)).save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def box_scene():
    return scene_of(
        element("rectangle", "r1", 0, 0, 200, 100, backgroundColor="#a5d8ff"),
        text("t1", 20, 30, "Hello", size=28),
    )


def ink(img: Image.Image, box: tuple[int, int, int, int] | None = None) -> int:
    """Dark pixels (text, strokes) in a region."""
    region = img.crop(box) if box else img
    gray = region.convert("L")
    return sum(1 for v in gray.tobytes() if v < 128)


def test_svg_and_png_with_embedded_fonts(renderer: Renderer) -> None:
    result = renderer.render(box_scene())
    image = result.whole
    assert image is not None and image.svg and image.png
    svg = image.svg.decode()
    assert svg.startswith("<svg")
    assert "@font-face" in svg and "data:font/woff2;base64," in svg
    assert not re.search(r"url\(\s*['\"]?https?:", svg), "a remote font or image URL in the SVG"
    png = png_image(image.png)
    assert png.size == image.png_size
    # 200x100 + 2*10 padding at scale 2
    assert png.size == (440, 240)
    assert ink(png) > 100


def test_determinism_same_bytes(renderer: Renderer) -> None:
    options = RenderOptions(embed_scene=True)
    first = renderer.render(box_scene(), options).whole
    second = renderer.render(box_scene(), options).whole
    assert first is not None and second is not None
    assert first.svg == second.svg
    assert first.png == second.png


def test_cjk_text_shows_cjk_glyphs(renderer: Renderer) -> None:
    """Two different CJK characters in Excalifont (→ Xiaolai) and in Helvetica (→ system CJK
    font) must draw different, non-empty glyphs: tofu boxes or blanks would be identical."""
    for family in (5, 2):
        masks = []
        for char in ("你", "鹰"):
            scene = scene_of(text("c", 0, 0, char, size=80, family=family, w=90))
            png = png_image(renderer.render(scene, RenderOptions(formats=("png",))).whole.png)
            gray = png.convert("L")
            masks.append(gray)
            assert ink(png) > 400, f"no glyph drawn for {char} in family {family}"
        assert masks[0].tobytes() != masks[1].tobytes(), f"identical glyphs in family {family}"


def test_image_element_shows_the_image(renderer: Renderer) -> None:
    files = {"f1": {"id": "f1", "mimeType": "image/png", "dataURL": red_png(), "created": 1}}
    scene = scene_of(
        element("image", "img", 0, 0, 80, 60, fileId="f1", status="saved", scale=[1, 1]),
        files=files,
    )
    result = renderer.render(scene)
    png = png_image(result.whole.png)
    r, g, b, _ = png.getpixel((png.width // 2, png.height // 2))
    assert r > 200 and g < 60 and b < 60
    assert b"data:image/png;base64," in result.whole.svg


def test_missing_image_is_a_placeholder_in_both_formats(renderer: Renderer) -> None:
    scene = scene_of(element("image", "lost", 0, 0, 160, 120, fileId="nope", status="saved"))
    result = renderer.render(scene)
    assert result.missing_images == ["lost"]
    png = png_image(result.whole.png)
    assert png.getpixel((png.width // 4, png.height // 4))[:3] == (0xE7, 0xE7, 0xE7)
    assert b"diagrams-missing-image-160x120" in result.whole.svg


def test_two_frames_give_two_frame_images(renderer: Renderer) -> None:
    scene = scene_of(
        element("frame", "f1", 0, 0, 300, 200, name="Step one"),
        element("rectangle", "a", 20, 20, 100, 60, frameId="f1", backgroundColor="#ffc9c9"),
        element("frame", "f2", 400, 0, 300, 200, name="Step two"),
        element("ellipse", "b", 420, 20, 100, 60, frameId="f2", backgroundColor="#b2f2bb"),
    )
    result = renderer.render(scene, RenderOptions(frames=True))
    assert [i.frame_name for i in result.frames] == ["Step one", "Step two"]
    assert image_stems("proto", result.images) == ["proto", "proto.Step-one", "proto.Step-two"]
    sizes = [png_image(i.png).size for i in result.frames]
    assert sizes == [(600, 400), (600, 400)]  # the frame's own size at scale 2, no padding
    whole = png_image(result.whole.png)
    assert whole.width > sizes[0][0]


def test_dark_transparent_scale_and_max_size(renderer: Renderer) -> None:
    dark = png_image(renderer.render(box_scene(), RenderOptions(dark=True)).whole.png)
    r, g, b, a = dark.getpixel((2, 2))
    assert a == 255 and max(r, g, b) < 40
    clear = png_image(renderer.render(box_scene(), RenderOptions(background=False)).whole.png)
    assert clear.getpixel((2, 2))[3] == 0
    big = renderer.render(box_scene(), RenderOptions(scale=3, formats=("png",))).whole
    assert png_image(big.png).size == (660, 360)
    clamped = renderer.render(box_scene(), RenderOptions(scale=3, max_size=300)).whole
    assert max(png_image(clamped.png).size) == 300


def test_canvas_over_chromium_limit_is_refused_clearly(renderer: Renderer) -> None:
    scene = scene_of(element("rectangle", "wide", 0, 0, 40_000, 100))
    with pytest.raises(RenderError, match="canvas limit"):
        renderer.render(scene, RenderOptions(formats=("png",)))
    # ...and the page stays usable
    assert renderer.render(box_scene()).whole.png


def test_remote_image_url_makes_no_request() -> None:
    hits: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/remote.png"
    files = {"f1": {"id": "f1", "mimeType": "image/png", "dataURL": url, "created": 1}}
    scene = scene_of(
        element("image", "img", 0, 0, 80, 60, fileId="f1", status="saved", link=url),
        element("embeddable", "emb", 100, 0, 200, 120, link=url),
        files=files,
    )
    try:
        with Renderer(pages=1) as fresh, pytest.raises(RenderError, match="offline"):
            fresh.render(scene)
    finally:
        server.shutdown()
    assert hits == []


def test_svg_is_inert(renderer: Renderer) -> None:
    scene = scene_of(
        element("rectangle", "r", 0, 0, 100, 50, link="javascript:alert(1)"),
        text("t", 0, 60, "<script>alert(1)</script> onload=x"),
    )
    svg = renderer.render(scene).whole.svg.decode()
    assert "javascript:" not in svg
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg


def test_parallel_renders_on_a_pool() -> None:
    with Renderer(pages=2) as pool:
        futures = [pool.submit(box_scene(), RenderOptions(formats=("png",))) for _ in range(6)]
        results = [f.result() for f in futures]
        assert len({r.whole.png for r in results}) == 1
        assert pool.stats.renders == 6
        assert pool.stats.launches == 1


def test_empty_scene_renders() -> None:
    with Renderer(pages=1) as fresh:
        result = fresh.render(scene_of())
        assert result.whole.svg.startswith(b"<svg")
        assert result.whole.png


def test_safe_names() -> None:
    assert safe_name("Step 1: encode / decode", "x") == "Step-1-encode-decode"
    assert safe_name("注意力 机制", "x") == "注意力-机制"
    assert safe_name("...", "fallback") == "fallback"


# ----------------------------------------------------------------------------- fonts in SVG
FONT_FACE = re.compile(
    r"@font-face\s*\{\s*font-family:\s*([^;]+);\s*src:\s*url\(data:font/woff2;base64,([^)]*)\)"
)


def embedded_fonts(svg: bytes) -> list[tuple[str, bytes]]:
    return [
        (family.strip().strip('"'), base64.b64decode(data))
        for family, data in FONT_FACE.findall(svg.decode())
    ]


def font_code_points(woff2: bytes) -> set[int]:
    """Decode an embedded woff2 with fontTools (independently of the page) and list its cmap."""
    fonttools = pytest.importorskip(
        "fontTools.ttLib", reason="fonttools (with brotli) not installed"
    )
    font = fonttools.TTFont(io.BytesIO(woff2))
    return set(font.getBestCmap())


def mixed_scene():
    """Latin in Virgil and Cascadia, Chinese in Excalifont (→ the Xiaolai CJK shards)."""
    return scene_of(
        text("v", 0, 0, "Attention is all you need", family=1),
        text("c", 0, 40, "softmax(QK^T)", family=3),
        text("x", 0, 80, "注意力机制 Transformer", family=5),
    )


def other_scene():
    """Shares shards with mixed_scene() but asks for other code points of them."""
    return scene_of(
        text("v", 0, 0, "Recurrent networks", family=1),
        text("x", 0, 40, "循环神经网络 机制", family=5),
        text("n", 0, 80, "Nunito here", family=6),
    )


def test_svg_fonts_are_subsets_of_the_drawings_text(renderer: Renderer) -> None:
    svg = renderer.render(mixed_scene(), RenderOptions(formats=("svg",))).whole.svg
    fonts = embedded_fonts(svg)
    families = {family for family, _ in fonts}
    assert {"Virgil", "Cascadia", "Excalifont", "Xiaolai"} <= families
    virgil = next(data for family, data in fonts if family == "Virgil")
    # The whole Virgil shard is 56 kB; a subset for a dozen letters is a few kB.
    assert len(virgil) < 15_000
    assert set(map(ord, "Attention is all you need")) - {32} <= font_code_points(virgil)
    assert font_code_points(virgil) <= set(map(ord, "Attention is all you need"))
    cjk = set()
    for family, data in fonts:
        if family == "Xiaolai":
            cjk |= font_code_points(data)
    assert set(map(ord, "注意力机制")) <= cjk, "a CJK glyph is missing from the embedded fonts"
    assert not re.search(rb"url\(\s*['\"]?https?:", svg)


def test_font_cache_never_changes_an_output() -> None:
    """Render A, then B, then A again in one page: A's bytes equal A's from a fresh page."""
    options = RenderOptions(embed_scene=True)
    with Renderer(pages=1) as fresh:
        alone = fresh.render(mixed_scene(), options).whole
    with Renderer(pages=1) as busy:
        busy.render(mixed_scene(), options)
        busy.render(other_scene(), options)
        after_other = busy.render(mixed_scene(), options).whole
        other_after = busy.render(other_scene(), options).whole
    with Renderer(pages=1) as fresh:
        other_alone = fresh.render(other_scene(), options).whole
    assert after_other.svg == alone.svg
    assert after_other.png == alone.png
    assert other_after.svg == other_alone.svg


def test_cached_subsets_are_excalidraws_own_bytes() -> None:
    """The page's subsetting gives the bytes Excalidraw's own (uncached) subsetting gives."""
    scenes = [mixed_scene(), other_scene(), box_scene()]
    options = RenderOptions(formats=("svg",))
    with Renderer(pages=1, tuning=RenderTuning(font_subset="plain")) as plain:
        expected = [plain.render(s, options).whole.svg for s in scenes]
    with Renderer(pages=1, tuning=RenderTuning(font_subset="cached")) as cached:
        assert [cached.render(s, options).whole.svg for s in scenes] == expected
        # twice: the second time from the page's caches
        assert [cached.render(s, options).whole.svg for s in scenes] == expected


def test_cached_subsets_match_on_corpus_drawings(corpus_dir: Path) -> None:
    from diagram_assets.scene import load_scene

    names = [
        "AsperforMias__yuiju__architecture.excalidraw",
        "geekeryy__api-hub__architecture.excalidraw.svg",
        "ctfer-io__monitoring__architecture.excalidraw.png",
        "dogeinhyeok__LyraStarterGameClone__Example.excalidraw.md",
    ]
    scenes = [load_scene(corpus_dir / n) for n in names if (corpus_dir / n).is_file()]
    assert scenes, "none of the chosen corpus drawings is in the corpus"
    options = RenderOptions(formats=("svg",))
    with Renderer(pages=1, tuning=RenderTuning(font_subset="plain")) as plain:
        expected = [plain.render(s, options).whole.svg for s in scenes]
    with Renderer(pages=1) as cached:
        got = [cached.render(s, options).whole.svg for s in reversed(scenes)][::-1]
    assert got == expected


# ----------------------------------------------------------------------------- drivers
def test_drivers_and_transfers_give_the_same_images() -> None:
    scene = mixed_scene()
    results = {}
    for tuning in (
        RenderTuning(driver="pipe", transfer="http"),
        RenderTuning(driver="playwright", transfer="protocol"),
        RenderTuning(driver="pipe", transfer="protocol"),
    ):
        with Renderer(pages=1, tuning=tuning) as r:
            results[tuning] = r.render(scene, RenderOptions(embed_scene=True)).whole
    images = list(results.values())
    assert all(i.svg == images[0].svg for i in images)
    assert all(i.png == images[0].png for i in images)


def test_a_crashed_browser_is_relaunched() -> None:
    with Renderer(pages=1) as r:
        first = r.render(box_scene()).whole
        pid = r.browser_pid()
        assert pid
        os.kill(pid, signal.SIGKILL)
        again = r.render(box_scene()).whole
        assert r.stats.launches == 2
        assert r.browser_pid() != pid
        assert again.svg == first.svg and again.png == first.png


def test_close_ends_waiting_renders_instead_of_hanging() -> None:
    r = Renderer(pages=1)
    r.start()
    futures = [r.submit(box_scene()) for _ in range(8)]
    r.close()
    for future in futures:
        try:
            assert future.result(timeout=30).whole.png
        except RenderError as exc:
            assert "closed" in str(exc)


def test_text_with_a_lone_surrogate_renders(renderer: Renderer) -> None:
    scene = scene_of(text("s", 0, 0, "bad \ud800 char", family=1))
    assert renderer.render(scene).whole.svg.startswith(b"<svg")


def test_start_without_waiting_overlaps_the_caller(tmp_path: Path) -> None:
    """start(wait=False) returns while Chromium is still starting: here Chromium is a script
    that waits for the test's go-ahead on a FIFO (how long start-up takes: bench/render.py)."""
    gate = tmp_path / "gate"
    os.mkfifo(gate)
    chromium = tmp_path / "chromium"
    chromium.write_text(
        f"#!/bin/sh\nread go < {shlex.quote(str(gate))}\n"
        f'exec {shlex.quote(str(find_chromium()))} "$@"\n',
        encoding="utf-8",
    )
    chromium.chmod(0o755)
    go = os.open(gate, os.O_RDWR)  # holds the FIFO open: the script's read waits for a line
    try:
        with Renderer(pages=1, chromium=chromium) as r:
            r.start(wait=False)
            assert r.stats.launches == 0  # returned while the browser cannot be up yet
            os.write(go, b"go\n")
            assert r.render(box_scene()).whole.png
            assert r.stats.launches == 1
    finally:
        os.close(go)
