"""Closing connections whose request does not arrive in time.

uvicorn times out idle keep-alive connections but lets a client take forever over one
request, so a few slow or silent clients could hold connections for good. Each request
gets a deadline from its first byte (or from the connection's start).

A request only notes when it began; one sweep per event loop, a few times a second, closes
the connections past their deadline. A timer per request would cost more on the
listener's busiest path than everything else this module does.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Protocol

_MAX_SWEEP_INTERVAL = 1.0


class Guarded(Protocol):
    """A connection under a request deadline."""

    request_timeout: float

    def overdue(self, now: float) -> bool: ...

    def close_too_slow(self) -> None: ...


class Sweeper:
    """Closes the overdue connections of one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._connections: set[Guarded] = set()
        self._interval = _MAX_SWEEP_INTERVAL
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, connection: Guarded) -> None:
        self._connections.add(connection)
        # A quarter of the shortest deadline: a late request is closed at most 25% late.
        self._interval = min(self._interval, connection.request_timeout / 4)
        if self._timer is None:
            self._timer = self._loop.call_later(self._interval, self._sweep)

    def forget(self, connection: Guarded) -> None:
        self._connections.discard(connection)

    def _sweep(self) -> None:
        now = self._loop.time()
        for connection in [c for c in self._connections if c.overdue(now)]:
            connection.close_too_slow()
        self._timer = (
            self._loop.call_later(self._interval, self._sweep) if self._connections else None
        )


_sweepers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Sweeper] = (
    weakref.WeakKeyDictionary()
)


def sweeper(loop: asyncio.AbstractEventLoop) -> Sweeper:
    """The sweeper of ``loop``, started with its first connection."""
    found = _sweepers.get(loop)
    if found is None:
        found = _sweepers[loop] = Sweeper(loop)
    return found
