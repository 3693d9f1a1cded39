"""Part-embeds: the parts of a drawing a note embeds (``![[board#^group=<id>]]``), resolved to
the elements the Obsidian plugin exports for them.

The plugin (``getTemplate``/``createSVG``, ExcalidrawAutomate) resolves:

- ``frame=<name or id>``: the frame's children (elements whose ``frameId`` is the frame), not
  the frame itself, neither clipped nor cropped: the image is their box plus padding. A
  *marker* frame (``frameRole: "marker"``) exports what overlaps it, and is cropped to it.
- ``clippedframe=<name or id>``: the frame and its children, clipped to the frame, with neither
  the frame's name nor its outline drawn.
- ``group=<element id>``: every element sharing a group with that element (its container, when
  it is a bound text); a frame among them brings its children. An element in no group is
  exported alone (a frame with its children).
- ``area=<element id>``: every element whose box overlaps that element's box (marker frames
  aside), cropped to the element's box (with its container, for a bound text) plus padding.

A fragment may also be written without ``^`` (``#group=…``), as the plugin accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .model import Element, Scene

PART_KINDS = ("frame", "clippedframe", "group", "area")
_LISTED = 5  # what an unknown part's warning lists


@dataclass(frozen=True)
class PartSelection:
    """What to export for one part: ``ids`` in scene order; ``crop``: the elements whose box
    (plus padding) the image is cropped to (area, marker frames); ``clip``: frame rendering
    with clipping and no name or outline (clippedframe)."""

    key: str
    ids: tuple[str, ...]
    crop: tuple[str, ...] = ()
    clip: bool = False

    def to_page(self) -> dict[str, Any]:
        return {"key": self.key, "ids": list(self.ids), "crop": list(self.crop), "clip": self.clip}


def part_key(fragment: str) -> str | None:
    """``group=abc`` for the fragment ``^group=abc`` (or ``group=abc``); None for any other."""
    text = fragment[1:] if fragment.startswith("^") else fragment
    kind, sep, ref = text.partition("=")
    ref = ref.strip()
    if not sep or kind not in PART_KINDS or not ref:
        return None
    return f"{kind}={ref}"


def split_key(key: str) -> tuple[str, str]:
    kind, _, ref = key.partition("=")
    return kind, ref


def element_box(element: Element) -> tuple[float, float, float, float]:
    """The element's box (x1, y1, x2, y2) in scene units, rotation and points included."""
    x, y = _number(element.get("x")), _number(element.get("y"))
    points = element.get("points")
    if isinstance(points, list) and points:
        xs = [x + _number(p[0]) for p in points if isinstance(p, list) and len(p) >= 2]
        ys = [y + _number(p[1]) for p in points if isinstance(p, list) and len(p) >= 2]
        if xs and ys:
            corners = [
                (min(xs), min(ys)),
                (max(xs), min(ys)),
                (max(xs), max(ys)),
                (min(xs), max(ys)),
            ]
        else:
            corners = [(x, y)]
    else:
        w, h = _number(element.get("width")), _number(element.get("height"))
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    angle = _number(element.get("angle"))
    if angle:
        cx = x + _number(element.get("width")) / 2
        cy = y + _number(element.get("height")) / 2
        cos, sin = math.cos(angle), math.sin(angle)
        corners = [
            (cx + (px - cx) * cos - (py - cy) * sin, cy + (px - cx) * sin + (py - cy) * cos)
            for px, py in corners
        ]
    xs = [c[0] for c in corners]
    ys = [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def _groups(element: Element) -> list[str]:
    ids = element.get("groupIds")
    return [g for g in ids if isinstance(g, str)] if isinstance(ids, list) else []


def _is_frame(element: Element) -> bool:
    return element.get("type") in ("frame", "magicframe")


def _is_marker(element: Element) -> bool:
    return _is_frame(element) and element.get("frameRole") == "marker"


def _children(frame: Element, elements: list[Element], *, with_frame: bool) -> list[Element]:
    fid = frame.get("id")
    return [e for e in elements if e.get("frameId") == fid or (with_frame and e is frame)]


def _in_area(element: Element, elements: list[Element]) -> list[Element]:
    """What the plugin's ``getElementsInArea`` gives: elements overlapping the element's own
    x/y/width/height box (not rotated), marker frames aside; the element itself always."""
    x, y = _number(element.get("x")), _number(element.get("y"))
    w, h = _number(element.get("width")), _number(element.get("height"))
    out = []
    for e in elements:
        if _is_marker(e):
            continue
        if e is element:
            out.append(e)
            continue
        x1, y1, x2, y2 = element_box(e)
        if not (x1 >= x + w or x2 <= x or y1 >= y + h or y2 <= y):
            out.append(e)
    return out


def _same_group(element: Element, elements: list[Element]) -> list[Element]:
    """The plugin's ``getElementsInTheSameGroupWithElement(element, elements, true)``."""
    container_id = element.get("containerId") if element.get("type") == "text" else None
    container = [e for e in elements if container_id and e.get("id") == container_id]
    groups = set(_groups(element))
    if not groups:
        if _is_frame(element):
            return _children(element, elements, with_frame=True)
        return [element, *container[:1]] if len(container) == 1 else [element]
    boxed = container[0] if len(container) == 1 else None
    chosen = [e for e in elements if groups.intersection(_groups(e)) or e is boxed]
    ids: set[str] = set()
    for e in chosen:
        if _is_frame(e):
            ids.update(str(c.get("id")) for c in _children(e, elements, with_frame=True))
        else:
            ids.add(str(e.get("id")))
    return [e for e in elements if e.get("id") in ids]


def _find_frame(ref: str, elements: list[Element]) -> Element | None:
    frames = [e for e in elements if _is_frame(e)]
    by_id = next((f for f in frames if f.get("id") == ref), None)
    return by_id or next((f for f in frames if (f.get("name") or "").strip() == ref), None)


def _ids(elements: list[Element]) -> tuple[str, ...]:
    return tuple(str(e.get("id")) for e in elements)


def resolve_part(scene: Scene, key: str) -> PartSelection | str:
    """The elements the plugin exports for the part ``key`` (``group=<id>``…), or, when the
    drawing has no such part, a message saying so and listing what it has."""
    kind, ref = split_key(key)
    elements = scene.live_elements()
    if kind in ("frame", "clippedframe"):
        frame = _find_frame(ref, elements)
        if frame is None:
            frames = [f"{f.get('name') or 'Frame'} ({f.get('id')})" for f in scene.frames()]
            return f"has no frame named or with the id {ref!r}" + _listing("frames", frames)
        if _is_marker(frame):
            chosen = [*_in_area(frame, elements), frame]
            return PartSelection(key, _ids(chosen), crop=_ids([frame]))
        children = _children(frame, elements, with_frame=kind == "clippedframe")
        return PartSelection(key, _ids(children), clip=kind == "clippedframe")
    element = next((e for e in elements if e.get("id") == ref), None)
    if element is None:
        if kind == "group":
            grouped = [str(e.get("id")) for e in elements if _groups(e)]
            return f"has no element with the id {ref!r}" + _listing("grouped elements", grouped)
        return f"has no element with the id {ref!r}" + _listing("elements", _ids(elements))
    if kind == "group":
        return PartSelection(key, _ids(_same_group(element, elements)))
    crop = [element]
    container_id = element.get("containerId")
    crop += [e for e in elements if container_id and e.get("id") == container_id]
    return PartSelection(key, _ids(_in_area(element, elements)), crop=_ids(crop))


def _listing(what: str, names: list[str] | tuple[str, ...]) -> str:
    if not names:
        return f" (it has no {what})"
    shown = ", ".join(names[:_LISTED])
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return f" (its {what}: {shown}{more})"
