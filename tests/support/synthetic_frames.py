"""Deterministic synthetic frame sets that look like diagram animations (tests, benchmarks).

``flat_frames``: hard-edged boxes, arrows and bitmap text on white — fewer than 255 colours in
the whole animation, the case where a GIF can be lossless with one palette.
``antialiased_frames``: the same story drawn at 3× and downsampled — smooth edges and
thousands of colours, like a browser-rendered drawing.
The story: a row of input tokens is read one by one (a highlight moves along it), then an
output row grows by one box per step, an arrow from the highlighted input to the new output.
"""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

_FILLS = ["#FFCC00", "#66CC00", "#FF6600", "#0099FF", "#FF99FF", "#C2E8F7"]
_TOKENS = ["The", "cat", "sat", "on", "the", "mat"]


def _story(draw: ImageDraw.ImageDraw, step: int, s: int, font: ImageFont.ImageFont) -> None:
    """Draw step ``step`` at scale ``s`` (1 for flat frames, 3 before downsampling)."""
    n = len(_TOKENS)
    box_w, box_h, gap, left = 90 * s, 44 * s, 22 * s, 30 * s
    top_in, top_out = 320 * s, 60 * s
    draw.rectangle([10 * s, 10 * s, 710 * s, 410 * s], outline="#F3F3F4", width=2 * s)
    reading = min(step, n - 1)
    for i, token in enumerate(_TOKENS):
        x = left + i * (box_w + gap)
        fill = "#FFE2BB" if i == reading and step < n else "#FCE0E1"
        width = 3 * s if i == reading else s
        draw.rounded_rectangle(
            [x, top_in, x + box_w, top_in + box_h], 8 * s, fill, "#1E1E1E", width
        )
        draw.text((x + 14 * s, top_in + 12 * s), token, fill="#1E1E1E", font=font)
    produced = max(0, step - n + 1)
    for i in range(produced):
        x = left + i * (box_w + gap)
        draw.rounded_rectangle(
            [x, top_out, x + box_w, top_out + box_h], 8 * s, _FILLS[i % len(_FILLS)], "#1E1E1E", s
        )
        draw.text((x + 14 * s, top_out + 12 * s), f"t{i + 1}", fill="#1E1E1E", font=font)
        src_x = left + (i % n) * (box_w + gap) + box_w // 2
        draw.line([src_x, top_in, x + box_w // 2, top_out + box_h], fill="#1E1E1E", width=max(1, s))
    bar = int(660 * s * (step + 1) / (2 * n))
    draw.rectangle([30 * s, 200 * s, 30 * s + bar, 212 * s], fill="#0099FF")


def flat_frames(steps: int = 12, size: tuple[int, int] = (720, 420)) -> list[Image.Image]:
    """Hard-edged RGB frames (no anti-aliasing): under 255 colours in total."""
    frames = []
    font = ImageFont.load_default_imagefont()
    for step in range(steps):
        im = Image.new("RGB", (720, 420), "white")
        draw = ImageDraw.Draw(im)
        draw.fontmode = "1"
        _story(draw, step, 1, font)
        frames.append(im if size == (720, 420) else im.resize(size, Image.Resampling.NEAREST))
    return frames


def antialiased_frames(steps: int = 12, size: tuple[int, int] = (720, 420)) -> list[Image.Image]:
    """Smooth RGB frames (drawn at 3× and downsampled): thousands of colours in total."""
    frames = []
    font = ImageFont.load_default(size=42)
    for step in range(steps):
        im = Image.new("RGB", (720 * 3, 420 * 3), "white")
        _story(ImageDraw.Draw(im), step, 3, font)
        frames.append(im.resize(size, Image.Resampling.LANCZOS))
    return frames
