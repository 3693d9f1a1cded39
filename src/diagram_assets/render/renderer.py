"""The Renderer: one warm, sealed Chromium with a pool of render pages.

Chromium is launched lazily on the first render and reused; pages are added up to ``pages`` as
work waits for them. Renders run on an asyncio loop in a background thread, so callers on any
thread can ``submit`` scenes and collect futures. The page loads only its own files from a
loopback server; any other request fails the render that caused it.

By default Chromium is driven over its DevTools pipe (``cdp.py``, no Node.js process), scenes and
images travel through the page server rather than the protocol, and large PNG canvases wait for
each other (``budget.py``). :class:`RenderTuning` switches each back, for benchmarks.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import secrets
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import RenderError
from ..scene.model import Scene
from .assets import PAGE_DIR, PageManifest, check_page_current, load_manifest
from .budget import PixelBudget, estimate_png_pixels
from .cdp import PipeBrowser
from .chromium import find_chromium
from .options import RenderedImage, RenderOptions, RenderResult, RenderTuning
from .server import PageServer
from .svgcheck import check_svg

CHROMIUM_ARGS = (
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,"
    "CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,"
    # no spare renderer process kept warm (~23 MiB)
    "SpareRendererForSitePerProcess",
    # network and GPU (software) threads in the browser process: two processes fewer (~25 MiB)
    "--enable-features=NetworkServiceInProcess2",
    "--in-process-gpu",
    # the page collects its garbage after a large render (page.js)
    "--js-flags=--expose-gc",
    # Every host name resolves to nothing except loopback: Chromium's own background traffic
    # (which page-level blocking does not see) cannot leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--force-color-profile=srgb",
    "--font-render-hinting=none",
)

# What Playwright adds to every launch and the pipe driver must add itself: headless, no
# sandbox (as Playwright's default), no throttling of pages in the background, no crash
# reporter, no first-run or keychain prompts.
PIPE_ARGS = (
    "--headless",
    "--hide-scrollbars",
    "--mute-audio",
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-field-trial-config",
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
    "--disable-back-forward-cache",
    "--disable-breakpad",
    "--disable-component-extensions-with-background-pages",
    "--disable-hang-monitor",
    "--disable-ipc-flooding-protection",
    "--disable-popup-blocking",
    "--disable-prompt-on-repost",
    "--metrics-recording-only",
    "--no-default-browser-check",
    "--no-service-autorun",
    "--password-store=basic",
    "--use-mock-keychain",
)

RENDER_JS = """
async ([scene, options]) => {
  const result = await window.diagrams.render({scene: JSON.parse(scene), options});
  result.violations = window.diagrams.takeViolations();
  return result;
}
"""

# The scene and the images go through the page server; only sizes come back here.
RENDER_JOB_JS = """
async ([token, options]) => {
  const result = await window.diagrams.renderJob(token, options);
  result.violations = window.diagrams.takeViolations();
  return result;
}
"""


@dataclass
class RendererStats:
    """Timings and counts for benchmarks and `diagrams doctor`."""

    launch_seconds: float = 0.0
    first_page_seconds: float = 0.0
    page_seconds: list[float] = field(default_factory=list)
    launches: int = 0
    renders: int = 0
    retries: int = 0


class _Crash(Exception):
    """The browser or the page died under a render: worth one retry on a fresh browser."""


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
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_lock = threading.Lock()
        self._closed = False
        # Owned by the loop thread:
        self._server: PageServer | None = None
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._start_lock: asyncio.Lock | None = None
        self._idle: asyncio.Queue[Any] | None = None
        self._generation = 0
        self._page_count = 0
        self._waiting = 0
        self._page_generation: dict[Any, int] = {}
        self._stray: dict[Any, list[str]] = {}
        self._gate: asyncio.Condition | None = None  # first attempts share, retries run alone
        self._active = 0
        self._retrying = False
        self._inline_pages: set[Any] = set()
        self._startup_error: str | None = None
        self._budget: PixelBudget | None = None
        self._page_failures = 0
        self._tasks: set[asyncio.Future[None]] = set()

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
        loop = self._ensure_loop()
        return asyncio.run_coroutine_threadsafe(self._render(payload, options, pixels), loop)

    def _page_url(self) -> str:
        assert self._server is not None
        if self.tuning.font_subset == "cached":
            return self._server.page_url
        return f"{self._server.page_url}?subset={self.tuning.font_subset}"

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
        if isinstance(self._browser, PipeBrowser):
            return self._browser.pid
        proc = getattr(getattr(self._browser, "_impl_obj", None), "_browser_process", None)
        return getattr(proc, "pid", None) if proc else None

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
        page = await self._acquire()
        self._release(page)

    async def _ensure_browser(self) -> None:
        if self._start_lock is None:
            self._start_lock = asyncio.Lock()
            self._idle = asyncio.Queue()
        async with self._start_lock:
            if self._browser is not None and self._browser.is_connected():
                return
            if self._closed:
                raise RenderError("the renderer is closed")
            await self._drop_browser()
            if self._server is None:
                self._server = PageServer(self.manifest, nodelay=self.tuning.nodelay)
            if self.chromium_path is None:
                self.chromium_path = find_chromium(self._chromium_setting)
            started = time.perf_counter()
            try:
                if self.tuning.driver == "pipe":
                    self._browser = await PipeBrowser.launch(
                        self.chromium_path, [*PIPE_ARGS, *CHROMIUM_ARGS], timeout=60
                    )
                    self._context = self._browser
                else:
                    if self._pw is None:
                        from playwright.async_api import async_playwright

                        self._pw = await async_playwright().start()
                    self._browser = await self._pw.chromium.launch(
                        executable_path=str(self.chromium_path),
                        headless=True,
                        args=list(CHROMIUM_ARGS),
                        timeout=60_000,
                    )
                    self._context = await self._browser.new_context(
                        service_workers="block", viewport={"width": 800, "height": 600}
                    )
            except Exception as exc:
                raise RenderError(
                    f"could not start Chromium at {self.chromium_path}: {_first_line(exc)}",
                    fix="run `diagrams doctor`",
                ) from None
            self.stats.launch_seconds = time.perf_counter() - started
            self.stats.launches += 1
            self._generation += 1
            self._page_count = 0
            # Work that was waiting for pages of the old browser gets pages of the new one.
            for _ in range(min(self._waiting, self.pages)):
                self._grow()

    async def _drop_browser(self) -> None:
        browser, self._browser, self._context = self._browser, None, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), 10)

    def _grow(self) -> None:
        self._page_count += 1
        task = asyncio.ensure_future(self._add_page(self._generation))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _add_page(self, generation: int) -> None:
        assert self._idle is not None and self._server is not None
        started = time.perf_counter()
        page = None
        try:
            page = await self._context.new_page()
            self._page_generation[page] = generation
            self._watch_requests(page)
            await page.goto(self._page_url(), wait_until="load", timeout=60_000)
            await page.evaluate("window.diagrams.ready")
            # Pages built before the page server carried scenes render inline.
            if not await page.evaluate("typeof window.diagrams.renderJob === 'function'"):
                self._inline_pages.add(page)
        except Exception as exc:
            self._page_count -= 1
            if page is not None:
                await self._discard(page)
            if generation == self._generation and self._browser is not None:
                self._startup_error = _first_line(exc)
                self._page_failures += 1
            self._idle.put_nowait(None)  # wake a waiter so it can see the failure
            return
        self._page_failures = 0
        seconds = time.perf_counter() - started
        if not self.stats.page_seconds:
            self.stats.first_page_seconds = self.stats.launch_seconds + seconds
        self.stats.page_seconds.append(seconds)
        self._idle.put_nowait(page)

    def _watch_requests(self, page: Any) -> None:
        """Record every request the page makes outside its own origin (there should be none)."""
        assert self._server is not None
        own = self._server.origin + "/"
        stray = self._stray[page] = []

        def on_request(request: Any) -> None:
            url = request.url
            if not url.startswith((own, "data:", "blob:")):
                stray.append(url)

        page.on("request", on_request)

    async def _acquire(self) -> Any:
        assert self._idle is not None
        while True:
            if self._idle.empty() and self._page_count < self.pages:
                self._grow()
            self._waiting += 1
            try:
                page = await asyncio.wait_for(self._idle.get(), 0.5)
            except TimeoutError:
                # Still no page: if the browser died meanwhile, start a new one (its pages
                # come to whoever is waiting), else keep waiting.
                if self._browser is None or not self._browser.is_connected():
                    await self._ensure_browser()
                continue
            finally:
                self._waiting -= 1
            if page is None:
                if self._browser is None or not self._browser.is_connected():
                    # the page failed because the browser died: a new browser, not an error
                    await self._ensure_browser()
                    continue
                error = self._startup_error
                # No page at all, or pages keep failing to load: a broken page, not bad luck.
                if error and (self._page_count == 0 or self._page_failures >= 2 * self.pages):
                    raise RenderError(
                        f"the render page did not load: {error}", fix="run `diagrams doctor`"
                    )
                continue
            if self._page_generation.get(page) == self._generation and not page.is_closed():
                return page
            await self._discard(page)

    def _release(self, page: Any) -> None:
        assert self._idle is not None
        self._idle.put_nowait(page)

    async def _discard(self, page: Any) -> None:
        self._stray.pop(page, None)
        self._inline_pages.discard(page)
        if self._page_generation.pop(page, None) == self._generation:
            self._page_count -= 1
        with contextlib.suppress(Exception):
            await asyncio.wait_for(page.close(), 5)

    async def _render(self, payload: str, options: RenderOptions, pixels: int) -> RenderResult:
        if self._budget is None:
            self._budget = PixelBudget(self.tuning.pixel_budget)
        weight = 0
        try:
            # Large canvases wait for each other (memory), small ones share the pages.
            weight = await self._budget.acquire(pixels)
            try:
                return await self._shared(self._render_once(payload, options))
            except _Crash:
                self.stats.retries += 1
            # The browser died under this render (and under every other render in flight).
            # The retry runs alone, so a second crash is this drawing's doing and fails only it.
            try:
                return await self._alone(self._render_once(payload, options))
            except _Crash as crash:
                raise RenderError(
                    f"Chromium crashed twice while rendering this drawing ({crash})",
                    fix="the drawing may be too large; try a smaller max_size or split it",
                ) from None
        except asyncio.CancelledError:
            if self._closed:  # close() while this render waited: fail it, do not hang
                raise RenderError("the renderer was closed during the render") from None
            raise
        finally:
            self._budget.release(weight)

    def _gate_ready(self) -> asyncio.Condition:
        if self._gate is None:
            self._gate = asyncio.Condition()
        return self._gate

    async def _shared(self, render: Coroutine[Any, Any, RenderResult]) -> RenderResult:
        """Run a first attempt alongside others (unless a retry is running alone)."""
        gate = self._gate_ready()
        async with gate:
            await gate.wait_for(lambda: not self._retrying)
            self._active += 1
        try:
            return await render
        finally:
            async with gate:
                self._active -= 1
                gate.notify_all()

    async def _alone(self, render: Coroutine[Any, Any, RenderResult]) -> RenderResult:
        """Run a retry with no other render in flight."""
        gate = self._gate_ready()
        async with gate:
            await gate.wait_for(lambda: not self._retrying)
            self._retrying = True
            await gate.wait_for(lambda: self._active == 0)
        try:
            return await render
        finally:
            async with gate:
                self._retrying = False
                gate.notify_all()

    async def _render_once(self, payload: str, options: RenderOptions) -> RenderResult:
        await self._ensure_browser()
        page = await self._acquire()
        assert self._server is not None
        request = options.to_page()
        started = time.perf_counter()
        token = body = None
        if self.tuning.transfer == "http" and page not in self._inline_pages:
            token = secrets.token_hex(16)
            self._server.put_job(token, _payload_bytes(payload))
            call = page.evaluate(RENDER_JOB_JS, [token, request])
        else:
            call = page.evaluate(RENDER_JS, [payload, request])
        try:
            raw = await asyncio.wait_for(call, self.timeout)
        except TimeoutError:
            await self._discard(page)
            raise RenderError(
                f"render timed out after {self.timeout:g} s",
                fix="raise `timeout` in [tool.diagrams] or split the drawing",
            ) from None
        except Exception as exc:
            message = _first_line(exc)
            if page.is_closed() or not self._browser.is_connected() or _is_crash(message):
                await self._discard(page)
                raise _Crash(message) from None
            self._release(page)
            raise RenderError(f"Excalidraw could not render the drawing: {message}") from None
        finally:
            if token is not None:
                body = self._server.take_result(token)
        self._release(page)
        self.stats.renders += 1
        stray = self._stray.get(page)
        if stray:
            raw.setdefault("violations", []).extend(stray)
            stray.clear()
        result = _result_from_page(raw, body)
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
        await self._drop_browser()
        if self._pw is not None:
            with contextlib.suppress(Exception):
                await self._pw.stop()
            self._pw = None
        if self._server is not None:
            self._server.close()
            self._server = None


def scene_payload(scene: Scene) -> str:
    """The scene as the JSON text the page parses (only what rendering needs)."""
    try:
        return json.dumps(
            {"elements": scene.elements, "appState": scene.app_state, "files": scene.files},
            ensure_ascii=False,
            allow_nan=False,
            separators=(",", ":"),
        )
    except (TypeError, ValueError) as exc:
        raise RenderError(
            f"the scene cannot be sent to the page: {exc}", file=scene.source
        ) from None


def _payload_bytes(payload: str) -> bytes:
    """The scene JSON as UTF-8; escaped to ASCII if it holds lone surrogates (from \\ud800-style
    escapes in a source file), which UTF-8 cannot carry but JSON escapes can."""
    try:
        return payload.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(json.loads(payload), ensure_ascii=True, separators=(",", ":")).encode()


def _result_from_page(raw: dict[str, Any], body: bytes | None = None) -> RenderResult:
    violations = [
        v["uri"] if isinstance(v, dict) else str(v)
        for v in raw.get("violations") or []
        if not isinstance(v, dict) or "://" in v.get("uri", "")
    ]
    if violations:
        shown = ", ".join(sorted(set(violations))[:3])
        raise RenderError(
            f"the drawing asked for {shown}, but rendering is offline",
            fix="embed the image in the drawing instead of linking to it",
        )
    result = RenderResult(
        missing_images=[str(i) for i in raw.get("missingImages") or []],
        timings={str(k): float(v) for k, v in (raw.get("timings") or {}).items()},
    )
    at = 0

    def part(value: Any) -> bytes:
        """An image's bytes: a size into the posted body, or the value itself (inline)."""
        nonlocal at
        if not isinstance(value, int):
            return value
        if body is None or at + value > len(body):
            raise RenderError(
                "the render page's images did not arrive", fix="run `diagrams doctor`"
            )
        at += value
        return body[at - value : at]

    for image in raw["images"]:
        frame = image.get("frame") or {}
        out = RenderedImage(frame_id=frame.get("id"), frame_name=frame.get("name"))
        if "svg" in image:
            svg = part(image["svg"])
            if isinstance(svg, bytes):
                text = svg.decode("utf-8")
            else:  # lone surrogates (from the scene's text) become U+FFFD, as a Blob makes them
                text = svg.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            out.svg = check_svg(text).encode("utf-8")
        if "png" in image:
            png = part(image["png"])
            out.png = png if isinstance(png, bytes) else base64.b64decode(png)
            out.png_size = (int(image["pngWidth"]), int(image["pngHeight"]))
        result.images.append(out)
    return result


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    for prefix in ("Error: ", "Page.evaluate: ", "Error: Error: "):
        text = text.removeprefix(prefix)
    return text.splitlines()[0][:300]


def _is_crash(message: str) -> bool:
    lowered = message.lower()
    return any(
        s in lowered
        for s in ("target crashed", "target closed", "browser has been closed", "page crashed")
    )
