"""Closing a client's TCP connection without any answer.

ASGI has no way to do this: an app that returns or raises without a response makes
uvicorn answer 500 itself. The simulator needs the real thing (the provider's connection
dropping after it accepted a message), so the server uses uvicorn's httptools protocol
with one addition: every request's scope carries an extension whose ``abort`` closes that
request's connection at once. uvicorn then sees the client as disconnected and sends
nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from console.asgi_types import Receive, Scope

EXTENSION = "sms_simulator.connection"


class DroppableHttpToolsProtocol(HttpToolsProtocol):
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.scope["extensions"] = {EXTENSION: {"abort": self.transport.abort}}


async def drop_connection(scope: Scope, receive: Receive) -> None:
    """Abort the request's connection and wait until the server has noticed.

    Returning before uvicorn processed the loss would make it send its own 500 on a
    connection that is already gone, and log an error for it.
    """
    extension = scope.get("extensions", {}).get(EXTENSION)
    if extension is None:
        raise RuntimeError("the server does not offer connection dropping")
    abort = cast("Callable[[], None]", extension["abort"])
    abort()
    while (await receive())["type"] != "http.disconnect":
        pass
