"""Frames from image files: the files an ``images:`` spec names (paths and globs, kept inside
the project), read as RGBA at the spec's scale."""

from __future__ import annotations

import io
import os
import posixpath
import re
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from ..config import glob_regex
from ..errors import DiagramsError, SpecError
from ..fsutil import inside, read_bytes_limited
from .frames import MAX_FRAME_PIXELS, Frame, ImageFile, Warn, natural_key
from .spec import AnimationSpec, Placed
from .svg_frames import rasterise_svg

RASTER_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
IMAGE_SUFFIXES = (*RASTER_SUFFIXES, ".svg")
MAX_IMAGE_BYTES = 64 << 20
MAX_FRAMES = 2_000
MAX_GLOB_ENTRIES = 200_000  # directory entries one images: pattern may look through
_GLOB_CHARS = re.compile(r"[*?\[]")


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
        return rasterise_svg(spec, f, data, warn)
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


def image_frames(spec: AnimationSpec, warn: Warn) -> list[Frame]:
    return [Frame(f.label, read_image(spec, f, warn), f.place) for f in image_files(spec)]
