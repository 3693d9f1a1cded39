"""Spec → Scene, and spec → one Scene per animation step."""

from __future__ import annotations

import copy
from pathlib import Path

from ..scene.model import Scene
from . import FIGURES_VERSION
from .blocks import build_blocks
from .dark import dark_app_state, darken_elements
from .data_palette import THEMES, data_palette
from .element_keys import fractional_index, stable_int
from .elements import SceneBuilder, Style
from .geometry import Element, bounds
from .layered import build_layers
from .palettes import INK, highlight_for
from .schema import FigureSpec, Ref, load_figure_spec
from .table import build_table
from .text import EXCALIFONT, LIBERATION_SANS
from .timeline import build_timeline

APP_STATE = {"viewBackgroundColor": "#ffffff", "gridSize": 20, "gridModeEnabled": False}


def figure_style(spec: FigureSpec) -> Style:
    """clean: roughness 0 and Liberation Sans; sketch: Excalidraw's hand-drawn look."""
    if spec.style == "sketch":
        return Style(roughness=1, font_family=EXCALIFONT, font_size=spec.font_size)
    return Style(roughness=0, font_family=LIBERATION_SANS, font_size=spec.font_size)


def _build(spec: FigureSpec, theme: str = "light") -> SceneBuilder:
    builder = SceneBuilder(figure_style(spec))
    if spec.kind == "layers":
        build_layers(spec, builder)
    elif spec.kind == "table":
        build_table(spec, builder, data_palette(spec.palette, theme))
    elif spec.kind == "timeline":
        build_timeline(spec, builder, data_palette(spec.palette, theme))
    else:
        build_blocks(spec, builder)
    if spec.title:
        min_x, min_y, max_x, _ = bounds(builder.elements)
        size = spec.font_size + 4
        title = builder.text(
            "figure.title", (min_x + max_x) / 2, min_y - 16 - size * 0.7, spec.title, size=size
        )
        builder.tag("figure", title)
    return builder


def build_figure(spec: FigureSpec, *, theme: str = "light") -> Scene:
    """The figure as a Scene: pure and deterministic (same spec → same bytes).

    ``theme``: ``light``, or ``dark`` — drawn for a dark canvas (tables and timelines in their
    palette's dark variant, the others recoloured by :mod:`.dark`), to be rendered without
    Excalidraw's dark-mode filter."""
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    builder = _build(spec, theme)
    elements = builder.finish()
    if spec.hidden:
        hidden = _with_arrows(_expand(builder, spec.hidden, elements), elements)
        for element in elements:
            if element["id"] in hidden:
                element["opacity"] = 0
    return _scene(spec, elements, theme)


def _expand(builder: SceneBuilder, refs: list[Ref], elements: list[Element]) -> set[str]:
    """Element ids drawn for ``refs``, with the text bound inside them.

    Arrows touching them are not included unless drawn for one of ``refs``: whether an arrow
    shows depends on both its ends (:func:`_with_arrows`).
    """
    ids: set[str] = set()
    for ref in refs:
        ids.update(builder.members.get(str(ref), []))
    by_id = {e["id"]: e for e in elements}
    for eid in list(ids):
        for bound in by_id[eid].get("boundElements") or []:
            if bound["type"] == "text":
                ids.add(bound["id"])
    return ids


def _with_arrows(hidden: set[str], elements: list[Element]) -> set[str]:
    """``hidden`` plus every arrow bound to a hidden element: an arrow (or edge) is drawn
    only when both its ends are."""
    out = set(hidden)
    for element in elements:
        for end in ("startBinding", "endBinding"):
            binding = element.get(end)
            if binding and binding.get("elementId") in hidden:
                out.add(element["id"])
    return out


def _joining(shapes: set[str], elements: list[Element]) -> set[str]:
    """Arrows (and edges) bound at both ends to ``shapes``: highlighted with them, so a step
    that lights two blocks also lights the arrows between them."""
    out: set[str] = set()
    for element in elements:
        start, end = element.get("startBinding"), element.get("endBinding")
        if start and end and start.get("elementId") in shapes and end.get("elementId") in shapes:
            out.add(element["id"])
    return out


def _highlight(element: Element, colour: str) -> None:
    element["strokeColor"] = colour
    element["strokeWidth"] = max(2, element["strokeWidth"] + 1)


def build_steps(spec: FigureSpec, *, theme: str = "light") -> list[tuple[str, Scene]]:
    """One Scene per step; hidden parts stay in place with opacity 0, so bounds never change.

    A step's highlights are the shapes of its ``highlight`` ids and the arrows joining two of
    them; an arrow is drawn only when both its ends are visible.

    Each step scene also carries an invisible rectangle around the whole figure (opacity 0),
    so every frame exports with the same size and position. ``theme``: see :func:`build_figure`.
    """
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {THEMES}, got {theme!r}")
    builder = _build(spec, theme)
    min_x, min_y, max_x, max_y = bounds(builder.elements)
    margin = 8
    frame = builder.rect(
        "figure.bounds",
        min_x - margin,
        min_y - margin,
        max_x - min_x + 2 * margin,
        max_y - min_y + 2 * margin,
        rounded=False,
        stroke="transparent",
        opacity=0,
    )
    # the bounding rectangle goes first (below everything)
    builder.elements.remove(frame)
    builder.elements.insert(0, frame)
    base = builder.finish()
    if not spec.steps:
        return [(spec.name, _scene(spec, copy.deepcopy(base), theme))]
    hidden = _expand(builder, spec.hidden, base)
    out: list[tuple[str, Scene]] = []
    for step in spec.steps:
        hidden -= _expand(builder, step.show, base)
        hidden |= _expand(builder, step.hide, base)
        lit: set[str] = set()
        for ref in step.highlight:
            lit.update(builder.shapes.get(str(ref), []))
        lit |= _joining(lit, base)
        invisible = _with_arrows(hidden, base)
        elements = copy.deepcopy(base)
        for element in elements:
            if element["id"] in invisible:
                element["opacity"] = 0
            if element["id"] in lit:
                _highlight(element, highlight_for(spec.palette))
        out.append((step.name, _scene(spec, elements, theme)))
    return out


def figure_scene(path: Path) -> Scene:
    """Load and build a spec; ``scene.reads`` lists the included specs."""
    return build_figure(load_figure_spec(Path(path)))


def figure_steps(
    path: Path, *, root: Path | None = None, theme: str = "light"
) -> list[tuple[str, Scene]]:
    """One whole Scene per step of the spec's ``steps:`` (same bounds on every step).

    A spec without steps gives one step named after the figure, showing all of it. ``root``
    bounds what ``include:`` may read (see :func:`load_figure_spec`); ``theme``: ``light`` or
    ``dark`` (see :func:`build_figure`).
    """
    return build_steps(load_figure_spec(Path(path), root=root), theme=theme)


def _scene(spec: FigureSpec, elements: list[Element], theme: str = "light") -> Scene:
    app_state = dict(APP_STATE)
    if theme == "dark":
        # tables and timelines have a dark palette of their own: only the title is left
        data = spec.kind in ("table", "timeline")
        darken_elements([e for e in elements if not data or e["id"].startswith("figure.")])
        app_state = dark_app_state(app_state)
    return Scene(
        elements=elements,
        app_state=app_state,
        files={},
        source=spec.path,
        reads=list(spec.reads),
    )


__all__ = [
    "FIGURES_VERSION",
    "INK",
    "build_figure",
    "build_steps",
    "figure_scene",
    "figure_steps",
    "fractional_index",
    "stable_int",
]
