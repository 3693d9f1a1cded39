"""``layers:`` of a figure spec: a layered network in the Neural Network Zoo's conventions."""

from __future__ import annotations

from ..fields import SpecFields, as_int, as_text, suggest
from ..specyaml import Node
from .model import (
    CONNECT_KINDS,
    CONNECTION_KEYS,
    LAYER_KEYS,
    MAX_LAYER_SIZE,
    ORIENTATIONS,
    ConnectionSpec,
    LayerSpec,
    LayersSpec,
)
from .palettes import CELL_TYPES, normalise_name, resolve_cell_type
from .refs import as_colour, as_id, as_ref, check_cell


def parse_layers(top: SpecFields) -> LayersSpec:
    orientation = top.choice("orientation", ORIENTATIONS, "left-to-right")
    legend = top.boolean("legend", False)
    max_cells = top.integer("max_cells", 8, 3, 64) or 8
    nodes = top.items("layers", required=True)
    if not nodes:
        raise top.need("layers", "").error("`layers` is empty", fix="list at least one layer")
    layers: list[LayerSpec] = []
    seen: dict[str, Node] = {}
    for n, node in enumerate(nodes, start=1):
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
    return LayersSpec(orientation, legend, max_cells, layers, connections)
