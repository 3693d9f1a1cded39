"""``layout: ring``: every cell of a layered network on one circle (Hopfield networks,
Boltzmann machines, Markov chains, Kohonen maps): the layers follow each other clockwise,
the first one centred on the left, a free slot between two layers; every edge is a chord."""

from __future__ import annotations

import math

Slot = tuple[str, int | None]  # (layer id, cell number or None for the ⋮)

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
    start = math.pi - (first - 1) / 2 * step  # the first layer centred on the left
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


def radius_of(places: dict[Slot, tuple[float, float, float]]) -> float:
    return max((math.hypot(x, y) for x, y, _ in places.values()), default=0.0)


def _round(v: float) -> float:
    r = round(v, 3)
    return r + 0.0
