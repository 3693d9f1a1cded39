"""Chromium faults during a real build: the browser killed (SIGKILL) mid-build, a drawing that
kills it every time, and a render that never answers."""

from __future__ import annotations

import contextvars
import os
import signal
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from diagram_assets.config import load_config
from diagram_assets.pipeline import JobOutcome, Reporter, build, check
from diagram_assets.render import Renderer, RenderOptions
from diagram_assets.render.pool import PooledPage
from helpers import element, scene_of, text, write_scene

pytestmark = pytest.mark.browser

MARK = "FAULT-INJECTED-HERE"


def drawing(label: str):
    return scene_of(
        element("rectangle", "box", 0, 0, 220, 90, backgroundColor="#ffec99"),
        text("label", 20, 30, label),
    )


def make_repo(root: Path, labels: list[str], timeout: float = 120) -> Path:
    (root / ".git").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f"[tool.diagrams]\nnotes = []\ntimeout = {timeout}\n", encoding="utf-8"
    )
    for i, label in enumerate(labels):
        write_scene(root / "diagrams" / f"d{i}.excalidraw", drawing(label))
    return root


_INJECT: contextvars.ContextVar[bool] = contextvars.ContextVar("inject", default=False)


class Injecting(Renderer):
    """A real renderer whose page misbehaves for scenes that carry MARK (and only for them:
    each render is its own asyncio task, so a context variable marks it): ``fault`` is "kill"
    (SIGKILL the browser as the render starts) or "hang" (the page never answers)."""

    def __init__(self, fault: str, pages: int = 1, **kw: Any) -> None:
        super().__init__(pages=pages, **kw)
        self.fault = fault
        self.injected = 0

    async def _render_once(self, payload: str, options: RenderOptions, *rest: Any):  # type: ignore[override]
        token = _INJECT.set(MARK in payload)
        try:
            return await super()._render_once(payload, options, *rest)
        finally:
            _INJECT.reset(token)

    async def _acquire(self) -> PooledPage:
        pooled = await super()._acquire()
        if _INJECT.get():
            self.injected += 1
            if self.fault == "kill":
                os.kill(self.browser_pid(), signal.SIGKILL)
            else:
                await pooled.page.evaluate(
                    "() => { const never = () => new Promise(() => {});"
                    " window.diagrams.renderJob = never; window.diagrams.render = never; }"
                )
        return pooled


def outputs_whole(root: Path) -> None:
    for path in (root / "attachments").iterdir():
        if path.suffix == ".png":
            with Image.open(path) as im:
                im.load()
        elif path.suffix == ".svg":
            assert path.read_bytes().rstrip().endswith(b"</svg>")


def test_browser_killed_mid_build_is_restarted_and_jobs_retried(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", [f"drawing {i}" for i in range(8)])
    config = load_config(root)
    renderer = Renderer(pages=2)

    class KillOnce(Reporter):
        killed = False

        def job_finished(self, outcome: JobOutcome) -> None:
            if not self.killed:
                self.killed = True
                os.kill(renderer.browser_pid(), signal.SIGKILL)

    try:
        summary = build(config, renderer_factory=lambda: renderer, reporter=KillOnce())
    finally:
        renderer.close()
    assert summary.ok, [o.error for o in summary.failed]
    assert len(summary.rendered) == 8
    assert renderer.stats.launches == 2
    outputs_whole(root)
    assert check(load_config(root)).ok


def test_a_drawing_that_kills_the_browser_twice_fails_alone(tmp_path: Path) -> None:
    # two pages: the innocent drawings are in flight when the browser dies, and are retried
    root = make_repo(tmp_path / "r", ["fine one", MARK, "fine two", "fine three", "fine four"])
    renderer = Injecting("kill", pages=2)
    try:
        summary = build(load_config(root), renderer_factory=lambda: renderer)
    finally:
        renderer.close()
    assert renderer.injected == 2  # the first attempt and one retry
    assert [o.job.source for o in summary.failed] == ["diagrams/d1.excalidraw"], [
        o.error for o in summary.failed
    ]
    error = summary.failed[0].error or ""
    assert "crashed twice" in error and "diagrams/d1.excalidraw" in error and "\n" not in error
    assert sorted(o.job.source for o in summary.rendered) == [
        f"diagrams/d{i}.excalidraw" for i in (0, 2, 3, 4)
    ]
    outputs_whole(root)


def test_a_render_that_never_answers_times_out_and_the_build_goes_on(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "r", ["fine one", MARK, "fine two"], timeout=3)
    config = load_config(root)
    renderer = Injecting("hang", timeout=config.timeout)
    try:
        summary = build(config, renderer_factory=lambda: renderer)
    finally:
        renderer.close()
    assert [o.job.source for o in summary.failed] == ["diagrams/d1.excalidraw"], [
        o.error for o in summary.failed
    ]
    error = summary.failed[0].error or ""
    assert "timed out after 3 s" in error and "timeout" in error
    assert len(summary.rendered) == 2
    outputs_whole(root)
