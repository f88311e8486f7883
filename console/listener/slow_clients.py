"""Closing connections whose request does not arrive in time.

uvicorn times out idle keep-alive connections but lets a client take forever over one
request, so a few slow or silent clients could hold connections for good. Each request
gets a deadline from its first byte (or from the connection's start).

A request only notes when it began; one sweep, at most once a second, closes the
connections past their deadline. A timer per request would cost more on the listener's
busiest path than everything else this module does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from console.listener.memory import AfterFlood

log = logging.getLogger(__name__)

_MAX_SWEEP_INTERVAL = 1.0


class Guarded(Protocol):
    """A connection under a request deadline."""

    @property
    def request_timeout(self) -> float: ...

    def overdue(self, now: float) -> bool: ...

    def close_too_slow(self) -> None: ...


class Sweeper:
    """Closes the overdue connections of one server."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connections: set[Guarded] = set()
        self._interval = _MAX_SWEEP_INTERVAL
        self._timer: asyncio.TimerHandle | None = None
        self._after_flood = AfterFlood()

    def watch(self, connection: Guarded, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._connections.add(connection)
        # A quarter of the shortest deadline: a late request is closed at most 25% late.
        self._interval = min(self._interval, connection.request_timeout / 4)
        if self._timer is None:
            self._timer = loop.call_later(self._interval, self._sweep)

    def forget(self, connection: Guarded) -> None:
        self._connections.discard(connection)
        if not self._connections:
            self._after_flood.connections(0)

    def _sweep(self) -> None:
        assert self._loop is not None  # set by the watch that started the timer
        try:
            now = self._loop.time()
            for connection in [c for c in self._connections if c.overdue(now)]:
                try:
                    connection.close_too_slow()
                except Exception:
                    log.exception("could not close a connection past its deadline")
                    self._connections.discard(connection)
        finally:
            self._after_flood.connections(len(self._connections))
            self._timer = (
                self._loop.call_later(self._interval, self._sweep) if self._connections else None
            )
