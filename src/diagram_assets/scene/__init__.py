"""Scenes: load any Excalidraw drawing (file, Obsidian note, SVG/PNG export, library)."""

from __future__ import annotations

from ..lazy import lazy_exports
from .context import SceneLimits
from .model import EXPORT_SOURCE, Element, Scene
from .names import DRAWING_SUFFIXES, drawing_stem, is_drawing_name

# lazy: `check` never loads a scene (the loader and its readers), see bench/pipeline.py
_LAZY = {"load_scene": ".load"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)

__all__ = [
    "DRAWING_SUFFIXES",
    "EXPORT_SOURCE",
    "Element",
    "Scene",
    "SceneLimits",
    "drawing_stem",
    "is_drawing_name",
    *_LAZY,
]
