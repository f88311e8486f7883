"""The listener's HTTP protocol: uvicorn's, with request deadlines and one send per answer."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from console.listener.slow_clients import sweeper
from console.listener.write_batching import BatchedTransport


class ListenerHttpProtocol(HttpToolsProtocol):
    request_timeout = 30.0
    _since: float | None = None  # when the request being read began; None between requests

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(BatchedTransport(transport, self.loop))
        self._since = self.loop.time()
        sweeper(self.loop).watch(self)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._since = self.loop.time()

    def on_message_complete(self) -> None:
        self._since = None
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._since = None
        sweeper(self.loop).forget(self)
        super().connection_lost(exc)

    def overdue(self, now: float) -> bool:
        return self._since is not None and now - self._since > self.request_timeout

    def close_too_slow(self) -> None:
        self._since = None
        if not self.transport.is_closing():
            self.transport.close()


def listener_protocol(request_timeout: float) -> type[ListenerHttpProtocol]:
    """The protocol class with its deadline set, for uvicorn's ``http`` setting."""
    return type(
        "ListenerHttpProtocol", (ListenerHttpProtocol,), {"request_timeout": request_timeout}
    )
