"""Rendering Scenes to SVG and PNG with the official Excalidraw library in headless Chromium.

Names are imported on first use, so commands that only plan (``check``) do not pay for the
browser-driving modules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    "PageManifest": ".assets",
    "load_manifest": ".assets",
    "chromium_version": ".chromium",
    "find_chromium": ".chromium",
    "RenderedImage": ".options",
    "RenderOptions": ".options",
    "RenderResult": ".options",
    "Renderer": ".renderer",
    "RendererStats": ".renderer",
}

if TYPE_CHECKING:
    from .assets import PageManifest, load_manifest
    from .chromium import chromium_version, find_chromium
    from .options import RenderedImage, RenderOptions, RenderResult
    from .renderer import Renderer, RendererStats


__getattr__ = lazy_exports(__name__, _EXPORTS)


__all__ = [
    "PageManifest",
    "RenderOptions",
    "RenderResult",
    "RenderedImage",
    "Renderer",
    "RendererStats",
    "chromium_version",
    "find_chromium",
    "load_manifest",
]
