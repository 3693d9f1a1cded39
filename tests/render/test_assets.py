"""The render page's identity comes from its committed sources, and a stale page is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest

from diagram_assets.errors import EnvironmentProblem
from diagram_assets.render.assets import (
    check_page_current,
    load_manifest,
    page_source,
    renderer_identity,
)
from support.page_source import JS_DIR, compute_page_source


@pytest.mark.skipif(not JS_DIR.is_dir(), reason="not a source checkout (no js/ folder)")
def test_committed_page_source_matches_the_js_sources() -> None:
    """`make page` rewrites page-source.json; a change to js/ without it is caught here."""
    assert page_source()[1] == compute_page_source(), "run `make page` and commit page-source.json"


def test_identity_needs_no_built_page() -> None:
    excalidraw, source = page_source()
    identity = renderer_identity()
    assert excalidraw in identity and source in identity


def test_a_page_built_from_other_sources_is_refused() -> None:
    manifest = load_manifest()
    check_page_current(manifest)
    with pytest.raises(EnvironmentProblem, match="older or other sources"):
        check_page_current(replace(manifest, source="0" * 64))
    with pytest.raises(EnvironmentProblem, match="make page"):
        check_page_current(replace(manifest, source=None))
