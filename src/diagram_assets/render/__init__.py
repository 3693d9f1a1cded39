"""Rendering Scenes to SVG and PNG with the official Excalidraw library in headless Chromium."""

from __future__ import annotations

from ..lazy import lazy_exports
from .assets import PageManifest, load_manifest
from .chromium import chromium_version, find_chromium
from .options import RenderedImage, RenderOptions, RenderResult

# lazy: `check` and a no-op build never load the renderer (asyncio, the page server, the driver)
_LAZY = {"Renderer": ".renderer", "RendererStats": ".renderer"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "PageManifest",
    "RenderOptions",
    "RenderResult",
    "RenderedImage",
    "chromium_version",
    "find_chromium",
    "load_manifest",
    *_LAZY,
]
