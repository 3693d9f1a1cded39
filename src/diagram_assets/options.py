"""How one source is rendered: the options of ``[tool.diagrams]`` (repository-wide, then per
source through overrides), which the one-off commands' flags override; what of them enters the
lock digest; and what the renderer is asked for them.

Formats, defaults and ranges are defined once, in ``render.options``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from .render.options import DEFAULT_PADDING, DEFAULT_SCALE, FORMATS, RenderOptions

THEMES = ("light", "dark", "both", "auto")
"""``theme``: which themes a source is written in. ``light``: as drawn (``dark = true`` still
asks for Excalidraw's dark mode); ``dark``: ``<name>.svg|png`` in the dark theme; ``both``:
``<name>.svg|png`` light and ``<name>.dark.svg|png`` dark; ``auto``: ``<name>.svg`` switches
with the reader's ``prefers-color-scheme``, PNGs as for ``both``."""
DARK_SUFFIX = ".dark"  # <name>.dark.svg: the dark twin of <name>.svg


@dataclass(frozen=True)
class ThemeOutput:
    """One theme a source is written in: ``suffix`` goes after the image's stem (``""`` or
    :data:`DARK_SUFFIX`); ``formats`` are the files written; ``adaptive``: the SVG follows the
    reader's theme (made from this light render and the dark one)."""

    theme: str  # light | dark
    suffix: str
    formats: tuple[str, ...]
    adaptive: bool = False


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
    theme: str = "light"  # one of THEMES
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
    # Fields that enter the digest only when they differ from their default (given here), so
    # that digests made before the field existed stay valid: `theme` (light: what every
    # digest before themes was made with) and `parts` (none: a drawing no note embeds a part of).
    DIGEST_FIELDS_UNLESS_DEFAULT: ClassVar[dict[str, Any]] = {"theme": "light", "parts": ()}

    def digest_fields(self) -> dict[str, Any]:
        """The options as they enter the lock digest (tuples as lists, as JSON has them).
        ``theme`` and ``parts`` enter only when not their default, so older digests stay valid."""
        values = {name: getattr(self, name) for name in self.DIGEST_FIELDS}
        for name, default in self.DIGEST_FIELDS_UNLESS_DEFAULT.items():
            if getattr(self, name) != default:
                values[name] = getattr(self, name)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}

    def theme_outputs(self) -> tuple[ThemeOutput, ...]:
        """The themes written (see :data:`THEMES`), the main one first."""
        formats = self.formats
        if self.theme == "light":
            return (ThemeOutput("light", "", formats),)
        if self.theme == "dark":
            return (ThemeOutput("dark", "", formats),)
        if self.theme == "both":
            return (ThemeOutput("light", "", formats), ThemeOutput("dark", DARK_SUFFIX, formats))
        pngs = tuple(f for f in formats if f == "png")
        return (
            ThemeOutput("light", "", formats, adaptive="svg" in formats),
            ThemeOutput("dark", DARK_SUFFIX, pngs),
        )

    @property
    def twins(self) -> bool:
        """Whether dark twins (``<name>.dark.…``) are written."""
        return self.theme in ("both", "auto")

    def render_options(
        self,
        *,
        refresh_text: bool = False,
        dark: bool | None = None,
        formats: tuple[str, ...] | None = None,
    ) -> RenderOptions:
        """What the renderer is asked for a drawing or figure with these options (``dark`` and
        ``formats``, when given, instead of the options' own: one theme's render)."""
        return RenderOptions(
            formats=formats or self.formats,
            scale=self.scale,
            padding=self.padding,
            background=not self.transparent,
            dark=self.dark if dark is None else dark,
            embed_scene=self.embed_scene,
            frames=self.frames,
            max_size=self.max_size,
            refresh_text=refresh_text,
        )
