"""``layers:`` of a figure spec: a layered network in the Neural Network Zoo's conventions."""

from __future__ import annotations

import math

from ..fields import SpecFields, as_int, as_text, suggest
from ..specyaml import Node
from .model import (
    CONNECT_KINDS,
    CONNECTION_KEYS,
    HEIGHTS,
    LAYER_KEYS,
    LAYOUTS,
    MAX_LAYER_SIZE,
    MAX_WINDOW,
    ORIENTATIONS,
    ConnectionSpec,
    LayerSpec,
    LayersSpec,
)
from .palettes import CELL_TYPES, normalise_name, resolve_cell_type
from .refs import as_colour, as_id, as_ref, check_cell


def parse_layers(top: SpecFields) -> LayersSpec:
    orientation = top.choice("orientation", ORIENTATIONS, "left-to-right")
    layout = top.choice("layout", LAYOUTS, "layers")
    if layout == "ring" and top.has("orientation"):
        raise top.node.key_node("orientation").error(
            "`orientation` has no meaning with `layout: ring` (the cells sit on one circle)",
            fix="remove `orientation`, or use `layout: layers`",
        )
    heights = top.choice("heights", HEIGHTS, "equal")
    legend = top.boolean("legend", False)
    max_cells = top.integer("max_cells", 8, 3, 64) or 8
    nodes = top.items("layers", required=True)
    if not nodes:
        raise top.need("layers", "").error("`layers` is empty", fix="list at least one layer")
    layers: list[LayerSpec] = []
    seen: dict[str, Node] = {}
    explicit_show: set[str] = set()
    for n, node in enumerate(nodes, start=1):
        _misplaced_keys(node)
        f = SpecFields(node, f"layer {n}", LAYER_KEYS)
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
                fix=suggest(normalise_name(cells_word), names, f"use one of: {', '.join(names)}"),
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
        if show is not None:
            explicit_show.add(ident)
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
                fill=as_colour(f, "fill"),
                stroke=as_colour(f, "stroke"),
                recurrent=f.boolean("recurrent", cell_type.recurrent),
                node=node,
            )
        )
        _parse_window(f, layers, n)
        if connect == "one-to-one" and n > 1:
            prev = layers[-2]
            if prev.size != size:
                raise f.node.value["connect"].error(
                    f"one-to-one needs layers of equal size: `{prev.id}` has {prev.size} cells, "
                    f"`{ident}` has {size}",
                    fix="use `connect: full`, or make the sizes equal",
                )
    if heights != "equal":
        _fit_heights(layers, heights, max_cells, explicit_show)
    by_id = {layer.id: layer for layer in layers}
    connections: list[ConnectionSpec] = []
    for n, node in enumerate(top.items("connections"), start=1):
        f = SpecFields(node, f"connection {n}", CONNECTION_KEYS)
        source = as_ref(f.need("from", "add `from: layer_id`"), "`from`")
        target = as_ref(f.need("to", "add `to: layer_id`"), "`to`")
        for ref in (source, target):
            layer = by_id.get(ref.target)
            if layer is None:
                raise ref.node.error(
                    f"`{ref}` names no layer",
                    fix=suggest(ref.target, by_id, f"layers: {', '.join(by_id)}"),
                )
            if ref.index is not None:
                check_cell(ref, layer)
        kind = f.choice("kind", ("full", "one-to-one"), "full")
        if kind == "one-to-one":
            a, b = by_id[source.target], by_id[target.target]
            if source.index is not None or target.index is not None or a.size != b.size:
                raise f.node.key_node("kind").error(
                    "one-to-one joins two whole layers of equal size",
                    fix="use kind: full, or name two layers of the same size",
                )
        connections.append(ConnectionSpec(source, target, kind, node))
    return LayersSpec(orientation, legend, max_cells, layers, connections, layout, heights)


def _misplaced_keys(node: Node) -> None:
    """Keys of the whole spec written inside a layer (an indentation slip) get their own
    message, not a did-you-mean of a layer key."""
    if not isinstance(node.value, dict):
        return
    for key in ("connections", "layout", "heights", "orientation", "legend", "max_cells"):
        if key in node.value:
            raise node.key_node(key).error(
                f"`{key}:` is a key of the whole spec, not of one layer",
                fix=f"move `{key}:` out of the layer, to the same level as `layers:` (no indent)"
                + (
                    "; `connect:` inside a layer says how it joins the previous one"
                    if key == "connections"
                    else ""
                ),
            )


def _parse_window(f: SpecFields, layers: list[LayerSpec], n: int) -> None:
    """``window:``/``stride:``: each cell joins a window of consecutive cells of the previous
    layer (a convolution) — or, when this layer is the larger one, each cell of the previous
    layer feeds a window of this one (a transposed convolution). The windows must fit."""
    layer = layers[-1]
    window_node, stride_node = f.get("window"), f.get("stride")
    if window_node is None:
        if stride_node is not None:
            raise f.node.key_node("stride").error(
                "`stride` moves a window, but this layer has no `window`",
                fix="add `window: 3` (how many cells each cell joins), or remove `stride`",
            )
        return
    if n == 1:
        raise f.node.key_node("window").error(
            "the first layer has no previous layer to take windows of",
            fix="remove `window` here; put it on the layer after",
        )
    if f.has("connect") and layer.connect != "full":
        raise f.node.key_node("window").error(
            f"`window` and `connect: {layer.connect}` contradict each other",
            fix="keep one of them",
        )
    window = as_int(window_node, "`window`", 1, MAX_WINDOW)
    stride = as_int(stride_node, "`stride`", 1, MAX_WINDOW) if stride_node is not None else 1
    prev = layers[-2]
    need = (layer.size - 1) * stride + window
    spread = (prev.size - 1) * stride + window  # a transposed convolution: the other way
    if need > prev.size and spread > layer.size:
        most = (prev.size - window) // stride + 1
        raise window_node.error(
            f"{layer.size} windows of {window} cells (stride {stride}) need {need} cells, "
            f"but `{prev.id}` has {prev.size}",
            fix=(f"make this layer at most {most} cells, or " if most >= 1 else "")
            + f"at least {spread} (each cell of `{prev.id}` then feeds a window of this one)",
        )
    layer.window, layer.stride = window, stride


def _fit_heights(layers: list[LayerSpec], heights: str, max_cells: int, explicit: set[str]) -> None:
    """Shorten layers so the drawn heights follow the sizes (linearly, or by their log): the
    largest layer draws ``max_cells`` slots, the others their share (three at least when
    shortened: a cell, ⋮ and the last cell). A layer's own ``show:`` wins."""
    largest = max(la.size for la in layers)
    if largest <= 1:
        return
    for layer in layers:
        if layer.id in explicit:
            continue
        if heights == "log":
            share = math.log(layer.size) / math.log(largest) if layer.size > 1 else 0.0
        else:
            share = layer.size / largest
        slots = max(3, round(max_cells * share))
        layer.show = None if layer.size <= slots else slots - 1
