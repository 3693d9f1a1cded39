"""The figure spec: its schema, validation with exact places, and the typed result.

Four kinds of spec, told apart by their top-level key:

* ``layers:`` — a layered network in the Neural Network Zoo's conventions;
* ``blocks:`` — a block diagram in columns (like the Transformer's Figure 1);
* ``table:`` — a table as a paper prints it (:mod:`.table_spec`);
* ``timeline:`` — dated items on a time axis (:mod:`.timeline_spec`).

Every problem is reported as a :class:`SpecError` naming the file, the line and column, what
is wrong and what is allowed. The schema is described in ``SPEC.md`` beside this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..fields import SpecFields, is_file_name, type_name
from ..specyaml import Node
from .blocks_spec import parse_blocks
from .data_model import TableSpec, TimelineSpec
from .data_palette import DATA_PALETTES
from .include import load, resolve_include
from .layers_spec import parse_layers
from .model import (
    BLOCKS_KEYS,
    COMMON_KEYS,
    LAYERS_KEYS,
    STEP_KEYS,
    STYLES,
    BlocksSpec,
    ColumnSpec,
    FigureSpec,
    ItemSpec,
    LayerSpec,
    Ref,
    StepSpec,
)
from .palettes import PALETTES
from .refs import as_refs, check_cell, check_ref, known_refs
from .table_spec import parse_table
from .timeline_spec import parse_timeline

# the data kinds' own top-level key (besides the common keys)
DATA_KEYS = {
    "table": {"table": "the table: columns, rows, caption, rules"},
    "timeline": {"timeline": "the timeline: items, categories, lanes, ticks"},
}

__all__ = [  # the typed spec, for the layouts and the builder
    "BlocksSpec",
    "ColumnSpec",
    "FigureSpec",
    "ItemSpec",
    "LayerSpec",
    "Ref",
    "describe",
    "load_figure_spec",
    "parse_figure",
    "spec_kind",
]


def load_figure_spec(path: Path, *, root: Path | None = None) -> FigureSpec:
    """Read and validate a figure spec; SpecError with file:line:column on any problem.

    ``root`` (the repository) bounds what ``include:`` may read: a spec outside it is refused
    without being opened. Without it (one-off use on the command line) includes go anywhere.
    """
    path = Path(path)
    boundary = Path(root).resolve() if root is not None else None
    node = load(path)
    reads: list[Path] = []
    node = resolve_include(node, path, 0, reads, boundary)
    return parse_figure(node, path, reads)


def figure_name(path: Path) -> str:
    """The output stem: the spec's ``name:``, else the file name without its suffixes."""
    return load_figure_spec(Path(path)).name


KINDS = {  # the top-level key that decides a spec's kind → what it draws
    "layers": "a layered network",
    "blocks": "a block diagram",
    "table": "a table",
    "timeline": "a timeline",
}


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
    found = [key for key in KINDS if key in root.value]
    if found[:2] == ["layers", "blocks"]:
        raise root.key_node("blocks").error(
            "a figure spec has either `layers:` or `blocks:`, not both",
            fix="split it into two specs",
        )
    if len(found) > 1:
        raise root.key_node(found[1]).error(
            f"a figure spec has one of `layers:`, `blocks:`, `table:` or `timeline:`, "
            f"not both `{found[0]}:` and `{found[1]}:`",
            fix="split it into two specs",
        )
    if not found:
        raise root.error(
            "a figure spec needs `layers:` (a layered network) or `blocks:` (a block diagram)"
            " — or `table:` or `timeline:`",
            fix="add one of them",
        )
    return found[0]


def parse_figure(root: Node, path: Path, reads: list[Path] | None = None) -> FigureSpec:
    kind = spec_kind(root)
    extra = {"layers": LAYERS_KEYS, "blocks": BLOCKS_KEYS, **DATA_KEYS}[kind]
    top = SpecFields(root, "the figure spec", {**COMMON_KEYS, **extra})
    stem = path.name
    for suffix in (".figure.yaml", ".figure.yml", ".yaml", ".yml"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    name = top.text("name", stem) or stem
    name_node = top.get("name")
    if name_node is not None and not is_file_name(name.strip()):
        raise name_node.error(
            f"`name` `{name}` cannot be a file name",
            fix='use letters, digits, spaces, - and _ (no / \\ : * ? " < > |)',
        )
    style = top.choice("style", STYLES, "clean")
    if kind in DATA_KEYS:
        palette = top.choice("palette", tuple(DATA_PALETTES), "paper")
    else:
        palette = top.choice(
            "palette", tuple(PALETTES), "zoo" if kind == "layers" else "transformer"
        )
    font_size = top.integer("font_size", 16, 8, 72) or 16
    title = top.text("title")
    layers = parse_layers(top) if kind == "layers" else None
    blocks = parse_blocks(top) if kind == "blocks" else None
    table = parse_table(top) if kind == "table" else None
    timeline = parse_timeline(top) if kind == "timeline" else None
    known = known_refs(layers, blocks)
    known.update(_data_refs(table, timeline))
    drawn = {la.id: la for la in layers.layers} if layers is not None else {}
    hidden_node = top.get("hidden")
    hidden = as_refs(hidden_node, "`hidden`") if hidden_node is not None else []
    for ref in hidden:
        check_ref(ref, known, "`hidden`")
    steps = [_parse_step(n, i, known) for i, n in enumerate(top.items("steps"), start=1)]
    for ref in hidden + [r for st in steps for r in st.show + st.hide + st.highlight]:
        if ref.index is not None and ref.target in drawn:
            check_cell(ref, drawn[ref.target])
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
        table=table,
        timeline=timeline,
    )


def _data_refs(
    table: TableSpec | None, timeline: TimelineSpec | None
) -> dict[str, tuple[str, int | None]]:
    """Ids steps may name in data figures: rows (``row1``…) and timeline items."""
    if table is not None:
        return {f"row{n}": ("row", None) for n in range(1, len(table.rows) + 1)}
    if timeline is not None:
        return {item.id: ("item", None) for item in timeline.items}
    return {}


def _parse_step(node: Node, n: int, known: dict[str, tuple[str, int | None]]) -> StepSpec:
    f = SpecFields(node, f"step {n}", STEP_KEYS)
    name = f.text("name", f"step {n}") or f"step {n}"
    lists: dict[str, list[Ref]] = {}
    for key in ("show", "hide", "highlight"):
        value = f.get(key)
        refs = as_refs(value, f"`{key}`") if value is not None else []
        for ref in refs:
            check_ref(ref, known, f"`{key}`")
        lists[key] = refs
    return StepSpec(name, lists["show"], lists["hide"], lists["highlight"], node)


def describe(spec: FigureSpec) -> dict[str, Any]:
    """A short summary (for debugging and tests)."""
    return {"name": spec.name, "kind": spec.kind, "style": spec.style, "palette": spec.palette}
