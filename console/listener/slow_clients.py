"""Closing connections whose request does not arrive in time.

uvicorn times out idle keep-alive connections but lets a client take forever over one
request, so a few slow or silent clients could hold connections for good. This protocol
gives each request a deadline from its first byte (or from the connection's start).

A request only notes when it began; one sweep per event loop, a few times a second, closes
the connections past their deadline. A timer per request would cost more on the
listener's busiest path than everything else this module does.
"""

from __future__ import annotations

import asyncio
import weakref

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_MAX_SWEEP_INTERVAL = 1.0


class _Sweeper:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._connections: set[DeadlineHttpToolsProtocol] = set()
        self._interval = _MAX_SWEEP_INTERVAL
        self._timer: asyncio.TimerHandle | None = None

    def watch(self, connection: DeadlineHttpToolsProtocol) -> None:
        self._connections.add(connection)
        # A quarter of the shortest deadline: a late request is closed at most 25% late.
        self._interval = min(self._interval, connection.request_timeout / 4)
        if self._timer is None:
            self._timer = self._loop.call_later(self._interval, self._sweep)

    def forget(self, connection: DeadlineHttpToolsProtocol) -> None:
        self._connections.discard(connection)

    def _sweep(self) -> None:
        now = self._loop.time()
        for connection in [c for c in self._connections if c.overdue(now)]:
            connection.close_too_slow()
        self._timer = (
            self._loop.call_later(self._interval, self._sweep) if self._connections else None
        )


_sweepers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Sweeper] = (
    weakref.WeakKeyDictionary()
)


def _sweeper(loop: asyncio.AbstractEventLoop) -> _Sweeper:
    sweeper = _sweepers.get(loop)
    if sweeper is None:
        sweeper = _sweepers[loop] = _Sweeper(loop)
    return sweeper


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    request_timeout = 30.0
    _since: float | None = None  # when the request being read began; None between requests

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._since = self.loop.time()
        _sweeper(self.loop).watch(self)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._since = self.loop.time()

    def on_message_complete(self) -> None:
        self._since = None
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._since = None
        _sweeper(self.loop).forget(self)
        super().connection_lost(exc)

    def overdue(self, now: float) -> bool:
        return self._since is not None and now - self._since > self.request_timeout

    def close_too_slow(self) -> None:
        self._since = None
        if not self.transport.is_closing():
            self.transport.close()


def with_request_timeout(seconds: float) -> type[DeadlineHttpToolsProtocol]:
    """The protocol class with its deadline set, for uvicorn's ``http`` setting."""
    return type("ListenerHttpProtocol", (DeadlineHttpToolsProtocol,), {"request_timeout": seconds})
