"""What a render is asked for and what it gives back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FORMATS = ("svg", "png")

# Chromium refuses canvases beyond these: a side of 32,767 px, an area of 268,435,456 px.
CANVAS_MAX_SIDE = 32_767
CANVAS_MAX_AREA = 268_435_456


@dataclass(frozen=True)
class RenderOptions:
    """How to render one scene. Every field takes part in a job's input digest."""

    formats: tuple[str, ...] = FORMATS
    scale: float = 2
    padding: int = 10
    background: bool = True
    dark: bool = False
    embed_scene: bool = False
    frames: bool = False
    whole: bool = True
    max_size: int | None = None
    refresh_text: bool = False

    def __post_init__(self) -> None:
        bad = [f for f in self.formats if f not in FORMATS]
        if bad or not self.formats:
            raise ValueError(f"formats must be some of {FORMATS}, got {self.formats}")
        if not 0 < self.scale <= 16:
            raise ValueError(f"scale must be in (0, 16], got {self.scale}")
        if not 0 <= self.padding <= 10_000:
            raise ValueError(f"padding must be in [0, 10000], got {self.padding}")
        if self.max_size is not None and self.max_size < 1:
            raise ValueError(f"max_size must be positive, got {self.max_size}")
        if not (self.whole or self.frames):
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
            "canvasLimit": {"side": CANVAS_MAX_SIDE, "area": CANVAS_MAX_AREA},
        }

    def digest_fields(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class RenderedImage:
    """One image of a render: the whole scene (``frame_id`` None) or one frame."""

    frame_id: str | None = None
    frame_name: str | None = None
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
        return next((i for i in self.images if i.frame_id is None), None)

    @property
    def frames(self) -> list[RenderedImage]:
        return [i for i in self.images if i.frame_id is not None]
