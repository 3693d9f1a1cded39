"""Frame sources: image files, an Excalidraw drawing's frames, a figure's steps — what they share.

Each source gives a list of :class:`Frame` (a label for durations and messages, an RGBA
image, the spec place it came from) and the background it suggests when the spec names none.
Image files (:mod:`.image_frames`, SVG ones rasterised by :mod:`.svg_frames`) never start a
browser; drawings and figures (:mod:`.rendered_frames`) call ``renderer_factory()`` once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from .spec import Rgba

if TYPE_CHECKING:
    from ..render.renderer import Renderer

MAX_FRAME_PIXELS = 50_000_000
WHITE: Rgba = (255, 255, 255, 255)

Warn = Callable[[str], None]
RendererFactory = Callable[[], "Renderer"]


@dataclass
class Frame:
    label: str
    image: Image.Image  # RGBA
    place: str


@dataclass(frozen=True)
class ImageFile:
    path: Path
    label: str  # the path as matched, relative to the spec's folder
    place: str  # of the pattern that matched it


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders embedded numbers by value: ``frame2`` before ``frame10``."""
    parts = re.split(r"(\d+)", text)
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts if p)
