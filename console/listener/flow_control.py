"""How a connection reads: uvicorn's flow control with the listener's own hold on it, and
the size of each read."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.flow_control import FlowControl


class GuardedFlow(FlowControl):
    """uvicorn's flow control, except that reading stays off while input is held back."""

    holding = False

    def resume_reading(self) -> None:  # uvicorn's, with the one condition more
        if self.read_paused and not self.holding:
            self.read_paused = False
            self._transport.resume_reading()


def limit_reads(transport: asyncio.BaseTransport, size: int) -> None:
    """Make ``transport`` read at most ``size`` bytes at a time from its socket.

    asyncio reads up to 256 KiB at a time. What the listener cannot parse yet (requests
    past the pipeline's limit) it keeps: reads of its own size bound that.
    """
    if hasattr(transport, "max_size"):
        transport.max_size = size
