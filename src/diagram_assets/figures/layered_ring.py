"""``layout: ring``: every cell of a layered network on one circle (Hopfield networks,
Boltzmann machines, Markov chains, Kohonen maps): the layers follow each other clockwise,
the first one centred on the left (a single layer starts on top), a free slot between two
layers; every edge is a chord (bent inwards where it would graze a cell)."""

from __future__ import annotations

import math

Slot = tuple[str, int | None]  # (layer id, cell number or None for the ⋮)
Cell = tuple[str, int]
Pair = tuple[Cell, Cell]
Point = tuple[float, float]

MIN_RADIUS = 60.0


def ring_places(
    slots: dict[str, list[int | None]], spacing: float
) -> dict[Slot, tuple[float, float, float]]:
    """(x, y, angle in degrees) of each slot, keyed (layer, cell) — the ⋮ slot by
    (layer, None). Neighbouring slots are ``spacing`` apart along the circle's chords."""
    order = list(slots)
    gaps = len(order) if len(order) > 1 else 0
    total = sum(len(s) for s in slots.values()) + gaps
    step = 2 * math.pi / max(total, 2)
    radius = max(MIN_RADIUS, spacing / (2 * math.sin(step / 2))) if total > 1 else 0.0
    first = len(slots[order[0]])
    # one layer: its first cell on top; more: the first layer centred on the left
    start = -math.pi / 2 if len(order) == 1 else math.pi - (first - 1) / 2 * step
    places: dict[Slot, tuple[float, float, float]] = {}
    g = 0
    for ident in order:
        for cell in slots[ident]:
            t = start + g * step
            places[(ident, cell)] = (
                _round(radius * math.cos(t)),
                _round(radius * math.sin(t)),
                math.degrees(t),
            )
            g += 1
        g += 1 if gaps else 0
    return places


def ring_routes(
    pairs: list[Pair], centres: dict[Cell, Point], r: float, clear: float = 4.0
) -> dict[Pair, list[Point]]:
    """Chords that would graze a cell between their ends (cells close together on a large
    ring) bend towards the centre, through one point, just enough to pass it."""
    routes: dict[Pair, list[Point]] = {}
    for src, dst in pairs:
        if src == dst:
            continue
        p, q = centres[src], centres[dst]
        others = [c for k, c in centres.items() if k not in (src, dst)]
        if all(_distance(c, p, q) > r + clear for c in others):
            continue
        mid = ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)
        for step in range(9, -1, -1):
            via = (_round(mid[0] * step / 10), _round(mid[1] * step / 10))
            if all(min(_distance(c, p, via), _distance(c, via, q)) > r + clear for c in others):
                break
        routes[(src, dst)] = [via]
    return routes


def _distance(c: Point, p: Point, q: Point) -> float:
    """From ``c`` to the segment p–q."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else ((c[0] - p[0]) * dx + (c[1] - p[1]) * dy) / length2
    t = max(0.0, min(1.0, t))
    return math.hypot(c[0] - p[0] - t * dx, c[1] - p[1] - t * dy)


def radius_of(places: dict[Slot, tuple[float, float, float]]) -> float:
    return max((math.hypot(x, y) for x, y, _ in places.values()), default=0.0)


def _round(v: float) -> float:
    r = round(v, 3)
    return r + 0.0
