"""Excalidraw drawings (every format the scene loader reads) as a source kind of the pipeline."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from ...config import Config
from ...options import Options
from ...render.options import RenderOptions
from ...scene.context import SceneLimits
from ...scene.export_settings import read_export_settings, saved_dark
from ...scene.names import drawing_stem, is_drawing_name
from ...scene.parts import resolve_part
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

    def source_options(
        self, path: Path, source: str, options: Options, config: Config, parts: Sequence[str]
    ) -> Options:
        """An Obsidian drawing's front matter export settings, where no override of the config
        set the same option; the parts notes embed (``frame=`` ones only when frames are not
        exported: the frame images show them)."""
        changes: dict[str, object] = {}
        if path.name.lower().endswith(".md"):
            pinned = config.pinned_options(source)
            settings = read_export_settings(path, source)
            changes.update({k: v for k, v in settings.items() if k not in pinned})
        wanted = sorted(p for p in parts if not (options.frames and p.startswith("frame=")))
        if wanted:
            changes["parts"] = tuple(wanted)
        return dataclasses.replace(options, **changes) if changes else options  # type: ignore[arg-type]

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        stem = drawing_stem(path)
        return KindPlan(outputs=themed_outputs(prefix, stem, options))

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult:
        from ...scene.load import load_scene  # lazy: `check` never loads a scene

        scene = load_scene(path, root=ctx.config.root, limits=scene_limits(ctx.config))
        prefix = output_prefix_of(plan)
        keep_dark = _keeps_dark(path, scene.app_state, options, ctx.config)
        warnings: list[str] = []
        selections = []
        for key in options.parts:
            found = resolve_part(scene, key)
            if isinstance(found, str):
                warnings.append(
                    f"{_source(path, ctx.config)}: a note embeds #^{key}, but the drawing "
                    f"{found}; the link shows the whole drawing"
                )
            else:
                selections.append(found)

        def with_parts(render_options: RenderOptions) -> RenderOptions:
            if not selections:
                return render_options
            return dataclasses.replace(render_options, parts=tuple(selections))

        result = render_themed(  # dark: Excalidraw's own dark mode
            drawing_stem(path),
            prefix,
            ctx.renderer(),
            lambda t: (scene, t == "dark" or (keep_dark and options.theme == "light")),
            options,
            adjust=with_parts,
        )
        result.warnings.extend(warnings)
        return result


def _keeps_dark(path: Path, app_state: dict[str, object], options: Options, config: Config) -> bool:
    """An export with an embedded scene keeps the theme it was made in (dark stays dark),
    unless an override of the config sets `dark` for it."""
    return (
        path.name.lower().endswith((".svg", ".png"))
        and not options.dark
        and "dark" not in config.pinned_options(_source(path, config))
        and saved_dark(path, app_state)
    )


def _source(path: Path, config: Config) -> str:
    """The source as the user names it: relative to the repository when inside it."""
    try:
        return path.resolve().relative_to(config.root.resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)
