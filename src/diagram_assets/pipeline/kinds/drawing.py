"""Excalidraw drawings (every format the scene loader reads) as a source kind of the pipeline."""

from __future__ import annotations

from pathlib import Path

from ...config import Config
from ...options import Options
from ...scene.context import SceneLimits
from ...scene.names import drawing_stem, is_drawing_name
from .base import KindPlan, KindResult, RunContext, output_prefix_of
from .themes import render_themed, themed_outputs


def scene_limits(config: Config) -> SceneLimits:
    """The config's limits on one drawing (size, elements), and what follows from them."""
    max_bytes = int(config.max_source_mb * 2**20)
    return SceneLimits(
        max_bytes=max_bytes,
        max_elements=config.max_elements,
        max_decompressed=max(64 * 2**20, 2 * max_bytes),
        max_json_values=max(2_000_000, 40 * config.max_elements),
    )


class DrawingKind:
    """Excalidraw drawings in every format the scene loader reads. Obsidian drawings resolve
    their embedded files in ``config.root`` (the vault)."""

    name = "drawing"

    def version(self) -> str:
        return "drawing-2"

    def claims(self, path: Path) -> bool:
        return is_drawing_name(path)

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        stem = drawing_stem(path)
        return KindPlan(outputs=themed_outputs(prefix, stem, options))

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult:
        from ...scene.load import load_scene  # lazy: `check` never loads a scene

        scene = load_scene(path, root=ctx.config.root, limits=scene_limits(ctx.config))
        prefix = output_prefix_of(plan)
        return render_themed(  # dark: Excalidraw's own dark mode
            drawing_stem(path), prefix, ctx.renderer(), lambda t: (scene, t == "dark"), options
        )
