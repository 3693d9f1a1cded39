"""The fontconfig Chromium runs with: the machine's own, with how glyphs are rendered pinned.

On Linux, Chromium asks fontconfig how to render every font, the page's own web fonts included:
hinting, anti-aliasing, sub-pixel order. Those settings differ between machines (distributions,
desktops and users' ``~/.config/fontconfig`` set them), and they change text widths, not only
pixels: with full hinting, Liberation Sans at 14 px measures "Inference" 60 px wide instead of
58.37 px, so a frame title's SVG and every PNG would differ (``--font-render-hinting`` does not
reach new headless Chromium). Chromium gets a configuration file that includes the one the
machine uses (``$FONTCONFIG_FILE``, else the system's) and then assigns fixed settings to every
font, after anything it includes. The machine's fonts stay available for characters that none of
the page's bundled fonts has.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path
from xml.sax.saxutils import escape

SYSTEM_CONFIG = Path("/etc/fonts/fonts.conf")

# Unhinted, grey-scale anti-aliased outlines: the same glyphs and advances on every machine.
RENDER_SETTINGS = (
    ("antialias", "<bool>true</bool>"),
    ("hinting", "<bool>false</bool>"),
    ("hintstyle", "<const>hintnone</const>"),
    ("autohint", "<bool>false</bool>"),
    ("rgba", "<const>none</const>"),
    ("lcdfilter", "<const>lcdnone</const>"),
    ("embeddedbitmap", "<bool>false</bool>"),
    ("embolden", "<bool>false</bool>"),
)

_lock = threading.Lock()
_written: dict[str, Path] = {}


def machine_config(environ: dict[str, str]) -> Path:
    """The configuration file fontconfig would read for this environment."""
    named = environ.get("FONTCONFIG_FILE")
    if named:
        path = Path(named)
        if not path.is_absolute():
            path = Path(environ.get("FONTCONFIG_PATH") or SYSTEM_CONFIG.parent) / path
        return path
    if environ.get("FONTCONFIG_PATH"):
        return Path(environ["FONTCONFIG_PATH"]) / "fonts.conf"
    return SYSTEM_CONFIG


def pinned_config(include: Path) -> str:
    """A fonts.conf that includes ``include``, then pins the render settings of every font."""
    edits = "".join(
        f'<edit name="{name}" mode="assign">{value}</edit>' for name, value in RENDER_SETTINGS
    )
    return (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        f'  <include ignore_missing="yes">{escape(str(include))}</include>\n'
        f'  <match target="pattern">{edits}</match>\n'
        f'  <match target="font">{edits}</match>\n'
        "</fontconfig>\n"
    )


def chromium_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Chromium is started with: ``environ`` (default: this process's) with
    ``FONTCONFIG_FILE`` naming the pinned configuration (written once per process and
    included file, removed at exit)."""
    env = dict(os.environ if environ is None else environ)
    include = machine_config(env)
    key = str(include)
    with _lock:
        path = _written.get(key)
        if path is None or not path.is_file():
            folder = Path(tempfile.mkdtemp(prefix="diagrams-fontconfig-"))
            atexit.register(shutil.rmtree, folder, True)
            path = folder / "fonts.conf"
            path.write_text(pinned_config(include), encoding="utf-8")
            _written[key] = path
    env["FONTCONFIG_FILE"] = str(path)
    return env
