"""What every kind of source shares: its plan, its result, the context it runs in (the config
and one lazily started renderer), the protocol a kind follows, and how rendered images are named.

A kind says which files it claims, what a source will write and read (its plan, cheap: no
rendering), and how to build it. The pipeline itself knows nothing about what a kind does.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ...config import Config
from ...options import Options
from ...render.assets import page_coverage
from ...render.coverage import uncovered_warning
from ...render.naming import image_stems

if TYPE_CHECKING:
    from ...render.options import RenderOptions
    from ...render.renderer import Renderer
    from ...scene.model import Scene

RendererFactory = Callable[[], "Renderer"]


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
    found while building (images a drawing embeds) and warnings for the user.

    ``detail`` is the kind's own result (a RenderResult, an AnimationResult) for callers that
    say more about it than which files it made (the one-off commands print frames, timings).
    """

    files: dict[str, bytes]
    inputs: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    frames: dict[str, dict[str, str]] = field(default_factory=dict)  # frame name → format → file
    frame_ids: dict[str, str] = field(default_factory=dict)  # frame element id → name in frames
    parts: dict[str, dict[str, str]] = field(default_factory=dict)  # part key → format → file
    detail: object = None
    dark: dict[str, str] = field(default_factory=dict)  # file → its dark twin (theme both/auto)


class _RendererSlot:
    """One renderer, made on first use by ``factory`` and shared by every context that holds
    the slot."""

    def __init__(self, factory: RendererFactory) -> None:
        self.factory = factory
        self.renderer: Renderer | None = None
        self.lock = threading.Lock()


class RunContext:
    """What a kind may use while building: the config and a shared, lazily started renderer.

    The renderer is the one way every command makes one: ``renderer_factory`` when given (tests,
    benchmarks), else a Renderer with the config's ``chromium`` and ``timeout`` and ``pages``
    pages (default: the config's ``jobs``).
    """

    def __init__(
        self,
        config: Config,
        renderer_factory: RendererFactory | None = None,
        *,
        pages: int | None = None,
    ) -> None:
        self.config = config
        self.pages = pages
        self._slot = _RendererSlot(renderer_factory or self._default_factory)

    def _default_factory(self) -> Renderer:
        from ...render import Renderer  # lazy: `check` and a no-op build never load the renderer

        config = self.config
        return Renderer(
            chromium=config.chromium, pages=self.pages or config.jobs, timeout=config.timeout
        )

    def for_config(self, config: Config) -> RunContext:
        """The same renderer, another config (one-off sources each have their repository)."""
        child = copy.copy(self)
        child.config = config
        return child

    def renderer(self) -> Renderer:
        slot = self._slot
        with slot.lock:
            if slot.renderer is None:
                slot.renderer = slot.factory()
            return slot.renderer

    @property
    def started_renderer(self) -> bool:
        return self._slot.renderer is not None

    def close(self) -> None:
        slot = self._slot
        with slot.lock:
            renderer, slot.renderer = slot.renderer, None
        if renderer is not None:
            renderer.close()


class SourceKind(Protocol):
    name: str

    def version(self) -> str: ...

    def claims(self, path: Path) -> bool: ...

    def source_options(
        self, path: Path, source: str, options: Options, config: Config, parts: Sequence[str]
    ) -> Options:
        """The options a source ends with: the config's (``options``), then what the source
        says of itself where no override set it, then the ``parts`` notes embed of it."""
        ...

    def plan(self, path: Path, prefix: str, options: Options, config: Config) -> KindPlan: ...

    def run(self, path: Path, plan: KindPlan, options: Options, ctx: RunContext) -> KindResult: ...


def render_files(
    stem: str,
    prefix: str,
    scene_renderer: Renderer,
    scene: Scene,
    options: RenderOptions,
    *,
    reserved: str = "",
) -> KindResult:
    """Render a scene and name its images ``<prefix><stem>.svg``, ``<prefix><stem>.<frame>.png``…
    Warns about image elements drawn as placeholders (no image data) unless the scene did, and
    once about text no bundled font draws (the machine's fonts decide it).
    ``reserved``: a suffix no image stem may end with (see ``image_stems``)."""
    result = scene_renderer.render(scene, options)
    out = KindResult(
        files={},
        inputs=list(scene.reads),
        warnings=[*scene.warnings, *result.warnings],
        detail=result,
    )
    fonts = uncovered_warning(scene.source or stem, scene.elements, page_coverage())
    if fonts is not None:
        out.warnings.append(fonts)
    stems = image_stems(stem, result.images, reserved=reserved)
    for image, image_stem in zip(result.images, stems, strict=True):
        names: dict[str, str] = {}
        for fmt, data in (("svg", image.svg), ("png", image.png)):
            if data is not None:
                names[fmt] = f"{prefix}{image_stem}.{fmt}"
                out.files[names[fmt]] = data
        if image.part is not None:
            out.parts[image.part] = names
        elif image.frame_id is not None:
            name = image.frame_name or image_stem.rsplit(".", 1)[-1]
            out.frames[name] = names
            out.frame_ids[image.frame_id] = name
    for element_id in result.missing_images:
        if not any(element_id in w for w in out.warnings):
            where = scene.source or stem
            out.warnings.append(
                f"{where}: image element {element_id} has no image data; drawn as a placeholder"
            )
    return out


def output_prefix_of(plan: KindPlan) -> str:
    """The folder part of the planned outputs (``sub/dir/`` in the mirror layout, else empty)."""
    first = next(iter(plan.outputs.values()), "")
    return first.rsplit("/", 1)[0] + "/" if "/" in first else ""
