"""A connection made to give way: closed at once, even with answers its client never read."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from console.listener.config import ListenerConfig
from console.listener.server import listener_protocol
from tests.support.listener import TOKEN


class StuckTransport(asyncio.Transport):
    """A socket whose client reads nothing: what is written stays buffered."""

    def __init__(self, buffered: int) -> None:
        super().__init__()
        self.buffered = buffered
        self.ended = ""

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.9", 5000) if name == "peername" else default

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def is_closing(self) -> bool:
        return bool(self.ended)

    def close(self) -> None:
        # A plain close waits until everything buffered is written: for ever, here.
        self.ended = self.ended or "close"

    def abort(self) -> None:
        self.ended = "abort"

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass


async def test_an_evicted_connection_with_unread_answers_is_aborted_not_left_closing() -> None:
    loop = asyncio.get_running_loop()
    protocol_class = listener_protocol(ListenerConfig(port=0, path_token=TOKEN), None, None)
    config = Config(app=lambda *_: None, ws="none", lifespan="off", log_config=None)

    def connection(buffered: int) -> tuple[Any, StuckTransport]:
        protocol = protocol_class(
            config=config, server_state=ServerState(), app_state={}, _loop=loop
        )
        transport = StuckTransport(buffered)
        protocol.connection_made(transport)
        return protocol, transport

    stuck, stuck_transport = connection(buffered=300_000)
    quiet, quiet_transport = connection(buffered=0)
    stuck.evict()
    quiet.evict()
    assert stuck_transport.ended == "abort"
    assert quiet_transport.ended == "close"  # nothing waiting: closed politely
