"""Validate a scene's JSON types with precise places, and make it deterministic and sealed."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

from .context import RAISE_ELEMENTS, LoadContext
from .embedded import type_name

Element = dict[str, Any]

# Element types Excalidraw's restore() keeps ("draw" is the legacy name of "line").
KNOWN_TYPES = frozenset(
    {
        "rectangle",
        "diamond",
        "ellipse",
        "arrow",
        "line",
        "draw",
        "freedraw",
        "text",
        "image",
        "frame",
        "magicframe",
        "embeddable",
        "iframe",
    }
)
# Numbers when present; null is allowed where Excalidraw's restore() supplies a default.
NULLABLE_NUMBERS = ("x", "y", "width", "height", "angle", "strokeWidth", "opacity", "roughness")
STRICT_NUMBERS = ("fontSize",)
_TYPED_KEYS = frozenset({*NULLABLE_NUMBERS, *STRICT_NUMBERS, "text", "points"})
MAX_NESTING = 100
_BIG = 1e300
_NUMBER_TYPES = frozenset({int, float})
_POINT_LENGTHS = frozenset({2, 3})  # [x, y], or [x, y, pressure] in old freedraw strokes
_DATA_URL = re.compile(
    r"data:(image/(?:png|jpeg|gif|webp|svg\+xml|bmp|avif));base64,[A-Za-z0-9+/=\s]*\Z", re.I
)
_FIX_EDIT = "fix the value in the file, or save the drawing again from Excalidraw"


def is_finite_number(value: Any) -> bool:
    """An int or float (not a bool) that a browser reads back as a finite number."""
    t = type(value)
    if t is float:
        return value - value == 0.0
    if t is int:
        return -_BIG < value < _BIG
    return False


def describe(value: Any) -> str:
    """``value`` as the object of "is …": "a string", "an object", "null", "a number too large"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "not a finite number"
    if type(value) is int and not -_BIG < value < _BIG:
        return "a number too large"
    if value is None:
        return "null"
    name = type_name(value)
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


def validate_elements(ctx: LoadContext, elements: Any, path: str) -> list[Element]:
    """Check the types of ``elements`` (places like ``$.elements[12].points[3]``).

    Returns the elements to keep: those of an unknown type are dropped with a warning, like
    Excalidraw itself drops them. Elements are the parsed dicts themselves, not copies.
    """
    if elements is None:
        return []
    if type(elements) is not list:
        ctx.fail(f"'elements' is {describe(elements)}, expected a list", path, fix=_FIX_EDIT)
    if len(elements) > ctx.limits.max_elements:
        ctx.fail(
            f"the drawing has {len(elements)} elements, over the limit of "
            f"{ctx.limits.max_elements} (max_elements)",
            path,
            fix=RAISE_ELEMENTS,
        )
    kept: list[Element] = []
    unknown: dict[str, list[str]] = {}
    for i, element in enumerate(elements):
        if type(element) is not dict:
            ctx.fail(
                f"element is {describe(element)}, expected an object",
                f"{path}[{i}]",
                fix=_FIX_EDIT,
            )
        kind = element.get("type")
        if type(kind) is not str:
            what = "has no type" if kind is None else f"type is {describe(kind)}"
            ctx.fail(f"element {what}, expected a string", f"{path}[{i}].type", fix=_FIX_EDIT)
        _check_element(ctx, element, f"{path}[{i}]")
        if kind in KNOWN_TYPES:
            kept.append(element)
        else:
            unknown.setdefault(kind, []).append(str(element.get("id", f"#{i}")))
    for kind, ids in unknown.items():
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        ctx.warn(
            f"dropped {len(ids)} element{'s' if len(ids) > 1 else ''} of unknown type "
            f"{kind!r} ({shown}): Excalidraw does not draw them"
        )
    return kept


def _check_element(ctx: LoadContext, element: Element, where: str) -> None:
    # One pass over the values; this runs for every element of multi-megabyte drawings.
    for key, value in element.items():
        t = type(value)
        if t is float:
            if value - value != 0.0:
                ctx.fail(f"'{key}' is not a finite number", f"{where}.{key}", fix=_FIX_EDIT)
            continue
        if t is int:
            if not -_BIG < value < _BIG:
                ctx.fail(f"'{key}' is a number too large", f"{where}.{key}", fix=_FIX_EDIT)
            continue
        if key in _TYPED_KEYS:
            _check_typed(ctx, key, value, where)
        if t is str:
            if key in COLOUR_KEYS and ("(" in value or ";" in value or "@" in value):
                check_colour(ctx, value, f"{where}.{key}")
            continue
        if t is list:
            if not value:
                continue
            if key == "points":
                _check_points(ctx, value, f"{where}.points")
                continue
            try:  # fast path for lists of numbers (freedraw pressures)
                if set(map(type, value)) <= _NUMBER_TYPES and math.isfinite(sum(value)):
                    continue
            except OverflowError:
                pass
            check_nested(ctx, value, f"{where}.{key}")
        elif t is dict and value:
            check_nested(ctx, value, f"{where}.{key}")
    text = element.get("text")
    if text is not None and type(text) is not str:
        _check_typed(ctx, "text", text, where)
    points = element.get("points")
    if points is not None and type(points) is not list:
        _check_typed(ctx, "points", points, where)


COLOUR_KEYS = frozenset({"strokeColor", "backgroundColor", "viewBackgroundColor"})
_RESOURCE = re.compile(r"url\s*\(|image\s*\(|image-set\s*\(|@|;|expression\s*\(", re.I)


def check_colour(ctx: LoadContext, value: str, place: str) -> None:
    """A colour that names a resource (``url(http://…)``) would be fetched by whoever views
    the SVG; one with ``;`` or ``@`` smuggles CSS into its attributes: refused, naming the
    element."""
    if _RESOURCE.search(value):
        shown = value if len(value) <= 60 else value[:59] + "…"
        ctx.fail(
            f"colour {shown!r} refers to a resource, which is never fetched",
            place,
            fix="use a plain colour like #1e1e1e, rgb(30, 30, 30) or transparent",
        )


def _check_typed(ctx: LoadContext, key: str, value: Any, where: str) -> None:
    """``value`` (not a number) at one of the keys whose type Excalidraw relies on."""
    if key == "text":
        ok, expected = type(value) is str, "a string"
    elif key == "points":
        ok, expected = type(value) is list, "a list of [x, y] pairs"
    else:
        ok, expected = value is None and key in NULLABLE_NUMBERS, "a number"
    if not ok:
        ctx.fail(
            f"'{key}' is {describe(value)}, expected {expected}", f"{where}.{key}", fix=_FIX_EDIT
        )


def _check_points(ctx: LoadContext, points: Any, where: str) -> None:
    if type(points) is not list:
        ctx.fail(
            f"'points' is {describe(points)}, expected a list of [x, y] pairs",
            where,
            fix=_FIX_EDIT,
        )
    if not points:
        return
    try:  # fast path: one pass in C over every coordinate
        if set(map(type, points)) == {list} and set(map(len, points)) <= _POINT_LENGTHS:
            flat = list(chain.from_iterable(points))
            if set(map(type, flat)) <= _NUMBER_TYPES and math.isfinite(sum(flat)):
                return
    except OverflowError:
        pass
    for j, point in enumerate(points):
        if type(point) is not list or len(point) not in _POINT_LENGTHS:
            shown = f"a list of {len(point)}" if type(point) is list else describe(point)
            ctx.fail(f"point is {shown}, expected [x, y]", f"{where}[{j}]", fix=_FIX_EDIT)
        for k, value in enumerate(point):
            if not is_finite_number(value):
                ctx.fail(
                    f"coordinate is {describe(value)}, expected a finite number",
                    f"{where}[{j}][{k}]",
                    fix=_FIX_EDIT,
                )


def check_nested(ctx: LoadContext, value: Any, where: str) -> None:
    """Every number inside ``value`` finite, nesting at most ``MAX_NESTING`` deep.

    Iterative, and in memory of the depth only (a stack of iterators and the keys that lead
    down to them), so a list of millions of values costs nothing more to check.
    """
    t = type(value)
    if t is not list and t is not dict:
        return
    if _numbers_only(value):
        return
    stack: list[Iterator[tuple[Any, Any]]] = [_children(value)]
    keys: list[Any] = []  # keys[i] leads from stack[i]'s container into stack[i + 1]'s
    while stack:
        for key, item in stack[-1]:
            t = type(item)
            if t is list or t is dict:
                if _numbers_only(item):
                    continue
                keys.append(key)
                if len(keys) > MAX_NESTING:
                    at = _place(where, keys)
                    ctx.fail(
                        f"value is nested more than {MAX_NESTING} levels deep",
                        f"{at[: len(where) + 30]}…",
                        fix=_FIX_EDIT,
                    )
                stack.append(_children(item))
                break
            if (t is float or t is int) and not is_finite_number(item):
                ctx.fail(
                    f"value is {describe(item)}, expected a finite number",
                    _place(where, [*keys, key]),
                    fix=_FIX_EDIT,
                )
        else:
            stack.pop()
            if keys:
                keys.pop()


def _children(node: list[Any] | dict[str, Any]) -> Iterator[tuple[Any, Any]]:
    return enumerate(node) if type(node) is list else iter(node.items())


def _numbers_only(node: Any) -> bool:
    """A list of finite numbers only (freedraw points and pressures): nothing inside to check."""
    if type(node) is not list:
        return False
    try:
        return set(map(type, node)) <= _NUMBER_TYPES and (not node or math.isfinite(sum(node)))
    except OverflowError:
        return False


def _place(where: str, keys: list[Any]) -> str:
    return where + "".join(f"[{k}]" if type(k) is int else f".{k}" for k in keys)


def _derived(eid: str, salt: str) -> int:
    digest = hashlib.sha256(f"{salt}\0{eid}".encode("utf-8", "surrogatepass")).digest()
    return (int.from_bytes(digest[:4], "big") & 0x7FFFFFFF) or 1


def normalise_elements(elements: list[Element]) -> None:
    """Give every element a unique string id, a numeric seed, version, versionNonce and updated.

    Missing ids come from the element's position; duplicates get ``~2``, ``~3``… suffixes;
    missing seeds and nonces are derived from the id. Nothing is random, so the same file
    always gives the same scene (Excalidraw's restore() would invent random values).
    """
    taken = {e["id"] for e in elements if type(e.get("id")) is str and e["id"]}
    seen: set[str] = set()
    for i, element in enumerate(elements):
        eid = element.get("id")
        if type(eid) is int:
            eid = str(eid)
        if type(eid) is not str or not eid:
            eid = f"diagrams-{i}"
            n = 1
            while eid in taken or eid in seen:
                n += 1
                eid = f"diagrams-{i}~{n}"
        if eid in seen:
            n = 2
            while f"{eid}~{n}" in seen or f"{eid}~{n}" in taken:
                n += 1
            eid = f"{eid}~{n}"
        seen.add(eid)
        element["id"] = eid
        if not is_finite_number(element.get("seed")):
            element["seed"] = _derived(eid, "seed")
        if not is_finite_number(element.get("versionNonce")):
            element["versionNonce"] = _derived(eid, "versionNonce")
        if not is_finite_number(element.get("version")):
            element["version"] = 1
        if not is_finite_number(element.get("updated")):
            element["updated"] = 1


def _image_users(elements: list[Element]) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {}
    for element in elements:
        if element.get("type") == "image" and not element.get("isDeleted"):
            fid = element.get("fileId")
            key = fid if type(fid) is str else ""
            users.setdefault(key, []).append(element["id"])
    return users


def _who(ids: list[str]) -> str:
    shown = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
    return f"image element{'s' if len(ids) > 1 else ''} {shown}"


def normalise_files(
    ctx: LoadContext, files: dict[str, Any], elements: list[Element], warned: set[str]
) -> dict[str, Any]:
    """Keep only files whose dataURL is an inline image; warn about every other one.

    The ids of removed files are added to ``warned``.
    """
    users = _image_users(elements)
    kept: dict[str, Any] = {}
    for fid, entry in files.items():
        url = entry.get("dataURL") if type(entry) is dict else None
        m = _DATA_URL.match(url) if type(url) is str else None
        if m is None:
            if type(entry) is not dict:
                why = f"is {describe(entry)}, not a file object"
            elif type(url) is not str:
                why = "has no dataURL"
            else:
                why = f"has a non-inline dataURL ({url[:40]}…), which is never fetched"
            using = users.get(fid)
            whom = f"; {_who(using)} are drawn as placeholders" if using else ""
            ctx.warn(f"file {fid} removed: it {why}{whom}")
            warned.add(fid)
            continue
        if type(entry.get("mimeType")) is not str:
            entry["mimeType"] = m.group(1).lower()
        kept[fid] = entry
    return kept


def warn_missing_images(
    ctx: LoadContext, elements: list[Element], files: dict[str, Any], already: set[str]
) -> None:
    """Warn once per file id that live image elements use but the scene does not hold."""
    for fid, ids in _image_users(elements).items():
        if fid in files or fid in already:
            continue
        if not fid:
            ctx.warn(f"{_who(ids)} have no fileId; drawn as placeholders")
        else:
            ctx.warn(
                f"{_who(ids)}: file {fid} is not in the drawing's files; drawn as a placeholder"
            )
