"""A real HTTP server on loopback that answers MT requests the way the provider documents.

It records every request exactly as received (method, path, headers, raw body, parsed
fields) and follows a script of reactions: answer a code, answer an HTTP error, or read the
request and drop the connection without answering. Like the provider, it answers 7 to a
``message_id`` it has already accepted.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

Action = Literal["answer", "drop", "http_error", "slow"]


@dataclass(frozen=True)
class Reaction:
    action: Action
    result_code: int = 0
    http_status: int = 200
    delay: float = 0.0


@dataclass(frozen=True)
class Captured:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    fields: list[tuple[str, str]]

    def field(self, name: str) -> str:
        return dict(self.fields)[name]


class FakeProvider:
    """Start with ``with FakeProvider() as provider:``; ``provider.url`` is the endpoint."""

    def __init__(
        self,
        script: list[Reaction] | None = None,
        on_request: Callable[[Captured], None] | None = None,
    ) -> None:
        self.script: deque[Reaction] = deque(script or [])
        self.on_request = on_request
        self.requests: list[Captured] = []
        self.accepted: list[str] = []
        self._lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def do_GET(self) -> None:
                self._handle(b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self._handle(self.rfile.read(length))

            def _handle(self, body: bytes) -> None:
                parts = urlsplit(self.path)
                source = body.decode("utf-8") if self.command == "POST" else parts.query
                captured = Captured(
                    method=self.command,
                    path=parts.path,
                    query=parts.query,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    fields=parse_qsl(source, keep_blank_values=True),
                )
                reaction = provider._react(captured)
                if reaction.action == "drop":
                    # Read, then vanish: the client cannot know whether we took it.
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if reaction.action == "slow":
                    threading.Event().wait(reaction.delay)
                if reaction.action == "http_error":
                    payload = b"temporarily unavailable"
                    self.send_response(reaction.http_status)
                else:
                    payload = f"result_code={reaction.result_code}".encode()
                    self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/httpapi/receiver"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def _react(self, captured: Captured) -> Reaction:
        if self.on_request is not None:
            self.on_request(captured)
        with self._lock:
            self.requests.append(captured)
            reaction = self.script.popleft() if self.script else Reaction("answer")
            message_id = dict(captured.fields).get("message_id", "")
            if reaction.action in ("answer", "drop", "slow") and reaction.result_code == 0:
                if message_id in self.accepted:
                    return Reaction("answer", result_code=7)
                self.accepted.append(message_id)
            return reaction

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
