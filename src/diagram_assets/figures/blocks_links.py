"""Links of a block diagram that the column's own arrows cannot carry: routed orthogonally
(:mod:`.blocks_route`) around every shape, leaving and entering their shapes by whichever
sides make the shortest clear route — preferably along the flow — with an optional label on
the arrow. Works in scene coordinates, so both orientations route alike."""

from __future__ import annotations

import itertools

from .blocks_layout import BlocksLayout
from .blocks_route import NORMALS, Box, Port, Wire, Wires, route, side_point
from .geometry import Element, Point
from .model import LinkSpec

# side penalties: a link prefers to leave along the flow and to enter against it
LEAVE = {"out": 0.0, "lateral": 30.0, "in": 90.0}
ENTER = {"in": 0.0, "lateral": 30.0, "out": 90.0}
USED = 25.0  # a side other arrows use already
PORT_STEP = 14.0  # between arrows meeting one side
LABEL_SIZE_DROP = 2  # link labels are a little smaller than the text of the blocks


def box_of(element: Element) -> Box:
    return (
        element["x"],
        element["y"],
        element["x"] + element["width"],
        element["y"] + element["height"],
    )


def side_of(box: Box, point: Point) -> str:
    """The side of ``box`` nearest to ``point``."""
    x0, y0, x1, y1 = box
    px, py = point
    dist = {
        "top": abs(py - y0),
        "bottom": abs(py - y1),
        "left": abs(px - x0),
        "right": abs(px - x1),
    }
    return min(dist, key=lambda k: dist[k])


class LinkRouter:
    """Draws routed links into the layout's builder, after every shape and column arrow."""

    def __init__(self, layout: BlocksLayout, containers: set[str]) -> None:
        self.layout = layout
        self.b = layout.b.raw
        self.containers = containers  # stack and group boxes: routes may cross them
        turned = layout.frame.turned
        self.flow_out = "right" if turned else "top"
        self.flow_in = "left" if turned else "bottom"
        # where arrows already meet each shape: element id → side → positions along the side
        self.attached: dict[str, dict[str, list[float]]] = {}
        self.wires: list[Wire] = []
        for element in self.b.elements:
            if element["type"] == "arrow":
                self._note_ends(element)

    def _note_ends(self, arrow: Element) -> None:
        points = [(arrow["x"] + px, arrow["y"] + py) for px, py in arrow["points"]]
        self.wires.extend(itertools.pairwise(points))
        for key, point in (("startBinding", points[0]), ("endBinding", points[-1])):
            binding = arrow.get(key)
            if not binding:
                continue
            shape = self.b.by_id[binding["elementId"]]
            side = side_of(box_of(shape), point)
            along = point[0] if side in ("top", "bottom") else point[1]
            self.attached.setdefault(shape["id"], {}).setdefault(side, []).append(along)

    def _kind(self, side: str) -> str:
        if side == self.flow_out:
            return "out"
        if side == self.flow_in:
            return "in"
        return "lateral"

    def _ports(self, shape: Element, table: dict[str, float]) -> list[Port]:
        box = box_of(shape)
        ports = []
        for side in NORMALS:
            taken = self.attached.get(shape["id"], {}).get(side, [])
            length = (box[2] - box[0]) if side in ("top", "bottom") else (box[3] - box[1])
            centre = (box[0] + box[2]) / 2 if side in ("top", "bottom") else (box[1] + box[3]) / 2
            step = min(PORT_STEP, length / 4)
            offset = 0.0
            for k in range(1, 12):
                if all(abs(centre + offset - t) > step / 2 for t in taken):
                    break
                offset = step * ((k + 1) // 2) * (1 if k % 2 else -1)
            if abs(offset) > length / 2 - 2:
                offset = 0.0
            penalty = table[self._kind(side)] + (USED if taken else 0.0)
            ports.append(Port(side, side_point(box, side, offset), penalty))
        return ports

    def obstacles(self, skip: set[str]) -> list[Box]:
        out = []
        for e in self.b.elements:
            if e["id"] in skip or e["id"] in self.containers or e.get("opacity") == 0:
                continue
            if e["type"] in ("rectangle", "ellipse") or (
                e["type"] == "text" and e.get("containerId") is None
            ):
                out.append(box_of(e))
        return out

    def draw(self, link: LinkSpec) -> None:
        source = self.layout.find_any(link.source.target)
        target = self.layout.find_any(link.target.target)
        assert source.element is not None and target.element is not None
        s, t = source.element, target.element
        skip = {s["id"], t["id"]}
        obstacles = self.obstacles(skip)
        for col in self.layout.columns:  # branches: one obstacle, unless the link ends there
            for key, (half, top, bottom) in col.lanes.items():
                inside = {it.id for lane in self.layout.items[key].lanes for it in lane}
                if not inside & {source.item.id, target.item.id}:
                    x, y, w, h = self.layout.frame.box(col.x - half, top, 2 * half, bottom - top)
                    obstacles.append((x, y, x + w, y + h))
        for k in range(1, link.count + 1):
            pts = route(
                self._ports(s, LEAVE),
                self._ports(t, ENTER),
                obstacles,
                [box_of(s), box_of(t)],
                Wires(self.wires),
            )
            if pts is None:  # nothing clear: straight across, still bound at both ends
                pts = [side_point(box_of(s), self.flow_out), side_point(box_of(t), self.flow_in)]
            eid = f"link:{link.source.target}>{link.target.target}#{k}"
            if link.label and k == 1:
                pts = _centre_longest(pts)
            arrow = self.b.arrow(eid, pts, s, t)
            if link.dashed:
                arrow["strokeStyle"] = "dashed"
            self._note_ends(arrow)
            self.layout.tag(target.item, arrow)
            self.layout.tag(source.item, arrow)
            if link.label and k == 1:
                self._label(arrow, pts, link.label)

    def _label(self, arrow: Element, pts: list[Point], text: str) -> None:
        """A label bound to the arrow, where Excalidraw puts it: the middle of the middle
        segment (the route has an even number of points with its longest segment there)."""
        size = max(8, self.b.style.font_size - LABEL_SIZE_DROP)
        label = self.b.bound_text(arrow, text, size=size)
        n = len(pts) // 2 - 1
        mx = (pts[n][0] + pts[n + 1][0]) / 2
        my = (pts[n][1] + pts[n + 1][1]) / 2
        label["x"] = mx - label["width"] / 2
        label["y"] = my - label["height"] / 2
        self.layout.b.tag(arrow["id"], label)


def _centre_longest(pts: list[Point]) -> list[Point]:
    """The same route with points added on straight runs so that its longest segment is the
    middle one (Excalidraw draws an arrow's label on its middle segment)."""
    lengths = [abs(a[0] - b[0]) + abs(a[1] - b[1]) for a, b in itertools.pairwise(pts)]
    s = max(range(len(lengths)), key=lambda k: (lengths[k], -abs(k - len(lengths) / 2)))
    before, after = s, len(lengths) - 1 - s
    out = list(pts)
    while before < after:  # split the first segment
        a, b = out[0], out[1]
        out.insert(1, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        before += 1
    while after < before:  # split the last segment
        a, b = out[-2], out[-1]
        out.insert(len(out) - 1, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2))
        after += 1
    return out
