"""Markdown images as ``<picture>``: the light image, and its dark twin for readers in dark mode.

With ``[tool.diagrams.links] picture = true``, a Markdown image of an output that has a dark
twin (``theme = "both"`` or ``"auto"``)::

    ![The model](attachments/FF.svg "title")

is written as (on one line, so it stays inline HTML wherever the image was; cut here)::

    <picture><source media="(prefers-color-scheme: dark)" srcset="attachments/FF.dark.svg">
    <img src="attachments/FF.svg" alt="The model" title="title"></picture>

GitHub and most static sites show the source that matches the reader's theme. The ``<img>``
inside is an HTML image like any other: later builds keep its ``src`` current (and this
module its ``srcset``), so writing a note twice changes nothing. Obsidian's ``![[…]]`` embeds
are never turned into HTML (Obsidian would stop resolving them).
"""

from __future__ import annotations

import re

from .targets import Target, decode_markdown, encode_html

MEDIA = "(prefers-color-scheme: dark)"
_HEAD = re.compile(r'<picture><source media="\(prefers-color-scheme: dark\)" srcset="([^"]*)">\Z')
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def srcset_value(path: str, like: Target) -> str:
    """A decoded path as a ``srcset`` URL: written like the ``src`` (percent-encoding), with
    the characters a srcset splits on (white space, commas) percent-encoded."""
    text = encode_html(path, like, '"')
    return "".join(f"%{ord(ch):02X}" if ch in " \t\n\r\f," else ch for ch in text)


def picture_html(text: str, link_start: int, start: int, end: int, link_end: int,
                 target: str, dark: str) -> str:  # fmt: skip
    """The ``<picture>`` for the Markdown image ``text[link_start:link_end]`` whose destination
    spans ``start:end``, showing ``target`` (its destination, possibly rewritten) and ``dark``
    (the twin's decoded path)."""
    close = text.rfind("](", link_start, start)
    alt = _ESCAPED.sub(r"\1", text[link_start + 2 : close]) if close > link_start else ""
    rest = text[end : link_end - 1].lstrip(">").strip()
    title = rest[1:-1] if len(rest) >= 2 and rest[0] in "\"'(" else ""
    decoded = decode_markdown(target)
    src = encode_html(decoded.path, decoded, '"', decoded.suffix.replace('"', "&quot;"))
    img = f'<img src="{src}" alt="{_attribute(alt)}"'
    if title:
        title = _attribute(_ESCAPED.sub(r"\1", title))
        img += f' title="{title}"'
    srcset = srcset_value(dark, decoded)
    return f'<picture><source media="{MEDIA}" srcset="{srcset}">{img}></picture>'


def picture_srcset(text: str, img_start: int) -> tuple[int, int] | None:
    """The span of the ``srcset`` value when the ``<img>`` at ``img_start`` is the image of a
    ``<picture>`` written by :func:`picture_html`; else None."""
    head = _HEAD.search(text, max(0, img_start - 4096), img_start)  # the <source> is short
    if head is None:
        return None
    return head.start(1), head.end(1)
