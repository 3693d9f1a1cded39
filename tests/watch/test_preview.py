"""The preview gallery's page: file names that need encoding, failing sources first, and the
error count on top."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from diagram_assets.watch import JobState, PreviewServer, WatchState

NAMES = ["a#b.png", "what?.png", "100%.png", "with space.png", "日本.png"]


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def state(tmp_path: Path) -> WatchState:
    out = tmp_path / "attachments"
    out.mkdir()
    state = WatchState(output="attachments", builds=3)
    for index, name in enumerate(NAMES):
        (out / name).write_bytes(png("#a5d8ff"))
        source = f"diagrams/{name.removesuffix('.png')}.excalidraw"
        state.jobs[source] = JobState(
            source, outputs=[f"attachments/{name}"], digests={f"attachments/{name}": f"{index:064}"}
        )
    for source in ("diagrams/zz.excalidraw", "diagrams/mm.excalidraw"):
        state.jobs[source] = JobState(source, error=f"{source}: line 1: not valid JSON")
    return state


@pytest.fixture
def server(state: WatchState, tmp_path: Path) -> Iterator[PreviewServer]:
    server = PreviewServer(state, tmp_path, 0)
    yield server
    server.close()


def test_failing_sources_come_first_and_are_counted(server: PreviewServer) -> None:
    snapshot = server.snapshot()
    assert [job["source"] for job in snapshot["jobs"][:2]] == [
        "diagrams/mm.excalidraw",
        "diagrams/zz.excalidraw",
    ]
    assert all(job["error"] is None for job in snapshot["jobs"][2:])
    assert snapshot["errors"] == 2


@pytest.mark.browser
def test_the_page_shows_every_image_and_the_errors_on_top(server: PreviewServer) -> None:
    from playwright.sync_api import sync_playwright

    from diagram_assets.render import find_chromium

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(find_chromium()))
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 600})
            page.goto(server.url)
            page.wait_for_selector("#errors:not([hidden])")
            assert page.text_content("#errors") == "2 errors"
            cards = page.eval_on_selector_all("section.card", "s => s.map(c => c.dataset.source)")
            assert cards[:2] == ["diagrams/mm.excalidraw", "diagrams/zz.excalidraw"]
            for name in NAMES:
                selector = f'img[alt="attachments/{name}"]'
                page.wait_for_function(
                    "s => { const i = document.querySelector(s); return i && i.complete; }",
                    arg=selector,
                )
                width = page.eval_on_selector(selector, "i => i.naturalWidth")
                assert width == 40, f"{name}: {page.get_attribute(selector, 'src')}"
        finally:
            browser.close()
