"""Link targets as written ↔ the paths they name, keeping the way they were written.

A Markdown destination may be bare or in ``<…>``, use backslash escapes and entities, and be
percent-encoded (``%20``, encoded CJK) or not (raw CJK). The new target for a link is written
in the same style: percent-encoded stays percent-encoded, raw stays raw, ``<…>`` stays ``<…>``,
and a bare path that would need escaping (spaces, parentheses) gets ``<…>``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from markdown_it.common.utils import unescapeAll

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_PERCENT_HIGH = re.compile(r"%[89A-Fa-f][0-9A-Fa-f]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_HTML_SPLIT = re.compile(r"&#?[0-9A-Za-z]+;|[#?]")
_SAFE_ASCII = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/!$'*+,;=:@"
)
_BARE_UNSAFE = frozenset(' ()<>\\"`')
FRAME_PREFIXES = ("^frame=", "^clippedframe=")


@dataclass(frozen=True)
class Target:
    """A decoded link target and how it was written."""

    path: str  # the file path it names, decoded
    suffix: str  # "?query#fragment" exactly as written (empty when none)
    fragment: str  # the decoded fragment, without '#'
    angle: bool = False  # written as <...>
    percent: bool = False  # percent-encoded
    percent_non_ascii: bool = False  # non-ASCII characters are percent-encoded

    def suffix_without_fragment(self) -> str:
        return self.suffix.split("#", 1)[0]


def is_external(path: str) -> bool:
    """A URL with a scheme (``https:``, ``data:``, ``mailto:``; also ``C:``) or ``//host``."""
    return path.startswith("//") or _SCHEME.match(path) is not None


def percent_decode(text: str) -> str:
    return unquote(text) if "%" in text else text


def _style(path_raw: str) -> tuple[bool, bool]:
    percent = _PERCENT.search(path_raw) is not None
    if not percent:
        return False, False
    raw_non_ascii = not path_raw.isascii()
    return True, not raw_non_ascii


def decode_markdown(raw: str) -> Target:
    """Decode a Markdown link destination (as written, with any ``<…>``)."""
    angle = len(raw) >= 2 and raw[0] == "<" and raw[-1] == ">"
    inner = raw[1:-1] if angle else raw
    cut = len(inner)
    for sep in "#?":
        i = inner.find(sep)
        if 0 <= i < cut:
            cut = i
    path_raw, suffix = inner[:cut], inner[cut:]
    percent, non_ascii = _style(path_raw)
    path = percent_decode(unescapeAll(path_raw))
    fragment = percent_decode(unescapeAll(suffix.split("#", 1)[1])) if "#" in suffix else ""
    return Target(path, suffix, fragment, angle, percent, non_ascii)


def decode_html(raw: str) -> Target:
    """Decode an HTML attribute value (without its quotes)."""
    cut = len(raw)
    for m in _HTML_SPLIT.finditer(raw):
        if len(m.group(0)) == 1:
            cut = m.start()
            break
    path_raw, suffix = raw[:cut], raw[cut:]
    percent, non_ascii = _style(path_raw)
    path = percent_decode(html.unescape(path_raw))
    fragment = percent_decode(html.unescape(suffix.split("#", 1)[1])) if "#" in suffix else ""
    return Target(path, suffix, fragment, False, percent, non_ascii)


def percent_encode(path: str, non_ascii: bool) -> str:
    """Percent-encode what a URL path cannot hold raw; non-ASCII too when ``non_ascii``."""
    out: list[str] = []
    for ch in path:
        if ch in _SAFE_ASCII:
            out.append(ch)
        elif ch.isascii():
            out.append(f"%{ord(ch):02X}")
        elif non_ascii:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        else:
            out.append(ch)
    return "".join(out)


def needs_angle(path: str) -> bool:
    """True when a bare Markdown destination could not hold ``path`` as it is."""
    return any(ch in _BARE_UNSAFE or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path)


def _must_encode(path: str) -> bool:
    """A path that only percent-encoding can write: it holds '#', '?' or a literal '%XX'."""
    return "#" in path or "?" in path or _PERCENT.search(path) is not None


def _escape_entities(text: str) -> str:
    return _ENTITY_LIKE.sub(r"\\&", text) if "&" in text else text


def encode_markdown(path: str, like: Target, suffix: str = "") -> str:
    """Write ``path`` (+ ``suffix`` as written) as a Markdown destination in ``like``'s style."""
    percent = like.percent or _must_encode(path)
    if percent:
        text = percent_encode(path, like.percent_non_ascii)
        if not like.angle:
            return text + suffix
        return "<" + text + suffix + ">"
    if like.angle or needs_angle(path):
        inner = path.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")
        return "<" + _escape_entities(inner) + suffix + ">"
    return _escape_entities(path) + suffix


def encode_html(path: str, like: Target, quote: str, suffix: str = "") -> str:
    """Write ``path`` (+ ``suffix``) as an HTML attribute value in ``like``'s style."""
    percent = like.percent or _must_encode(path)
    text = percent_encode(path, like.percent_non_ascii) if percent else path
    if not quote:
        text = "".join(f"%{ord(ch):02X}" if ch in " \t\r\n\f\"'=<>`" else ch for ch in text)
    text = text.replace("&", "&amp;")
    if quote == '"':
        text = text.replace('"', "&quot;")
    elif quote == "'":
        text = text.replace("'", "&#39;")
    return text + suffix


def frame_name(fragment: str) -> str | None:
    """The frame a ``#^frame=Name`` (or ``#^clippedframe=Name``) fragment asks for."""
    for prefix in FRAME_PREFIXES:
        if fragment.startswith(prefix):
            name = fragment[len(prefix) :].strip()
            return name or None
    return None


def split_wikilink(inner: str) -> tuple[int, int]:
    """(end of the target, start of the alias) in a wikilink's inner text.

    The alias follows the first ``|`` (written ``\\|`` inside tables); without one both are
    ``len(inner)``.
    """
    bar = inner.find("|")
    if bar < 0:
        return len(inner), len(inner)
    end = bar - 1 if bar > 0 and inner[bar - 1] == "\\" else bar
    return end, bar + 1
