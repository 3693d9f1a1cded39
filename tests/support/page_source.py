"""The render page's source digest recomputed from a source checkout, the way `js/build.mjs`
computes it, to check the committed ``page-source.json`` against the ``js/`` sources."""

from __future__ import annotations

import hashlib
from pathlib import Path

JS_DIR = Path(__file__).resolve().parents[2] / "js"  # in a source checkout


def compute_page_source(js_dir: Path = JS_DIR) -> str:
    """The digest `js/build.mjs` computes, recomputed from a source checkout."""
    names = ["build.mjs", "package-lock.json"] + [
        f"src/{p.name}" for p in sorted((js_dir / "src").iterdir(), key=lambda p: p.name)
    ]
    digest = hashlib.sha256()
    for name in names:
        digest.update(f"{name}\0".encode())
        digest.update((js_dir / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()
