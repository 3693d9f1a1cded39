"""The two orientations of a block diagram: the layout always works in one frame, where the
flow goes up the page and columns stand side by side; :class:`FramedBuilder` draws that frame
as it is (``orientation: up``) or turned so the flow runs left to right and the columns become
rows, the first on top (``orientation: right``). Shapes are not turned — their sizes were laid
out already swapped — and text stays upright."""

from __future__ import annotations

from typing import Any

from .elements import SceneBuilder
from .geometry import Element, Point
from .text import text_size


class Frame:
    """Layout coordinates → scene coordinates: (x, y) as is, or (−y, x) when turned."""

    def __init__(self, orientation: str) -> None:
        self.turned = orientation == "right"

    def pt(self, x: float, y: float) -> Point:
        return (-y, x) if self.turned else (x, y)

    def box(self, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float]:
        """A box of the layout as the scene's (x, y, width, height)."""
        return (-(y + h), x, h, w) if self.turned else (x, y, w, h)

    def unbox(self, element: Element) -> tuple[float, float, float, float]:
        """A scene element's box in layout coordinates (x, y, width, height)."""
        x, y, w, h = element["x"], element["y"], element["width"], element["height"]
        return (y, -(x + w), h, w) if self.turned else (x, y, w, h)

    def dims(self, w: float, h: float) -> tuple[float, float]:
        """Scene (width, height) → layout (across, along the flow)."""
        return (h, w) if self.turned else (w, h)


class FramedBuilder:
    """A :class:`SceneBuilder` taking layout coordinates (everything else passes through)."""

    def __init__(self, builder: SceneBuilder, frame: Frame) -> None:
        self.raw = builder
        self.frame = frame

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)

    def rect(self, eid: str, x: float, y: float, w: float, h: float, **kw: Any) -> Element:
        return self.raw.rect(eid, *self.frame.box(x, y, w, h), **kw)

    def ellipse(self, eid: str, cx: float, cy: float, width: float, **kw: Any) -> Element:
        return self.raw.ellipse(eid, *self.frame.pt(cx, cy), width, **kw)

    def text(
        self,
        eid: str,
        cx: float,
        cy: float,
        text: str,
        *,
        size: float | None = None,
        align: str = "center",
        **kw: Any,
    ) -> Element:
        """Text centred on (cx, cy); ``align`` left/right: the text starts/ends there (in the
        layout's x; turned, that is below/above the point)."""
        if not self.frame.turned:
            return self.raw.text(eid, cx, cy, text, size=size, align=align, **kw)
        x, y = self.frame.pt(cx, cy)
        _, h = text_size(text, self.raw.style.font_family, size or self.raw.style.font_size)
        if align == "left":
            y += h / 2
        elif align == "right":
            y -= h / 2
        return self.raw.text(eid, x, y, text, size=size, **kw)

    def line(self, eid: str, points: list[Point], **kw: Any) -> Element:
        return self.raw.line(eid, [self.frame.pt(*p) for p in points], **kw)

    def arrow(
        self, eid: str, points: list[Point], start: Element, end: Element, **kw: Any
    ) -> Element:
        return self.raw.arrow(eid, [self.frame.pt(*p) for p in points], start, end, **kw)
