"""The arrows of a block diagram, routed between the placed items and bound at both ends:
the stream into each item (fanning in), links from other columns, residual connections."""

from __future__ import annotations

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
from .geometry import Point


class BlockArrows:
    """Draws the arrows of a laid-out block diagram into its builder."""

    def __init__(self, layout: BlocksLayout) -> None:
        self.layout = layout
        self.b = layout.b

    def _slots(self, target: Placed, n: int) -> list[float]:
        return [target.left + target.width * (k + 1) / (n + 1) for k in range(n)]

    def _input_layout(self, col: ColumnLayout, below: Placed, target: Placed) -> dict:
        """Slots at the target's bottom: links from the left first, the stream, then the right."""
        links = self.layout.linked.get(target.item.id, [])
        from_left: list[str] = []
        from_right: list[str] = []
        for source, count in links:
            scol, _ = self.layout.find(source)
            (from_left if scol.x < col.x else from_right).extend([source] * count)
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
        if len(stream) == 1 and below.item.kind == "block" and below.left < stream[0] < below.right:
            return stream[0]
        return below.x

    def inputs(self, col: ColumnLayout, below: Placed, target: Placed) -> None:
        """Arrows into ``target``: the stream from ``below`` and the links from other columns."""
        assert below.element is not None and target.element is not None
        plan = self._input_layout(col, below, target)
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
            for k, (source, x) in enumerate(plan[side], start=1):
                self._link(source, target, x, k)

    def _gutter(self, source: ColumnLayout, target: ColumnLayout) -> float:
        """x of the middle of the gap beside ``target`` on the side ``source`` is on."""
        if source.x < target.x:
            return target.x + target.left - COLUMN_GAP / 2
        return target.x + target.right + COLUMN_GAP / 2

    def _link(self, source: str, target: Placed, x: float, k: int) -> None:
        src_col, src = self.layout.find(source)
        assert src.element is not None and target.element is not None
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
        arrow = self.b.arrow(
            f"link:{source}>{target.item.id}#{k}", pts, src.element, target.element
        )
        self.layout.tag(target.item, arrow)
        self.layout.tag(src.item, arrow)

    def residual(self, col: ColumnLayout, p: Placed) -> None:
        """The skip connection into ``p`` from the stream below the item it skips."""
        assert p.item.residual is not None and p.element is not None
        skipped_id = p.item.residual.target
        n = next(i for i, q in enumerate(col.placed) if q.item.id == skipped_id)
        skipped, below = col.placed[n], col.placed[n - 1]
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
