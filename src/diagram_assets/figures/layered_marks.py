"""What a layered network draws besides cells and edges: the marks inside cells, the small
self-loops of recurrent cells, and the legend of cell types."""

from __future__ import annotations

import math

from .elements import SceneBuilder
from .geometry import Element, Point, bounds
from .palettes import INK, CellType, colors_for
from .schema import FigureSpec
from .text import text_size

LOOP_SIZE = 0.4  # a self-loop's radius, as a fraction of the cell's
LOOP_OUT = 0.85  # how far the loop stands out: its centre is this many loop radii past the rim


def loop_points(r: float, towards: float = -55.0) -> list[Point]:
    """A small round loop on a cell of radius ``r``: points relative to the cell's centre.

    The loop is an arc of a circle of radius ``LOOP_SIZE · r`` whose centre sits just outside
    the rim in the direction ``towards`` (degrees, 0 = along the flow, −90 = "up"); it starts
    and ends where the two circles cross, so both ends touch the cell, close together.
    """
    rho = LOOP_SIZE * r
    d = r + LOOP_OUT * rho
    t = math.radians(towards)
    cx, cy = d * math.cos(t), d * math.sin(t)
    # where the loop circle meets the cell's circle: angle seen from the loop's centre
    cos_phi = (d * d + rho * rho - r * r) / (2 * d * rho)
    phi = math.acos(max(-1.0, min(1.0, cos_phi)))
    back = t + math.pi  # direction from the loop's centre to the cell's centre
    start, end = back + phi, back - phi + 2 * math.pi
    n = 10
    return [
        (
            cx + rho * math.cos(start + (end - start) * i / n),
            cy + rho * math.sin(start + (end - start) * i / n),
        )
        for i in range(n + 1)
    ]


def draw_mark(
    b: SceneBuilder, cells: CellType, ref: str, x: float, y: float, d: float, groups: list[str]
) -> list[Element]:
    """The mark inside a cell: a circle, a triangle or a square (thin dark outline)."""
    if cells.mark == "circle":
        return [b.ellipse(f"{ref}.mark", x, y, d * 0.5, stroke=INK, stroke_width=1, groups=groups)]
    if cells.mark == "triangle":
        rr = d * 0.28
        pts = [
            (x + rr * math.cos(math.radians(t)), y + rr * math.sin(math.radians(t)) + d * 0.04)
            for t in (-90, 30, 150, -90)
        ]
        return [b.line(f"{ref}.mark", pts, stroke=INK, stroke_width=1, groups=groups)]
    if cells.mark == "square":
        s = d * 0.42
        return [
            b.rect(
                f"{ref}.mark",
                x - s / 2,
                y - s / 2,
                s,
                s,
                rounded=False,
                stroke=INK,
                stroke_width=1,
                groups=groups,
            )
        ]
    return []


def draw_legend(spec: FigureSpec, b: SceneBuilder, used: list[CellType]) -> None:
    """One row of (cell, name) pairs under the figure, wrapped to the figure's width."""
    min_x, _, max_x, max_y = bounds(b.elements)
    d = 20
    fam, size = b.style.font_family, max(10, b.style.font_size - 2)
    x, y = min_x, max_y + 28 + d / 2
    limit = max(max_x, min_x + 360)
    for cell in used:
        w, _ = text_size(cell.title, fam, size)
        if x > min_x and x + d + 8 + w > limit:
            x, y = min_x, y + d + 14
        colors = colors_for(spec.palette, cell.family)
        groups = [f"legend:{cell.name}", "legend"]
        icon = b.ellipse(
            f"legend:{cell.name}",
            x + d / 2,
            y,
            d,
            fill=colors.fill,
            stroke=colors.stroke,
            stroke_width=2,
            groups=groups,
        )
        draw_mark(b, cell, f"legend:{cell.name}", x + d / 2, y, d, groups)
        b.text(
            f"legend:{cell.name}.label",
            x + d + 8,
            y,
            cell.title,
            size=size,
            align="left",
            groups=groups,
        )
        x += d + 8 + w + 24
        del icon
