"""SVG frame images, rasterised by cairosvg once their size is known to be reasonable."""

from __future__ import annotations

import io
import math
import re

from PIL import Image

from ..errors import SpecError
from .frames import MAX_FRAME_PIXELS, ImageFile, Warn
from .spec import AnimationSpec

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


def rasterise_svg(spec: AnimationSpec, f: ImageFile, data: bytes, warn: Warn) -> Image.Image:
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
        # lazy: libcairo loads only for SVG frames (never for `check`), and when it is missing
        # that is this frame's error (caught below), not the whole animation package's
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
        import cairosvg.parser  # lazy: as in rasterise_svg

        cairosvg.parser.Tree(bytestring=data, unsafe=False)
    except Exception as exc:
        raise _unrasterisable(spec, f, exc) from None


def _unrasterisable(spec: AnimationSpec, f: ImageFile, exc: Exception) -> SpecError:
    return spec.error(
        f"SVG frame `{f.label}` cannot be rasterised ({type(exc).__name__}: {exc})",
        place=f.place,
        fix="check that it is a valid SVG file, or export a PNG instead",
    )
