"""Rendering a drawing or figure in the themes its options ask for (``theme``, see
``options.THEMES``): the light images, the dark twins (``<name>.dark.svg``, frames
``<name>.<frame>.dark.svg``) and the adaptive SVG.

A kind says how it makes each theme: ``scene_for(theme)`` gives the scene and whether the
renderer's dark mode is used — drawings use Excalidraw's own dark mode on the same scene,
figures a scene in a dark palette rendered without it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...options import DARK_SUFFIX, Options
from ...render.adaptive import adaptive_both, adaptive_filter
from ...render.naming import image_stems
from .base import KindResult, render_files

if TYPE_CHECKING:
    from ...render.options import RenderOptions, RenderResult
    from ...render.renderer import Renderer
    from ...scene.model import Scene

SceneFor = Callable[[str], "tuple[Scene, bool]"]
"""theme (``light`` or ``dark``) → the scene to render and whether in Excalidraw's dark mode."""


def render_themed(
    stem: str,
    prefix: str,
    renderer: Renderer,
    scene_for: SceneFor,
    options: Options,
    adjust: Callable[[RenderOptions], RenderOptions] = lambda o: o,
) -> KindResult:
    """Render the scene in every theme of ``options`` and name the files (see the module).
    ``adjust`` changes each render's options (a drawing's parts)."""
    if options.theme == "light":  # exactly as before themes: `dark` is Excalidraw's dark mode
        scene, dark = scene_for("light")
        render_options = options.render_options(dark=True) if dark else options.render_options()
        return render_files(stem, prefix, renderer, scene, adjust(render_options))
    if options.theme == "dark":
        scene, dark = scene_for("dark")
        return render_files(
            stem, prefix, renderer, scene, adjust(options.render_options(dark=dark))
        )
    light_out, dark_out = options.theme_outputs()
    dark_scene, dark_mode = scene_for("dark")
    dark_formats = tuple(dict.fromkeys([*dark_out.formats, *(["svg"] * light_out.adaptive)]))
    dark_future = renderer.submit(
        dark_scene, adjust(options.render_options(dark=dark_mode, formats=dark_formats))
    )
    light_scene, light_mode = scene_for("light")
    out = render_files(
        stem,
        prefix,
        renderer,
        light_scene,
        adjust(options.render_options(dark=light_mode)),
        reserved=DARK_SUFFIX,
    )
    light: RenderResult = out.detail  # type: ignore[assignment]
    dark: RenderResult = dark_future.result()
    dark_images = {(image.frame_id, image.part): image for image in dark.images}
    for image, image_stem in zip(
        light.images, image_stems(stem, light.images, reserved=DARK_SUFFIX), strict=True
    ):
        twin = dark_images.get((image.frame_id, image.part))
        if twin is None:
            continue
        for fmt in dark_out.formats:
            data = twin.svg if fmt == "svg" else twin.png
            if data is not None:
                name = f"{prefix}{image_stem}{DARK_SUFFIX}.{fmt}"
                out.files[name] = data
                out.dark[f"{prefix}{image_stem}.{fmt}"] = name
        if light_out.adaptive and image.svg is not None and twin.svg is not None:
            merge = adaptive_filter if dark_mode else adaptive_both
            out.files[f"{prefix}{image_stem}.svg"] = merge(image.svg, twin.svg)
    return out


def themed_outputs(prefix: str, stem: str, options: Options) -> dict[str, str]:
    """The planned whole-image outputs: ``svg``/``png`` → ``<prefix><stem>.svg``…, and for dark
    twins ``dark.svg``/``dark.png`` → ``<prefix><stem>.dark.svg``…"""
    outputs: dict[str, str] = {}
    for theme in options.theme_outputs():
        label = theme.suffix.lstrip(".") + "." if theme.suffix else ""
        for fmt in theme.formats:
            outputs[f"{label}{fmt}"] = f"{prefix}{stem}{theme.suffix}.{fmt}"
    return outputs
