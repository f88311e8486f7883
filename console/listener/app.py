"""The listener's ASGI application: checks, decoding, durable storage, then the answer."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlencode

from console.listener.access_log import AccessLog
from console.listener.batching import BatchWriter
from console.listener.config import ListenerConfig, allowed, client_address
from console.listener.form import UnreadableBody, decode_fields
from console.protocol.callbacks import (
    InvalidCallback,
    ReceiptFields,
    ReplyFields,
    parse_callback,
)
from console.store.models import (
    IncomingReceipt,
    IncomingReply,
    QuarantinedCallback,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Headers worth keeping with a quarantined request; others (cookies, auth) are not ours.
_KEPT_HEADERS = {b"content-type", b"content-length", b"user-agent", b"x-forwarded-for", b"host"}


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    pass


def _item(
    fields: list[tuple[str, str]],
    raw: str,
    parsed: ReceiptFields | ReplyFields,
    received_at: float,
    source: str,
) -> IncomingReceipt | IncomingReply:
    if isinstance(parsed, ReceiptFields):
        return IncomingReceipt(
            message_id=parsed.message_id,
            message_state=parsed.message_state,
            result_code=parsed.result_code,
            received_at=received_at,
            source_address=source,
            raw=raw,
            app_id=parsed.app_id,
            conversation_id=parsed.conversation_id,
        )
    if parsed.attachments:
        # Attachment bodies are kept decoded in their own table, not twice in the raw copy.
        raw = urlencode(
            [
                (k, f"<{len(v)} base64 characters>" if k.endswith(".content") else v)
                for k, v in fields
            ]
        )
    return IncomingReply(
        message_id=parsed.message_id,
        shortcode=parsed.shortcode,
        phone_number=parsed.phone_number,
        carrier=parsed.carrier,
        body=parsed.message,
        received_at=received_at,
        source_address=source,
        raw=raw,
        attachments=parsed.attachments,
    )


class CallbackApp:
    """Answers the provider's callbacks; a 2xx only once the callback is committed."""

    def __init__(self, config: ListenerConfig, writer: BatchWriter, access: AccessLog) -> None:
        self._config = config
        self._writer = writer
        self._access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        received_at = time.time()
        headers: list[tuple[bytes, bytes]] = scope["headers"]
        peer = scope.get("client")
        forwarded = next((v for k, v in headers if k == b"x-forwarded-for"), None)
        address = client_address(
            peer[0] if peer else None,
            forwarded.decode("latin-1") if forwarded else None,
            self._config.trusted_proxies,
        )
        source = str(address) if address else "unknown"
        method: str = scope["method"]
        target = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        query: bytes = scope.get("query_string", b"")
        if query:
            target = f"{target}?{query.decode('latin-1')}"

        async def answer(status: int, text: str, note: str = "", **extra: str) -> None:
            body = (text + "\n").encode()
            response_headers = [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ]
            response_headers += [(k.encode(), v.encode()) for k, v in extra.items()]
            await send(
                {"type": "http.response.start", "status": status, "headers": response_headers}
            )
            await send({"type": "http.response.body", "body": body})
            self._access.add(
                source, method, target, status, len(body), time.perf_counter() - started,
                note or text,
            )  # fmt: skip

        if not allowed(address, self._config.allow):
            await answer(403, "forbidden: this address may not post callbacks")
            return
        if scope["path"] != self._config.path:
            await answer(404, "not found")
            return
        if method != "POST":
            await answer(405, "method not allowed: use POST", allow="POST")
            return
        try:
            body = await self._read_body(headers, receive)
        except TooLarge:
            await answer(413, f"body larger than {self._config.max_body} bytes")
            return
        except Disconnected:
            # Half a body is not a callback; the provider will deliver it again.
            return

        try:
            content_type = next((v for k, v in headers if k == b"content-type"), b"")
            fields = decode_fields(query, content_type, body)
            parsed = parse_callback(fields)
        except (UnreadableBody, InvalidCallback) as exc:
            reason = str(exc)
            kept = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in headers if k in _KEPT_HEADERS
            ]
            quarantined = QuarantinedCallback(
                received_at=received_at,
                source_address=source,
                method=method,
                target=target.replace(self._config.path_token, "<token>"),
                headers=tuple(kept),
                body=body,
                reason=reason,
            )
            try:
                await self._writer.write(quarantined)
            except Exception:
                await answer(503, "storage unavailable, try again later")
                return
            await answer(400, f"bad request: {reason}")
            return

        if not query and content_type.startswith(b"application/x-www-form-urlencoded"):
            raw = body.decode("utf-8")  # decoded already once, so known to be UTF-8
        else:
            raw = urlencode(fields)
        item = _item(fields, raw, parsed, received_at, source)
        try:
            new = await self._writer.write(item)
        except Exception:
            await answer(503, "storage unavailable, try again later")
            return
        kind = "receipt" if isinstance(item, IncomingReceipt) else "MO"
        note = f"{kind} {item.message_id}" + ("" if new else " (redelivery)")
        await answer(200, "OK", note)

    async def _read_body(self, headers: list[tuple[bytes, bytes]], receive: Receive) -> bytes:
        limit = self._config.max_body
        declared = next((v for k, v in headers if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise TooLarge
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise TooLarge
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        return b"".join(chunks)
