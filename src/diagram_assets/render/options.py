"""What a render is asked for and what it gives back.

The one definition of what a drawing or figure can be rendered with: the formats, the default
scale and padding, and the allowed ranges. ``config.Options`` (a repository's and a source's
options), the command-line flags and :class:`RenderOptions` all take them from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMATS = ("svg", "png")  # what a drawing or figure can be written as
DEFAULT_SCALE = 2
DEFAULT_PADDING = 10

# Chromium refuses canvases beyond these: a side of 32,767 px, an area of 268,435,456 px.
CANVAS_MAX_SIDE = 32_767
CANVAS_MAX_AREA = 268_435_456


@dataclass(frozen=True)
class Range:
    """The values a numeric option may take: ``low`` to ``high`` (None: no upper bound);
    ``low_open``: ``low`` itself is not allowed."""

    low: int
    high: int | None = None
    low_open: bool = False

    def __contains__(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        return above and (self.high is None or value <= self.high)

    def text(self) -> str:
        """``(0, 16]``, ``[0, 10000]``, ``[1, …)``: the range as in the renderer's errors."""
        high = "…)" if self.high is None else f"{self.high}]"
        return f"{'(' if self.low_open else '['}{self.low}, {high}"


SCALE = Range(0, 16, low_open=True)  # PNG scale factor
PADDING = Range(0, 10_000)  # drawing units around the drawing
MAX_SIZE = Range(1)  # pixels of the PNG's longest side


@dataclass(frozen=True)
class RenderOptions:
    """How to render one scene (made from a source's ``config.Options``, see
    ``Options.render_options``; what of it enters the lock digest is ``Options.digest_fields``).
    """

    formats: tuple[str, ...] = FORMATS
    scale: float = DEFAULT_SCALE
    padding: int = DEFAULT_PADDING
    background: bool = True
    dark: bool = False
    embed_scene: bool = False
    frames: bool = False
    whole: bool = True
    max_size: int | None = None
    refresh_text: bool = False
    parts: tuple[Any, ...] = ()  # scene.parts.PartSelection: extra images of parts

    def __post_init__(self) -> None:
        bad = [f for f in self.formats if f not in FORMATS]
        if bad or not self.formats:
            raise ValueError(f"formats must be some of {FORMATS}, got {self.formats}")
        if self.scale not in SCALE:
            raise ValueError(f"scale must be in {SCALE.text()}, got {self.scale}")
        if self.padding not in PADDING:
            raise ValueError(f"padding must be in {PADDING.text()}, got {self.padding}")
        if self.max_size is not None and self.max_size not in MAX_SIZE:
            raise ValueError(f"max_size must be positive, got {self.max_size}")
        if not (self.whole or self.frames or self.parts):
            raise ValueError("nothing to render: whole=False and frames=False")

    def to_page(self) -> dict[str, Any]:
        return {
            "formats": list(self.formats),
            "scale": self.scale,
            "padding": self.padding,
            "background": self.background,
            "dark": self.dark,
            "embedScene": self.embed_scene,
            "frames": self.frames,
            "whole": self.whole,
            "maxSize": self.max_size,
            "refreshDimensions": self.refresh_text,
            "parts": [part.to_page() for part in self.parts],
            "canvasLimit": {"side": CANVAS_MAX_SIDE, "area": CANVAS_MAX_AREA},
        }


@dataclass
class RenderedImage:
    """One image of a render: the whole scene (``frame_id`` and ``part`` None), one frame, or
    one part (``part``: its key, ``group=<id>``…)."""

    frame_id: str | None = None
    frame_name: str | None = None
    part: str | None = None
    svg: bytes | None = None
    png: bytes | None = None
    png_size: tuple[int, int] | None = None


@dataclass
class RenderResult:
    images: list[RenderedImage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    missing_images: list[str] = field(default_factory=list)  # image elements drawn as placeholders
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # page-side milliseconds per step

    @property
    def whole(self) -> RenderedImage | None:
        return next((i for i in self.images if i.frame_id is None and i.part is None), None)

    @property
    def frames(self) -> list[RenderedImage]:
        return [i for i in self.images if i.frame_id is not None]
