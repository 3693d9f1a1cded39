"""Builders of full Excalidraw 0.18 elements with stable ids, seeds and fractional indices.

Everything here is deterministic: ids come from the spec (readable, like ``enc_attn`` or
``edge:in[1]>h[2]``), seeds and version nonces are hashes of the id, ``updated`` is a fixed
number, and z-order indices are assigned in insertion order as valid fractional-index keys.
Arrows are bound at both ends: the arrow's ``startBinding``/``endBinding`` name the shape
(with Excalidraw's focus and gap) and the shape lists the arrow in its ``boundElements``.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import Any

from .palettes import INK
from .text import text_size

Element = dict[str, Any]
Point = tuple[float, float]

UPDATED = 1  # a fixed `updated` timestamp: no time in generated scenes
DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # base 62, ASCII order
BOUND_TEXT_PADDING = 5  # Excalidraw's padding between a container and its text


def fractional_index(n: int) -> str:
    """The n-th key of a sequence of valid fractional-index keys, in increasing order.

    Integer keys: a head letter giving the number of digits (``a`` = 1 … ``z`` = 26) followed
    by base-62 digits: ``a0``…``az``, ``b00``…``bzz``, ``c000``… Keys sort as strings in the
    same order as ``n``.
    """
    if n < 0:
        raise ValueError("index must be non-negative")
    width = 1
    start = 0
    while n - start >= 62**width:
        start += 62**width
        width += 1
        if width > 26:
            raise ValueError("too many elements")
    rest = n - start
    digits = []
    for _ in range(width):
        rest, d = divmod(rest, 62)
        digits.append(DIGITS[d])
    return chr(ord("a") + width - 1) + "".join(reversed(digits))


def stable_int(*parts: str) -> int:
    """A number in [1, 2**31 - 1] derived from text: stable seeds and nonces."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % (2**31 - 1) + 1


def whole(v: float) -> float:
    """Round geometry to whole pixels (kept as int when exact, so JSON stays short)."""
    r = round(v)
    return int(r)


@dataclass(frozen=True)
class Style:
    """How a figure draws: clean (roughness 0, Liberation Sans) or sketch (Excalifont)."""

    roughness: int
    font_family: int
    font_size: int
    stroke_width: int = 1


def _cross(ax: float, ay: float, bx: float, by: float) -> float:
    return ax * by - ay * bx


def _segment_intersection(p1: Point, p2: Point, p3: Point, p4: Point) -> Point | None:
    d = _cross(p2[0] - p1[0], p2[1] - p1[1], p4[0] - p3[0], p4[1] - p3[1])
    if abs(d) < 1e-12:
        return None
    t = _cross(p3[0] - p1[0], p3[1] - p1[1], p4[0] - p3[0], p4[1] - p3[1]) / d
    u = _cross(p3[0] - p1[0], p3[1] - p1[1], p2[0] - p1[0], p2[1] - p1[1]) / d
    if 0 <= t <= 1 and 0 <= u <= 1:
        return (p1[0] + t * (p2[0] - p1[0]), p1[1] + t * (p2[1] - p1[1]))
    return None


def binding_focus(shape: Element, before: Point, end: Point) -> float:
    """Excalidraw's focus of an arrow end at ``end`` whose previous point is ``before``.

    The focus is where the line of the arrow's last segment passes the shape, as a signed
    fraction of the half-diagonal (0 = through the centre). Excalidraw uses it to re-aim the
    arrow when the shape is moved in the editor.
    """
    x, y, w, h = shape["x"], shape["y"], shape["width"], shape["height"]
    c = (x + w / 2, y + h / 2)
    if before == end or w <= 0 or h <= 0:
        return 0.0
    sign = -math.copysign(
        1, _cross(end[0] - before[0], end[1] - before[1], end[0] - c[0], end[1] - c[1])
    )
    if _cross(end[0] - before[0], end[1] - before[1], end[0] - c[0], end[1] - c[1]) == 0:
        sign = 0.0
    dx, dy = end[0] - before[0], end[1] - before[1]
    length = math.hypot(dx, dy)
    reach = max(w * 2, h * 2)
    far = (end[0] + dx / length * reach, end[1] + dy / length * reach)
    diagonals = (
        ((x - w, y - h), (x + 2 * w, y + 2 * h)),
        ((x + 2 * w, y - h), (x - w, y + 2 * h)),
    )
    half_diagonal = math.hypot(w, h) / 2
    ratios = []
    for a, b in diagonals:
        p = _segment_intersection(end, far, a, b)
        if p is not None:
            ratios.append(sign * math.hypot(p[0] - c[0], p[1] - c[1]) / half_diagonal)
    if not ratios:
        return 0.0
    best = min(ratios, key=abs)
    return round(best, 6) + 0.0


class SceneBuilder:
    """Collects elements in z-order; ids must be unique; indices assigned by :meth:`finish`."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.elements: list[Element] = []
        self.by_id: dict[str, Element] = {}
        # spec ids (``enc_attn``, ``in[2]``) → ids of the elements drawn for them: the shapes
        # a step highlights come first in ``shapes``, everything drawn for it in ``members``
        self.shapes: dict[str, list[str]] = {}
        self.members: dict[str, list[str]] = {}

    def tag(self, ref: str, *elements: Element, shape: bool = False) -> None:
        """Record that ``elements`` were drawn for the spec id ``ref`` (for steps)."""
        for element in elements:
            self.members.setdefault(ref, []).append(element["id"])
            if shape:
                self.shapes.setdefault(ref, []).append(element["id"])

    # -- common -------------------------------------------------------------------------
    def _base(
        self,
        kind: str,
        eid: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        stroke: str = INK,
        fill: str = "transparent",
        stroke_width: float | None = None,
        stroke_style: str = "solid",
        roundness: dict[str, int] | None = None,
        groups: list[str] | None = None,
        opacity: int = 100,
    ) -> Element:
        if eid in self.by_id:
            raise ValueError(f"duplicate element id {eid!r}")
        element: Element = {
            "id": eid,
            "type": kind,
            "x": x,
            "y": y,
            "width": width,
            "height": height,
            "angle": 0,
            "strokeColor": stroke,
            "backgroundColor": fill,
            "fillStyle": "solid",
            "strokeWidth": stroke_width if stroke_width is not None else self.style.stroke_width,
            "strokeStyle": stroke_style,
            "roughness": self.style.roughness,
            "opacity": opacity,
            "groupIds": list(groups or []),
            "frameId": None,
            "index": None,
            "roundness": roundness,
            "seed": stable_int(eid, "seed"),
            "version": 1,
            "versionNonce": stable_int(eid, "nonce"),
            "isDeleted": False,
            "boundElements": None,
            "updated": UPDATED,
            "link": None,
            "locked": False,
        }
        self.elements.append(element)
        self.by_id[eid] = element
        return element

    # -- shapes -------------------------------------------------------------------------
    def rect(
        self,
        eid: str,
        x: float,
        y: float,
        width: float,
        height: float,
        *,
        fill: str = "transparent",
        stroke: str = INK,
        rounded: bool = True,
        stroke_width: float | None = None,
        groups: list[str] | None = None,
        opacity: int = 100,
    ) -> Element:
        return self._base(
            "rectangle",
            eid,
            x,
            y,
            width,
            height,
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width,
            roundness={"type": 3} if rounded else None,
            groups=groups,
            opacity=opacity,
        )

    def ellipse(
        self,
        eid: str,
        cx: float,
        cy: float,
        width: float,
        height: float | None = None,
        *,
        fill: str = "transparent",
        stroke: str = INK,
        stroke_width: float | None = None,
        groups: list[str] | None = None,
    ) -> Element:
        height = width if height is None else height
        return self._base(
            "ellipse",
            eid,
            cx - width / 2,
            cy - height / 2,
            width,
            height,
            fill=fill,
            stroke=stroke,
            stroke_width=stroke_width,
            roundness={"type": 2},
            groups=groups,
        )

    def text(
        self,
        eid: str,
        cx: float,
        cy: float,
        text: str,
        *,
        size: float | None = None,
        align: str = "center",
        color: str = INK,
        groups: list[str] | None = None,
    ) -> Element:
        """A free text element centred on (cx, cy) (``align`` left/right anchor that side)."""
        size = size or self.style.font_size
        w, h = text_size(text, self.style.font_family, size)
        if align == "left":
            x = cx
        elif align == "right":
            x = cx - w
        else:
            x = cx - w / 2
        element = self._base("text", eid, x, cy - h / 2, w, h, stroke=color, groups=groups)
        self._text_fields(element, text, size, align, None)
        return element

    def bound_text(
        self, container: Element, text: str, *, size: float | None = None, color: str = INK
    ) -> Element:
        """Text inside a container, centred both ways, listed in the container's boundElements."""
        size = size or self.style.font_size
        w, h = text_size(text, self.style.font_family, size)
        cx = container["x"] + container["width"] / 2
        cy = container["y"] + container["height"] / 2
        element = self._base(
            "text",
            f"{container['id']}.text",
            cx - w / 2,
            cy - h / 2,
            w,
            h,
            stroke=color,
            groups=container["groupIds"],
        )
        self._text_fields(element, text, size, "center", container["id"])
        self._bind_list(container, "text", element["id"])
        return element

    def _text_fields(
        self, element: Element, text: str, size: float, align: str, container_id: str | None
    ) -> None:
        element.update(
            {
                "text": text,
                "fontSize": size,
                "fontFamily": self.style.font_family,
                "textAlign": align,
                "verticalAlign": "middle",
                "containerId": container_id,
                "originalText": text,
                "autoResize": True,
                "lineHeight": _line_height(self.style.font_family),
            }
        )

    # -- lines and arrows ---------------------------------------------------------------
    def _linear(
        self,
        kind: str,
        eid: str,
        points: list[Point],
        *,
        stroke: str,
        stroke_width: float | None,
        curved: bool,
        groups: list[str] | None,
        fill: str = "transparent",
    ) -> Element:
        x0, y0 = points[0]
        rel = [[p[0] - x0, p[1] - y0] for p in points]
        xs = [p[0] for p in rel]
        ys = [p[1] for p in rel]
        element = self._base(
            kind,
            eid,
            x0,
            y0,
            max(xs) - min(xs),
            max(ys) - min(ys),
            stroke=stroke,
            fill=fill,
            stroke_width=stroke_width,
            roundness={"type": 2} if curved else None,
            groups=groups,
        )
        element.update(
            {
                "points": [[_num(px), _num(py)] for px, py in rel],
                "lastCommittedPoint": None,
                "startBinding": None,
                "endBinding": None,
                "startArrowhead": None,
                "endArrowhead": None,
            }
        )
        return element

    def line(
        self,
        eid: str,
        points: list[Point],
        *,
        stroke: str = INK,
        fill: str = "transparent",
        stroke_width: float | None = None,
        curved: bool = False,
        groups: list[str] | None = None,
    ) -> Element:
        return self._linear(
            "line",
            eid,
            points,
            stroke=stroke,
            stroke_width=stroke_width,
            curved=curved,
            groups=groups,
            fill=fill,
        )

    def arrow(
        self,
        eid: str,
        points: list[Point],
        start: Element,
        end: Element,
        *,
        gap_start: float = 1,
        gap_end: float = 1,
        head: str | None = "triangle",
        stroke: str = INK,
        stroke_width: float | None = None,
        curved: bool = False,
        groups: list[str] | None = None,
    ) -> Element:
        """An arrow through ``points`` (absolute), bound to ``start`` and ``end`` shapes."""
        element = self._linear(
            "arrow",
            eid,
            points,
            stroke=stroke,
            stroke_width=stroke_width,
            curved=curved,
            groups=groups,
        )
        element["endArrowhead"] = head
        element["elbowed"] = False
        element["startBinding"] = {
            "elementId": start["id"],
            "focus": binding_focus(start, points[1], points[0]),
            "gap": gap_start,
        }
        element["endBinding"] = {
            "elementId": end["id"],
            "focus": binding_focus(end, points[-2], points[-1]),
            "gap": gap_end,
        }
        self._bind_list(start, "arrow", eid)
        if end is not start:
            self._bind_list(end, "arrow", eid)
        return element

    @staticmethod
    def _bind_list(shape: Element, kind: str, eid: str) -> None:
        if shape["boundElements"] is None:
            shape["boundElements"] = []
        shape["boundElements"].append({"id": eid, "type": kind})

    # -- finishing ----------------------------------------------------------------------
    def finish(self) -> list[Element]:
        """The elements with fractional indices in z-order."""
        for n, element in enumerate(self.elements):
            element["index"] = fractional_index(n)
        return self.elements


def _num(v: float) -> float:
    r = round(v, 3)
    return int(r) if r == int(r) else r


def _line_height(font_family: int) -> float:
    from .text import line_height

    return line_height(font_family)


def bounds(elements: list[Element]) -> tuple[float, float, float, float]:
    """(min_x, min_y, max_x, max_y) of the live elements (linear elements by their points)."""
    xs: list[float] = []
    ys: list[float] = []
    for e in elements:
        if e.get("isDeleted"):
            continue
        if "points" in e:
            for px, py in e["points"]:
                xs.append(e["x"] + px)
                ys.append(e["y"] + py)
        else:
            xs += [e["x"], e["x"] + e["width"]]
            ys += [e["y"], e["y"] + e["height"]]
    if not xs:
        return (0.0, 0.0, 0.0, 0.0)
    return (min(xs), min(ys), max(xs), max(ys))
