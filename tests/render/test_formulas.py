"""LaTeX formulas of Obsidian drawings, typeset with MathJax on the render page (as the plugin)."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from PIL import Image

from diagram_assets.render import Renderer, RenderOptions
from diagram_assets.render.assets import renderer_identity
from diagram_assets.render.formulas import FormulaSet, formula_renderer, shown
from diagram_assets.scene import load_scene
from diagram_assets.scene.model import Scene
from helpers import element, png_image, scene_of

DL15 = "HiiGHoVuTi__prepa__DL15_2023-02-10_14.11.03.excalidraw.md"
PNG1 = RenderOptions(scale=1, padding=10)


def formula_scene(tex: str, *, w: float = 120, h: float = 40, source: Path | None = None) -> Scene:
    """One image element showing one formula, as an Obsidian drawing has it."""
    scene = scene_of(
        element("image", "eq", 0, 0, w, h, fileId="f" * 40, status="saved", scale=[1, 1])
    )
    scene.formulas = {"f" * 40: tex}
    scene.source = source
    return scene


def dark_pixels(img: Image.Image) -> int:
    """Pixels darker than anything in Excalidraw's missing-image placeholder (#E7E7E7, #888)."""
    return sum(1 for v in img.convert("L").tobytes() if v < 100)


def placeholder_pixels(img: Image.Image) -> int:
    """Pixels of the placeholder's grey (a few also come from anti-aliased ink)."""
    data = img.convert("RGB").tobytes()
    return sum(1 for i in range(0, len(data), 3) if data[i : i + 3] == b"\xe7\xe7\xe7")


# ----------------------------------------------------------------- without a browser
def test_the_formula_renderer_is_in_the_renderers_identity() -> None:
    assert formula_renderer() == "mathjax 3.2.2"
    assert "; mathjax 3.2.2; page " in renderer_identity()


def test_warnings_name_the_drawing_the_elements_and_the_formula() -> None:
    scene = formula_scene(r"\frac{a", source=Path("notes/d.excalidraw.md"))
    scene.elements.append(
        element("image", "eq2", 0, 50, 10, 10, fileId="f" * 40, status="saved", isDeleted=True)
    )
    formulas = FormulaSet.of(scene)
    assert formulas is not None
    (warning,) = formulas.warnings({"f" * 40: "Missing close brace"})
    assert warning == (
        r"notes/d.excalidraw.md: image element eq: LaTeX formula $$\frac{a$$ cannot be typeset "
        "(Missing close brace); drawn as a placeholder"
    )
    assert formulas.warnings({}) == [] and formulas.warnings(None) == []
    assert FormulaSet.of(scene_of()) is None


def test_long_formulas_are_shortened_on_one_line() -> None:
    text = shown("a +\n b" * 40)
    assert len(text) == 60 and text.endswith("…") and "\n" not in text


# ----------------------------------------------------------------- with the page
@pytest.mark.browser
def test_formulas_render_as_svg_images_not_placeholders(renderer: Renderer) -> None:
    result = renderer.render(formula_scene(r"\vec R = m\vec{g}"), PNG1)
    assert result.warnings == [] and result.missing_images == []
    image = result.whole
    assert image is not None and image.svg and image.png
    svg = image.svg.decode()
    (href,) = re.findall(r'href="data:image/svg\+xml;base64,([^"]+)"', svg)
    formula = base64.b64decode(href).decode()
    assert formula.startswith("<svg") and "<path" in formula and 'id="MJX-TEX-' in formula
    assert "http://" not in formula.replace("http://www.w3.org/", "")  # glyphs are paths
    assert 'fill="currentColor"' in formula  # black in an image, as in the plugin
    png = png_image(image.png)
    # The element takes the formula's aspect ratio around its centre (as the plugin does):
    # its box is the image minus the padding; the formula's ink is inside it.
    inside = png.crop((10, 10, png.width - 10, png.height - 10))
    assert dark_pixels(inside) > 100 and placeholder_pixels(png) < 20
    assert dark_pixels(png) == dark_pixels(inside)


@pytest.mark.browser
def test_the_element_takes_the_formulas_shape_keeping_area_and_centre(renderer: Renderer) -> None:
    wide = renderer.render(formula_scene("x+y+z", w=40, h=40), PNG1).whole
    assert wide is not None and wide.png_size is not None
    w, h = (v - 20 for v in wide.png_size)  # minus the padding
    assert w > 2 * h and abs(w * h - 1600) < 0.1 * 1600


@pytest.mark.browser
def test_a_bad_formula_gives_one_warning_and_a_placeholder(renderer: Renderer) -> None:
    source = Path("vault/bad.excalidraw.md")
    scene = formula_scene(r"\frac{a", source=source)
    scene.elements.append(
        element("image", "ok", 0, 60, 60, 30, fileId="a" * 40, status="saved", scale=[1, 1])
    )
    scene.formulas["a" * 40] = "x^2"
    result = renderer.render(scene, PNG1)
    (warning,) = result.warnings
    assert warning.startswith(f"{source}: image element eq: LaTeX formula $$\\frac{{a$$ ")
    assert "cannot be typeset" in warning and "placeholder" in warning
    assert result.missing_images == ["eq"]
    image = result.whole
    assert image is not None and image.png and image.svg
    assert placeholder_pixels(png_image(image.png)) > 100
    assert image.svg.decode().count("data:image/svg+xml;base64,") == 2  # formula + placeholder


@pytest.mark.browser
def test_undefined_commands_fail_instead_of_drawing_red_text(renderer: Renderer) -> None:
    result = renderer.render(formula_scene(r"\notacommand x"), PNG1)
    (warning,) = result.warnings
    assert r"\notacommand" in warning and result.missing_images == ["eq"]


@pytest.mark.browser
def test_formula_bytes_do_not_depend_on_what_the_page_rendered_before(
    renderer: Renderer,
) -> None:
    scene = formula_scene(r"\newcommand{\R}{\mathbb{R}} f: \R \to \R")
    first = renderer.render(scene).whole
    renderer.render(formula_scene(r"\newcommand{\R}{x} \alpha + \R"))
    second = renderer.render(scene).whole
    assert first is not None and second is not None
    assert first.svg == second.svg and first.png == second.png
    assert scene.elements[0]["width"] == 120  # the caller's scene is left as it was


@pytest.mark.browser
def test_corpus_formula_drawing_renders_every_formula(renderer: Renderer, corpus_dir: Path) -> None:
    scene = load_scene(corpus_dir / DL15)
    assert len(scene.formulas) == 11
    result = renderer.render(scene, RenderOptions(formats=("svg",)))
    assert result.warnings == [] and result.missing_images == []
    assert result.whole is not None and result.whole.svg is not None
    svg = result.whole.svg.decode()
    assert svg.count("data:image/svg+xml;base64,") == 11
    assert "diagrams-missing-image" not in svg
