"""From frames to what gets encoded: one canvas size, one background, one duration each."""

from __future__ import annotations

from PIL import Image

from .frames import Frame, natural_key
from .spec import AnimationSpec, Rgba

MAX_ANIMATION_PIXELS = 150_000_000  # frames × canvas area: ~600 MB as RGBA


def fit_canvas(spec: AnimationSpec, frames: list[Frame], background: Rgba) -> list[Image.Image]:
    """Every frame on a canvas of one size over ``background`` (RGBA images).

    The canvas is the spec's ``size`` or the largest frame; ``canvas: refuse`` makes a frame
    of another size an error; ``pad`` places it by ``align`` (centred by default). A frame
    larger than an explicit ``size`` is always an error (nothing is cropped or shrunk).
    """
    if not frames:
        raise spec.error("no frames", spec.kind)
    if spec.size is not None:
        width, height = spec.size
    else:
        width = max(f.image.width for f in frames)
        height = max(f.image.height for f in frames)
    total = width * height * len(frames)
    if total > MAX_ANIMATION_PIXELS:
        raise spec.error(
            f"the animation is {len(frames)} frames of {width}×{height} "
            f"({total / 1e6:.0f} million pixels), over the {MAX_ANIMATION_PIXELS // 10**6} "
            "million pixel limit",
            spec.kind,
            fix="use fewer frames, smaller frames or a lower scale",
        )
    first = frames[0]
    out = []
    for f in frames:
        w, h = f.image.size
        if w > width or h > height:
            raise spec.error(
                f"frame `{f.label}` is {w}×{h}, larger than the canvas size {width}×{height}",
                place=f.place,
                fix="raise size:, or lower scale:",
            )
        if (w, h) != (width, height) and spec.canvas == "refuse":
            other = (
                f"the first frame `{first.label}` is {first.image.width}×{first.image.height}"
                if spec.size is None
                else f"size: is {width}×{height}"
            )
            raise spec.error(
                f"frame `{f.label}` is {w}×{h} but {other}",
                place=f.place,
                fix="make all frames the same size, or set canvas: pad",
            )
        canvas = Image.new("RGBA", (width, height), background)
        ax, ay = spec.align
        canvas.alpha_composite(f.image, (round((width - w) * ax), round((height - h) * ay)))
        out.append(canvas)
    return out


def _label_matches(key: str, label: str) -> bool:
    """A ``durations:`` key names a frame by its label, or (for files) its name or stem."""
    if key == label or key.casefold() == label.casefold():
        return True
    name = label.rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return key.casefold() in (name.casefold(), stem.casefold())


def frame_durations(spec: AnimationSpec, frames: list[Frame]) -> list[int]:
    """Each frame's duration in ms: ``duration``, then ``durations``, then ``hold_last``."""
    n = len(frames)
    durations = [spec.duration_ms] * n
    if spec.duration_list is not None:
        if len(spec.duration_list) != n:
            raise spec.error(
                f"durations lists {len(spec.duration_list)} values for {n} frames",
                "durations",
                fix="give one duration per frame, or map frame names to durations",
            )
        durations = [ms for ms, _ in spec.duration_list]
    for key, (ms, place) in spec.durations.items():
        if isinstance(key, int):
            if not -n <= key <= n:
                raise spec.error(
                    f"durations: there is no frame {key} (the animation has {n} frames)",
                    place=place,
                )
            durations[key - 1 if key > 0 else n + key] = ms
            continue
        hits = [i for i, f in enumerate(frames) if _label_matches(key, f.label)]
        if not hits:
            labels = sorted({f.label for f in frames}, key=natural_key)
            shown = ", ".join(f"`{x}`" for x in labels[:10]) + (" …" if len(labels) > 10 else "")
            raise spec.error(
                f"durations: no frame named `{key}`",
                place=place,
                fix=f"the frames are: {shown}",
            )
        for i in hits:
            durations[i] = ms
    if spec.hold_last_ms is not None:
        durations[-1] = spec.hold_last_ms
    return durations


def has_soft_alpha(images: list[Image.Image]) -> bool:
    """Whether any pixel is partly transparent (GIF can only show it fully on or off)."""
    for im in images:
        alpha = im.getchannel("A")
        if alpha.getextrema()[0] < 255 and any(alpha.histogram()[1:255]):
            return True
    return False
