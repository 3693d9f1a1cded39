"""Scenes: load any Excalidraw drawing (file, Obsidian note, SVG/PNG export, library)."""

from .context import SceneLimits
from .load import load_scene
from .model import EXPORT_SOURCE, Element, Scene
from .names import DRAWING_SUFFIXES, drawing_stem, is_drawing_name

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
