"""``blocks:`` of a figure spec: a block diagram in columns (like the Transformer's Figure 1)."""

from __future__ import annotations

from ..fields import SpecFields, as_text, suggest, type_name
from ..specyaml import Node
from .model import (
    COLUMN_KEYS,
    ITEM_KEYS,
    ITEM_KINDS,
    LINK_KEYS,
    SIDES,
    BlocksSpec,
    ColumnSpec,
    ItemSpec,
    LinkSpec,
)
from .palettes import BLOCK_STYLES
from .refs import as_colour, as_id, as_ref


def parse_blocks(top: SpecFields) -> BlocksSpec:
    nodes = top.items("blocks", required=True)
    if not nodes:
        raise top.need("blocks", "").error("`blocks` is empty", fix="list at least one column")
    seen: dict[str, Node] = {}
    columns: list[ColumnSpec] = []
    for n, node in enumerate(nodes, start=1):
        f = SpecFields(node, f"column {n}", COLUMN_KEYS)
        id_node = f.get("column")
        ident = as_id(id_node, "`column`") if id_node is not None else f"column{n}"
        claim_id(ident, id_node or node, seen)
        side = f.choice("side", SIDES, "left" if n == 1 else "right")
        items = [
            parse_item(item, ident, seen, None, f"{ident}-{i}")
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
                    fix=suggest(ref.target, items, "name the block the residual goes around"),
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
        f = SpecFields(node, f"link {n}", LINK_KEYS)
        source = as_ref(f.need("from", "add `from: item_id`"), "`from`")
        target = as_ref(f.need("to", "add `to: block_id`"), "`to`")
        for ref in (source, target):
            if ref.target not in items or ref.index is not None:
                raise ref.node.error(
                    f"`{ref}` names no item",
                    fix=suggest(ref.target, items, "use the id of a label, block or sum"),
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


def claim_id(ident: str, node: Node, seen: dict[str, Node]) -> None:
    if ident in seen:
        raise node.error(
            f"the id `{ident}` is used twice (first at {seen[ident].place})",
            fix="give each column and item its own id",
        )
    seen[ident] = node


def parse_item(
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
                fix=suggest(
                    key,
                    {k for s in ITEM_KEYS.values() for k in s},
                    "an item is one of: label, block, sum, stack",
                ),
            )
        raise node.error(
            "an item needs exactly one of `label`, `block`, `sum`, `stack`"
            + (f" (found {', '.join(kinds)})" if kinds else ""),
            fix="write e.g. `- block: Feed Forward`",
        )
    kind = kinds[0]
    f = SpecFields(node, f"a {kind} item", ITEM_KEYS[kind])
    id_node = f.get("id")
    ident = as_id(id_node, "`id`") if id_node is not None else default_id
    claim_id(ident, id_node or node, seen)
    item = ItemSpec(kind=kind, id=ident, text="", column=column, node=node, stack=stack)
    if kind == "label":
        item.text = as_text(node.value["label"], "`label`")
        item.tokens = [as_text(t, "a token") for t in f.items("tokens")]
    elif kind == "block":
        item.text = as_text(node.value["block"], "`block`")
        item.style = f.choice("style", BLOCK_STYLES, "plain")
        item.fill = as_colour(f, "fill")
        item.stroke = as_colour(f, "stroke")
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
            parse_item(sub, column, seen, ident, f"{ident}-{i}")
            for i, sub in enumerate(inner, start=1)
        ]
        for sub in item.items:
            if sub.kind == "label":
                raise sub.node.error(
                    "labels go outside stacks", fix="move the label before or after the stack"
                )
    return item
