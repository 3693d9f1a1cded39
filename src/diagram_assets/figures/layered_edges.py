"""Which cells of a layered network are joined, and the path of each edge.

:func:`joined_pairs` turns the spec (each layer to the previous one: full, one-to-one,
windowed or none, plus ``connections:``) into pairs of drawn cells, each pair once.
:class:`Router` gives every pair a path in the layout's (flow, across) frame: a straight line
between neighbouring layers, an arc around the layers a skip connection jumps, a bow beside
the column for two cells of one layer that are not neighbours, and a small loop for a cell
joined to itself. Paths are lists of points *between* the two cells (empty = straight); the
ends on the rims are the drawing's business.
"""

from __future__ import annotations

import itertools

from .model import LayerSpec, LayersSpec

Cell = tuple[str, int]  # (layer id, 1-based cell number)
Pair = tuple[Cell, Cell]
FA = tuple[float, float]  # (flow, across)

CLEAR = 16  # room between the cells an arc passes and the arc
STAGGER = 7  # room between two arcs over the same layers
BOW_MIN = 10  # a bow beside a column stands out at least this far past the rims…
BOW_RATE = 0.35  # … plus this fraction of the distance between its two cells


def joined_pairs(net: LayersSpec) -> list[Pair]:
    """Every pair of drawn cells the spec joins, in drawing order, each pair once (either
    way round: edges have no heads). A cell joined to itself is kept (a loop)."""
    pairs: list[Pair] = []
    by_id = {la.id: la for la in net.layers}
    for prev, layer in itertools.pairwise(net.layers):
        kind = "window" if layer.window is not None else layer.connect
        pairs += layer_pairs(prev, layer, kind, None, None)
    for conn in net.connections:
        a, b = by_id[conn.source.target], by_id[conn.target.target]
        pairs += layer_pairs(a, b, conn.kind, conn.source.index, conn.target.index)
    out: list[Pair] = []
    seen: set[Pair] = set()
    for src, dst in pairs:
        if (src, dst) in seen or (dst, src) in seen:
            continue
        seen.add((src, dst))
        out.append((src, dst))
    return out


def layer_pairs(
    a: LayerSpec, b: LayerSpec, kind: str, ia: int | None, ib: int | None
) -> list[Pair]:
    """The cell pairs of one connection (``kind``: full, one-to-one, window or none).

    A whole layer joined to itself is a complete graph: every two distinct cells, once."""
    if kind == "none":
        return []
    xs = [ia] if ia is not None else a.visible_cells()
    ys = [ib] if ib is not None else b.visible_cells()
    if kind == "one-to-one":
        return [((a.id, i), (b.id, j)) for i, j in zip(xs, ys, strict=False)]
    if kind == "window":
        assert b.window is not None
        w, s = b.window, b.stride
        if b.windows_from(a):  # each cell of b takes a window of a
            drawn = set(xs)
            return [
                ((a.id, i), (b.id, j))
                for j in ys
                for i in range((j - 1) * s + 1, (j - 1) * s + 1 + w)
                if i in drawn
            ]
        drawn = set(ys)  # transposed: each cell of a feeds a window of b
        return [
            ((a.id, i), (b.id, j))
            for i in xs
            for j in range((i - 1) * s + 1, (i - 1) * s + 1 + w)
            if j in drawn
        ]
    whole_self = a.id == b.id and ia is None and ib is None
    return [((a.id, i), (b.id, j)) for i in xs for j in ys if not (whole_self and i >= j)]


class Router:
    """Paths of the edges of a layered layout (columns or rows), in the (flow, across) frame.

    ``order``: the layers' ids in flow order; ``centres``: each drawn cell's centre;
    ``slots``: each layer's drawn slots (None = the ⋮); ``radius``: a cell's radius.
    """

    def __init__(
        self,
        order: list[str],
        centres: dict[Cell, FA],
        slots: dict[str, list[int | None]],
        radius: float,
        flow_step: float,
    ) -> None:
        self.order = order
        self.index = {ident: n for n, ident in enumerate(order)}
        self.centres = centres
        self.slots = slots
        self.r = radius
        self.flow_step = flow_step
        self.flow = {ident: centres[(ident, cells[0])][0] for ident, cells in _first(slots)}
        # how far the cells (and the arcs placed so far) reach on each side, per layer
        self.top = {ident: self._extent(ident, -1) for ident in order}
        self.bottom = {ident: self._extent(ident, 1) for ident in order}
        self.arced: set[tuple[str, int]] = set()  # (layer, side) with an arc over it
        self.edges_to: dict[tuple[str, str], int] = {}

    def _extent(self, ident: str, side: int) -> float:
        across = [a for (lid, _), (_, a) in self.centres.items() if lid == ident]
        return (max(across) + self.r) if side > 0 else (min(across) - self.r)

    def routes(self, pairs: list[Pair]) -> dict[Pair, list[FA]]:
        """The bent paths (pairs not listed are straight). Skip arcs are placed shortest
        span first, so an arc over more layers passes outside the arcs it spans."""
        out: dict[Pair, list[FA]] = {}
        self.edges_to = _edge_counts(pairs)
        skips = [p for p in pairs if self._span(p) >= 2]
        for pair in sorted(skips, key=self._span):  # stable: pairs keep their order
            out[pair] = self._skip(pair)
        for pair in pairs:
            (la, ca), (lb, cb) = pair
            if la == lb and ca != cb and not self._neighbours(la, ca, cb):
                out[pair] = self._bow(pair)
        return out

    def _span(self, pair: Pair) -> int:
        return abs(self.index[pair[0][0]] - self.index[pair[1][0]])

    def _neighbours(self, layer: str, c1: int, c2: int) -> bool:
        slots = self.slots[layer]
        return abs(slots.index(c1) - slots.index(c2)) == 1

    def _skip(self, pair: Pair) -> list[FA]:
        """An arc around the layers between the two cells: above them when the cells sit in
        the upper half (or the middle), below otherwise; flat over each layer it passes."""
        (la, _), (lb, _) = pair
        i, j = sorted((self.index[la], self.index[lb]))
        between = self.order[i + 1 : j]
        a_sum = self.centres[pair[0]][1] + self.centres[pair[1]][1]
        side = 1 if a_sum > 0 else -1
        reach = self.bottom if side > 0 else self.top
        gap = STAGGER if any((k, side) in self.arced for k in between) else CLEAR
        if side > 0:
            apex = max(reach[k] for k in between) + gap
        else:
            apex = min(reach[k] for k in between) - gap
        for k in between:
            reach[k] = apex
            self.arced.add((k, side))
        via = [(self.flow[k], apex) for k in between]
        return via if self.index[la] < self.index[lb] else via[::-1]

    def _bow(self, pair: Pair) -> list[FA]:
        """Two cells of one column: a bow beside it, the further apart the wider — behind
        the first layer, ahead of the last, and between two layers on the side with fewer
        edges (capped there, so it reaches no other column)."""
        (layer, _), _ = pair
        (f, a1), (_, a2) = self.centres[pair[0]], self.centres[pair[1]]
        n = self.index[layer]
        side = -1 if n == 0 and len(self.order) > 1 else 1
        if 0 < n < len(self.order) - 1:  # between two layers: on the side with fewer edges
            back = self.edges_to.get((layer, self.order[n - 1]), 0)
            ahead = self.edges_to.get((layer, self.order[n + 1]), 0)
            side = -1 if back < ahead else 1
        bow = self.r + BOW_MIN + BOW_RATE * abs(a2 - a1)
        if 0 < n < len(self.order) - 1:
            bow = min(bow, 0.6 * self.flow_step)
        return [(f + side * bow, (a1 + a2) / 2)]


def _edge_counts(pairs: list[Pair]) -> dict[tuple[str, str], int]:
    """How many edges join each two layers, keyed both ways round."""
    counts: dict[tuple[str, str], int] = {}
    for (la, _), (lb, _) in pairs:
        counts[(la, lb)] = counts.get((la, lb), 0) + 1
        if la != lb:
            counts[(lb, la)] = counts.get((lb, la), 0) + 1
    return counts


def _first(slots: dict[str, list[int | None]]) -> list[tuple[str, list[int]]]:
    return [(ident, [c for c in cells if c is not None]) for ident, cells in slots.items()]
