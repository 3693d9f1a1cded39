"""The build backend of diagram-assets: setuptools' own, plus the render page.

The render page (``src/diagram_assets/render/page/``: Excalidraw bundled for headless Chromium,
and its fonts) is built from ``js/`` by Node and is not committed. A wheel or sdist without it
installs a tool that cannot render, so before setuptools builds either, this backend makes sure
the page is there and built from the current ``js/`` sources: when it is missing or stale it runs
``npm ci`` and ``node build.mjs`` in ``js/`` (what ``make page`` does), and when Node or npm is
missing it stops with a message saying so. After the build it checks that the archive holds
every file of the page. Editable installs (``pip install -e .``, used by ``make``) are left to
setuptools as they are: ``make page`` builds the page in place.

An sdist carries the built page and the ``js/`` sources (MANIFEST.in), so a wheel built from it
finds the page current and needs no Node. Set in pyproject.toml with ``backend-path``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from setuptools import build_meta
from setuptools.build_meta import *  # noqa: F403  (every hook this module does not wrap)

ROOT = Path(__file__).resolve().parent.parent
JS = ROOT / "js"
PAGE = ROOT / "src" / "diagram_assets" / "render" / "page"
PAGE_IN_ARCHIVE = "diagram_assets/render/page/"
NODE_MAJOR = 18  # esbuild's minimum


class PageBuildError(RuntimeError):
    """The render page could not be built; the message says why and what to install."""


def source_digest(js_dir: Path = JS) -> str:
    """The digest of the page's sources, as ``js/build.mjs`` computes it into page-source.json
    (tests/test_installation.py keeps the two equal)."""
    names = ["build.mjs", "package-lock.json"] + [
        f"src/{p.name}" for p in sorted((js_dir / "src").iterdir(), key=lambda p: p.name)
    ]
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0".encode())
        digest.update((js_dir / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def page_problem(page: Path = PAGE, js_dir: Path = JS) -> str | None:
    """Why the built page cannot be packaged as it is, or None when it is complete and current."""
    try:
        manifest = json.loads((page / "manifest.json").read_text("utf-8"))
        files = [str(f) for f in manifest["files"]]
    except (OSError, ValueError, KeyError, TypeError):
        return "the render page is not built"
    missing = [f for f in files if not (page / f).is_file()]
    if missing:
        return f"{len(missing)} files of the render page are missing (e.g. {missing[0]})"
    if manifest.get("source") != source_digest(js_dir):
        return "the render page was built from other sources than js/"
    return None


def _run(command: list[str], why: str) -> None:
    print(f"diagram-assets: {why}: {' '.join(command)} (in js/)", file=sys.stderr, flush=True)
    try:
        # npm's and Node's output go to stderr, which build front-ends show on failure
        subprocess.run(command, cwd=JS, check=True, stdout=sys.stderr)
    except subprocess.CalledProcessError as exc:
        network = "; `npm ci` needs the npm registry" if command[1] == "ci" else ""
        raise PageBuildError(
            f"building the render page failed: `{' '.join(command)}` in js/ exited with "
            f"{exc.returncode} (its output is above){network}"
        ) from None


def ensure_page() -> None:
    """Build the render page unless it is complete and built from the current js/ sources."""
    problem = page_problem()
    if problem is None:
        return
    if not (JS / "package.json").is_file():
        raise PageBuildError(f"{problem}, and there are no js/ sources to build it from")
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        raise PageBuildError(
            f"{problem}; building it needs Node.js ({NODE_MAJOR} or newer) and npm, which were "
            "not found on PATH. Install them (Debian/Ubuntu: `sudo apt-get install nodejs npm`) "
            "and build again: diagram-assets is not packaged without its render page."
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = version.lstrip("v").split(".")[0]
    if not major.isdigit() or int(major) < NODE_MAJOR:
        raise PageBuildError(
            f"{problem}; building it needs Node.js {NODE_MAJOR} or newer, found {node} "
            f"{version or '(no version)'}: install a newer Node.js and build again"
        )
    installed = JS / "node_modules" / ".package-lock.json"
    inputs = [JS / "package.json", JS / "package-lock.json"]
    if not installed.is_file() or any(
        p.stat().st_mtime > installed.stat().st_mtime for p in inputs
    ):
        _run([npm, "ci", "--no-audit", "--no-fund"], f"{problem}; installing its npm packages")
    _run([node, "build.mjs"], f"{problem}; building it")
    problem = page_problem()
    if problem is not None:
        raise PageBuildError(f"after `node build.mjs`: {problem}")


def _expected_files() -> list[str]:
    manifest = json.loads((PAGE / "manifest.json").read_text("utf-8"))
    return ["manifest.json", *manifest["files"]]


def _check_archive(names: list[str], prefix: str, archive: Path) -> None:
    present = set(names)
    missing = [f for f in _expected_files() if prefix + PAGE_IN_ARCHIVE + f not in present]
    if missing:
        archive.unlink()
        raise PageBuildError(
            f"{archive.name} lacked {len(missing)} files of the render page "
            f"(e.g. {missing[0]}); removed it: check package-data in pyproject.toml"
        )


def _ensure_page_or_exit() -> None:
    """ensure_page(), ending the build with its one-paragraph message instead of a traceback."""
    try:
        ensure_page()
    except PageBuildError as exc:
        raise SystemExit(f"error: diagram-assets: {exc}") from None


def build_wheel(
    wheel_directory: str,
    config_settings: dict | None = None,
    metadata_directory: str | None = None,
) -> str:
    _ensure_page_or_exit()
    # setuptools copies package files into build/lib and packs all of it: drop an older page
    shutil.rmtree(ROOT / "build" / "lib" / PAGE_IN_ARCHIVE, ignore_errors=True)
    name = build_meta.build_wheel(wheel_directory, config_settings, metadata_directory)
    path = Path(wheel_directory) / name
    with zipfile.ZipFile(path) as wheel:
        _check_archive(wheel.namelist(), "", path)
    return name


def build_sdist(sdist_directory: str, config_settings: dict | None = None) -> str:
    _ensure_page_or_exit()
    name = build_meta.build_sdist(sdist_directory, config_settings)
    path = Path(sdist_directory) / name
    with tarfile.open(path) as sdist:
        names = sdist.getnames()
    top = names[0].split("/")[0] + "/"
    _check_archive(names, top + "src/", path)
    for needed in ("js/package.json", "js/package-lock.json", "js/build.mjs", "js/src/page.js"):
        if top + needed not in names:
            path.unlink()
            raise PageBuildError(f"{path.name} lacked {needed}; check MANIFEST.in")
    return name
