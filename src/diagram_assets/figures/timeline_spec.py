"""``timeline:`` of a figure spec: dated items on a horizontal time axis."""

from __future__ import annotations

import calendar
import re

from ..fields import SpecFields, as_text, listing, suggest
from ..specyaml import Node
from .data_model import (
    CATEGORY_KEYS,
    GROUPS,
    ITEM_KEYS,
    LANE_KEYS,
    SIDES,
    TICKS,
    TIMELINE_KEYS,
    Category,
    Date,
    Lane,
    TimelineItem,
    TimelineSpec,
)
from .refs import as_colour, as_id

MAX_ITEMS = 400
MAX_MONTHS = 12 * 60  # five decades at most
_DATE = re.compile(r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?$")


def as_date(node: Node, what: str) -> Date:
    """``2020``, ``2020-05`` (or ``2020/05``) and ``2020-05-28``, checked."""
    word = as_text(node, what).strip()
    m = _DATE.match(word)
    if m is None:
        raise node.error(
            f"{what} `{word}` is not a date",
            fix="write a year, a month or a day: 2020, 2020-05 or 2020-05-28",
        )
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else None
    day = int(m.group(3)) if m.group(3) else None
    if year < 1000:
        raise node.error(f"{what} `{word}`: the year must have four digits", fix="e.g. 2020")
    if month is not None and not 1 <= month <= 12:
        raise node.error(f"{what} `{word}`: there is no month {month}", fix="use months 1–12")
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise node.error(
                f"{what} `{word}`: {calendar.month_name[month]} {year} has days 1–{last}",
                fix="correct the day",
            )
    return Date(year, month, day)


def _month(months: int) -> Date:
    return Date(months // 12, months % 12 + 1)


def parse_timeline(top: SpecFields) -> TimelineSpec:
    node = top.need("timeline", "add `timeline:` with `items:`")
    f = SpecFields(node, "`timeline`", TIMELINE_KEYS)
    categories = _categories(f)
    lanes = _lanes(f)
    item_nodes = f.items("items", required=True)
    if not item_nodes:
        raise f.need("items", "").error("`items` is empty", fix="list at least one item")
    if len(item_nodes) > MAX_ITEMS:
        raise item_nodes[MAX_ITEMS].error(
            f"a timeline has at most {MAX_ITEMS} items", fix="split it into several timelines"
        )
    by_category = {c.id: c for c in categories}
    lane_ids = {lane.id for lane in lanes}
    seen: dict[str, Node] = {}
    items: list[TimelineItem] = []
    for n, item_node in enumerate(item_nodes, start=1):
        item = _item(item_node, n, by_category, lane_ids)
        if item.id in seen:
            raise (item_node.value.get("id") or item_node).error(
                f"the id `{item.id}` is used twice (first at {seen[item.id].place})",
                fix="give each item its own id",
            )
        seen[item.id] = item_node
        items.append(item)
    first = min(i.date.months() for i in items)
    last = max(i.date.last_months() for i in items)
    start_node, end_node = f.get("start"), f.get("end")
    start = as_date(start_node, "`start`") if start_node is not None else _month(first - 1)
    end = as_date(end_node, "`end`") if end_node is not None else _month(last + 1)
    for item in items:
        if not start.months() <= item.date.months() <= item.date.last_months() <= end.last_months():
            raise item.node.error(
                f"the item `{item.label}` ({item.date}) is outside the timeline ({start} to {end})",
                fix="move `start`/`end` to include it, or remove the item",
            )
    if end.last_months() - start.months() >= MAX_MONTHS:
        raise (end_node or node).error(
            f"the timeline spans more than {MAX_MONTHS // 12} years",
            fix="draw a shorter period, or several timelines",
        )
    return TimelineSpec(
        items=items,
        start=start,
        end=end,
        ticks=f.choice("ticks", TICKS, "auto"),
        month_width=f.integer("month_width", 24, 4, 400) or 24,
        categories=categories,
        lanes=lanes,
        legend=f.boolean("legend", bool(categories)),
        group=f.choice("group", GROUPS, "none"),
    )


def _with_ids(
    f: SpecFields, key: str, what: str, keys: dict[str, str], example: str
) -> list[tuple[SpecFields, str]]:
    """The entries of the list ``key`` (each a mapping with its own ``id``), read in order;
    an id given twice is refused at its place."""
    out: list[tuple[SpecFields, str]] = []
    seen: set[str] = set()
    for n, node in enumerate(f.items(key), start=1):
        entry = SpecFields(node, f"{what} {n}", keys)
        ident = as_id(entry.need("id", f"add `id: {example}` (items name it)"), "`id`")
        if ident in seen:
            raise entry.need("id", "").error(
                f"the {what} `{ident}` is listed twice", fix=f"give each {what} its own id"
            )
        seen.add(ident)
        out.append((entry, ident))
    return out


def _categories(f: SpecFields) -> list[Category]:
    return [
        Category(
            id=ident,
            label=c.text("label", ident) or ident,
            fill=as_colour(c, "fill"),
            stroke=as_colour(c, "stroke"),
            side=c.choice("side", SIDES, "above"),
        )
        for c, ident in _with_ids(f, "categories", "category", CATEGORY_KEYS, "open")
    ]


def _lanes(f: SpecFields) -> list[Lane]:
    return [
        Lane(ident, lane.text("label", ident) or ident)
        for lane, ident in _with_ids(f, "lanes", "lane", LANE_KEYS, "google")
    ]


def _item(node: Node, n: int, categories: dict[str, Category], lanes: set[str]) -> TimelineItem:
    f = SpecFields(node, f"item {n}", ITEM_KEYS)
    date = as_date(f.need("date", "add `date: 2020-05`"), "`date`")
    label = f.text("label", required=True) or ""
    if not label.strip():
        raise f.need("label", "").error("the label is empty", fix="write the item's name")
    id_node = f.get("id")
    ident = as_id(id_node, "`id`") if id_node is not None else f"item{n}"
    category = _named(f, "category", set(categories), "categories")
    lane = _named(f, "lane", lanes, "lanes")
    if lanes and lane is None:
        raise node.error(
            f"item {n} (`{label}`) has no `lane`, but the timeline has lanes",
            fix=f"add `lane:` with one of: {listing(lanes)}",
        )
    default_side = categories[category].side if category is not None else "above"
    side = f.choice("side", SIDES, default_side)
    return TimelineItem(ident, date, label, category, lane, side, node)


def _named(f: SpecFields, key: str, known: set[str], plural: str) -> str | None:
    node = f.get(key)
    if node is None:
        return None
    word = as_text(node, f"`{key}`")
    if word not in known:
        if not known:
            raise node.error(
                f"`{key}: {word}` names nothing: the timeline lists no {plural}",
                fix=f"add `{plural}:` to the timeline, or remove `{key}`",
            )
        raise node.error(
            f"`{key}: {word}` is not one of the timeline's {plural}",
            fix=suggest(word, known, f"use one of: {listing(known)}"),
        )
    return word
