"""The data figures' keys (key → what it means) and the typed result of reading them.

``table:`` (a paper-style table) and ``timeline:`` (items on a time axis). Read by
:mod:`.table_spec` and :mod:`.timeline_spec`, drawn by :mod:`.table` and :mod:`.timeline`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from ..specyaml import Node

ALIGNS = ("left", "center", "right")
RULES = ("booktabs", "grid", "none")
CAPTION_SIDES = ("top", "bottom")
TICKS = ("auto", "months", "quarters", "years")
SIDES = ("above", "below")
GROUPS = ("none", "month", "quarter", "half", "year")

TABLE_KEYS = {
    "columns": "the columns, left to right",
    "rows": "the rows, top to bottom: lists of cells, or mappings by column key",
    "caption": "text above (or below) the table",
    "caption_side": "top or bottom",
    "rules": "booktabs (top, mid and bottom rules), grid or none",
    "zebra": "true: shade every other row",
}
TABLE_COLUMN_KEYS = {
    "key": "the column's id (rows may give cells by it)",
    "header": "the header text",
    "unit": "a unit, drawn small under the header",
    "align": "left, center or right (default: right for numbers, else left)",
    "group": "a label spanning this column and its neighbours with the same group",
}
TIMELINE_KEYS = {
    "items": "the items: date, label, and optionally category, lane, side, id",
    "start": "the first month drawn (default: a little before the first item)",
    "end": "the last month drawn (default: a little after the last item)",
    "ticks": "auto, months, quarters or years",
    "month_width": "pixels per month",
    "categories": "kinds of items with their colours (drawn in a legend)",
    "lanes": "horizontal lanes items are grouped in",
    "legend": "false: no legend of the categories",
    "group": "none (a flag per item) or month, quarter, half, year (a column of labels per period)",
}
CATEGORY_KEYS = {
    "id": "the category's id (items name it)",
    "label": "its name in the legend",
    "fill": "box colour (#rrggbb)",
    "stroke": "outline colour (#rrggbb)",
    "side": "above or below the time axis (without lanes)",
}
LANE_KEYS = {"id": "the lane's id (items name it)", "label": "its name, left of the lane"}
ITEM_KEYS = {
    "date": "2020, 2020-05 or 2020-05-28",
    "label": "the text of the item",
    "category": "a category id",
    "lane": "a lane id",
    "side": "above or below the axis (default: its category's, else above)",
    "id": "an id (letters, digits, _ and -)",
}


@dataclass(frozen=True)
class Date:
    """A date as precise as written: a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    def months(self) -> int:
        """Months since year 0 of the month it falls in (a year counts as its January)."""
        return self.year * 12 + (self.month or 1) - 1

    def last_months(self) -> int:
        """:meth:`months` of the last month it covers (a year: its December)."""
        return self.year * 12 + (self.month or 12) - 1

    def position(self) -> float:
        """Where it sits, in months since year 0: a month's middle, a day's middle within its
        month, a year's middle."""
        if self.month is None:
            return self.year * 12 + 6.0
        if self.day is None:
            return self.months() + 0.5
        days = calendar.monthrange(self.year, self.month)[1]
        return self.months() + (self.day - 0.5) / days

    def __str__(self) -> str:
        if self.month is None:
            return f"{self.year}"
        if self.day is None:
            return f"{self.year}-{self.month:02d}"
        return f"{self.year}-{self.month:02d}-{self.day:02d}"


@dataclass
class TableColumn:
    key: str
    header: str
    unit: str | None
    align: str
    group: str | None
    node: Node = field(repr=False)


@dataclass
class TableSpec:
    columns: list[TableColumn]
    rows: list[list[str]]  # one text per column
    caption: str | None
    caption_side: str
    rules: str
    zebra: bool


@dataclass
class Category:
    id: str
    label: str
    fill: str | None
    stroke: str | None
    side: str


@dataclass
class Lane:
    id: str
    label: str


@dataclass
class TimelineItem:
    id: str
    date: Date
    label: str
    category: str | None
    lane: str | None
    side: str
    node: Node = field(repr=False)


@dataclass
class TimelineSpec:
    items: list[TimelineItem]
    start: Date
    end: Date
    ticks: str
    month_width: int
    categories: list[Category]
    lanes: list[Lane]
    legend: bool
    group: str = "none"
