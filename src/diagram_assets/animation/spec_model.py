"""The animation spec as declared keys (key → what it means) and the typed result of reading it.

The format is described in :mod:`.spec`; reading one value: :mod:`.spec_values`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import SpecError

SPEC_SUFFIXES = (".anim.yaml", ".anim.yml", ".animation.yaml", ".animation.yml")
ANIMATIONS_FOLDER = "animations"
SOURCE_KEYS = ("images", "drawing", "figure")
FORMATS = ("gif", "webp", "apng")
ALIGNMENTS = {
    "center": (0.5, 0.5),
    "top": (0.5, 0.0),
    "bottom": (0.5, 1.0),
    "left": (0.0, 0.5),
    "right": (1.0, 0.5),
    "top-left": (0.0, 0.0),
    "top-right": (1.0, 0.0),
    "bottom-left": (0.0, 1.0),
    "bottom-right": (1.0, 1.0),
}
ANIMATION_KEYS = {
    "name": "the output file name (default: the spec's file name)",
    "images": "image files: a glob, or a list of paths and globs",
    "drawing": "an Excalidraw drawing: each frame element is one frame",
    "figure": "a figure spec: each of its steps is one frame",
    "frames": "which frames or steps, in order (drawings and figures)",
    "duration": "every frame's duration",
    "durations": "durations per frame, by label or position",
    "hold_last": "the last frame's duration",
    "loop": "forever, once or a number of plays",
    "background": "a colour, or transparent",
    "canvas": "pad or refuse frames of other sizes",
    "size": "the canvas size [width, height]",
    "align": "where padded frames sit",
    "scale": "resize images / render drawings and figures at this scale",
    "formats": "any of gif, webp, apng",
    "dither": "Floyd–Steinberg for frames that need colour reduction",
    "gifsicle": "also run gifsicle -O3 when it is installed",
}
MAX_DURATION_MS = 600_000  # ten minutes per frame
MAX_CANVAS_SIDE = 16_384
MAX_PLAYS = 65_536
FIGURE_SCALE = 2.0  # the default scale of frames made from a figure's steps

Rgba = tuple[int, int, int, int]
SourceKind = Literal["images", "drawing", "figure"]


@dataclass(frozen=True)
class Placed:
    """A value as written in the spec, with the place it was written."""

    value: str
    place: str


@dataclass
class AnimationSpec:
    """A loaded and validated animation spec. Paths are resolved; places are for errors."""

    path: Path
    name: str
    kind: SourceKind
    images: tuple[Placed, ...] = ()  # glob patterns or paths, relative to the spec's folder
    source: Path | None = None  # the drawing or figure spec
    source_place: str = ""
    order: tuple[Placed, ...] | None = None  # `frames:` names for drawings and figures
    duration_ms: int = 1000
    durations: dict[int | str, tuple[int, str]] = field(default_factory=dict)
    duration_list: tuple[tuple[int, str], ...] | None = None
    hold_last_ms: int | None = None
    plays: int = 0  # 0: forever
    background: Rgba | None = None  # None: the source's own (white for images)
    canvas: Literal["pad", "refuse"] = "pad"
    size: tuple[int, int] | None = None
    align: tuple[float, float] = (0.5, 0.5)
    scale: float = 1.0
    formats: tuple[str, ...] = ("gif",)
    dither: bool = False
    gifsicle: bool = False
    root: Path | None = None
    warnings: list[str] = field(default_factory=list)
    places: dict[str, str] = field(default_factory=dict)  # top-level key → place

    @property
    def folder(self) -> Path:
        return self.path.parent

    def place(self, key: str) -> str:
        return self.places.get(key, "line 1, column 1")

    def error(
        self, what: str, key: str | None = None, *, place: str | None = None, fix: str | None = None
    ) -> SpecError:
        return SpecError(
            what, file=self.path, place=place or (self.place(key) if key else None), fix=fix
        )
