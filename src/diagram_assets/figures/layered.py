"""Layout of layered networks in the Neural Network Zoo's conventions.

Layers are columns (left → right) or rows (bottom → top), each centred on the same axis and
evenly spaced. Cells are filled discs with a rim; some carry a mark inside. Connections are
thin black lines without heads, drawn behind the cells and bound to them (they are headless
Excalidraw arrows, so moving a cell in Excalidraw keeps its edges attached). Recurrent cells
get a small loop on top and short links to their neighbours in the column. Layers larger than
``max_cells`` show their first cells, a ⋮ and the last cell, with the true size in the label.

The layout is computed in a (flow, across) frame and mapped to the page at the end, so both
orientations share one code path.
"""

from __future__ import annotations

import itertools
import math

from .elements import SceneBuilder
from .geometry import Element, Point, bounds
from .palettes import CELL_TYPES, INK, CellType, colors_for
from .schema import FigureSpec, LayerSpec
from .text import text_size

CELL = 30  # cell diameter
ACROSS = 48  # distance between cell centres in a layer
FLOW = 120  # distance between layers
FLOW_RECURRENT = 150  # … in a net with recurrent columns: flatter edges leave room for loops
LOOP_SIZE = 0.4  # a self-loop's radius, as a fraction of the cell's
LOOP_OUT = 0.85  # how far the loop stands out: its centre is this many loop radii past the rim
GAP = 1  # binding gap between an edge's end and the cell rim
DOT = 4  # diameter of the ⋮ dots


class LayeredLayout:
    def __init__(self, spec: FigureSpec, builder: SceneBuilder) -> None:
        assert spec.layers is not None
        self.spec = spec
        self.net = spec.layers
        self.b = builder
        self.vertical = self.net.orientation == "bottom-to-top"
        self.cells: dict[tuple[str, int], Element] = {}
        self.centres: dict[tuple[str, int], tuple[float, float]] = {}  # (flow, across)
        self.flow_of: dict[str, float] = {}
        self.slots: dict[str, list[int | None]] = {}  # None = the ⋮ slot
        self._pending: list[tuple[tuple[str, int], tuple[str, int]]] = []
        self._links: list[tuple[tuple[str, int], tuple[str, int]]] = []

    # -- frame mapping -----------------------------------------------------------------
    def page(self, f: float, a: float) -> Point:
        """(flow, across) → page (x, y): flow is +x, or −y when the net grows upward."""
        return (a, -f) if self.vertical else (f, a)

    # -- layout ------------------------------------------------------------------------
    def build(self) -> None:
        layers = self.net.layers
        label_width = max(
            (
                text_size(self._label(la), self.b.style.font_family, self.b.style.font_size)[0]
                for la in layers
                if self._label(la)
            ),
            default=0,
        )
        base = FLOW_RECURRENT if any(la.recurrent for la in layers) else FLOW
        flow_step = base if self.vertical else max(base, label_width + 24)
        for i, layer in enumerate(layers):
            self.flow_of[layer.id] = i * flow_step
            visible = layer.visible_cells()
            slots: list[int | None] = list(visible)
            if layer.show is not None:
                slots.insert(len(slots) - 1, None)
            self.slots[layer.id] = slots
            for k, cell in enumerate(slots):
                if cell is None:
                    continue
                a = (k - (len(slots) - 1) / 2) * ACROSS
                self.centres[(layer.id, cell)] = (self.flow_of[layer.id], a)
        self._edges()
        self._column_links()
        for layer in layers:
            self._cells(layer)
        for layer in layers:
            if layer.recurrent:
                self._loops(layer)
        self._labels()

    def _label(self, layer: LayerSpec) -> str:
        lines = [layer.label] if layer.label else []
        if layer.show is not None:
            lines.append(f"n = {layer.size}")
        return "\n".join(lines)

    # -- edges -------------------------------------------------------------------------
    def _edges(self) -> None:
        pairs: list[tuple[tuple[str, int], tuple[str, int]]] = []
        layers = self.net.layers
        for prev, layer in itertools.pairwise(layers):
            pairs += self._pairs(prev, layer, layer.connect, None, None)
        for conn in self.net.connections:
            a = next(la for la in layers if la.id == conn.source.target)
            b = next(la for la in layers if la.id == conn.target.target)
            pairs += self._pairs(a, b, conn.kind, conn.source.index, conn.target.index)
        seen: set[tuple[tuple[str, int], tuple[str, int]]] = set()
        for src, dst in pairs:
            if (src, dst) in seen or src == dst:
                continue
            seen.add((src, dst))
            self._edge(src, dst)

    @staticmethod
    def _pairs(
        a: LayerSpec, b: LayerSpec, kind: str, ia: int | None, ib: int | None
    ) -> list[tuple[tuple[str, int], tuple[str, int]]]:
        if kind == "none":
            return []
        xs = [ia] if ia is not None else a.visible_cells()
        ys = [ib] if ib is not None else b.visible_cells()
        if kind == "one-to-one":
            return [((a.id, i), (b.id, j)) for i, j in zip(xs, ys, strict=False)]
        return [((a.id, i), (b.id, j)) for i in xs for j in ys]

    def _rim_points(
        self, c1: tuple[float, float], c2: tuple[float, float], r1: float, r2: float
    ) -> tuple[Point, Point]:
        df, da = c2[0] - c1[0], c2[1] - c1[1]
        length = math.hypot(df, da) or 1.0
        uf, ua = df / length, da / length
        p1 = self.page(c1[0] + uf * (r1 + GAP), c1[1] + ua * (r1 + GAP))
        p2 = self.page(c2[0] - uf * (r2 + GAP), c2[1] - ua * (r2 + GAP))
        return p1, p2

    def _edge(self, src: tuple[str, int], dst: tuple[str, int]) -> None:
        # the cells do not exist yet (edges are behind them): bind after the cells are made
        self._pending.append((src, dst))

    def _column_links(self) -> None:
        for layer in self.net.layers:
            if not layer.recurrent:
                continue
            slots = self.slots[layer.id]
            for s1, s2 in itertools.pairwise(slots):
                if s1 is not None and s2 is not None:
                    self._links.append(((layer.id, s1), (layer.id, s2)))

    # -- cells -------------------------------------------------------------------------
    def _cell_colors(self, layer: LayerSpec) -> tuple[str, str]:
        colors = colors_for(self.spec.palette, layer.cells.family)
        return layer.fill or colors.fill, layer.stroke or colors.stroke

    def _cells(self, layer: LayerSpec) -> None:
        fill, rim = self._cell_colors(layer)
        group = f"layer:{layer.id}"
        for k, cell in enumerate(self.slots[layer.id]):
            if cell is None:
                f = self.flow_of[layer.id]
                a = (k - (len(self.slots[layer.id]) - 1) / 2) * ACROSS
                for d in (-1, 0, 1):
                    x, y = self.page(f, a + d * 8)
                    dot = self.b.ellipse(
                        f"{layer.id}.more{d + 2}",
                        x,
                        y,
                        DOT,
                        fill=INK,
                        stroke=INK,
                        stroke_width=1,
                        groups=[group],
                    )
                    self.b.tag(layer.id, dot)
                continue
            f, a = self.centres[(layer.id, cell)]
            x, y = self.page(f, a)
            ref = f"{layer.id}[{cell}]"
            groups = [f"cell:{ref}", group]
            shape = self.b.ellipse(
                ref, x, y, CELL, fill=fill, stroke=rim, stroke_width=2, groups=groups
            )
            self.cells[(layer.id, cell)] = shape
            self.b.tag(ref, shape, shape=True)
            self.b.tag(layer.id, shape, shape=True)
            for mark in draw_mark(self.b, layer.cells, ref, x, y, CELL, groups):
                self.b.tag(ref, mark)
                self.b.tag(layer.id, mark)

    def _loop_direction(self, layer: LayerSpec) -> float:
        """The direction of a column's self-loops (degrees; −90 = straight "up", across the
        flow): halfway between the column link above a cell and the steepest line leaving it
        up and forward, for the cell where that room is smallest, so loops touch neither."""
        lines = [*self._pending, *self._links]
        narrowest = 90.0
        for cell in layer.visible_cells():
            me = (layer.id, cell)
            f0, a0 = self.centres[me]
            steepest = 0.0  # the flow direction itself bounds the room
            for src, dst in lines:
                if me not in (src, dst) or src == dst:
                    continue
                f1, a1 = self.centres[dst if src == me else src]
                angle = math.degrees(math.atan2(a1 - a0, f1 - f0))
                if -90 < angle < 0:
                    steepest = min(steepest, angle)
            narrowest = min(narrowest, steepest + 90)
        return -90 + narrowest / 2

    def _loops(self, layer: LayerSpec) -> None:
        towards = self._loop_direction(layer)
        for cell in layer.visible_cells():
            f, a = self.centres[(layer.id, cell)]
            shape = self.cells[(layer.id, cell)]
            pts = [self.page(f + pf, a + pa) for pf, pa in loop_points(CELL / 2 + GAP, towards)]
            ref = f"{layer.id}[{cell}]"
            loop = self.b.arrow(
                f"loop:{ref}",
                pts,
                shape,
                shape,
                head=None,
                curved=True,
                gap_start=GAP,
                gap_end=GAP,
                stroke=INK,
            )
            self.b.tag(ref, loop)
            self.b.tag(layer.id, loop)

    def _labels(self) -> None:
        r = CELL / 2
        far = max((a for _, a in self.centres.values()), default=0.0) + r
        fam, size = self.b.style.font_family, self.b.style.font_size
        for layer in self.net.layers:
            text = self._label(layer)
            if not text:
                continue
            _w, h = text_size(text, fam, size)
            f = self.flow_of[layer.id]
            if self.vertical:
                x, y = self.page(f, far + 16)
                label = self.b.text(f"{layer.id}.label", x, y, text, align="left")
            else:
                x, y = self.page(f, far + 12 + h / 2)
                label = self.b.text(f"{layer.id}.label", x, y, text)
            self.b.tag(layer.id, label)

    def _straight(self, eid: str, src: tuple[str, int], dst: tuple[str, int]) -> Element:
        """A headless line from rim to rim, bound to both cells."""
        r = CELL / 2
        p1, p2 = self._rim_points(self.centres[src], self.centres[dst], r, r)
        cells = self.cells[src], self.cells[dst]
        return self.b.arrow(eid, [p1, p2], *cells, head=None, gap_start=GAP, gap_end=GAP)

    def bind_edges(self) -> None:
        """Create the edges (behind the cells) now that the cells exist."""
        made = [
            self._straight(f"edge:{src[0]}[{src[1]}]>{dst[0]}[{dst[1]}]", src, dst)
            for src, dst in self._pending
        ]
        for src, dst in self._links:
            link = self._straight(f"link:{src[0]}[{src[1]}]>{dst[1]}", src, dst)
            self.b.tag(src[0], link)
            made.append(link)
        # edges and links go behind every cell: move them to the front of the element list
        ids = {e["id"] for e in made}
        rest = [e for e in self.b.elements if e["id"] not in ids]
        self.b.elements[:] = made + rest


def loop_points(r: float, towards: float = -55.0) -> list[Point]:
    """A small round loop on a cell of radius ``r``: points relative to the cell's centre.

    The loop is an arc of a circle of radius ``LOOP_SIZE · r`` whose centre sits just outside
    the rim in the direction ``towards`` (degrees, 0 = along the flow, −90 = "up"); it starts
    and ends where the two circles cross, so both ends touch the cell, close together.
    """
    rho = LOOP_SIZE * r
    d = r + LOOP_OUT * rho
    t = math.radians(towards)
    cx, cy = d * math.cos(t), d * math.sin(t)
    # where the loop circle meets the cell's circle: angle seen from the loop's centre
    cos_phi = (d * d + rho * rho - r * r) / (2 * d * rho)
    phi = math.acos(max(-1.0, min(1.0, cos_phi)))
    back = t + math.pi  # direction from the loop's centre to the cell's centre
    start, end = back + phi, back - phi + 2 * math.pi
    n = 10
    return [
        (
            cx + rho * math.cos(start + (end - start) * i / n),
            cy + rho * math.sin(start + (end - start) * i / n),
        )
        for i in range(n + 1)
    ]


def draw_mark(
    b: SceneBuilder, cells: CellType, ref: str, x: float, y: float, d: float, groups: list[str]
) -> list[Element]:
    """The mark inside a cell: a circle, a triangle or a square (thin dark outline)."""
    if cells.mark == "circle":
        return [b.ellipse(f"{ref}.mark", x, y, d * 0.5, stroke=INK, stroke_width=1, groups=groups)]
    if cells.mark == "triangle":
        rr = d * 0.28
        pts = [
            (x + rr * math.cos(math.radians(t)), y + rr * math.sin(math.radians(t)) + d * 0.04)
            for t in (-90, 30, 150, -90)
        ]
        return [b.line(f"{ref}.mark", pts, stroke=INK, stroke_width=1, groups=groups)]
    if cells.mark == "square":
        s = d * 0.42
        return [
            b.rect(
                f"{ref}.mark",
                x - s / 2,
                y - s / 2,
                s,
                s,
                rounded=False,
                stroke=INK,
                stroke_width=1,
                groups=groups,
            )
        ]
    return []


def build_layers(spec: FigureSpec, builder: SceneBuilder) -> None:
    layout = LayeredLayout(spec, builder)
    layout.build()
    layout.bind_edges()
    if spec.layers is not None and spec.layers.legend:
        used: list[CellType] = []
        for layer in spec.layers.layers:
            if layer.cells not in used:
                used.append(layer.cells)
        draw_legend(spec, builder, used)


def draw_legend(spec: FigureSpec, b: SceneBuilder, used: list[CellType]) -> None:
    """One row of (cell, name) pairs under the figure, wrapped to the figure's width."""
    min_x, _, max_x, max_y = bounds(b.elements)
    d = 20
    fam, size = b.style.font_family, max(10, b.style.font_size - 2)
    x, y = min_x, max_y + 28 + d / 2
    limit = max(max_x, min_x + 360)
    for cell in used:
        w, _ = text_size(cell.title, fam, size)
        if x > min_x and x + d + 8 + w > limit:
            x, y = min_x, y + d + 14
        colors = colors_for(spec.palette, cell.family)
        groups = [f"legend:{cell.name}", "legend"]
        icon = b.ellipse(
            f"legend:{cell.name}",
            x + d / 2,
            y,
            d,
            fill=colors.fill,
            stroke=colors.stroke,
            stroke_width=2,
            groups=groups,
        )
        draw_mark(b, cell, f"legend:{cell.name}", x + d / 2, y, d, groups)
        b.text(
            f"legend:{cell.name}.label",
            x + d + 8,
            y,
            cell.title,
            size=size,
            align="left",
            groups=groups,
        )
        x += d + 8 + w + 24
        del icon


__all__ = ["CELL_TYPES", "build_layers"]
