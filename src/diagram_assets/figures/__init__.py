"""Neural-network figures from YAML specs, generated as Excalidraw scenes.

A spec (``*.figure.yaml``) describes a layered network (``layers:``, in the Neural Network
Zoo's conventions), a block diagram (``blocks:``, like the Transformer's Figure 1), a table
(``table:``, as a paper prints it) or a timeline (``timeline:``). The
layout is computed here, in Python, and the result is an ordinary :class:`Scene` — the
renderer turns it into SVG/PNG like any drawing, and it can be saved as ``.excalidraw`` and
edited in Excalidraw. The schema is described in ``SPEC.md`` beside this file.

Public API::

    is_figure_spec(path) -> bool
    load_figure_spec(path, *, root=None) -> FigureSpec
    build_figure(spec) -> Scene
    figure_scene(path) -> Scene
    figure_name(path) -> str
    figure_steps(path, *, root=None) -> list[tuple[str, Scene]]
    FIGURES_VERSION
"""

from __future__ import annotations

from pathlib import Path

from ..errors import SpecError
from ..lazy import lazy_exports

FIGURE_SUFFIXES = (".figure.yaml", ".figure.yml")
SPEC_KEYS = ("layers", "blocks", "table", "timeline")  # a top-level key that makes a figure spec
# Bump when the scenes generated from the same spec change: it is part of build digests (of
# figures, and of animations made from figure steps). Kept here so reading it is cheap.
FIGURES_VERSION = "3"  # 3: figure steps animate at scale 2, Zoo highlights violet

# lazy: `check` imports this package in every repository; yaml and Pillow only with a figure
_LAZY = {
    "build_figure": ".build",
    "build_steps": ".build",
    "figure_scene": ".build",
    "figure_steps": ".build",
    "FigureSpec": ".schema",
    "figure_name": ".schema",
    "load_figure_spec": ".schema",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)


def is_figure_spec(path: Path) -> bool:
    """True for a figure spec, decided cheaply so discovery can call it on every file.

    * ``*.figure.yaml`` / ``*.figure.yml`` anywhere: always a figure spec (a broken one is
      still a figure spec: building it reports the error);
    * any other ``.yaml``/``.yml`` inside a folder named ``figures``: a figure spec when its
      top level has a ``layers:``, ``blocks:``, ``table:`` or ``timeline:`` key (read without
      building anything; a file that cannot be read or parsed is not claimed).
    """
    path = Path(path)
    name = path.name.lower()
    if name.endswith(FIGURE_SUFFIXES):
        return True
    if not name.endswith((".yaml", ".yml")) or "figures" not in path.parent.parts:
        return False
    from ..specyaml import load_spec_yaml  # lazy: yaml only for such a file, see _LAZY

    try:
        root = load_spec_yaml(path, what="figure spec")
    except (SpecError, OSError):
        return False
    return isinstance(root.value, dict) and any(key in root.value for key in SPEC_KEYS)


__all__ = ["FIGURES_VERSION", "is_figure_spec", *_LAZY]
