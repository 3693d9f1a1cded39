"""Rendering Scenes to SVG and PNG with the official Excalidraw library in headless Chromium."""

from .assets import PageManifest, load_manifest
from .chromium import chromium_version, find_chromium
from .options import RenderedImage, RenderOptions, RenderResult
from .renderer import Renderer, RendererStats

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
