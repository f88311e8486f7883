"""Sending each answer in one system call.

uvicorn writes an answer's status line and headers, then its body, each straight to the
socket: two sends per callback, and on loopback TCP a send costs as much as all of our
decoding. The listener's transports hold what is written during one pass of the event
loop and send it together at the start of the next.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

log = logging.getLogger(__name__)


class Flusher:
    """Sends, once per pass of the event loop, what one server's transports hold."""

    def __init__(self) -> None:
        self._holding: list[BatchedTransport] = []

    def hold(self, transport: BatchedTransport, loop: asyncio.AbstractEventLoop) -> None:
        if not self._holding:
            loop.call_soon(self._flush)
        self._holding.append(transport)

    def _flush(self) -> None:
        holding, self._holding = self._holding, []
        for transport in holding:
            try:
                transport.flush()
            except Exception:
                # One broken connection must not keep the others' answers back.
                log.exception("could not send an answer; closing that connection")
                try:
                    transport.abort()
                except Exception:
                    log.exception("could not close that connection either")


class BatchedTransport(asyncio.Transport):
    """A connection's transport whose writes within one pass of the loop go out together."""

    def __init__(
        self, transport: asyncio.Transport, flusher: Flusher, loop: asyncio.AbstractEventLoop
    ) -> None:
        super().__init__()
        self._transport = transport
        self._held: list[bytes] = []
        self._flusher = flusher
        self._loop = loop

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._held:
            self._flusher.hold(self, self._loop)
        self._held.append(bytes(data) if not isinstance(data, bytes) else data)

    def writelines(self, list_of_data: Any) -> None:
        for data in list_of_data:
            self.write(data)

    def flush(self) -> None:
        held = self._held
        if held:
            self._held = []  # first, so that a failed write does not stop later ones
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def abort(self) -> None:
        self._held = []
        self._transport.abort()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def can_write_eof(self) -> bool:
        return self._transport.can_write_eof()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._transport.set_protocol(protocol)

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._transport.get_protocol()

    def is_reading(self) -> bool:
        return self._transport.is_reading()

    def pause_reading(self) -> None:
        self._transport.pause_reading()

    def resume_reading(self) -> None:
        self._transport.resume_reading()

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._held))

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return self._transport.get_write_buffer_limits()

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        self._transport.set_write_buffer_limits(high, low)
