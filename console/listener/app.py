"""The listener's ASGI application: checks, decoding, durable storage, then the answer."""

from __future__ import annotations

import functools
import hashlib
import time

from console.asgi_types import Message, Receive, Scope, Send
from console.listener.access_log import AccessLog
from console.listener.batching import BatchWriter, StorageUnavailable
from console.listener.body_budget import BodyBudget, OverBudget, Reservation
from console.listener.config import ListenerConfig, allowed, client_address
from console.listener.intake import Delivery

# Headers kept with a quarantined request; others (cookies, auth) are not ours to keep.
_KEPT_HEADERS = frozenset(
    {b"content-type", b"content-length", b"user-agent", b"x-forwarded-for", b"host"}
)
_PLAIN = b"text/plain; charset=utf-8"
# A body that comes in pieces draws on the shared budget past this size: a receipt is far
# smaller, and thousands of clients each stopping just short of a larger limit would
# otherwise hold it thousands of times over.
BUDGET_FREE = 4 * 1024
# Refusals end the connection: whatever else the client sent is not read.
_CLOSE = ((b"connection", b"close"),)
# Seconds a provider should wait before delivering again a callback we could not store
# (the store was locked, or unreachable): a shared store that restarts is back by then.
RETRY_AFTER = b"5"


class TooLarge(Exception):
    pass


class Disconnected(Exception):
    pass


@functools.lru_cache(maxsize=256)
def _response(
    status: int, text: str, extra: tuple[tuple[bytes, bytes], ...]
) -> tuple[Message, Message]:
    # The two ASGI messages of an answer, built once per distinct answer: the server
    # only reads them.
    body = (text + "\n").encode()
    headers = [(b"content-type", _PLAIN), (b"content-length", str(len(body)).encode()), *extra]
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


class CallbackApp:
    """Answers the provider's callbacks; a 2xx only once the callback is committed.

    The checks that need no body come first (address, path, method, size); decoding and
    storage happen per batch in the writer.
    """

    def __init__(self, config: ListenerConfig, writer: BatchWriter, access: AccessLog) -> None:
        self._config = config
        self._writer = writer
        self._access = access
        self._screening = bool(config.allow or config.trusted_proxies)
        self._path = config.path
        self._token = config.path_token
        self._masked_path = self._path.replace(self._token, "<token>")
        self._max_body = config.max_body
        self._budget = BodyBudget(config.body_memory)

    async def _answer(
        self,
        send: Send,
        status: int,
        text: str,
        log: tuple[float, str, str, str, float],
        note: str = "",
        extra: tuple[tuple[bytes, bytes], ...] = (),
    ) -> None:
        start, body = _response(status, text, extra)
        await send(start)
        await send(body)
        at, source, method, target, started = log
        self._access.add(
            at, source, method, target, status, len(body["body"]),
            time.perf_counter() - started, note or text,
        )  # fmt: skip

    def _target(self, path: bytes, query: bytes) -> str:
        target = (path + b"?" + query if query else path).decode("latin-1")
        return target.replace(self._token, "<token>")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        received_at = time.time()
        kept = {k: v for k, v in scope["headers"] if k in _KEPT_HEADERS}
        peer = scope.get("client")
        if self._screening:
            forwarded = kept.get(b"x-forwarded-for")
            address = client_address(
                peer[0] if peer else None,
                forwarded.decode("latin-1") if forwarded else None,
                self._config.trusted_proxies,
            )
            source = str(address) if address else "unknown"
        else:
            address = None
            source = peer[0] if peer else "unknown"
        method: str = scope["method"]
        query: bytes = scope.get("query_string", b"")

        forbidden = self._screening and not allowed(address, self._config.allow)
        if forbidden or scope["path"] != self._path:
            raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
            log = (received_at, source, method, self._target(raw_path, query), started)
            if forbidden:
                await self._answer(
                    send, 403, "forbidden: this address may not post callbacks", log, extra=_CLOSE
                )
            else:
                await self._answer(send, 404, "not found", log, extra=_CLOSE)
            return
        target = self._target(self._masked_path.encode(), query) if query else self._masked_path
        log = (received_at, source, method, target, started)
        if method != "POST":
            await self._answer(
                send, 405, "method not allowed: use POST", log, extra=((b"allow", b"POST"), *_CLOSE)
            )
            return
        declared = kept.get(b"content-length")
        size = int(declared) if declared is not None and declared.isdigit() else 0
        reservation: Reservation | None = None  # only large bodies take one
        try:
            # Refused before reading, so that a client waiting for "100 Continue" sends nothing.
            if size > self._max_body:
                raise TooLarge
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body"):
                body = message.get("body", b"")  # all at once, as callbacks usually come
                if len(body) > self._max_body:
                    raise TooLarge
                digest = ""
            else:
                reservation = reservation or self._budget.hold()
                body, digest = await self._read_body(message, receive, reservation)
            delivery = Delivery(
                received_at, source, method, target, query, kept.get(b"content-type", b""),
                body, kept, digest,
            )  # fmt: skip
            verdict = await self._writer.submit(delivery)
        except TooLarge:
            # The rest of the body may never come, or come at length: the connection ends
            # here rather than read it as the next request.
            await self._answer(
                send, 413, f"body larger than {self._max_body} bytes", log, extra=_CLOSE
            )
            return
        except OverBudget:
            await self._answer(
                send, 503, "too many large callbacks at once, try again later", log,
                extra=((b"retry-after", b"10"), *_CLOSE),
            )  # fmt: skip
            return
        except Disconnected:
            # Half a body is not a callback; the provider will deliver it again.
            return
        except StorageUnavailable as exc:
            await self._answer(
                send, 503, f"{exc}, try again later", log, extra=((b"retry-after", RETRY_AFTER),)
            )
            return
        finally:
            if reservation is not None:
                reservation.release()
        await self._answer(send, verdict.status, verdict.text, log, verdict.note)

    async def _read_body(
        self, message: Message, receive: Receive, reservation: Reservation
    ) -> tuple[bytes, str]:
        """The body that begins with ``message``, read to its end, and its SHA-256.

        A body past ``BUDGET_FREE`` takes memory from the budget as it comes (what a client
        only announces costs nothing), and is hashed as it comes, should it be kept in
        quarantine.
        """
        chunks: list[bytes] = []
        digest = hashlib.sha256()
        size = 0
        while True:
            if message["type"] == "http.disconnect":
                raise Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                raise TooLarge
            if size > BUDGET_FREE:
                reservation.grow_to(size)
            chunks.append(chunk)
            digest.update(chunk)
            if not message.get("more_body"):
                return b"".join(chunks), digest.hexdigest()
            message = await receive()
