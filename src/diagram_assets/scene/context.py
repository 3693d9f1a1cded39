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


def shown_path(path: Path, root: Path) -> str | None:
    """``path`` relative to ``root`` (POSIX), or None when it does not lie inside ``root``."""
    for base, target in ((root.absolute(), path.absolute()), (root.resolve(), path.resolve())):
        try:
            return target.relative_to(base).as_posix()
        except ValueError:
            continue
    return None


def human_size(n: int) -> str:
    """``1536`` → ``1.5 KiB``, ``2**25`` → ``32 MiB`` (binary units, as the limits are set in:
    ``max_source_mb = 32`` is 32 MiB); exact bytes below a kibibyte."""
    if n < 1024:
        return f"{n} bytes"
    value, unit = (n / 1024, "KiB") if n < MB else (n / MB, "MiB")
    return f"{value:.1f} {unit}".replace(".0 ", " ")


RAISE_SOURCE = "raise max_source_mb in [tool.diagrams] if the drawing is genuine"
# The settings a user sets for each limit (SceneLimits' fields are derived from them).
SOURCE_SETTING = "max_source_mb"
GROWS_WITH_SOURCE = f"it grows with {SOURCE_SETTING}"
GROWS_WITH_ELEMENTS = "it grows with max_elements"
RAISE_ELEMENTS = "split the drawing, or raise max_elements in [tool.diagrams]"


@dataclass
class LoadContext:
    """Everything one ``load_scene`` call accumulates and needs to report errors."""

    path: Path
    limits: SceneLimits
    root: Path
    name: str = ""  # how warnings name the drawing (default: its path as given)
    warnings: list[str] = field(default_factory=list)
    reads: list[Path] = field(default_factory=list)
    decompressed: int = 0

    def __post_init__(self) -> None:
        self.name = self.name or str(self.path)

    def fail(self, what: str, place: str | None = None, fix: str | None = None) -> NoReturn:
        raise SceneError(what, file=self.path, place=place, fix=fix)

    def warn(self, message: str) -> None:
        self.warnings.append(" ".join(f"{self.name}: {message}".split()))

    def show(self, path: Path) -> str:
        """A file named in a message: relative to the root when it lies inside, else as is."""
        return shown_path(path, self.root) or str(path)

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
            f"decompressed data per drawing ({GROWS_WITH_SOURCE}; a decompression bomb?)",
            place,
            fix=RAISE_SOURCE,
        )
