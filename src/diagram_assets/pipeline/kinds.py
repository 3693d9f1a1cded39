"""Kinds of sources the pipeline builds: drawings, figure specs, animation specs.

A kind says which files it claims, what a source will write and read (its plan, cheap: no
rendering), and how to build it. Figures and animations register here when their packages are
present; the pipeline itself knows nothing about what a kind does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..config import Config, Options

if TYPE_CHECKING:
    from ..render import Renderer, RenderOptions
    from ..scene.model import Scene


@dataclass
class KindPlan:
    """What a source will write and read, known before building it.

    ``outputs``: format or label → file name relative to the output folder.
    ``inputs``: files besides the source that building reads (included specs, frame images).
    """

    outputs: dict[str, str]
    inputs: list[Path] = field(default_factory=list)
    uses_renderer: bool = True
    salt: str = ""  # anything else the output bytes depend on (a tool's version)


@dataclass
class KindResult:
    """What building a source made: file name (relative to the output folder) → bytes; files
    found while building (images a drawing embeds) and warnings for the user."""

    files: dict[str, bytes]
    inputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    frames: dict[str, dict[str, str]] = field(default_factory=dict)  # frame name → format → file


class RunContext:
    """What a kind may use while building: the config and a shared, lazily started renderer."""

    def __init__(self, config: Config, renderer_factory: Callable[[], Renderer] | None = None):
        self.config = config
        self._factory = renderer_factory or self._default_factory
        self._renderer: Renderer | None = None
        self._lock = threading.Lock()

    def _default_factory(self) -> Renderer:
        from ..render import Renderer

        return Renderer(
            chromium=self.config.chromium, pages=self.config.jobs, timeout=self.config.timeout
        )

    def renderer(self) -> Renderer:
        with self._lock:
            if self._renderer is None:
                self._renderer = self._factory()
            return self._renderer

    @property
    def started_renderer(self) -> bool:
        return self._renderer is not None

    def close(self) -> None:
        with self._lock:
            renderer, self._renderer = self._renderer, None
        if renderer is not None:
            renderer.close()


class SourceKind(Protocol):
    name: str

    def version(self) -> str: ...

    def claims(self, path: Path) -> bool: ...

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan: ...

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult: ...


def render_options(options: Options, *, refresh_text: bool = False) -> RenderOptions:
    from ..render import RenderOptions

    return RenderOptions(
        formats=options.formats,
        scale=options.scale,
        padding=options.padding,
        background=not options.transparent,
        dark=options.dark,
        embed_scene=options.embed_scene,
        frames=options.frames,
        max_size=options.max_size,
        refresh_text=refresh_text,
    )


def render_files(
    stem: str, prefix: str, scene_renderer: Renderer, scene: Scene, options: RenderOptions
) -> KindResult:
    """Render a scene and name its images ``<prefix><stem>.svg``, ``<prefix><stem>.<frame>.png``…
    Warns about image elements drawn as placeholders (no image data) unless the scene did."""
    from ..render.naming import image_stems

    result = scene_renderer.render(scene, options)
    out = KindResult(files={}, inputs=list(scene.reads), warnings=list(scene.warnings))
    for image, image_stem in zip(result.images, image_stems(stem, result.images), strict=True):
        names: dict[str, str] = {}
        for fmt, data in (("svg", image.svg), ("png", image.png)):
            if data is not None:
                names[fmt] = f"{prefix}{image_stem}.{fmt}"
                out.files[names[fmt]] = data
        if image.frame_id is not None:
            out.frames[image.frame_name or image_stem.rsplit(".", 1)[-1]] = names
    for element_id in result.missing_images:
        if not any(element_id in w for w in out.warnings):
            where = scene.source or stem
            out.warnings.append(
                f"{where}: image element {element_id} has no image data; drawn as a placeholder"
            )
    return out


class DrawingKind:
    """Excalidraw drawings in every format the scene loader reads."""

    name = "drawing"

    def version(self) -> str:
        return "drawing-2"

    def claims(self, path: Path) -> bool:
        from ..scene import is_drawing_name

        return is_drawing_name(path)

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan:
        from ..scene import drawing_stem

        stem = drawing_stem(path)
        return KindPlan(outputs={fmt: f"{prefix}{stem}.{fmt}" for fmt in options.formats})

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult:
        from ..scene import SceneLimits, drawing_stem, load_scene

        max_bytes = int(ctx.config.max_source_mb * 2**20)
        limits = SceneLimits(
            max_bytes=max_bytes,
            max_elements=ctx.config.max_elements,
            max_decompressed=max(64 * 2**20, 2 * max_bytes),
            max_json_values=max(2_000_000, 40 * ctx.config.max_elements),
        )
        scene = load_scene(path, root=ctx.config.root, limits=limits)
        prefix = output_prefix_of(plan)
        return render_files(
            drawing_stem(path), prefix, ctx.renderer(), scene, render_options(options)
        )


def output_prefix_of(plan: KindPlan) -> str:
    """The folder part of the planned outputs (``sub/dir/`` in the mirror layout, else empty)."""
    first = next(iter(plan.outputs.values()), "")
    return first.rsplit("/", 1)[0] + "/" if "/" in first else ""


def all_kinds() -> list[SourceKind]:
    """Every kind the pipeline builds, in the order they are asked to claim a file
    (animation and figure specs before drawings)."""
    from .animation_kind import AnimationKind
    from .figure_kind import FigureKind

    return [AnimationKind(), FigureKind(), DrawingKind()]
