"""A callback URL on loopback for the simulator's tests: records posts, answers as told."""

from __future__ import annotations

import asyncio
import socket
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from console.asgi_server import AsgiServer
from console.asgi_types import Receive, Scope, Send
from console.net import bind_socket
from console.simulator.connection_drop import DroppableHttpToolsProtocol, drop_connection

Answer = int | Literal["drop"]
WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Post:
    fields: dict[str, str]
    answer: Answer
    content_type: str


class CallbackReceiver:
    """Answers 200 unless ``answers`` holds something for the next post.

    ``hold_seconds`` keeps each request open that long before answering, to see how many
    callbacks the simulator has in flight at once (``max_in_flight``).
    """

    def __init__(self, *, hold_seconds: float = 0.0) -> None:
        self.posts: list[Post] = []
        self.answers: deque[Answer] = deque()
        self.hold_seconds = hold_seconds
        self.in_flight = 0
        self.max_in_flight = 0
        self._arrived = asyncio.Event()
        self._server = AsgiServer(
            self._app, protocol=DroppableHttpToolsProtocol, graceful_shutdown_seconds=1
        )
        self.url = ""

    @property
    def accepted(self) -> list[dict[str, str]]:
        """Fields of the posts answered 2xx, in arrival order."""
        return [
            post.fields
            for post in self.posts
            if isinstance(post.answer, int) and 200 <= post.answer < 300
        ]

    async def start(self, sock: socket.socket | None = None) -> str:
        base = await self._server.start(sock or bind_socket("127.0.0.1", 0))
        self.url = base + "/callbacks/token"
        return self.url

    async def stop(self) -> None:
        await self._server.stop()

    async def wait_for(self, condition: Callable[[CallbackReceiver], bool]) -> None:
        """Wait until ``condition`` holds; fail with what arrived after ``WAIT_SECONDS``."""
        try:
            async with asyncio.timeout(WAIT_SECONDS):
                while not condition(self):
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            raise AssertionError(f"condition not met; posts: {self.posts}") from None

    async def _app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = dict(scope["headers"])
        answer: Answer = self.answers.popleft() if self.answers else 200
        fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, errors="strict"))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.hold_seconds:
                await asyncio.sleep(self.hold_seconds)
        finally:
            self.in_flight -= 1
        self.posts.append(Post(fields, answer, headers.get(b"content-type", b"").decode()))
        self._arrived.set()
        if answer == "drop":
            await drop_connection(scope, receive)
            return
        await send(
            {
                "type": "http.response.start",
                "status": answer,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"2")],
            }
        )
        await send({"type": "http.response.body", "body": b"ok"})
