"""Which file names are drawings, and the name of a drawing without its suffixes."""

from __future__ import annotations

from pathlib import Path

# What `build` discovers: names that say "this is an Excalidraw drawing".
DRAWING_SUFFIXES: tuple[str, ...] = (
    ".excalidraw",
    ".excalidraw.json",
    ".excalidraw.md",
    ".excalidraw.svg",
    ".excalidraw.png",
    ".excalidrawlib",
)

# Longest first, so ".excalidraw.md" wins over ".md".
_STEM_SUFFIXES: tuple[str, ...] = (
    ".excalidraw.json",
    ".excalidraw.svg",
    ".excalidraw.png",
    ".excalidraw.md",
    ".excalidrawlib",
    ".excalidraw",
    ".json",
    ".svg",
    ".png",
    ".md",
)


def is_drawing_name(path: Path) -> bool:
    """True when the file name alone marks an Excalidraw drawing (case-insensitive).

    ``.excalidraw``, ``.excalidraw.json``, ``.excalidraw.md``, ``.excalidraw.svg``,
    ``.excalidraw.png`` and ``.excalidrawlib``; a bare suffix (a file named ``.excalidraw``)
    is not a drawing name.
    """
    name = Path(path).name.lower()
    return any(name.endswith(suffix) and len(name) > len(suffix) for suffix in DRAWING_SUFFIXES)


def drawing_stem(path: Path) -> str:
    """The file name without its drawing suffix: ``a.excalidraw.md`` → ``a``, ``b.png`` → ``b``.

    Other names lose their last extension, like :attr:`pathlib.Path.stem`. A name that is only
    a suffix (``.excalidraw``) is returned whole, so the result is never empty.
    """
    name = Path(path).name
    lower = name.lower()
    for suffix in _STEM_SUFFIXES:
        if lower.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    stem = Path(name).stem
    return stem or name
