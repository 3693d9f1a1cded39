"""Frame sources, canvas, timing and build_animation — without a browser.

Drawing and figure frames are tested here with a fake renderer that draws each frame or step
as a flat image; tests/test_animation_browser.py does the same through Chromium.
"""

from __future__ import annotations

import io
import json
from concurrent.futures import Future
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from diagram_assets.animation import (
    animation_inputs,
    animation_outputs,
    build_animation,
    load_animation_spec,
)
from diagram_assets.animation.frames import natural_key
from diagram_assets.errors import RenderError, SpecError
from diagram_assets.render.options import RenderedImage, RenderOptions, RenderResult
from helpers import element
from locations import REPO
from support.gif_decode import as_rgba, decode_gif, fidelity
from support.synthetic_frames import antialiased_frames, flat_frames


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def spec_at(tmp_path: Path, text: str, name: str = "a.anim.yaml"):
    return load_animation_spec(write(tmp_path / name, text))


def no_browser():
    raise AssertionError("image-file animations must never start a browser")


def save_frames(folder: Path, frames: list[Image.Image], names: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for frame, name in zip(frames, names, strict=True):
        frame.save(folder / name)


def message(exc: pytest.ExceptionInfo[BaseException]) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


# --------------------------------------------------------------------------- image files


def test_natural_order():
    names = ["frame10.png", "frame2.png", "Frame1.png", "frame2b.png", "a/frame3.png"]
    assert sorted(names, key=natural_key) == [
        "a/frame3.png",
        "Frame1.png",
        "frame2.png",
        "frame2b.png",
        "frame10.png",
    ]


def test_glob_frames_build_a_lossless_gif(tmp_path):
    frames = flat_frames(12)
    names = [f"step{i + 1}.png" for i in range(12)]  # step10 sorts after step9
    save_frames(tmp_path / "frames", frames, names)
    spec = spec_at(
        tmp_path,
        "images: frames/step*.png\nduration: 300\ndurations: {step1: 900, 2: 410}\n"
        "hold_last: 2s\nloop: 3\n",
        "walk.anim.yaml",
    )
    result = build_animation(spec, no_browser)
    assert list(result) == ["walk.gif"] == animation_outputs(spec)
    decoded = decode_gif(result["walk.gif"])
    expected = [900, 410] + [300] * 9 + [2000]
    assert decoded.durations_ms == expected
    assert decoded.loop == 2  # 3 plays: the first and two repeats
    assert len(decoded.frames) == 12
    assert fidelity([as_rgba(f) for f in frames], expected, decoded) == (True, float("inf"))
    assert result.lossless and result.frames == 12 and result.gif_frames == 12
    assert [p.name for p in animation_inputs(spec)] == names


def test_explicit_list_keeps_its_order_and_repeats(tmp_path):
    a, b = Image.new("RGB", (10, 10), "red"), Image.new("RGB", (10, 10), "blue")
    save_frames(tmp_path, [a, b], ["a.png", "b.png"])
    spec = spec_at(tmp_path, "images: [b.png, a.png, b.png]\nduration: 100\nloop: once\n")
    decoded = decode_gif(build_animation(spec, no_browser)["a.gif"])
    assert [tuple(f[0, 0, :3]) for f in decoded.frames] == [(0, 0, 255), (255, 0, 0), (0, 0, 255)]
    assert decoded.loop is None  # played once: no loop extension


def test_identical_frames_merge_in_the_gif(tmp_path):
    a, b = Image.new("RGB", (10, 10), "red"), Image.new("RGB", (10, 10), "blue")
    save_frames(tmp_path, [a, a, b], ["1.png", "2.png", "3.png"])
    result = build_animation(spec_at(tmp_path, "images: '*.png'\nduration: 200\n"), no_browser)
    assert result.frames == 3 and result.gif_frames == 2
    assert decode_gif(result["a.gif"]).durations_ms == [400, 200]


def test_jpeg_webp_and_svg_frames(tmp_path):
    Image.new("RGB", (40, 30), (200, 10, 10)).save(tmp_path / "1.jpg", quality=95)
    Image.new("RGB", (40, 30), (10, 200, 10)).save(tmp_path / "2.webp", lossless=True)
    write(
        tmp_path / "3.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">'
        '<rect width="40" height="30" fill="#0000ff"/></svg>',
    )
    result = build_animation(
        spec_at(tmp_path, "images: ['*.jpg', '*.webp', '*.svg']\n"), no_browser
    )
    frames = decode_gif(result["a.gif"]).frames
    assert len(frames) == 3
    assert np.abs(frames[0][15, 20, :3].astype(int) - (200, 10, 10)).max() <= 6  # JPEG
    assert tuple(frames[1][15, 20, :3]) == (10, 200, 10)
    assert tuple(frames[2][15, 20, :3]) == (0, 0, 255)


def test_svg_frames_scale_and_warn_about_web_fonts(tmp_path):
    write(
        tmp_path / "f.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
        "<style>@font-face { font-family: X; src: url(data:font/woff2;base64,AAAA); }</style>"
        '<rect width="20" height="10" fill="red"/>'
        '<image href="http://example.invalid/x.png" width="5" height="5"/></svg>',
    )
    spec = spec_at(tmp_path, "images: f.svg\nscale: 2\n")
    result = build_animation(spec, no_browser)
    decoded = decode_gif(result["a.gif"])
    assert (decoded.width, decoded.height) == (40, 20)
    assert any("web fonts" in w for w in result.warnings)


def test_svg_rasteriser_never_fetches(tmp_path, monkeypatch):
    import cairosvg.url

    opened: list[str] = []

    def refuse(request, *args, **kwargs):
        url = getattr(request, "full_url", request)
        opened.append(url)
        raise AssertionError(f"fetched {url}")

    monkeypatch.setattr(cairosvg.url, "urlopen", refuse)
    write(
        tmp_path / "f.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10">'
        '<rect width="20" height="10" fill="red"/>'
        '<image href="http://example.invalid/x.png" width="5" height="5"/>'
        '<image href="secret.png" width="5" height="5"/></svg>',
    )
    result = build_animation(spec_at(tmp_path, "images: f.svg\n"), no_browser)
    assert opened == []
    assert tuple(decode_gif(result["a.gif"]).frames[0][8, 18, :3]) == (255, 0, 0)


@pytest.mark.parametrize(
    ("files", "images", "words"),
    [
        ({}, "'frames/*.png'", "`frames/*.png` matches no file"),
        ({"frames/a.txt": b"x"}, "'frames/*'", "matches 1 files but none is a PNG"),
        ({}, "[missing.png]", "frame image `missing.png` not found"),
        ({"anim.gif": b"GIF89a"}, "[anim.gif]", "is not a PNG, JPEG, WebP or SVG file"),
        ({"bad.png": b"not an image"}, "[bad.png]", "`bad.png` is not an image file"),
        ({"cut.png": None}, "[cut.png]", "`cut.png` cannot be read"),
        ({"f.svg": b"<svg><rect"}, "[f.svg]", "SVG frame `f.svg` cannot be rasterised"),
        (
            {"huge.svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="90000" height="90000"/>'},
            "[huge.svg]",
            "too large",
        ),
        ({"fake.png": "GIF"}, "[fake.png]", "holds GIF data"),
    ],
)
def test_bad_frames_name_the_spec_line_and_file(tmp_path, files, images, words):
    for name, data in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is None:  # a truncated PNG
            buf = io.BytesIO()
            Image.new("RGB", (64, 64), "red").save(buf, "PNG")
            data = buf.getvalue()[:60]
        elif data == "GIF":  # GIF data under a .png name
            buf = io.BytesIO()
            Image.new("RGB", (4, 4), "red").save(buf, "GIF")
            data = buf.getvalue()
        path.write_bytes(data)
    spec = spec_at(tmp_path, f"duration: 100\nimages: {images}\n")
    with pytest.raises(SpecError) as info:
        build_animation(spec, no_browser)
    text = message(info)
    assert text.startswith(f"{tmp_path / 'a.anim.yaml'}: line 2, column ")
    assert words in text, text


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return buf.getvalue()


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["f.png", "f.jpg", "f.webp", "f.svg"]),
    st.one_of(
        st.binary(max_size=300),
        st.builds(
            lambda cut, flips: _damage(_png_bytes(), cut, flips),
            st.integers(0, 120),
            st.lists(st.tuples(st.integers(0, 119), st.integers(0, 255)), max_size=4),
        ),
        st.text(max_size=200).map(lambda t: f"<svg>{t}</svg>".encode()),
    ),
)
def test_property_any_frame_bytes_build_or_give_one_line(tmp_path, name, data):
    (tmp_path / name).write_bytes(data)
    spec = spec_at(tmp_path, f"images: {name}\n")
    try:
        result = build_animation(spec, no_browser)
    except SpecError as exc:
        text = str(exc)
        assert "\n" not in text and "line 1, column 9" in text
    else:
        assert decode_gif(result["a.gif"]).frames


def _damage(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(data[: max(8, len(data) - cut)])
    for pos, value in flips:
        if pos < len(out):
            out[pos] = value
    return bytes(out)


def test_too_many_pixels_is_refused(tmp_path, monkeypatch):
    from diagram_assets.animation import compose

    monkeypatch.setattr(compose, "MAX_ANIMATION_PIXELS", 1000)
    save_frames(tmp_path, [Image.new("RGB", (20, 20))] * 3, ["1.png", "2.png", "3.png"])
    with pytest.raises(SpecError, match=r"3 frames of 20×20 .* over the 0 million pixel limit"):
        build_animation(spec_at(tmp_path, "images: '*.png'\n"), no_browser)


def test_frames_outside_the_root_are_refused(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "outside.png")
    root = tmp_path / "project"
    spec_path = write(root / "a.anim.yaml", "images: ['../*.png']\n")
    with pytest.raises(SpecError, match="outside the project folder"):
        build_animation(load_animation_spec(spec_path, root=root), no_browser)


# --------------------------------------------------------------------------- canvas and timing


def two_sizes(tmp_path: Path) -> None:
    Image.new("RGB", (40, 20), "red").save(tmp_path / "1.png")
    Image.new("RGB", (20, 10), "blue").save(tmp_path / "2.png")


def test_smaller_frames_are_padded_centred_on_the_background(tmp_path):
    two_sizes(tmp_path)
    spec = spec_at(tmp_path, "images: '*.png'\nbackground: '#00ff00'\n")
    frames = decode_gif(build_animation(spec, no_browser)["a.gif"]).frames
    assert frames[1].shape[:2] == (20, 40)
    assert tuple(frames[1][0, 0, :3]) == (0, 255, 0)  # padding
    assert tuple(frames[1][10, 20, :3]) == (0, 0, 255)  # centre
    assert tuple(frames[1][5, 10, :3]) == (0, 0, 255)  # top-left corner of the small frame
    assert tuple(frames[1][4, 9, :3]) == (0, 255, 0)


def test_alignment_and_explicit_size(tmp_path):
    two_sizes(tmp_path)
    spec = spec_at(tmp_path, "images: '*.png'\nsize: [50, 30]\nalign: bottom-right\n")
    frames = decode_gif(build_animation(spec, no_browser)["a.gif"]).frames
    assert frames[0].shape[:2] == (30, 50)
    assert tuple(frames[1][29, 49, :3]) == (0, 0, 255)
    assert tuple(frames[1][19, 29, :3]) == (255, 255, 255)  # default background: white


def test_different_sizes_refused_when_asked(tmp_path):
    two_sizes(tmp_path)
    spec = spec_at(tmp_path, "canvas: refuse\nimages: '*.png'\n")
    with pytest.raises(SpecError) as info:
        build_animation(spec, no_browser)
    text = message(info)
    assert "line 2, column 9" in text
    assert "frame `2.png` is 20×10 but the first frame `1.png` is 40×20" in text
    assert "canvas: pad" in text


def test_frame_larger_than_size_is_an_error(tmp_path):
    two_sizes(tmp_path)
    with pytest.raises(
        SpecError, match=r"frame `1.png` is 40×20, larger than the canvas size 30×30"
    ):
        build_animation(spec_at(tmp_path, "images: '*.png'\nsize: [30, 30]\n"), no_browser)


def test_durations_by_stem_position_and_list(tmp_path):
    for i in range(4):
        Image.new("RGB", (4, 4), (i * 60, 0, 0)).save(tmp_path / f"f{i + 1}.png")
    spec = spec_at(
        tmp_path, "images: '*.png'\nduration: 100\ndurations: {f2: 700, -1: 900, 3: 50}\n"
    )
    decoded = decode_gif(build_animation(spec, no_browser)["a.gif"])
    assert decoded.durations_ms == [100, 700, 50, 900]
    spec = spec_at(tmp_path, "images: '*.png'\ndurations: [10, 20, 30, 40]\n")
    assert decode_gif(build_animation(spec, no_browser)["a.gif"]).durations_ms == [10, 20, 30, 40]


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ("durations: {nope: 100}", "line 2, column 19: durations: no frame named `nope`"),
        ("durations: {9: 100}", "there is no frame 9 (the animation has 2 frames)"),
        ("durations: [100, 200, 300]", "durations lists 3 values for 2 frames"),
    ],
)
def test_duration_keys_must_name_frames(tmp_path, extra, words):
    two_sizes(tmp_path)
    with pytest.raises(SpecError) as info:
        build_animation(spec_at(tmp_path, f"images: '*.png'\n{extra}\n"), no_browser)
    assert words in message(info)


def test_transparent_background_keeps_transparency_and_warns_about_soft_edges(tmp_path):
    im = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    im.paste((255, 0, 0, 255), (2, 2, 6, 6))
    im.putpixel((7, 7), (255, 0, 0, 100))
    im.save(tmp_path / "1.png")
    result = build_animation(
        spec_at(tmp_path, "images: 1.png\nbackground: transparent\nformats: [gif, webp]\n"),
        no_browser,
    )
    frame = decode_gif(result["a.gif"]).frames[0]
    assert frame[0, 0, 3] == 0 and frame[3, 3, 3] == 255
    assert any("soft edges" in w for w in result.warnings)
    with Image.open(io.BytesIO(result["a.webp"])) as webp:
        assert webp.convert("RGBA").getpixel((7, 7))[3] == 100  # WebP keeps partial alpha


def test_reduced_colours_are_measured_and_warned_only_when_visible(tmp_path):
    save_frames(tmp_path, antialiased_frames(3), ["1.png", "2.png", "3.png"])
    result = build_animation(spec_at(tmp_path, "images: '*.png'\n"), no_browser)
    assert not result.lossless and 45 < result.min_psnr < float("inf")
    assert not any("PSNR" in w for w in result.warnings)  # smooth art: the loss is invisible
    rng = np.random.default_rng(3)
    noise = [Image.fromarray(rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)) for _ in range(2)]
    save_frames(tmp_path / "noise", noise, ["1.png", "2.png"])
    result = build_animation(spec_at(tmp_path / "noise", "images: '*.png'\n"), no_browser)
    assert result.min_psnr < 40
    assert any(
        "2 of 2 frames have more than 255 colours" in w and "`1.png`" in w for w in result.warnings
    )


def test_webp_and_apng_outputs(tmp_path):
    save_frames(tmp_path, flat_frames(3), ["1.png", "2.png", "3.png"])
    spec = spec_at(
        tmp_path, "images: '*.png'\nformats: [webp, apng, gif]\nloop: 2\n", "x.anim.yaml"
    )
    result = build_animation(spec, no_browser)
    assert list(result) == ["x.webp", "x.apng", "x.gif"] == animation_outputs(spec)
    with Image.open(io.BytesIO(result["x.apng"])) as apng:
        assert apng.format == "PNG" and apng.n_frames == 3 and apng.info["loop"] == 2
    with Image.open(io.BytesIO(result["x.webp"])) as webp:
        assert webp.format == "WEBP" and webp.n_frames == 3 and webp.info["loop"] == 2


def test_warnings_reach_the_callback(tmp_path):
    Image.new("RGB", (4, 4)).save(tmp_path / "1.png")
    seen: list[str] = []
    result = build_animation(
        spec_at(tmp_path, "images: 1.png\nduration: 333\n"), no_browser, on_warning=seen.append
    )
    assert seen == result.warnings and "333 ms rounded to 330 ms" in seen[0]


# --------------------------------------------------------------------------- rendered sources


class FakeRenderer:
    """Draws each frame (or each scene, for figure steps) as a flat image: no browser."""

    def __init__(self) -> None:
        self.calls: list[RenderOptions] = []

    def render(self, scene, options: RenderOptions) -> RenderResult:
        self.calls.append(options)
        result = RenderResult()
        if options.frames:
            for n, frame in enumerate(scene.frames()):
                size = (int(frame["width"] * options.scale), int(frame["height"] * options.scale))
                colour = (40 * n % 256, 100, 200, 255)
                result.images.append(
                    RenderedImage(
                        frame_id=frame["id"], frame_name=frame.get("name"), png=_png(size, colour)
                    )
                )
        else:
            shown = sum(1 for e in scene.elements if e.get("opacity", 100) > 0)
            result.images.append(RenderedImage(png=_png((60, 40), (shown * 10 % 256, 0, 0, 255))))
        return result

    def submit(self, scene, options: RenderOptions) -> Future[RenderResult]:
        fut: Future[RenderResult] = Future()
        fut.set_result(self.render(scene, options))
        return fut


def _png(size: tuple[int, int], colour: tuple[int, int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGBA", size, colour).save(buf, "PNG")
    return buf.getvalue()


def _frame(fid: str, name: str | None, x: int, w: int = 100, h: int = 60) -> dict:
    return element("frame", fid, x, 0, w, h, name=name, strokeColor="#bbb")


def drawing(tmp_path: Path, frames: list[dict], background: str = "#ffffff") -> Path:
    doc = {
        "type": "excalidraw",
        "version": 2,
        "source": "test",
        "elements": frames,
        "appState": {"viewBackgroundColor": background},
        "files": {},
    }
    return write(tmp_path / "story.excalidraw", json.dumps(doc))


def test_drawing_frames_in_name_order_by_default(tmp_path):
    drawing(
        tmp_path, [_frame("c", "step 10", 0), _frame("a", "step 2", 200), _frame("b", None, 400)]
    )
    fake = FakeRenderer()
    spec = spec_at(tmp_path, "drawing: story.excalidraw\nscale: 2\n")
    result = build_animation(spec, lambda: fake)
    assert fake.calls == [
        RenderOptions(formats=("png",), scale=2.0, background=True, frames=True, whole=False)
    ]
    decoded = decode_gif(result["a.gif"])
    # Frame 1 (unnamed), step 2, step 10 — the fake colours frames by scene order: b=2, a=1, c=0
    assert [int(f[0, 0, 0]) for f in decoded.frames] == [80, 40, 0]
    assert decoded.frames[0].shape[:2] == (120, 200)
    assert animation_inputs(spec) == [tmp_path / "story.excalidraw"]


def test_drawing_frames_chosen_by_the_frames_list(tmp_path):
    drawing(tmp_path, [_frame("c", "End", 0), _frame("a", "Start", 200, w=50)])
    spec = spec_at(
        tmp_path, "drawing: story.excalidraw\nframes: [start, End, Start]\nbackground: '#000'\n"
    )
    fake = FakeRenderer()
    decoded = decode_gif(build_animation(spec, lambda: fake)["a.gif"])
    assert fake.calls[0].background is False  # an explicit background is composed in Python
    assert [int(f[30, 50, 0]) for f in decoded.frames] == [40, 0, 40]
    assert tuple(decoded.frames[0][0, 0, :3]) == (0, 0, 0)  # the narrower frame is padded


def test_drawing_errors(tmp_path):
    drawing(tmp_path, [_frame("a", "Start", 0)])
    spec = spec_at(tmp_path, "drawing: story.excalidraw\nframes: [Start, Middle]\n")
    with pytest.raises(SpecError) as info:
        build_animation(spec, FakeRenderer)
    assert "line 2, column 17: no frame named `Middle` in story.excalidraw" in message(info)
    assert "`Start`" in message(info)
    with pytest.raises(RenderError, match="need the renderer"):
        build_animation(spec_at(tmp_path, "drawing: story.excalidraw\n"), None)
    drawing(tmp_path, [])
    with pytest.raises(SpecError, match=r"story\.excalidraw has no frames"):
        build_animation(spec_at(tmp_path, "drawing: story.excalidraw\n"), FakeRenderer)


FIGURE = """
name: tiny
palette: zoo
layers:
  - {id: in, cells: input, size: 2}
  - {id: hidden, cells: hidden, size: 2}
  - {id: out, cells: output, size: 1}
hidden: [hidden, out]
steps:
  - {name: input}
  - {name: hidden, show: [hidden]}
  - {name: output, show: [out], highlight: [out]}
"""


def test_figure_steps_become_frames(tmp_path):
    write(tmp_path / "tiny.figure.yaml", FIGURE)
    spec = spec_at(tmp_path, "figure: tiny.figure.yaml\nframes: [output, input]\n")
    fake = FakeRenderer()
    result = build_animation(spec, lambda: fake)
    decoded = decode_gif(result["a.gif"])
    assert len(decoded.frames) == 2
    # more visible elements in the "output" step than in "input"
    assert decoded.frames[0][0, 0, 0] != decoded.frames[1][0, 0, 0]
    assert all(not call.frames and call.whole for call in fake.calls)
    assert tmp_path / "tiny.figure.yaml" in animation_inputs(spec)
    with pytest.raises(SpecError, match="no step named `nope`"):
        build_animation(
            spec_at(tmp_path, "figure: tiny.figure.yaml\nframes: [nope]\n"), FakeRenderer
        )
    with pytest.raises(SpecError, match="not found"):
        build_animation(spec_at(tmp_path, "figure: missing.figure.yaml\n"), FakeRenderer)


def test_gifsicle_requested_but_absent_warns_and_still_builds(tmp_path, monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    save_frames(tmp_path, flat_frames(2), ["1.png", "2.png"])
    result = build_animation(spec_at(tmp_path, "images: '*.png'\ngifsicle: true\n"), no_browser)
    assert any("gifsicle is not installed" in w for w in result.warnings)
    assert len(decode_gif(result["a.gif"]).frames) == 2


def test_dither_option_reaches_the_encoder(tmp_path):
    save_frames(tmp_path, antialiased_frames(2), ["1.png", "2.png"])
    plain = build_animation(spec_at(tmp_path, "images: '*.png'\n"), no_browser)["a.gif"]
    dithered = build_animation(spec_at(tmp_path, "images: '*.png'\ndither: true\n"), no_browser)
    assert dithered["a.gif"] != plain
    sources = [as_rgba(f) for f in antialiased_frames(2)]
    exact, worst = fidelity(sources, [1000, 1000], decode_gif(dithered["a.gif"]))
    assert not exact and worst > 35


# --------------------------------------------------------------------------- this repo's animation

REPO_ANIMATION = REPO / "diagrams" / "animations" / "Transformer执行.anim.yaml"


def test_the_repo_animation_plays_every_step_with_a_long_last_hold():
    from diagram_assets.animation.build import compose_animation
    from diagram_assets.animation.spec import is_animation_spec
    from diagram_assets.figures import is_figure_spec

    spec = load_animation_spec(REPO_ANIMATION, root=REPO)
    assert spec.kind == "figure" and spec.source is not None
    # the steps spec it reads is a source of no kind: it makes no still image of its own
    assert not is_figure_spec(spec.source) and not is_animation_spec(spec.source)
    assert animation_outputs(spec) == ["Transformer执行.gif"]
    assert REPO / "diagrams" / "figures" / "Transformer架构.figure.yaml" in [
        p.resolve() for p in animation_inputs(spec)
    ]
    composed = compose_animation(spec, FakeRenderer, lambda _w: None)
    assert composed.labels[:4] == [
        "source sentence",
        "embed the tokens",
        "encoder self-attention",
        "encoder output",
    ]
    assert [x for x in composed.labels if x.startswith("write ")] == [
        "write I",
        "write am",
        "write a",
        "write student",
    ]
    assert composed.labels[-2:] == ["end of sentence", "translation"]
    assert composed.durations_ms == [2000] + [1400] * 8 + [4000]
    assert spec.plays == 0  # loops forever
