"""The sending engine: outbox first, then attempts until the provider's answer is settled."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field, replace

import httpx

from console.keychain import Credentials
from console.protocol.mt_request import HttpMethod, MtRequest
from console.sending.attempt import attempt
from console.sending.claims import DEFAULT_LEASE, ClaimedElsewhere, Claims, console_owner
from console.sending.pacing import Pacer
from console.sending.policy import RetrySettings, decide
from console.store.audit import AuditAction, AuditEntry
from console.store.errors import OptedOut
from console.store.interface import MessageStore
from console.store.models import (
    AttemptResult,
    Claim,
    Decision,
    MessageStatus,
    NewMessage,
    StoredMessage,
)

log = logging.getLogger(__name__)

INTERRUPTED = "interrupted: the program stopped before the answer was read"


@dataclass(frozen=True)
class EngineSettings:
    retry: RetrySettings = field(default_factory=RetrySettings)
    rate: float | None = None
    endpoint_override: str | None = None
    method_override: HttpMethod | None = None
    # Seconds a message stays held by this console unless renewed (see .claims).
    lease: float = DEFAULT_LEASE


def mt_request(message: NewMessage | StoredMessage, credentials: Credentials) -> MtRequest:
    """The wire request for a message (credentials are never stored with it)."""
    return MtRequest(
        login=credentials.login,
        password=credentials.password,
        phone_number=message.phone_number,
        sender=message.sender,
        message=message.body,
        message_id=message.message_id,
        carrier=message.carrier,
        receipt=message.receipt,
        app_id=message.app_id,
        conversation_id=message.conversation_id,
        priority=message.priority,
        attachments=message.attachments,
    )


class SendingEngine:
    """Sends messages through one ``httpx.AsyncClient`` and records every step in the store.

    A message is stored before its first attempt; each attempt is recorded as it starts
    and when it ends, so a crash at any point leaves the message resumable with the same
    ``message_id``. While it is sent, the message is held for this console (``claims``,
    by default its own): no other console sends it meanwhile.
    """

    def __init__(
        self,
        store: MessageStore,
        client: httpx.AsyncClient,
        credentials: Credentials,
        settings: EngineSettings | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_change: Callable[[str], None] | None = None,
        claims: Claims | None = None,
    ) -> None:
        self._store = store
        self._client = client
        self._credentials = credentials
        self._settings = settings or EngineSettings()
        self._sleep = sleep
        self._pacer = Pacer(self._settings.rate, sleep=sleep)
        self._on_change = on_change or (lambda _message_id: None)
        self.claims = claims or Claims(store, Claim(console_owner(), self._settings.lease))

    def submit(
        self, new: NewMessage, action: AuditAction = AuditAction.SEND, detail: str = ""
    ) -> StoredMessage:
        """Validate and store ``new`` without sending it. A message with an operator is
        recorded in the audit trail as ``action`` by that operator.

        Raises:
            InvalidRequest: a field is not acceptable; nothing was stored.
            DuplicateMessageId: the id is already in the store.
            OptedOut: the number is on the opt-out list; nothing was stored.
        """
        mt_request(new, self._credentials).validated()
        now = time.time()
        audit = (
            None
            if new.operator is None
            else AuditEntry(now, new.operator, new.host or "", action, new.message_id, detail)
        )
        # Held from the start, so that no other console's recovery sends it meanwhile.
        stored = self._store.create_message(new, now, self.claims.claim, audit)
        self._on_change(new.message_id)
        return stored

    async def send(self, new: NewMessage) -> StoredMessage:
        """Store ``new``, then attempt it until its acceptance is settled."""
        stored = self.submit(new)
        with self._holding(new.message_id):
            await self._attempt_until_settled(stored, outcome_unknown=False)
        return self._load(new.message_id)

    async def send_many(self, messages: Iterable[NewMessage], concurrency: int = 4) -> int:
        """Send many messages over at most ``concurrency`` requests in flight.

        Returns how many were accepted.
        """
        queue: asyncio.Queue[NewMessage] = asyncio.Queue()
        for new in messages:
            queue.put_nowait(new)
        accepted = 0

        async def worker() -> None:
            nonlocal accepted
            while not queue.empty():
                result = await self.send(queue.get_nowait())
                accepted += result.status is MessageStatus.ACCEPTED

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return accepted

    async def deliver(self, message_id: str) -> StoredMessage:
        """Attempt a stored message until accepted, refused, or out of attempts.

        Raises:
            LookupError: no such message.
            ClaimedElsewhere: another console holds it (its lease has not run out).
        """
        self._load(message_id)
        # Taken before its history is read: an attempt another console has in flight
        # must not be taken for one interrupted.
        if not self.claims.take(message_id):
            raise ClaimedElsewhere(message_id)
        with self._holding(message_id):
            history = self._store.attempts(message_id)
            for interrupted in (a for a in history if a.finished_at is None):
                self._record(
                    message_id,
                    interrupted.number,
                    AttemptResult(
                        finished_at=time.time(), transport_error=INTERRUPTED, outcome_known=False
                    ),
                    Decision(
                        MessageStatus.RETRY_WAIT, f"Attempt {interrupted.number} {INTERRUPTED}."
                    ),
                )
            outcome_unknown = any(not a.outcome_known for a in history)
            await self._attempt_until_settled(self._load(message_id), outcome_unknown)
        return self._load(message_id)

    @contextmanager
    def _holding(self, message_id: str) -> Iterator[None]:
        """Keep a message this console has just taken, renewing its lease, and release it
        after (a cancelled send too: another console may finish it at once)."""
        self.claims.hold([message_id])
        try:
            yield
        finally:
            self.claims.drop(message_id)

    async def _attempt_until_settled(self, message: StoredMessage, outcome_unknown: bool) -> None:
        message_id = message.message_id
        # Just taken (or stored held): no other console can have it yet.
        fresh = True
        request = mt_request(message, self._credentials)
        endpoint = self._settings.endpoint_override or message.endpoint
        method = self._settings.method_override or message.method
        while message.status.undecided:
            if message.next_attempt_at is not None:
                # Never longer than the wait in force now, so a resume run with a shorter
                # --retry-wait is not held up by a wait chosen before the restart.
                delay = min(message.next_attempt_at - time.time(), self._settings.retry.wait)
                if delay > 0:
                    await self._sleep(delay)
                    fresh = False
            await self._pacer.acquire()
            # After a wait, the lease may have run out and another console taken over.
            if not fresh and not self.claims.take(message_id):
                raise ClaimedElsewhere(message_id)
            fresh = False
            try:
                number = self._store.begin_attempt(message_id, time.time())
            except OptedOut as exc:
                # The number opted out while the message waited: the store failed it.
                log.info("message %s not sent: %s", message_id, exc)
                self._on_change(message_id)
                return
            self._on_change(message_id)
            result = await attempt(self._client, endpoint, method, request)
            decision = decide(result, number, outcome_unknown, self._settings.retry)
            outcome_unknown = outcome_unknown or not result.outcome_known
            self._record(message_id, number, result, decision)
            message = replace(message, status=decision.status, next_attempt_at=decision.retry_at)

    def _record(
        self, message_id: str, number: int, result: AttemptResult, decision: Decision
    ) -> None:
        self._store.finish_attempt(message_id, number, result, decision)
        log.info("message %s attempt %d: %s", message_id, number, decision.detail)
        self._on_change(message_id)

    def _load(self, message_id: str) -> StoredMessage:
        message = self._store.get_message(message_id)
        if message is None:
            raise LookupError(f"no stored message with message_id {message_id!r}")
        return message


def http_client(request_timeout: float, connections: int = 4) -> httpx.AsyncClient:
    """The client for one account: a few keep-alive connections (httpx slows as they grow)."""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(timeout=request_timeout, limits=limits)


@asynccontextmanager
async def open_engine(
    store: MessageStore,
    credentials: Credentials,
    settings: EngineSettings,
    *,
    request_timeout: float = 30.0,
    connections: int = 4,
    on_change: Callable[[str], None] | None = None,
    claims: Claims | None = None,
) -> AsyncIterator[SendingEngine]:
    """An engine with its own HTTP client, created in the running loop and closed after."""
    async with http_client(request_timeout, connections) as client:
        yield SendingEngine(
            store, client, credentials, settings, on_change=on_change, claims=claims
        )
