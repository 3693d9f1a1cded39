"""Themes (issue 13): `theme = light|dark|both|auto`, dark twins, the figures' dark palette,
adaptive SVGs and `<picture>` embeds in notes."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageStat

from diagram_assets.config import load_config, parse_config
from diagram_assets.errors import ConfigError
from diagram_assets.figures import build_figure, load_figure_spec
from diagram_assets.figures.dark import DARK_BACKGROUND, contrast
from diagram_assets.notes import LinkOptions, OutputSet, Vault, rewrite_note
from diagram_assets.options import Options
from diagram_assets.pipeline import build, check
from diagram_assets.pipeline.kinds import RunContext
from diagram_assets.pipeline.kinds.themes import themed_outputs
from diagram_assets.render import Renderer
from diagram_assets.render.adaptive import IMAGE_FILTER, adaptive_both, adaptive_filter
from diagram_assets.render.cdp import PipeBrowser
from diagram_assets.render.chromium import find_chromium
from diagram_assets.render.naming import image_stems
from diagram_assets.render.options import RenderedImage
from helpers import element, scene_of, text, write_scene
from locations import REPO

FIGURES = REPO / "diagrams" / "figures"
ALL_FIGURES = sorted(FIGURES.rglob("*.figure.yaml"))

# --------------------------------------------------------------------------- config


def test_theme_is_read_globally_and_per_source(tmp_path: Path) -> None:
    config = parse_config(
        {"theme": "both", "overrides": [{"match": "diagrams/x.excalidraw", "theme": "auto"}]},
        root=tmp_path,
    )
    assert config.options.theme == "both"
    assert config.options_for("diagrams/x.excalidraw").theme == "auto"
    assert config.options_for("diagrams/y.excalidraw").theme == "both"
    assert parse_config({}, root=tmp_path).options.theme == "light"


@pytest.mark.parametrize(
    ("table", "place", "near"),
    [
        ({"theme": "drak"}, "tool.diagrams.theme", "dark"),
        (
            {"overrides": [{"match": "x", "theme": "bth"}]},
            "tool.diagrams.overrides[0].theme",
            "both",
        ),
    ],
)
def test_a_bad_theme_is_one_line_with_a_suggestion(
    tmp_path: Path, table: dict, place: str, near: str
) -> None:
    file = tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError) as info:
        parse_config(table, root=tmp_path, file=file)
    message = str(info.value)
    assert message.startswith(f"{file}: {place}: ")
    assert f"did you mean `{near}`?" in message
    assert "light, dark, both, auto" in message
    assert "\n" not in message


def test_a_theme_must_be_text(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="theme: expected a string"):
        parse_config({"theme": True}, root=tmp_path)


def test_links_picture_is_a_boolean(tmp_path: Path) -> None:
    assert parse_config({"links": {"picture": True}}, root=tmp_path).links.picture
    with pytest.raises(ConfigError, match=r"links\.picture"):
        parse_config({"links": {"picture": "yes"}}, root=tmp_path)


# --------------------------------------------------------------------------- plan


def test_planned_outputs_per_theme() -> None:
    def outputs(theme: str, formats: tuple[str, ...] = ("svg", "png")) -> dict[str, str]:
        return themed_outputs("sub/", "FF", replace(Options(), theme=theme, formats=formats))

    assert outputs("light") == {"svg": "sub/FF.svg", "png": "sub/FF.png"}
    assert outputs("dark") == {"svg": "sub/FF.svg", "png": "sub/FF.png"}
    assert outputs("both") == {
        "svg": "sub/FF.svg",
        "png": "sub/FF.png",
        "dark.svg": "sub/FF.dark.svg",
        "dark.png": "sub/FF.dark.png",
    }
    # auto: one adaptive SVG; PNGs cannot adapt, so they come in pairs
    assert outputs("auto") == {
        "svg": "sub/FF.svg",
        "png": "sub/FF.png",
        "dark.png": "sub/FF.dark.png",
    }
    assert outputs("auto", ("svg",)) == {"svg": "sub/FF.svg"}


def test_frame_names_never_collide_with_dark_twins() -> None:
    images = [
        RenderedImage(),
        RenderedImage(frame_id="a", frame_name="dark"),
        RenderedImage(frame_id="b", frame_name="intro.dark"),
        RenderedImage(frame_id="c", frame_name="intro"),
    ]
    # without twins, names are as they always were
    assert image_stems("x", images) == ["x", "x.dark", "x.intro.dark", "x.intro"]
    light = image_stems("x", images, reserved=".dark")
    assert light == ["x", "x.dark-2", "x.intro.dark-2", "x.intro"]
    dark = [f"{stem}.dark" for stem in light]
    assert len({s.casefold() for s in light + dark}) == 2 * len(images)


# --------------------------------------------------------------------------- figures


def _dark_scene(path: Path):
    return build_figure(load_figure_spec(path), theme="dark")


@pytest.mark.parametrize("path", ALL_FIGURES, ids=lambda p: p.stem)
def test_dark_figures_are_legible(path: Path) -> None:
    """Every text stands out from what it is drawn on (its container, else the canvas) and
    every filled cell or block from the canvas; the Zoo's cells keep their colours."""
    scene = _dark_scene(path)
    assert scene.app_state["viewBackgroundColor"] == DARK_BACKGROUND
    by_id = {e["id"]: e for e in scene.elements}
    for e in scene.elements:
        if e.get("opacity", 100) == 0:
            continue
        fill = e.get("backgroundColor", "transparent")
        if (
            e["type"] in ("rectangle", "ellipse")
            and fill != "transparent"
            and e["strokeColor"] != "transparent"
        ):
            outline = max(
                contrast(fill, DARK_BACKGROUND), contrast(e["strokeColor"], DARK_BACKGROUND)
            )
            assert outline >= 1.25, (path.name, e["id"], fill, e["strokeColor"])
        if e["type"] == "text":
            container = by_id.get(e.get("containerId") or "")
            backdrop = DARK_BACKGROUND
            if container is not None and container["backgroundColor"] != "transparent":
                backdrop = container["backgroundColor"]
            assert contrast(e["strokeColor"], backdrop) >= 4.5, (path.name, e["id"])


def test_the_zoo_keeps_its_cell_colours_in_the_dark() -> None:
    light = build_figure(load_figure_spec(FIGURES / "zoo" / "DCN.figure.yaml"))
    dark = _dark_scene(FIGURES / "zoo" / "DCN.figure.yaml")
    fills = {e["id"]: e["backgroundColor"] for e in light.elements if e["type"] == "ellipse"}
    zoo = {"#ffcc00", "#66cc00", "#ff6600", "#0099ff", "#ff99ff"}
    kept = [e for e in dark.elements if fills.get(e["id"]) in zoo]
    assert kept and all(e["backgroundColor"] == fills[e["id"]] for e in kept)
    for e in kept:  # the cells stand out from the dark canvas (WCAG's 3:1 for graphics)
        assert contrast(e["backgroundColor"], DARK_BACKGROUND) >= 3


def test_dark_figures_keep_their_geometry_and_light_stays_as_it_was() -> None:
    path = FIGURES / "Transformer架构.figure.yaml"
    spec = load_figure_spec(path)
    light, dark = build_figure(spec), build_figure(spec, theme="dark")
    assert build_figure(spec, theme="light").dumps() == light.dumps()
    assert light.app_state["viewBackgroundColor"] == "#ffffff"
    for a, b in zip(light.elements, dark.elements, strict=True):
        assert (a["id"], a["x"], a["y"], a["width"], a["height"]) == (
            b["id"], b["x"], b["y"], b["width"], b["height"],
        )  # fmt: skip
    with pytest.raises(ValueError, match="theme"):
        build_figure(spec, theme="sepia")


# --------------------------------------------------------------------------- adaptive SVG

LIGHT_SVG = (
    b'<svg version="1.1" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="20" '
    b'height="20"><!-- svg-source:excalidraw --><metadata></metadata><defs><symbol id="image-a">'
    b'<image href="data:image/png;base64,AA"/></symbol><symbol id="image-b"><image '
    b'href="data:image/svg+xml;base64,AA"/></symbol></defs><rect x="0" y="0" width="10" '
    b'height="10" fill="#ffffff"></rect><use href="#image-a" width="5" height="5"></use>'
    b'<use href="#image-b" width="5" height="5"></use></svg>'
)


def test_adaptive_filter_reinverts_only_what_excalidraw_reinverts() -> None:
    dark = LIGHT_SVG.replace(b"<svg ", b'<svg filter="invert(93%) hue-rotate(180deg)" ', 1)
    dark = dark.replace(
        b'<use href="#image-a"', b'<use href="#image-a" filter="%s"' % IMAGE_FILTER.encode()
    )
    out = adaptive_filter(LIGHT_SVG, dark)
    assert out.count(b"prefers-color-scheme: dark") == 1
    assert b'<use href="#image-a" width="5" height="5" class="diagrams-raster">' in out
    assert b'<use href="#image-b" width="5" height="5">' in out
    assert out.startswith(b'<svg version="1.1"') and b'class="diagrams-adaptive"' in out[:200]
    assert out.endswith(b"</svg>")


def test_adaptive_both_holds_both_drawings() -> None:
    dark = LIGHT_SVG.replace(b'fill="#ffffff"', b'fill="#121212"')
    out = adaptive_both(LIGHT_SVG, dark)
    assert out.count(b"<defs>") == 1  # the same defs are not repeated
    assert (
        b'<g class="diagrams-light"><rect x="0" y="0" width="10" height="10" fill="#ffffff">' in out
    )
    assert (
        b'<g class="diagrams-dark"><rect x="0" y="0" width="10" height="10" fill="#121212">' in out
    )


# --------------------------------------------------------------------------- notes

TWINS = [
    OutputSet(
        "diagrams/FF.figure.yaml",
        {"svg": "attachments/FF.svg", "png": "attachments/FF.png"},
        dark={
            "attachments/FF.svg": "attachments/FF.dark.svg",
            "attachments/FF.png": "attachments/FF.dark.png",
        },
    ),
    OutputSet("diagrams/plain.excalidraw", {"svg": "attachments/plain.svg"}),
]
FILES = [
    "diagrams/FF.figure.yaml", "attachments/FF.svg", "attachments/FF.png",
    "attachments/FF.dark.svg", "attachments/FF.dark.png", "diagrams/plain.excalidraw",
    "attachments/plain.svg",
]  # fmt: skip
TWIN_VAULT = Vault(Path("/vault"), FILES)
PICTURE = LinkOptions(picture=True)


def _rewrite(text: str, options: LinkOptions = PICTURE) -> str:
    return rewrite_note(text.encode(), "notes/a.md", TWIN_VAULT, TWINS, options).new.decode()


def test_markdown_images_with_a_twin_become_pictures() -> None:
    note = (
        '# Title\r\n\r\nBefore ![The *FF* net \\[1\\]](../attachments/FF.svg "A & B") after.\r\n'
        "![](../diagrams/FF.figure.yaml)\n![[FF.svg]]\n![](../attachments/plain.svg)\n"
    )
    out = _rewrite(note)
    assert out == (
        '# Title\r\n\r\nBefore <picture><source media="(prefers-color-scheme: dark)" '
        'srcset="../attachments/FF.dark.svg"><img src="../attachments/FF.svg" '
        'alt="The *FF* net [1]" title="A &amp; B"></picture> after.\r\n'
        '<picture><source media="(prefers-color-scheme: dark)" srcset="../attachments/FF.dark.svg">'
        '<img src="../attachments/FF.svg" alt=""></picture>\n'
        "![[FF.svg]]\n![](../attachments/plain.svg)\n"
    )
    assert _rewrite(out) == out  # idempotent
    assert _rewrite(note, LinkOptions()) == note.replace(
        "../diagrams/FF.figure.yaml", "../attachments/FF.svg"
    )


def test_a_picture_source_follows_its_image() -> None:
    stale = (
        '<picture><source media="(prefers-color-scheme: dark)" srcset="../attachments/old.svg">'
        '<img src="../diagrams/FF.figure.yaml" alt=""></picture>\n'
    )
    assert _rewrite(stale, LinkOptions()) == (
        '<picture><source media="(prefers-color-scheme: dark)" srcset="../attachments/FF.dark.svg">'
        '<img src="../attachments/FF.svg" alt=""></picture>\n'
    )


PIECES = [
    "![a](../attachments/FF.svg)",
    '![b](<../attachments/FF.png> "t")',
    "![](../diagrams/FF.figure.yaml)",
    "![[FF.svg|300]]",
    '<img src="../attachments/FF.svg">',
    "![](../attachments/plain.svg)",
    "[x](../attachments/FF.svg)",
    "\n", "\r\n", "\n\n", "`", "```\n", "<div>\n", "</div>", "> ", "- ", "[", "]", "(", ")",
    "<", ">", "!", "\\", '"', "text", "图", " ",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), st.booleans())
def test_pictures_are_idempotent(note: str, picture: bool) -> None:
    options = LinkOptions(picture=picture)
    first = rewrite_note(note.encode(), "notes/a.md", TWIN_VAULT, TWINS, options)
    second = rewrite_note(first.new, "notes/a.md", TWIN_VAULT, TWINS, options)
    assert second.new == first.new
    assert not second.changes


# --------------------------------------------------------------------------- builds

PYPROJECT = """
[tool.diagrams]
sources = ["diagrams"]
output = "attachments"
notes = ["notes/**/*.md"]
theme = "{theme}"
frames = true
"""

FIGURE = """
name: FF
layers:
  - {cells: input, size: 2}
  - {cells: hidden, size: 3}
  - {cells: output, size: 1}
"""


def _luminance(data: bytes) -> float:
    with Image.open(io.BytesIO(data)) as im:
        return ImageStat.Stat(im.convert("L")).mean[0]


def _repo(tmp_path: Path, theme: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "pyproject.toml").write_text(PYPROJECT.format(theme=theme), encoding="utf-8")
    drawing = scene_of(
        element("frame", "f1", -20, -20, 220, 140, name="dark"),
        element("rectangle", "box", 0, 0, 160, 80, backgroundColor="#a5d8ff"),
        text("label", 20, 25, "hello"),
    )
    write_scene(tmp_path / "diagrams" / "pic.excalidraw", drawing)
    (tmp_path / "diagrams" / "figures").mkdir()
    (tmp_path / "diagrams" / "figures" / "FF.figure.yaml").write_text(FIGURE, encoding="utf-8")
    return tmp_path


@pytest.mark.browser
def test_a_both_build_writes_dark_twins(tmp_path: Path, renderer: Renderer) -> None:
    repo = _repo(tmp_path, "both")
    config = load_config(repo)
    summary = build(config, context=RunContext(config, lambda: renderer))
    assert summary.ok, summary.failed
    out = repo / "attachments"
    names = sorted(p.name for p in out.iterdir())
    for stem in ("pic", "pic.dark-2", "FF"):  # the frame named "dark" does not take the twin's name
        for fmt in ("svg", "png"):
            assert f"{stem}.{fmt}" in names and f"{stem}.dark.{fmt}" in names, (stem, names)
    for stem in ("pic", "FF"):
        light, dark = (out / f"{stem}.png").read_bytes(), (out / f"{stem}.dark.png").read_bytes()
        assert _luminance(light) > 200 and _luminance(dark) < 80, stem
    lock = json.loads(config.lock_path.read_text("utf-8"))["jobs"]
    assert (
        lock["diagrams/pic.excalidraw"]["dark"]["attachments/pic.svg"] == "attachments/pic.dark.svg"
    )
    entry = lock["diagrams/pic.excalidraw"]
    # frames list the light images only (the frame here is named "dark"); twins are in `dark`
    assert entry["frames"] == {
        "dark": {"png": "attachments/pic.dark-2.png", "svg": "attachments/pic.dark-2.svg"}
    }
    assert entry["dark"]["attachments/pic.dark-2.svg"] == "attachments/pic.dark-2.dark.svg"
    assert check(load_config(repo)).ok
    (out / "FF.dark.png").write_bytes(b"edited")
    report = check(load_config(repo))
    assert not report.ok and any("FF.dark.png" in str(p) for p in report.problems)


def _shown_colour(svg: bytes, scheme: str) -> tuple[int, int, int]:
    """The centre pixel of ``svg`` drawn as an <img> in Chromium with ``prefers-color-scheme``
    emulated (DevTools ``Emulation.setEmulatedMedia``)."""

    async def run() -> tuple[int, int, int]:
        browser = await PipeBrowser.launch(find_chromium(), ["--headless=new", "--no-sandbox"])
        try:
            page = await browser.new_page()
            await browser.send(
                "Emulation.setEmulatedMedia",
                {"features": [{"name": "prefers-color-scheme", "value": scheme}]},
                session=page.session_id,
            )
            await page.goto("about:blank")
            src = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
            return tuple(
                await page.evaluate(
                    """async (src) => {
                      const img = new Image(); img.src = src; await img.decode();
                      document.body.appendChild(img);
                      const c = document.createElement('canvas');
                      c.width = img.naturalWidth; c.height = img.naturalHeight;
                      const g = c.getContext('2d'); g.drawImage(img, 0, 0);
                      const d = g.getImageData(c.width >> 1, 4, 1, 1).data;
                      return [d[0], d[1], d[2]];
                    }""",
                    src,
                )
            )
        finally:
            await browser.close()

    return asyncio.run(run())


@pytest.mark.browser
def test_an_adaptive_svg_follows_prefers_color_scheme(tmp_path: Path, renderer: Renderer) -> None:
    repo = _repo(tmp_path, "auto")
    config = load_config(repo)
    assert build(config, context=RunContext(config, lambda: renderer)).ok
    out = repo / "attachments"
    assert not (out / "pic.dark.svg").exists() and (out / "pic.dark.png").exists()
    for name in ("pic.svg", "FF.svg"):
        svg = (out / name).read_bytes()
        light, dark = _shown_colour(svg, "light"), _shown_colour(svg, "dark")
        assert min(light) > 200, (name, light)
        assert max(dark) < 60, (name, dark)
