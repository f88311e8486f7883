"""The listener's HTTP protocol: uvicorn's, guarded against clients that hold, bloat or stall it.

- A connection's life (admission, TLS, the deadline from its first byte, its age) is
  ``connection``'s. Only a request stops the keep-alive timeout.
- Input goes to the parser a slice at a time, so that header bytes, header count and the
  requests and bytes read ahead of their answers are checked as they arrive, not once a
  whole request has been taken in. Past a limit, input waits unread, or the request is
  refused.
- Reading stops while answers cannot be written; each answer leaves in one send
  (``write_batching``).
"""

from __future__ import annotations

from typing import Any

import httptools

from console.listener.canned import canned_answer
from console.listener.connection import READ_AHEAD, GuardedConnection

# Bytes given to the parser at a time, outside a body of known length. Small enough that
# one slice holds few whole requests; a callback usually fits in one. Behind a request
# waiting for its answer, smaller still: requests read ahead cost memory each.
_SLICE = 1024
_SLICE_BEHIND = 128
# A chunked body may come in this many chunks of any size; past them, chunks must average
# this many bytes.
_FREE_CHUNKS = 64
_CHUNK_AVERAGE = 512


class _Refused(Exception):
    """Raised from a parser callback to stop parsing a request refused as it is read."""


class ListenerHttpProtocol(GuardedConnection):
    """The listener's protocol: see the module's description."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_message = False
        self._in_head = True
        self._head_bytes = 0
        self._body_left = 0  # body bytes still to come, when the length is known
        self._unanswered = 0
        self._refusal: tuple[int, str] | None = None
        self._input_closed = False
        self._refusing: tuple[int, str] | None = None  # decided within a parser callback
        self._chunks = self._body_bytes = 0  # of the body being read
        self._framing = 0  # bytes read since the last piece of a body: chunk sizes, trailers
        self._ahead = 0  # bytes read while a whole request waits for its answer

    def idle(self) -> bool:
        return not (self._in_message or self._unanswered or self._stash)

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
                self._refuse(*(self._refusing or (400, "bad request: not valid HTTP")))
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
        elif waiting >= self.listener.max_pipeline or self._ahead >= READ_AHEAD:
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
        self._head_bytes = self._framing = self._chunks = self._body_bytes = 0
        super().on_message_begin()

    def on_chunk_header(self) -> None:
        # Each chunk costs a pass through the parser and a copy of the body read so far:
        # many tiny ones are a way to burn the loop's time, not to send a callback.
        self._chunks += 1
        if self._chunks > _FREE_CHUNKS and self._chunks * _CHUNK_AVERAGE > self._body_bytes:
            self._refusing = (400, f"body chunks under {_CHUNK_AVERAGE} bytes on average")
            raise _Refused

    def on_body(self, body: bytes) -> None:
        self._framing = 0
        self._body_bytes += len(body)
        super().on_body(body)

    def on_headers_complete(self) -> None:
        if len(self.headers) > self.listener.max_headers:
            # A head that came in one slice: refused before anything handles it.
            self._refusing = (431, f"more than {self.listener.max_headers} request headers")
            raise _Refused
        # A target uvicorn cannot read (CONNECT's host:port, a broken URL) raises here,
        # before any handling begins: the request is refused as not valid HTTP.
        super().on_headers_complete()
        self._in_head = False
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
