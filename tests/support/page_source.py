"""The render page's source digest as the build backend computes it (``build_backend/
page_backend.py``, which ``js/build.mjs`` matches): tests compare it with what was committed."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from locations import REPO

JS_DIR = REPO / "js"  # a source checkout's page sources
BACKEND = REPO / "build_backend" / "page_backend.py"


def backend() -> ModuleType:
    """The in-tree build backend, loaded from its file (it is no package of ours)."""
    spec = importlib.util.spec_from_file_location("page_backend", BACKEND)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compute_page_source(js_dir: Path = JS_DIR) -> str:
    """The digest ``js/build.mjs`` writes into page-source.json, from the sources in ``js_dir``."""
    return backend().source_digest(js_dir)
