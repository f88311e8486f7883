"""The listener's HTTP protocol: uvicorn's, guarded against clients that hold, bloat or stall it.

- Connections are admitted when accepted, before any TLS handshake (``admission``), and the
  handshake gets the request deadline.
- The deadline runs from a connection's first byte, whatever it is, to its last answer
  written; one sweep closes the connections past it (``slow_clients``). Only a request
  stops the keep-alive timeout, and a connection older than the deadline is closed after
  its next answer.
- Input goes to the parser a slice at a time, so that header bytes, header count and the
  requests and bytes read ahead of their answers are checked as they arrive, not once a
  whole request has been taken in. Past a limit, input waits unread, or the request is
  refused.
- Reading stops while answers cannot be written; each answer leaves in one send
  (``write_batching``).
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any, ClassVar

import httptools
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

# Bytes given to the parser at a time, outside a body of known length. Small enough that
# one slice holds few whole requests; a callback usually fits in one. Behind a request
# waiting for its answer, smaller still: requests read ahead cost memory each.
_SLICE = 1024
_SLICE_BEHIND = 128
# Bytes read past a request waiting for its answer, bodies included, before reading stops.
_READ_AHEAD = 16 * 1024


class _TooManyHeaders(Exception):
    """Raised from a parser callback to stop parsing a head with too many headers."""


class ListenerHttpProtocol(HttpToolsProtocol):
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
        self._stash = b""  # input read but not yet parsed
        self._in_message = False
        self._in_head = True
        self._head_bytes = 0
        self._body_left = 0  # body bytes still to come, when the length is known
        self._retiring = False  # old enough to close after its next answer
        self._unanswered = 0
        self._refusal: tuple[int, str] | None = None
        self._input_closed = False
        self._too_many_headers = False
        self._framing = 0  # bytes read since the last piece of a body: chunk sizes, trailers
        self._ahead = 0  # bytes read while a whole request waits for its answer

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
            limit_reads(transport, _READ_AHEAD)
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

    def idle(self) -> bool:
        return not (self._in_message or self._unanswered or self._stash)

    def evict(self) -> None:
        self._log(None, "closed to make room for a newer connection")
        self._end()

    def overdue(self, now: float) -> bool:
        if now - self._born > self.request_timeout:
            self._retiring = True
        return self._since is not None and now - self._since > self.request_timeout

    def close_too_slow(self) -> None:
        self._log(None, f"closed: not done within {self.request_timeout:g} s")
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

    # Input ---------------------------------------------------------------------------------

    def data_received(self, data: bytes) -> None:
        if self._since is None:
            self._since = self.loop.time()
        if self._input_closed:
            return
        if self.transport is None or self.flow.holding:
            self._stash += data
        else:
            self._feed(data)

    def _feed(self, data: bytes) -> None:
        limits = self.listener
        view = memoryview(data) if len(data) > _SLICE else data
        offset, size = 0, len(data)
        while offset < size:
            if self._must_wait():
                self._stash = bytes(view[offset:])
                self.flow.holding = True
                self.flow.pause_reading()
                return
            all_body = self._body_left
            if self._waiting():
                # Behind a request waiting for its answer, a slice holds few whole
                # requests, and little of a body.
                step = _SLICE_BEHIND
                self._ahead += min(step, size - offset)
            else:
                step = all_body or _SLICE
            piece = view[offset : offset + step]
            offset += len(piece)
            if self._in_head:
                self._head_bytes += len(piece)
            elif not all_body:
                self._framing += len(piece)
            try:
                self.parser.feed_data(piece)
            except httptools.HttpParserUpgrade:
                # Nothing here speaks another protocol: answer what was asked, then hang up.
                self._close_input()
                if self.cycle is not None and not self.cycle.response_complete:
                    self.cycle.keep_alive = False
                return
            except httptools.HttpParserError:
                if self._too_many_headers:
                    self._refuse(431, f"more than {limits.max_headers} request headers")
                else:
                    self._refuse(400, "bad request: not valid HTTP")
                return
            if not self._in_message:
                continue
            if self._in_head:
                # Checked between slices rather than at each header: a slice holds few.
                if self._head_bytes > limits.max_header_bytes:
                    self._refuse(431, f"request headers over {limits.max_header_bytes} bytes")
                    return
                if len(self.headers) > limits.max_headers:  # a long head; see on_headers_complete
                    self._refuse(431, f"more than {limits.max_headers} request headers")
                    return
            elif all_body:
                self._body_left -= len(piece)
            elif self._framing > limits.max_header_bytes:
                # Not body, and more than a head may hold: chunk extensions or trailers.
                self._refuse(431, f"request trailers over {limits.max_header_bytes} bytes")
                return
            elif len(self.headers) > limits.max_headers:  # trailers count as headers
                self._refuse(431, f"more than {limits.max_headers} request headers")
                return
            else:
                self._body_left = self._body_still_to_come()

    def _body_still_to_come(self) -> int:
        # Once the head is read, the rest of a body of known length goes to the parser in
        # one piece. What came with the head is in the new cycle, not yet read by anyone.
        for name, value in self.headers:
            if name == b"content-length" and value.isdigit():
                return max(0, int(value) - len(self.cycle.body))
        return 0

    def _waiting(self) -> int:
        """Requests read whole and not yet answered (not one whose body is still coming)."""
        return self._unanswered - (self._in_message and not self._in_head)

    def _must_wait(self) -> bool:
        waiting = self._waiting()
        if not waiting:
            self._ahead = 0
        elif waiting >= self.listener.max_pipeline or self._ahead >= _READ_AHEAD:
            return True
        return self.flow.write_paused

    def _release_input(self) -> None:
        if not self.flow.holding or self._input_closed or self.transport.is_closing():
            return
        if self._must_wait():
            return
        self.flow.holding = False
        held, self._stash = self._stash, b""
        if held:
            self._feed(held)
        if not self.flow.holding:
            self.flow.resume_reading()
            if not (self._in_message or self._unanswered):
                self._since = None  # all answered: the deadline waits for the next byte

    def _close_input(self) -> None:
        self._input_closed = True
        self._stash = b""
        self.flow.holding = True
        self.flow.pause_reading()
        self._stop_reading_tls()

    def _stop_reading_tls(self) -> None:
        # A TLS connection closing waits a moment for the client's own close, reading and
        # decrypting whatever else it sends meanwhile. Once it is refused or done, nothing
        # it sends is wanted: the socket is not read again.
        if self.tls is not None and self._tcp is not None and not self._tcp.is_closing():
            self._tcp.pause_reading()

    def _refuse(self, status: int, text: str) -> None:
        """Refuse the request being read; earlier ones are answered first, in order."""
        self._refusal = (status, text)
        self._close_input()
        if self._in_message and not self._in_head:
            self._drop_current()
        if self._unanswered == 0:
            self._send_refusal()

    def _drop_current(self) -> None:
        # Its head was read and its handling begun, but its body is not a body: it gets
        # the refusal, and whatever waited for that body is told it will not come.
        self._unanswered -= 1
        current = self.cycle
        queued = [entry for entry in self.pipeline if entry[0] is not current]
        if len(queued) < len(self.pipeline):
            self.pipeline.clear()
            self.pipeline.extend(queued)
        else:
            current.disconnected = True
            current.message_event.set()

    def _send_refusal(self) -> None:
        assert self._refusal is not None
        status, text = self._refusal
        self._log(status, text)
        self.transport.write(canned_answer(status, text))
        self.transport.close()

    # Parser callbacks ----------------------------------------------------------------------

    def on_message_begin(self) -> None:
        # Only a request ends the wait for one: bytes that begin none (a stray CRLF) leave
        # the keep-alive timeout running.
        self._unset_keepalive_if_required()
        self._in_message = True
        self._head_bytes = self._framing = 0
        super().on_message_begin()

    def on_body(self, body: bytes) -> None:
        self._framing = 0
        super().on_body(body)

    def on_headers_complete(self) -> None:
        if len(self.headers) > self.listener.max_headers:
            # A head that came in one slice: refused before anything handles it.
            self._too_many_headers = True
            raise _TooManyHeaders
        self._in_head = False
        super().on_headers_complete()
        self._unanswered += 1
        if self._retiring:
            # Old enough: this answer ends the connection, and the client opens another. A
            # client that keeps a connection busy cannot keep it for ever.
            self.cycle.keep_alive = False

    def on_message_complete(self) -> None:
        self._in_message = False
        self._in_head = True
        self._body_left = 0
        super().on_message_complete()

    # Output --------------------------------------------------------------------------------

    def on_response_complete(self) -> None:
        self._unanswered -= 1
        super().on_response_complete()
        if self.transport.is_closing():
            self._stop_reading_tls()
            return
        if self._refusal is not None and self._input_closed:
            if self._unanswered == 0:
                self._send_refusal()
            return
        if self.flow.holding:
            self.loop.call_soon(self._release_input)
        elif not (self._in_message or self._unanswered or self.flow.write_paused):
            self._since = None  # all answered: the deadline waits for the next byte

    def pause_writing(self) -> None:
        super().pause_writing()
        if not self.flow.holding:
            self.flow.holding = True
            self.flow.pause_reading()

    def resume_writing(self) -> None:
        super().resume_writing()
        self.loop.call_soon(self._release_input)

    def _log(self, status: int | None, note: str) -> None:
        if self.access is not None:
            self.access.add(time.time(), self._address, "-", "-", status, 0, 0.0, note)
