"""The pixel budget on its own: large PNG canvases wait for each other, in order of arrival."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from diagram_assets.render.budget import PixelBudget

T = TypeVar("T")


def run_bounded(scenario: Coroutine[Any, Any, T]) -> T:
    """Run a scenario; a scenario that hangs fails after 10 s instead."""
    return asyncio.run(asyncio.wait_for(scenario, 10))


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_zero_limit_means_no_limit_and_zero_pixels_never_wait() -> None:
    async def scenario() -> None:
        unlimited = PixelBudget(0)
        assert await unlimited.acquire(10**12) == 0
        assert await unlimited.acquire(10**12) == 0
        budget = PixelBudget(100)
        assert await budget.acquire(100) == 100
        assert await asyncio.wait_for(budget.acquire(0), 1) == 0  # an SVG-only render
        budget.release(0)
        assert budget.used == 100

    run_bounded(scenario())


def test_a_request_over_the_limit_runs_alone() -> None:
    async def scenario() -> None:
        budget = PixelBudget(100)
        small = await budget.acquire(30)
        huge = asyncio.ensure_future(budget.acquire(10**9))
        await _settle()
        assert not huge.done()
        budget.release(small)
        assert await huge == 100  # counted as the whole budget
        after = asyncio.ensure_future(budget.acquire(1))
        await _settle()
        assert not after.done()  # nothing else while it runs
        budget.release(100)
        assert await after == 1

    run_bounded(scenario())


def test_first_come_first_served_even_when_a_later_one_would_fit() -> None:
    async def scenario() -> list[str]:
        budget = PixelBudget(100)
        order: list[str] = []
        held = await budget.acquire(60)

        async def take(name: str, pixels: int) -> int:
            taken = await budget.acquire(pixels)
            order.append(name)
            return taken

        big = asyncio.ensure_future(take("big", 70))
        await _settle()
        little = asyncio.ensure_future(take("little", 10))  # would fit now, but big was first
        await _settle()
        assert not big.done() and not little.done()
        budget.release(held)
        budget.release(await big)
        await little
        assert budget.used == 10
        return order

    assert run_bounded(scenario()) == ["big", "little"]


def test_a_waiter_cancelled_as_it_is_granted_gives_its_pixels_back() -> None:
    async def scenario() -> int:
        budget = PixelBudget(100)
        held = await budget.acquire(100)
        waiter = asyncio.ensure_future(budget.acquire(50))
        await _settle()
        budget.release(held)  # grants the waiter...
        waiter.cancel()  # ...which is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await waiter
        return budget.used

    assert run_bounded(scenario()) == 0
