"""A timeline spec drawn: a time band with years and ticks, dated flags, lanes and a legend.

Without lanes, items stand above or below the band (by their side or category's side); with
lanes, each lane is a strip above the band holding its items, named on the left, with faint
year lines across. Labels are stacked by :mod:`.timeline_layout`, so none overlaps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .data_model import TimelineItem, TimelineSpec
from .data_palette import DataPalette
from .elements import SceneBuilder
from .geometry import Element, bounds
from .palettes import Colors
from .schema import FigureSpec
from .text import line_height, text_size
from .timeline_layout import BIN_MONTHS, Column, Flag, bin_start, pack, stack, tick_step

PAD_X = 6  # inside a label box
PAD_Y = 3
PITCH_GAP = 6  # between two levels of labels
POLE_MIN = 14  # from the band (or a lane's baseline) to the first level
DOT = 7
BRACKET = 4  # thickness of the mark of a period on the band
GROUP = "timeline"


@dataclass
class Label:
    """One item's box: left edge ``x``, ``level`` counted from the axis."""

    item: TimelineItem
    colours: Colors
    x: float
    width: float
    level: int = 0


@dataclass
class Anchor:
    """Where labels meet the axis: a dot at one date (flags; ``x0 == x1``) or a bracket over a
    period (a column of labels); ``labels`` are those whose leader starts here."""

    x0: float
    x1: float
    colours: Colors
    labels: list[Label]


class TimelineDrawing:
    def __init__(self, spec: FigureSpec, builder: SceneBuilder, palette: DataPalette) -> None:
        assert spec.timeline is not None
        self.t: TimelineSpec = spec.timeline
        self.b = builder
        self.p = palette
        self.size = max(8, builder.style.font_size - 2)
        self.box_h = self.size * line_height(builder.style.font_family) + 2 * PAD_Y
        self.pitch = self.box_h + PITCH_GAP
        self.reach = POLE_MIN if self.t.group == "none" else POLE_MIN + 14
        self.first = self.t.start.months()
        self.months = self.t.end.last_months() - self.first + 1
        self.mw = float(self.t.month_width)
        self.left = 0.0
        if self.t.lanes:
            widest = max(self._width(lane.label, builder.style.font_size) for lane in self.t.lanes)
            self.left = widest + 24
        self.colours: dict[str | None, Colors] = {None: palette.item}
        for n, c in enumerate(self.t.categories):
            default = palette.category(n)
            self.colours[c.id] = Colors(c.fill or default.fill, c.stroke or default.stroke)

    def _width(self, text: str, size: float) -> float:
        return text_size(text, self.b.style.font_family, size)[0]

    def x_of(self, position: float) -> float:
        return self.left + (position - self.first) * self.mw

    # -- layout ----------------------------------------------------------------------------
    def anchors(self) -> dict[str, list[Anchor]]:
        """Labels placed, by where they stand: ``above``/``below`` the band or ``lane:<id>``."""
        groups: dict[str, list[TimelineItem]] = {}
        for item in self.t.items:
            key = f"lane:{item.lane}" if self.t.lanes else item.side
            groups.setdefault(key, []).append(item)
        if self.t.group == "none":
            return {key: self._flags(items) for key, items in groups.items()}
        return {key: self._columns(items) for key, items in groups.items()}

    def _label(self, item: TimelineItem, x: float = 0.0) -> Label:
        width = self._width(item.label, self.size) + 2 * PAD_X
        return Label(item, self.colours[item.category], x, width)

    def _flags(self, items: list[TimelineItem]) -> list[Anchor]:
        labels = [self._label(item, self.x_of(item.date.position())) for item in items]
        flags = [Flag(label.x, label.width) for label in labels]
        stack(flags)
        anchors: dict[float, Anchor] = {}
        for label, flag in sorted(
            zip(labels, flags, strict=True), key=lambda lf: (lf[1].x, lf[1].level)
        ):
            label.level = flag.level
            anchor = anchors.setdefault(label.x, Anchor(label.x, label.x, label.colours, []))
            anchor.labels.append(label)
        return list(anchors.values())

    def _columns(self, items: list[TimelineItem]) -> list[Anchor]:
        bins: dict[int, list[TimelineItem]] = {}
        for item in sorted(items, key=lambda i: i.date.position()):  # stable: spec order
            bins.setdefault(bin_start(item.date.months(), self.t.group), []).append(item)
        size = BIN_MONTHS[self.t.group]
        starts = sorted(bins)
        columns = []
        for start in starts:
            widest = max(self._label(item).width for item in bins[start])
            columns.append(Column(self.x_of(start + size / 2), widest))
        pack(columns)
        anchors = []
        for start, column in zip(starts, columns, strict=True):
            labels = []
            for level, item in enumerate(bins[start]):
                label = self._label(item, column.x)
                label.width, label.level = column.width, level
                labels.append(label)
            x0 = max(self.x_of(start), self.x_of(self.first)) + 2
            x1 = min(self.x_of(start + size), self.x_of(self.first + self.months)) - 2
            colours = labels[0].colours
            if len({label.colours for label in labels}) > 1:
                colours = Colors(self.p.axis_fill, self.p.pole)
            anchors.append(Anchor(x0, x1, colours, labels))
        return anchors

    def draw(self) -> None:
        groups = self.anchors()
        labels = [lb for anchors in groups.values() for a in anchors for lb in a.labels]
        right = max(lb.x + lb.width for lb in labels) + 8
        months = max(self.months, math.ceil((right - self.left) / self.mw))
        x0, x1 = self.left, self.left + months * self.mw
        band_h = self.b.style.font_size * line_height(self.b.style.font_family) + 10
        if self.t.lanes:
            top = self._draw_lanes(groups, x1)
            self._year_lines(x0, months, top, 0.0)
        else:
            self._draw_labels(groups.get("above", []), 0.0, up=True, group="above")
            self._draw_labels(groups.get("below", []), band_h, up=False, group="below")
        self._band(x0, x1, months, 0.0, band_h)
        if self.t.legend and self.t.categories:
            self._legend(x0, x1)

    # -- parts -------------------------------------------------------------------------------
    def _draw_labels(self, anchors: list[Anchor], base: float, *, up: bool, group: str) -> None:
        b, g = self.b, [GROUP]
        marks: list[Element] = []
        for n, anchor in enumerate(anchors, start=1):
            if anchor.x0 == anchor.x1:
                mark = b.ellipse(
                    f"timeline.dot.{group}.{n}",
                    anchor.x0,
                    base,
                    DOT,
                    fill=anchor.colours.stroke,
                    stroke=anchor.colours.stroke,
                    groups=g,
                )
            else:
                mark = b.rect(
                    f"timeline.period.{group}.{n}",
                    anchor.x0,
                    base - BRACKET if up else base,
                    anchor.x1 - anchor.x0,
                    BRACKET,
                    fill=anchor.colours.stroke,
                    stroke=anchor.colours.stroke,
                    rounded=False,
                    groups=g,
                )
            marks.append(mark)
            dot = anchor.x0 == anchor.x1
            # a dot's flags each have a pole; a period's column one leader, to its first label
            leaders = anchor.labels if dot else anchor.labels[:1]
            for label in anchor.labels:
                box = self._box(label, base, up)
                if label in leaders:
                    rise = DOT / 2 if dot else BRACKET
                    start_x = anchor.x0 if dot else (anchor.x0 + anchor.x1) / 2
                    start_y = base - rise if up else base + rise
                    end_x = label.x if dot else label.x + label.width / 2
                    end_y = box["y"] + box["height"] if up else box["y"]
                    pole = b.arrow(
                        f"timeline.pole.{label.item.id}",
                        [(start_x, start_y), (end_x, end_y)],
                        mark,
                        box,
                        gap_start=0,
                        gap_end=0,
                        head=None,
                        stroke=self.p.pole,
                        groups=g,
                    )
                    b.tag(label.item.id, pole)
        for mark in marks:  # marks above their poles
            b.elements.remove(mark)
            b.elements.append(mark)

    def _box(self, label: Label, base: float, up: bool) -> Element:
        near = self.reach + label.level * self.pitch
        y = base - near - self.box_h if up else base + near
        box = self.b.rect(
            f"timeline.item.{label.item.id}",
            label.x,
            y,
            label.width,
            self.box_h,
            fill=label.colours.fill,
            stroke=label.colours.stroke,
            rounded=False,
            groups=[GROUP],
        )
        self.b.bound_text(box, label.item.label, size=self.size, color=self.p.ink)
        self.b.tag(label.item.id, box, shape=True)
        return box

    def _draw_lanes(self, groups: dict[str, list[Anchor]], x1: float) -> float:
        """Lanes from the band upwards (the first lane on top); returns the top of the lanes."""
        y = 0.0
        for lane in reversed(self.t.lanes):
            anchors = groups.get(f"lane:{lane.id}", [])
            levels = max((lb.level for a in anchors for lb in a.labels), default=-1) + 1
            height = self.reach + max(levels, 1) * self.pitch + 4
            base = y - 4
            self._draw_labels(anchors, base, up=True, group=f"lane-{lane.id}")
            label = self.b.text(
                f"timeline.lane.{lane.id}",
                0,
                y - height / 2,
                lane.label,
                align="left",
                color=self.p.ink,
                groups=[GROUP],
            )
            self.b.tag(lane.id, label)
            self.b.line(
                f"timeline.lane.{lane.id}.rule",
                [(0, y - height), (x1, y - height)],
                stroke=self.p.grid,
                groups=[GROUP],
            )
            y -= height
        return y

    def _year_lines(self, x0: float, months: int, top: float, bottom: float) -> None:
        for m in range(months + 1):
            if (self.first + m) % 12 == 0 and 0 < m < months:
                x = x0 + m * self.mw
                line = self.b.line(
                    f"timeline.grid.{(self.first + m) // 12}",
                    [(x, top), (x, bottom)],
                    stroke=self.p.grid,
                    groups=[GROUP],
                )
                line["strokeStyle"] = "dashed"
                # behind everything drawn in the lanes
                self.b.elements.remove(line)
                self.b.elements.insert(0, line)

    def _band(self, x0: float, x1: float, months: int, y: float, h: float) -> None:
        b, p = self.b, self.p
        b.rect(
            "timeline.axis",
            x0,
            y,
            x1 - x0,
            h,
            fill=p.axis_fill,
            stroke=p.axis_stroke,
            rounded=False,
            groups=[GROUP],
        )
        b.line(
            "timeline.axis.head",
            [(x1, y - 5), (x1 + h / 2 + 4, y + h / 2), (x1, y + h + 5), (x1, y - 5)],
            stroke=p.axis_stroke,
            fill=p.axis_fill,
            groups=[GROUP],
        )
        step = tick_step(self.t.ticks, self.mw)
        for m in range(1, months):
            month = (self.first + m) % 12
            x = x0 + m * self.mw
            if month == 0:
                b.line(
                    f"timeline.year.{(self.first + m) // 12}.line",
                    [(x, y), (x, y + h)],
                    stroke=p.axis_stroke,
                    groups=[GROUP],
                )
            elif step and month % step == 0:
                for edge, sign in ((y, 1), (y + h, -1)):
                    b.line(
                        f"timeline.tick.{m}.{'top' if sign > 0 else 'bottom'}",
                        [(x, edge), (x, edge + sign * 4)],
                        stroke=p.axis_stroke,
                        groups=[GROUP],
                    )
        # year labels, centred in the part of each year that is drawn
        year = self.first // 12
        while year * 12 < self.first + months:
            a = max(year * 12, self.first)
            z = min(year * 12 + 12, self.first + months)
            text = str(year)
            if (z - a) * self.mw >= self._width(text, b.style.font_size) + 8:
                b.text(
                    f"timeline.year.{year}",
                    x0 + ((a + z) / 2 - self.first) * self.mw,
                    y + h / 2,
                    text,
                    color=p.ink,
                    groups=[GROUP],
                )
            year += 1

    def _legend(self, x0: float, x1: float) -> None:
        b = self.b
        _, _, _, max_y = bounds(b.elements)
        size = max(8, b.style.font_size - 2)
        sw = size * 0.9
        entries = []
        for c in self.t.categories:
            entries.append((c, self._width(c.label, size)))
        total = sum(sw + 6 + w for _, w in entries) + 20 * (len(entries) - 1)
        x = (x0 + x1) / 2 - total / 2
        cy = max_y + 14 + size * 0.6
        for c, w in entries:
            colours = self.colours[c.id]
            b.rect(
                f"timeline.legend.{c.id}.swatch",
                x,
                cy - sw / 2,
                sw,
                sw,
                fill=colours.fill,
                stroke=colours.stroke,
                rounded=False,
                groups=[GROUP],
            )
            b.text(
                f"timeline.legend.{c.id}",
                x + sw + 6,
                cy,
                c.label,
                size=size,
                align="left",
                color=self.p.ink,
                groups=[GROUP],
            )
            x += sw + 6 + w + 20


def build_timeline(spec: FigureSpec, builder: SceneBuilder, palette: DataPalette) -> None:
    TimelineDrawing(spec, builder, palette).draw()
