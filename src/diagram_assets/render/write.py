"""Writing a render's images to files, atomically."""

from __future__ import annotations

from pathlib import Path

from ..fsutil import atomic_write
from .naming import image_stems
from .options import RenderResult


def planned_files(stem: str, result: RenderResult, out_dir: Path) -> list[tuple[Path, bytes]]:
    """The (path, bytes) pairs a render result makes: ``<stem>.svg``, ``<stem>.<frame>.png``…"""
    files: list[tuple[Path, bytes]] = []
    for image, image_stem in zip(result.images, image_stems(stem, result.images), strict=True):
        if image.svg is not None:
            files.append((out_dir / f"{image_stem}.svg", image.svg))
        if image.png is not None:
            files.append((out_dir / f"{image_stem}.png", image.png))
    return files


def write_images(files: list[tuple[Path, bytes]]) -> list[Path]:
    for path, data in files:
        atomic_write(path, data)
    return [path for path, _ in files]
