"""The crash/retry policy on its own: one retry after a crash, run with nothing else in flight."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from diagram_assets.errors import RenderError
from diagram_assets.render.retry import Crash, CrashRetry, is_crash

T = TypeVar("T")


def run_bounded(scenario: Coroutine[Any, Any, T]) -> T:
    """Run a scenario; a scenario that hangs fails after 10 s instead."""
    return asyncio.run(asyncio.wait_for(scenario, 10))


async def until_retrying(policy: CrashRetry) -> None:
    """Let the other tasks run until a retry waits to run alone (a bounded number of turns)."""
    for _ in range(1000):
        if policy.retrying:
            return
        await asyncio.sleep(0)
    raise AssertionError("no retry is waiting")


def test_crash_messages_are_recognised() -> None:
    assert is_crash("Target crashed")
    assert is_crash("Page.evaluate: Target closed")
    assert is_crash("browser has been closed: pipe")
    assert is_crash("Page crashed!")
    assert not is_crash("ReferenceError: x is not defined")
    assert not is_crash("")


def test_a_first_attempt_that_works_is_not_retried() -> None:
    retries: list[None] = []

    async def scenario() -> str:
        policy = CrashRetry(on_retry=lambda: retries.append(None))

        async def attempt() -> str:
            return "images"

        return await policy.run(attempt)

    assert run_bounded(scenario()) == "images" and retries == []


def test_a_crash_is_retried_once_and_a_second_fails_the_render() -> None:
    retries: list[None] = []
    calls: list[int] = []

    async def scenario(crashes: int) -> str:
        policy = CrashRetry(on_retry=lambda: retries.append(None))

        async def attempt() -> str:
            calls.append(1)
            if len(calls) <= crashes:
                raise Crash("Target crashed")
            return "images"

        return await policy.run(attempt)

    assert run_bounded(scenario(1)) == "images"
    assert (len(calls), len(retries)) == (2, 1)
    calls.clear()
    with pytest.raises(RenderError) as caught:
        run_bounded(scenario(5))
    assert len(calls) == 2  # never a third attempt
    assert str(caught.value) == (
        "Chromium crashed twice while rendering this drawing (Target crashed) — "
        "the drawing may be too large; try a smaller max_size or split it"
    )


def test_other_errors_are_not_retried() -> None:
    calls: list[int] = []

    async def scenario() -> None:
        async def attempt() -> None:
            calls.append(1)
            raise RenderError("Excalidraw could not render the drawing: boom")

        await CrashRetry().run(attempt)

    with pytest.raises(RenderError, match="boom"):
        run_bounded(scenario())
    assert calls == [1]


def test_a_retry_waits_for_the_others_and_holds_new_ones_back() -> None:
    async def scenario() -> list[str]:
        policy = CrashRetry()
        log: list[str] = []
        innocent_may_end = asyncio.Event()
        crashed = asyncio.Event()
        tries = {"victim": 0}

        async def innocent() -> str:
            log.append("+innocent")
            await innocent_may_end.wait()
            log.append("-innocent")
            return "innocent"

        async def victim() -> str:
            tries["victim"] += 1
            if tries["victim"] == 1:
                crashed.set()
                raise Crash("Target crashed")
            log.append("retry")
            return "victim"

        async def latecomer() -> str:
            log.append("latecomer")
            return "latecomer"

        first = asyncio.ensure_future(policy.run(innocent))
        second = asyncio.ensure_future(policy.run(victim))
        await crashed.wait()
        await until_retrying(policy)
        late = asyncio.ensure_future(policy.run(latecomer))  # submitted while the retry waits
        for _ in range(10):
            await asyncio.sleep(0)
        assert "retry" not in log and "latecomer" not in log  # the innocent one still runs
        innocent_may_end.set()
        assert await asyncio.gather(first, second, late) == ["innocent", "victim", "latecomer"]
        return log

    assert run_bounded(scenario()) == ["+innocent", "-innocent", "retry", "latecomer"]


def test_a_retry_cancelled_while_waiting_does_not_hold_the_others_back() -> None:
    async def scenario() -> str:
        policy = CrashRetry()
        may_end = asyncio.Event()

        async def slow() -> str:
            await may_end.wait()
            return "slow"

        async def crashes() -> str:
            raise Crash("Target crashed")

        running = asyncio.ensure_future(policy.run(slow))
        doomed = asyncio.ensure_future(policy.run(crashes))
        await until_retrying(policy)
        doomed.cancel()  # e.g. the renderer is closed
        with pytest.raises(asyncio.CancelledError):
            await doomed

        async def quick() -> str:
            return "quick"

        assert await asyncio.wait_for(policy.run(quick), 5) == "quick"
        may_end.set()
        return await running

    assert run_bounded(scenario()) == "slow"
