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
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .elements import Element, Point, SceneBuilder
from .palettes import INK, colors_for
from .schema import BlocksSpec, ColumnSpec, FigureSpec, ItemSpec
from .text import text_size

PAD_X = 14  # text to block edge, horizontally
PAD_Y = 10  # text to block edge, vertically
BAR_PAD_Y = 3  # Add & Norm bars are thin
MIN_WIDTH = 130
GAP = 30  # between consecutive items (one arrow)
BRANCH_GAP = 50  # below an item whose inputs split (fan-in, residual)
LINK_GAP = 72  # below an item that links from another column enter
BRANCH_AT = 24  # the split point's distance below the item
LINK_AT = 24  # the level links run at, below their target
LINK_CLEAR = 18  # how far a link rises above its source (or the source's stack box)
SUM = 22  # ⊕ diameter
PE = 30  # positional-encoding symbol diameter
PE_DIST = 44  # from the ⊕'s rim to the symbol's rim
STACK_IN = 14  # stack box padding on the column's inner side
STACK_OUT = 34  # … on the outer side (the residual channel runs there)
STACK_TOP = 14
STACK_BOTTOM = 38  # leaves room for the split point inside the box
STACK_GAP = 18  # between the stack box and the items outside it
CHANNEL = 17  # residual channel: distance from the blocks' edge
COLUMN_GAP = 56
TOKEN_GAP = 10
ARROW_GAP = 1


@dataclass
class Placed:
    item: ItemSpec
    width: float
    height: float
    x: float = 0.0  # centre
    top: float = 0.0
    element: Element | None = None
    text_dy: float = 0.0  # label text offset inside its slot (tokens take the rest)

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2


@dataclass
class StackBox:
    item: ItemSpec
    top: float = 0.0
    bottom: float = 0.0


@dataclass
class ColumnLayout:
    spec: ColumnSpec
    sign: int  # -1 when the outer side is on the left
    placed: list[Placed] = field(default_factory=list)
    stacks: dict[str, StackBox] = field(default_factory=dict)
    x: float = 0.0
    left: float = 0.0  # extents relative to the column axis
    right: float = 0.0


class BlocksLayout:
    def __init__(self, spec: FigureSpec, builder: SceneBuilder) -> None:
        assert spec.blocks is not None
        self.spec = spec
        self.diagram: BlocksSpec = spec.blocks
        self.b = builder
        self.fam = builder.style.font_family
        self.size = builder.style.font_size
        self.items = self.diagram.all_items()
        self.skipped = {
            it.residual.target: it.id for it in self.items.values() if it.residual is not None
        }
        self.linked: dict[str, list[tuple[str, int]]] = {}
        for link in self.diagram.links:
            self.linked.setdefault(link.target.target, []).append((link.source.target, link.count))
        widths = [
            text_size(it.text, self.fam, self.size)[0] + 2 * PAD_X
            for it in self.items.values()
            if it.kind == "block"
        ]
        self.block_width = max([MIN_WIDTH, *widths])
        self.columns = [
            ColumnLayout(c, -1 if c.side == "left" else 1) for c in self.diagram.columns
        ]

    # -- sizes ------------------------------------------------------------------------
    def _token_row(self, item: ItemSpec) -> tuple[float, float, list[float]]:
        widths = [max(28.0, text_size(t, self.fam, self.size)[0] + 14) for t in item.tokens]
        h = text_size("Ag", self.fam, self.size)[1] + 10
        total = sum(widths) + 8 * (len(widths) - 1)
        return total, h, widths

    def _size(self, item: ItemSpec) -> tuple[float, float]:
        tw, th = text_size(item.text, self.fam, self.size)
        if item.kind == "block":
            pad = BAR_PAD_Y if item.style == "norm" else PAD_Y
            return self.block_width, round(th + 2 * pad)
        if item.kind == "sum":
            return SUM, SUM
        if item.tokens:
            row_w, row_h, _ = self._token_row(item)
            return max(tw, row_w), th + TOKEN_GAP + row_h
        return tw, th

    def _gap_below(self, item: ItemSpec) -> float:
        if item.id in self.linked:
            gap = LINK_GAP
        elif item.heads > 1 or item.id in self.skipped:
            gap = BRANCH_GAP
        else:
            gap = GAP
        return gap

    # -- vertical layout ----------------------------------------------------------------
    def _layout_column(self, col: ColumnLayout, first_slot: float, last_slot: float) -> None:
        col.placed = []
        col.stacks = {}
        cursor = 0.0  # the bottom of the next item; the flow goes up (towards −y)
        items = col.spec.items
        for n, item in enumerate(items):
            if item.kind == "stack":
                box = StackBox(item, bottom=cursor)
                cursor -= STACK_BOTTOM
                for k, inner in enumerate(item.items):
                    if k > 0:
                        cursor -= self._gap_below(inner)
                    else:
                        cursor -= max(0.0, self._gap_below(inner) - BRANCH_GAP)
                    cursor = self._place(col, inner, cursor)
                cursor -= STACK_TOP
                box.top = cursor
                col.stacks[item.id] = box
            else:
                p = self._placed(item)
                if item.kind == "label" and n == 0:
                    p.height = max(first_slot, p.height)
                elif item.kind == "label" and n == len(items) - 1:
                    p.height = max(last_slot, p.height)
                p.top = cursor - p.height
                col.placed.append(p)
                cursor = p.top
            if n + 1 < len(items):
                nxt = items[n + 1]
                if nxt.kind == "stack":
                    cursor -= STACK_GAP
                elif item.kind == "stack":
                    cursor -= STACK_GAP + self._gap_below(nxt) - GAP
                else:
                    cursor -= self._gap_below(nxt)

    def _placed(self, item: ItemSpec) -> Placed:
        w, h = self._size(item)
        return Placed(item, w, h)

    def _place(self, col: ColumnLayout, item: ItemSpec, cursor: float) -> float:
        p = self._placed(item)
        p.top = cursor - p.height
        col.placed.append(p)
        return p.top

    def _first_last_slots(self) -> tuple[float, float]:
        first = 0.0
        last = 0.0
        for col in self.columns:
            items = col.spec.items
            if items[0].kind == "label":
                first = max(first, self._size(items[0])[1])
            if items[-1].kind == "label" and len(items) > 1:
                last = max(last, self._size(items[-1])[1])
        return first, last

    def _find(self, ident: str) -> tuple[ColumnLayout, Placed]:
        for col in self.columns:
            for p in col.placed:
                if p.item.id == ident:
                    return col, p
        raise KeyError(ident)

    def _exit_top(self, col: ColumnLayout, p: Placed) -> float:
        """Where an arrow leaving the top of ``p`` is clear of its stack box."""
        if p.item.stack is not None:
            box = col.stacks[p.item.stack]
            if box.item.items[-1] is p.item:
                return box.top
        return p.top

    def layout(self) -> None:
        first, last = self._first_last_slots()
        for col in self.columns:
            self._layout_column(col, first, last)
        # align the columns' bottoms, then place them side by side
        for col in self.columns:
            self._extents(col)
        x = 0.0
        for i, col in enumerate(self.columns):
            if i == 0:
                col.x = -col.left
            else:
                prev = self.columns[i - 1]
                col.x = prev.x + prev.right + COLUMN_GAP - col.left
            for p in col.placed:
                p.x = col.x
            x = col.x
        del x

    def _extents(self, col: ColumnLayout) -> None:
        left = right = 0.0
        for p in col.placed:
            left = min(left, -p.width / 2)
            right = max(right, p.width / 2)
            if p.item.kind == "sum" and p.item.positional is not None:
                reach = SUM / 2 + PE_DIST + PE
                if p.item.positional:
                    reach += 10 + text_size(p.item.positional, self.fam, self.size)[0]
                if col.sign < 0:
                    left = min(left, -reach)
                else:
                    right = max(right, reach)
        for box in col.stacks.values():
            out = self.block_width / 2 + STACK_OUT
            inn = self.block_width / 2 + STACK_IN
            label = 12 + text_size(box.item.text, self.fam, self.size + 4)[0]
            if col.sign < 0:
                left, right = min(left, -out - label), max(right, inn)
            else:
                left, right = min(left, -inn), max(right, out + label)
        if any(it.residual is not None for it in col.spec.flat()):
            channel = self.block_width / 2 + CHANNEL
            if col.sign < 0:
                left = min(left, -channel - 4)
            else:
                right = max(right, channel + 4)
        col.left, col.right = left, right

    # -- drawing ------------------------------------------------------------------------
    def draw(self) -> None:
        backdrop: list[Element] = []
        for col in self.columns:
            for box in col.stacks.values():
                backdrop += self._draw_stack(col, box)
        shapes_start = len(self.b.elements)
        for col in self.columns:
            for p in col.placed:
                self._draw_item(col, p)
        arrows_start = len(self.b.elements)
        for col in self.columns:
            for n, p in enumerate(col.placed):
                if n > 0 and p.item.heads > 0:
                    self._inputs(col, col.placed[n - 1], p)
                if p.item.residual is not None:
                    self._residual(col, p)
        arrows = self.b.elements[arrows_start:]
        shapes = self.b.elements[shapes_start:arrows_start]
        head = self.b.elements[:shapes_start]
        self.b.elements[:] = head + arrows + shapes
        del backdrop

    def _colors(self, item: ItemSpec) -> tuple[str, str]:
        c = colors_for(self.spec.palette, item.style if item.kind == "block" else "plain")
        return item.fill or c.fill, item.stroke or c.stroke

    def _groups(self, item: ItemSpec) -> list[str]:
        return [f"stack:{item.stack}"] if item.stack else []

    def _tag(self, item: ItemSpec, *elements: Element, shape: bool = False) -> None:
        refs = [item.id, item.column] + ([item.stack] if item.stack else [])
        for ref in refs:
            self.b.tag(ref, *elements, shape=shape)

    def _draw_stack(self, col: ColumnLayout, box: StackBox) -> list[Element]:
        c = colors_for(self.spec.palette, "stack")
        half = self.block_width / 2
        if col.sign < 0:
            x0, x1 = col.x - half - STACK_OUT, col.x + half + STACK_IN
        else:
            x0, x1 = col.x - half - STACK_IN, col.x + half + STACK_OUT
        groups = [f"stack:{box.item.id}"]
        rect = self.b.rect(
            box.item.id,
            x0,
            box.top,
            x1 - x0,
            box.bottom - box.top,
            fill=c.fill,
            stroke=c.stroke,
            groups=groups,
        )
        size = self.size + 4
        tw, _ = text_size(box.item.text, self.fam, size)
        cy = (box.top + box.bottom) / 2
        if col.sign < 0:
            label = self.b.text(
                f"{box.item.id}.label",
                x0 - 12,
                cy,
                box.item.text,
                size=size,
                align="right",
                groups=groups,
            )
        else:
            label = self.b.text(
                f"{box.item.id}.label",
                x1 + 12,
                cy,
                box.item.text,
                size=size,
                align="left",
                groups=groups,
            )
        del tw
        for ref in (box.item.id, box.item.column):
            self.b.tag(ref, rect, shape=True)
            self.b.tag(ref, label)
        return [rect, label]

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
            self._tag(item, rect, shape=True)
            self._tag(item, text)
        elif item.kind == "sum":
            self._draw_sum(col, p, groups)
        else:
            self._draw_label(col, p, groups)

    def _draw_sum(self, col: ColumnLayout, p: Placed, groups: list[str]) -> None:
        item = p.item
        cx, cy = p.x, p.top + SUM / 2
        g = [f"sum:{item.id}", *groups]
        circle = self.b.ellipse(item.id, cx, cy, SUM, fill="#ffffff", stroke=INK, groups=g)
        p.element = circle
        arm = SUM / 2 - 0.5
        h = self.b.line(f"{item.id}.h", [(cx - arm, cy), (cx + arm, cy)], groups=g)
        v = self.b.line(f"{item.id}.v", [(cx, cy - arm), (cx, cy + arm)], groups=g)
        self._tag(item, circle, shape=True)
        self._tag(item, h, v)
        if item.positional is None:
            return
        s = col.sign
        px = cx + s * (SUM / 2 + PE_DIST + PE / 2)
        pg = [f"pe:{item.id}", *groups]
        symbol = self.b.ellipse(f"{item.id}.pe", px, cy, PE, fill="#ffffff", stroke=INK, groups=pg)
        wave = [
            (px - PE * 0.34 + PE * 0.68 * k / 8, cy - PE * 0.22 * _sine(k / 8)) for k in range(9)
        ]
        wave_line = self.b.line(f"{item.id}.pe.wave", wave, curved=True, groups=pg)
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
        self._tag(item, *parts, arrow)

    def _draw_label(self, col: ColumnLayout, p: Placed, groups: list[str]) -> None:
        item = p.item
        _, th = text_size(item.text, self.fam, self.size)
        row_h = self._token_row(item)[1] if item.tokens else 0.0
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
        self._tag(item, label)
        if item.tokens:
            row_w, row_h, widths = self._token_row(item)
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
                self._tag(item, box, text)
                x += w + 8
        # arrows meet the label's text, not its whole slot
        p.top, p.height = label["y"], label["height"]

    # -- arrows -----------------------------------------------------------------------
    def _slots(self, target: Placed, n: int) -> list[float]:
        return [target.left + target.width * (k + 1) / (n + 1) for k in range(n)]

    def _input_layout(self, col: ColumnLayout, below: Placed, target: Placed) -> dict:
        """Slots at the target's bottom: links from the left first, the stream, then the right."""
        links = self.linked.get(target.item.id, [])
        from_left: list[str] = []
        from_right: list[str] = []
        for source, count in links:
            scol, _ = self._find(source)
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

    def _inputs(self, col: ColumnLayout, below: Placed, target: Placed) -> None:
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
            self._tag(target.item, arrow)
        for side in ("left", "right"):
            for k, (source, x) in enumerate(plan[side], start=1):
                self._link(source, target, x, k)

    def _column_of(self, p: Placed) -> ColumnLayout:
        return next(col for col in self.columns if p in col.placed)

    def _gutter(self, source: ColumnLayout, target: ColumnLayout) -> float:
        """x of the middle of the gap beside ``target`` on the side ``source`` is on."""
        if source.x < target.x:
            return target.x + target.left - COLUMN_GAP / 2
        return target.x + target.right + COLUMN_GAP / 2

    def _link(self, source: str, target: Placed, x: float, k: int) -> None:
        src_col, src = self._find(source)
        assert src.element is not None and target.element is not None
        level = target.bottom + LINK_AT
        clear = self._exit_top(src_col, src) - LINK_CLEAR
        start = (src.x, src.top - ARROW_GAP)
        end = (x, target.bottom + ARROW_GAP)
        pts: list[Point]
        if level <= clear:  # the target is high enough: up, across, up
            pts = [start, (src.x, level), (x, level), end]
        else:  # up clear of the source, across to the gutter, down, in from the side, up
            gutter = self._gutter(src_col, self._column_of(target))
            pts = [start, (src.x, clear), (gutter, clear), (gutter, level), (x, level), end]
        arrow = self.b.arrow(
            f"link:{source}>{target.item.id}#{k}", pts, src.element, target.element
        )
        self._tag(target.item, arrow)
        self._tag(src.item, arrow)

    def _residual(self, col: ColumnLayout, p: Placed) -> None:
        assert p.item.residual is not None and p.element is not None
        skipped_id = p.item.residual.target
        n = next(i for i, q in enumerate(col.placed) if q.item.id == skipped_id)
        skipped, below = col.placed[n], col.placed[n - 1]
        assert below.element is not None
        plan = self._input_layout(col, below, skipped)
        sx = self._stream_start(below, plan["stream"])
        split = skipped.bottom + (BRANCH_AT + 22 if plan["left"] or plan["right"] else BRANCH_AT)
        s = col.sign
        channel = col.x + s * (self.block_width / 2 + CHANNEL)
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
        self._tag(p.item, arrow)


def _sine(t: float) -> float:
    import math

    return math.sin(t * 2 * math.pi)


def build_blocks(spec: FigureSpec, builder: SceneBuilder) -> None:
    layout = BlocksLayout(spec, builder)
    layout.layout()
    layout.draw()
