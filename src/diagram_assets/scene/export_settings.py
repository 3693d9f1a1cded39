"""The export settings a drawing carries itself, as the Obsidian plugin keeps them.

An Obsidian drawing (``*.excalidraw.md``) may say in its front matter how it is exported::

    ---
    excalidraw-plugin: parsed
    excalidraw-export-dark: true
    excalidraw-export-transparent: false
    excalidraw-export-padding: 20        # older files: excalidraw-export-svgpadding
    excalidraw-export-pngscale: 3
    excalidraw-export-embed-scene: true
    ---

The plugin writes ``true``/``false`` and numbers; it reads the padding as a whole number (a new
``excalidraw-export-padding`` before the old ``excalidraw-export-svgpadding``) and the scale as
a positive number. Only the front matter block is read (planning stays cheap), with a simple
``key: value`` reader: these keys are never nested or spread over lines.

An image with an embedded scene (``*.excalidraw.svg``/``.png``) keeps the theme it was exported
in: Excalidraw marks a dark SVG export with its dark-mode filter on the root element, and a
scene saved by the plugin (or with Excalidraw's local appState) has ``exportWithDarkMode`` or
``theme``. :func:`saved_dark` tells whether such an image was exported dark.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SceneError
from ..render.options import PADDING, SCALE

FRONT_MATTER_LIMIT = 256 * 1024  # a front matter longer than this is not read (none is)
_KEY_LINE = re.compile(r"^(excalidraw-export-[A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$")
_THEME_FILTER = "invert(93%) hue-rotate(180deg)"


@dataclass(frozen=True)
class Setting:
    """One front matter key: the option it sets and how its value is read."""

    option: str
    accepted: str  # the values it takes, as said in errors
    read: Callable[[str], Any]  # raises ValueError for a bad value


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    raise ValueError(text)


def _padding(text: str) -> int:
    value = int(text)
    if value not in PADDING:
        raise ValueError(text)
    return value


def _scale(text: str) -> float:
    value = float(text)
    if value != value or value not in SCALE:  # NaN, or out of range
        raise ValueError(text)
    return int(value) if value.is_integer() else value


_BOOLEAN = "true or false"
SETTINGS: dict[str, Setting] = {
    "excalidraw-export-dark": Setting("dark", _BOOLEAN, _boolean),
    "excalidraw-export-transparent": Setting("transparent", _BOOLEAN, _boolean),
    "excalidraw-export-embed-scene": Setting("embed_scene", _BOOLEAN, _boolean),
    "excalidraw-export-padding": Setting(
        "padding", f"a whole number in {PADDING.text()}", _padding
    ),
    "excalidraw-export-svgpadding": Setting(
        "padding", f"a whole number in {PADDING.text()}", _padding
    ),
    "excalidraw-export-pngscale": Setting("scale", f"a number in {SCALE.text()}", _scale),
}
_OLD_NAMES = {"excalidraw-export-svgpadding": "excalidraw-export-padding"}


def front_matter_lines(path: Path) -> list[tuple[int, str]]:
    """The lines of the front matter block (1-based line numbers), or none when the file does
    not start with ``---``. Reads only as far as the block's closing ``---``."""
    with path.open("rb") as fh:
        head = fh.read(FRONT_MATTER_LIMIT)
    text = head.decode("utf-8", "replace").lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].rstrip() != "---":
        return []
    out: list[tuple[int, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            return out
        out.append((number, line))
    return []  # no closing line within the limit: no front matter


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        return raw[1:-1].strip()
    comment = raw.find(" #")
    return raw[:comment].rstrip() if comment >= 0 else raw


def read_export_settings(path: Path, shown: str | Path | None = None) -> dict[str, Any]:
    """The options the front matter of an Obsidian drawing sets (option name → value).

    ``excalidraw-export-padding`` wins over the older ``excalidraw-export-svgpadding``. A value
    that is not one the key takes is a one-line error naming the file, the line, the key and
    the values it takes. Unknown ``excalidraw-export-*`` keys are left alone (the plugin has
    others: ``excalidraw-export-internal-links``…).
    """
    found: dict[str, tuple[int, Any]] = {}
    for number, line in front_matter_lines(path):
        m = _KEY_LINE.match(line)
        if m is None or m.group(1) not in SETTINGS:
            continue
        key, raw = m.group(1), _unquote(m.group(2))
        setting = SETTINGS[key]
        try:
            value = setting.read(raw)
        except ValueError:
            shown_value = raw if raw else "(empty)"
            raise SceneError(
                f"front matter {key}: {shown_value!r} is not {setting.accepted}",
                file=shown if shown is not None else path,
                place=f"line {number}",
                fix=f"write {key}: {'true' if setting.accepted == _BOOLEAN else '…'} "
                f"({setting.accepted}), or remove the line",
            ) from None
        found[key] = (number, value)
    out: dict[str, Any] = {}
    for key, (_, value) in sorted(found.items(), key=lambda kv: kv[0] in _OLD_NAMES.values()):
        # old names first, so the new name overwrites them
        out[SETTINGS[key].option] = value
    return out


def saved_dark(path: Path, app_state: dict[str, Any]) -> bool:
    """True when an image with an embedded scene was exported in dark mode: its appState says
    so (``exportWithDarkMode``, else ``theme``), or, for an SVG, Excalidraw's dark-mode filter
    sits on the root ``<svg>`` element."""
    flag = app_state.get("exportWithDarkMode")
    if isinstance(flag, bool):
        return flag
    if app_state.get("theme") == "dark":
        return True
    if path.name.lower().endswith(".svg"):
        with path.open("rb") as fh:
            head = fh.read(64 * 1024).decode("utf-8", "replace")
        start = head.find("<svg")
        end = head.find(">", start)
        if start >= 0 and end > start:
            return _THEME_FILTER in head[start:end]
    return False
