"""Layout of block diagrams in columns, flowing bottom to top (the Transformer's Figure 1).

Each column is a sequence of items placed bottom-up and centred on the column's axis: free
labels, blocks (rounded rectangles sized from their text; all blocks of a figure share one
width, as in the paper), sums (⊕, optionally with the positional-encoding symbol beside them)
and stacks (a grey rounded box around some items, with an "N×" label on the column's outer
side). Arrows are computed, never placed by hand:

* every item gets ``heads`` arrows from the item below it (fan-in when more than one: the
  stream rises, splits, and enters the block's bottom at evenly spaced points);
* ``residual: X`` on a block draws the skip connection that leaves the stream below X, runs
  up the column's outer side and enters the block from the side;
* ``links`` join columns: they leave the top of the source, rise clear of it, run across and
  enter the target block from below. A target lower than that (the Transformer's cross
  attention, below the top of the encoder) is reached through the gutter between the
  columns: the link comes down there and enters the target's column from the side, so the
  target's column keeps its even spacing.

All arrows are bound to the shapes at both ends.

Here: drawing the shapes, and :func:`build_blocks`. The placement is in :mod:`.blocks_layout`,
the arrows' routes in :mod:`.blocks_arrows`.
"""

from __future__ import annotations

import math

from .blocks_arrows import BlockArrows
from .blocks_layout import (
    ARROW_GAP,
    CAPTION_PAD,
    PE,
    PE_DIST,
    SHAPE_GAP,
    STACK_IN,
    STACK_OUT,
    SUM,
    TOKEN_GAP,
    BlocksLayout,
    ColumnLayout,
    Placed,
    StackBox,
)
from .blocks_links import LinkRouter, box_of
from .elements import SceneBuilder
from .palettes import INK, SHAPE_INK, colors_for
from .schema import FigureSpec, ItemSpec
from .text import text_size


class BlocksDrawing:
    """Draws a laid-out block diagram: stack boxes behind, arrows, then the items on top."""

    def __init__(self, layout: BlocksLayout) -> None:
        self.layout = layout
        self.arrows = BlockArrows(layout)
        self.spec = layout.spec
        self.b = layout.b
        self.fam = layout.fam
        self.size = layout.size

    def draw(self) -> None:
        for col in self.layout.columns:
            for box in col.stacks.values():
                self._draw_stack(col, box)
        shapes_start = len(self.b.elements)
        for col in self.layout.columns:
            for p in col.placed:
                self._draw_item(col, p)
        arrows_start = len(self.b.elements)
        containers = {
            f"{box.item.id}" for col in self.layout.columns for box in col.stacks.values()
        }
        self.arrows.obstacles = [
            box_of(e)
            for e in self.b.elements[shapes_start:]
            if e["type"] in ("rectangle", "ellipse")
            or (e["type"] == "text" and e.get("containerId") is None)
        ]
        for col in self.layout.columns:
            for p in col.placed:
                if len(p.preds) == 1 and p.item.heads > 0:
                    self.arrows.inputs(col, p.preds[0], p)
                elif p.preds and p.item.heads > 0:
                    self.arrows.join(col, p)
                if p.item.residual is not None:
                    self.arrows.residual(col, p)
        router = LinkRouter(self.layout, containers)
        for link in self.layout.diagram.links:  # every link the columns did not draw
            if id(link) not in self.arrows.drawn:
                router.draw(link)
        arrows = self.b.elements[arrows_start:]
        shapes = self.b.elements[shapes_start:arrows_start]
        head = self.b.elements[:shapes_start]
        self.b.elements[:] = head + arrows + shapes

    def _colors(self, item: ItemSpec) -> tuple[str, str]:
        c = colors_for(self.spec.palette, item.style if item.kind == "block" else "plain")
        return item.fill or c.fill, item.stroke or c.stroke

    def _groups(self, item: ItemSpec) -> list[str]:
        return [f"stack:{item.stack}"] if item.stack else []

    def _draw_stack(self, col: ColumnLayout, box: StackBox) -> None:
        c = colors_for(self.spec.palette, "stack")
        item = box.item
        half = self.layout.half_width(col, item.id)
        cap = self.layout.caption_size(item) if self.layout.frame.turned else 0.0
        if col.sign < 0:
            x0, x1 = col.x - half - STACK_OUT - cap, col.x + half + STACK_IN
        else:
            x0, x1 = col.x - half - STACK_IN - cap, col.x + half + STACK_OUT
        groups = [f"stack:{item.id}"]
        rect = self.b.rect(
            item.id,
            x0,
            box.top,
            x1 - x0,
            box.bottom - box.top,
            fill=item.fill or c.fill,
            stroke=item.stroke or c.stroke,
            groups=groups,
        )
        if item.caption:  # a group: its caption inside the box, at the top left
            size = self.size + 2
            _, th = text_size(item.text, self.fam, size)
            label = self.b.raw.text(
                f"{item.id}.label",
                rect["x"] + CAPTION_PAD + 4,
                rect["y"] + CAPTION_PAD + th / 2,
                item.text,
                size=size,
                align="left",
                groups=groups,
            )
        elif col.sign < 0:
            label = self.b.text(
                f"{item.id}.label",
                x0 - 12,
                (box.top + box.bottom) / 2,
                item.text,
                size=self.size + 4,
                align="right",
                groups=groups,
            )
        else:
            label = self.b.text(
                f"{item.id}.label",
                x1 + 12,
                (box.top + box.bottom) / 2,
                item.text,
                size=self.size + 4,
                align="left",
                groups=groups,
            )
        for ref in (item.id, item.column):
            self.b.tag(ref, rect, shape=True)
            self.b.tag(ref, label)

    def _draw_item(self, col: ColumnLayout, p: Placed) -> None:
        item = p.item
        groups = self._groups(item)
        if item.kind == "block":
            fill, stroke = self._colors(item)
            rect = self.b.rect(
                item.id, p.left, p.top, p.width, p.height, fill=fill, stroke=stroke, groups=groups
            )
            text = self.b.bound_text(rect, item.text)
            p.element = rect
            self.layout.tag(item, rect, shape=True)
            self.layout.tag(item, text)
        elif item.kind == "sum":
            self._draw_sum(col, p, groups)
        elif self.layout.frame.turned:
            self._draw_turned_label(p, groups)
        else:
            self._draw_label(col, p, groups)
        if item.shape:
            self._draw_shape(col, p, groups)

    def _draw_shape(self, col: ColumnLayout, p: Placed, groups: list[str]) -> None:
        """The tensor-shape annotation, in grey, beside the item on the column's inner side."""
        s = -col.sign
        anchor = p.x + s * (p.width / 2 + SHAPE_GAP)
        shape = self.b.text(
            f"{p.item.id}.shape",
            anchor,
            p.top + p.height / 2,
            p.item.shape or "",
            size=self.size - 2,
            align="left" if s > 0 else "right",
            color=SHAPE_INK,
            groups=groups,
        )
        self.layout.tag(p.item, shape)

    def _draw_turned_label(self, p: Placed, groups: list[str]) -> None:
        """A free label of a diagram flowing right: the text, centred in its slot."""
        label = self.b.text(p.item.id, p.x, p.top + p.height / 2, p.item.text, groups=groups)
        p.element = label
        self.layout.tag(p.item, label)
        _, top, _, along = self.layout.frame.unbox(label)
        p.top, p.height = top, along  # arrows meet the text, not its whole slot

    def _draw_sum(self, col: ColumnLayout, p: Placed, groups: list[str]) -> None:
        item = p.item
        cx, cy = p.x, p.top + SUM / 2
        g = [f"sum:{item.id}", *groups]
        circle = self.b.ellipse(item.id, cx, cy, SUM, fill="#ffffff", stroke=INK, groups=g)
        p.element = circle
        arm = SUM / 2 - 0.5
        h = self.b.line(f"{item.id}.h", [(cx - arm, cy), (cx + arm, cy)], groups=g)
        v = self.b.line(f"{item.id}.v", [(cx, cy - arm), (cx, cy + arm)], groups=g)
        self.layout.tag(item, circle, shape=True)
        self.layout.tag(item, h, v)
        if item.positional is None:
            return
        s = col.sign
        px = cx + s * (SUM / 2 + PE_DIST + PE / 2)
        pg = [f"pe:{item.id}", *groups]
        symbol = self.b.ellipse(f"{item.id}.pe", px, cy, PE, fill="#ffffff", stroke=INK, groups=pg)
        wx, wy = self.layout.frame.pt(px, cy)  # the wave stays upright when the figure turns
        wave = [
            (wx - PE * 0.34 + PE * 0.68 * k / 8, wy - PE * 0.22 * _sine(k / 8)) for k in range(9)
        ]
        wave_line = self.b.raw.line(f"{item.id}.pe.wave", wave, curved=True, groups=pg)
        parts = [symbol, wave_line]
        if item.positional:
            anchor = px + s * (PE / 2 + 10)
            label = self.b.text(
                f"{item.id}.pe.label",
                anchor,
                cy,
                item.positional,
                align="right" if s < 0 else "left",
                groups=pg,
            )
            parts.append(label)
        start = (px - s * (PE / 2 + ARROW_GAP), cy)
        end = (cx + s * (SUM / 2 + ARROW_GAP), cy)
        arrow = self.b.arrow(f"arrow:{item.id}.pe>{item.id}", [start, end], symbol, circle)
        self.layout.tag(item, *parts, arrow)

    def _draw_label(self, col: ColumnLayout, p: Placed, groups: list[str]) -> None:
        item = p.item
        _, th = text_size(item.text, self.fam, self.size)
        row_h = self.layout.token_row(item)[1] if item.tokens else 0.0
        if col.placed[0] is p:  # at the bottom: text at the top of its slot, tokens below
            text_top = p.top
            row_top = p.top + th + TOKEN_GAP
        elif col.placed[-1] is p:  # at the top: text at the bottom, tokens above
            text_top = p.bottom - th
            row_top = text_top - TOKEN_GAP - row_h
        else:
            text_top = p.top + (p.height - th) / 2
            row_top = text_top - TOKEN_GAP - row_h
        label = self.b.text(item.id, p.x, text_top + th / 2, item.text, groups=groups)
        p.element = label
        self.layout.tag(item, label)
        if item.tokens:
            row_w, row_h, widths = self.layout.token_row(item)
            x = p.x - row_w / 2
            c = colors_for(self.spec.palette, "token")
            for k, (token, w) in enumerate(zip(item.tokens, widths, strict=True), start=1):
                ref = f"{item.id}[{k}]"
                box = self.b.rect(
                    ref,
                    x,
                    row_top,
                    w,
                    row_h,
                    fill=c.fill,
                    stroke=c.stroke,
                    groups=[f"tokens:{item.id}", *groups],
                )
                text = self.b.bound_text(box, token)
                self.b.tag(ref, box, shape=True)
                self.b.tag(ref, text)
                self.layout.tag(item, box, text)
                x += w + 8
        # arrows meet the label's text, not its whole slot
        p.top, p.height = label["y"], label["height"]


def _sine(t: float) -> float:
    return math.sin(t * 2 * math.pi)


def build_blocks(spec: FigureSpec, builder: SceneBuilder) -> None:
    layout = BlocksLayout(spec, builder)
    layout.layout()
    BlocksDrawing(layout).draw()
