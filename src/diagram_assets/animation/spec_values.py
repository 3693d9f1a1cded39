"""The values of an animation spec: durations, colours, paths, loop counts, sizes, formats.

Each reader takes the value as written and its place, and raises a SpecError naming both.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Literal

from PIL import ImageColor

from ..fields import is_file_name
from ..fsutil import inside
from ..specyaml import Node
from .spec_model import (
    ALIGNMENTS,
    FORMATS,
    MAX_CANVAS_SIDE,
    MAX_DURATION_MS,
    MAX_PLAYS,
    AnimationSpec,
    Placed,
    Rgba,
)

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s)?\s*$", re.IGNORECASE)


def parse_duration(value: Any, what: str, spec: AnimationSpec, place: str) -> int:
    """Milliseconds from a number (ms) or "800ms" / "1.5s", rounded to 10 ms (warned)."""
    ms: float
    if isinstance(value, bool) or value is None:
        raise spec.error(
            f"{what} must be a duration, not `{value}`",
            place=place,
            fix='write e.g. 800, "800ms" or "0.8s"',
        )
    if isinstance(value, int | float):
        ms = float(value)
    elif isinstance(value, str) and (m := _DURATION.match(value)):
        ms = float(m.group(1)) * (1000 if (m.group(2) or "ms").lower() == "s" else 1)
    else:
        raise spec.error(
            f"{what} must be a duration, not `{value}`",
            place=place,
            fix='write e.g. 800, "800ms" or "0.8s"',
        )
    if not math.isfinite(ms) or ms <= 0:
        raise spec.error(
            f"{what} must be more than 0 ms, not {value}",
            place=place,
            fix="give each frame a positive duration",
        )
    if ms > MAX_DURATION_MS:
        raise spec.error(
            f"{what} of {value} is over {MAX_DURATION_MS // 60000} minutes", place=place
        )
    rounded = max(10, math.floor(ms / 10 + 0.5) * 10)
    if rounded != ms:
        spec.warnings.append(
            f"{spec.path}: {place}: {what}: {_fmt_ms(ms)} ms rounded to {rounded} ms "
            "(GIF delays are in hundredths of a second)"
        )
    if rounded < 20:
        spec.warnings.append(
            f"{spec.path}: {place}: {what}: browsers show {rounded} ms as 100 ms; use 20 ms or more"
        )
    return rounded


def _fmt_ms(ms: float) -> str:
    return str(int(ms)) if ms == int(ms) else f"{ms:g}"


def parse_colour(value: Any, spec: AnimationSpec, place: str) -> Rgba:
    if not isinstance(value, str) or not value.strip():
        raise spec.error(
            f"background must be a colour, not `{value}`",
            place=place,
            fix='write e.g. "#ffffff" or transparent',
        )
    text = value.strip()
    if text.lower() == "transparent":
        return (0, 0, 0, 0)
    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise spec.error(
            f"`{text}` is not a colour",
            place=place,
            fix='write e.g. "#ffffff", "#fff", white or transparent',
        ) from None
    return (rgb[0], rgb[1], rgb[2], rgb[3] if len(rgb) == 4 else 255)


def check_name(value: Any, spec: AnimationSpec, place: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise spec.error("name must be a non-empty text", place=place)
    name = value.strip()
    if not is_file_name(name):
        raise spec.error(
            f"name `{name}` cannot be a file name",
            place=place,
            fix='use letters, digits, spaces, "-" and "_" (no "/", ":" or leading ".")',
        )
    return name


def resolve_path(value: Any, key: str, spec: AnimationSpec, place: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise spec.error(f"{key} must be a file path", place=place)
    path = Path(value.strip())
    path = path if path.is_absolute() else spec.folder / path
    if spec.root is not None and not inside(spec.root, path):
        raise spec.error(f"{key} `{value}` is outside the project folder {spec.root}", place=place)
    return path


def _listed(node: Node) -> list[Node]:
    """The items of a list, or the value itself when one text stands for a list of one."""
    return node.value if isinstance(node.value, list) else [node]


def image_patterns(node: Node, spec: AnimationSpec) -> tuple[Placed, ...]:
    if not isinstance(node.value, str | list) or not node.value:
        raise spec.error(
            "images must be a glob or a non-empty list of paths and globs",
            "images",
            fix="write e.g. images: frames/*.png",
        )
    out = []
    for item in _listed(node):
        if not isinstance(item.value, str) or not item.value.strip():
            raise spec.error(
                f"an image path must be a text, not `{item.plain()}`", place=item.place
            )
        out.append(Placed(item.value.strip(), item.place))
    return tuple(out)


def frame_names(node: Node, spec: AnimationSpec) -> tuple[Placed, ...]:
    if not isinstance(node.value, list) or not node.value:
        raise spec.error(
            "frames must be a non-empty list of names",
            "frames",
            fix="write e.g. frames: [intro, step 1]",
        )
    out = []
    for item in node.value:
        if isinstance(item.value, bool) or not isinstance(item.value, str | int | float):
            raise spec.error(f"a frame name must be a text, not `{item.plain()}`", place=item.place)
        out.append(Placed(str(item.value), item.place))
    return tuple(out)


def read_durations(node: Node, spec: AnimationSpec) -> None:
    if isinstance(node.value, list):
        if not node.value:
            raise spec.error("durations must not be empty", "durations")
        spec.duration_list = tuple(
            (parse_duration(item.value, f"duration of frame {i + 1}", spec, item.place), item.place)
            for i, item in enumerate(node.value)
        )
        return
    if not isinstance(node.value, dict):
        raise spec.error(
            "durations must map frame names or positions to durations",
            "durations",
            fix="write e.g. durations: {intro.png: 2000, 3: 500}",
        )
    for text, item in node.value.items():
        key = node.keys[text].value  # typed: `3:` is the position 3, `intro:` a label
        place = item.place
        if isinstance(key, bool) or key is None or not isinstance(key, int | str | float):
            raise spec.error(f"`{text}` is not a frame name or position", place=place)
        if isinstance(key, int) and key == 0:
            raise spec.error("frame positions start at 1 (and -1 is the last)", place=place)
        norm: int | str = key if isinstance(key, int) else str(key)
        spec.durations[norm] = (
            parse_duration(item.value, f"duration of frame {text}", spec, place),
            place,
        )


def plays(value: Any, spec: AnimationSpec) -> int:
    place = spec.place("loop")
    if value is True or (
        isinstance(value, str) and value.strip().lower() in ("forever", "infinite")
    ):
        return 0
    if value == 0 and not isinstance(value, bool):
        return 0  # GIF's own convention: loop count 0 is forever
    if value is False or (isinstance(value, str) and value.strip().lower() == "once"):
        return 1
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PLAYS:
        return value
    raise spec.error(
        f"loop must be forever, once or a number of plays (1..{MAX_PLAYS}), not `{value}`",
        place=place,
        fix="loop: 3 plays the animation three times",
    )


def canvas_size(value: Any, spec: AnimationSpec) -> tuple[int, int]:
    pair: list[Any] | None = None
    if isinstance(value, list) and len(value) == 2:
        pair = value
    elif isinstance(value, str) and (m := re.fullmatch(r"\s*(\d+)\s*[x×]\s*(\d+)\s*", value)):
        pair = [int(m.group(1)), int(m.group(2))]
    if pair is None or not all(isinstance(v, int) and not isinstance(v, bool) for v in pair):
        raise spec.error(
            f"size must be [width, height] in pixels, not `{value}`",
            "size",
            fix="write e.g. size: [720, 420]",
        )
    w, h = pair
    if not (1 <= w <= MAX_CANVAS_SIDE and 1 <= h <= MAX_CANVAS_SIDE):
        raise spec.error(f"size {w}×{h} is out of range (1..{MAX_CANVAS_SIDE} per side)", "size")
    return w, h


def formats(node: Node, spec: AnimationSpec) -> tuple[str, ...]:
    if not isinstance(node.value, str | list) or not node.value:
        raise spec.error("formats must be a non-empty list of gif, webp, apng", "formats")
    out: list[str] = []
    for item in _listed(node):
        value = item.value
        fmt = value.strip().lower().lstrip(".") if isinstance(value, str) else value
        if fmt not in FORMATS:
            raise spec.error(
                f"unknown format `{item.plain()}`", place=item.place, fix="use gif, webp or apng"
            )
        if fmt not in out:
            out.append(fmt)
    return tuple(out)


def canvas_mode(value: Any, spec: AnimationSpec) -> Literal["pad", "refuse"]:
    if value not in ("pad", "refuse"):
        raise spec.error(
            f"canvas must be pad or refuse, not `{value}`",
            "canvas",
            fix="pad centres smaller frames on a common canvas; "
            "refuse makes different sizes an error",
        )
    return value  # type: ignore[no-any-return]


def alignment(value: Any, spec: AnimationSpec) -> tuple[float, float]:
    if not isinstance(value, str) or value.lower() not in ALIGNMENTS:
        raise spec.error(f"align must be one of {', '.join(ALIGNMENTS)}, not `{value}`", "align")
    return ALIGNMENTS[value.lower()]


def scale(value: Any, spec: AnimationSpec) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 8:
        raise spec.error(f"scale must be a number above 0 and at most 8, not `{value}`", "scale")
    return float(value)


def switch(value: Any, key: str, spec: AnimationSpec) -> bool:
    if not isinstance(value, bool):
        raise spec.error(f"{key} must be true or false, not `{value}`", key)
    return value
