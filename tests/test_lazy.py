"""What `diagrams check` and a no-op `diagrams build` import in a repository of drawings (the
commands bench/pipeline.py times), and the packages' exports imported on first use."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import pytest
from PIL import Image

import diagram_assets
from diagram_assets.config import load_config
from diagram_assets.pipeline import build
from diagram_assets.render.options import RenderedImage, RenderResult
from diagram_assets.scene.model import Scene
from helpers import element, scene_of, write_scene

# what a quick command must not load: the renderer, the scene loader, and the heavy libraries
HEAVY = (
    "diagram_assets.render.renderer",
    "diagram_assets.scene.load",
    "diagram_assets.notes.rewrite",
    "asyncio",
    "PIL",
    "numpy",
    "yaml",
    "markdown_it",
    "rich",
    "cairosvg",
    "watchfiles",
    "playwright",
)
PACKAGES = ("animation", "figures", "notes", "pipeline", "render", "scene")
MODULES = """
import json, sys
from diagram_assets.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    print(json.dumps([exit.code, sorted(sys.modules)]))
"""


class StandIn:
    """Renders every scene to a small SVG: no browser."""

    def start(self, wait: bool = True) -> None:
        return None

    def render(self, scene: Scene, options: object = None) -> RenderResult:
        return RenderResult(images=[RenderedImage(svg=b"<svg></svg>")])

    def submit(self, scene: Scene, options: object = None) -> Future[RenderResult]:
        future: Future[RenderResult] = Future()
        future.set_result(self.render(scene, options))
        return future

    def close(self) -> None:
        return None


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of drawings, built: `check` finds all current, `build` has nothing to do."""
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    (root / "pyproject.toml").write_text(
        '[tool.diagrams]\nsources = ["diagrams"]\nformats = ["svg"]\nnotes = []\n',
        encoding="utf-8",
    )
    for name in ("alpha", "beta"):
        box = element("rectangle", "box", 0, 0, 160, 80)
        write_scene(root / "diagrams" / f"{name}.excalidraw", scene_of(box))
    summary = build(load_config(root), renderer_factory=StandIn)
    assert len(summary.rendered) == 2
    return root


def modules_of(root: Path, *command: str) -> list[str]:
    """The modules a fresh `diagrams COMMAND -C root` has imported when it exits (with 0)."""
    src = str(Path(diagram_assets.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run(
        [sys.executable, "-c", MODULES, *command, "-C", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    code, modules = json.loads(proc.stdout.splitlines()[-1])
    assert code == 0, proc.stdout
    return modules


@pytest.mark.parametrize("command", [["check"], ["build", "-q"]])
def test_check_and_a_no_op_build_import_nothing_heavy(built: Path, command: list[str]) -> None:
    loaded = [m for m in modules_of(built, *command) if m.split(".")[0] in HEAVY or m in HEAVY]
    assert loaded == []


def test_check_plans_an_animation_without_its_encoders(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[tool.diagrams]\nsources = ["animations"]\nnotes = []\n', encoding="utf-8"
    )
    frames = tmp_path / "animations" / "frames"
    frames.mkdir(parents=True)
    for n, colour in enumerate(("white", "black"), 1):
        Image.new("RGB", (8, 6), colour).save(frames / f"step{n}.png")
    (tmp_path / "animations" / "walk.anim.yaml").write_text(
        "images: frames/step*.png\n", encoding="utf-8"
    )
    assert len(build(load_config(tmp_path)).rendered) == 1
    loaded = modules_of(tmp_path, "check")
    assert "diagram_assets.animation.planning" in loaded  # the spec was planned
    assert [m for m in loaded if m.startswith(("numpy", "diagram_assets.animation.encode"))] == []


@pytest.mark.parametrize("package", PACKAGES)
def test_every_export_resolves_and_is_listed(package: str) -> None:
    module = importlib.import_module(f"diagram_assets.{package}")
    listed = dir(module)
    for name in module.__all__:
        getattr(module, name)
        assert name in listed
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018
