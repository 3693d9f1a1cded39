"""What an animation spec writes and reads, known without building it: what the pipeline plans
with (``check`` included), so planning never loads the encoders (numpy) or the frame makers."""

from __future__ import annotations

from pathlib import Path

from ..errors import DiagramsError
from ..figures import FIGURES_VERSION
from .image_frames import image_files
from .spec import AnimationSpec

# Bump when the same spec and inputs would give different output bytes (it goes in digests).
# Frames made from figure steps change with the figures' layout: their version is part of it.
ANIMATION_VERSION = f"anim-1+figures-{FIGURES_VERSION}"

EXTENSIONS = {"gif": ".gif", "webp": ".webp", "apng": ".apng"}


def animation_outputs(spec: AnimationSpec) -> list[str]:
    """Output file names, e.g. ``["Transformer执行.gif"]`` (``formats`` order)."""
    return [spec.name + EXTENSIONS[fmt] for fmt in spec.formats]


def animation_inputs(spec: AnimationSpec) -> list[Path]:
    """Every file building reads besides the spec: frame images, the drawing (and files it
    embeds), or the figure spec (and specs it includes). Nothing is rendered.

    Raises SpecError when an ``images:`` pattern matches nothing or names a missing file (the
    build would fail the same way). A drawing or figure that cannot be loaded is listed alone:
    its error is reported when building.
    """
    if spec.kind == "images":
        seen: dict[Path, None] = {}
        for f in image_files(spec):
            seen.setdefault(f.path, None)
        return list(seen)
    assert spec.source is not None
    inputs = [spec.source]
    try:
        if spec.kind == "drawing":
            from ..scene.load import load_scene  # lazy: `check` plans other animations without it

            inputs += load_scene(spec.source, root=spec.root).reads
        else:
            from ..figures.schema import load_figure_spec  # lazy: see load_scene above

            inputs += list(load_figure_spec(spec.source, root=spec.root).reads)
    except DiagramsError:
        pass
    return list(dict.fromkeys(inputs))


def uses_renderer(spec: AnimationSpec) -> bool:
    """Whether building needs the browser (drawings and figures do; image files never)."""
    return spec.kind != "images"


def has_themes(spec: AnimationSpec) -> bool:
    """Whether the animation can be made in a dark theme: drawings and figures can; frames
    from image files are shown as they are."""
    return spec.kind != "images"
