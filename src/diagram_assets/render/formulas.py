"""LaTeX formulas of Obsidian drawings, typeset on the render page as the plugin typesets them.

The scene loader keeps a drawing's ``$$…$$`` entries as :attr:`Scene.formulas` (file id → TeX).
They travel to the page with the scene; the page's ``js/src/math.js`` turns each into the
``image/svg+xml`` file of the image element that carries it (MathJax 3, TeX input with the
plugin's packages, SVG output with path glyphs: nothing is fetched), before Excalidraw exports.
What MathJax cannot typeset comes back as an error: the element keeps Excalidraw's missing-image
placeholder and the render gets one warning naming the drawing, the element and the formula.

The formula renderer (the MathJax version and ``math.js``) is part of the render page's sources,
so its digest and its version are in the renderer's identity (:func:`formula_renderer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..scene.model import Scene
from .assets import page_versions

SHOWN_CHARS = 60  # a formula longer than this is shortened in warnings


def formula_renderer() -> str:
    """The formula renderer's name in the renderer's identity, e.g. ``mathjax 3.2.2``."""
    return f"mathjax {page_versions().get('mathjax', 'none')}"


@dataclass(frozen=True)
class FormulaSet:
    """The formulas of one scene and the image elements that show them, for warnings."""

    source: Path | None
    tex: dict[str, str]
    users: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, scene: Scene) -> FormulaSet | None:
        """The scene's formulas, or None when it has none."""
        if not scene.formulas:
            return None
        users: dict[str, list[str]] = {}
        for element in scene.live_elements():
            fid = element.get("fileId")
            if element.get("type") == "image" and fid in scene.formulas:
                users.setdefault(fid, []).append(str(element.get("id")))
        return cls(source=scene.source, tex=dict(scene.formulas), users=users)

    def warnings(self, errors: Any) -> list[str]:
        """One warning per formula the page could not typeset (``errors``: file id → message,
        as the page returned it), in the scene's order."""
        if not isinstance(errors, dict):
            return []
        lines = []
        for fid, tex in self.tex.items():
            if fid not in errors or fid not in self.users:
                continue
            ids = self.users[fid]
            who = f"image element{'s' if len(ids) > 1 else ''} {', '.join(ids)}"
            where = f"{self.source}: " if self.source else ""
            why = " ".join(str(errors[fid]).split()) or "MathJax could not typeset it"
            lines.append(
                f"{where}{who}: LaTeX formula {shown(tex)} cannot be typeset ({why}); "
                "drawn as a placeholder"
            )
        return lines


def shown(tex: str) -> str:
    """The formula as written in the drawing, on one line and at most ``SHOWN_CHARS`` long."""
    text = "$$" + " ".join(tex.split()) + "$$"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"
