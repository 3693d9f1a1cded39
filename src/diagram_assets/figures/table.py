"""A table spec drawn as a paper prints it: header (with units and spanning column groups),
aligned columns, booktabs rules (or a grid, or none), optional zebra rows and a caption.

Every cell is a free text element measured like Excalidraw measures it (:mod:`.text`), so
columns fit their widest text, CJK included. The whole table is one Excalidraw group.
"""

from __future__ import annotations

from dataclasses import dataclass

from .data_model import TableSpec
from .data_palette import DataPalette
from .data_text import wrap_text
from .elements import SceneBuilder
from .schema import FigureSpec
from .text import line_height, text_size

PAD_X = 10  # each side of a cell's text
PAD_Y = 5  # above and below a row's text
TOP_RULE = 2.0  # booktabs: heavy top and bottom rules, light mid rules
MID_RULE = 1.0
CMID_TRIM = 5  # a group's rule stops short of the column edges
GROUP = "table"


@dataclass
class TableLayout:
    """Column edges and row edges, in drawing units (y grows downwards)."""

    xs: list[float]  # len(columns) + 1 edges
    group_row: tuple[float, float] | None  # top, bottom of the group labels' row
    header: tuple[float, float]
    rows: list[tuple[float, float]]
    caption_y: float | None  # top of the caption

    @property
    def width(self) -> float:
        return self.xs[-1] - self.xs[0]

    @property
    def top(self) -> float:
        return self.group_row[0] if self.group_row else self.header[0]

    @property
    def bottom(self) -> float:
        return self.rows[-1][1] if self.rows else self.header[1]


def _spans(spec: TableSpec) -> list[tuple[str, int, int]]:
    """(label, first column, last column) of each column group."""
    out: list[tuple[str, int, int]] = []
    for n, column in enumerate(spec.columns):
        if column.group is None:
            continue
        if out and out[-1][0] == column.group and out[-1][2] == n - 1:
            out[-1] = (column.group, out[-1][1], n)
        else:
            out.append((column.group, n, n))
    return out


class TableDrawing:
    def __init__(self, spec: FigureSpec, builder: SceneBuilder, palette: DataPalette) -> None:
        assert spec.table is not None
        self.t: TableSpec = spec.table
        self.b = builder
        self.p = palette
        self.family = builder.style.font_family
        self.size = builder.style.font_size
        self.unit_size = max(8, self.size - 3)

    def size_of(self, text: str, size: float | None = None) -> tuple[float, float]:
        return text_size(text, self.family, size or self.size)

    def layout(self) -> TableLayout:
        t = self.t
        widths = []
        for n, column in enumerate(t.columns):
            texts = [self.size_of(column.header)[0]]
            if column.unit:
                texts.append(self.size_of(column.unit, self.unit_size)[0])
            texts += [self.size_of(row[n])[0] for row in t.rows]
            widths.append(max(texts) + 2 * PAD_X)
        for label, first, last in _spans(t):  # a wide group label widens its columns
            need = self.size_of(label)[0] + 2 * PAD_X
            have = sum(widths[first : last + 1])
            for n in range(first, last + 1):
                widths[n] += max(0.0, need - have) / (last - first + 1)
        xs = [0.0]
        for w in widths:
            xs.append(xs[-1] + w)
        y = 0.0
        caption_y = None
        if t.caption and t.caption_side == "top":
            caption_y = y
            y += self.size_of(self._caption(xs[-1]))[1] + 8
        group_row = None
        line = self.size * line_height(self.family)
        if _spans(t):
            group_row = (y, y + line + 2 * PAD_Y)
            y = group_row[1]
        header_lines = max(len(c.header.split("\n")) for c in t.columns)
        unit = self.unit_size * line_height(self.family) if any(c.unit for c in t.columns) else 0
        header = (y, y + header_lines * line + unit + 2 * PAD_Y)
        y = header[1] + (2 if t.rules == "booktabs" else 0)
        rows = []
        for row in t.rows:
            lines = max(len(cell.split("\n")) for cell in row)
            rows.append((y, y + lines * line + 2 * PAD_Y))
            y = rows[-1][1]
        if t.caption and t.caption_side == "bottom":
            caption_y = y + 10
        return TableLayout(xs, group_row, header, rows, caption_y)

    def _caption(self, width: float) -> str:
        assert self.t.caption is not None
        return wrap_text(self.t.caption, self.family, self.size, max(width, 240))

    # -- drawing -----------------------------------------------------------------------------
    def draw(self) -> TableLayout:
        lay = self.layout()
        t, b, p = self.t, self.b, self.p
        x0, x1 = lay.xs[0], lay.xs[-1]
        g = [GROUP]
        if t.zebra:
            for n, (top, bottom) in enumerate(lay.rows):
                if n % 2 == 1:
                    b.rect(
                        f"table.zebra.{n + 1}",
                        x0,
                        top,
                        x1 - x0,
                        bottom - top,
                        fill=p.zebra,
                        stroke="transparent",
                        rounded=False,
                        groups=g,
                    )
        if t.rules == "grid":
            top, bottom = lay.top, lay.header[1]
            b.rect(
                "table.header.fill",
                x0,
                top,
                x1 - x0,
                bottom - top,
                fill=p.header_fill,
                stroke="transparent",
                rounded=False,
                groups=g,
            )
        self._rules(lay)
        if lay.group_row is not None:
            top, bottom = lay.group_row
            for label, first, last in _spans(t):
                a, z = lay.xs[first], lay.xs[last + 1]
                b.text(
                    f"table.group.{first + 1}",
                    (a + z) / 2,
                    (top + bottom) / 2,
                    label,
                    color=p.ink,
                    groups=g,
                )
                if t.rules == "booktabs":
                    b.line(
                        f"table.group.{first + 1}.rule",
                        [(a + CMID_TRIM, bottom - 1), (z - CMID_TRIM, bottom - 1)],
                        stroke=p.ink,
                        stroke_width=MID_RULE,
                        groups=g,
                    )
        top, bottom = lay.header
        line = self.size * line_height(self.family)
        for n, column in enumerate(t.columns):
            header_h = len(column.header.split("\n")) * line
            unit_h = self.unit_size * line_height(self.family) if column.unit else 0
            cy = top + (bottom - top - unit_h) / 2
            if column.unit:
                cy = bottom - PAD_Y - unit_h - header_h / 2
            self._cell(f"table.header.{column.key}", n, lay, cy, column.header, self.size, p.ink)
            if column.unit:
                self._cell(
                    f"table.unit.{column.key}",
                    n,
                    lay,
                    bottom - PAD_Y - unit_h / 2,
                    column.unit,
                    self.unit_size,
                    p.muted,
                )
        for r, (top, bottom) in enumerate(lay.rows):
            for n, column in enumerate(t.columns):
                text = t.rows[r][n]
                if text.strip():
                    element = self._cell(
                        f"table.cell.{r + 1}.{column.key}",
                        n,
                        lay,
                        (top + bottom) / 2,
                        text,
                        self.size,
                        p.ink,
                    )
                    b.tag(f"row{r + 1}", element, shape=True)
        if t.caption and lay.caption_y is not None:
            text = self._caption(x1 - x0)
            _, h = self.size_of(text)
            b.text(
                "table.caption",
                x0,
                lay.caption_y + h / 2,
                text,
                align="left",
                color=p.ink,
                groups=g,
            )
        return lay

    def _cell(
        self, eid: str, n: int, lay: TableLayout, cy: float, text: str, size: float, color: str
    ) -> dict:
        align = self.t.columns[n].align
        a, z = lay.xs[n], lay.xs[n + 1]
        cx = a + PAD_X if align == "left" else z - PAD_X if align == "right" else (a + z) / 2
        return self.b.text(eid, cx, cy, text, size=size, align=align, color=color, groups=[GROUP])

    def _rules(self, lay: TableLayout) -> None:
        t, b, p = self.t, self.b, self.p
        x0, x1 = lay.xs[0], lay.xs[-1]
        g = [GROUP]
        if t.rules == "booktabs":
            b.line(
                "table.rule.top",
                [(x0, lay.top), (x1, lay.top)],
                stroke=p.ink,
                stroke_width=TOP_RULE,
                groups=g,
            )
            mid = lay.header[1] + 1
            b.line(
                "table.rule.mid",
                [(x0, mid), (x1, mid)],
                stroke=p.ink,
                stroke_width=MID_RULE,
                groups=g,
            )
            b.line(
                "table.rule.bottom",
                [(x0, lay.bottom), (x1, lay.bottom)],
                stroke=p.ink,
                stroke_width=TOP_RULE,
                groups=g,
            )
        elif t.rules == "grid":
            b.rect(
                "table.frame",
                x0,
                lay.top,
                x1 - x0,
                lay.bottom - lay.top,
                stroke=p.ink,
                rounded=False,
                groups=g,
            )
            edges = [lay.header[0]] if lay.group_row else []
            edges += [lay.header[1]] + [top for top, _ in lay.rows[1:]]
            for n, y in enumerate(edges):
                b.line(f"table.grid.h{n + 1}", [(x0, y), (x1, y)], stroke=p.grid, groups=g)
            if lay.group_row is not None:  # the group labels' row: a line at each group's edges
                edges_x = sorted({lay.xs[i] for _, a, z in _spans(t) for i in (a, z + 1)})
                for n, x in enumerate(e for e in edges_x if x0 < e < x1):
                    b.line(
                        f"table.grid.g{n + 1}",
                        [(x, lay.top), (x, lay.header[0])],
                        stroke=p.grid,
                        groups=g,
                    )
            for n, x in enumerate(lay.xs[1:-1], start=1):
                b.line(
                    f"table.grid.v{n}",
                    [(x, lay.header[0]), (x, lay.bottom)],
                    stroke=p.grid,
                    groups=g,
                )


def build_table(spec: FigureSpec, builder: SceneBuilder, palette: DataPalette) -> None:
    TableDrawing(spec, builder, palette).draw()
