"""The figure spec as declared keys (key → what it means) and the typed result of reading it.

The reading itself: :mod:`.schema` (the whole spec), :mod:`.layers_spec`, :mod:`.blocks_spec`,
:mod:`.refs` and :mod:`.include`. The format is described in ``SPEC.md`` beside this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..specyaml import Node
from .data_model import TableSpec, TimelineSpec
from .palettes import CellType

STYLES = ("clean", "sketch")
ORIENTATIONS = ("left-to-right", "bottom-to-top")
CONNECT_KINDS = ("full", "one-to-one", "none")
LAYOUTS = ("layers", "ring")  # layered nets: columns (or rows), or every cell on one circle
HEIGHTS = ("equal", "proportional", "log")  # how many cells a shortened layer draws
MAX_WINDOW = 1_000
SIDES = ("left", "right")
# block diagrams flow up the page or to the right (the other spellings read the same)
BLOCK_ORIENTATIONS = ("up", "right", "bottom-to-top", "left-to-right")
MAX_LAYER_SIZE = 1_000_000
MAX_INCLUDE_DEPTH = 8


COMMON_KEYS = {
    "name": "the output file name (without extension)",
    "title": "a caption drawn above the figure",
    "style": "clean or sketch",
    "palette": "zoo or transformer (tables and timelines: paper)",
    "font_size": "text size in pixels",
    "include": "another spec this one extends",
    "patch": "changes to the included spec's layers/items, by id",
    "hidden": "ids hidden until a step shows them",
    "steps": "named steps for animations",
}
LAYERS_KEYS = {
    "layers": "the list of layers",
    "orientation": "left-to-right or bottom-to-top",
    "legend": "true to draw a legend of the cell types",
    "max_cells": "layers larger than this are shortened with ⋮",
    "connections": "extra connections between layers or cells",
    "layout": "layers (columns or rows) or ring (every cell on one circle)",
    "heights": "equal, proportional or log: drawn cells per layer by its size",
}
BLOCKS_KEYS = {
    "blocks": "the list of columns",
    "links": "arrows between items, routed around the blocks",
    "orientation": "up (default: bottom to top) or right (left to right)",
}
LAYER_KEYS = {
    "id": "a name for the layer (letters, digits, _ and -)",
    "cells": "the cell type",
    "size": "the number of cells",
    "label": "text under the layer",
    "show": "how many cells to draw when the layer is shortened",
    "connect": "how it connects to the previous layer: full, one-to-one or none",
    "fill": "fill colour (#rrggbb)",
    "stroke": "rim colour (#rrggbb)",
    "recurrent": "draw self-loops and column links (default: by cell type)",
    "window": "each cell joins this many consecutive cells of the previous layer",
    "stride": "with window: how far each cell's window moves on (default 1)",
}
CONNECTION_KEYS = {
    "from": "a layer id or a cell like h1[2]",
    "to": "a layer id or a cell like out[1]",
    "kind": "full or one-to-one (between layers)",
}
COLUMN_KEYS = {
    "column": "the column's id",
    "side": "left or right: where residuals, N× and positional encodings go",
    "items": "the items from bottom to top",
    "start_at": "the id of an item of an earlier column this column starts level with",
}
ITEM_KINDS = ("label", "block", "sum", "stack", "group", "branches")
ITEM_KEYS = {
    "label": {"label", "id", "tokens"},
    "block": {"block", "id", "style", "fill", "stroke", "heads", "residual", "shape"},
    "sum": {"sum", "id", "positional", "heads", "residual", "shape"},
    "stack": {"stack", "id", "items", "fill", "stroke"},
    "group": {"group", "id", "items", "fill", "stroke"},
    "branches": {"branches", "id"},
}
LINK_KEYS = {
    "from": "the id of a label, block or sum",
    "to": "the id of a label, block or sum",
    "count": "how many arrows (e.g. 2 for keys and values)",
    "label": "text written on the arrow",
    "dashed": "true for a dashed arrow",
}
STEP_KEYS = {
    "name": "the step's name",
    "show": "ids made visible from this step on",
    "hide": "ids hidden from this step on",
    "highlight": "ids highlighted in this step only",
}


@dataclass(frozen=True)
class Ref:
    """A reference to a layer/item (``enc_attn``) or to one cell/token (``inputs[2]``, 1-based)."""

    target: str
    index: int | None
    node: Node = field(compare=False, hash=False, repr=False)

    def __str__(self) -> str:
        return self.target if self.index is None else f"{self.target}[{self.index}]"


@dataclass
class LayerSpec:
    id: str
    cells: CellType
    size: int
    label: str | None
    show: int | None  # cells drawn when shortened (the last one included); None = all
    connect: str
    fill: str | None
    stroke: str | None
    recurrent: bool
    node: Node = field(repr=False)
    window: int | None = None  # windowed connectivity to the previous layer (convolutions)
    stride: int = 1

    def windows_from(self, prev: LayerSpec) -> bool:
        """With ``window``: True when this layer's cells take windows of ``prev`` (a
        convolution), False when ``prev``'s cells feed windows of this one (transposed)."""
        return (self.size - 1) * self.stride + (self.window or 1) <= prev.size

    def visible_cells(self) -> list[int]:
        """1-based numbers of the cells drawn (the ⋮ sits before the last one when shortened)."""
        if self.show is None:
            return list(range(1, self.size + 1))
        return [*range(1, self.show), self.size]


@dataclass
class ConnectionSpec:
    source: Ref
    target: Ref
    kind: str
    node: Node = field(repr=False)


@dataclass
class LayersSpec:
    orientation: str
    legend: bool
    max_cells: int
    layers: list[LayerSpec]
    connections: list[ConnectionSpec]
    layout: str = "layers"
    heights: str = "equal"


@dataclass
class ItemSpec:
    kind: str  # label | block | sum | stack (also `group:`) | branches
    id: str
    text: str
    column: str
    node: Node = field(repr=False)
    style: str = "plain"
    fill: str | None = None
    stroke: str | None = None
    heads: int = 1
    residual: Ref | None = None
    positional: str | None = None  # sums: the positional-encoding label ("" = symbol only)
    tokens: list[str] = field(default_factory=list)
    items: list[ItemSpec] = field(default_factory=list)  # stacks
    stack: str | None = None  # the id of the stack holding this item
    shape: str | None = None  # a tensor-shape annotation beside the block (``28×28×6``)
    caption: bool = False  # stacks: a `group:` (label inside the box, at its top)
    lanes: list[list[ItemSpec]] = field(default_factory=list)  # branches: one list per branch


@dataclass
class ColumnSpec:
    id: str
    side: str
    items: list[ItemSpec]
    node: Node = field(repr=False)
    start_at: Ref | None = None

    def flat(self) -> list[ItemSpec]:
        """Items in flow order, stacks replaced by their items."""
        out: list[ItemSpec] = []
        for item in self.items:
            out.extend(item.items if item.kind == "stack" else [item])
        return out


@dataclass
class LinkSpec:
    source: Ref
    target: Ref
    count: int
    node: Node = field(repr=False)
    label: str | None = None
    dashed: bool = False


@dataclass
class BlocksSpec:
    columns: list[ColumnSpec]
    links: list[LinkSpec]
    orientation: str = "up"  # up | right

    def all_items(self) -> dict[str, ItemSpec]:
        found: dict[str, ItemSpec] = {}
        for column in self.columns:
            for item in column.items:
                found[item.id] = item
                for inner in item.items:
                    found[inner.id] = inner
                    for lane in inner.lanes:
                        found.update((it.id, it) for it in lane)
                for lane in item.lanes:
                    found.update((it.id, it) for it in lane)
        return found


@dataclass
class StepSpec:
    name: str
    show: list[Ref]
    hide: list[Ref]
    highlight: list[Ref]
    node: Node = field(repr=False)


@dataclass
class FigureSpec:
    """A validated figure spec, ready for :func:`build_figure`."""

    path: Path
    name: str
    kind: str  # layers | blocks | table | timeline
    style: str
    palette: str
    font_size: int
    title: str | None
    layers: LayersSpec | None
    blocks: BlocksSpec | None
    hidden: list[Ref]
    steps: list[StepSpec]
    reads: list[Path] = field(default_factory=list)
    table: TableSpec | None = None
    timeline: TimelineSpec | None = None
