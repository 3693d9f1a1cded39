"""Text measurement with the same fonts Excalidraw draws with (the bundled .woff2 files).

Excalidraw stores each text element's width and height and uses them for layout and export
bounds. Generated figures measure their text here so boxes fit the text: a line's width is
the advance width Pillow (FreeType + Raqm) reports for the family's font, the height is
``lines × fontSize × lineHeight`` exactly as Excalidraw computes it.

Excalifont, Nunito and Xiaolai ship as unicode-range shards: each character is measured with
the first shard that has a glyph for it (a shard without the glyph answers with its ".notdef"
box, which we detect). Characters no shard covers fall back to Xiaolai (what Excalidraw does
for Excalifont) and then to an estimate of one em.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent.parent / "render" / "page" / "fonts"

EXCALIFONT = 5
NUNITO = 6
LIBERATION_SANS = 9

# fontFamily id → (folder under fonts/, lineHeight from Excalidraw 0.18's font metadata)
FAMILIES: dict[int, tuple[str, float]] = {
    EXCALIFONT: ("Excalifont", 1.25),
    NUNITO: ("Nunito", 1.35),
    LIBERATION_SANS: ("Liberation", 1.15),
}
FALLBACK_FOLDER = "Xiaolai"

_MEASURE_SIZE = 100  # measure at a large size and scale down: fewer rounding effects
_PROBE = "\ue000"  # a private-use character no shard has: its answer is the .notdef glyph


def line_height(font_family: int) -> float:
    return FAMILIES[font_family][1]


@cache
def _shards(folder: str) -> tuple[ImageFont.FreeTypeFont, ...]:
    files = sorted((FONT_DIR / folder).glob("*.woff2"))
    return tuple(ImageFont.truetype(str(f), _MEASURE_SIZE) for f in files)


@lru_cache(maxsize=64)
def _notdef(font: ImageFont.FreeTypeFont) -> tuple[float, tuple[float, float, float, float]]:
    return font.getlength(_PROBE), font.getbbox(_PROBE)


@lru_cache(maxsize=65536)
def _font_for(folder: str, char: str) -> ImageFont.FreeTypeFont | None:
    for font in _shards(folder):
        if (font.getlength(char), font.getbbox(char)) != _notdef(font):
            return font
    return None


def fonts_available(font_family: int) -> bool:
    """True when the family's font files are present (they come with the built render page)."""
    return font_family in FAMILIES and bool(_shards(FAMILIES[font_family][0]))


def _char_font(font_family: int, char: str) -> ImageFont.FreeTypeFont | None:
    folder = FAMILIES[font_family][0]
    font = _font_for(folder, char)
    if font is None:
        font = _font_for(FALLBACK_FOLDER, char)
    return font


@lru_cache(maxsize=8192)
def line_width(text: str, font_family: int, font_size: float) -> float:
    """Advance width of one line of text in pixels at ``font_size``."""
    if not text:
        return 0.0
    total = 0.0
    run = ""
    run_font: ImageFont.FreeTypeFont | None = None
    missing = 0
    for char in text:
        if char.isspace() and run_font is not None:
            run += char  # spaces stay in the current run (kerning and shaping as drawn)
            continue
        font = _char_font(font_family, char)
        if font is None:
            missing += 1
            continue
        if font is not run_font and run:
            total += run_font.getlength(run) if run_font else 0.0
            run = ""
        run_font = font
        run += char
    if run and run_font is not None:
        total += run_font.getlength(run)
    elif run:
        # only spaces and no font chosen yet: measure them with the family's first shard
        shards = _shards(FAMILIES[font_family][0])
        total += shards[0].getlength(run) if shards else 0.25 * _MEASURE_SIZE * len(run)
    return total * font_size / _MEASURE_SIZE + missing * font_size


def text_size(text: str, font_family: int, font_size: float) -> tuple[float, float]:
    """(width, height) Excalidraw gives a text element with this text, family and size."""
    lines = text.split("\n")
    width = max(line_width(line, font_family, font_size) for line in lines)
    height = len(lines) * font_size * line_height(font_family)
    return math.ceil(width * 100) / 100, round(height, 4)
