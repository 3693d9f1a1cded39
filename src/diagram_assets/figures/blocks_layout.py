"""Where the items of a block diagram go: their sizes, each column's items placed bottom-up,
and the columns side by side (see :mod:`.blocks` for what is drawn there)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .elements import SceneBuilder
from .geometry import Element
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
    """The items of a block diagram placed in columns; the builder they are drawn into."""

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
    def token_row(self, item: ItemSpec) -> tuple[float, float, list[float]]:
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
            row_w, row_h, _ = self.token_row(item)
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
                p.x = col.x

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

    def column_of(self, p: Placed) -> ColumnLayout:
        return next(col for col in self.columns if p in col.placed)

    def tag(self, item: ItemSpec, *elements: Element, shape: bool = False) -> None:
        """Record ``elements`` as drawn for ``item``, its column and its stack (for steps)."""
        refs = [item.id, item.column] + ([item.stack] if item.stack else [])
        for ref in refs:
            self.b.tag(ref, *elements, shape=shape)
