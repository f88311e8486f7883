"""Everything known about one message, in time order, worded for the detail panel."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from console.protocol.codes import message_state
from console.protocol.phone import display_number
from console.protocol.receipt_codes import receipt_reason
from console.sending.policy import describe_problem
from console.store.interface import MessageStore
from console.store.models import (
    AttemptRecord,
    MessageStatus,
    ReceiptRecord,
    ReplyRecord,
    StoredMessage,
)
from console.store.suppression import SuppressionEvent

CONVERSATION_LIMIT = 50


# A message redelivered thousands of times tells its story in its newest receipts; events
# for every one would hold the window for as long as it takes to make them.
RECEIPT_EVENTS = 400


@dataclass(frozen=True)
class Event:
    """One line of the timeline; ``raw`` holds the fields as they came, when there are any."""

    at: float
    kind: str  # "created", "attempt", "receipt", "reply"
    title: str
    detail: str
    tone: str  # "good", "bad", "neutral" or "pending"
    raw: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Timeline:
    """The story of a message sent, a reply, or the receipts for a message_id never sent
    from here (``orphan_receipts``, in arrival order, when neither is known)."""

    message: StoredMessage | None
    reply: ReplyRecord | None
    events: tuple[Event, ...]
    conversation: tuple[ReplyRecord, ...]
    orphan_receipts: tuple[ReceiptRecord, ...] = ()
    # Whether receipts older than those in ``events`` were left out (see RECEIPT_EVENTS).
    cut: bool = False
    # What a reply's keyword did to the opt-out list (STOP put the number on it…), if any.
    list_change: SuppressionEvent | None = None

    @property
    def message_id(self) -> str | None:
        """The message_id whose story this is."""
        subject = self.message or self.reply
        if subject is not None:
            return subject.message_id
        return self.orphan_receipts[0].message_id if self.orphan_receipts else None


def _attempt_event(attempt: AttemptRecord) -> Event:
    result = attempt.result()
    if result is None:
        return Event(
            attempt.started_at, "attempt", f"Attempt {attempt.number}", "in progress", "pending"
        )
    accepted = attempt.decision is MessageStatus.ACCEPTED
    answer = "accepted" if accepted else describe_problem(result)
    waiting = attempt.decision is MessageStatus.RETRY_WAIT
    tone = "good" if accepted else "pending" if waiting else "bad"
    raw = (("answer", attempt.raw_response),) if attempt.raw_response else ()
    return Event(
        attempt.started_at,
        "attempt",
        f"Attempt {attempt.number}: {answer}",
        attempt.detail or "",
        tone,
        raw,
    )


def _receipt_event(receipt: ReceiptRecord) -> Event:
    state = message_state(receipt.message_state)
    detail = state.meaning
    # A 0 says nothing beyond the state; the raw fields keep it.
    reason = receipt_reason(receipt.result_code)
    if reason is not None:
        detail += f" Result code {reason.code}: {reason.meaning}"
    if receipt.redeliveries:
        detail += f" Received {receipt.redeliveries + 1} times."
    tone = "good" if state.delivered else "bad" if state.final else "neutral"
    return Event(
        receipt.received_at,
        "receipt",
        f"Receipt: {state.name} (state {state.code})",
        f"{detail} From {receipt.source_address}.",
        tone,
        tuple(parse_qsl(receipt.raw, keep_blank_values=True)),
    )


def _reply_event(reply: ReplyRecord) -> Event:
    count = len(reply.attachments)
    extra = f" with {count} attachment{'' if count == 1 else 's'}" if count else ""
    return Event(
        reply.received_at,
        "reply",
        f"Reply from {display_number(reply.phone_number)}{extra}",
        reply.body,
        "neutral",
        # The raw copy leaves the text out: it is the reply's body.
        tuple(
            (name, reply.body if name == "message" and not value else value)
            for name, value in parse_qsl(reply.raw, keep_blank_values=True)
        ),
    )


def _receipt_events(receipts: list[ReceiptRecord]) -> tuple[list[Event], bool]:
    """Events for the newest receipts, and whether older ones were left out."""
    kept = receipts[-RECEIPT_EVENTS:]
    return [_receipt_event(r) for r in kept], len(kept) < len(receipts)


def message_timeline(store: MessageStore, message_id: str) -> Timeline | None:
    """The timeline of an outbound message, an inbound reply, or receipts for a message_id
    never sent from here; None if nothing is known of it."""
    message = store.get_message(message_id)
    if message is not None:
        events = [Event(message.created_at, "created", "Stored in the outbox", "", "neutral")]
        events += [_attempt_event(a) for a in store.attempts(message_id)]
        # One more than is shown tells whether any were left out.
        receipts = store.receipts(message_id, newest=RECEIPT_EVENTS + 1)
        receipt_events, cut = _receipt_events(receipts)
        events += receipt_events
        replies = tuple(store.replies(message.phone_number, limit=CONVERSATION_LIMIT))
        events += [_reply_event(r) for r in replies if r.received_at >= message.created_at]
        events.sort(key=lambda e: e.at)
        return Timeline(message, None, tuple(events), replies, cut=cut)
    reply = store.reply(message_id)
    if reply is not None:
        replies = tuple(store.replies(reply.phone_number, limit=CONVERSATION_LIMIT))
        change = next(
            (
                e
                for e in store.suppression_history(reply.phone_number, limit=CONVERSATION_LIMIT)
                if e.reply_message_id == reply.message_id
            ),
            None,
        )
        return Timeline(None, reply, (_reply_event(reply),), replies, list_change=change)
    # Every receipt: the delivery-state rule reads them all.
    orphans = store.receipts(message_id)
    if not orphans:
        return None
    receipt_events, cut = _receipt_events(orphans)
    events = sorted(receipt_events, key=lambda e: e.at)
    return Timeline(None, None, tuple(events), (), tuple(orphans), cut)
