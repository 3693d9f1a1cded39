"""Cell types, block styles and the built-in palettes (`zoo`, `transformer`).

Colours follow the conventions people recognise: the Neural Network Zoo poster for cells
(yellow inputs, green hidden cells, orange outputs, blue recurrent cells, pink kernels, a rim
at ~85 % brightness and a mark inside some cells) and Figure 1 of "Attention Is All You Need"
for blocks (pink embeddings, orange attention, yellow Add & Norm bars, blue feed-forward…).
"""

from __future__ import annotations

from dataclasses import dataclass

INK = "#1e1e1e"  # Excalidraw's default black: strokes, arrows, text


@dataclass(frozen=True)
class CellType:
    """One kind of Zoo cell: its colour family, the mark drawn inside, and its legend name."""

    name: str
    family: str  # input | hidden | output | recurrent | kernel
    mark: str | None  # None | circle | triangle | square
    title: str
    recurrent: bool = False  # gets a self-loop and links to its column neighbours


CELL_TYPES: dict[str, CellType] = {
    c.name: c
    for c in (
        CellType("input", "input", None, "Input Cell"),
        CellType("backfed_input", "input", "circle", "Backfed Input Cell"),
        CellType("noisy_input", "input", "triangle", "Noisy Input Cell"),
        CellType("hidden", "hidden", None, "Hidden Cell"),
        CellType("probabilistic_hidden", "hidden", "circle", "Probabilistic Hidden Cell"),
        CellType("spiking_hidden", "hidden", "triangle", "Spiking Hidden Cell"),
        CellType("capsule", "hidden", "square", "Capsule Cell"),
        CellType("output", "output", None, "Output Cell"),
        CellType("match_input_output", "output", "circle", "Match Input Output Cell"),
        CellType("recurrent", "recurrent", None, "Recurrent Cell", recurrent=True),
        CellType("memory", "recurrent", "circle", "Memory Cell", recurrent=True),
        CellType("gated_memory", "recurrent", "triangle", "Gated Memory Cell", recurrent=True),
        CellType("kernel", "kernel", None, "Kernel"),
        CellType("convolution", "kernel", "circle", "Convolution or Pool"),
    )
}

# Other spellings people use for the same cell types.
CELL_ALIASES = {
    "probabilistic": "probabilistic_hidden",
    "spiking": "spiking_hidden",
    "pool": "convolution",
    "convolution_or_pool": "convolution",
    "match": "match_input_output",
    "backfed": "backfed_input",
    "noisy": "noisy_input",
}

BLOCK_STYLES = (
    "plain",
    "embedding",
    "attention",
    "norm",
    "feed_forward",
    "linear",
    "softmax",
    "stack",
    "token",
    "input",
    "hidden",
    "output",
    "recurrent",
    "kernel",
    "pool",
)


@dataclass(frozen=True)
class Colors:
    fill: str
    stroke: str


PALETTES: dict[str, dict[str, Colors]] = {
    "zoo": {
        # cell families: the poster's fills with their rims
        "input": Colors("#ffcc00", "#d9ad00"),
        "hidden": Colors("#66cc00", "#57ad00"),
        "output": Colors("#ff6600", "#d95600"),
        "recurrent": Colors("#0099ff", "#0082d9"),
        "kernel": Colors("#ff99ff", "#d982d9"),
        # block styles, in the poster's colours
        "plain": Colors("#ffffff", INK),
        "embedding": Colors("#ffcc00", "#d9ad00"),
        "attention": Colors("#66cc00", "#57ad00"),
        "norm": Colors("#ffe680", "#d9ad00"),
        "feed_forward": Colors("#0099ff", "#0082d9"),
        "linear": Colors("#ffccff", "#d982d9"),  # lighter than kernel: they differ
        "softmax": Colors("#ff6600", "#d95600"),
        "pool": Colors("#ff99ff", "#d982d9"),  # the poster: convolution or pool, a kernel
        "stack": Colors("#f3f3f4", "#bfbfc4"),
        "token": Colors("#ffffff", INK),
    },
    "transformer": {
        # block styles sampled from the paper's Figure 1
        "plain": Colors("#ffffff", INK),
        "embedding": Colors("#fce0e1", INK),
        "attention": Colors("#ffe2bb", INK),
        "norm": Colors("#f2f4c1", INK),
        "feed_forward": Colors("#c2e8f7", INK),
        "linear": Colors("#dbdfef", INK),
        "softmax": Colors("#cce7cf", INK),
        "stack": Colors("#f3f3f4", "#9a9a9e"),
        "token": Colors("#ffffff", INK),
        # cell families, in the paper's colours
        "input": Colors("#fce0e1", INK),
        "hidden": Colors("#ffe2bb", INK),
        "output": Colors("#cce7cf", INK),
        "recurrent": Colors("#c2e8f7", INK),
        "kernel": Colors("#f6d5f7", INK),  # the Zoo's kernel pink, light (not Linear's)
        "pool": Colors("#d3eee8", INK),
    },
}

HIGHLIGHT = "#e03131"  # stroke of highlighted elements in steps (transformer palette)
SHAPE_INK = "#6b6b6b"  # tensor-shape annotations beside blocks
# Per palette: red is lost on the Zoo's orange and blue cells; a dark violet is a hue the
# Zoo does not use and stands out on all five of its fills (and on white).
HIGHLIGHTS = {"zoo": "#5f3dc4", "transformer": HIGHLIGHT}


def highlight_for(palette: str) -> str:
    """The stroke colour of highlighted shapes and edges in the steps of a figure."""
    return HIGHLIGHTS.get(palette, HIGHLIGHT)


def normalise_name(text: str) -> str:
    """``Gated Memory`` / ``gated-memory`` / ``gated_memory`` → ``gated_memory``."""
    return "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())


def resolve_cell_type(text: str) -> CellType | None:
    key = normalise_name(text)
    key = CELL_ALIASES.get(key, key)
    return CELL_TYPES.get(key)


def colors_for(palette: str, style: str) -> Colors:
    """Fill and stroke of a cell family or block style in a palette (falls back to plain)."""
    table = PALETTES[palette]
    return table.get(style, table["plain"])


def is_colour(text: str) -> bool:
    """True for ``#rgb``, ``#rrggbb``, ``#rrggbbaa`` and ``transparent``."""
    if text == "transparent":
        return True
    if not text.startswith("#") or len(text) not in (4, 7, 9):
        return False
    return all(c in "0123456789abcdefABCDEF" for c in text[1:])
