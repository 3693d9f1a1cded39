"""References inside a figure spec: ids (``enc_attn``) and cells or tokens (``inputs[2]``)."""

from __future__ import annotations

import re

from ..fields import SpecFields, as_text, listing, suggest
from ..specyaml import Node
from .model import BlocksSpec, LayerSpec, LayersSpec, Ref
from .palettes import is_colour

_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_REF = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)(?:\[(\d+)\])?$")


def as_id(node: Node, what: str) -> str:
    word = as_text(node, what)
    if not _ID.match(word):
        raise node.error(
            f"{what} `{word}` is not a valid id",
            fix="use letters, digits, `_` and `-`, starting with a letter",
        )
    return word


def as_colour(f: SpecFields, key: str) -> str | None:
    """A colour (``#rgb``, ``#rrggbb``, ``#rrggbbaa``, ``transparent``), lower-cased."""
    node = f.get(key)
    if node is None:
        return None
    word = as_text(node, f"`{key}`")
    if not is_colour(word):
        raise node.error(
            f"`{key}` is `{word}`, not a colour",
            fix="write a hex colour like '#ffcc00' (quoted: # starts a comment in YAML)",
        )
    return word.lower()


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


def check_cell(ref: Ref, layer: LayerSpec) -> None:
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


def known_refs(
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


def check_ref(ref: Ref, known: dict[str, tuple[str, int | None]], what: str) -> None:
    if ref.target not in known:
        raise ref.node.error(
            f"{what} names `{ref}`, which is not an id in this figure",
            fix=suggest(ref.target, known, f"known ids: {listing(known)}"),
        )
    kind, count = known[ref.target]
    if ref.index is not None and (count is None or ref.index > count):
        part = "cells" if kind == "layer" else "tokens"
        raise ref.node.error(
            f"{what} names `{ref}`, but `{ref.target}` has "
            + (f"{count} {part}" if count else "no numbered parts"),
            fix=f"count {part} from 1" if count else f"refer to `{ref.target}` as a whole",
        )
