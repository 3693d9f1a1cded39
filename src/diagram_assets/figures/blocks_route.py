"""Orthogonal routes between two shapes that go around every other shape, never through one.

The scene's shapes, grown by a margin, are obstacles. Routes run on a grid whose lines are the
obstacles' edges, the middles of the gaps between shapes (so a route keeps to the middle of a
channel) and lines just outside the figure; a shortest path with a cost per bend is searched
from the ports of the source (points on its sides, each with a penalty saying how much that
side is wanted) to those of the target. Deterministic: ties are broken by the order of ports
and of grid points.
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .geometry import Point

Box = tuple[float, float, float, float]  # x0, y0, x1, y1
NORMALS: dict[str, tuple[int, int]] = {
    "top": (0, -1),
    "bottom": (0, 1),
    "left": (-1, 0),
    "right": (1, 0),
}
DIRS = ((1, 0), (-1, 0), (0, 1), (0, -1))
MARGIN = 8  # how close a route may pass a shape
BEND = 40  # the cost of a bend, in pixels of length
OUTSIDE = 28  # the lines around the whole figure, beyond the outermost shapes
ALONG = 4.0  # running along another arrow costs this many times the length, plus a bend
ACROSS = 12.0  # crossing another arrow
Wire = tuple[Point, Point]  # a straight piece of an arrow already drawn


class Wires:
    """The arrows already drawn, as the cost of running along or across them."""

    def __init__(self, wires: list[Wire]) -> None:
        self.flat: dict[float, list[tuple[float, float]]] = {}  # y → x spans
        self.upright: dict[float, list[tuple[float, float]]] = {}  # x → y spans
        for (ax, ay), (bx, by) in wires:
            if abs(ay - by) < 0.5:
                self.flat.setdefault(round(ay), []).append((min(ax, bx), max(ax, bx)))
            elif abs(ax - bx) < 0.5:
                self.upright.setdefault(round(ax), []).append((min(ay, by), max(ay, by)))

    @staticmethod
    def _overlap(spans: list[tuple[float, float]], lo: float, hi: float) -> float:
        return sum(max(0.0, min(hi, b) - max(lo, a)) for a, b in spans)

    def cost(self, a: Point, b: Point) -> float:
        if abs(a[1] - b[1]) < 0.5:  # flat: along flat wires, across upright ones
            lo, hi, at, along, across = (
                min(a[0], b[0]),
                max(a[0], b[0]),
                a[1],
                self.flat,
                self.upright,
            )
        else:
            lo, hi, at, along, across = (
                min(a[1], b[1]),
                max(a[1], b[1]),
                a[0],
                self.upright,
                self.flat,
            )
        shared = self._overlap(along.get(round(at), []), lo, hi)
        total = ALONG * shared + (BEND if shared > 1 else 0.0)
        for where, spans in across.items():
            if lo < where < hi:
                total += ACROSS * sum(1 for s0, s1 in spans if s0 <= at <= s1)
        return total


@dataclass(frozen=True)
class Port:
    side: str  # top | bottom | left | right
    point: Point  # where the arrow touches the shape
    penalty: float = 0.0


def side_point(box: Box, side: str, offset: float = 0.0, gap: float = 1.0) -> Point:
    """The middle of ``side`` of ``box`` (moved by ``offset`` along it), ``gap`` outside."""
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if side == "top":
        return (cx + offset, y0 - gap)
    if side == "bottom":
        return (cx + offset, y1 + gap)
    if side == "left":
        return (x0 - gap, cy + offset)
    return (x1 + gap, cy + offset)


def _grow(box: Box, m: float) -> Box:
    return (box[0] - m, box[1] - m, box[2] + m, box[3] + m)


def _axis(edges: list[float], extra: list[float], lo: float, hi: float) -> list[float]:
    """Grid lines of one axis: shape edges grown by the margin, gap middles, ports, outside."""
    raw = sorted(set(edges))
    lines = {lo - OUTSIDE, hi + OUTSIDE, *extra}
    for e in raw:
        lines.update((e - MARGIN, e + MARGIN))
    for a, b in itertools.pairwise(raw):
        if b - a > 2 * MARGIN:
            lines.add((a + b) / 2)
    return sorted(round(v, 3) for v in lines)


def _blocked(xs: list[float], ys: list[float], boxes: list[Box]) -> tuple[set, set]:
    """Grid edges whose middle lies strictly inside a grown box: (i, j) from (i, j) to
    (i + 1, j) in the first set, to (i, j + 1) in the second."""
    mx = [(a + b) / 2 for a, b in itertools.pairwise(xs)]
    my = [(a + b) / 2 for a, b in itertools.pairwise(ys)]
    horizontal: set[tuple[int, int]] = set()
    vertical: set[tuple[int, int]] = set()
    for x0, y0, x1, y1 in boxes:
        i0, i1 = bisect_right(mx, x0), bisect_left(mx, x1)
        j0, j1 = bisect_right(ys, y0), bisect_left(ys, y1)
        for i in range(i0, i1):
            for j in range(j0, j1):
                horizontal.add((i, j))
        i0, i1 = bisect_right(xs, x0), bisect_left(xs, x1)
        j0, j1 = bisect_right(my, y0), bisect_left(my, y1)
        for i in range(i0, i1):
            for j in range(j0, j1):
                vertical.add((i, j))
    return horizontal, vertical


def _simplify(points: list[Point]) -> list[Point]:
    out: list[Point] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 1e-6 and abs(out[-1][1] - p[1]) < 1e-6:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < 1e-6 and abs(b[0] - p[0]) < 1e-6) or (
                abs(a[1] - b[1]) < 1e-6 and abs(b[1] - p[1]) < 1e-6
            ):
                out[-1] = p
                continue
        out.append(p)
    return out


def route(
    start: list[Port],
    end: list[Port],
    obstacles: list[Box],
    ends: list[Box],
    wires: Wires | None = None,
) -> list[Point] | None:
    """The cheapest orthogonal route from one of ``start`` to one of ``end`` around
    ``obstacles`` (and around ``ends``, the two shapes joined, except at their ports),
    keeping off the ``wires`` of arrows already drawn where it can."""
    wires = wires or Wires([])
    boxes = [_grow(b, MARGIN) for b in obstacles + ends]
    escape = {
        id(p): (
            p.point[0] + NORMALS[p.side][0] * (MARGIN + 2),
            p.point[1] + NORMALS[p.side][1] * (MARGIN + 2),
        )
        for p in start + end
    }
    every = obstacles + ends
    lo_x, hi_x = min(b[0] for b in every), max(b[2] for b in every)
    lo_y, hi_y = min(b[1] for b in every), max(b[3] for b in every)
    xs = _axis(
        [v for b in every for v in (b[0], b[2])], [e[0] for e in escape.values()], lo_x, hi_x
    )
    ys = _axis(
        [v for b in every for v in (b[1], b[3])], [e[1] for e in escape.values()], lo_y, hi_y
    )
    ix = {x: i for i, x in enumerate(xs)}
    iy = {y: j for j, y in enumerate(ys)}
    horizontal, vertical = _blocked(xs, ys, boxes)

    def node(p: Point) -> tuple[int, int]:
        return ix[round(p[0], 3)], iy[round(p[1], 3)]

    goals: dict[tuple[int, int], list[tuple[int, Port]]] = {}
    for n, port in enumerate(end):
        goals.setdefault(node(escape[id(port)]), []).append((n, port))
    heap: list[tuple[float, int, tuple]] = []
    counter = 0
    best: dict[tuple, float] = {}
    parent: dict[tuple, tuple | None] = {}
    for port in start:
        dx, dy = NORMALS[port.side]
        state = (*node(escape[id(port)]), DIRS.index((dx, dy)))
        cost = port.penalty + MARGIN + 2 + wires.cost(port.point, escape[id(port)])
        if cost < best.get(state, float("inf")):
            best[state] = cost
            parent[state] = ("start", port)
            heapq.heappush(heap, (cost, counter, state))
            counter += 1
    while heap:
        cost, _, state = heapq.heappop(heap)
        if cost > best.get(state, float("inf")):
            continue
        if state[0] == "done":
            return _path(state, parent, xs, ys, escape)
        i, j, d = state
        for n, port in goals.get((i, j), []):
            want = DIRS.index((-NORMALS[port.side][0], -NORMALS[port.side][1]))
            if d == want ^ 1:  # arriving backwards into the port
                continue
            total = cost + port.penalty + MARGIN + 2 + (BEND if d != want else 0)
            total += wires.cost(escape[id(port)], port.point)
            done = ("done", n)
            if total < best.get(done, float("inf")):
                best[done] = total
                parent[done] = (state, port)
                heapq.heappush(heap, (total, counter, done))
                counter += 1
        for k, (dx, dy) in enumerate(DIRS):
            if k == d ^ 1:
                continue
            a, b = i + dx, j + dy
            if not (0 <= a < len(xs) and 0 <= b < len(ys)):
                continue
            if (dx and (min(i, a), j) in horizontal) or (dy and (i, min(j, b)) in vertical):
                continue
            step = abs(xs[a] - xs[i]) + abs(ys[b] - ys[j])
            step += wires.cost((xs[i], ys[j]), (xs[a], ys[b]))
            nxt = (a, b, k)
            total = cost + step + (BEND if k != d else 0)
            if total < best.get(nxt, float("inf")):
                best[nxt] = total
                parent[nxt] = state
                heapq.heappush(heap, (total, counter, nxt))
                counter += 1
    return None


def _path(
    done: tuple, parent: dict[tuple, tuple | None], xs: list[float], ys: list[float], escape: dict
) -> list[Point]:
    last, end_port = parent[done]  # type: ignore[misc]
    points: list[Point] = [end_port.point, escape[id(end_port)]]
    state = last
    while True:
        up = parent[state]
        points.append((xs[state[0]], ys[state[1]]))
        if isinstance(up, tuple) and up and up[0] == "start":
            start_port = up[1]
            points += [escape[id(start_port)], start_port.point]
            break
        state = up  # type: ignore[assignment]
    points.reverse()
    return _simplify(points)
