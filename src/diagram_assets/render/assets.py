"""The render page: the bundle, its HTML and Excalidraw's fonts, built by `make page`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..errors import EnvironmentProblem

PAGE_DIR = Path(__file__).parent / "page"
BUILD_HINT = "build it with `make page` (or `cd js && npm ci && node build.mjs`)"


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

    @property
    def identity(self) -> str:
        """The renderer's identity for input digests: our version, Excalidraw's, the page's."""
        return f"diagram-assets {__version__}; excalidraw {self.excalidraw}; page {self.digest}"


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
        )
    except FileNotFoundError:
        raise EnvironmentProblem(
            "the render page is not built", file=path.parent, fix=BUILD_HINT
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise EnvironmentProblem(
            f"the render page's manifest is damaged ({exc})", file=path, fix=BUILD_HINT
        ) from None
