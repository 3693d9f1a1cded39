"""What a crash of Chromium costs a render: one retry, run alone.

When the browser dies, every render in flight fails with it, most of them innocent. Each gets one
retry on a fresh browser; a retry waits until nothing else runs and holds back new first
attempts, so a second crash is that drawing's own doing and fails only it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from ..errors import RenderError

T = TypeVar("T")

CRASH_SIGNS = ("target crashed", "target closed", "browser has been closed", "page crashed")


class Crash(Exception):
    """The browser or the page died under a render: worth one retry on a fresh browser."""


def is_crash(message: str) -> bool:
    """Whether a driver's error message says the page or the browser went away."""
    lowered = message.lower()
    return any(sign in lowered for sign in CRASH_SIGNS)


class CrashRetry:
    """Runs render attempts: first attempts side by side, a retry after a :class:`Crash` alone.

    Owned by one asyncio loop. ``on_retry`` is called for every retry (for statistics).
    """

    def __init__(self, on_retry: Callable[[], None] = lambda: None) -> None:
        self.on_retry = on_retry
        self._gate = asyncio.Condition()
        self._active = 0  # first attempts in flight
        self._retrying = False

    @property
    def retrying(self) -> bool:
        """Whether a retry runs (or waits to run) alone."""
        return self._retrying

    async def run(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """``attempt()``'s result; after a Crash, one more attempt with nothing else running.

        A second Crash is a RenderError for this render only.
        """
        try:
            return await self._shared(attempt)
        except Crash:
            self.on_retry()
        try:
            return await self._alone(attempt)
        except Crash as crash:
            raise RenderError(
                f"Chromium crashed twice while rendering this drawing ({crash})",
                fix="the drawing may be too large; try a smaller max_size or split it",
            ) from None

    async def _shared(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run a first attempt alongside others (unless a retry is running alone)."""
        async with self._gate:
            await self._gate.wait_for(lambda: not self._retrying)
            self._active += 1
        try:
            return await attempt()
        finally:
            async with self._gate:
                self._active -= 1
                self._gate.notify_all()

    async def _alone(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run a retry with no other render in flight."""
        async with self._gate:
            await self._gate.wait_for(lambda: not self._retrying)
            self._retrying = True
            try:
                await self._gate.wait_for(lambda: self._active == 0)
            except BaseException:  # cancelled while waiting: do not hold the others back
                self._retrying = False
                self._gate.notify_all()
                raise
        try:
            return await attempt()
        finally:
            async with self._gate:
                self._retrying = False
                self._gate.notify_all()
