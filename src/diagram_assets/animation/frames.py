"""Frame sources: image files, an Excalidraw drawing's frames, a figure's steps.

Each source gives a list of :class:`Frame` (a label for durations and messages, an RGBA
image, the spec place it came from) and the background it suggests when the spec names none.
Image files never start a browser; drawings and figures call ``renderer_factory()`` once.
"""

from __future__ import annotations

import io
import math
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DiagramsError, RenderError, SpecError
from ..fsutil import inside, read_bytes_limited
from .spec import AnimationSpec, Placed, Rgba

if TYPE_CHECKING:
    from ..render import Renderer, RenderOptions

T = TypeVar("T")
RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
IMAGE_SUFFIXES = (*RASTER_SUFFIXES, ".svg")
MAX_IMAGE_BYTES = 64 << 20
MAX_FRAME_PIXELS = 50_000_000
MAX_FRAMES = 2_000
MAX_GLOB_ENTRIES = 200_000  # directory entries one images: pattern may look through
WHITE: Rgba = (255, 255, 255, 255)
_GLOB_CHARS = re.compile(r"[*?\[]")

Warn = Callable[[str], None]
RendererFactory = Callable[[], "Renderer"]


@dataclass
class Frame:
    label: str
    image: Image.Image  # RGBA
    place: str


@dataclass(frozen=True)
class ImageFile:
    path: Path
    label: str  # the path as matched, relative to the spec's folder
    place: str  # of the pattern that matched it


def natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders embedded numbers by value: ``frame2`` before ``frame10``."""
    parts = re.split(r"(\d+)", text)
    return tuple((0, int(p)) if p.isdigit() else (1, p.casefold()) for p in parts if p)


# --------------------------------------------------------------------------- image files


def image_files(spec: AnimationSpec) -> list[ImageFile]:
    """The image files of an ``images:`` spec, in order; SpecError for empty globs and
    missing or unsupported files (naming the spec and the line of the pattern)."""
    out: list[ImageFile] = []
    for pattern in spec.images:
        out.extend(_expand(spec, pattern))
    if len(out) > MAX_FRAMES:
        raise spec.error(f"{len(out)} frames; at most {MAX_FRAMES} are allowed", "images")
    return out


def _expand(spec: AnimationSpec, pattern: Placed) -> list[ImageFile]:
    text = pattern.value
    folder = spec.folder
    if not _GLOB_CHARS.search(text):
        path = Path(text) if Path(text).is_absolute() else folder / text
        _check_inside(spec, path, pattern)
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            raise spec.error(
                f"`{text}` is not a PNG, JPEG, WebP or SVG file",
                place=pattern.place,
                fix="list only image files",
            )
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "not found"
            raise spec.error(
                f"frame image `{text}` {what}",
                place=pattern.place,
                fix=f"check the path (relative to {folder})",
            )
        return [ImageFile(path, text, pattern.place)]
    files = [m for m in _glob(spec, pattern) if (folder / m).is_file()]
    images = [m for m in files if Path(m).suffix.lower() in IMAGE_SUFFIXES]
    if not images:
        what = (
            f"matches {len(files)} files but none is a PNG, JPEG, WebP or SVG image"
            if files
            else "matches no file"
        )
        raise spec.error(
            f"`{text}` {what}",
            place=pattern.place,
            fix=f"check the pattern; it is relative to {folder}",
        )
    images.sort(key=natural_key)
    out = []
    for m in images:
        path = Path(m) if Path(m).is_absolute() else folder / m
        _check_inside(spec, path, pattern)
        out.append(ImageFile(path, Path(m).as_posix(), pattern.place))
    return out


def _glob(spec: AnimationSpec, pattern: Placed) -> list[str]:
    """The paths a glob matches, relative to the spec's folder (absolute for an absolute
    pattern), ``**`` spanning folders.

    The folders before the first wildcard are checked to lie inside the project first, and
    the walk below them never follows a symlinked folder, so a pattern cannot list what is
    outside the project (``../../**/*.png``, ``/**``, a link to ``/``). It looks at no more
    than :data:`MAX_GLOB_ENTRIES` entries. Hidden files and folders match only a pattern part
    that starts with a dot, as with the shell.
    """
    from ..config import glob_regex

    parts = pattern.value.split("/")
    literal = 0
    while literal < len(parts) - 1 and not _GLOB_CHARS.search(parts[literal]):
        literal += 1
    prefix = "/".join(parts[:literal])
    if pattern.value.startswith("/") and not prefix:
        prefix = "/"
    rest = "/".join(parts[literal:])
    base = Path(prefix) if Path(prefix).is_absolute() else spec.folder / prefix
    _check_inside(spec, base, pattern)
    if not base.is_dir():
        return []
    regex = glob_regex(rest)
    depth = None if "**" in rest else rest.count("/")
    hidden_ok = rest.startswith(".") or "/." in rest
    matches: list[str] = []
    seen = 0
    top = str(base)
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        rel_dir = os.path.relpath(dirpath, top)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        seen += len(dirnames) + len(filenames)
        if seen > MAX_GLOB_ENTRIES:
            raise spec.error(
                f"`{pattern.value}` looks through more than {MAX_GLOB_ENTRIES:,} files",
                place=pattern.place,
                fix="narrow the pattern to the folder that holds the frames",
            )
        if depth is not None and rel_dir.count("/") >= depth:
            dirnames.clear()
        if not hidden_ok:
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        dirnames.sort()
        for name in sorted(filenames):
            if name.startswith(".") and not hidden_ok:
                continue
            if regex.fullmatch(rel_dir + name):
                matches.append(posixpath.join(prefix, rel_dir + name) if prefix else rel_dir + name)
    return matches


def _check_inside(spec: AnimationSpec, path: Path, pattern: Placed) -> None:
    if spec.root is not None and not inside(spec.root, path):
        raise spec.error(
            f"`{pattern.value}` reaches {path}, outside the project folder {spec.root}",
            place=pattern.place,
        )


def read_image(spec: AnimationSpec, f: ImageFile, warn: Warn) -> Image.Image:
    """One frame image as RGBA; SpecError (spec file and line, image named) when unreadable."""
    try:
        data = read_bytes_limited(f.path, MAX_IMAGE_BYTES, what="frame image", error=SpecError)
    except SpecError as exc:
        raise spec.error(
            f"frame image `{f.label}`: {exc.what}", place=f.place, fix=exc.fix
        ) from None
    if f.path.suffix.lower() == ".svg":
        return _rasterise_svg(spec, f, data, warn)
    try:
        with Image.open(io.BytesIO(data)) as im:
            if im.format not in ("PNG", "JPEG", "WEBP", "MPO"):
                raise spec.error(
                    f"frame image `{f.label}` holds {im.format or 'unknown'} data, "
                    "not PNG, JPEG or WebP",
                    place=f.place,
                    fix="convert it to PNG",
                )
            if im.width * im.height > MAX_FRAME_PIXELS:
                raise spec.error(
                    f"frame image `{f.label}` is {im.width}×{im.height} pixels, too large",
                    place=f.place,
                    fix="export it smaller",
                )
            if getattr(im, "n_frames", 1) > 1:
                warn(
                    f"{spec.path}: {f.place}: `{f.label}` is animated; only its first frame is used"
                )
            im.load()
            image = ImageOps.exif_transpose(im).convert("RGBA")
    except DiagramsError:
        raise
    except Image.DecompressionBombError:  # Pillow refuses to open it: over 2 x MAX_IMAGE_PIXELS
        raise spec.error(
            f"frame image `{f.label}` is over {MAX_FRAME_PIXELS:,} pixels, too large",
            place=f.place,
            fix="export it smaller",
        ) from None
    except UnidentifiedImageError:
        raise spec.error(
            f"frame image `{f.label}` is not an image file Pillow can read",
            place=f.place,
            fix="re-export it as PNG",
        ) from None
    except Exception as exc:  # Pillow raises many types on damaged files
        raise spec.error(
            f"frame image `{f.label}` cannot be read ({type(exc).__name__}: {exc})",
            place=f.place,
            fix="re-export it as PNG",
        ) from None
    if spec.scale != 1:
        image = _rescale(image, spec.scale)
    return image


def _rescale(image: Image.Image, scale: float) -> Image.Image:
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    exact_up = scale >= 1 and float(scale).is_integer()
    method = Image.Resampling.NEAREST if exact_up else Image.Resampling.LANCZOS
    return image.resize(size, method)


_SVG_TAG = re.compile(rb"<svg\b[^>]*>", re.IGNORECASE | re.DOTALL)
_UNITS = {
    "": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0,
    "q": 96 / 101.6, "em": 16.0, "rem": 16.0, "ex": 8.0,
}  # fmt: skip


_NUMBER = rb"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_LENGTH = re.compile(rb"\s*(" + _NUMBER + rb")\s*([a-zA-Z%]*)\s*")
_VIEWBOX = re.compile(rb"\sviewBox\s*=\s*[\"']([^\"']*)[\"']", re.IGNORECASE)


def _svg_attribute(tag: bytes, name: bytes) -> bytes | None:
    m = re.search(rb"\s" + name + rb"\s*=\s*[\"']([^\"']*)[\"']", tag)
    return m.group(1) if m else None


def _svg_length(value: bytes | None) -> float | None:
    """A width or height in px; None when absent or relative (``%``, ``em``…)."""
    m = _LENGTH.fullmatch(value) if value is not None else None
    if not m:
        return None
    unit = m.group(2).decode().lower()
    if unit not in _UNITS:
        return None
    size = float(m.group(1)) * _UNITS[unit]
    return size if math.isfinite(size) else None


def _svg_size(data: bytes) -> tuple[float, float] | None:
    """The size in px the SVG will be rasterised at, as cairosvg reckons it: the root tag's
    width and height, what is missing taken from the viewBox (keeping its proportions).
    None when it cannot be told (then the SVG is refused: the rasteriser would take 45 s to
    encode an image of 30,000 px a side, before anything could refuse it)."""
    tag = _SVG_TAG.search(data[:65536])
    if not tag:
        return None
    width = _svg_length(_svg_attribute(tag.group(0), rb"width"))
    height = _svg_length(_svg_attribute(tag.group(0), rb"height"))
    box = None
    vb = _VIEWBOX.search(tag.group(0))
    if vb:
        numbers = re.findall(_NUMBER, vb.group(1))
        if len(numbers) == 4:
            box = (abs(float(numbers[2])), abs(float(numbers[3])))
            if not all(math.isfinite(v) for v in box):
                box = None
    if box is not None:
        if width is None and height is None:
            width, height = box
        elif width is None and height is not None and box[1]:
            width = height * box[0] / box[1]
        elif height is None and width is not None and box[0]:
            height = width * box[1] / box[0]
    if width is None or height is None:
        return None
    return width, height


def _rasterise_svg(spec: AnimationSpec, f: ImageFile, data: bytes, warn: Warn) -> Image.Image:
    size = _svg_size(data)
    if size is None:
        _parse_svg(spec, f, data)  # a broken SVG says so first
        raise spec.error(
            f"SVG frame `{f.label}` has no size that can be told before rasterising it",
            place=f.place,
            fix='give its <svg> tag a width and height (e.g. width="800" height="600")',
        )
    w, h = size[0] * spec.scale, size[1] * spec.scale
    if w * h > MAX_FRAME_PIXELS or max(w, h) > 32_000:
        raise spec.error(
            f"SVG frame `{f.label}` would be {w:.0f}×{h:.0f} pixels, too large",
            place=f.place,
            fix="lower scale or the SVG's width and height",
        )
    if b"@font-face" in data:
        warn(
            f"{spec.path}: {f.place}: `{f.label}` uses web fonts, which the SVG rasteriser cannot "
            "load; its text falls back to a system font (export PNG frames for exact text)"
        )
    try:
        import cairosvg

        # unsafe=False: no XML entities, and only data: URLs are read (nothing from the
        # network or other files)
        png = cairosvg.svg2png(bytestring=data, scale=spec.scale, unsafe=False)
        with Image.open(io.BytesIO(png)) as im:
            return im.convert("RGBA")
    except Exception as exc:  # cairosvg raises parser, value and cairo errors alike
        raise _unrasterisable(spec, f, exc) from None


def _parse_svg(spec: AnimationSpec, f: ImageFile, data: bytes) -> None:
    """Parse the SVG (nothing is drawn) so a broken file gets its own message."""
    try:
        import cairosvg.parser

        cairosvg.parser.Tree(bytestring=data, unsafe=False)
    except Exception as exc:
        raise _unrasterisable(spec, f, exc) from None


def _unrasterisable(spec: AnimationSpec, f: ImageFile, exc: Exception) -> SpecError:
    return spec.error(
        f"SVG frame `{f.label}` cannot be rasterised ({type(exc).__name__}: {exc})",
        place=f.place,
        fix="check that it is a valid SVG file, or export a PNG instead",
    )


def image_frames(spec: AnimationSpec, warn: Warn) -> list[Frame]:
    return [Frame(f.label, read_image(spec, f, warn), f.place) for f in image_files(spec)]


# --------------------------------------------------------------------------- rendered frames


def _renderer(spec: AnimationSpec, factory: RendererFactory | None) -> Renderer:
    if factory is None:
        raise RenderError(
            f"the {spec.kind} frames need the renderer (headless Chromium)",
            file=spec.path,
            place=spec.source_place,
            fix="run this through `diagrams animate` or `diagrams build`",
        )
    return factory()


def _render_options(spec: AnimationSpec, *, frames: bool) -> RenderOptions:
    from ..render import RenderOptions

    return RenderOptions(
        formats=("png",),
        scale=spec.scale,
        background=spec.background is None,
        frames=frames,
        whole=not frames,
    )


def _png(spec: AnimationSpec, label: str, png: bytes | None) -> Image.Image:
    if png is None:
        raise RenderError(
            f"the renderer gave no PNG for `{label}`", file=spec.path, place=spec.source_place
        )
    with Image.open(io.BytesIO(png)) as im:
        return im.convert("RGBA")


def _scene_background(app_state: dict[str, object]) -> Rgba:
    colour = app_state.get("viewBackgroundColor")
    if isinstance(colour, str):
        try:
            from PIL import ImageColor

            rgb = ImageColor.getrgb(colour)
            return (rgb[0], rgb[1], rgb[2], rgb[3] if len(rgb) == 4 else 255)
        except ValueError:
            pass
    return WHITE


def _select(
    spec: AnimationSpec, labelled: list[tuple[str, T]], what: str
) -> list[tuple[str, T, str]]:
    """(label, item, place) picked and ordered by the spec's ``frames:`` list (exact name,
    then ignoring case); all of them, in the given order, without one."""
    if spec.order is None:
        return [(label, item, spec.source_place) for label, item in labelled]
    out = []
    names = [label for label, _ in labelled]
    for wanted in spec.order:
        index = next((i for i, n in enumerate(names) if n == wanted.value), None)
        if index is None:
            folded = wanted.value.casefold()
            index = next((i for i, n in enumerate(names) if n.casefold() == folded), None)
        if index is None:
            shown = ", ".join(f"`{n}`" for n in names[:12]) + (" …" if len(names) > 12 else "")
            source = spec.source.name if spec.source else spec.kind
            raise spec.error(
                f"no {what} named `{wanted.value}` in {source}",
                place=wanted.place,
                fix=f"the {what}s are: {shown}",
            )
        out.append((names[index], labelled[index][1], wanted.place))
    return out


def drawing_frames(
    spec: AnimationSpec, factory: RendererFactory | None, warn: Warn
) -> tuple[list[Frame], Rgba]:
    """One frame per Excalidraw frame element, rendered in one pass; ordered by the spec's
    ``frames:`` list, else naturally by frame name (unnamed frames are ``Frame 1``, …)."""
    from ..scene import load_scene

    assert spec.source is not None
    if not spec.source.is_file():
        raise spec.error(
            f"drawing `{spec.source.name}` not found",
            place=spec.source_place,
            fix=f"check the path (relative to {spec.folder})",
        )
    scene = load_scene(spec.source, root=spec.root)
    for w in scene.warnings:
        warn(w)
    if not scene.frames():
        raise spec.error(
            f"{spec.source.name} has no frames",
            place=spec.source_place,
            fix="draw one Excalidraw frame (F) around each step of the animation",
        )
    result = _renderer(spec, factory).render(scene, _render_options(spec, frames=True))
    for w in result.warnings:
        warn(w)
    labelled: list[tuple[str, Image.Image]] = []
    unnamed = 0
    for image in result.frames:
        if image.frame_name:
            label = image.frame_name
        else:
            unnamed += 1
            label = f"Frame {unnamed}"
        labelled.append((label, _png(spec, label, image.png)))
    if spec.order is None:
        labelled.sort(key=lambda pair: natural_key(pair[0]))
    frames = [
        Frame(label, image, place) for label, image, place in _select(spec, labelled, "frame")
    ]
    return frames, _scene_background(scene.app_state)


def figure_frames(
    spec: AnimationSpec, factory: RendererFactory | None, warn: Warn
) -> tuple[list[Frame], Rgba]:
    """One frame per step of a figure spec, rendered in parallel at one scale."""
    from ..figures import figure_steps

    assert spec.source is not None
    if not spec.source.is_file():
        raise spec.error(f"figure spec `{spec.source.name}` not found", place=spec.source_place)
    steps = _select(spec, figure_steps(spec.source, root=spec.root), "step")
    if not steps:
        raise spec.error(f"{spec.source.name} has no steps", place=spec.source_place)
    renderer = _renderer(spec, factory)
    options = _render_options(spec, frames=False)
    futures = [renderer.submit(scene, options) for _, scene, _ in steps]
    frames: list[Frame] = []
    for (name, scene, place), fut in zip(steps, futures, strict=True):
        result = fut.result()
        for w in [*scene.warnings, *result.warnings]:
            warn(w)
        whole = result.whole
        frames.append(Frame(name, _png(spec, name, whole.png if whole else None), place))
    return frames, _scene_background(steps[0][1].app_state)
