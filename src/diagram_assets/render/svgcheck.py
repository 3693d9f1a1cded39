"""Checks on every SVG the page returns: well-formed, sealed (no remote references), inert."""

from __future__ import annotations

import html
import re
from xml.parsers import expat

from ..errors import RenderError

_URL_REF = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_A_HREF = re.compile(r"""(<a\b[^>]*?\s(?:xlink:)?href=)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
_SAFE_SCHEMES = {"http", "https", "mailto"}
_URL_INVISIBLE = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_RESOURCE_ATTRS = {"href", "xlink:href", "src"}


def check_svg(svg: str) -> str:
    """Return ``svg`` fixed up for use as a standalone file, or fail the render.

    - ``&nbsp;`` (which the browser's HTML serialisation writes, but XML does not define)
      becomes ``&#160;`` so the file parses as XML;
    - a ``url(…)`` in a style or attribute must be ``data:`` or ``#fragment``, and an
      ``<image>``/``<use>`` href must be too: anything else would be fetched by whoever views the
      SVG (a font or image was not embedded) — the render fails;
    - ``<a>`` hrefs (element links) may be web, mail or relative links; anything else
      (``javascript:``, ``data:``…) becomes ``#``;
    - no ``<script>``, ``<foreignObject>`` or ``on…`` event attribute may appear.
    """
    svg = svg.replace("&nbsp;", "&#160;")
    unsafe_links = _scan(svg)
    if unsafe_links:
        svg = _A_HREF.sub(_neutralise, svg)
    return svg


def _remote(value: str) -> str | None:
    """The first remote reference in an attribute or style value, if any."""
    for match in _URL_REF.finditer(value):
        target = match.group(2).strip()
        if not (target.startswith("#") or target.lower().startswith("data:")):
            return target or "an empty url()"
    return None


def _scan(svg: str) -> bool:
    """Parse the SVG; raise RenderError on a problem; return whether an <a> needs fixing."""
    parser = expat.ParserCreate()
    state = {"style": 0, "unsafe_links": False}
    style_text: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(":", 1)[-1].lower()
        if local in ("script", "foreignobject", "iframe"):
            raise RenderError(f"the SVG contains a <{local}> element, which could run code")
        for name, value in attrs.items():
            lowered = name.lower()
            if lowered.startswith("on"):
                raise RenderError(f"the SVG has an event handler attribute {name}")
            if lowered in _RESOURCE_ATTRS:
                target = value.strip()
                if local == "a":
                    if not _safe_link(value):
                        state["unsafe_links"] = True
                elif not (target.startswith("#") or target.lower().startswith("data:")):
                    raise RenderError(
                        f"the SVG's <{local}> refers to {target[:120]}, which would be fetched "
                        "when viewed",
                        fix="embed the image in the drawing instead of linking to it",
                    )
            elif (remote := _remote(value)) is not None:
                _fail_remote(remote)
        if local == "style":
            state["style"] += 1

    def end(tag: str) -> None:
        if tag.rsplit(":", 1)[-1].lower() == "style":
            state["style"] -= 1
            remote = _remote("".join(style_text))
            style_text.clear()
            if remote is not None:
                _fail_remote(remote)

    def chars(data: str) -> None:
        if state["style"]:
            style_text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(svg, True)
    except expat.ExpatError as exc:
        raise RenderError(f"the page returned an SVG that is not well-formed XML ({exc})") from None
    return bool(state["unsafe_links"])


def _fail_remote(target: str) -> None:
    raise RenderError(
        f"the SVG refers to {target[:120]}, which would be fetched when viewed "
        "(a font or image was not embedded)",
        fix="run `diagrams doctor`: the render page's fonts may be missing",
    )


def _safe_link(value: str) -> bool:
    """Is an ``<a>`` href (attribute value, entities decoded) a web, mail or relative link?

    Read as a browser's URL parser does: leading and trailing spaces and control characters
    dropped, tabs and line breaks removed anywhere (``java&#9;script:`` is ``javascript:``).
    """
    url = _URL_INVISIBLE.sub("", value.strip(_C0_AND_SPACE))
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in _SAFE_SCHEMES


def _neutralise(match: re.Match[str]) -> str:
    head, quote, raw = match.groups()
    if _safe_link(html.unescape(raw)):
        return match.group(0)
    return f"{head}{quote}#{quote}"
