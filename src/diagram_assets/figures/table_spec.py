"""``table:`` of a figure spec: a table as printed in a paper (header, aligned columns, rules)."""

from __future__ import annotations

import re

from ..fields import SpecFields, as_text, listing, suggest, type_name
from ..specyaml import Node
from .data_model import (
    ALIGNS,
    CAPTION_SIDES,
    RULES,
    TABLE_COLUMN_KEYS,
    TABLE_KEYS,
    TableColumn,
    TableSpec,
)
from .refs import as_id

MAX_COLUMNS = 40
MAX_ROWS = 500

# 125M, 1.3B, 0.5M, 12288, 1,024, −3.5, 42 %, 6.0 × 10⁻⁴, 6.0e-4, 3.2M tokens is not a number
_NUMBER = re.compile(
    r"^[+\-−]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"
    r"(\s*[%kKMBGT])?"
    r"(\s*[×x]\s*10[⁺⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|[eE][+\-]?\d+)?$"
)
_EMPTY_CELLS = {"", "-", "–", "—"}


def is_number(text: str) -> bool:
    """True for cells read as numbers (right-aligned): ``12288``, ``1.3B``, ``6.0 × 10⁻⁴``."""
    return _NUMBER.match(text.strip()) is not None


def parse_table(top: SpecFields) -> TableSpec:
    node = top.need("table", "add `table:` with `columns:` and `rows:`")
    f = SpecFields(node, "`table`", TABLE_KEYS)
    column_nodes = f.items("columns", required=True)
    if not column_nodes:
        raise f.need("columns", "").error("`columns` is empty", fix="list at least one column")
    if len(column_nodes) > MAX_COLUMNS:
        raise column_nodes[MAX_COLUMNS].error(
            f"a table has at most {MAX_COLUMNS} columns", fix="split it into two tables"
        )
    columns = [_column(n, i) for i, n in enumerate(column_nodes, start=1)]
    keys: dict[str, TableColumn] = {}
    for column in columns:
        if column.key in keys:
            raise column.node.error(
                f"the column key `{column.key}` is used twice", fix="give each column its own key"
            )
        keys[column.key] = column
    _check_groups(columns)
    row_nodes = f.items("rows", required=True)
    if len(row_nodes) > MAX_ROWS:
        raise row_nodes[MAX_ROWS].error(
            f"a table has at most {MAX_ROWS} rows", fix="split it into several tables"
        )
    rows = [_row(n, i, columns) for i, n in enumerate(row_nodes, start=1)]
    for n, column in enumerate(columns):
        if column.align == "":  # not given: numbers right, text left
            cells = [row[n].strip() for row in rows if row[n].strip() not in _EMPTY_CELLS]
            numeric = bool(cells) and all(is_number(c) for c in cells)
            column.align = "right" if numeric else "left"
    return TableSpec(
        columns=columns,
        rows=rows,
        caption=f.text("caption"),
        caption_side=f.choice("caption_side", CAPTION_SIDES, "top"),
        rules=f.choice("rules", RULES, "booktabs"),
        zebra=f.boolean("zebra", False),
    )


def _column(node: Node, n: int) -> TableColumn:
    if isinstance(node.value, str):  # `- Model` : a header, its key derived
        header = node.value
        return TableColumn(f"column{n}", header, None, "", None, node)
    f = SpecFields(node, f"column {n}", TABLE_COLUMN_KEYS)
    key_node = f.get("key")
    key = as_id(key_node, "`key`") if key_node is not None else f"column{n}"
    header = f.text("header", "") or ""
    if key_node is None and not f.has("header"):
        raise node.error(f"column {n} needs `header:` (or `key:`)", fix="add `header: Model`")
    if not f.has("header"):
        header = key
    align = f.choice("align", ALIGNS, "") if f.has("align") else ""
    return TableColumn(key, header, f.text("unit"), align, f.text("group"), node)


def _check_groups(columns: list[TableColumn]) -> None:
    """A group's columns must be neighbours: one spanning header each."""
    closed: set[str] = set()
    current: str | None = None
    for column in columns:
        if column.group != current:
            if current is not None:
                closed.add(current)
            if column.group is not None and column.group in closed:
                raise column.node.error(
                    f"the columns of group `{column.group}` are not side by side",
                    fix="put the columns of one group next to each other",
                )
            current = column.group


def _row(node: Node, n: int, columns: list[TableColumn]) -> list[str]:
    if isinstance(node.value, list):
        cells = node.value
        if len(cells) != len(columns):
            raise node.error(
                f"row {n} has {len(cells)} cells, the table has {len(columns)} columns",
                fix="give one cell per column (an empty one as '')",
            )
        return [_cell(c) for c in cells]
    if isinstance(node.value, dict):
        keys = {c.key for c in columns}
        for key in node.value:
            if key not in keys:
                raise node.key_node(key).error(
                    f"row {n} names the column `{key}`, which the table does not have",
                    fix=suggest(key, keys, f"columns: {listing(keys)}"),
                )
        return [_cell(node.value[c.key]) if c.key in node.value else "" for c in columns]
    raise node.error(
        f"row {n} must be a list of cells or a mapping by column key, not {type_name(node.value)}",
        fix="write `- [GPT-3 Small, 125M, 12]` or `- {model: GPT-3 Small, params: 125M}`",
    )


def _cell(node: Node) -> str:
    if node.value is None:
        return ""
    return as_text(node, "a cell")
