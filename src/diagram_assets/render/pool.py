"""The render pages of the current browser: opened as work waits for them, up to a size, reused.

Each browser launch starts a new *generation*: pages of an older browser are closed as they come
back, and work that was waiting gets pages of the new one. Pages that keep failing to load mean
a broken render page (an error), not bad luck. Every request a page makes outside its own origin
is recorded, for the renderer to refuse the render that caused it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..errors import RenderError
from .browser import error_line

PAGE_LOAD_TIMEOUT = 60_000  # milliseconds, as the drivers take it
POLL_SECONDS = 0.5  # how often work waiting for a page looks whether the browser died


class PageSource(Protocol):
    """What the pool needs of a browser (:class:`~.browser.Browser`)."""

    def is_connected(self) -> bool: ...

    async def new_page(self) -> Any: ...


@dataclass(eq=False)
class PooledPage:
    """A loaded render page, the browser generation it belongs to, and the requests it made
    outside its own origin since they were last taken."""

    page: Any
    generation: int
    stray: list[str] = field(default_factory=list)

    def take_stray(self) -> list[str]:
        stray, self.stray = self.stray, []
        return stray


class PagePool:
    """Up to ``size`` pages loaded from ``url``, handed to one render at a time.

    Owned by one asyncio loop. ``restart`` is called when work waits for a page and the browser
    has died; it launches a new browser and calls :meth:`renew`.
    """

    def __init__(
        self,
        size: int,
        browser: PageSource,
        *,
        url: str,
        origin: str,
        restart: Callable[[], Awaitable[None]],
        on_loaded: Callable[[float], None] = lambda seconds: None,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.size = size
        self.browser = browser
        self.url = url
        self.origin = origin
        self.restart = restart
        self.on_loaded = on_loaded
        self.poll = poll
        self.generation = 0
        self.count = 0  # pages of this generation, open or opening
        self.waiting = 0  # acquirers waiting for a page
        self.failures = 0  # pages that failed to load since one last loaded
        self.error: str | None = None  # why the last page failed to load
        self._idle: asyncio.Queue[PooledPage | None] = asyncio.Queue()  # None: a page failed
        self._open: set[PooledPage] = set()
        self._tasks: set[asyncio.Future[None]] = set()

    def renew(self) -> None:
        """A new browser is up: a new generation, with pages for the work already waiting."""
        self.generation += 1
        self.count = 0
        for _ in range(min(self.waiting, self.size)):
            self._grow()

    async def acquire(self) -> PooledPage:
        """A loaded page of the current browser, opening one if there are fewer than ``size``."""
        while True:
            if self._idle.empty() and self.count < self.size:
                self._grow()
            self.waiting += 1
            try:
                pooled = await asyncio.wait_for(self._idle.get(), self.poll)
            except TimeoutError:
                # Still no page: if the browser died meanwhile, start a new one (its pages
                # come to whoever is waiting), else keep waiting.
                if not self.browser.is_connected():
                    await self.restart()
                continue
            finally:
                self.waiting -= 1
            if pooled is None:
                if not self.browser.is_connected():
                    # the page failed because the browser died: a new browser, not an error
                    await self.restart()
                    continue
                # No page at all, or pages keep failing to load: a broken page, not bad luck.
                if self.error and (self.count == 0 or self.failures >= 2 * self.size):
                    raise RenderError(
                        f"the render page did not load: {self.error}", fix="run `diagrams doctor`"
                    )
                continue
            if pooled.generation == self.generation and not pooled.page.is_closed():
                return pooled
            await self.discard(pooled)

    def release(self, pooled: PooledPage) -> None:
        """Give a page back for the next render."""
        self._idle.put_nowait(pooled)

    async def discard(self, pooled: PooledPage) -> None:
        """Close a page that must not be used again (its browser or its render went wrong)."""
        if pooled in self._open:
            self._open.discard(pooled)
            if pooled.generation == self.generation:
                self.count -= 1
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pooled.page.close(), 5)

    def _grow(self) -> None:
        self.count += 1
        task = asyncio.ensure_future(self._add_page(self.generation))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _add_page(self, generation: int) -> None:
        started = time.perf_counter()
        pooled = None
        try:
            pooled = PooledPage(await self.browser.new_page(), generation)
            self._open.add(pooled)
            self._watch_requests(pooled)
            await pooled.page.goto(self.url, wait_until="load", timeout=PAGE_LOAD_TIMEOUT)
            await pooled.page.evaluate("window.diagrams.ready")
        except Exception as exc:
            if pooled is not None:
                await self.discard(pooled)
            elif generation == self.generation:
                self.count -= 1
            if generation == self.generation and self.browser.is_connected():
                self.error = error_line(exc)
                self.failures += 1
            self._idle.put_nowait(None)  # wake a waiter so it can see the failure
            return
        self.failures = 0
        self.on_loaded(time.perf_counter() - started)
        self._idle.put_nowait(pooled)

    def _watch_requests(self, pooled: PooledPage) -> None:
        """Record every request the page makes outside its own origin (there should be none)."""
        own = self.origin + "/"

        def on_request(request: Any) -> None:
            url = request.url
            if not url.startswith((own, "data:", "blob:")):
                pooled.stray.append(url)

        pooled.page.on("request", on_request)
