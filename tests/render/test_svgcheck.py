"""The SVG safety check: sealed, inert, well-formed — and no false alarms on text."""

from __future__ import annotations

import pytest

from diagram_assets.errors import RenderError
from diagram_assets.render.svgcheck import check_svg

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def svg(body: str) -> str:
    return f"{HEAD}{body}</svg>"


def test_embedded_fonts_and_fragments_pass() -> None:
    text = svg(
        "<defs><style>@font-face { font-family: X; src: url(data:font/woff2;base64,AAAA); }"
        '</style><mask id="m"/></defs><rect fill="url(#g)" mask="url(#m)"/>'
        '<image href="data:image/png;base64,AAAA"/><use href="#s"/>'
    )
    assert check_svg(text) == text


def test_text_that_looks_like_a_url_is_not_an_alarm() -> None:
    text = svg('<text x="0">shouldCaptureUrl() and url(https://example.com)</text>')
    assert check_svg(text) == text


@pytest.mark.parametrize(
    "body",
    [
        "<style>@font-face { src: url(https://esm.sh/font.woff2); }</style>",
        "<rect style=\"fill: url('http://evil.example/x')\"/>",
        '<image href="https://example.com/a.png"/>',
        '<image xlink:href="//example.com/a.png"/>',
        '<use href="http://example.com/s.svg#x"/>',
        "<script>alert(1)</script>",
        '<rect onclick="alert(1)"/>',
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>',
        "<rect",
    ],
)
def test_remote_or_active_content_fails(body: str) -> None:
    with pytest.raises(RenderError):
        check_svg(svg(body))


@pytest.mark.parametrize(
    ("href", "kept"),
    [
        ("https://example.com/docs", True),
        ("mailto:a@b.c", True),
        ("#section", True),
        ("notes/other.md", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<b>x</b>", False),
        ("vbscript:msgbox", False),
    ],
)
def test_element_links_are_neutralised_unless_safe(href: str, kept: bool) -> None:
    text = svg(f'<a href="{href.replace("<", "&lt;")}"><rect/></a>')
    out = check_svg(text)
    assert (out == text) is kept
    if not kept:
        assert '<a href="#">' in out


def test_nbsp_becomes_a_numeric_reference() -> None:
    assert check_svg(svg("<text>a&nbsp;b</text>")) == svg("<text>a&#160;b</text>")
