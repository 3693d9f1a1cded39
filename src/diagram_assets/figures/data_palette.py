"""Colours of the data figures (``table:`` and ``timeline:``), one palette object per theme.

The drawing code never writes a colour: it asks a :class:`DataPalette` for a role (``ink``,
``rule``, ``zebra``, ``axis_fill``…). A palette has a light and a dark variant, so a dark
output (issue 13's themes) is a matter of passing :func:`data_palette` another theme.
Category colours (open vs closed models, …) come in order from ``categories`` unless a spec
gives its own ``fill:``.
"""

from __future__ import annotations

from dataclasses import dataclass

from .palettes import INK, Colors

THEMES = ("light", "dark")


@dataclass(frozen=True)
class DataPalette:
    """Every colour a table or timeline uses, by role."""

    ink: str  # text, table rules
    muted: str  # units, captions, minor ticks, legend text
    grid: str  # thin lines: grid rules, lane separators, year lines across lanes
    zebra: str  # fill of every other body row
    header_fill: str  # header row of a `grid` table
    axis_fill: str  # the timeline's time band
    axis_stroke: str  # its outline and ticks
    pole: str  # the stem from the time band to an item's label
    item: Colors  # an item with no category
    categories: tuple[Colors, ...]  # default colours of categories, in order
    background: str  # what the figure is drawn on (for themes)

    def category(self, n: int) -> Colors:
        """The ``n``-th default category colour (0-based), cycling."""
        return self.categories[n % len(self.categories)]


_LIGHT = DataPalette(
    ink=INK,
    muted="#495057",
    grid="#ced4da",
    zebra="#f1f3f5",
    header_fill="#e9ecef",
    axis_fill="#e9ecef",
    axis_stroke="#495057",
    pole="#868e96",
    item=Colors("#ffffff", "#495057"),
    categories=(
        Colors("#ffd43b", "#c29d00"),  # yellow: the survey marks public checkpoints so
        Colors("#d0ebff", "#4a90c9"),  # light blue
        Colors("#d3f9d8", "#40a057"),  # green
        Colors("#ffe3e3", "#d0504f"),  # red
        Colors("#e5dbff", "#7b61c4"),  # violet
        Colors("#ffe8cc", "#d9822b"),  # orange
    ),
    background="#ffffff",
)

_DARK = DataPalette(
    ink="#e9ecef",
    muted="#adb5bd",
    grid="#495057",
    zebra="#25282c",
    header_fill="#2b2f33",
    axis_fill="#2b2f33",
    axis_stroke="#adb5bd",
    pole="#868e96",
    item=Colors("#1e1e1e", "#adb5bd"),
    categories=(
        Colors("#5c4a00", "#ffd43b"),
        Colors("#1b3a57", "#74c0fc"),
        Colors("#1f4428", "#69db7c"),
        Colors("#5c2323", "#ff8787"),
        Colors("#35295c", "#b197fc"),
        Colors("#5c3a12", "#ffa94d"),
    ),
    background="#121212",
)

DATA_PALETTES: dict[str, dict[str, DataPalette]] = {"paper": {"light": _LIGHT, "dark": _DARK}}
"""Palette name (a spec's ``palette:``) → theme → colours."""


def data_palette(name: str = "paper", theme: str = "light") -> DataPalette:
    """The colours of palette ``name`` in ``theme`` (``light`` or ``dark``)."""
    return DATA_PALETTES[name][theme]
