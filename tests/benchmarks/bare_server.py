"""A minimal MT endpoint for benchmarks: answers every request ``result_code=0``.

Runs in its own process (so it does not share the client's interpreter lock) and prints
``listening <port>`` once it accepts connections. ``GET /stats`` returns the request count.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import uvicorn

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

_count = 0


async def app(
    scope: Scope,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    global _count
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    if scope["method"] == "GET" and scope["path"] == "/stats":
        body = str(_count).encode()
    else:
        _count += 1
        body = b"result_code=0"
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    sock = socket.socket()
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    config = uvicorn.Config(
        app, http="httptools", loop="asyncio", log_level="warning", access_log=False,
        lifespan="off",
    )  # fmt: skip
    server = uvicorn.Server(config)
    print(f"listening {sock.getsockname()[1]}", flush=True)
    asyncio.run(server.serve(sockets=[sock]))


if __name__ == "__main__":
    main()
