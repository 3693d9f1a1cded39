"""Shared fixtures: one real Chromium for the whole run, scene builders, the shared corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from diagram_assets.render import Renderer
from locations import CORPUS


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS}); set DIAGRAMS_CORPUS to run these")
    return CORPUS


@pytest.fixture(scope="session")
def renderer() -> Iterator[Renderer]:
    """One warm browser shared by every rendering test (as `diagrams build` uses it)."""
    with Renderer(timeout=120) as r:
        yield r
