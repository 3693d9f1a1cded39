"""Finding ``<img src=…>`` in HTML: the tag's attributes, and img tags in an HTML block.

An HTML block is scanned tag by tag; comments and the content of ``pre``, ``code``, ``script``,
``style`` and ``textarea`` elements are skipped (they hold code or text, not images).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACE = " \t\r\n\f"
_TAG_START = re.compile(r"<!--|<(?:pre|code|script|style|textarea|img)(?=[\s/>])", re.IGNORECASE)


@dataclass(frozen=True)
class ImgSrc:
    """The ``src`` value of an img tag: its span (without quotes) and quote character."""

    tag_start: int
    tag_end: int
    start: int
    end: int
    quote: str  # '"', "'" or "" (unquoted)


def parse_img_tag(text: str, pos: int, end: int | None = None) -> ImgSrc | bool | None:
    """Parse the img tag starting at ``pos``.

    Returns the src (an ImgSrc), ``None`` when the tag has no usable src, or ``False`` when the
    tag does not close before ``end`` or meets a ``<`` outside a quoted value (so a run of
    unclosed tags costs linear time, not quadratic).
    """
    n = len(text) if end is None else end
    i = pos + 4
    found: tuple[int, int, str] | None = None
    while i < n:
        ch = text[i]
        if ch in _SPACE or ch == "/":
            i += 1
            continue
        if ch == ">":
            if found is None:
                return None
            return ImgSrc(pos, i + 1, *found)
        if ch == "<":
            return False  # not inside a tag (CommonMark's tag syntax has no '<' there)
        name_start = i
        while i < n and text[i] not in _SPACE and text[i] not in "/>=<":
            i += 1
        name = text[name_start:i]
        while i < n and text[i] in _SPACE:
            i += 1
        if i < n and text[i] == "=":
            i += 1
            while i < n and text[i] in _SPACE:
                i += 1
            if i >= n:
                return False
            quote = text[i]
            if quote in "\"'":
                close = text.find(quote, i + 1, n)
                if close < 0:
                    return False
                value = (i + 1, close, quote)
                i = close + 1
            else:
                value_start = i
                while i < n and text[i] not in _SPACE and text[i] not in "<>":
                    i += 1
                value = (value_start, i, "")
            if found is None and name.lower() == "src":
                found = value
    return False


def img_srcs(html: str) -> list[ImgSrc]:
    """Every img src in an HTML block, outside comments and code-like elements."""
    found: list[ImgSrc] = []
    pos = 0
    while True:
        m = _TAG_START.search(html, pos)
        if m is None:
            return found
        token = m.group(0)
        if token == "<!--":
            close = html.find("-->", m.end())
            if close < 0:
                return found
            pos = close + 3
        elif token[1:].lower() == "img":
            tag = parse_img_tag(html, m.start())
            if isinstance(tag, ImgSrc):
                found.append(tag)
                pos = tag.tag_end
            else:
                pos = m.end()
        else:
            name = token[1:].lower()
            close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, m.end())
            if close is None:
                return found
            pos = close.end()
