"""Where the items of a block diagram go: their sizes, each column's items placed bottom-up,
and the columns side by side (see :mod:`.blocks` for what is drawn there)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .blocks_frame import Frame, FramedBuilder
from .elements import SceneBuilder
from .geometry import Element
from .model import LinkSpec
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
LANE_GAP = 24  # between parallel branches
LANE_MIN = 90  # the narrowest block in a branch
SHAPE_GAP = 8  # from a block to its shape annotation
CAPTION_PAD = 6  # around a group's caption, inside its box
MIN_ALONG = 70  # turned diagrams: the shortest block along the flow


@dataclass
class Placed:
    item: ItemSpec
    width: float
    height: float
    x: float = 0.0  # centre
    top: float = 0.0
    element: Element | None = None
    text_dy: float = 0.0  # label text offset inside its slot (tokens take the rest)
    dx: float = 0.0  # branches: the lane's offset from the column's axis
    preds: list[Placed] = field(default_factory=list)  # the items whose stream enters this one

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
    # branches id → (half width, top, bottom) of the branches with their fanning arrows
    lanes: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    x: float = 0.0
    left: float = 0.0  # extents relative to the column axis
    right: float = 0.0


class BlocksLayout:
    """The items of a block diagram placed in columns; the builder they are drawn into."""

    def __init__(self, spec: FigureSpec, builder: SceneBuilder) -> None:
        assert spec.blocks is not None
        self.spec = spec
        self.diagram: BlocksSpec = spec.blocks
        self.frame = Frame(self.diagram.orientation)
        self.b = FramedBuilder(builder, self.frame)
        self.fam = builder.style.font_family
        self.size = builder.style.font_size
        self.items = self.diagram.all_items()
        self.skipped = {
            it.residual.target: it.id for it in self.items.values() if it.residual is not None
        }
        self.linked: dict[str, list[LinkSpec]] = {}
        for link in self.diagram.links:
            self.linked.setdefault(link.target.target, []).append(link)
        if self.frame.turned:  # blocks share their height; each is as long as its text
            heights = [
                text_size(it.text, self.fam, self.size)[1] + 2 * PAD_Y
                for it in self.items.values()
                if it.kind == "block"
            ]
            self.block_width = round(max([44.0, *heights]))
        else:
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
    def token_row(self, item: ItemSpec) -> tuple[float, float, list[float]]:
        widths = [max(28.0, text_size(t, self.fam, self.size)[0] + 14) for t in item.tokens]
        h = text_size("Ag", self.fam, self.size)[1] + 10
        total = sum(widths) + 8 * (len(widths) - 1)
        return total, h, widths

    def across(self, text: str, size: float | None = None) -> float:
        """How far ``text`` reaches across the flow (its width; its height when turned)."""
        w, h = text_size(text, self.fam, size or self.size)
        return h if self.frame.turned else w

    def _size(self, item: ItemSpec) -> tuple[float, float]:
        tw, th = text_size(item.text, self.fam, self.size)
        if item.kind == "block":
            if self.frame.turned:
                return self.block_width, round(max(MIN_ALONG, tw + 2 * PAD_X))
            pad = BAR_PAD_Y if item.style == "norm" else PAD_Y
            return self.block_width, round(th + 2 * pad)
        if item.kind == "sum":
            return SUM, SUM
        if item.tokens:
            row_w, row_h, _ = self.token_row(item)
            return max(tw, row_w), th + TOKEN_GAP + row_h
        return self.frame.dims(tw, th)

    def _gap_below(self, item: ItemSpec) -> float:
        if item.id in self.linked:
            gap = LINK_GAP
        elif item.heads > 1 or item.id in self.skipped or item.kind == "branches":
            gap = BRANCH_GAP
        else:
            gap = GAP
        return gap

    # -- vertical layout ----------------------------------------------------------------
    def caption_size(self, box: ItemSpec) -> float:
        """The room a group's caption takes at the top of its box (0 for a stack)."""
        if not box.caption:
            return 0.0
        return text_size(box.text, self.fam, self.size + 2)[1] + CAPTION_PAD

    def _layout_column(self, col: ColumnLayout, first_slot: float, last_slot: float) -> None:
        col.placed = []
        col.stacks = {}
        col.lanes = {}
        cursor = 0.0  # the bottom of the next item; the flow goes up (towards −y)
        items = col.spec.items
        last: list[Placed] = []  # what the stream into the next item comes from
        for n, item in enumerate(items):
            if item.kind == "stack":
                box = StackBox(item, bottom=cursor)
                cursor -= STACK_BOTTOM
                for k, inner in enumerate(item.items):
                    if k > 0:
                        cursor -= self._gap_below(inner)
                    else:
                        cursor -= max(0.0, self._gap_below(inner) - BRANCH_GAP)
                    cursor, last = self._place(col, inner, cursor, last)
                cursor -= STACK_TOP
                if not self.frame.turned:
                    cursor -= self.caption_size(item)
                box.top = cursor
                col.stacks[item.id] = box
            elif item.kind == "branches":
                cursor, last = self._place(col, item, cursor, last)
            else:
                p = self._placed(item)
                if item.kind == "label" and n == 0:
                    p.height = max(first_slot, p.height)
                elif item.kind == "label" and n == len(items) - 1:
                    p.height = max(last_slot, p.height)
                p.top = cursor - p.height
                p.preds = last
                col.placed.append(p)
                cursor = p.top
                last = [p]
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

    def _place(
        self, col: ColumnLayout, item: ItemSpec, cursor: float, last: list[Placed]
    ) -> tuple[float, list[Placed]]:
        """Place ``item`` (or parallel branches) above ``cursor``: the new cursor, and the
        items the stream into the next item leaves from."""
        if item.kind != "branches":
            p = self._placed(item)
            p.top = cursor - p.height
            p.preds = last
            col.placed.append(p)
            return p.top, [p]
        lanes = [[self._placed(it) for it in lane] for lane in item.lanes]
        if not self.frame.turned:  # blocks in branches are as wide as their own text
            for p in (p for lane in lanes for p in lane if p.item.kind == "block"):
                tw = text_size(p.item.text, self.fam, self.size)[0]
                p.width = max(LANE_MIN, round(tw + 2 * PAD_X))
        widths = [max(p.width for p in lane) for lane in lanes]
        x = -(sum(widths) + LANE_GAP * (len(lanes) - 1)) / 2
        top = cursor
        ends: list[Placed] = []
        for lane, width in zip(lanes, widths, strict=True):
            y, preds = cursor, last
            for k, p in enumerate(lane):
                if k > 0:
                    y -= self._gap_below(p.item)
                p.top, p.dx, p.preds = y - p.height, x + width / 2, preds
                col.placed.append(p)
                y, preds = p.top, [p]
            top = min(top, y)
            ends.append(lane[-1])
            x += width + LANE_GAP
        # for routed links the branches and the arrows fanning in and out are one obstacle
        col.lanes[item.id] = (x - LANE_GAP, top - BRANCH_AT, cursor + BRANCH_AT)
        return top, ends

    def half_width(self, col: ColumnLayout, stack: str | None = None) -> float:
        """Half the width the items of ``col`` (or of one of its stacks) take around its axis."""
        half = self.block_width / 2
        for p in col.placed:
            if stack is None or p.item.stack == stack:
                half = max(half, abs(p.dx) + p.width / 2 if p.dx else half)
        return half

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

    def find_any(self, ident: str) -> Placed:
        return self.find(ident)[1]

    def find(self, ident: str) -> tuple[ColumnLayout, Placed]:
        for col in self.columns:
            for p in col.placed:
                if p.item.id == ident:
                    return col, p
        raise KeyError(ident)

    def exit_top(self, col: ColumnLayout, p: Placed) -> float:
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
            if col.spec.start_at is not None:
                self._start_at(col, self.find(col.spec.start_at.target)[1])
        # align the columns' bottoms, then place them side by side
        for col in self.columns:
            self._extents(col)
        for i, col in enumerate(self.columns):
            if i == 0:
                col.x = -col.left
            else:
                prev = self.columns[i - 1]
                col.x = prev.x + prev.right + COLUMN_GAP - col.left
            for p in col.placed:
                p.x = col.x + p.dx

    def _start_at(self, col: ColumnLayout, level: Placed) -> None:
        """Move ``col`` along the flow so that its first item is level with ``level``: centred
        on it, or a stack or group starting where it starts."""
        first = col.spec.items[0]
        if first.kind == "stack":
            shift = level.bottom - col.stacks[first.id].bottom
        else:
            p = col.placed[0]
            shift = (level.top + level.bottom - p.top - p.bottom) / 2
        for p in col.placed:
            p.top += shift
        for box in col.stacks.values():
            box.top += shift
            box.bottom += shift
        for key, (half, top, bottom) in col.lanes.items():
            col.lanes[key] = (half, top + shift, bottom + shift)

    def _extents(self, col: ColumnLayout) -> None:
        left = right = 0.0
        for p in col.placed:
            left = min(left, p.dx - p.width / 2)
            right = max(right, p.dx + p.width / 2)
            if p.item.shape:
                reach = (
                    abs(p.dx) + p.width / 2 + SHAPE_GAP + self.across(p.item.shape, self.size - 2)
                )
                if col.sign < 0:
                    right = max(right, reach)
                else:
                    left = min(left, -reach)
            if p.item.kind == "sum" and p.item.positional is not None:
                reach = SUM / 2 + PE_DIST + PE
                if p.item.positional:
                    reach += 10 + self.across(p.item.positional)
                if col.sign < 0:
                    left = min(left, -reach)
                else:
                    right = max(right, reach)
        for box in col.stacks.values():
            half = self.half_width(col, box.item.id)
            out = half + STACK_OUT
            inn = half + STACK_IN
            label = 12 + self.across(box.item.text, self.size + 4)
            if box.item.caption:  # the caption is inside the box (turned: on its top side)
                label = self.caption_size(box.item) if self.frame.turned else 0.0
                out += label if col.sign < 0 else 0.0
                inn += label if col.sign > 0 else 0.0
                label = 0.0
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

    def column_of(self, p: Placed) -> ColumnLayout:
        return next(col for col in self.columns if p in col.placed)

    def tag(self, item: ItemSpec, *elements: Element, shape: bool = False) -> None:
        """Record ``elements`` as drawn for ``item``, its column and its stack (for steps)."""
        refs = [item.id, item.column] + ([item.stack] if item.stack else [])
        for ref in refs:
            self.b.tag(ref, *elements, shape=shape)
