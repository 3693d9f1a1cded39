"""Drawing names: what `build` discovers, and the stem outputs are named after."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diagram_assets.scene import drawing_stem, is_drawing_name


@pytest.mark.parametrize(
    ("name", "drawing", "stem"),
    [
        ("a.excalidraw", True, "a"),
        ("a.excalidraw.json", True, "a"),
        ("a.excalidraw.md", True, "a"),
        ("a.excalidraw.svg", True, "a"),
        ("a.excalidraw.png", True, "a"),
        ("icons.excalidrawlib", True, "icons"),
        ("Mixed.Excalidraw.MD", True, "Mixed"),
        ("Drawing 2023-02-11 13.33.50.excalidraw.md", True, "Drawing 2023-02-11 13.33.50"),
        ("生产力系统构建.excalidraw.md", True, "生产力系统构建"),
        ("scene.json", False, "scene"),
        ("note.md", False, "note"),
        ("figure.svg", False, "figure"),
        ("figure.png", False, "figure"),
        ("figure.gif", False, "figure"),
        ("archive.tar.gz", False, "archive.tar"),
        ("excalidraw", False, "excalidraw"),
        (".excalidraw", False, ".excalidraw"),
        (".excalidraw.md", False, ".excalidraw"),
        ("a.excalidraw.md.bak", False, "a.excalidraw.md"),
        ("README", False, "README"),
    ],
)
def test_names(name: str, drawing: bool, stem: str) -> None:
    assert is_drawing_name(Path(name)) is drawing
    assert is_drawing_name(Path("some/folder") / name) is drawing
    assert drawing_stem(Path("some/folder") / name) == stem


@given(st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "\0" not in s))
def test_stem_is_never_empty_and_is_a_prefix(name: str) -> None:
    if name in (".", ".."):
        return
    stem = drawing_stem(Path(name))
    assert stem and Path(name).name.startswith(stem)
