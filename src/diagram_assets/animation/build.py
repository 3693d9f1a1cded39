"""Build an animation spec: gather frames, compose, time and encode them."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from .compose import fit_canvas, frame_durations, has_soft_alpha
from .encode import (
    encode_apng,
    encode_gif_report,
    encode_webp,
    gifsicle_available,
    plays_to_gif_loop,
)
from .frames import WHITE, RendererFactory
from .image_frames import image_frames
from .planning import EXTENSIONS, animation_outputs, uses_renderer
from .rendered_frames import drawing_frames, figure_frames
from .spec import AnimationSpec, Rgba

# A colour-reduced GIF below this PSNR (dB) gets a warning; above it the loss is not visible.
VISIBLE_LOSS_DB = 40.0


class AnimationResult(dict[str, bytes]):
    """Output file name → bytes, plus what the user should hear about the build."""

    def __init__(self) -> None:
        super().__init__()
        self.warnings: list[str] = []
        self.frames: int = 0  # frames in the animation (before identical ones are merged)
        self.gif_frames: int | None = None  # frames written in the GIF
        self.lossless: bool = True  # the GIF shows the source pixels exactly
        self.min_psnr: float = math.inf  # else: no displayed frame is below this PSNR (dB)
        self.uses_renderer: bool = False


@dataclass
class ComposedFrames:
    """What gets encoded: canvas-sized RGBA frames, their durations, labels and background."""

    images: list[Image.Image]
    durations_ms: list[int]
    labels: list[str]
    background: Rgba


def compose_animation(
    spec: AnimationSpec,
    renderer_factory: RendererFactory | None,
    warn: Callable[[str], None],
    *,
    theme: str = "light",
) -> ComposedFrames:
    """Gather the spec's frames (rendering them if need be), fit them to one canvas and time
    them: everything :func:`build_animation` does before encoding. ``theme``: ``light`` or
    ``dark`` (drawings in Excalidraw's dark mode, figures in their dark palette)."""
    if spec.kind == "images":
        frames = image_frames(spec, warn)
        background = WHITE
    elif spec.kind == "drawing":
        frames, background = drawing_frames(spec, renderer_factory, warn, theme=theme)
    else:
        frames, background = figure_frames(spec, renderer_factory, warn, theme=theme)
    if spec.background is not None:
        background = spec.background
    durations = frame_durations(spec, frames)
    images = fit_canvas(spec, frames, background)
    return ComposedFrames(images, durations, [f.label for f in frames], background)


def build_animation(
    spec: AnimationSpec,
    renderer_factory: RendererFactory | None,
    *,
    on_warning: Callable[[str], None] | None = None,
    theme: str = "light",
) -> AnimationResult:
    """Build every output of ``spec``: file name → bytes (see :class:`AnimationResult`).

    Frame sources that need the browser call ``renderer_factory()`` once (it is not closed
    here: its owner closes it); image files never call it. Warnings (rounded durations,
    reduced colours, SVG fonts, …) are on ``result.warnings`` and passed to ``on_warning``.
    Raises a DiagramsError (SpecError, SceneError, RenderError) for a spec that cannot be built.
    """
    result = AnimationResult()

    def warn(message: str) -> None:
        result.warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    for message in spec.warnings:
        warn(message)
    result.uses_renderer = uses_renderer(spec)
    composed = compose_animation(spec, renderer_factory, warn, theme=theme)
    images, durations, background = composed.images, composed.durations_ms, composed.background
    result.frames = len(images)
    if "gif" in spec.formats:
        if background[3] < 255 and has_soft_alpha(images):
            warn(
                f"{spec.path}: GIF pixels are either transparent or opaque: soft edges over the "
                "transparent background become hard (WebP and APNG keep them)"
            )
        encoded = encode_gif_report(
            images,
            durations,
            loop=plays_to_gif_loop(spec.plays),
            dither=spec.dither,
            gifsicle=spec.gifsicle,
        )
        result.gif_frames = encoded.frames_written
        result.lossless = encoded.lossless
        result.min_psnr = encoded.min_psnr
        if encoded.min_psnr < VISIBLE_LOSS_DB:
            labels = [composed.labels[i] for i in encoded.quantized_frames]
            shown = ", ".join(f"`{x}`" for x in labels[:5]) + (" …" if len(labels) > 5 else "")
            warn(
                f"{spec.path}: {len(labels)} of {len(images)} frames have more than 255 colours "
                f"in what changes ({shown}); the GIF shows them at {encoded.min_psnr:.1f} dB PSNR "
                "— use flat colours, or WebP/APNG (lossless)"
            )
        if encoded.clamped_delays:
            warn(f"{spec.path}: a frame held longer than 655 s was cut to 655 s in the GIF")
        if spec.gifsicle and not gifsicle_available():
            warn(f"{spec.path}: gifsicle: true, but gifsicle is not installed; skipped")
        result[spec.name + EXTENSIONS["gif"]] = encoded.data
    if "webp" in spec.formats:
        result[spec.name + EXTENSIONS["webp"]] = encode_webp(images, durations, plays=spec.plays)
    if "apng" in spec.formats:
        result[spec.name + EXTENSIONS["apng"]] = encode_apng(images, durations, plays=spec.plays)
    # keep the order of `formats`
    ordered = {name: result[name] for name in animation_outputs(spec)}
    result.clear()
    result.update(ordered)
    return result
