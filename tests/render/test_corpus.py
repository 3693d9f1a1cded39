"""Every real drawing of the shared corpus renders to SVG and PNG with real Chromium."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from diagram_assets.errors import DiagramsError
from diagram_assets.render import Renderer, RenderOptions
from diagram_assets.scene import load_scene
from locations import CORPUS

pytestmark = pytest.mark.browser

FILES = (
    sorted(p.name for p in CORPUS.iterdir() if p.suffix != ".md" or ".excalidraw" in p.name)
    if CORPUS.is_dir()
    else []
)


@pytest.mark.skipif(not FILES, reason=f"the shared corpus is not here ({CORPUS})")
@pytest.mark.parametrize("name", FILES)
def test_corpus_drawing_renders(name: str, renderer: Renderer) -> None:
    path = CORPUS / name
    try:
        scene = load_scene(path, root=CORPUS)
    except DiagramsError as exc:  # pragma: no cover - the loader tests cover every file
        pytest.fail(f"does not load: {exc}")
    result = renderer.render(scene, RenderOptions())
    image = result.whole
    assert image is not None and image.svg and image.png
    svg = image.svg.decode("utf-8")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert not re.search(r"url\(\s*['\"]?https?:", svg), "a remote url( in the SVG"
    texts = [e for e in scene.live_elements() if e.get("type") == "text" and e.get("text")]
    embeddable_families = {1, 3, 5, 6, 7, 8, 9}
    if any(e.get("fontFamily", 1) in embeddable_families for e in texts):
        assert "data:font/woff2;base64," in svg, "text without an embedded font"
    png = Image.open(io.BytesIO(image.png))
    png.load()
    assert png.size == image.png_size
