"""One Chromium process at a time and the driver that speaks to it.

Two drivers open the same pages: our DevTools-pipe client (``cdp.py``, the default: no Node.js
process) and Playwright. Either way the browser gets the same sealed command line, and the pages
it opens have the few methods the page pool and the renderer call (``on``, ``goto``,
``evaluate``, ``is_closed``, ``close``).
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from ..errors import RenderError
from .cdp import PipeBrowser
from .fontconfig import chromium_environment

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

LAUNCH_TIMEOUT = 60.0  # seconds


def error_line(exc: BaseException) -> str:
    """A driver's exception as one short line, without the drivers' own prefixes."""
    text = str(exc).strip() or type(exc).__name__
    for prefix in ("Error: ", "Page.evaluate: ", "Error: Error: "):
        text = text.removeprefix(prefix)
    return text.splitlines()[0][:300]


class Browser:
    """The current Chromium (none before :meth:`launch` and after it died or was dropped).

    Owned by one asyncio loop. Playwright's driver, once started, is kept across relaunches.
    """

    def __init__(self, driver: str) -> None:
        self.driver = driver
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None

    def is_connected(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    @property
    def pid(self) -> int | None:
        """The browser process id (for fault-injection tests), or None before launch."""
        if isinstance(self._browser, PipeBrowser):
            return self._browser.pid
        process = getattr(getattr(self._browser, "_impl_obj", None), "_browser_process", None)
        return getattr(process, "pid", None) if process else None

    async def launch(self, executable: Path) -> None:
        """Start a new browser (after :meth:`drop` of the old one)."""
        try:
            if self.driver == "pipe":
                self._browser = await PipeBrowser.launch(
                    executable,
                    [*PIPE_ARGS, *CHROMIUM_ARGS],
                    timeout=LAUNCH_TIMEOUT,
                    env=chromium_environment(),
                )
                self._context = self._browser
            else:
                await self._launch_playwright(executable)
        except Exception as exc:
            raise RenderError(
                f"could not start Chromium at {executable}: {error_line(exc)}",
                fix="run `diagrams doctor`",
            ) from None

    async def _launch_playwright(self, executable: Path) -> None:
        if self._playwright is None:
            # lazy: only this driver needs Playwright (~0.1 s; bench/pipeline.py's edited drawing)
            from playwright.async_api import async_playwright

            self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=list(CHROMIUM_ARGS),
            env=chromium_environment(),
            timeout=LAUNCH_TIMEOUT * 1000,
        )
        self._context = await self._browser.new_context(
            service_workers="block", viewport={"width": 800, "height": 600}
        )

    async def new_page(self) -> Any:
        """A blank page of the current browser."""
        if self._context is None:
            raise RenderError("the browser is not running")
        return await self._context.new_page()

    async def drop(self) -> None:
        """Close the current browser, if any (a dead one included)."""
        browser, self._browser, self._context = self._browser, None, None
        if browser is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(browser.close(), 10)

    async def close(self) -> None:
        """Close the browser and stop Playwright's driver."""
        await self.drop()
        if self._playwright is not None:
            with contextlib.suppress(Exception):
                await self._playwright.stop()
            self._playwright = None
