"""The page pool on its own, with fake pages: growth up to its size, reuse, browser generations,
pages that fail to load, and requests outside the page's origin."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

from diagram_assets.errors import RenderError
from diagram_assets.render.pool import PagePool

ORIGIN = "http://127.0.0.1:9"
URL = f"{ORIGIN}/index.html"
T = TypeVar("T")


def run_bounded(scenario: Coroutine[Any, Any, T]) -> T:
    """Run a scenario; a scenario that hangs fails after 10 s instead."""
    return asyncio.run(asyncio.wait_for(scenario, 10))


class FakeRequest:
    def __init__(self, url: str) -> None:
        self.url = url


class FakePage:
    def __init__(self, browser: FakeBrowser) -> None:
        self.browser = browser
        self.closed = False
        self.listeners: list[Callable[[Any], None]] = []

    def on(self, event: str, callback: Callable[[Any], None]) -> None:
        assert event == "request"
        self.listeners.append(callback)

    def request(self, url: str) -> None:
        for callback in self.listeners:
            callback(FakeRequest(url))

    async def goto(self, url: str, *, wait_until: str, timeout: float) -> None:
        assert url == URL
        await self.browser.gate.wait()
        if self.browser.failing:
            raise RuntimeError("Error: net::ERR_CONNECTION_REFUSED\nat somewhere")

    async def evaluate(self, expression: str) -> None:
        assert expression == "window.diagrams.ready"

    def is_closed(self) -> bool:
        return self.closed

    async def close(self) -> None:
        self.closed = True


class FakeBrowser:
    """``gate`` holds page loads back until set; ``failing`` makes them fail."""

    def __init__(self, *, failing: bool = False) -> None:
        self.connected = True
        self.failing = failing
        self.gate = asyncio.Event()
        self.gate.set()
        self.opened: list[FakePage] = []
        self.restarts = 0

    def is_connected(self) -> bool:
        return self.connected

    async def new_page(self) -> FakePage:
        page = FakePage(self)
        self.opened.append(page)
        return page


def make_pool(browser: FakeBrowser, size: int) -> PagePool:
    async def restart() -> None:
        browser.restarts += 1
        browser.connected = True
        pool.renew()

    loaded: list[float] = []
    pool = PagePool(
        size, browser, url=URL, origin=ORIGIN, restart=restart, on_loaded=loaded.append, poll=0.01
    )
    pool.renew()  # the first browser is up
    return pool


def test_pages_are_opened_as_work_waits_up_to_the_size_and_reused() -> None:
    async def scenario() -> None:
        browser = FakeBrowser()
        pool = make_pool(browser, 2)
        first = await pool.acquire()
        assert len(browser.opened) == 1  # one page for one render
        second, third = (
            await pool.acquire(),
            asyncio.ensure_future(pool.acquire()),
        )
        await asyncio.sleep(0)
        assert not third.done() and len(browser.opened) == 2  # never more than the size
        pool.release(first)
        assert (await third) is first  # reused, not a third page
        assert second.page is not first.page and pool.count == 2

    run_bounded(scenario())


def test_a_page_that_does_not_load_is_an_error_and_counted_out_once() -> None:
    async def scenario() -> None:
        browser = FakeBrowser(failing=True)
        pool = make_pool(browser, 1)
        with pytest.raises(RenderError) as caught:
            await pool.acquire()
        assert str(caught.value) == (
            "the render page did not load: net::ERR_CONNECTION_REFUSED — run `diagrams doctor`"
        )
        assert pool.count == 0  # not below: the pool would open more pages than its size
        assert len(browser.opened) == 1 and browser.opened[0].closed

    run_bounded(scenario())


def test_one_page_failing_while_another_is_open_is_not_an_error() -> None:
    async def scenario() -> None:
        browser = FakeBrowser()
        pool = make_pool(browser, 2)
        good = await pool.acquire()
        browser.failing = True
        waiter = asyncio.ensure_future(pool.acquire())  # opens a second page, which fails
        for _ in range(1000):  # turns of the loop, until the second page has failed
            if pool.failures:
                break
            await asyncio.sleep(0)
        assert not waiter.done()  # a page is open: bad luck, keep waiting
        pool.release(good)
        assert (await waiter) is good
        assert pool.error == "net::ERR_CONNECTION_REFUSED"

    run_bounded(scenario())


def test_a_new_browser_retires_the_old_pages() -> None:
    async def scenario() -> None:
        browser = FakeBrowser()
        pool = make_pool(browser, 1)
        old = await pool.acquire()
        pool.renew()  # a new browser while `old` is out rendering
        assert pool.count == 0
        pool.release(old)  # comes back: closed, not handed out again
        new = await pool.acquire()
        assert new is not old and old.page.closed
        assert new.generation == pool.generation and pool.count == 1

    run_bounded(scenario())


def test_work_waiting_when_the_browser_dies_gets_a_new_browser() -> None:
    async def scenario() -> None:
        browser = FakeBrowser()
        pool = make_pool(browser, 1)
        busy = await pool.acquire()
        waiter = asyncio.ensure_future(pool.acquire())
        await asyncio.sleep(0)
        browser.connected = False  # the browser died; `busy` never comes back
        got = await asyncio.wait_for(waiter, 5)
        assert browser.restarts == 1 and got is not busy
        assert got.generation == busy.generation + 1

    run_bounded(scenario())


def test_requests_outside_the_pages_origin_are_recorded() -> None:
    async def scenario() -> None:
        pool = make_pool(FakeBrowser(), 1)
        pooled = await pool.acquire()
        page: FakePage = pooled.page
        page.request(f"{ORIGIN}/fonts/x.woff2")
        page.request("data:image/png;base64,AAAA")
        page.request("blob:http://127.0.0.1:9/1234")
        page.request("https://example.com/cat.png")
        page.request(f"{ORIGIN}.evil.example/x")  # same prefix, other host
        assert pooled.take_stray() == [
            "https://example.com/cat.png",
            f"{ORIGIN}.evil.example/x",
        ]
        assert pooled.take_stray() == []
        page.request("http://10.0.0.1/")
        assert pooled.take_stray() == ["http://10.0.0.1/"]

    run_bounded(scenario())
