"""Layout of layered networks in the Neural Network Zoo's conventions.

Layers are columns (left → right) or rows (bottom → top), each centred on the same axis and
evenly spaced — or, with ``layout: ring``, every cell sits on one circle
(:mod:`.layered_ring`). Cells are filled discs with a rim; some carry a mark inside. Edges are
thin black lines without heads, drawn behind the cells and bound to them (they are headless
Excalidraw arrows, so moving a cell in Excalidraw keeps its edges attached). Recurrent cells
get a small loop on top and short links to their neighbours in the column. Layers larger than
``max_cells`` show their first cells, a ⋮ and the last cell, with the true size in the label.
Which cells are joined, and the arcs of skip connections: :mod:`.layered_edges`.

The layout is computed in a (flow, across) frame and mapped to the page at the end, so both
orientations share one code path.
"""

from __future__ import annotations

import itertools
import math

from .elements import SceneBuilder
from .geometry import Element, Point
from .layered_edges import FA, Cell, Pair, Router, joined_pairs
from .layered_marks import draw_legend, draw_mark, loop_points
from .layered_ring import radius_of, ring_places, ring_routes
from .palettes import CELL_TYPES, INK, CellType, colors_for
from .schema import FigureSpec, LayerSpec
from .text import text_size

CELL = 30  # cell diameter
ACROSS = 48  # distance between cell centres in a layer
FLOW = 120  # distance between layers
FLOW_RECURRENT = 150  # … in a net with recurrent columns: flatter edges leave room for loops
GAP = 1  # binding gap between an edge's end and the cell rim
DOT = 4  # diameter of the ⋮ dots


class LayeredLayout:
    def __init__(self, spec: FigureSpec, builder: SceneBuilder) -> None:
        assert spec.layers is not None
        self.spec = spec
        self.net = spec.layers
        self.b = builder
        self.ring = self.net.layout == "ring"  # then (flow, across) is simply (x, y)
        self.vertical = self.net.orientation == "bottom-to-top" and not self.ring
        self.cells: dict[Cell, Element] = {}
        self.centres: dict[Cell, FA] = {}  # (flow, across)
        self.flow_of: dict[str, float] = {}
        self.slots: dict[str, list[int | None]] = {}  # None = the ⋮ slot
        self.slot_at: dict[tuple[str, int | None], FA] = {}  # every slot's centre, ⋮ too
        self.angle: dict[tuple[str, int | None], float] = {}  # ring: each slot's angle
        self.flow_step = 0.0
        self._pending: list[Pair] = []
        self._links: list[Pair] = []
        self._routes: dict[Pair, list[FA]] = {}

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
        self.flow_step = flow_step
        for i, layer in enumerate(layers):
            self.flow_of[layer.id] = i * flow_step
            visible = layer.visible_cells()
            slots: list[int | None] = list(visible)
            if layer.show is not None:
                slots.insert(len(slots) - 1, None)
            self.slots[layer.id] = slots
            for k, cell in enumerate(slots):
                a = (k - (len(slots) - 1) / 2) * ACROSS
                self.slot_at[(layer.id, cell)] = (self.flow_of[layer.id], a)
        if self.ring:
            for slot, (x, y, angle) in ring_places(self.slots, ACROSS).items():
                self.slot_at[slot] = (x, y)
                self.angle[slot] = angle
        for (ident, cell), centre in self.slot_at.items():
            if cell is not None:
                self.centres[(ident, cell)] = centre
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
        recurrent = {la.id for la in self.net.layers if la.recurrent}
        for src, dst in joined_pairs(self.net):
            if src == dst and src[0] in recurrent:
                continue  # the cell's own loop draws it
            if src[0] == dst[0] in recurrent and self._column_neighbours(src[0], src[1], dst[1]):
                continue  # the column link draws it
            self._edge(src, dst)
        if self.ring:
            self._routes = ring_routes(self._pending, self.centres, CELL / 2)
        else:
            order = [la.id for la in self.net.layers]
            router = Router(order, self.centres, self.slots, CELL / 2, self.flow_step)
            self._routes = router.routes([p for p in self._pending if p[0] != p[1]])

    def _column_neighbours(self, layer: str, c1: int, c2: int) -> bool:
        slots = self.slots[layer]
        return abs(slots.index(c1) - slots.index(c2)) == 1

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
        for cell in self.slots[layer.id]:
            if cell is None:
                f, a = self.slot_at[(layer.id, None)]
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
                f1, a1 = self._toward(me, (src, dst))
                angle = math.degrees(math.atan2(a1 - a0, f1 - f0))
                if -90 < angle < 0:
                    steepest = min(steepest, angle)
            narrowest = min(narrowest, steepest + 90)
        return -90 + narrowest / 2

    def _toward(self, me: Cell, pair: Pair) -> FA:
        """The point an edge leaves ``me`` towards: the other cell, or its path's first bend."""
        src, dst = pair
        via = self._routes.get(pair)
        if via:
            return via[0] if src == me else via[-1]
        return self.centres[dst if src == me else src]

    def _loops(self, layer: LayerSpec) -> None:
        towards = None if self.ring else self._loop_direction(layer)
        for cell in layer.visible_cells():
            ref = f"{layer.id}[{cell}]"
            loop = self._loop(f"loop:{ref}", (layer.id, cell), towards)
            self.b.tag(ref, loop)
            self.b.tag(layer.id, loop)

    def _loop(self, eid: str, me: Cell, towards: float | None) -> Element:
        """A small loop on a cell (pointing ``towards``, degrees; on a ring: outwards)."""
        f, a = self.centres[me]
        if towards is None:
            towards = self.angle[me] if self.ring else -55.0
        shape = self.cells[me]
        pts = [self.page(f + pf, a + pa) for pf, pa in loop_points(CELL / 2 + GAP, towards)]
        return self.b.arrow(
            eid,
            pts,
            shape,
            shape,
            head=None,
            curved=True,
            gap_start=GAP,
            gap_end=GAP,
            stroke=INK,
        )

    def _labels(self) -> None:
        if self.ring:
            self._ring_labels()
            return
        r = CELL / 2
        far = max((a for _, a in self.centres.values()), default=0.0) + r
        bent = [a + 4 for via in self._routes.values() for _, a in via]
        far = max([far, *bent])
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

    def _ring_labels(self) -> None:
        """Each layer's label outside the circle, beside its middle slot."""
        fam, size = self.b.style.font_family, self.b.style.font_size
        out = radius_of({k: (x, y, 0.0) for k, (x, y) in self.slot_at.items()}) + CELL / 2 + 10
        for layer in self.net.layers:
            text = self._label(layer)
            if not text:
                continue
            _w, h = text_size(text, fam, size)
            slots = self.slots[layer.id]
            t = math.radians(self.angle[(layer.id, slots[(len(slots) - 1) // 2])])
            x, y = out * math.cos(t), out * math.sin(t)
            if math.cos(t) > 0.35:
                label = self.b.text(f"{layer.id}.label", x, y, text, align="left")
            elif math.cos(t) < -0.35:
                label = self.b.text(f"{layer.id}.label", x, y, text, align="right")
            else:
                y += math.copysign(h / 2, math.sin(t))
                label = self.b.text(f"{layer.id}.label", x, y, text)
            self.b.tag(layer.id, label)

    def _straight(self, eid: str, src: Cell, dst: Cell) -> Element:
        """A headless line from rim to rim, bound to both cells."""
        r = CELL / 2
        p1, p2 = self._rim_points(self.centres[src], self.centres[dst], r, r)
        cells = self.cells[src], self.cells[dst]
        return self.b.arrow(eid, [p1, p2], *cells, head=None, gap_start=GAP, gap_end=GAP)

    def _bent(self, eid: str, src: Cell, dst: Cell, via: list[FA]) -> Element:
        """A headless curve through ``via``, leaving and entering the rims towards it."""
        r = CELL / 2
        p1, _ = self._rim_points(self.centres[src], via[0], r, 0)
        _, p2 = self._rim_points(via[-1], self.centres[dst], 0, r)
        points = [p1, *(self.page(f, a) for f, a in via), p2]
        cells = self.cells[src], self.cells[dst]
        return self.b.arrow(eid, points, *cells, head=None, curved=True, gap_start=GAP, gap_end=GAP)

    def _edge_element(self, src: Cell, dst: Cell) -> Element:
        eid = f"edge:{src[0]}[{src[1]}]>{dst[0]}[{dst[1]}]"
        if src == dst:
            return self._loop(eid, src, None)
        via = self._routes.get((src, dst))
        return self._bent(eid, src, dst, via) if via else self._straight(eid, src, dst)

    def bind_edges(self) -> None:
        """Create the edges (behind the cells) now that the cells exist."""
        made = [self._edge_element(src, dst) for src, dst in self._pending]
        for src, dst in self._links:
            link = self._straight(f"link:{src[0]}[{src[1]}]>{dst[1]}", src, dst)
            self.b.tag(src[0], link)
            made.append(link)
        # edges and links go behind every cell: move them to the front of the element list
        ids = {e["id"] for e in made}
        rest = [e for e in self.b.elements if e["id"] not in ids]
        self.b.elements[:] = made + rest


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


__all__ = ["CELL_TYPES", "build_layers"]
