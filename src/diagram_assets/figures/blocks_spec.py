"""``blocks:`` of a figure spec: a block diagram in columns (like the Transformer's Figure 1)."""

from __future__ import annotations

from ..fields import SpecFields, as_text, suggest, type_name
from ..specyaml import Node
from .model import (
    BLOCK_ORIENTATIONS,
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
    orientation = top.choice("orientation", BLOCK_ORIENTATIONS, "up")
    orientation = {"bottom-to-top": "up", "left-to-right": "right"}.get(orientation, orientation)
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
        start = f.get("start_at")
        columns.append(
            ColumnSpec(ident, side, items, node, as_ref(start, "`start_at`") if start else None)
        )
    spec = BlocksSpec(columns, [], orientation)
    items = spec.all_items()
    where = {item.id: column for column in columns for item in column.flat()}
    for column in columns:
        for item in column.flat():
            for lane in item.lanes:
                where.update((it.id, column) for it in lane)
    _check_columns(spec, items, where)
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
            if any(it.kind == "branches" for it in flat[flat.index(skipped) - 1 : pos]):
                raise ref.node.error(
                    f"`residual: {ref}` goes around parallel branches",
                    fix=f"draw the skip as a link: `links: [{{from: ITEM, to: {item.id}}}]`",
                )
    declared: dict[tuple[str, str], Node] = {}
    for n, node in enumerate(top.items("links"), start=1):
        f = SpecFields(node, f"link {n}", LINK_KEYS)
        source = as_ref(f.need("from", "add `from: item_id`"), "`from`")
        target = as_ref(f.need("to", "add `to: item_id`"), "`to`")
        for ref in (source, target):
            if ref.target not in items or ref.index is not None:
                raise ref.node.error(
                    f"`{ref}` names no item",
                    fix=suggest(ref.target, items, "use the id of a label, block or sum"),
                )
            kind = items[ref.target].kind
            if kind in ("stack", "branches"):
                raise ref.node.error(
                    f"`{ref}` is a {'stack or group' if kind == 'stack' else 'set of branches'};"
                    " links join items",
                    fix="name an item inside it",
                )
        if source.target == target.target:
            raise f.node.error(
                f"the link goes from `{source}` to itself", fix="name two different items"
            )
        pair = (source.target, target.target)
        if pair in declared:
            raise f.node.error(
                f"the link `{source}` → `{target}` is declared twice"
                f" (first at {declared[pair].place})",
                fix="declare it once; `count: 2` draws two arrows",
            )
        declared[pair] = f.node
        count = f.integer("count", 1, 1, 8) or 1
        label = f.text("label")
        dashed = f.boolean("dashed", False)
        spec.links.append(LinkSpec(source, target, count, node, label, dashed))
    return spec


def claim_id(ident: str, node: Node, seen: dict[str, Node]) -> None:
    if ident in seen:
        raise node.error(
            f"the id `{ident}` is used twice (first at {seen[ident].place})",
            fix="give each column and item its own id",
        )
    seen[ident] = node


def parse_item(
    node: Node,
    column: str,
    seen: dict[str, Node],
    stack: str | None,
    default_id: str,
    in_lane: bool = False,
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
                    "an item is one of: label, block, sum, stack, group, branches",
                ),
            )
        raise node.error(
            "an item needs exactly one of `label`, `block`, `sum`, `stack`, `group`, `branches`"
            + (f" (found {', '.join(kinds)})" if kinds else ""),
            fix="write e.g. `- block: Feed Forward`",
        )
    kind = kinds[0]
    f = SpecFields(node, f"a {kind} item", ITEM_KEYS[kind])
    id_node = f.get("id")
    ident = as_id(id_node, "`id`") if id_node is not None else default_id
    claim_id(ident, id_node or node, seen)
    item = ItemSpec(kind=kind, id=ident, text="", column=column, node=node, stack=stack)
    if in_lane and kind not in ("block", "sum"):
        raise node.error(
            f"a branch holds blocks and sums, not a {kind}",
            fix="put labels, stacks and groups outside the branches",
        )
    shape = f.get("shape")
    item.shape = as_text(shape, "`shape`") if shape is not None else None
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
        res = f.get("residual")
        item.residual = as_ref(res, "`residual`") if res is not None else None
        pos = f.get("positional")
        if pos is not None:
            if pos.value is True:
                item.positional = ""
            elif pos.value is not False:
                item.positional = as_text(pos, "`positional`")
    elif kind == "branches":
        item.text = ""
        lanes = f.items("branches", required=True)
        if len(lanes) < 2:
            raise node.value["branches"].error(
                "`branches` needs at least two branches",
                fix="list one branch per line: `- [{block: Expert 1}]`",
            )
        for b, lane in enumerate(lanes, start=1):
            entries = lane.value if isinstance(lane.value, list) else None
            if not entries:
                raise lane.error("a branch is a list of items", fix="write `- [{block: 3×3 conv}]`")
            item.lanes.append(
                [
                    parse_item(sub, column, seen, stack, f"{ident}-{b}-{i}", in_lane=True)
                    for i, sub in enumerate(entries, start=1)
                ]
            )
    else:
        if stack is not None:
            raise node.error(
                "stacks and groups cannot be nested", fix="put the items in one stack or group"
            )
        item.caption = kind == "group"
        item.kind = "stack"
        item.text = as_text(node.value[kind], f"`{kind}`")
        item.fill = as_colour(f, "fill")
        item.stroke = as_colour(f, "stroke")
        inner = f.items("items", required=True)
        if not inner:
            raise node.value["items"].error(f"the {kind} has no items", fix="add items")
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


def _check_columns(
    spec: BlocksSpec, items: dict[str, ItemSpec], where: dict[str, ColumnSpec]
) -> None:
    """What the layout cannot draw is refused here, never dropped."""
    done: set[str] = set()
    for column in spec.columns:
        for item in column.flat():
            for lane in item.lanes:
                for sub in lane:
                    if sub.residual is not None:
                        raise sub.residual.node.error(
                            "a block inside a branch cannot have a `residual`",
                            fix="draw the skip as a link between two items",
                        )
            if item.tokens and spec.orientation == "right":
                raise item.node.value["tokens"].error(
                    "`tokens` are drawn in `orientation: up` diagrams only",
                    fix="write the tokens into the label's text, or use `orientation: up`",
                )
        ref = column.start_at
        if ref is not None:
            if ref.target not in items or ref.index is not None:
                raise ref.node.error(
                    f"`start_at: {ref}` names no item",
                    fix=suggest(ref.target, items, "name an item of an earlier column"),
                )
            if where[ref.target].id not in done:
                raise ref.node.error(
                    f"`start_at: {ref}` is not in an earlier column",
                    fix="name an item of a column listed before this one",
                )
        done.add(column.id)
