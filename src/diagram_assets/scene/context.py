"""Limits and the per-load context: where errors point, the decompression budget, warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from ..errors import SceneError

MB = 2**20


@dataclass(frozen=True)
class SceneLimits:
    """Generous bounds on one drawing; anything beyond them is refused with a clear message."""

    max_bytes: int = 32 * MB
    """Size of the source file."""
    max_elements: int = 50_000
    """Elements in the scene, deleted ones included (all items of a library together)."""
    max_decompressed: int = 64 * MB
    """Decompressed compressed-json, zlib payloads and embedded image files, all together."""
    max_json_values: int = 2_000_000
    """Objects and lists in one JSON text (counted as its ``{`` and ``[`` before parsing): a
    file of nothing but ``{},{},…`` would otherwise take some 25 bytes of memory per byte."""


def human_size(n: int) -> str:
    """``1536`` → ``1.5 kB``; exact bytes below a kilobyte."""
    if n < 1024:
        return f"{n} bytes"
    if n < MB:
        return f"{n / 1024:.1f} kB"
    return f"{n / MB:.1f} MB"


RAISE_SOURCE = "raise max_source_mb in [tool.diagrams] if the drawing is genuine"
RAISE_ELEMENTS = "split the drawing, or raise max_elements in [tool.diagrams]"


@dataclass
class LoadContext:
    """Everything one ``load_scene`` call accumulates and needs to report errors."""

    path: Path
    limits: SceneLimits
    root: Path
    warnings: list[str] = field(default_factory=list)
    reads: list[Path] = field(default_factory=list)
    decompressed: int = 0

    def fail(self, what: str, place: str | None = None, fix: str | None = None) -> NoReturn:
        raise SceneError(what, file=self.path, place=place, fix=fix)

    def warn(self, message: str) -> None:
        self.warnings.append(" ".join(f"{self.path}: {message}".split()))

    @property
    def budget(self) -> int:
        """Decompressed bytes still allowed."""
        return max(0, self.limits.max_decompressed - self.decompressed)

    def charge(self, n: int, what: str, place: str | None = None) -> None:
        """Count ``n`` decompressed bytes against the limit; refuse when it is exceeded."""
        self.decompressed += n
        if self.decompressed > self.limits.max_decompressed:
            self.over_decompressed(what, place)

    def over_decompressed(self, what: str, place: str | None = None) -> NoReturn:
        self.fail(
            f"{what} is over the limit of {human_size(self.limits.max_decompressed)} of "
            "decompressed data per drawing (max_decompressed; a decompression bomb?)",
            place,
            fix=RAISE_SOURCE,
        )
