"""The Renderer: one warm, sealed Chromium with a pool of render pages.

Chromium is launched lazily on the first render and reused; pages are added up to ``pages`` as
work waits for them. Renders run on an asyncio loop in a background thread, so callers on any
thread can ``submit`` scenes and collect futures. The page loads only its own files from a
loopback server; any other request fails the render that caused it.

The parts, each in its own module: the browser process and its driver (``browser.py``), the
pages (``pool.py``), the retry after a crash (``retry.py``), large PNG canvases waiting for each
other (``budget.py``), the scene's way to the page and the images' way back (``transfer.py``),
and the switches that turn each fast way back, for benchmarks (``tuning.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RenderError
from ..scene.model import Scene
from .assets import PAGE_DIR, PageManifest, check_page_current, load_manifest
from .browser import Browser, error_line
from .budget import PixelBudget, estimate_png_pixels
from .chromium import find_chromium
from .formulas import FormulaSet
from .options import RenderOptions, RenderResult
from .pool import PagePool, PooledPage
from .retry import Crash, CrashRetry, is_crash
from .server import PageServer
from .transfer import exchange, result_from_page, scene_payload
from .tuning import RenderTuning


@dataclass
class RendererStats:
    """Timings and counts for benchmarks and `diagrams doctor`."""

    launch_seconds: float = 0.0
    first_page_seconds: float = 0.0
    page_seconds: list[float] = field(default_factory=list)
    launches: int = 0
    renders: int = 0
    retries: int = 0


class Renderer:
    """Render Scenes to SVG and PNG with the official Excalidraw library in headless Chromium.

    Use as a context manager, or call :meth:`close`. Thread-safe: :meth:`submit` may be called
    from any thread; renders run in parallel on up to ``pages`` pages.
    """

    def __init__(
        self,
        *,
        chromium: str | os.PathLike[str] | None = None,
        pages: int | None = None,
        timeout: float = 120.0,
        page_dir: Path = PAGE_DIR,
        tuning: RenderTuning | None = None,
    ) -> None:
        self.manifest: PageManifest = load_manifest(page_dir)
        if page_dir == PAGE_DIR:
            check_page_current(self.manifest)
        self.tuning = tuning or RenderTuning.from_env()
        self.pages = max(1, pages or os.cpu_count() or 1)
        self.timeout = timeout
        self.stats = RendererStats()
        self.chromium_path: Path | None = None
        self._chromium_setting = chromium
        # The loop thread, started on first use:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._closed = False
        # The parts, used on the loop thread only:
        self._browser = Browser(self.tuning.driver)
        self._server: PageServer | None = None
        self._pool: PagePool | None = None  # with the server, on the first launch
        self._start_lock = asyncio.Lock()
        self._budget = PixelBudget(self.tuning.pixel_budget)
        self._retry = CrashRetry(on_retry=self._count_retry)

    # ----------------------------------------------------------------- public, any thread
    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def identity(self) -> str:
        if self.tuning.font_subset == "off":
            return f"{self.manifest.identity}; whole fonts"
        return self.manifest.identity

    def submit(self, scene: Scene, options: RenderOptions | None = None) -> Future[RenderResult]:
        """Queue one render; the future gives a RenderResult or raises RenderError."""
        options = options or RenderOptions()
        payload = scene_payload(scene)
        pixels = estimate_png_pixels(scene, options)
        formulas = FormulaSet.of(scene)
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(
            self._render(payload, options, pixels, formulas), loop
        )

    def render(self, scene: Scene, options: RenderOptions | None = None) -> RenderResult:
        return self.submit(scene, options).result()

    def start(self, *, wait: bool = True) -> None:
        """Launch the browser and make the first page ready now (rather than on first render).

        With ``wait=False`` this returns at once and the start-up (~0.8 s) overlaps whatever the
        caller does next, e.g. loading the first scenes; a failure to start then surfaces on the
        first render.
        """
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(self._warm(), loop)
        if wait:
            future.result()
        else:
            future.add_done_callback(lambda f: f.cancelled() or f.exception())

    def close(self) -> None:
        with self._thread_lock:
            if self._closed:
                return
            self._closed = True
            loop, thread = self._loop, self._thread
        if loop is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=10)
        with contextlib.suppress(Exception):
            loop.close()

    def browser_pid(self) -> int | None:
        """The browser process id (for fault-injection tests), or None before launch."""
        return self._browser.pid

    # ----------------------------------------------------------------- loop thread
    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._thread_lock:
            if self._closed:
                raise RenderError("the renderer is closed")
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="diagrams-renderer", daemon=True
                )
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    async def _warm(self) -> None:
        await self._ensure_browser()
        pooled = await self._acquire()
        self._ready_pool().release(pooled)

    async def _ensure_browser(self) -> None:
        """A running browser: the first one, or a new one after the last one died."""
        async with self._start_lock:
            if self._browser.is_connected():
                return
            if self._closed:
                raise RenderError("the renderer is closed")
            await self._browser.drop()
            if self._server is None:
                self._server = PageServer(self.manifest, nodelay=self.tuning.nodelay)
            if self._pool is None:
                self._pool = PagePool(
                    self.pages,
                    self._browser,
                    url=self._page_url(self._server),
                    origin=self._server.origin,
                    restart=self._ensure_browser,
                    on_loaded=self._count_page,
                )
            if self.chromium_path is None:
                self.chromium_path = find_chromium(self._chromium_setting)
            started = time.perf_counter()
            await self._browser.launch(self.chromium_path)
            self.stats.launch_seconds = time.perf_counter() - started
            self.stats.launches += 1
            # Work that was waiting for pages of the old browser gets pages of the new one.
            self._pool.renew()

    def _page_url(self, server: PageServer) -> str:
        if self.tuning.font_subset == "cached":
            return server.page_url
        return f"{server.page_url}?subset={self.tuning.font_subset}"

    def _ready_pool(self) -> PagePool:
        assert self._pool is not None, "the pool comes with the first browser"
        return self._pool

    async def _acquire(self) -> PooledPage:
        return await self._ready_pool().acquire()

    def _count_page(self, seconds: float) -> None:
        if not self.stats.page_seconds:
            self.stats.first_page_seconds = self.stats.launch_seconds + seconds
        self.stats.page_seconds.append(seconds)

    def _count_retry(self) -> None:
        self.stats.retries += 1

    async def _render(
        self,
        payload: str,
        options: RenderOptions,
        pixels: int,
        formulas: FormulaSet | None = None,
    ) -> RenderResult:
        weight = 0
        try:
            # Large canvases wait for each other (memory), small ones share the pages.
            weight = await self._budget.acquire(pixels)
            return await self._retry.run(lambda: self._render_once(payload, options, formulas))
        except asyncio.CancelledError:
            if self._closed:  # close() while this render waited: fail it, do not hang
                raise RenderError("the renderer was closed during the render") from None
            raise
        finally:
            self._budget.release(weight)

    async def _render_once(
        self, payload: str, options: RenderOptions, formulas: FormulaSet | None = None
    ) -> RenderResult:
        """One attempt on one page; raises Crash when the page or the browser died under it."""
        await self._ensure_browser()
        pooled = await self._acquire()
        pool, server = self._ready_pool(), self._server
        assert server is not None
        request = options.to_page()
        started = time.perf_counter()
        try:
            raw, body = await exchange(
                pooled.page, server, self.tuning.transfer, payload, request, self.timeout
            )
        except TimeoutError:
            await pool.discard(pooled)
            raise RenderError(
                f"render timed out after {self.timeout:g} s",
                fix="raise `timeout` in [tool.diagrams] or split the drawing",
            ) from None
        except Exception as exc:
            message = error_line(exc)
            if pooled.page.is_closed() or not self._browser.is_connected() or is_crash(message):
                await pool.discard(pooled)
                raise Crash(message) from None
            pool.release(pooled)
            raise RenderError(f"Excalidraw could not render the drawing: {message}") from None
        pool.release(pooled)
        self.stats.renders += 1
        stray = pooled.take_stray()
        if stray:
            raw.setdefault("violations", []).extend(stray)
        result = result_from_page(raw, body)
        if formulas is not None:
            result.warnings.extend(formulas.warnings(raw.get("formulaErrors")))
        result.seconds = time.perf_counter() - started
        return result

    async def _shutdown(self) -> None:
        # Renders still waiting (for a page, or for a browser that died) end with an error,
        # so no caller blocks forever on its future.
        current = asyncio.current_task()
        waiting = [task for task in asyncio.all_tasks() if task is not current]
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
        await self._browser.close()
        if self._server is not None:
            self._server.close()
            self._server = None
