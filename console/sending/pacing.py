"""Spacing request starts to the profile's messages-per-second."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    """Lets callers start at most ``rate`` requests per second, in arrival order.

    ``rate`` of None means no limit. Slots are handed out at fixed intervals from the
    last one, so a burst after an idle spell is not allowed to exceed the rate.
    """

    def __init__(
        self,
        rate: float | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("messages per second must be positive")
        self._interval = 1.0 / rate if rate else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def acquire(self) -> None:
        if not self._interval:
            return
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)
