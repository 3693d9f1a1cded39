"""Which characters the render page's own fonts draw, and the text of a scene that none does.

The page serves every font it draws with (js/src/fonts.js), but a character none of them has is
still drawn with a font of the machine: its width and pixels then differ from machine to machine.
``js/build.mjs`` reads the cmap of every bundled font file at page build time and writes into
the page's manifest, as code point ranges (hexadecimal, ``"20-7E,A0,…"``), the characters of each
font folder (``fonts``) and of the fallback family that ends every font list Excalidraw draws
with (``fallback``). A build warns, once per source, about text outside them.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

# Excalidraw's fontFamily ids (0.18's FONT_FAMILY) → the font folder the page draws them with
# ("Helvetica" is the page's Liberation Sans).
FAMILY_FOLDERS: dict[int, str] = {
    1: "Virgil",
    2: "Liberation",
    3: "Cascadia",
    5: "Excalifont",
    6: "Nunito",
    7: "Lilita",
    8: "ComicShanns",
    9: "Liberation",
}
HELVETICA = 2  # frame titles and embeddable placeholders
SHOWN = 8  # characters a warning names before "and N more"


@dataclass(frozen=True)
class CodePoints:
    """A set of code points as sorted, disjoint ranges (``starts[i]``–``ends[i]``)."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> CodePoints:
        """``"20-7E,A0"`` (what js/build.mjs writes) → the set; ValueError when malformed."""
        ranges: list[tuple[int, int]] = []
        for part in filter(None, text.split(",")):
            first, _, last = part.partition("-")
            ranges.append((int(first, 16), int(last or first, 16)))
        ranges.sort()
        for (_, end), (start, _) in pairwise(ranges):
            if start <= end:
                raise ValueError(f"overlapping code point ranges near {start:X}")
        return cls(tuple(r[0] for r in ranges), tuple(r[1] for r in ranges))

    def __contains__(self, point: object) -> bool:
        if not isinstance(point, int):
            return False
        i = bisect_right(self.starts, point) - 1
        return i >= 0 and point <= self.ends[i]


@dataclass(frozen=True, eq=False)
class FontCoverage:
    """What the page's fonts draw: ``fallback`` in every family, ``fonts`` per font folder."""

    fallback: CodePoints
    fonts: Mapping[str, CodePoints]

    @classmethod
    def from_manifest(cls, data: object) -> FontCoverage | None:
        """The manifest's ``coverage`` entry (None for pages built before it existed)."""
        if data is None:
            return None
        if not isinstance(data, Mapping) or not isinstance(data.get("fonts"), Mapping):
            raise ValueError("coverage: expected {fallback, fonts}")
        fonts = {str(k): CodePoints.parse(str(v)) for k, v in data["fonts"].items()}
        return cls(CodePoints.parse(str(data["fallback"])), fonts)

    def covers(self, char: str, family: int | None) -> bool:
        """Whether text of the fontFamily id ``family`` draws ``char`` with a bundled font: its
        own font's, else the fallback family's. Control characters (line breaks) draw nothing."""
        point = ord(char)
        if point in self.fallback or unicodedata.category(char) == "Cc":
            return True
        folder = FAMILY_FOLDERS.get(family) if family is not None else None
        return folder is not None and point in self.fonts.get(folder, _EMPTY)

    def uncovered(self, texts: Iterable[tuple[str, int | None]]) -> list[str]:
        """The characters of ``(text, fontFamily)`` pairs no bundled font draws, sorted."""
        seen: set[tuple[str, int | None]] = set()
        missing: set[str] = set()
        for text, family in texts:
            for char in text:
                if (char, family) not in seen:
                    seen.add((char, family))
                    if not self.covers(char, family):
                        missing.add(char)
        return sorted(missing)


_EMPTY = CodePoints((), ())


def scene_texts(elements: Iterable[Mapping[str, Any]]) -> Iterator[tuple[str, int | None]]:
    """``(text, fontFamily)`` of everything a scene's live elements make the page draw: text
    elements, frame titles and the links embeddable placeholders show (both in Helvetica)."""
    for e in elements:
        if e.get("isDeleted"):
            continue
        kind = e.get("type")
        if kind == "text":
            text = e.get("originalText") or e.get("text") or ""
            family = e.get("fontFamily")
            yield str(text), family if isinstance(family, int) else None
        elif kind in ("frame", "magicframe") and e.get("name"):
            yield str(e["name"]), HELVETICA
        elif kind in ("embeddable", "iframe") and e.get("link"):
            yield str(e["link"]), HELVETICA


def describe_chars(chars: list[str]) -> str:
    """``"क" U+0915, "ख" U+0916`` (the first few, then how many more)."""
    shown = ", ".join(f'"{c}" U+{ord(c):04X}' for c in chars[:SHOWN])
    more = f" and {len(chars) - SHOWN} more" if len(chars) > SHOWN else ""
    return shown + more


def uncovered_warning(
    source: str | Path, elements: Iterable[Mapping[str, Any]], coverage: FontCoverage | None
) -> str | None:
    """One line naming the characters of a scene no bundled font draws, or None."""
    if coverage is None:
        return None
    chars = coverage.uncovered(scene_texts(elements))
    if not chars:
        return None
    return (
        f"{source}: no bundled font has {describe_chars(chars)}; the machine's fonts draw "
        "them, so the images depend on the machine they are built on"
    )
