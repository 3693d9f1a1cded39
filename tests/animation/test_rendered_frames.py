"""Drawing frames and figure steps rendered through Chromium, then encoded and decoded."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from diagram_assets.animation import build_animation, load_animation_spec
from helpers import element
from support.gif_decode import decode_gif, psnr

pytestmark = pytest.mark.browser


def storyboard(path: Path) -> None:
    """Three 200×120 frames named out of order, each with one filled square placed differently."""
    elements = []
    fills = {"1 start": "#ffcc00", "2 middle": "#66cc00", "10 end": "#0099ff"}
    for n, name in enumerate(["10 end", "1 start", "2 middle"]):
        fx = n * 300
        elements.append(element("frame", f"frame{n}", fx, 0, 200, 120, name=name))
        offset = {"1 start": 20, "2 middle": 80, "10 end": 140}[name]
        elements.append(
            element(
                "rectangle",
                f"box{n}",
                fx + offset,
                40,
                40,
                40,
                backgroundColor=fills[name],
                frameId=f"frame{n}",
            )
        )
    doc = {
        "type": "excalidraw",
        "version": 2,
        "source": "test",
        "elements": elements,
        "appState": {"viewBackgroundColor": "#ffffff"},
        "files": {},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


def strip(frames: list[np.ndarray]) -> Image.Image:
    """The decoded frames side by side (to look at)."""
    h, w = frames[0].shape[:2]
    out = Image.new("RGBA", (w * len(frames) + 4 * (len(frames) - 1), h), (255, 0, 255, 255))
    for i, f in enumerate(frames):
        out.paste(Image.fromarray(f, "RGBA"), (i * (w + 4), 0))
    return out


def test_drawing_frames_through_chromium(tmp_path, renderer):
    storyboard(tmp_path / "story.excalidraw")
    spec_path = tmp_path / "story.anim.yaml"
    spec_path.write_text("drawing: story.excalidraw\nduration: 400\nformats: [gif, webp]\n")
    started: list[int] = []

    def factory():
        started.append(1)
        return renderer

    result = build_animation(load_animation_spec(spec_path), factory)
    assert started == [1]
    decoded = decode_gif(result["story.gif"])
    assert len(decoded.frames) == 3
    assert decoded.durations_ms == [400, 400, 400]
    h, w = decoded.frames[0].shape[:2]
    assert (w, h) == (200, 120)  # frames export at their own size (scale 1)
    # natural name order: 1 start, 2 middle, 10 end; each square sits where it was drawn
    for frame, (x, colour) in zip(
        decoded.frames,
        [(40, (255, 204, 0)), (100, (102, 204, 0)), (160, (0, 153, 255))],
        strict=True,
    ):
        assert tuple(int(c) for c in frame[60, x, :3]) == colour
    strip(decoded.frames).save(tmp_path / "story-strip.png")
    with Image.open(io.BytesIO(result["story.webp"])) as webp:
        assert webp.n_frames == 3


def test_figure_steps_through_chromium(tmp_path, renderer):
    (tmp_path / "tiny.figure.yaml").write_text(
        "name: tiny\npalette: zoo\nlayers:\n"
        "  - {id: in, cells: input, size: 2}\n"
        "  - {id: hidden, cells: hidden, size: 3}\n"
        "  - {id: out, cells: output, size: 1}\n"
        "hidden: [hidden, out]\n"
        "steps:\n"
        "  - {name: input}\n"
        "  - {name: hidden, show: [hidden], highlight: [hidden]}\n"
        "  - {name: output, show: [out], highlight: [out]}\n"
    )
    spec_path = tmp_path / "tiny.anim.yaml"
    spec_path.write_text("figure: tiny.figure.yaml\nduration: 500\nhold_last: 1500\nscale: 2\n")
    result = build_animation(load_animation_spec(spec_path), lambda: renderer)
    decoded = decode_gif(result["tiny.gif"])
    assert len(decoded.frames) == 3
    assert decoded.durations_ms == [500, 500, 1500]
    # every step has the figure's full bounds: nothing is padded, nothing moves
    first = decoded.frames[0]
    assert all(f.shape == first.shape for f in decoded.frames)
    assert psnr(decoded.frames[0], decoded.frames[1]) < math.inf
    strip(decoded.frames).save(tmp_path / "tiny-strip.png")


def test_corpus_drawing_with_named_frames(tmp_path, renderer, corpus_dir):
    source = corpus_dir / "myao9494__excalidraw_myao9494__top.excalidraw"
    if not source.is_file():
        pytest.skip(f"{source.name} is not in the corpus")
    # four quadrant frames with CJK names; only one holds notes, and one is 1 px taller
    spec_path = tmp_path / "quadrants.anim.yaml"
    spec_path.write_text(
        f"drawing: {source}\n"
        "frames: [重要でも緊急でもないタスク, 重要かつ緊急なタスク, 緊急ではないが重要なタスク]\n"
        "duration: 700\n",
        encoding="utf-8",
    )
    result = build_animation(load_animation_spec(spec_path), lambda: renderer)
    decoded = decode_gif(result["quadrants.gif"])
    assert (decoded.width, decoded.height) == (928, 618)  # padded to the tallest frame
    # the two empty quadrants look the same: merged into one frame shown twice as long
    assert len(decoded.frames) == 2
    assert decoded.durations_ms == [700, 1400]
    notes, empty = decoded.frames
    assert (notes[:, :, :3] < 128).sum() > 1000  # text and outlines of the notes
    assert (empty[:, :, :3] < 128).sum() == 0
