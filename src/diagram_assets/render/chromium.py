"""Finding a Chromium to drive. Nothing is ever downloaded at run time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..errors import EnvironmentProblem

ENV_VAR = "DIAGRAMS_CHROMIUM"

# Debian's /usr/bin/chromium is a shell wrapper adding its own flags; the real binary comes first.
SYSTEM_CANDIDATES = (
    "/usr/lib/chromium/chromium",
    "/usr/lib/chromium-browser/chromium-browser",
    "chromium",
    "chromium-browser",
    "google-chrome-stable",
    "google-chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)

INSTALL_HINT = (
    "install one (Debian/Ubuntu: `sudo apt-get install chromium`; or `playwright install chromium` "
    f"where downloads are allowed) or point {ENV_VAR} at a Chromium or Chrome binary"
)


def _playwright_browsers() -> Path:
    """Where Playwright keeps the browsers `playwright install` downloaded."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured and configured != "0":
        return Path(configured)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "ms-playwright"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ms-playwright"


_PLAYWRIGHT_BINARIES = (
    "chrome-linux64/chrome",
    "chrome-linux/chrome",
    "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
    "chrome-mac-arm64/Chromium.app/Contents/MacOS/Chromium",
    "chrome-win/chrome.exe",
    "chrome-win64/chrome.exe",
)


def _playwright_chromium() -> Path | None:
    """Playwright's own downloaded Chromium, when one is installed: looked up on disk (newest
    revision first), without starting Playwright's driver and never downloading anything."""
    base = _playwright_browsers()

    def revision(folder: Path) -> int:
        suffix = folder.name.rsplit("-", 1)[-1]
        return int(suffix) if suffix.isdigit() else -1

    try:
        folders = sorted(base.glob("chromium-*"), key=revision, reverse=True)
    except OSError:
        return None
    for folder in folders:
        for name in _PLAYWRIGHT_BINARIES:
            path = folder / name
            if path.is_file() and os.access(path, os.X_OK):
                return path
    return None


def find_chromium(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The Chromium binary: the explicit setting, $DIAGRAMS_CHROMIUM, Playwright's, the system's."""
    for label, value in (("the chromium setting", explicit), (ENV_VAR, os.environ.get(ENV_VAR))):
        if value:
            path = Path(shutil.which(str(value)) or value)
            if path.is_file() and os.access(path, os.X_OK):
                return path
            raise EnvironmentProblem(
                f"{label} points at {value}, which is not an executable file", fix=INSTALL_HINT
            )
    found = _playwright_chromium()
    if found:
        return found
    for candidate in SYSTEM_CANDIDATES:
        resolved = shutil.which(candidate) if "/" not in candidate else candidate
        if resolved and Path(resolved).is_file() and os.access(resolved, os.X_OK):
            return Path(resolved)
    raise EnvironmentProblem("no Chromium or Chrome found", fix=INSTALL_HINT)


def chromium_version(path: Path) -> str:
    """The version string the binary prints, e.g. 'Chromium 156.0.8078.73'."""
    try:
        out = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc})"
    return (out.stdout.strip() or out.stderr.strip() or "unknown").splitlines()[-1]
