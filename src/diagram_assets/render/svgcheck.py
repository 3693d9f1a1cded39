"""Checks on every SVG the page returns: sealed (no remote references) and inert (no scripts)."""

from __future__ import annotations

import re

from ..errors import RenderError

_URL_REF = re.compile(r"url\(\s*(['\"]?)([^)'\"]*)\1\s*\)", re.IGNORECASE)
_HREF = re.compile(
    r"""(<(\w+)\b[^>]*?\s(?:xlink:)?href=)(["'])(.*?)\3""", re.IGNORECASE | re.DOTALL
)
_SAFE_LINK = re.compile(r"^(?:https?:|mailto:|#|/|\.{0,2}/|[^:/?#]*(?:[/?#]|$))", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def check_svg(svg: str) -> str:
    """Return ``svg`` with unsafe link targets neutralised; fail on remote resources or scripts.

    - ``url(…)`` references must be ``data:`` or ``#fragment`` (a remote ``url(`` means a font or
      image would be fetched by whoever views the SVG: the render failed to embed it);
    - ``<image>``/``<use>`` hrefs must be ``data:`` or ``#fragment``;
    - ``<a>`` hrefs (element links) may be web, mail or relative links; anything else
      (``javascript:``, ``data:``, ``vbscript:``…) becomes ``#``;
    - no ``<script>`` element and no ``on…=`` event attribute may appear.
    """
    for match in _URL_REF.finditer(svg):
        target = match.group(2).strip()
        if not (target.startswith("#") or target.lower().startswith("data:")):
            raise RenderError(
                f"the SVG refers to {target[:120]}, which would be fetched when viewed "
                "(a font or image was not embedded)",
                fix="run `diagrams doctor`: the render page's fonts may be missing",
            )

    def fix_href(match: re.Match[str]) -> str:
        head, tag, quote, target = match.groups()
        value = target.strip()
        if tag.lower() == "a":
            if _SAFE_LINK.match(value) and not value.lower().startswith(("javascript", "data")):
                return match.group(0)
            return f"{head}{quote}#{quote}"
        if value.startswith("#") or value.lower().startswith("data:"):
            return match.group(0)
        raise RenderError(
            f"the SVG's <{tag}> refers to {value[:120]}, which would be fetched when viewed",
            fix="embed the image in the drawing instead of linking to it",
        )

    svg = _HREF.sub(fix_href, svg)
    if _SCRIPT.search(svg):
        raise RenderError("the SVG contains a script or an event handler attribute")
    return svg
