"""`diagrams doctor`: is this machine ready to render? Each check says what to fix."""

from __future__ import annotations

import platform
import shutil
import subprocess
import time
from dataclasses import dataclass
from importlib.metadata import version as package_version

from . import __version__
from .errors import DiagramsError
from .installation import page_fix
from .render import Renderer, RenderOptions, chromium_version, find_chromium, load_manifest
from .render.assets import check_page_current
from .scene.model import Scene


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _probe_scene() -> Scene:
    """Text in Excalifont (Latin and CJK, which falls back to Xiaolai) and in Nunito, one box."""
    base = {
        "angle": 0, "strokeColor": "#1e1e1e", "backgroundColor": "transparent",
        "fillStyle": "solid", "strokeWidth": 2, "strokeStyle": "solid", "roughness": 1,
        "opacity": 100, "groupIds": [], "frameId": None, "roundness": None, "version": 1,
        "versionNonce": 1, "isDeleted": False, "boundElements": None, "updated": 1,
        "link": None, "locked": False,
    }  # fmt: skip
    text = {**base, "type": "text", "fontSize": 20, "textAlign": "left", "verticalAlign": "top",
            "containerId": None, "lineHeight": 1.25, "autoResize": True}  # fmt: skip
    return Scene(
        elements=[
            {
                **base,
                "id": "box",
                "type": "rectangle",
                "x": 0,
                "y": 0,
                "width": 220,
                "height": 110,
                "seed": 1,
            },
            {
                **text,
                "id": "latin",
                "x": 10,
                "y": 10,
                "width": 120,
                "height": 25,
                "seed": 2,
                "text": "Hello",
                "originalText": "Hello",
                "fontFamily": 5,
            },
            {
                **text,
                "id": "cjk",
                "x": 10,
                "y": 40,
                "width": 80,
                "height": 25,
                "seed": 3,
                "text": "你好",
                "originalText": "你好",
                "fontFamily": 5,
            },
            {
                **text,
                "id": "nunito",
                "x": 10,
                "y": 70,
                "width": 120,
                "height": 25,
                "seed": 4,
                "text": "Nunito",
                "originalText": "Nunito",
                "fontFamily": 6,
            },
        ],
        app_state={"viewBackgroundColor": "#ffffff"},
    )


def run_checks() -> list[Check]:
    checks = [
        Check(
            "versions",
            True,
            f"diagram-assets {__version__}, playwright {package_version('playwright')}, "
            f"Python {platform.python_version()}",
        )
    ]
    chromium_ok = page_ok = False
    try:
        path = find_chromium()
        checks.append(Check("chromium", True, f"{path} ({chromium_version(path)})"))
        chromium_ok = True
    except DiagramsError as exc:
        checks.append(Check("chromium", False, exc.what, exc.fix or ""))
    try:
        manifest = load_manifest()
        missing = [f for f in manifest.files if not (manifest.directory / f).is_file()]
        fonts = sum(1 for f in manifest.files if f.endswith(".woff2"))
        if missing:
            checks.append(
                Check(
                    "render page",
                    False,
                    f"{len(missing)} of its files are missing (e.g. {sorted(missing)[0]})",
                    page_fix("rebuild it with `make page`"),
                )
            )
        else:
            check_page_current(manifest)
            checks.append(
                Check(
                    "render page",
                    True,
                    f"Excalidraw {manifest.excalidraw}, {fonts} font files, "
                    f"built from sources {manifest.source and manifest.source[:12]}",
                )
            )
            page_ok = True
    except DiagramsError as exc:
        checks.append(Check("render page", False, exc.what, exc.fix or ""))
    checks.append(_cjk_font_check())
    if chromium_ok and page_ok:
        checks.append(_render_check())
    else:
        checks.append(Check("test render", False, "skipped", "fix the checks above first"))
    return checks


def _cjk_font_check() -> Check:
    fix = "install a CJK font (Debian: `sudo apt-get install fonts-noto-cjk`)"
    if not shutil.which("fc-list"):
        return Check("CJK font", True, "fc-list not found; cannot tell (only matters on Linux)")
    try:
        out = subprocess.run(
            ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return Check("CJK font", False, "fc-list failed", fix)
    families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    if not families:
        return Check("CJK font", False, "no system font covers Chinese", fix)
    return Check("CJK font", True, f"{len(families)} families, e.g. {families[0]}")


def _render_check() -> Check:
    started = time.perf_counter()
    try:
        with Renderer(pages=1, timeout=60) as renderer:
            result = renderer.render(_probe_scene(), RenderOptions())
    except DiagramsError as exc:
        return Check("test render", False, exc.what, exc.fix or "")
    seconds = time.perf_counter() - started
    image = result.whole
    svg = (image.svg or b"").decode() if image else ""
    embedded = svg.count("@font-face")
    if not image or not image.png or embedded < 2 or "base64" not in svg:
        return Check(
            "test render",
            False,
            f"fonts were not embedded in the SVG ({embedded} @font-face rules)",
            page_fix("rebuild the render page with `make page`"),
        )
    return Check(
        "test render",
        True,
        f"offline SVG + PNG in {seconds:.2f} s (browser start included), "
        f"{embedded} embedded font faces, PNG {image.png_size[0]}x{image.png_size[1]}"
        if image.png_size
        else "ok",
    )
