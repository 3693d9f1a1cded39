"""Nothing wrong in silence (issue 12, the same bytes on every machine): a source whose text has
characters no bundled font draws builds with one warning naming them, in every theme setup.
Scenes render through a stand-in renderer: no browser."""

from __future__ import annotations

import io
from concurrent.futures import Future
from pathlib import Path

import pytest
from PIL import Image

from diagram_assets.config import load_config
from diagram_assets.pipeline import build
from diagram_assets.render import RenderedImage, RenderResult
from diagram_assets.scene.model import Scene
from helpers import scene_of, text, write_scene

SPEC = """name: Stages
palette: zoo
layers:
  - {id: in, cells: input, size: 2, label: "%s"}
  - {id: out, cells: output, size: 1}
"""


class StandIn:
    """Renders every scene to a tiny SVG and PNG."""

    def start(self, wait: bool = True) -> None:
        return None

    def render(self, scene: Scene, options: object = None) -> RenderResult:
        out = io.BytesIO()
        Image.new("RGB", (6, 4), "white").save(out, "PNG")
        return RenderResult(images=[RenderedImage(svg=b"<svg/>", png=out.getvalue())])

    def submit(self, scene: Scene, options: object = None) -> Future[RenderResult]:
        future: Future[RenderResult] = Future()
        future.set_result(self.render(scene, options))
        return future

    def close(self) -> None:
        return None


def repo_with(tmp_path: Path, label: str, theme: str) -> Path:
    (tmp_path / ".git").mkdir()
    config = f'[tool.diagrams]\nsources = ["diagrams"]\ntheme = "{theme}"\n'
    (tmp_path / "pyproject.toml").write_text(config, encoding="utf-8")
    (tmp_path / "diagrams").mkdir()
    (tmp_path / "diagrams" / "stages.figure.yaml").write_text(SPEC % label, encoding="utf-8")
    write_scene(tmp_path / "diagrams" / "note.excalidraw", scene_of(text("t", 0, 0, label)))
    return tmp_path


def font_warnings(root: Path) -> list[str]:
    summary = build(load_config(root), renderer_factory=StandIn)
    return [line for line in summary.warnings if "no bundled font" in line]


@pytest.mark.parametrize("theme", ["light", "both"])
def test_text_no_bundled_font_has_is_one_warning_per_source(tmp_path: Path, theme: str) -> None:
    lines = font_warnings(repo_with(tmp_path, "इनपुट", theme))
    assert sorted(lines) == [
        'diagrams/note.excalidraw: no bundled font has "इ" U+0907, "ट" U+091F, "न" U+0928, '
        '"प" U+092A, "ु" U+0941; the machine\'s fonts draw them, so the images depend on the '
        "machine they are built on",
        'diagrams/stages.figure.yaml: no bundled font has "इ" U+0907, "ट" U+091F, "न" U+0928, '
        '"प" U+092A, "ु" U+0941; the machine\'s fonts draw them, so the images depend on the '
        "machine they are built on",
    ]


def test_covered_text_builds_without_the_warning(tmp_path: Path) -> None:
    assert font_warnings(repo_with(tmp_path, "x⁻¹ gᵢ Σ 参数 ✓", "light")) == []
