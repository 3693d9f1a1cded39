"""The figure spec: its schema, validation with exact places, and the typed result.

Two kinds of spec, told apart by their top-level key:

* ``layers:`` — a layered network in the Neural Network Zoo's conventions;
* ``blocks:`` — a block diagram in columns (like the Transformer's Figure 1).

Every problem is reported as a :class:`SpecError` naming the file, the line and column, what
is wrong and what is allowed. The schema is described in ``SPEC.md`` beside this file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..specyaml import Node, load_spec_yaml, type_name
from .palettes import (
    BLOCK_STYLES,
    CELL_TYPES,
    PALETTES,
    CellType,
    is_colour,
    normalise_name,
    resolve_cell_type,
)

STYLES = ("clean", "sketch")
ORIENTATIONS = ("left-to-right", "bottom-to-top")
CONNECT_KINDS = ("full", "one-to-one", "none")
SIDES = ("left", "right")
MAX_LAYER_SIZE = 1_000_000
MAX_INCLUDE_DEPTH = 8

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+)\])?$")

COMMON_KEYS = {
    "name": "the output file name (without extension)",
    "title": "a caption drawn above the figure",
    "style": "clean or sketch",
    "palette": "zoo or transformer",
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
}
BLOCKS_KEYS = {
    "blocks": "the list of columns",
    "links": "arrows from one column into another",
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
}
ITEM_KINDS = ("label", "block", "sum", "stack")
ITEM_KEYS = {
    "label": {"label", "id", "tokens"},
    "block": {"block", "id", "style", "fill", "stroke", "heads", "residual"},
    "sum": {"sum", "id", "positional", "heads"},
    "stack": {"stack", "id", "items"},
}
LINK_KEYS = {
    "from": "the id of an item in one column",
    "to": "the id of a block in another column",
    "count": "how many arrows (e.g. 2 for keys and values)",
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


@dataclass
class ItemSpec:
    kind: str  # label | block | sum | stack
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


@dataclass
class ColumnSpec:
    id: str
    side: str
    items: list[ItemSpec]
    node: Node = field(repr=False)

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


@dataclass
class BlocksSpec:
    columns: list[ColumnSpec]
    links: list[LinkSpec]

    def all_items(self) -> dict[str, ItemSpec]:
        found: dict[str, ItemSpec] = {}
        for column in self.columns:
            for item in column.items:
                found[item.id] = item
                for inner in item.items:
                    found[inner.id] = inner
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
    kind: str  # layers | blocks
    style: str
    palette: str
    font_size: int
    title: str | None
    layers: LayersSpec | None
    blocks: BlocksSpec | None
    hidden: list[Ref]
    steps: list[StepSpec]
    reads: list[Path] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# reading helpers


def _allowed(keys: dict[str, str] | set[str]) -> str:
    return ", ".join(sorted(keys))


def _closest(word: str, options: list[str] | tuple[str, ...] | set[str]) -> str:
    import difflib

    near = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean `{near[0]}`? " if near else ""


class Fields:
    """The keys of one YAML mapping, checked against the allowed ones."""

    def __init__(self, node: Node, what: str, allowed: dict[str, str] | set[str]) -> None:
        if not isinstance(node.value, dict):
            raise node.error(
                f"{what} must be a mapping (key: value), not {type_name(node.value)}",
                fix=f"allowed keys: {_allowed(allowed)}",
            )
        for key in node.value:
            if key not in allowed:
                raise node.key_node(key).error(
                    f"unknown key `{key}` in {what}",
                    fix=f"{_closest(key, allowed)}allowed keys: {_allowed(allowed)}",
                )
        self.node = node
        self.what = what

    def has(self, key: str) -> bool:
        return key in self.node.value

    def get(self, key: str) -> Node | None:
        return self.node.value.get(key)

    def need(self, key: str, fix: str) -> Node:
        value = self.get(key)
        if value is None:
            raise self.node.error(f"{self.what} needs `{key}`", fix=fix)
        return value

    def text(self, key: str, default: str | None = None, *, required: bool = False) -> str | None:
        node = self.need(key, f"add `{key}: …`") if required else self.get(key)
        if node is None:
            return default
        return as_text(node, f"`{key}`")

    def integer(self, key: str, default: int | None, lo: int, hi: int) -> int | None:
        node = self.get(key)
        if node is None:
            return default
        return as_int(node, f"`{key}`", lo, hi)

    def boolean(self, key: str, default: bool) -> bool:
        node = self.get(key)
        if node is None:
            return default
        if not isinstance(node.value, bool):
            raise node.error(
                f"`{key}` must be true or false, not {type_name(node.value)}",
                fix="write true or false",
            )
        return node.value

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        node = self.get(key)
        if node is None:
            return default
        word = as_text(node, f"`{key}`")
        if word not in choices:
            raise node.error(
                f"`{key}` is `{word}`, which is not one of the allowed values",
                fix=f"{_closest(word, choices)}use one of: {', '.join(choices)}",
            )
        return word

    def colour(self, key: str) -> str | None:
        node = self.get(key)
        if node is None:
            return None
        word = as_text(node, f"`{key}`")
        if not is_colour(word):
            raise node.error(
                f"`{key}` is `{word}`, not a colour",
                fix="write a hex colour like '#ffcc00' (quoted: # starts a comment in YAML)",
            )
        return word.lower()

    def items(self, key: str, *, required: bool = False) -> list[Node]:
        node = self.need(key, f"add `{key}:` with a list") if required else self.get(key)
        if node is None:
            return []
        if not isinstance(node.value, list):
            raise node.error(
                f"`{key}` must be a list, not {type_name(node.value)}",
                fix="write one entry per line, each starting with `- `",
            )
        return node.value


def as_text(node: Node, what: str) -> str:
    value = node.value
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)) and node.raw is not None:
        return node.raw
    raise node.error(f"{what} must be text, not {type_name(value)}", fix="write it as text")


def as_int(node: Node, what: str, lo: int, hi: int) -> int:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, int):
        raise node.error(
            f"{what} must be a whole number, not {type_name(value)}",
            fix=f"write a number from {lo} to {hi}",
        )
    if not lo <= value <= hi:
        raise node.error(f"{what} is {value}, outside {lo}…{hi}", fix=f"use {lo} to {hi}")
    return value


def as_id(node: Node, what: str) -> str:
    word = as_text(node, what)
    if not _ID.match(word):
        raise node.error(
            f"{what} `{word}` is not a valid id",
            fix="use letters, digits, `_` and `-`, starting with a letter",
        )
    return word


def as_ref(node: Node, what: str) -> Ref:
    word = as_text(node, what)
    m = _REF.match(word.strip())
    if not m:
        raise node.error(
            f"{what} `{word}` is not a reference",
            fix="write an id like `hidden1`, or one cell/token like `hidden1[2]` (counting from 1)",
        )
    index = int(m.group(2)) if m.group(2) is not None else None
    if index is not None and index < 1:
        raise node.error(
            f"{what} `{word}`: cells and tokens are counted from 1", fix="use [1] or more"
        )
    return Ref(m.group(1), index, node)


def as_refs(node: Node, what: str) -> list[Ref]:
    if isinstance(node.value, list):
        return [as_ref(item, what) for item in node.value]
    return [as_ref(node, what)]


# ---------------------------------------------------------------------------------------
# include and patch


def _resolve_include(
    root: Node, path: Path, depth: int, reads: list[Path], boundary: Path | None = None
) -> Node:
    """Merge ``include:`` (recursively) into ``root``; apply ``patch:`` to the included items.

    With a ``boundary`` (the repository), an include that leads outside it — by ``..``, an
    absolute path or a symlink — is refused before anything there is opened."""
    if not isinstance(root.value, dict) or "include" not in root.value:
        if isinstance(root.value, dict) and "patch" in root.value:
            raise root.key_node("patch").error(
                "`patch` changes an included spec, but this spec has no `include`",
                fix="add `include: other.figure.yaml` or remove `patch`",
            )
        return root
    inc_node = root.value["include"]
    target = as_text(inc_node, "`include`")
    if depth >= MAX_INCLUDE_DEPTH:
        raise inc_node.error(
            f"includes are nested more than {MAX_INCLUDE_DEPTH} deep (a cycle?)",
            fix="include a spec that does not include this one",
        )
    try:
        base_path = (path.parent / target).resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL character
        raise inc_node.error(
            f"the included spec `{target}` cannot be looked up ({exc})",
            fix="give a path relative to this spec's folder",
        ) from None
    if boundary is not None and not _within(base_path, boundary):
        raise inc_node.error(
            f"the included spec `{target}` is outside the repository ({base_path})",
            fix="include a spec inside the repository, relative to this spec's folder",
        )
    if not base_path.is_file():
        raise inc_node.error(
            f"the included spec `{target}` does not exist",
            fix="give a path relative to this spec's folder",
        )
    if base_path == path.resolve() or base_path in [p.resolve() for p in reads]:
        raise inc_node.error(
            f"`{target}` is included in a cycle",
            fix="include a spec that does not include this one",
        )
    reads.append(base_path)
    base = _resolve_include(_load(base_path), base_path, depth + 1, reads, boundary)
    if not isinstance(base.value, dict):
        raise base.error("the included spec must be a mapping")
    merged = dict(base.value)
    keys = dict(base.keys)
    for key, value in root.value.items():
        if key in ("include", "patch"):
            continue
        merged[key] = value
        keys[key] = root.keys[key]
    result = Node(merged, root.file, root.line, root.column, keys=keys)
    patch = root.value.get("patch")
    if patch is not None:
        _apply_patch(result, patch)
    return result


def _patchable(root: Node) -> dict[str, Node]:
    """Mappings with an `id` (or `column`) in the spec tree, by id."""
    found: dict[str, Node] = {}

    def walk(node: Node) -> None:
        if isinstance(node.value, dict):
            for key in ("id", "column"):
                ident = node.value.get(key)
                if ident is not None and isinstance(ident.value, str):
                    found.setdefault(ident.value, node)
            for child in node.value.values():
                walk(child)
        elif isinstance(node.value, list):
            for child in node.value:
                walk(child)

    for key in ("layers", "blocks"):
        if key in root.value:
            walk(root.value[key])
    return found


def _apply_patch(root: Node, patch: Node) -> None:
    if not isinstance(patch.value, dict):
        raise patch.error(
            f"`patch` must be a mapping of ids to changes, not {type_name(patch.value)}",
            fix="write `patch:` then `  some_id: {key: value}`",
        )
    targets = _patchable(root)
    for ident, change in patch.value.items():
        target = targets.get(ident)
        if target is None:
            raise patch.key_node(ident).error(
                f"`patch` names `{ident}`, which is not an id in the included spec",
                fix=f"{_closest(ident, targets)}known ids: {_allowed(set(targets))}",
            )
        if not isinstance(change.value, dict):
            raise change.error(
                f"the patch for `{ident}` must be a mapping of keys to new values",
                fix="write `{key: value}`",
            )
        for key, value in change.value.items():
            target.value[key] = value
            target.keys[key] = change.keys[key]


# ---------------------------------------------------------------------------------------
# the spec


def load_figure_spec(path: Path, *, root: Path | None = None) -> FigureSpec:
    """Read and validate a figure spec; SpecError with file:line:column on any problem.

    ``root`` (the repository) bounds what ``include:`` may read: a spec outside it is refused
    without being opened. Without it (one-off use on the command line) includes go anywhere.
    """
    path = Path(path)
    boundary = Path(root).resolve() if root is not None else None
    node = _load(path)
    reads: list[Path] = []
    node = _resolve_include(node, path, 0, reads, boundary)
    return parse_figure(node, path, reads)


def _within(path: Path, boundary: Path) -> bool:
    return path == boundary or boundary in path.parents


def _load(path: Path) -> Node:
    return load_spec_yaml(path, what="figure spec")


def spec_kind(root: Node) -> str:
    if root.value is None and root.raw is None:  # no document, or only comments
        raise root.error(
            "the spec is empty",
            fix="write a mapping with `layers:` or `blocks:` (see SPEC.md of the figures)",
        )
    if not isinstance(root.value, dict):
        raise root.error(
            f"a figure spec must be a mapping, not {type_name(root.value)}",
            fix="start with `layers:` (a layered network) or `blocks:` (a block diagram)",
        )
    has_layers, has_blocks = "layers" in root.value, "blocks" in root.value
    if has_layers and has_blocks:
        raise root.key_node("blocks").error(
            "a figure spec has either `layers:` or `blocks:`, not both",
            fix="split it into two specs",
        )
    if not (has_layers or has_blocks):
        raise root.error(
            "a figure spec needs `layers:` (a layered network) or `blocks:` (a block diagram)",
            fix="add one of them",
        )
    return "layers" if has_layers else "blocks"


def parse_figure(root: Node, path: Path, reads: list[Path] | None = None) -> FigureSpec:
    kind = spec_kind(root)
    extra = LAYERS_KEYS if kind == "layers" else BLOCKS_KEYS
    top = Fields(root, "the figure spec", {**COMMON_KEYS, **extra})
    stem = path.name
    for suffix in (".figure.yaml", ".figure.yml", ".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    name = top.text("name", stem) or stem
    name_node = top.get("name")
    if name_node is not None and (
        not name.strip() or any(c in name for c in '/\\:*?"<>|\0') or name.startswith(".")
    ):
        raise name_node.error(
            f"`name` `{name}` cannot be a file name",
            fix='use letters, digits, spaces, - and _ (no / \\ : * ? " < > |)',
        )
    style = top.choice("style", STYLES, "clean")
    palette = top.choice("palette", tuple(PALETTES), "zoo" if kind == "layers" else "transformer")
    font_size = top.integer("font_size", 16, 8, 72) or 16
    title = top.text("title")
    layers = _parse_layers(top) if kind == "layers" else None
    blocks = _parse_blocks(top) if kind == "blocks" else None
    known = _known_refs(layers, blocks)
    drawn = {la.id: la for la in layers.layers} if layers is not None else {}
    hidden_node = top.get("hidden")
    hidden = as_refs(hidden_node, "`hidden`") if hidden_node is not None else []
    for ref in hidden:
        _check_ref(ref, known, "`hidden`")
    steps = [_parse_step(n, i, known) for i, n in enumerate(top.items("steps"), start=1)]
    for ref in hidden + [r for st in steps for r in st.show + st.hide + st.highlight]:
        if ref.index is not None and ref.target in drawn:
            _check_cell(ref, drawn[ref.target])
    return FigureSpec(
        path=path,
        name=name.strip(),
        kind=kind,
        style=style,
        palette=palette,
        font_size=font_size,
        title=title,
        layers=layers,
        blocks=blocks,
        hidden=hidden,
        steps=steps,
        reads=list(reads or []),
    )


def _parse_layers(top: Fields) -> LayersSpec:
    orientation = top.choice("orientation", ORIENTATIONS, "left-to-right")
    legend = top.boolean("legend", False)
    max_cells = top.integer("max_cells", 8, 3, 64) or 8
    nodes = top.items("layers", required=True)
    if not nodes:
        raise top.need("layers", "").error("`layers` is empty", fix="list at least one layer")
    layers: list[LayerSpec] = []
    seen: dict[str, Node] = {}
    for n, node in enumerate(nodes, start=1):
        f = Fields(node, f"layer {n}", LAYER_KEYS)
        id_node = f.get("id")
        ident = as_id(id_node, "`id`") if id_node is not None else f"layer{n}"
        if ident in seen:
            raise (id_node or node).error(
                f"the id `{ident}` is used twice (first at {seen[ident].place})",
                fix="give each layer its own id",
            )
        seen[ident] = id_node or node
        cells_node = f.need("cells", "add `cells: input` (or hidden, output, recurrent, …)")
        cells_word = as_text(cells_node, "`cells`")
        cell_type = resolve_cell_type(cells_word)
        if cell_type is None:
            names = sorted(CELL_TYPES)
            raise cells_node.error(
                f"unknown cell type `{cells_word}`",
                fix=f"{_closest(normalise_name(cells_word), names)}use one of: {', '.join(names)}",
            )
        size_node = f.need("size", "add `size:` with the number of cells")
        size = as_int(size_node, "`size`", 1, MAX_LAYER_SIZE)
        show = f.integer("show", None, 2, MAX_LAYER_SIZE)
        show_node = f.get("show")
        if show is not None and show_node is not None and show >= size:
            raise show_node.error(
                f"`show: {show}` is not less than the layer's size {size}",
                fix=f"use 2…{size - 1} to shorten the layer, or remove `show`",
            )
        if show is None and size > max_cells:
            show = max(2, max_cells - 3)
        connect = f.choice("connect", CONNECT_KINDS, "full")
        if n == 1 and f.has("connect"):
            raise f.node.key_node("connect").error(
                "the first layer has no previous layer to connect to",
                fix="remove `connect` here; put it on the layer after",
            )
        layers.append(
            LayerSpec(
                id=ident,
                cells=cell_type,
                size=size,
                label=f.text("label"),
                show=show,
                connect=connect,
                fill=f.colour("fill"),
                stroke=f.colour("stroke"),
                recurrent=f.boolean("recurrent", cell_type.recurrent),
                node=node,
            )
        )
        if connect == "one-to-one" and n > 1:
            prev = layers[-2]
            if prev.size != size:
                raise f.node.value["connect"].error(
                    f"one-to-one needs layers of equal size: `{prev.id}` has {prev.size} cells, "
                    f"`{ident}` has {size}",
                    fix="use `connect: full`, or make the sizes equal",
                )
    by_id = {layer.id: layer for layer in layers}
    connections: list[ConnectionSpec] = []
    for n, node in enumerate(top.items("connections"), start=1):
        f = Fields(node, f"connection {n}", CONNECTION_KEYS)
        source = as_ref(f.need("from", "add `from: layer_id`"), "`from`")
        target = as_ref(f.need("to", "add `to: layer_id`"), "`to`")
        for ref in (source, target):
            layer = by_id.get(ref.target)
            if layer is None:
                raise ref.node.error(
                    f"`{ref}` names no layer",
                    fix=f"{_closest(ref.target, by_id)}layers: {', '.join(by_id)}",
                )
            if ref.index is not None:
                _check_cell(ref, layer)
        kind = f.choice("kind", ("full", "one-to-one"), "full")
        if kind == "one-to-one":
            a, b = by_id[source.target], by_id[target.target]
            if source.index is not None or target.index is not None or a.size != b.size:
                raise f.node.key_node("kind").error(
                    "one-to-one joins two whole layers of equal size",
                    fix="use kind: full, or name two layers of the same size",
                )
        connections.append(ConnectionSpec(source, target, kind, node))
    return LayersSpec(orientation, legend, max_cells, layers, connections)


def _check_cell(ref: Ref, layer: LayerSpec) -> None:
    assert ref.index is not None
    if ref.index > layer.size:
        raise ref.node.error(
            f"`{ref}`: layer `{layer.id}` has only {layer.size} cells",
            fix=f"count cells from 1 to {layer.size}",
        )
    if ref.index not in layer.visible_cells():
        shown = layer.visible_cells()
        raise ref.node.error(
            f"`{ref}` is not drawn: the layer shows cells 1–{shown[-2]} and {shown[-1]}",
            fix="refer to a drawn cell, or raise the layer's `show`",
        )


def _parse_blocks(top: Fields) -> BlocksSpec:
    nodes = top.items("blocks", required=True)
    if not nodes:
        raise top.need("blocks", "").error("`blocks` is empty", fix="list at least one column")
    seen: dict[str, Node] = {}
    columns: list[ColumnSpec] = []
    for n, node in enumerate(nodes, start=1):
        f = Fields(node, f"column {n}", COLUMN_KEYS)
        id_node = f.get("column")
        ident = as_id(id_node, "`column`") if id_node is not None else f"column{n}"
        _claim(ident, id_node or node, seen)
        side = f.choice("side", SIDES, "left" if n == 1 else "right")
        items = [
            _parse_item(item, ident, seen, None, f"{ident}-{i}")
            for i, item in enumerate(f.items("items", required=True), start=1)
        ]
        if not items:
            raise f.node.value["items"].error("the column has no items", fix="add items")
        columns.append(ColumnSpec(ident, side, items, node))
    spec = BlocksSpec(columns, [])
    items = spec.all_items()
    where = {item.id: column for column in columns for item in column.flat()}
    # residuals: the skipped block must be a block below this one in the same column
    for column in columns:
        flat = column.flat()
        for pos, item in enumerate(flat):
            if item.residual is None:
                continue
            ref = item.residual
            skipped = items.get(ref.target)
            if skipped is None or ref.index is not None:
                raise ref.node.error(
                    f"`residual: {ref}` names no item",
                    fix=f"{_closest(ref.target, items)}name the block the residual goes around",
                )
            if where.get(skipped.id) is not column or flat.index(skipped) >= pos:
                raise ref.node.error(
                    f"`residual: {ref}` must name a block below `{item.id}` in the same column",
                    fix="name the sub-layer the residual connection goes around",
                )
            if flat.index(skipped) == 0:
                raise ref.node.error(
                    f"`{ref}` is the first item: nothing below it for the residual to leave from",
                    fix="put the residual around a block that has an item below it",
                )
    for n, node in enumerate(top.items("links"), start=1):
        f = Fields(node, f"link {n}", LINK_KEYS)
        source = as_ref(f.need("from", "add `from: item_id`"), "`from`")
        target = as_ref(f.need("to", "add `to: block_id`"), "`to`")
        for ref in (source, target):
            if ref.target not in items or ref.index is not None:
                raise ref.node.error(
                    f"`{ref}` names no item",
                    fix=f"{_closest(ref.target, items)}use the id of a label, block or sum",
                )
            if items[ref.target].kind == "stack":
                raise ref.node.error(
                    f"`{ref}` is a stack; links join items", fix="name an item inside the stack"
                )
        if where[source.target] is where[target.target]:
            raise f.node.error(
                "a link joins two columns; inside a column the arrows are drawn from the order",
                fix="name items in two different columns",
            )
        if items[target.target].kind != "block":
            raise target.node.error(
                f"`{target}` is a {items[target.target].kind}; links end at a block",
                fix="name a block",
            )
        count = f.integer("count", 1, 1, 8) or 1
        spec.links.append(LinkSpec(source, target, count, node))
    return spec


def _claim(ident: str, node: Node, seen: dict[str, Node]) -> None:
    if ident in seen:
        raise node.error(
            f"the id `{ident}` is used twice (first at {seen[ident].place})",
            fix="give each column and item its own id",
        )
    seen[ident] = node


def _parse_item(
    node: Node, column: str, seen: dict[str, Node], stack: str | None, default_id: str
) -> ItemSpec:
    if not isinstance(node.value, dict):
        raise node.error(
            f"an item must be a mapping, not {type_name(node.value)}",
            fix="write `- block: Feed Forward`, `- label: Inputs`, `- sum: true` or `- stack: N×`",
        )
    kinds = [k for k in ITEM_KINDS if k in node.value]
    if len(kinds) != 1:
        unknown = [k for k in node.value if k not in {k for s in ITEM_KEYS.values() for k in s}]
        if unknown:
            key = unknown[0]
            raise node.key_node(key).error(
                f"unknown key `{key}` in an item",
                fix=f"{_closest(key, {k for s in ITEM_KEYS.values() for k in s})}"
                "an item is one of: label, block, sum, stack",
            )
        raise node.error(
            "an item needs exactly one of `label`, `block`, `sum`, `stack`"
            + (f" (found {', '.join(kinds)})" if kinds else ""),
            fix="write e.g. `- block: Feed Forward`",
        )
    kind = kinds[0]
    f = Fields(node, f"a {kind} item", ITEM_KEYS[kind])
    id_node = f.get("id")
    ident = as_id(id_node, "`id`") if id_node is not None else default_id
    _claim(ident, id_node or node, seen)
    item = ItemSpec(kind=kind, id=ident, text="", column=column, node=node, stack=stack)
    if kind == "label":
        item.text = as_text(node.value["label"], "`label`")
        item.tokens = [as_text(t, "a token") for t in f.items("tokens")]
    elif kind == "block":
        item.text = as_text(node.value["block"], "`block`")
        item.style = f.choice("style", BLOCK_STYLES, "plain")
        item.fill = f.colour("fill")
        item.stroke = f.colour("stroke")
        item.heads = f.integer("heads", 1, 0, 8)  # type: ignore[assignment]
        res = f.get("residual")
        item.residual = as_ref(res, "`residual`") if res is not None else None
    elif kind == "sum":
        value = node.value["sum"]
        if value.value is not True:
            raise value.error("write `sum: true` for a ⊕", fix="`- sum: true`")
        item.text = "+"
        item.heads = f.integer("heads", 1, 0, 8)  # type: ignore[assignment]
        pos = f.get("positional")
        if pos is not None:
            if pos.value is True:
                item.positional = ""
            elif pos.value is not False:
                item.positional = as_text(pos, "`positional`")
    else:
        if stack is not None:
            raise node.error("stacks cannot be nested", fix="put the items in one stack")
        item.text = as_text(node.value["stack"], "`stack`")
        inner = f.items("items", required=True)
        if not inner:
            raise node.value["items"].error("the stack has no items", fix="add items")
        item.items = [
            _parse_item(sub, column, seen, ident, f"{ident}-{i}")
            for i, sub in enumerate(inner, start=1)
        ]
        for sub in item.items:
            if sub.kind == "label":
                raise sub.node.error(
                    "labels go outside stacks", fix="move the label before or after the stack"
                )
    return item


def _known_refs(
    layers: LayersSpec | None, blocks: BlocksSpec | None
) -> dict[str, tuple[str, int | None]]:
    """Referable ids → (kind, how many numbered parts it has: cells or tokens)."""
    known: dict[str, tuple[str, int | None]] = {}
    if layers is not None:
        for layer in layers.layers:
            known[layer.id] = ("layer", layer.size)
    if blocks is not None:
        for column in blocks.columns:
            known[column.id] = ("column", None)
        for ident, item in blocks.all_items().items():
            known[ident] = (item.kind, len(item.tokens) if item.tokens else None)
    return known


def _check_ref(ref: Ref, known: dict[str, tuple[str, int | None]], what: str) -> None:
    if ref.target not in known:
        raise ref.node.error(
            f"{what} names `{ref}`, which is not an id in this figure",
            fix=f"{_closest(ref.target, known)}known ids: {_allowed(set(known))}",
        )
    kind, count = known[ref.target]
    if ref.index is not None and (count is None or ref.index > count):
        part = "cells" if kind == "layer" else "tokens"
        raise ref.node.error(
            f"{what} names `{ref}`, but `{ref.target}` has "
            + (f"{count} {part}" if count else "no numbered parts"),
            fix=f"count {part} from 1" if count else f"refer to `{ref.target}` as a whole",
        )


def _parse_step(node: Node, n: int, known: dict[str, tuple[str, int | None]]) -> StepSpec:
    f = Fields(node, f"step {n}", STEP_KEYS)
    name = f.text("name", f"step {n}") or f"step {n}"
    lists: dict[str, list[Ref]] = {}
    for key in ("show", "hide", "highlight"):
        value = f.get(key)
        refs = as_refs(value, f"`{key}`") if value is not None else []
        for ref in refs:
            _check_ref(ref, known, f"`{key}`")
        lists[key] = refs
    return StepSpec(name, lists["show"], lists["hide"], lists["highlight"], node)


def describe(spec: FigureSpec) -> dict[str, Any]:
    """A short summary (for debugging and tests)."""
    return {"name": spec.name, "kind": spec.kind, "style": spec.style, "palette": spec.palette}
