"""Keeping large PNG canvases from being drawn at the same time.

A PNG export draws the whole image on one canvas (4 bytes a pixel: a 5,600 x 13,700 px drawing
takes 300 MB) before it encodes it. Two such renders on two pages at once would add up; a
pixel budget lets large renders run one at a time while small ones share the pages freely.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from typing import Any

from ..scene.model import Scene
from .options import RenderOptions

MAX_ESTIMATE = 2**62  # absurd scenes (coordinates near the float limit) still give an int


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _element_box(e: dict[str, Any]) -> tuple[float, float, float, float] | None:
    x, y = _number(e.get("x")), _number(e.get("y"))
    if x is None or y is None:
        return None
    w, h = _number(e.get("width")) or 0.0, _number(e.get("height")) or 0.0
    box = (x, y, x + abs(w), y + abs(h))
    points = e.get("points")
    if isinstance(points, list) and points:
        pairs = [
            (px, py)
            for p in points
            if isinstance(p, list | tuple) and len(p) >= 2
            for px, py in [(_number(p[0]), _number(p[1]))]
            if px is not None and py is not None
        ]
        if pairs:
            xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
            box = (x + min(xs), y + min(ys), x + max(xs), y + max(ys))
    angle = _number(e.get("angle")) or 0.0
    if angle:  # any rotation stays inside the circle around the box's centre
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        r = math.hypot(box[2] - box[0], box[3] - box[1]) / 2
        box = (cx - r, cy - r, cx + r, cy + r)
    return box


def estimate_png_pixels(scene: Scene, options: RenderOptions) -> int:
    """About how many pixels the largest PNG canvas of this render has (0 without PNG).

    From the elements' stored boxes, as Excalidraw's export bounds are; stroke widths and
    arrowheads make the real canvas a little larger, which does not matter for scheduling.
    """
    if "png" not in options.formats:
        return 0
    boxes = []
    frames = []
    for e in scene.elements:
        if not isinstance(e, dict) or e.get("isDeleted"):
            continue
        box = _element_box(e)
        if box is None:
            continue
        boxes.append(box)
        if e.get("type") in ("frame", "magicframe"):
            frames.append(box)
    if not boxes:
        return 0
    sizes = []
    if options.whole:
        pad = 2 * options.padding
        sizes.append(
            (
                max(b[2] for b in boxes) - min(b[0] for b in boxes) + pad,
                max(b[3] for b in boxes) - min(b[1] for b in boxes) + pad,
            )
        )
    if options.frames:
        sizes.extend((b[2] - b[0], b[3] - b[1]) for b in frames)
    largest = 0.0
    for w, h in sizes:
        scale = options.scale
        if options.max_size and max(w, h) * scale > options.max_size:
            scale = options.max_size / max(w, h, 1)
        pixels = math.floor(w * scale) * math.floor(h * scale) if math.isfinite(w * h) else math.inf
        largest = max(largest, pixels)
    return int(min(largest, MAX_ESTIMATE))


class PixelBudget:
    """An asyncio semaphore counted in pixels, first come first served.

    A request larger than the whole budget waits until nothing else runs, then runs alone.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self._waiting: deque[tuple[int, asyncio.Future[None]]] = deque()

    async def acquire(self, pixels: int) -> int:
        """Wait for ``pixels``; returns what was taken (pass it to :meth:`release`)."""
        weight = max(0, min(pixels, self.limit))
        if weight == 0:
            return 0
        if not self._waiting and self.used + weight <= self.limit:
            self.used += weight
            return weight
        granted: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((weight, granted))
        try:
            await granted
        except asyncio.CancelledError:
            if granted.done() and not granted.cancelled():
                self.release(weight)  # granted just as it was cancelled
            else:
                self._waiting = deque(w for w in self._waiting if w[1] is not granted)
                self._wake()
            raise
        return weight

    def release(self, weight: int) -> None:
        if weight:
            self.used -= weight
            self._wake()

    def _wake(self) -> None:
        while self._waiting:
            weight, granted = self._waiting[0]
            if granted.done():
                self._waiting.popleft()
                continue
            if self.used + weight > self.limit:
                return
            self._waiting.popleft()
            self.used += weight
            granted.set_result(None)
