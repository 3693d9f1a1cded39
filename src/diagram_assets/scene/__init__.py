"""Scenes: load any Excalidraw drawing (file, Obsidian note, SVG/PNG export, library).

Names are imported on first use (see ``diagram_assets.lazy``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports

_EXPORTS = {
    "SceneLimits": ".context",
    "load_scene": ".load",
    "EXPORT_SOURCE": ".model",
    "Element": ".model",
    "Scene": ".model",
    "DRAWING_SUFFIXES": ".names",
    "drawing_stem": ".names",
    "is_drawing_name": ".names",
}

if TYPE_CHECKING:
    from .context import SceneLimits
    from .load import load_scene
    from .model import EXPORT_SOURCE, Element, Scene
    from .names import DRAWING_SUFFIXES, drawing_stem, is_drawing_name

__getattr__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "DRAWING_SUFFIXES",
    "EXPORT_SOURCE",
    "Element",
    "Scene",
    "SceneLimits",
    "drawing_stem",
    "is_drawing_name",
    "load_scene",
]
