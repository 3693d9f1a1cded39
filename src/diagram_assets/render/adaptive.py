"""Adaptive SVGs: one file that shows its light or its dark rendering as the reader's
``prefers-color-scheme`` says (``theme = "auto"``).

Two ways, after how the dark rendering was made:

* **filter** (drawings: Excalidraw's own dark mode is a filter): the light SVG with a style that,
  in dark mode, applies Excalidraw's filter to the whole image (``invert(93%)
  hue-rotate(180deg)``) and re-inverts its raster images as Excalidraw does
  (``invert(100%) hue-rotate(180deg) saturate(1.25)``), so photos are not double-inverted.
  Which images are raster is read from the dark SVG Excalidraw made (the ``<use>`` elements it
  gave the image filter), so SVG images stay inverted, as in Excalidraw.
* **both** (figures: the dark theme is another scene, with a dark palette): the light and the
  dark drawing in one file, each in a group that a media query shows or hides.

The style is scoped to classes on the root element, so an SVG inlined into a page affects
nothing else.
"""

from __future__ import annotations

import re

THEME_FILTER = "invert(93%) hue-rotate(180deg)"  # Excalidraw's dark mode
IMAGE_FILTER = "invert(100%) hue-rotate(180deg) saturate(1.25)"  # its raster images in it
ROOT_CLASS = "diagrams-adaptive"
RASTER_CLASS = "diagrams-raster"

_SVG_OPEN = re.compile(rb"<svg\b[^>]*>")
_HEAD = re.compile(rb"\A(?:\s|<!--.*?-->|<metadata\b[^>]*/>|<metadata\b.*?</metadata>)*", re.S)
_DEFS = re.compile(rb"\s*(<defs\b.*?</defs>)", re.S)  # matched at a position
_USE = re.compile(rb"<use\b[^>]*>")
_HREF = re.compile(rb'\bhref="#([^"]+)"')


class AdaptiveError(ValueError):
    """The SVGs are not shaped as Excalidraw writes them."""


def _with_class(open_tag: bytes, name: str) -> bytes:
    match = re.search(rb'\bclass="([^"]*)"', open_tag)
    if match:
        classes = match.group(1) + b" " + name.encode()
        return open_tag[: match.start(1)] + classes + open_tag[match.end(1) :]
    end = -2 if open_tag.endswith(b"/>") else -1
    return open_tag[:end] + f' class="{name}"'.encode() + open_tag[end:]


def _split(svg: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    """(opening tag, head: comments and metadata, defs, body) of an SVG; the closing tag goes."""
    opening = _SVG_OPEN.search(svg)
    end = svg.rfind(b"</svg>")
    if opening is None or end < opening.end():
        raise AdaptiveError("not an SVG document")
    prolog = svg[: opening.start()]
    rest = svg[opening.end() : end]
    head = _HEAD.match(rest)
    head_len = head.end() if head else 0
    defs = _DEFS.match(rest, head_len)
    defs_bytes = defs.group(1) if defs else b""
    body_start = defs.end() if defs else head_len
    return prolog + opening.group(0), rest[:head_len], defs_bytes, rest[body_start:]


def raster_ids(dark_svg: bytes) -> set[bytes]:
    """The images Excalidraw re-inverted in its dark export: ``<use>`` targets with its filter."""
    ids: set[bytes] = set()
    for tag in _USE.findall(dark_svg):
        href = _HREF.search(tag)
        if href and IMAGE_FILTER.encode() in tag:
            ids.add(href.group(1))
    return ids


def adaptive_filter(light_svg: bytes, dark_svg: bytes) -> bytes:
    """The light SVG, switching to Excalidraw's dark filter when the reader prefers dark."""
    opening, head, defs, body = _split(light_svg)
    rasters = raster_ids(dark_svg)

    def mark(match: re.Match[bytes]) -> bytes:
        tag = match.group(0)
        href = _HREF.search(tag)
        return _with_class(tag, RASTER_CLASS) if href and href.group(1) in rasters else tag

    body = _USE.sub(mark, body)
    style = (
        f'<style class="diagrams-theme">@media (prefers-color-scheme: dark) {{ '
        f".{ROOT_CLASS} {{ filter: {THEME_FILTER}; }} "
        f".{ROOT_CLASS} .{RASTER_CLASS} {{ filter: {IMAGE_FILTER}; }} }}</style>"
    ).encode()
    return _with_class(opening, ROOT_CLASS) + head + defs + style + body + b"</svg>"


def adaptive_both(light_svg: bytes, dark_svg: bytes) -> bytes:
    """Both drawings in one SVG, the dark one shown when the reader prefers dark. They must
    have the same size (the same scene in two palettes)."""
    opening, head, defs, body = _split(light_svg)
    dark_opening, _, dark_defs, dark_body = _split(dark_svg)
    if _SVG_OPEN.search(dark_opening).group(0) != _SVG_OPEN.search(opening).group(0):  # type: ignore[union-attr]
        raise AdaptiveError("the light and the dark SVG differ in size")
    style = (
        b'<style class="diagrams-theme">.diagrams-dark { display: none; } '
        b"@media (prefers-color-scheme: dark) { .diagrams-light { display: none; } "
        b".diagrams-dark { display: inline; } }</style>"
    )
    extra_defs = dark_defs if dark_defs != defs else b""
    return (
        _with_class(opening, ROOT_CLASS)
        + head
        + defs
        + style
        + b'<g class="diagrams-light">'
        + body
        + b'</g><g class="diagrams-dark">'
        + extra_defs
        + dark_body
        + b"</g></svg>"
    )
