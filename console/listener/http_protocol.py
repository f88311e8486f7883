"""The listener's HTTP protocol: uvicorn's, with request deadlines and one send per answer."""

from __future__ import annotations

import asyncio
from typing import ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from console.listener.slow_clients import Sweeper
from console.listener.write_batching import BatchedTransport, Flusher


class ListenerHttpProtocol(HttpToolsProtocol):
    # One server's settings and helpers, shared by its connections; see listener_protocol.
    request_timeout: ClassVar[float] = 30.0
    sweeper: ClassVar[Sweeper]
    flusher: ClassVar[Flusher]

    _since: float | None = None  # when the request being read began; None between requests

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(BatchedTransport(transport, self.flusher, self.loop))
        self._since = self.loop.time()
        self.sweeper.watch(self, self.loop)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._since = self.loop.time()

    def on_message_complete(self) -> None:
        self._since = None
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._since = None
        self.sweeper.forget(self)
        super().connection_lost(exc)

    def overdue(self, now: float) -> bool:
        return self._since is not None and now - self._since > self.request_timeout

    def close_too_slow(self) -> None:
        self._since = None
        if not self.transport.is_closing():
            self.transport.close()


def listener_protocol(request_timeout: float) -> type[ListenerHttpProtocol]:
    """A protocol class for one server (uvicorn's ``http`` setting), with its deadline.

    The class holds that server's sweeper and flusher, so they go when the server does.
    """
    return type(
        "ListenerHttpProtocol",
        (ListenerHttpProtocol,),
        {"request_timeout": request_timeout, "sweeper": Sweeper(), "flusher": Flusher()},
    )
