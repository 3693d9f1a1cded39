"""How one source is rendered: the options of ``[tool.diagrams]`` (repository-wide, then per
source through overrides), which the one-off commands' flags override; what of them enters the
lock digest; and what the renderer is asked for them.

Formats, defaults and ranges are defined once, in ``render.options``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .render.options import DEFAULT_PADDING, DEFAULT_SCALE, FORMATS, RenderOptions


@dataclass(frozen=True)
class Options:
    """How one source is rendered. The repository-wide values can be overridden per source;
    the one-off commands' flags override the defaults. Formats, defaults and ranges come from
    ``render.options`` (one definition for the config, the flags and the renderer)."""

    formats: tuple[str, ...] = FORMATS
    scale: float = DEFAULT_SCALE
    padding: int = DEFAULT_PADDING
    dark: bool = False
    transparent: bool = False
    embed_scene: bool = False
    frames: bool = False
    max_size: int | None = None
    excalidraw: bool = False  # figures: also write the generated scene as <name>.excalidraw
    # drawings: the parts notes embed (``group=<id>``, ``area=<id>``, ``frame=<name or id>``,
    # ``clippedframe=…``), each written as an image of its own; set by planning, not the config
    parts: tuple[str, ...] = ()

    # What of the options enters a job's lock digest: every field, since each changes what a
    # source writes (its bytes, or which files). A field added later that does not must be
    # left out here — and one that does must be added, or outputs go stale unnoticed.
    DIGEST_FIELDS: ClassVar[tuple[str, ...]] = (
        "formats", "scale", "padding", "dark", "transparent", "embed_scene", "frames",
        "max_size", "excalidraw",
    )  # fmt: skip
    # Fields that enter the digest only when set (not empty), so that sources without them
    # keep the digests their lock files have.
    DIGEST_WHEN_SET: ClassVar[tuple[str, ...]] = ("parts",)

    def digest_fields(self) -> dict[str, Any]:
        """The options as they enter the lock digest (tuples as lists, as JSON has them).
        ``parts`` enters only when there are any, so sources without parts keep their digest."""
        values = {name: getattr(self, name) for name in self.DIGEST_FIELDS}
        values.update({n: getattr(self, n) for n in self.DIGEST_WHEN_SET if getattr(self, n)})
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}

    def render_options(self, *, refresh_text: bool = False) -> RenderOptions:
        """What the renderer is asked for a drawing or figure with these options."""
        return RenderOptions(
            formats=self.formats,
            scale=self.scale,
            padding=self.padding,
            background=not self.transparent,
            dark=self.dark,
            embed_scene=self.embed_scene,
            frames=self.frames,
            max_size=self.max_size,
            refresh_text=refresh_text,
        )
