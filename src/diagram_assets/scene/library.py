"""Excalidraw libraries (``.excalidrawlib``) laid out as one sheet, to preview like a drawing."""

from __future__ import annotations

import math
from typing import Any

from .context import RAISE_ELEMENTS, LoadContext
from .normalise import Element, describe, validate_elements

GAP = 40.0  # between the cells of the sheet, in scene units
_FIX = "each library item must be a list of elements or an object with an 'elements' list"


def library_elements(ctx: LoadContext, doc: dict[str, Any]) -> list[Element]:
    """All items' elements, each item moved into its own cell of a grid, in file order.

    v2 libraries hold ``libraryItems: [{elements, name, …}]``, v1 libraries ``library:
    [[…elements]]``. Ids that repeat an earlier item's ids (copies of one shape) are renamed
    inside that item, references included, so every element stays distinct.
    """
    key = "libraryItems" if "libraryItems" in doc else "library"
    items = doc.get(key)
    if items is None:
        items = []
    if type(items) is not list:
        ctx.fail(f"'{key}' is {describe(items)}, expected a list", f"$.{key}", fix=_FIX)
    raw: list[tuple[Any, str]] = []
    total = 0
    for i, item in enumerate(items):
        if type(item) is list:
            elements, where = item, f"$.{key}[{i}]"
        elif type(item) is dict:
            elements, where = item.get("elements"), f"$.{key}[{i}].elements"
            if type(elements) is not list:
                what = "has no 'elements'" if elements is None else "'elements' is not a list"
                ctx.fail(f"library item {what}", where, fix=_FIX)
        else:
            ctx.fail(
                f"library item is {describe(item)}, expected an object",
                f"$.{key}[{i}]",
                fix=_FIX,
            )
        total += len(elements)
        raw.append((elements, where))
    if total > ctx.limits.max_elements:
        ctx.fail(
            f"the library has {total} elements, over the limit of {ctx.limits.max_elements} "
            "(max_elements)",
            f"$.{key}",
            fix=RAISE_ELEMENTS,
        )
    groups = [validate_elements(ctx, elements, where) for elements, where in raw]
    _separate_ids(groups)
    _lay_out(groups)
    return [element for group in groups for element in group]


def _separate_ids(groups: list[list[Element]]) -> None:
    seen: set[str] = set()
    for k, group in enumerate(groups):
        names = {e["id"] for e in group if type(e.get("id")) is str}
        for e in group:
            names.update(g for g in e.get("groupIds") or () if type(g) is str)
        clashes = names & seen
        if clashes:
            mapping = {}
            for name in sorted(clashes):
                new = f"{name}~{k}"
                while new in seen or new in names:
                    new += "~"
                mapping[name] = new
            for e in group:
                _rename(e, mapping)
            names = (names - clashes) | set(mapping.values())
        seen |= names


def _rename(e: Element, mapping: dict[str, str]) -> None:
    def sub(value: Any) -> Any:
        return mapping.get(value, value) if type(value) is str else value

    for key in ("id", "containerId", "frameId"):
        if key in e:
            e[key] = sub(e[key])
    if type(e.get("groupIds")) is list:
        e["groupIds"] = [sub(g) for g in e["groupIds"]]
    if type(e.get("boundElementIds")) is list:
        e["boundElementIds"] = [sub(b) for b in e["boundElementIds"]]
    if type(e.get("boundElements")) is list:
        e["boundElements"] = [
            {**b, "id": sub(b["id"])} if type(b) is dict and "id" in b else b
            for b in e["boundElements"]
        ]
    for key in ("startBinding", "endBinding"):
        binding = e.get(key)
        if type(binding) is dict and "elementId" in binding:
            e[key] = {**binding, "elementId": sub(binding["elementId"])}


def _num(value: Any) -> float:
    return float(value) if type(value) in (int, float) else 0.0


def element_bounds(e: Element) -> tuple[float, float, float, float]:
    """Axis-aligned (x0, y0, x1, y1) of an element, rotation included."""
    x, y = _num(e.get("x")), _num(e.get("y"))
    points = e.get("points")
    if type(points) is list and points:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        x0, x1, y0, y1 = x + min(xs), x + max(xs), y + min(ys), y + max(ys)
    else:
        w, h = _num(e.get("width")), _num(e.get("height"))
        x0, x1 = sorted((x, x + w))
        y0, y1 = sorted((y, y + h))
    angle = _num(e.get("angle"))
    if angle:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        cos, sin = math.cos(angle), math.sin(angle)
        corners = [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
        rx = [cx + (px - cx) * cos - (py - cy) * sin for px, py in corners]
        ry = [cy + (px - cx) * sin + (py - cy) * cos for px, py in corners]
        x0, x1, y0, y1 = min(rx), max(rx), min(ry), max(ry)
    return x0, y0, x1, y1


def group_bounds(group: list[Element]) -> tuple[float, float, float, float] | None:
    boxes = [element_bounds(e) for e in group if not e.get("isDeleted")]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _lay_out(groups: list[list[Element]]) -> None:
    """Move each item so its top-left corner sits at its cell's; columns and rows fit the
    widest and tallest item in them."""
    if not groups:
        return
    cols = max(1, math.ceil(math.sqrt(len(groups))))
    bounds = [group_bounds(g) for g in groups]
    sizes = [(b[2] - b[0], b[3] - b[1]) if b else (0.0, 0.0) for b in bounds]
    widths = [0.0] * cols
    heights = [0.0] * math.ceil(len(groups) / cols)
    for k, (w, h) in enumerate(sizes):
        r, c = divmod(k, cols)
        widths[c] = max(widths[c], w)
        heights[r] = max(heights[r], h)
    lefts = [sum(widths[:c]) + c * GAP for c in range(cols)]
    tops = [sum(heights[:r]) + r * GAP for r in range(len(heights))]
    for k, group in enumerate(groups):
        r, c = divmod(k, cols)
        b = bounds[k]
        dx = lefts[c] - (b[0] if b else 0.0)
        dy = tops[r] - (b[1] if b else 0.0)
        for e in group:
            e["x"] = _num(e.get("x")) + dx
            e["y"] = _num(e.get("y")) + dy
