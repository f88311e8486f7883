"""Deciding the answer to one MT request, as the provider would.

Checks run in this order, and the first that fails gives the answer:

1. parameters present, non-empty, well formed (``phone_number`` digits only, MMS
   attachments numbered from 0 with valid base64) -> 1
2. login and password -> 2
3. rate: every authenticated request takes a token from the account's bucket -> 6
4. ``priority`` or ``receipt`` with a value outside the documented ones -> 99 (the
   provider calls it an error without naming a code, and 1 means "missing")
5. ``carrier`` not an integer or not in the table -> 3
6. sender not registered for the account -> 5
7. alphanumeric sender on a carrier that does not allow it (the named carrier, else the
   one the number's prefix routes to) -> 4
8. message longer than the account's limit, in characters (code points) -> 8
9. ``message_id`` already accepted for this account -> 7
10. injected faults -> 98 or 99
11. accepted -> 0
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from console.simulator.accounts import AccountBook
from console.simulator.carriers import CarrierTable, is_alphanumeric_sender
from console.simulator.codes import (
    DEFAULT_PRIORITY,
    PRIORITIES,
    RECEIPT_VALUES,
    MtResult,
)
from console.simulator.config import SimulatorSettings
from console.simulator.mt_request import InvalidRequest, parse_mt_request, unique_parameters


@dataclass(frozen=True)
class AcceptedMessage:
    """A message the simulator queued: what later receipts and replies are built from."""

    login: str
    message_id: str
    phone_number: str
    sender: str
    carrier_id: int
    receipt: bool
    priority: str
    message: str
    attachment_count: int
    app_id: str | None
    conversation_id: str | None


@dataclass(frozen=True)
class MtDecision:
    """The answer to give, and how: after ``delay`` seconds, or not at all (dropped)."""

    result_code: MtResult
    reason: str
    accepted: AcceptedMessage | None = None
    drop_connection: bool = False
    delay: float = 0.0


class MtHandler:
    def __init__(
        self,
        settings: SimulatorSettings,
        rng: random.Random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._accounts = AccountBook(settings.accounts, clock)
        self._carriers = CarrierTable(settings.carriers, settings.default_carrier_id)
        self._faults = settings.faults
        self._rng = rng

    def accepted_count(self) -> dict[str, int]:
        return self._accounts.accepted_count()

    def handle(self, pairs: Iterable[tuple[str, str]]) -> MtDecision:
        """Decide the answer. Synchronous on purpose: check-and-record of a message_id
        must not be interleaved with another request for the same id."""
        delay = 0.0
        if self._faults.p_slow and self._rng.random() < self._faults.p_slow:
            delay = self._faults.slow_seconds
        code, reason, accepted = self._decide(pairs)
        drop = (
            accepted is not None
            and self._faults.p_drop > 0
            and self._rng.random() < self._faults.p_drop
        )
        return MtDecision(code, reason, accepted, drop_connection=drop, delay=delay)

    def _decide(
        self, pairs: Iterable[tuple[str, str]]
    ) -> tuple[MtResult, str, AcceptedMessage | None]:
        try:
            request = parse_mt_request(unique_parameters(pairs))
        except InvalidRequest as exc:
            return MtResult.REQUEST_INVALID, str(exc), None

        state = self._accounts.authenticate(request.login, request.password)
        if state is None:
            return MtResult.AUTHENTICATION_FAILED, "unknown login or wrong password", None
        account = state.account
        if not state.bucket.try_take():
            return (
                MtResult.THROTTLED,
                f"over {account.rate_per_second:g} requests per second",
                None,
            )
        if request.priority is not None and request.priority not in PRIORITIES:
            return MtResult.OTHER_ERROR, f"invalid priority {request.priority!r}", None
        if request.receipt is not None and request.receipt not in RECEIPT_VALUES:
            return MtResult.OTHER_ERROR, f"invalid receipt {request.receipt!r}", None

        if request.carrier is not None:
            carrier = self._carriers.by_id(request.carrier)
            if carrier is None:
                return MtResult.CARRIER_INVALID, f"unknown carrier {request.carrier!r}", None
        else:
            carrier = self._carriers.for_number(request.phone_number)

        if request.sender not in account.senders:
            return MtResult.SOURCE_DENIED, f"sender {request.sender!r} not registered", None
        if is_alphanumeric_sender(request.sender) and not carrier.allows_alphanumeric_sender:
            return (
                MtResult.SOURCE_NOT_ALLOWED,
                f"alphanumeric sender not allowed on carrier {carrier.carrier_id}",
                None,
            )
        if len(request.message) > account.max_length:
            return (
                MtResult.BODY_TOO_LONG,
                f"{len(request.message)} characters, limit {account.max_length}",
                None,
            )
        if request.message_id in state.accepted_ids:
            return MtResult.DUPLICATE, "message_id already accepted", None

        fault = self._rng.random()
        if fault < self._faults.p_internal_error:
            return MtResult.INTERNAL_ERROR, "injected internal error", None
        if fault < self._faults.p_internal_error + self._faults.p_other_error:
            return MtResult.OTHER_ERROR, "injected other error", None

        state.accepted_ids.add(request.message_id)
        accepted = AcceptedMessage(
            login=request.login,
            message_id=request.message_id,
            phone_number=request.phone_number,
            sender=request.sender,
            carrier_id=carrier.carrier_id,
            receipt=request.receipt == "TRUE",
            priority=request.priority or DEFAULT_PRIORITY,
            message=request.message,
            attachment_count=len(request.attachments),
            app_id=request.app_id,
            conversation_id=request.conversation_id,
        )
        return MtResult.QUEUED, "queued", accepted
