"""The Scene: one Excalidraw drawing in Excalidraw's own vocabulary.

Every input (a drawing file, an Obsidian note, an image with an embedded scene, a generated
figure) becomes a Scene; the renderer takes only Scenes. Elements, appState and files are kept
as Excalidraw's JSON objects so nothing a newer Excalidraw writes is lost on the way through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Element = dict[str, Any]

EXPORT_SOURCE = "https://github.com/diagram-assets/diagrams"


@dataclass
class Scene:
    """Elements, appState and files of one drawing, plus where it came from.

    ``reads`` lists the other files the scene was built from (images an Obsidian drawing
    embeds, a figure's included specs): they are part of a job's input digest.
    ``warnings`` are one-line messages for the user (a missing image shown as a placeholder).
    ``formulas`` maps the file ids of an Obsidian drawing's LaTeX formulas to their TeX source
    (without the ``$$``): the renderer typesets them into ``files`` as the plugin does.
    """

    elements: list[Element]
    app_state: dict[str, Any] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    source: Path | None = None
    reads: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    formulas: dict[str, str] = field(default_factory=dict)

    def live_elements(self) -> list[Element]:
        """The elements that are drawn: everything not marked deleted."""
        return [e for e in self.elements if not e.get("isDeleted")]

    def frames(self) -> list[Element]:
        """Live frame elements, in scene order."""
        return [e for e in self.live_elements() if e.get("type") in ("frame", "magicframe")]

    def to_excalidraw(self) -> dict[str, Any]:
        """The scene as an ``.excalidraw`` file's JSON object."""
        return {
            "type": "excalidraw",
            "version": 2,
            "source": EXPORT_SOURCE,
            "elements": self.elements,
            "appState": self.app_state,
            "files": self.files,
        }

    def dumps(self) -> str:
        """Deterministic ``.excalidraw`` text: same scene, same bytes."""
        return json.dumps(self.to_excalidraw(), ensure_ascii=False, indent=2) + "\n"
