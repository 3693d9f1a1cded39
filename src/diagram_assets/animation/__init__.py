"""Animated GIFs (and WebP/APNG) from frame sequences: image files, the frames of an
Excalidraw drawing, or the steps of a figure spec.

A spec (``*.anim.yaml``, or a ``.yaml`` in an ``animations/`` folder; schema in
:mod:`diagram_assets.animation.spec`) names the frames and timing. The GIF encoder
(:mod:`.encode`) is tuned for flat diagram art: one palette when the whole animation fits in
255 colours (then the GIF is pixel-exact), compact per-frame palettes otherwise, only the
changed rectangle of each frame, unchanged pixels transparent where that compresses better.

Public API::

    is_animation_spec(path) -> bool
    load_animation_spec(path, *, root=None) -> AnimationSpec
    animation_inputs(spec) -> list[Path]
    animation_outputs(spec) -> list[str]
    build_animation(spec, renderer_factory, *, on_warning=None) -> AnimationResult
    compose_animation(spec, renderer_factory, warn) -> ComposedFrames   (what gets encoded)
    encode_gif(frames, durations_ms, *, loop=0, dither=False, gifsicle=False) -> bytes
    ANIMATION_VERSION
"""

from __future__ import annotations

from ..lazy import lazy_exports

# lazy: `check` needs `.spec` and `.planning` (Pillow, yaml) only with YAML files, never the
# encoders (numpy) or the frame makers
_LAZY = {
    "AnimationResult": ".build",
    "ComposedFrames": ".build",
    "build_animation": ".build",
    "compose_animation": ".build",
    "GifEncoding": ".encode",
    "encode_apng": ".encode",
    "encode_gif": ".encode",
    "encode_gif_report": ".encode",
    "encode_webp": ".encode",
    "gifsicle_available": ".encode",
    "ANIMATION_VERSION": ".planning",
    "animation_inputs": ".planning",
    "animation_outputs": ".planning",
    "uses_renderer": ".planning",
    "AnimationSpec": ".spec",
    "is_animation_spec": ".spec",
    "load_animation_spec": ".spec",
    "spec_stem": ".spec",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [*_LAZY]
