"""A fast over-approximation of a note's links, to skip the full parse when nothing can change.

Every link the parser can find has a literal trigger in the text: ``](`` (inline links and
images), ``]:`` (reference definitions, which hold reference links' targets), ``[[`` (wikilinks)
or ``<img`` (HTML). This scanner reads the target after each trigger with the same helpers the
full scan uses, without knowing about code blocks or front matter, so it finds a *superset* of
the real links. If none of them would be rewritten or warned about, neither would any real one,
and the note is left as it is without parsing it. Whenever the text is unusual (a destination
on the next line, a tag spanning lines, NUL characters) it gives up and the full scan runs.
"""

from __future__ import annotations

import re

from markdown_it.helpers import parseLinkDestination

from .html import ImgSrc, parse_img_tag
from .mdparse import wikilink_end
from .model import LinkKind
from .plan import LinkRef
from .targets import split_wikilink

_BARE = re.compile(r"[^ ()<\\\x00-\x1f\x7f][^ ()\\\x00-\x1f\x7f]*")
_UNSURE = frozenset("`<>\\$%\r\n")
_CONTAINER = frozenset(" \t>-*+.)0123456789")
_LOOKBACK = 1000  # characters a backward look may cover before it gives up (unsure)


def _triggers(text: str) -> list[tuple[int, str]]:
    """Positions of ``](``, ``]:``, ``[[`` and ``<img`` (any case), in order.

    ``str.find`` loops: much faster than a regular expression over non-ASCII text.
    """
    found: list[tuple[int, str]] = []
    pos = text.find("]")
    while pos >= 0:
        nxt = text[pos + 1 : pos + 2]
        if nxt == "(" or nxt == ":":
            found.append((pos, "]" + nxt))
        pos = text.find("]", pos + 1)
    pos = text.find("[[")
    while pos >= 0:
        found.append((pos, "[["))
        pos = text.find("[[", pos + 1)
    pos = text.find("<")
    while pos >= 0:
        if text[pos + 1 : pos + 4].lower() == "img":
            after = text[pos + 4 : pos + 5]
            if after and (after.isspace() or after in "/>"):
                found.append((pos, "<img"))
        pos = text.find("<", pos + 1)
    found.sort()
    return found


def _destination(text: str, pos: int) -> int:
    """Where the link destination at ``pos`` ends (``pos`` when there is none).

    The common bare destination (no parentheses, backslashes or ``<``) is matched with one
    regular expression; everything else goes through markdown-it's own parser.
    """
    m = _BARE.match(text, pos)
    if m is not None:
        end = m.end()
        if end >= len(text) or text[end] in " )" or text[end] < " " or text[end] == "\x7f":
            return end
    # both forms stop at a line break by themselves: no need to find the line's end
    result = parseLinkDestination(text, pos, len(text))
    return result.pos if result.ok else pos


def is_plain(text: str, close: int) -> bool:
    """True when the ``]`` at ``close`` surely ends a plain link's text, not an image's."""
    return not _maybe_image(text, close)


def _maybe_image(text: str, close: int) -> bool:
    depth = 0
    i = close - 1
    stop = max(-1, close - _LOOKBACK)  # unsure beyond: a run of links is not quadratic
    while i > stop:
        ch = text[i]
        if ch in _UNSURE:
            return True
        if ch == "]":
            depth += 1
        elif ch == "[":
            if depth == 0:
                return i > 0 and text[i - 1] == "!"
            depth -= 1
        i -= 1
    return True


def _definition_label(text: str, close: int) -> str | None:
    """The label of a one-line definition ending at ``close``; "" when it cannot be one.

    None when unsure (a label over several lines, or too far to look back).
    """
    i = close - 1
    stop = max(-1, close - _LOOKBACK)
    while i > stop:
        ch = text[i]
        if ch in "\r\n":
            return None
        if ch == "[" and not (i > 0 and text[i - 1] == "\\"):
            j = i - 1
            while j > stop and text[j] not in "\r\n":
                if text[j] not in _CONTAINER:
                    return ""  # text before the label: not a definition
                j -= 1
            return text[i + 1 : close] if j > stop or j == -1 else None
        i -= 1
    return None


def quick_links(text: str) -> list[tuple[LinkRef, int]] | None:
    """A superset of the note's links (targets as written), or None when unsure.

    Each link comes with the offset of the ``]`` before its ``(`` for an inline link, else -1:
    inline links are listed as images (the case that is rewritten more often); ``is_plain``
    tells, when it matters, whether one is surely a plain link.
    """
    if "\0" in text:
        return None
    found: list[tuple[LinkRef, int]] = []
    n = len(text)
    for at, trigger in _triggers(text):
        if trigger in ("](", "]:"):
            pos = at + 2
            while pos < n and text[pos] in " \t":
                pos += 1
            if pos >= n:
                continue
            if text[pos] in "\r\n":
                return None  # the destination may be on the next line
            if trigger == "]:":
                label = _definition_label(text, at)
                if label == "" or (label is not None and label.startswith("^")):
                    continue
                kind, close = LinkKind.IMAGE_REF, -1
            else:
                kind, close = LinkKind.IMAGE, at
            end = _destination(text, pos)
            if end > pos:
                found.append((LinkRef(kind, text[pos:end], "md"), close))
        elif trigger == "[[":
            start = at
            if start > 0 and text[start - 1] == "!":
                start -= 1
            parsed = wikilink_end(text, start, len(text))
            if parsed is None:
                continue
            embed, inner_start, close = parsed
            inner = text[inner_start:close]
            target_end, _ = split_wikilink(inner)
            kind = LinkKind.EMBED if embed else LinkKind.WIKILINK
            ref = LinkRef(kind, inner[:target_end], "wiki", alias=inner[target_end:])
            found.append((ref, -1))
        else:
            tag = parse_img_tag(text, at)
            if isinstance(tag, ImgSrc):
                if "\n" in text[at : tag.tag_end] or "\r" in text[at : tag.tag_end]:
                    return None  # a tag over several lines: prefixes may sit inside it
                raw = text[tag.start : tag.end]
                found.append((LinkRef(LinkKind.HTML_IMG, raw, "html", quote=tag.quote), -1))
    return found
