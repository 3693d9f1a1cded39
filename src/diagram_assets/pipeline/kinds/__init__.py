"""Kinds of sources the pipeline builds: drawings, figure specs, animation specs.

``base`` holds what they share (plan, result, run context, the protocol); each kind has its
module; :func:`all_kinds` is the registry the planner asks, in order, to claim a file.
"""

from __future__ import annotations

from .animation import AnimationKind
from .base import KindPlan, KindResult, RendererFactory, RunContext, SourceKind
from .drawing import DrawingKind
from .figure import FigureKind


def all_kinds() -> list[SourceKind]:
    """Every kind the pipeline builds, in the order they are asked to claim a file
    (animation and figure specs before drawings)."""
    return [AnimationKind(), FigureKind(), DrawingKind()]


__all__ = [
    "AnimationKind",
    "DrawingKind",
    "FigureKind",
    "KindPlan",
    "KindResult",
    "RendererFactory",
    "RunContext",
    "SourceKind",
    "all_kinds",
]
