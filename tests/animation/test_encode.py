"""The GIF encoder (and the WebP/APNG writers), checked on what a viewer shows."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from diagram_assets.animation import encode as enc
from diagram_assets.animation.encode import (
    encode_apng,
    encode_gif,
    encode_gif_report,
    encode_webp,
    plays_to_gif_loop,
)
from support.gif_decode import as_rgba, decode_gif, fidelity, psnr
from support.synthetic_frames import antialiased_frames, flat_frames

STATED_MIN_PSNR_DB = 45.0  # frames that need colour reduction stay above this


def _solid(colour: str | tuple[int, ...], size: tuple[int, int] = (8, 6)) -> Image.Image:
    return Image.new("RGBA", size, colour)


def _sources(frames: list[Image.Image]) -> list[np.ndarray]:
    return [as_rgba(f) for f in frames]


def test_flat_frames_are_lossless_with_one_palette():
    frames = flat_frames()
    durations = [300] * len(frames)
    report = encode_gif_report(frames, durations, loop=0)
    decoded = decode_gif(report.data)
    assert report.lossless and report.global_palette and report.min_psnr == math.inf
    assert decoded.global_table and decoded.local_tables == 0
    assert len(decoded.frames) == len(frames)
    assert decoded.durations_ms == durations
    assert decoded.loop == 0
    exact, worst = fidelity(_sources(frames), durations, decoded)
    assert exact and worst == math.inf


def test_antialiased_frames_are_within_the_stated_psnr():
    frames = antialiased_frames()
    durations = [200] * len(frames)
    report = encode_gif_report(frames, durations)
    assert not report.lossless  # thousands of colours: some frames are reduced
    exact, worst = fidelity(_sources(frames), durations, decode_gif(report.data))
    assert not exact
    assert worst >= STATED_MIN_PSNR_DB
    assert report.min_psnr == pytest.approx(worst)  # the encoder's bound is what viewers see


def test_smaller_than_pillows_default_writer():
    for frames in (flat_frames(), antialiased_frames()):
        durations = [500] * len(frames)
        ours = encode_gif(frames, durations)
        theirs = io.BytesIO()
        frames[0].save(
            theirs, "GIF", save_all=True, append_images=frames[1:], duration=durations, loop=0
        )
        assert len(ours) < len(theirs.getvalue())


def test_identical_consecutive_frames_are_merged_with_summed_durations():
    a, b = _solid("#ff0000"), _solid("#00ff00")
    report = encode_gif_report([a, a.copy(), b, b.copy(), b.copy(), a], [100, 200, 300, 40, 60, 70])
    decoded = decode_gif(report.data)
    assert report.frames_written == 3
    assert decoded.durations_ms == [300, 400, 70]
    assert [tuple(f[0, 0]) for f in decoded.frames] == [
        (255, 0, 0, 255),
        (0, 255, 0, 255),
        (255, 0, 0, 255),
    ]


@pytest.mark.parametrize(
    ("loop", "expected"),
    [(0, 0), (None, None), (3, 3)],
)
def test_loop_extension(loop, expected):
    data = encode_gif([_solid("red"), _solid("blue")], [100, 100], loop=loop)
    assert decode_gif(data).loop == expected
    assert (b"NETSCAPE2.0" in data) == (loop is not None)


def test_plays_to_gif_loop():
    assert plays_to_gif_loop(0) == 0  # forever
    assert plays_to_gif_loop(1) is None  # once: no extension
    assert plays_to_gif_loop(3) == 2  # two repeats after the first play


@pytest.mark.parametrize(("ms", "shown"), [(15, 20), (14, 10), (4, 10), (1234, 1230), (1235, 1240)])
def test_delays_are_written_in_centiseconds(ms, shown):
    data = encode_gif([_solid("red"), _solid("blue")], [ms, 100])
    assert decode_gif(data).durations_ms[0] == shown


def test_only_changed_rectangle_is_written_and_unchanged_pixels_are_transparent():
    base = Image.new("RGB", (100, 80), "white")
    moved = base.copy()
    moved.paste((0, 0, 255), (40, 30, 50, 38))
    data = encode_gif([base, moved], [100, 100])
    raw = _image_descriptors(data)
    assert raw[0][:4] == (0, 0, 100, 80)
    assert raw[1][:4] == (40, 30, 10, 8)
    assert fidelity(_sources([base, moved]), [100, 100], decode_gif(data))[0]


def test_pixels_that_become_transparent_use_disposal_to_background():
    opaque = _solid((10, 20, 30, 255), (20, 10))
    holed = opaque.copy()
    holed.paste((0, 0, 0, 0), (5, 2, 9, 6))
    back = opaque.copy()
    frames = [opaque, holed, back, holed.copy()]
    durations = [100] * 4
    data = encode_gif(frames, durations)
    decoded = decode_gif(data)
    assert fidelity(_sources(frames), durations, decoded)[0]
    assert decoded.frames[1][3, 6, 3] == 0  # the hole is transparent on screen
    assert b"\x21\xf9\x04\x09" in data  # a graphic control block with disposal 2 + transparency


def test_pillow_reads_what_we_write():
    frames = flat_frames(6)
    durations = [100, 200, 300, 400, 500, 600]
    data = encode_gif(frames, durations)
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 6
        seen = []
        for i in range(6):
            im.seek(i)
            seen.append(im.info["duration"])
            assert np.array_equal(np.asarray(im.convert("RGB")), np.asarray(frames[i]))
    assert seen == durations


def test_bad_arguments_raise_value_error():
    with pytest.raises(ValueError, match="no frames"):
        encode_gif([], [])
    with pytest.raises(ValueError, match="durations"):
        encode_gif([_solid("red")], [100, 200])
    with pytest.raises(ValueError, match="positive"):
        encode_gif([_solid("red")], [0])
    with pytest.raises(ValueError, match="frame 1 is"):
        encode_gif([_solid("red"), _solid("red", (9, 9))], [10, 10])
    with pytest.raises(ValueError, match="loop"):
        encode_gif([_solid("red")], [10], loop=-1)


def test_gifsicle_pass_without_gifsicle_returns_the_input(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    data = encode_gif([_solid("red"), _solid("blue")], [100, 100])
    assert enc.gifsicle_pass(data) == data
    assert not enc.gifsicle_available()


@pytest.mark.skipif(not enc.gifsicle_available(), reason="gifsicle is not installed")
def test_gifsicle_pass_keeps_frames_exact():
    frames = flat_frames(5)
    durations = [100] * 5
    data = encode_gif(frames, durations, gifsicle=True)
    assert fidelity(_sources(frames), durations, decode_gif(data))[0]


def test_webp_and_apng_are_lossless_with_durations_and_loop():
    frames = flat_frames(4)
    durations = [100, 200, 300, 900]
    for data, fmt in (
        (encode_webp(frames, durations, plays=0), "WEBP"),
        (encode_apng(frames, durations, plays=3), "PNG"),
    ):
        with Image.open(io.BytesIO(data)) as im:
            assert im.format == fmt
            assert im.n_frames == 4
            got = []
            for i in range(4):
                im.seek(i)
                shown = np.asarray(im.convert("RGB"))  # loads the frame (WebP sets duration then)
                got.append(im.info.get("duration"))
                assert np.array_equal(shown, np.asarray(frames[i]))
            assert [int(d) for d in got] == durations
            assert im.info.get("loop") == (0 if fmt == "WEBP" else 3)


def _image_descriptors(data: bytes) -> list[tuple[int, int, int, int, int]]:
    """(x, y, w, h, flags) of every image block, by walking the GIF's blocks."""
    out = []
    pos = 13
    if data[10] & 0x80:
        pos += 3 << ((data[10] & 7) + 1)
    while data[pos] != 0x3B:
        if data[pos] == 0x21:
            pos += 2
            while data[pos]:
                pos += data[pos] + 1
            pos += 1
            continue
        x, y, w, h = (
            int.from_bytes(data[pos + 1 + 2 * i : pos + 3 + 2 * i], "little") for i in range(4)
        )
        flags = data[pos + 9]
        out.append((x, y, w, h, flags))
        pos += 10
        if flags & 0x80:
            pos += 3 << ((flags & 7) + 1)
        pos += 1
        while data[pos]:
            pos += data[pos] + 1
        pos += 1
    return out


@st.composite
def _frame_sets(draw: st.DrawFn) -> tuple[list[Image.Image], list[int]]:
    w = draw(st.integers(1, 14))
    h = draw(st.integers(1, 10))
    n = draw(st.integers(1, 5))
    ncol = draw(st.sampled_from([1, 2, 7, 60, 400]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    palette = rng.integers(0, 256, (ncol, 4)).astype(np.uint8)
    palette[:, 3] = rng.choice(np.array([0, 255], np.uint8), ncol)
    current = palette[rng.integers(0, ncol, (h, w))]
    frames = []
    for _ in range(n):
        if frames and draw(st.booleans()):
            changed = rng.random((h, w)) < draw(st.floats(0, 1))
            current = current.copy()
            current[changed] = palette[rng.integers(0, ncol, int(changed.sum()))]
        frames.append(Image.fromarray(current, "RGBA"))
    durations = draw(st.lists(st.integers(1, 300).map(lambda c: c * 10), min_size=n, max_size=n))
    return frames, durations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_frame_sets(), st.sampled_from([None, 0, 1, 7]))
def test_property_decoded_gif_matches_sources(frame_set, loop):
    frames, durations = frame_set
    report = encode_gif_report(frames, durations, loop=loop)
    decoded = decode_gif(report.data)
    assert decoded.loop == loop
    assert (decoded.width, decoded.height) == frames[0].size
    assert sum(decoded.durations_ms) == sum(durations)  # merging keeps the display time
    sources = _sources(frames)
    colours = {tuple(p) for s in sources for p in s.reshape(-1, 4).tolist() if p[3]}
    if len(colours) <= 255:
        assert report.lossless
    shown = _by_time(decoded.frames, decoded.durations_ms)
    wanted = _by_time(sources, durations)
    for got, want in zip(shown, wanted, strict=True):
        if report.lossless:
            assert np.array_equal(got, want)
        else:
            assert report.min_psnr <= psnr(got, want) + 1e-9  # the reported bound holds
            # transparency is never approximated; colours are
            assert np.array_equal(got[:, :, 3], want[:, :, 3])
            assert psnr(got, want) > 20


def _by_time(frames: list[np.ndarray], durations: list[int]) -> list[np.ndarray]:
    out = []
    for f, d in zip(frames, durations, strict=True):
        out += [f] * (d // 10)
    return out


def test_same_frames_give_the_same_bytes():
    for frames in (flat_frames(6), antialiased_frames(4)):
        durations = [100] * len(frames)
        copies = [f.copy() for f in frames]
        assert encode_gif(frames, durations) == encode_gif(copies, durations)
        assert encode_webp(frames, durations) == encode_webp(copies, durations)
        assert encode_apng(frames, durations) == encode_apng(copies, durations)
