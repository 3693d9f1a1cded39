"""Elements and points of generated scenes, and their geometry: where an arrow's end meets a
shape (Excalidraw's binding focus) and the bounds of a set of elements."""

from __future__ import annotations

import math
from typing import Any

Element = dict[str, Any]
Point = tuple[float, float]


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
