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
                                   # (default 1; 2 for figure steps)
    # output
    formats: [gif, webp]           # any of gif, webp, apng (default [gif])
    dither: false                  # Floyd–Steinberg for frames that need colour reduction
    gifsicle: false                # also run `gifsicle -O3` when it is installed
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SpecError
from ..fields import SpecFields, did_you_mean, type_name
from ..specyaml import Node, load_spec_yaml
from .spec_model import (
    ANIMATION_KEYS,
    ANIMATIONS_FOLDER,
    FIGURE_SCALE,
    SOURCE_KEYS,
    SPEC_SUFFIXES,
    AnimationSpec,
    Placed,
    Rgba,
)
from .spec_values import (
    alignment,
    canvas_mode,
    canvas_size,
    check_name,
    formats,
    frame_names,
    image_patterns,
    parse_colour,
    parse_duration,
    plays,
    read_durations,
    resolve_path,
    scale,
    switch,
)

__all__ = [  # the typed spec, for the frames, the composer and the builder
    "AnimationSpec",
    "Placed",
    "Rgba",
    "is_animation_spec",
    "load_animation_spec",
    "spec_stem",
]

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


# --------------------------------------------------------------------------- loading


def load_animation_spec(path: Path, *, root: Path | None = None) -> AnimationSpec:
    """Read and check an animation spec; SpecError naming the file, line and column."""
    path = Path(path)
    return _from_yaml(load_spec_yaml(path, what="animation spec"), path, root)


class _SpecFields(SpecFields):
    """The top level of an animation spec (its unknown keys are worded as they always were)."""

    def unknown_key(self, key: str) -> SpecError:
        return self.node.key_node(key).error(
            f"unknown key `{key}`",
            fix=did_you_mean(key, self.allowed) or f"known keys: {', '.join(self.allowed)}",
        )


def _from_yaml(doc: Node, path: Path, root: Path | None) -> AnimationSpec:
    if not isinstance(doc.value, dict):
        got = "an empty file" if doc.value is None and doc.raw is None else type_name(doc.value)
        raise doc.error(
            f"an animation spec is a mapping of keys, not {got}",
            fix="start with e.g. `images: frames/*.png`",
        )
    fields = _SpecFields(doc, "the animation spec", ANIMATION_KEYS)
    nodes: dict[str, Node] = doc.value
    top = {key: node.plain() for key, node in nodes.items()}
    spec = AnimationSpec(path=path, name=spec_stem(path), kind="images", root=root)
    spec.places = {key: node.place for key, node in nodes.items()}
    _read_source(spec, fields, doc)
    if spec.kind == "figure":
        spec.scale = FIGURE_SCALE  # figures are small at scale 1: steps render larger
    if fields.has("name"):
        spec.name = check_name(top["name"], spec, spec.place("name"))
    else:
        spec.name = check_name(spec.name, spec, doc.place)
    if fields.has("duration"):
        spec.duration_ms = parse_duration(top["duration"], "duration", spec, spec.place("duration"))
    if fields.has("durations"):
        read_durations(nodes["durations"], spec)
    if fields.has("hold_last"):
        spec.hold_last_ms = parse_duration(
            top["hold_last"], "hold_last", spec, spec.place("hold_last")
        )
    if fields.has("loop"):
        spec.plays = plays(top["loop"], spec)
    if fields.has("background"):
        spec.background = parse_colour(top["background"], spec, spec.place("background"))
    if fields.has("canvas"):
        spec.canvas = canvas_mode(top["canvas"], spec)
    if fields.has("size"):
        spec.size = canvas_size(top["size"], spec)
    if fields.has("align"):
        spec.align = alignment(top["align"], spec)
    if fields.has("scale"):
        spec.scale = scale(top["scale"], spec)
    if fields.has("formats"):
        spec.formats = formats(nodes["formats"], spec)
    for flag in ("dither", "gifsicle"):
        if fields.has(flag):
            setattr(spec, flag, switch(top[flag], flag, spec))
    return spec


def _read_source(spec: AnimationSpec, fields: SpecFields, doc: Node) -> None:
    """Where the frames come from: exactly one of ``images:``, ``drawing:``, ``figure:``."""
    given = [k for k in SOURCE_KEYS if fields.has(k)]
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
    node = doc.value[spec.kind]
    if spec.kind == "images":
        spec.images = image_patterns(node, spec)
        if fields.has("frames"):
            raise spec.error(
                "frames: names the frames of a drawing or the steps of a figure",
                "frames",
                fix="list image files under images: instead",
            )
    else:
        spec.source = resolve_path(node.plain(), spec.kind, spec, spec.place(spec.kind))
        spec.source_place = spec.place(spec.kind)
        if fields.has("frames"):
            spec.order = frame_names(doc.value["frames"], spec)
