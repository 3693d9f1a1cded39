"""Figure specs (YAML → Excalidraw scene → SVG/PNG) as a source kind of the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ...config import Config
from ...figures import FIGURES_VERSION, is_figure_spec
from ...options import Options
from .base import KindPlan, KindResult, RunContext, output_prefix_of
from .themes import render_themed, themed_outputs

if TYPE_CHECKING:
    from ...scene.model import Scene


@dataclass(frozen=True)
class FigureKind:
    """``bounded``: includes must stay inside the repository (``config.root``); False for specs
    named on the command line, whose includes may be anywhere."""

    bounded: bool = True
    name = "figure"

    def version(self) -> str:
        return f"figure-{FIGURES_VERSION}"

    def claims(self, path: Path) -> bool:
        if not path.name.lower().endswith((".yaml", ".yml")):
            return False  # decided without reading the file
        return is_figure_spec(path)

    def source_options(
        self, path: Path, source: str, options: Options, config: Config, parts: Sequence[str]
    ) -> Options:
        return options  # a spec says everything about itself; parts are drawings' only

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        from ...figures.schema import load_figure_spec  # lazy: `check` without figures: no yaml

        spec = load_figure_spec(path, root=config.root if self.bounded else None)
        outputs = themed_outputs(prefix, spec.name, options)
        if options.excalidraw:
            outputs["excalidraw"] = f"{prefix}{spec.name}.excalidraw"
        return KindPlan(outputs=outputs, inputs=list(spec.reads))

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult:
        from ...figures.build import build_figure  # lazy: Pillow only when building
        from ...figures.schema import load_figure_spec  # lazy: see `plan`

        spec = load_figure_spec(path, root=ctx.config.root if self.bounded else None)
        scene = build_figure(spec)
        prefix = output_prefix_of(plan)

        def scene_for(theme: str) -> tuple[Scene, bool]:
            # dark: the figure in its dark palette, without Excalidraw's dark-mode filter;
            # light: as drawn (`dark = true` alone asks for that filter, as before themes)
            if theme == "dark":
                return build_figure(spec, theme="dark"), False
            return scene, options.dark and options.theme == "light"

        result = render_themed(spec.name, prefix, ctx.renderer(), scene_for, options)
        if options.excalidraw:
            result.files[f"{prefix}{spec.name}.excalidraw"] = scene.dumps().encode("utf-8")
        return result
