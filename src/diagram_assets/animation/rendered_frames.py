"""Frames rendered by the browser: an Excalidraw drawing's frames, or a figure spec's steps."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, TypeVar

from PIL import Image, ImageColor

from ..errors import RenderError
from ..render.options import RenderOptions
from .frames import WHITE, Frame, RendererFactory, Warn, natural_key
from .spec import AnimationSpec, Rgba

if TYPE_CHECKING:
    from ..render.renderer import Renderer

T = TypeVar("T")


def _renderer(spec: AnimationSpec, factory: RendererFactory | None) -> Renderer:
    if factory is None:
        raise RenderError(
            f"the {spec.kind} frames need the renderer (headless Chromium)",
            file=spec.path,
            place=spec.source_place,
            fix="run this through `diagrams animate` or `diagrams build`",
        )
    return factory()


def _render_options(spec: AnimationSpec, *, frames: bool, dark: bool = False) -> RenderOptions:
    return RenderOptions(
        formats=("png",),
        scale=spec.scale,
        background=spec.background is None,
        dark=dark,
        frames=frames,
        whole=not frames,
    )


def dark_mode_colour(colour: Rgba) -> Rgba:
    """What Excalidraw's dark mode (``invert(93%) hue-rotate(180deg)``) makes of a background
    colour: inverted by 93 % (white → #121212); the hue turn is left out (backgrounds are
    white or grey)."""
    r, g, b, a = colour
    return (*(round(0.93 * (255 - c) + 0.07 * c) for c in (r, g, b)), a)  # type: ignore[return-value]


def _png(spec: AnimationSpec, label: str, png: bytes | None) -> Image.Image:
    if png is None:
        raise RenderError(
            f"the renderer gave no PNG for `{label}`", file=spec.path, place=spec.source_place
        )
    with Image.open(io.BytesIO(png)) as im:
        return im.convert("RGBA")


def _scene_background(app_state: dict[str, object]) -> Rgba:
    colour = app_state.get("viewBackgroundColor")
    if isinstance(colour, str):
        try:
            rgb = ImageColor.getrgb(colour)
            return (rgb[0], rgb[1], rgb[2], rgb[3] if len(rgb) == 4 else 255)
        except ValueError:
            pass
    return WHITE


def _select(
    spec: AnimationSpec, labelled: list[tuple[str, T]], what: str
) -> list[tuple[str, T, str]]:
    """(label, item, place) picked and ordered by the spec's ``frames:`` list (exact name,
    then ignoring case); all of them, in the given order, without one."""
    if spec.order is None:
        return [(label, item, spec.source_place) for label, item in labelled]
    out = []
    names = [label for label, _ in labelled]
    for wanted in spec.order:
        index = next((i for i, n in enumerate(names) if n == wanted.value), None)
        if index is None:
            folded = wanted.value.casefold()
            index = next((i for i, n in enumerate(names) if n.casefold() == folded), None)
        if index is None:
            shown = ", ".join(f"`{n}`" for n in names[:12]) + (" …" if len(names) > 12 else "")
            source = spec.source.name if spec.source else spec.kind
            raise spec.error(
                f"no {what} named `{wanted.value}` in {source}",
                place=wanted.place,
                fix=f"the {what}s are: {shown}",
            )
        out.append((names[index], labelled[index][1], wanted.place))
    return out


def drawing_frames(
    spec: AnimationSpec, factory: RendererFactory | None, warn: Warn, *, theme: str = "light"
) -> tuple[list[Frame], Rgba]:
    """One frame per Excalidraw frame element, rendered in one pass; ordered by the spec's
    ``frames:`` list, else naturally by frame name (unnamed frames are ``Frame 1``, …).
    ``theme`` dark: in Excalidraw's dark mode."""
    from ..scene.load import load_scene  # lazy: `check` plans animations without it

    assert spec.source is not None
    if not spec.source.is_file():
        raise spec.error(
            f"drawing `{spec.source.name}` not found",
            place=spec.source_place,
            fix=f"check the path (relative to {spec.folder})",
        )
    scene = load_scene(spec.source, root=spec.root)
    for w in scene.warnings:
        warn(w)
    if not scene.frames():
        raise spec.error(
            f"{spec.source.name} has no frames",
            place=spec.source_place,
            fix="draw one Excalidraw frame (F) around each step of the animation",
        )
    dark = theme == "dark"
    options = _render_options(spec, frames=True, dark=dark)
    result = _renderer(spec, factory).render(scene, options)
    for w in result.warnings:
        warn(w)
    labelled: list[tuple[str, Image.Image]] = []
    unnamed = 0
    for image in result.frames:
        if image.frame_name:
            label = image.frame_name
        else:
            unnamed += 1
            label = f"Frame {unnamed}"
        labelled.append((label, _png(spec, label, image.png)))
    if spec.order is None:
        labelled.sort(key=lambda pair: natural_key(pair[0]))
    frames = [
        Frame(label, image, place) for label, image, place in _select(spec, labelled, "frame")
    ]
    background = _scene_background(scene.app_state)
    return frames, dark_mode_colour(background) if dark else background


def figure_frames(
    spec: AnimationSpec, factory: RendererFactory | None, warn: Warn, *, theme: str = "light"
) -> tuple[list[Frame], Rgba]:
    """One frame per step of a figure spec, rendered in parallel at one scale. ``theme`` dark:
    the figure in its dark palette."""
    from ..figures.build import figure_steps  # lazy: `check` plans animations without it

    assert spec.source is not None
    if not spec.source.is_file():
        raise spec.error(f"figure spec `{spec.source.name}` not found", place=spec.source_place)
    steps = _select(spec, figure_steps(spec.source, root=spec.root, theme=theme), "step")
    if not steps:
        raise spec.error(f"{spec.source.name} has no steps", place=spec.source_place)
    renderer = _renderer(spec, factory)
    options = _render_options(spec, frames=False)
    futures = [renderer.submit(scene, options) for _, scene, _ in steps]
    frames: list[Frame] = []
    for (name, scene, place), fut in zip(steps, futures, strict=True):
        result = fut.result()
        for w in [*scene.warnings, *result.warnings]:
            warn(w)
        whole = result.whole
        frames.append(Frame(name, _png(spec, name, whole.png if whole else None), place))
    return frames, _scene_background(steps[0][1].app_state)
