"""What could run or fetch something in an SVG never gets there (no browser needed).

Colours that name a resource (``url(…)``) are refused when the drawing is loaded, naming the
element; the SVG check of the renderer neutralises ``javascript:``/``data:`` links and refuses
scripts, event handlers and remote references in what the page returns.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from diagram_assets.errors import RenderError, SceneError
from diagram_assets.render.svgcheck import check_svg
from diagram_assets.scene import load_scene

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{}</svg>'


def drawing(tmp_path: Path, element: dict, app_state: dict | None = None) -> Path:
    base = {"id": "e", "type": "rectangle", "x": 0, "y": 0, "width": 10, "height": 10}
    path = tmp_path / "d.excalidraw"
    scene = {"type": "excalidraw", "elements": [{**base, **element}], "appState": app_state or {}}
    path.write_text(json.dumps(scene), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "colour",
    [
        "url(http://127.0.0.1:9/x)",
        "URL( 'https://example.com/x.svg#p' )",
        "red;background-image:url(//example.com/x)",
        "image(https://example.com/x.png)",
        "image-set('x.png' 1x)",
        "red;@import 'https://example.com/x.css'",
        "expression(alert(1))",
    ],
)
@pytest.mark.parametrize("key", ["strokeColor", "backgroundColor"])
def test_colours_naming_a_resource_are_refused(tmp_path: Path, key: str, colour: str) -> None:
    with pytest.raises(SceneError) as info:
        load_scene(drawing(tmp_path, {key: colour}))
    assert info.value.place == f"$.elements[0].{key}"
    assert "refers to a resource" in str(info.value) and "\n" not in str(info.value)


def test_a_background_naming_a_resource_is_refused(tmp_path: Path) -> None:
    path = drawing(tmp_path, {}, {"viewBackgroundColor": "url(https://example.com/bg.png)"})
    with pytest.raises(SceneError) as info:
        load_scene(path)
    assert info.value.place == "$.appState.viewBackgroundColor"


@pytest.mark.parametrize(
    "colour", ["#1e1e1e", "transparent", "rgb(30, 30, 30)", "rgba(0,0,0,0.5)", "hsl(0 0% 0%)"]
)
def test_ordinary_colours_load(tmp_path: Path, colour: str) -> None:
    scene = load_scene(drawing(tmp_path, {"strokeColor": colour, "backgroundColor": colour}))
    assert scene.elements[0]["strokeColor"] == colour


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;",
        "vbscript:msgbox(1)",
        "about:blank",
        "java&#9;script:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#32;&#9;javascript:alert(1)",
        "java&#10;scr&#13;ipt:alert(1)",
        "javascript&#58;alert(1)",
    ],
)
def test_unsafe_links_are_neutralised(href: str) -> None:
    svg = check_svg(SVG.format(f'<a href="{href}"><rect width="1" height="1"/></a>'))
    assert '<a href="#">' in svg, svg


@pytest.mark.parametrize(
    "href",
    [
        "https://example.com/x",
        "http://a.b/c?d#e",
        "#top",
        "mailto:a@b.c",
        "notes/other.md",
        "../up.md#part",
        "//example.com/x",
        "a%3Ab",
    ],
)
def test_web_links_stay(href: str) -> None:
    svg = check_svg(SVG.format(f'<a href="{href}"><rect width="1" height="1"/></a>'))
    assert f'href="{href}"' in svg


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<rect onload="alert(1)"/>', "onload"),
        ('<rect ONCLICK="alert(1)"/>', "ONCLICK"),
        ("<foreignObject><div/></foreignObject>", "foreignobject"),
        ('<image href="https://example.com/x.png"/>', "would be fetched"),
        ('<image xlink:href="//example.com/x.png"/>', "would be fetched"),
        ('<use href="https://example.com/s.svg#x"/>', "would be fetched"),
        ('<rect fill="url(https://example.com/p.svg#x)"/>', "would be fetched"),
        ("<rect style=\"fill:url('//example.com/x')\"/>", "would be fetched"),
        ("<style>@font-face{src:url(https://example.com/f.woff2)}</style>", "would be fetched"),
        ('<text>&lt;script&gt;</text><script href="x"/>', "<script>"),
    ],
)
def test_scripts_handlers_and_remote_references_fail_the_render(body: str, words: str) -> None:
    with pytest.raises(RenderError, match=words):
        check_svg(SVG.format(body))


def test_escaped_markup_in_text_is_text() -> None:
    body = "<text>&lt;script&gt;alert(1)&lt;/script&gt; javascript:x onload=1 url(http://x)</text>"
    assert check_svg(SVG.format(body)) == SVG.format(body)
