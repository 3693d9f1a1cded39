"""Scene builders for tests: small, valid Excalidraw elements with fixed seeds."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from diagram_assets.scene.model import Scene

BASE: dict[str, Any] = {
    "angle": 0,
    "strokeColor": "#1e1e1e",
    "backgroundColor": "transparent",
    "fillStyle": "solid",
    "strokeWidth": 2,
    "strokeStyle": "solid",
    "roughness": 0,
    "opacity": 100,
    "groupIds": [],
    "frameId": None,
    "roundness": None,
    "version": 1,
    "versionNonce": 1,
    "isDeleted": False,
    "boundElements": None,
    "updated": 1,
    "link": None,
    "locked": False,
}


def element(kind: str, id: str, x: float, y: float, w: float, h: float, **extra: Any) -> dict:
    seed = sum(map(ord, id)) + 1
    return {**BASE, "type": kind, "id": id, "x": x, "y": y, "width": w, "height": h,
            "seed": seed, **extra}  # fmt: skip


def text(id: str, x: float, y: float, value: str, *, size: int = 20, family: int = 5,
         w: float | None = None, **extra: Any) -> dict:  # fmt: skip
    lines = value.split("\n")
    width = w if w is not None else max(len(line) for line in lines) * size * 0.9
    return element(
        "text", id, x, y, width, size * 1.25 * len(lines), text=value, originalText=value,
        fontSize=size, fontFamily=family, textAlign="left", verticalAlign="top",
        containerId=None, lineHeight=1.25, autoResize=True, **extra,
    )  # fmt: skip


def scene_of(*elements: dict, files: dict | None = None, **app_state: Any) -> Scene:
    return Scene(
        elements=list(elements),
        app_state={"viewBackgroundColor": "#ffffff", **app_state},
        files=files or {},
    )


def write_scene(path: Path, scene: Scene) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(scene.dumps(), encoding="utf-8")
    return path


def png_image(data: bytes) -> Any:
    from PIL import Image

    return Image.open(io.BytesIO(data)).convert("RGBA")
