"""The render page: the bundle, its HTML and Excalidraw's fonts, built by `make page`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import EnvironmentProblem
from ..installation import page_fix
from .coverage import FontCoverage

PAGE_DIR = Path(__file__).parent / "page"
SOURCE_FILE = Path(__file__).parent / "page-source.json"
BUILD_HINT = page_fix("build it with `make page` (or `cd js && npm ci && node build.mjs`)")


@dataclass(frozen=True)
class PageManifest:
    """What `js/build.mjs` wrote: the Excalidraw version, a digest of every file, the files."""

    directory: Path
    excalidraw: str
    digest: str
    files: frozenset[str]
    csp: str | None = (
        None  # the Content-Security-Policy the page is served with (older pages: none)
    )

    source: str | None = None  # the digest of the sources it was built from
    coverage: FontCoverage | None = None  # what its fonts draw (older pages: not recorded)

    @property
    def identity(self) -> str:
        """The renderer's identity for input digests (see :func:`renderer_identity`)."""
        return renderer_identity()


@lru_cache(maxsize=4)
def load_manifest(directory: Path = PAGE_DIR) -> PageManifest:
    path = directory / "manifest.json"
    try:
        data = json.loads(path.read_text("utf-8"))
        return PageManifest(
            directory=directory,
            excalidraw=str(data["excalidraw"]),
            digest=str(data["digest"]),
            files=frozenset(str(f) for f in data["files"]),
            csp=str(data["csp"]) if data.get("csp") else None,
            source=str(data["source"]) if data.get("source") else None,
            coverage=FontCoverage.from_manifest(data.get("coverage")),
        )
    except FileNotFoundError:
        raise EnvironmentProblem(
            "the render page is not built", file=path.parent, fix=BUILD_HINT
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise EnvironmentProblem(
            f"the render page's manifest is damaged ({exc})", file=path, fix=BUILD_HINT
        ) from None


def page_coverage(directory: Path = PAGE_DIR) -> FontCoverage | None:
    """What the built page's fonts draw; None when the page is not built (the renderer reports
    that itself) or was built before its manifest recorded it."""
    try:
        return load_manifest(directory).coverage
    except EnvironmentProblem:
        return None


@lru_cache(maxsize=1)
def page_source() -> tuple[str, str]:
    """(Excalidraw version, digest of the render page's sources), from the committed
    ``page-source.json`` that `js/build.mjs` writes: known without Node or a built page."""
    try:
        data = json.loads(SOURCE_FILE.read_text("utf-8"))
        return str(data["excalidraw"]), str(data["source"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EnvironmentProblem(
            f"cannot read the render page's source digest ({exc})",
            file=SOURCE_FILE,
            fix=BUILD_HINT,
        ) from None


@lru_cache(maxsize=1)
def page_versions() -> dict[str, str]:
    """The versions of the libraries in the render page, from ``page-source.json``:
    ``excalidraw``, and ``mathjax`` (the formula renderer) for pages that bundle it."""
    page_source()  # the same file: fails with its error when it cannot be read
    data = json.loads(SOURCE_FILE.read_text("utf-8"))
    return {k: str(data[k]) for k in ("excalidraw", "mathjax") if k in data}


def renderer_identity() -> str:
    """What every rendering job's digest includes: Excalidraw's version, the formula renderer's
    (MathJax), and the digest of the render page's sources (which covers both libraries' exact
    packages and our page code). Change any and every rendered output is stale. This package's
    version is not part of it: a release that changes no output leaves every output current
    (what the Python side adds to a scene is versioned by each kind, see `SourceKind.version`)."""
    excalidraw, source = page_source()
    mathjax = page_versions().get("mathjax")
    formulas = f"; mathjax {mathjax}" if mathjax else ""
    return f"excalidraw {excalidraw}{formulas}; page {source}"


def check_page_current(manifest: PageManifest) -> None:
    """Refuse to render with a page built from other sources than this package's: its outputs
    would be recorded under the wrong renderer identity."""
    _, source = page_source()
    if manifest.source != source:
        raise EnvironmentProblem(
            "the render page was built from older or other sources than this package's",
            file=manifest.directory,
            fix=BUILD_HINT,
        )
