"""The simulator's HTTP surface, as a plain ASGI app.

- ``/httpapi/receiver``: the provider's MT endpoint, GET (query) or POST (form body;
  parameters in the query string count too, as on a servlet-style server). Always
  HTTP 200 with ``result_code=N``, unless a fault drops the connection.
- ``/simulator/journal``: GET, the journal as JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from console.asgi_types import Receive, Scope, Send
from console.simulator.callback_plan import CallbackPlanner
from console.simulator.callbacks import CallbackDispatcher
from console.simulator.codes import MtResult
from console.simulator.connection_drop import drop_connection
from console.simulator.journal import Journal, one_line, readable_parameters
from console.simulator.mt_handler import MtHandler

MT_PATH = "/httpapi/receiver"
JOURNAL_PATH = "/simulator/journal"

# Far above any real MT request, MMS included; only there to bound memory.
MAX_BODY_BYTES = 16 * 1024 * 1024

log = logging.getLogger("console.simulator")


class _BodyTooLarge(Exception):
    pass


class SimulatorApp:
    def __init__(
        self,
        *,
        handler: MtHandler,
        planner: CallbackPlanner,
        dispatcher: CallbackDispatcher,
        journal: Journal,
        journal_view: Callable[[], dict[str, Any]],
    ) -> None:
        self._handler = handler
        self._planner = planner
        self._dispatcher = dispatcher
        self._journal = journal
        self._journal_view = journal_view

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        method = scope["method"]
        if path == MT_PATH:
            if method not in ("GET", "POST"):
                await _respond(send, 405, b"method not allowed\n", allow=b"GET, POST")
                return
            await self._mt(scope, receive, send)
        elif path == JOURNAL_PATH:
            if method != "GET":
                await _respond(send, 405, b"method not allowed\n", allow=b"GET")
                return
            body = json.dumps(self._journal_view(), ensure_ascii=False, indent=2).encode()
            await _respond(send, 200, body, content_type=b"application/json")
        else:
            await _respond(send, 404, b"not found\n")

    async def _mt(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = _client_text(scope)
        method = scope["method"]
        try:
            pairs = _parameters(scope, await _read_body(receive) if method == "POST" else b"")
        except _BodyTooLarge:
            log.warning("MT %s from %s: body over %d bytes", method, client, MAX_BODY_BYTES)
            await _respond(send, 413, b"request body too large\n")
            return
        except UnicodeDecodeError:
            log.info("MT %s from %s: parameters are not UTF-8 -> result_code=1", method, client)
            self._journal.record_mt(
                method=method,
                client=client,
                params={},
                result_code=MtResult.REQUEST_INVALID,
                reason="parameters are not valid UTF-8",
                dropped=False,
                delay=0.0,
            )
            await _respond(send, 200, b"result_code=1")
            return

        decision = self._handler.handle(pairs)
        readable = readable_parameters(pairs)
        self._journal.record_mt(
            method=method,
            client=client,
            params=readable,
            result_code=decision.result_code,
            reason=decision.reason,
            dropped=decision.drop_connection,
            delay=decision.delay,
        )
        code = int(decision.result_code)
        log.info(
            "MT %s from %s: %s -> result_code=%d (%s)%s%s",
            method,
            client,
            one_line(readable),
            code,
            decision.reason,
            f", answer delayed {decision.delay:g} s" if decision.delay else "",
            ", connection dropped without answer" if decision.drop_connection else "",
        )
        if decision.accepted is not None:
            self._dispatcher.schedule(self._planner.plan(decision.accepted))
        if decision.delay:
            await asyncio.sleep(decision.delay)
        if decision.drop_connection:
            await drop_connection(scope, receive)
            return
        await _respond(send, 200, f"result_code={code}".encode("ascii"))


def _parameters(scope: Scope, body: bytes) -> list[tuple[str, str]]:
    """Query string and form body as strict UTF-8, blank values kept.

    Raises ``UnicodeDecodeError`` for bytes that are not UTF-8, raw or percent-encoded.
    """
    pairs: list[tuple[str, str]] = []
    for raw in (scope["query_string"], body):
        if raw:
            pairs += parse_qsl(
                raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict"
            )
    return pairs


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _BodyTooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _client_text(scope: Scope) -> str:
    client = scope.get("client")
    if not client:
        return "unknown client"
    host, port = client[0], client[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    *,
    content_type: bytes = b"text/plain; charset=utf-8",
    allow: bytes | None = None,
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    if allow is not None:
        headers.append((b"allow", allow))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
