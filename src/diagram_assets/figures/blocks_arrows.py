"""The arrows of a block diagram, routed between the placed items and bound at both ends:
the stream into each item (fanning in), links from other columns, residual connections."""

from __future__ import annotations

import itertools

from .blocks_layout import (
    ARROW_GAP,
    BRANCH_AT,
    CHANNEL,
    COLUMN_GAP,
    LINK_AT,
    LINK_CLEAR,
    BlocksLayout,
    ColumnLayout,
    Placed,
)
from .geometry import Element, Point
from .model import LinkSpec


class BlockArrows:
    """Draws the arrows of a laid-out block diagram into its builder."""

    def __init__(self, layout: BlocksLayout) -> None:
        self.layout = layout
        self.b = layout.b
        self.drawn: set[int] = set()  # ids of the links drawn here; the others are routed
        self.obstacles: list[tuple[float, float, float, float]] = []  # set before drawing
        self.fallback: set[str] = set()  # targets whose classic links would cross a shape

    def _slots(self, target: Placed, n: int) -> list[float]:
        return [target.left + target.width * (k + 1) / (n + 1) for k in range(n)]

    def _input_layout(
        self, col: ColumnLayout, below: Placed, target: Placed, links: list[LinkSpec] | None = None
    ) -> dict:
        """Slots at the target's bottom: links from the left first, the stream, then the right."""
        if links is None:
            links = self.classic(col, target)
        from_left: list[LinkSpec] = []
        from_right: list[LinkSpec] = []
        for link in links:
            scol, _ = self.layout.find(link.source.target)
            (from_left if scol.x < col.x else from_right).extend([link] * link.count)
        heads = target.item.heads
        n = len(from_left) + heads + len(from_right)
        single = target.item.kind != "block" or n == 1
        slots = [target.x] * n if single else self._slots(target, n)
        return {
            "left": list(zip(from_left, slots[: len(from_left)], strict=True)),
            "stream": slots[len(from_left) : len(from_left) + heads],
            "right": list(zip(from_right, slots[len(from_left) + heads :], strict=True)),
        }

    def _stream_start(self, below: Placed, stream: list[float]) -> float:
        """x where the stream leaves the item below: straight up when a block covers the slot."""
        if (
            len(stream) == 1
            and below.item.kind == "block"
            and below.left < stream[0] < below.right
            and not any(q.dx for q in self.layout.column_of(below).placed if below in q.preds)
        ):
            return stream[0]
        return below.x

    def classic(self, col: ColumnLayout, target: Placed) -> list[LinkSpec]:
        """The links into ``target`` drawn the classic way: from other columns, up and across
        into the block's bottom beside the stream (the Transformer's cross attention). Only
        in diagrams flowing up, into a block with a stream from below."""
        links = self.layout.linked.get(target.item.id, [])
        if (
            not links
            or target.item.id in self.fallback
            or self.layout.frame.turned
            or target.item.kind != "block"
            or target.item.heads == 0
            or len(target.preds) != 1
            or any(link.label for link in links)
        ):
            return []
        for link in links:
            if self.layout.find(link.source.target)[0] is col:
                return []
        return links

    def inputs(self, col: ColumnLayout, below: Placed, target: Placed) -> None:
        """Arrows into ``target``: the stream from ``below`` and the links from other columns."""
        assert below.element is not None and target.element is not None
        plan = self._input_layout(col, below, target)
        routes = [
            self._link_points(link, target, x)
            for side in ("left", "right")
            for link, x in plan[side]
        ]
        if any(
            self._crosses(pts, link, target)
            for (link, _), pts in zip(plan["left"] + plan["right"], routes, strict=True)
        ):  # a classic route would cross a shape: every link into it is routed instead
            self.fallback.add(target.item.id)
            plan = self._input_layout(col, below, target, [])
        stream = plan["stream"]
        sx = self._stream_start(below, stream)
        split = target.bottom + (BRANCH_AT + 22 if plan["left"] or plan["right"] else BRANCH_AT)
        y0 = below.top - ARROW_GAP
        y1 = target.bottom + ARROW_GAP
        for k, x in enumerate(stream, start=1):
            if abs(x - sx) < 0.5:
                pts: list[Point] = [(sx, y0), (sx, y1)]
            else:
                pts = [(sx, y0), (sx, split), (x, split), (x, y1)]
            suffix = f"#{k}" if len(stream) > 1 else ""
            arrow = self.b.arrow(
                f"arrow:{below.item.id}>{target.item.id}{suffix}",
                pts,
                below.element,
                target.element,
            )
            self.layout.tag(target.item, arrow)
        for side in ("left", "right"):
            for k, (link, x) in enumerate(plan[side], start=1):
                self._link(link, target, x, k)

    def _crosses(self, pts: list[Point], link: LinkSpec, target: Placed) -> bool:
        """True when the route ``pts`` (layout coordinates) passes through a shape other
        than its two ends."""
        source = self.layout.find_any(link.source.target)
        assert source.element is not None and target.element is not None
        ends = [_box(source.element), _box(target.element)]
        scene = [self.layout.frame.pt(*p) for p in pts]
        for a, b in itertools.pairwise(scene):
            for box in self.obstacles:
                if box not in ends and _through(a, b, box):
                    return True
        return False

    def join(self, col: ColumnLayout, target: Placed) -> None:
        """Arrows from the ends of parallel branches into ``target``: each rises to a level
        below it, runs across and enters its bottom (evenly spaced; a ⊕ takes them all at
        its centre)."""
        assert target.element is not None
        preds = sorted(target.preds, key=lambda q: q.x)
        n = len(preds)
        xs = self._slots(target, n) if target.item.kind == "block" else [target.x] * n
        level = target.bottom + BRANCH_AT
        for k, (q, x) in enumerate(zip(preds, xs, strict=True), start=1):
            assert q.element is not None
            start = (q.x, q.top - ARROW_GAP)
            end = (x, target.bottom + ARROW_GAP)
            pts: list[Point] = [start, end]
            if abs(q.x - x) >= 0.5:
                pts = [start, (q.x, level), (x, level), end]
            arrow = self.b.arrow(
                f"arrow:{q.item.id}>{target.item.id}#{k}", pts, q.element, target.element
            )
            self.layout.tag(target.item, arrow)

    def _gutter(self, source: ColumnLayout, target: ColumnLayout) -> float:
        """x of the middle of the gap beside ``target`` on the side ``source`` is on."""
        if source.x < target.x:
            return target.x + target.left - COLUMN_GAP / 2
        return target.x + target.right + COLUMN_GAP / 2

    def _link_points(self, link: LinkSpec, target: Placed, x: float) -> list[Point]:
        src_col, src = self.layout.find(link.source.target)
        level = target.bottom + LINK_AT
        clear = self.layout.exit_top(src_col, src) - LINK_CLEAR
        start = (src.x, src.top - ARROW_GAP)
        end = (x, target.bottom + ARROW_GAP)
        pts: list[Point]
        if level <= clear:  # the target is high enough: up, across, up
            pts = [start, (src.x, level), (x, level), end]
        else:  # up clear of the source, across to the gutter, down, in from the side, up
            gutter = self._gutter(src_col, self.layout.column_of(target))
            pts = [start, (src.x, clear), (gutter, clear), (gutter, level), (x, level), end]
        return pts

    def _link(self, link: LinkSpec, target: Placed, x: float, k: int) -> None:
        src = self.layout.find_any(link.source.target)
        assert src.element is not None and target.element is not None
        pts = self._link_points(link, target, x)
        arrow = self.b.arrow(
            f"link:{link.source.target}>{target.item.id}#{k}", pts, src.element, target.element
        )
        if link.dashed:
            arrow["strokeStyle"] = "dashed"
        self.drawn.add(id(link))
        self.layout.tag(target.item, arrow)
        self.layout.tag(src.item, arrow)

    def residual(self, col: ColumnLayout, p: Placed) -> None:
        """The skip connection into ``p`` from the stream below the item it skips."""
        assert p.item.residual is not None and p.element is not None
        skipped_id = p.item.residual.target
        skipped = next(q for q in col.placed if q.item.id == skipped_id)
        below = skipped.preds[0]
        assert below.element is not None
        plan = self._input_layout(col, below, skipped)
        sx = self._stream_start(below, plan["stream"])
        split = skipped.bottom + (BRANCH_AT + 22 if plan["left"] or plan["right"] else BRANCH_AT)
        s = col.sign
        channel = col.x + s * (self.layout.block_width / 2 + CHANNEL)
        cy = p.top + p.height / 2
        side = p.x + s * (p.width / 2 + ARROW_GAP)
        pts: list[Point] = [
            (sx, below.top - ARROW_GAP),
            (sx, split),
            (channel, split),
            (channel, cy),
            (side, cy),
        ]
        arrow = self.b.arrow(f"residual:{skipped_id}>{p.item.id}", pts, below.element, p.element)
        self.layout.tag(p.item, arrow)


def _box(element: Element) -> tuple[float, float, float, float]:
    x, y = element["x"], element["y"]
    return (x, y, x + element["width"], y + element["height"])


def _through(a: Point, b: Point, box: tuple[float, float, float, float]) -> bool:
    """True when the axis-parallel segment a–b enters ``box`` shrunk by a little."""
    m = 2.0
    x0, y0, x1, y1 = box[0] + m, box[1] + m, box[2] - m, box[3] - m
    lo_x, hi_x = min(a[0], b[0]), max(a[0], b[0])
    lo_y, hi_y = min(a[1], b[1]), max(a[1], b[1])
    return lo_x < x1 and hi_x > x0 and lo_y < y1 and hi_y > y0
