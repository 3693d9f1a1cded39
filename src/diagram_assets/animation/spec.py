"""Animation specs: a YAML file naming the frames of an animation and how to play them.

Which files are animation specs (:func:`is_animation_spec`, by name, cheap):

* ``*.anim.yaml``, ``*.anim.yml``, ``*.animation.yaml``, ``*.animation.yml`` anywhere;
* any other ``.yaml``/``.yml`` inside a folder named ``animations`` whose top level has one of
  ``images:``, ``drawing:`` or ``figure:`` (a file there that is not valid YAML is claimed
  too, so its error is reported rather than the file silently skipped).

The schema (every key but the frame source is optional)::

    name: Transformer执行          # output stem → Transformer执行.gif; default: the file name
                                   # without .anim.yaml / .animation.yaml / .yaml
    # the frames: exactly one of
    images: frames/*.png           # a glob, or a list of paths and globs (relative to this
                                   # file; PNG, JPEG, WebP, or SVG rasterised without a browser);
                                   # each glob's matches sorted naturally (frame2 < frame10)
    drawing: story.excalidraw      # each Excalidraw frame element is one animation frame
    figure: ../figures/t.figure.yaml   # each of the figure's `steps:` is one frame
    frames: [intro, step 1, step 2]    # drawing/figure only: which frames or steps, in order
                                       # (default: drawing frames by name, figure steps in order)
    # timing (milliseconds as numbers, or "800ms" / "1.5s"; rounded to 10 ms with a warning)
    duration: 800                  # every frame (default 1000)
    durations: {intro: 2000, 3: 500}   # per frame, by label (file name or stem, frame or step
                                       # name) or 1-based position (-1 = last); or a list
    hold_last: 3s                  # the last frame's duration (a longer hold)
    loop: forever                  # forever (default) | once | N (plays N times in all;
                                   # 0 also means forever, as in GIF)
    # picture
    background: "#ffffff"          # a colour, or transparent; default: white for images, the
                                   # drawing's own background for drawings and figures
    canvas: pad                    # pad (default): frames of other sizes are centred on a
                                   # common canvas; refuse: they are an error
    size: [720, 420]               # the canvas size (default: the largest frame)
    align: center                  # where padded frames sit: center, top, bottom-left, …
    scale: 1                       # resize images / render drawings and figures at this scale
    # output
    formats: [gif, webp]           # any of gif, webp, apng (default [gif])
    dither: false                  # Floyd–Steinberg for frames that need colour reduction
    gifsicle: false                # also run `gifsicle -O3` when it is installed
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from PIL import ImageColor

from ..errors import SpecError
from ..fsutil import inside
from ..specyaml import Node, load_spec_yaml, type_name

SPEC_SUFFIXES = (".anim.yaml", ".anim.yml", ".animation.yaml", ".animation.yml")
ANIMATIONS_FOLDER = "animations"
SOURCE_KEYS = ("images", "drawing", "figure")
FORMATS = ("gif", "webp", "apng")
ALIGNMENTS = {
    "center": (0.5, 0.5),
    "top": (0.5, 0.0),
    "bottom": (0.5, 1.0),
    "left": (0.0, 0.5),
    "right": (1.0, 0.5),
    "top-left": (0.0, 0.0),
    "top-right": (1.0, 0.0),
    "bottom-left": (0.0, 1.0),
    "bottom-right": (1.0, 1.0),
}
KNOWN_KEYS = (
    "name",
    *SOURCE_KEYS,
    "frames",
    "duration",
    "durations",
    "hold_last",
    "loop",
    "background",
    "canvas",
    "size",
    "align",
    "scale",
    "formats",
    "dither",
    "gifsicle",
)
MAX_DURATION_MS = 600_000  # ten minutes per frame
MAX_CANVAS_SIDE = 16_384
MAX_PLAYS = 65_536

Rgba = tuple[int, int, int, int]
SourceKind = Literal["images", "drawing", "figure"]


@dataclass(frozen=True)
class Placed:
    """A value as written in the spec, with the place it was written."""

    value: str
    place: str


@dataclass
class AnimationSpec:
    """A loaded and validated animation spec. Paths are resolved; places are for errors."""

    path: Path
    name: str
    kind: SourceKind
    images: tuple[Placed, ...] = ()  # glob patterns or paths, relative to the spec's folder
    source: Path | None = None  # the drawing or figure spec
    source_place: str = ""
    order: tuple[Placed, ...] | None = None  # `frames:` names for drawings and figures
    duration_ms: int = 1000
    durations: dict[int | str, tuple[int, str]] = field(default_factory=dict)
    duration_list: tuple[tuple[int, str], ...] | None = None
    hold_last_ms: int | None = None
    plays: int = 0  # 0: forever
    background: Rgba | None = None  # None: the source's own (white for images)
    canvas: Literal["pad", "refuse"] = "pad"
    size: tuple[int, int] | None = None
    align: tuple[float, float] = (0.5, 0.5)
    scale: float = 1.0
    formats: tuple[str, ...] = ("gif",)
    dither: bool = False
    gifsicle: bool = False
    root: Path | None = None
    warnings: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # top-level key → place

    @property
    def folder(self) -> Path:
        return self.path.parent

    def place(self, key: str) -> str:
        return self.places.get(key, "line 1, column 1")

    def error(
        self, what: str, key: str | None = None, *, place: str | None = None, fix: str | None = None
    ) -> SpecError:
        return SpecError(
            what, file=self.path, place=place or (self.place(key) if key else None), fix=fix
        )


# --------------------------------------------------------------------------- which files


def spec_stem(path: Path) -> str:
    """The file name without its spec suffix (``.anim.yaml``, ``.animation.yml``, ``.yaml``)."""
    name = path.name
    lower = name.lower()
    for suffix in (*SPEC_SUFFIXES, ".yaml", ".yml"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def is_animation_spec(path: Path) -> bool:
    """True for an animation spec (see the module docstring); cheap enough for discovery."""
    path = Path(path)
    name = path.name.lower()
    if name.startswith("."):
        return False
    if name.endswith(SPEC_SUFFIXES):
        return True
    if not name.endswith((".yaml", ".yml")) or ANIMATIONS_FOLDER not in path.parent.parts:
        return False
    try:
        root = load_spec_yaml(path, what="animation spec")
    except SpecError:
        return path.is_file()
    return isinstance(root.value, dict) and any(k in root.value for k in SOURCE_KEYS)


# --------------------------------------------------------------------------- values


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


def _suggest(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f"did you mean `{close[0]}`?" if close else f"known keys: {', '.join(known)}"


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _check_name(value: Any, spec: AnimationSpec, place: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise spec.error("name must be a non-empty text", place=place)
    name = value.strip()
    if _UNSAFE_NAME.search(name) or name.startswith(".") or len(name) > 120:
        raise spec.error(
            f"name `{name}` cannot be a file name",
            place=place,
            fix='use letters, digits, spaces, "-" and "_" (no "/", ":" or leading ".")',
        )
    return name


def _resolve(value: Any, key: str, spec: AnimationSpec, place: str) -> Path:
    if not isinstance(value, str) or not value.strip():
        raise spec.error(f"{key} must be a file path", place=place)
    path = Path(value.strip())
    path = path if path.is_absolute() else spec.folder / path
    if spec.root is not None and not inside(spec.root, path):
        raise spec.error(f"{key} `{value}` is outside the project folder {spec.root}", place=place)
    return path


# --------------------------------------------------------------------------- loading


def load_animation_spec(path: Path, *, root: Path | None = None) -> AnimationSpec:
    """Read and check an animation spec; SpecError naming the file, line and column."""
    path = Path(path)
    return _from_yaml(load_spec_yaml(path, what="animation spec"), path, root)


def _from_yaml(doc: Node, path: Path, root: Path | None) -> AnimationSpec:
    if not isinstance(doc.value, dict):
        got = "an empty file" if doc.value is None and doc.raw is None else type_name(doc.value)
        raise doc.error(
            f"an animation spec is a mapping of keys, not {got}",
            fix="start with e.g. `images: frames/*.png`",
        )
    nodes: dict[str, Node] = doc.value
    top = {key: node.plain() for key, node in nodes.items()}
    spec = AnimationSpec(path=path, name=spec_stem(path), kind="images", root=root)
    spec.places = {key: node.place for key, node in nodes.items()}
    for key in top:
        if key not in KNOWN_KEYS:
            raise spec.error(
                f"unknown key `{key}`",
                place=doc.key_node(key).place,
                fix=_suggest(key, KNOWN_KEYS),
            )

    given = [k for k in SOURCE_KEYS if k in top]
    if len(given) != 1:
        what = (
            "no frames: the spec needs one of"
            if not given
            else "only one frame source allowed, not both of"
        )
        raise spec.error(
            f"{what} images:, drawing: or figure:",
            given[1] if len(given) > 1 else None,
            place=None if len(given) > 1 else doc.place,
            fix="images: a glob or list of image files; drawing: an Excalidraw file with "
            "frames; figure: a figure spec with steps",
        )
    spec.kind = given[0]  # type: ignore[assignment]
    if spec.kind == "images":
        spec.images = _image_patterns(nodes["images"], spec)
        if "frames" in top:
            raise spec.error(
                "frames: names the frames of a drawing or the steps of a figure",
                "frames",
                fix="list image files under images: instead",
            )
    else:
        spec.source = _resolve(top[spec.kind], spec.kind, spec, spec.place(spec.kind))
        spec.source_place = spec.place(spec.kind)
        if "frames" in top:
            spec.order = _names(nodes["frames"], spec)

    if "name" in top:
        spec.name = _check_name(top["name"], spec, spec.place("name"))
    else:
        spec.name = _check_name(spec.name, spec, doc.place)
    if "duration" in top:
        spec.duration_ms = parse_duration(top["duration"], "duration", spec, spec.place("duration"))
    if "durations" in top:
        _durations(nodes["durations"], spec)
    if "hold_last" in top:
        spec.hold_last_ms = parse_duration(
            top["hold_last"], "hold_last", spec, spec.place("hold_last")
        )
    if "loop" in top:
        spec.plays = _plays(top["loop"], spec)
    if "background" in top:
        spec.background = parse_colour(top["background"], spec, spec.place("background"))
    if "canvas" in top:
        canvas = top["canvas"]
        if canvas not in ("pad", "refuse"):
            raise spec.error(
                f"canvas must be pad or refuse, not `{canvas}`",
                "canvas",
                fix="pad centres smaller frames on a common canvas; "
                "refuse makes different sizes an error",
            )
        spec.canvas = canvas
    if "size" in top:
        spec.size = _size(top["size"], spec)
    if "align" in top:
        align = top["align"]
        if not isinstance(align, str) or align.lower() not in ALIGNMENTS:
            raise spec.error(
                f"align must be one of {', '.join(ALIGNMENTS)}, not `{align}`", "align"
            )
        spec.align = ALIGNMENTS[align.lower()]
    if "scale" in top:
        scale = top["scale"]
        if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 8:
            raise spec.error(
                f"scale must be a number above 0 and at most 8, not `{scale}`", "scale"
            )
        spec.scale = float(scale)
    if "formats" in top:
        spec.formats = _formats(nodes["formats"], spec)
    for flag in ("dither", "gifsicle"):
        if flag in top:
            if not isinstance(top[flag], bool):
                raise spec.error(f"{flag} must be true or false, not `{top[flag]}`", flag)
            setattr(spec, flag, top[flag])
    return spec


def _listed(node: Node) -> list[Node]:
    """The items of a list, or the value itself when one text stands for a list of one."""
    return node.value if isinstance(node.value, list) else [node]


def _image_patterns(node: Node, spec: AnimationSpec) -> tuple[Placed, ...]:
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


def _names(node: Node, spec: AnimationSpec) -> tuple[Placed, ...]:
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


def _durations(node: Node, spec: AnimationSpec) -> None:
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


def _plays(value: Any, spec: AnimationSpec) -> int:
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


def _size(value: Any, spec: AnimationSpec) -> tuple[int, int]:
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


def _formats(node: Node, spec: AnimationSpec) -> tuple[str, ...]:
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
