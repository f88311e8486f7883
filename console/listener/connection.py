"""A listener connection's life: admitted when accepted, put behind TLS by the listener
itself, held to the request deadline and to an age, and freed at once when it ends."""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from console.listener.access_log import AccessLog
from console.listener.admission import Admission
from console.listener.canned import canned_answer
from console.listener.config import ListenerConfig
from console.listener.flow_control import GuardedFlow, limit_reads
from console.listener.freeing import unlink
from console.listener.slow_clients import Sweeper
from console.listener.tls import start_server_tls
from console.listener.write_batching import BatchedTransport, Flusher

# Bytes read past a request waiting for its answer, bodies included, before reading stops;
# also the size of each read from a plain socket.
READ_AHEAD = 16 * 1024
# A connection past its age limit is closed after its next answer, or this much later
# whatever it is doing.
_AGE_GRACE = 3.0


class GuardedConnection(HttpToolsProtocol):
    """uvicorn's protocol with the connection's life guarded; what it reads is
    ``http_protocol``'s business (``_feed``)."""

    # One server's settings and helpers, shared by its connections; see
    # server.listener_protocol.
    listener: ClassVar[ListenerConfig]
    request_timeout: ClassVar[float]
    sweeper: ClassVar[Sweeper]
    flusher: ClassVar[Flusher]
    admission: ClassVar[Admission]
    tls: ClassVar[ssl.SSLContext | None]
    access: ClassVar[AccessLog | None]

    flow: GuardedFlow

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_keep_alive = self.listener.keep_alive_timeout  # type: ignore[assignment]
        self._address = "unknown"
        self._tcp: asyncio.Transport | None = None  # under TLS, if any
        self._handshake: asyncio.Task[None] | None = None  # kept: the loop holds tasks weakly
        self._born = 0.0
        self._since: float | None = None  # start of the deadline; None when all is answered
        self._retiring = False  # old enough to close after its next answer
        self._stash = b""  # input read but not yet parsed

    # Connection --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._since = self._born = self.loop.time()
        self._tcp = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple) and peer:
            self._address = str(peer[0])
        refusal = self.admission.admit(self, self._address)
        if refusal is not None:
            self._log(503, refusal)
            if self.tls is None:
                transport.write(canned_answer(503, refusal, b"retry-after: 10"))
                transport.close()
            else:
                transport.abort()
            return
        self.connections.add(self)
        self.sweeper.watch(self, self.loop)
        if self.tls is None:
            limit_reads(transport, READ_AHEAD)
            self._serve(transport)
        else:
            transport.pause_reading()  # the handshake takes over the socket
            self._handshake = self.loop.create_task(self._secure(transport, self.tls))

    async def _secure(self, raw: asyncio.Transport, context: ssl.SSLContext) -> None:
        try:
            secure = await start_server_tls(raw, self, context, self.listener.request_timeout)
        except (OSError, TimeoutError):
            # A failed or abandoned handshake: the socket is closed already.
            self._discard()
            return
        self._serve(secure)

    def _serve(self, transport: asyncio.Transport) -> None:
        super().connection_made(BatchedTransport(transport, self.flusher, self.loop))
        self.flow = GuardedFlow(self.transport)
        early, self._stash = self._stash, b""
        if early:  # application data that came with the end of the handshake
            self._feed(early)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is None:  # refused, or lost during its handshake
            self._discard()
            return
        self._forget()
        self._since = None
        self._stash = b""
        super().connection_lost(exc)
        # Requests read ahead will never run, and the current one has been told. Without
        # these references the connection (with its TLS buffers) is freed at once,
        # rather than at the next full garbage collection.
        self.pipeline.clear()
        self.cycle = None  # type: ignore[assignment]
        unlink(self._tcp)
        self._tcp = None

    def _forget(self) -> None:
        self.admission.release(self)
        self.sweeper.forget(self)
        self.connections.discard(self)

    def _discard(self) -> None:
        """Forget a connection never served. The parser refers back to this protocol:
        left as it is, each refused connection would wait for a full garbage collection."""
        self._forget()
        unlink(self._tcp)
        self._tcp = None
        self._handshake = None
        self.parser = None  # type: ignore[assignment]

    def shutdown(self) -> None:
        if self.transport is None:
            if self._tcp is not None:
                self._tcp.abort()
            return
        super().shutdown()

    # Admission and deadline -----------------------------------------------------------------

    def evict(self) -> None:
        self._log(None, "closed to make room for a newer connection")
        self._end()

    def overdue(self, now: float) -> bool:
        age = now - self._born
        if age > self.request_timeout:
            self._retiring = True
            # Its next answer closes it; one that waits to send its next request, then
            # sends it for ever, must not stay for a whole deadline more.
            if age > self.request_timeout + _AGE_GRACE:
                return True
        return self._since is not None and now - self._since > self.request_timeout

    def close_too_slow(self) -> None:
        self._log(None, f"closed: older than {self.request_timeout:g} s, or not done within it")
        self._end()

    def _end(self) -> None:
        self._since = None
        transport = self.transport or self._tcp
        if transport is None:
            return
        # Answers the client does not read would keep a plain close waiting for ever.
        if transport.is_closing() or transport.get_write_buffer_size():
            transport.abort()
        else:
            transport.close()

    def timeout_keep_alive_handler(self) -> None:
        if not self.transport.is_closing():
            self._end()

    def _stop_reading_tls(self) -> None:
        # A TLS connection closing waits a moment for the client's own close, reading and
        # decrypting whatever else it sends meanwhile. Once it is refused or done, nothing
        # it sends is wanted: the socket is not read again.
        if self.tls is not None and self._tcp is not None and not self._tcp.is_closing():
            self._tcp.pause_reading()

    def _feed(self, data: bytes) -> None:
        raise NotImplementedError

    def idle(self) -> bool:
        """Whether nothing is being read or answered (it may be evicted)."""
        raise NotImplementedError

    def _log(self, status: int | None, note: str) -> None:
        if self.access is not None:
            self.access.add(time.time(), self._address, "-", "-", status, 0, 0.0, note)
