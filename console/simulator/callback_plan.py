"""Planning what the simulator posts back for an accepted message, and when.

A plan is a list of callbacks, each with its delay after acceptance: the receipt
sequence (only when the MT asked for receipts), possibly with a duplicate or two steps
swapped, and sometimes a customer reply (MO) after a delivered message.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from console.simulator.carriers import is_alphanumeric_sender
from console.simulator.codes import MessageState, ReceiptResult
from console.simulator.config import CallbackSettings, FinalOutcome
from console.simulator.mt_handler import AcceptedMessage

CallbackKind = Literal["receipt", "MO"]

_ACCEPTED = (MessageState.ACCEPTED, ReceiptResult.SUCCESS)
_EN_ROUTE = (MessageState.EN_ROUTE, ReceiptResult.SUCCESS)

# Result codes an upstream rejection comes with, besides "alphanumeric not permitted",
# which is used when the sender is alphanumeric.
_REJECTION_RESULTS = (
    ReceiptResult.UPSTREAM_REJECTED,
    ReceiptResult.SHORTCODE_NOT_ALLOWED,
    ReceiptResult.THROTTLED,
)

REPLY_TEXTS = (
    "Thanks, got it.",
    "STOP",
    "Can you call me back?",
    "Yes, that works for me 👍",
    "Who is this?",
    "Ok, merci !",
)

# A valid 1x1 PNG: the smallest real picture an MMS reply can carry.
REPLY_IMAGE_PNG_BASE64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4"
    "2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@dataclass(frozen=True)
class PlannedCallback:
    delay: float
    kind: CallbackKind
    fields: dict[str, str]


class CallbackPlanner:
    def __init__(self, settings: CallbackSettings, rng: random.Random) -> None:
        self._settings = settings
        self._rng = rng
        self._outcomes = [FinalOutcome(outcome) for outcome in settings.final_weights]
        self._weights = list(settings.final_weights.values())
        self._mo_counter = 0

    def plan(self, message: AcceptedMessage) -> list[PlannedCallback]:
        outcome = self._rng.choices(self._outcomes, self._weights)[0]
        steps = self._steps(outcome, message)
        times = self._step_times(len(steps))
        planned: list[PlannedCallback] = []
        if message.receipt:
            planned = [
                PlannedCallback(at, "receipt", _receipt_fields(message, state, result))
                for at, (state, result) in zip(times, steps, strict=True)
            ]
            planned = self._maybe_reorder(planned)
            planned = self._maybe_duplicate(planned)
        if outcome == FinalOutcome.DELIVERED and self._chance(self._settings.p_reply):
            reply_at = times[-1] + self._pause() * 2
            planned.append(PlannedCallback(reply_at, "MO", self._reply_fields(message)))
        return sorted(planned, key=lambda callback: callback.delay)

    def _steps(
        self, outcome: FinalOutcome, message: AcceptedMessage
    ) -> list[tuple[MessageState, ReceiptResult]]:
        if outcome == FinalOutcome.DELIVERED:
            return [_ACCEPTED, _EN_ROUTE, (MessageState.DELIVERED, ReceiptResult.SUCCESS)]
        if outcome == FinalOutcome.EXPIRED:
            return [_ACCEPTED, _EN_ROUTE, (MessageState.EXPIRED, ReceiptResult.UNMAPPED_ERROR)]
        if outcome == FinalOutcome.DELETED:
            return [_ACCEPTED, (MessageState.DELETED, ReceiptResult.UNMAPPED_ERROR)]
        if outcome == FinalOutcome.UNDELIVERABLE:
            return [
                _ACCEPTED,
                _EN_ROUTE,
                (MessageState.UNDELIVERABLE, ReceiptResult.UPSTREAM_REJECTED),
            ]
        if is_alphanumeric_sender(message.sender):
            reason = ReceiptResult.ALPHANUMERIC_NOT_PERMITTED
        else:
            reason = self._rng.choice(_REJECTION_RESULTS)
        return [_ACCEPTED, (MessageState.REJECTED, reason)]

    def _pause(self) -> float:
        return self._settings.dr_delay * self._rng.uniform(0.5, 1.5)

    def _chance(self, probability: float) -> bool:
        return probability > 0 and self._rng.random() < probability

    def _step_times(self, count: int) -> list[float]:
        times: list[float] = []
        at = 0.0
        for _ in range(count):
            at += self._pause()
            times.append(at)
        return times

    def _maybe_reorder(self, planned: list[PlannedCallback]) -> list[PlannedCallback]:
        """Swap the send times of two neighbouring steps, so a later state arrives first."""
        if len(planned) < 2 or not self._chance(self._settings.p_reorder):
            return planned
        index = self._rng.randrange(len(planned) - 1)
        first, second = planned[index], planned[index + 1]
        planned[index] = PlannedCallback(second.delay, first.kind, first.fields)
        planned[index + 1] = PlannedCallback(first.delay, second.kind, second.fields)
        return planned

    def _maybe_duplicate(self, planned: list[PlannedCallback]) -> list[PlannedCallback]:
        if not planned or not self._chance(self._settings.p_duplicate_dr):
            return planned
        original = self._rng.choice(planned)
        copy_at = original.delay + self._pause() / 2
        return [*planned, PlannedCallback(copy_at, original.kind, dict(original.fields))]

    def _reply_fields(self, message: AcceptedMessage) -> dict[str, str]:
        self._mo_counter += 1
        fields = {
            "type": "MO",
            "message_id": f"MO-{self._mo_counter:06d}-{self._rng.getrandbits(32):08x}",
            "shortcode": message.sender,
            "phone_number": message.phone_number,
            "carrier": str(message.carrier_id),
            "message": self._rng.choice(REPLY_TEXTS),
        }
        if self._chance(self._settings.p_mms_reply):
            fields["mms_attachment[0].content_type"] = "image/png"
            fields["mms_attachment[0].content"] = REPLY_IMAGE_PNG_BASE64
        return fields


def _receipt_fields(
    message: AcceptedMessage, state: MessageState, result: ReceiptResult
) -> dict[str, str]:
    fields = {
        "type": "receipt",
        "message_id": message.message_id,
        "message_state": str(int(state)),
        "result_code": str(int(result)),
    }
    if message.app_id is not None:
        fields["app_id"] = message.app_id
    if message.conversation_id is not None:
        fields["conversation_id"] = message.conversation_id
    return fields
