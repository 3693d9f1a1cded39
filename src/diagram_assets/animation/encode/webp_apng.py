"""Animated WebP and APNG, written by Pillow."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image

from .inputs import check_frames


def encode_webp(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    plays: int = 0,
    lossless: bool = True,
    quality: int = 90,
) -> bytes:
    """An animated WebP (Pillow); ``plays`` is the number of plays, 0 for forever."""
    return _pillow_animation(
        "WEBP",
        frames,
        durations_ms,
        loop=plays,
        lossless=lossless,
        quality=100 if lossless else quality,
        method=4,
        background=(0, 0, 0, 0),
    )


def encode_apng(
    frames: Sequence[Image.Image],
    durations_ms: Sequence[int],
    *,
    plays: int = 0,
) -> bytes:
    """An animated PNG (Pillow); ``plays`` is the number of plays, 0 for forever."""
    return _pillow_animation(
        "PNG", frames, durations_ms, loop=plays, disposal=0, blend=0, optimize=True
    )


def _pillow_animation(
    format: str, frames: Sequence[Image.Image], durations_ms: Sequence[int], **options: object
) -> bytes:
    """RGBA frames saved as one animated image by Pillow's ``format`` writer."""
    check_frames(frames, durations_ms)
    rgba = [f.convert("RGBA") for f in frames]
    out = io.BytesIO()
    rgba[0].save(
        out,
        format=format,
        save_all=True,
        append_images=rgba[1:],
        duration=[int(d) for d in durations_ms],
        **options,
    )
    return out.getvalue()
