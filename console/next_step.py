"""Where a message stands, in one plain sentence, and what the operator can do about it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from console.protocol.codes import MessageState, message_state, result_code
from console.protocol.delivery import current_state
from console.protocol.receipt_codes import receipt_reason
from console.store.models import MessageStatus, ReceiptRecord, StoredMessage

# What to do after each final state that is not a delivery (message_state codes); the
# state's meaning already says what happened.
_AFTER_STATE = {
    3: "Send again later; if it keeps happening, check the number with the customer.",
    4: "Send again; if it happens again, ask the provider with the message_id.",
    5: "Check the number with the customer before sending again.",
    8: "Networks often refuse a message for its sender or its text: check both, or ask the "
    "provider with the message_id.",
}


@dataclass(frozen=True)
class Summary:
    """``headline``: where the message stands; ``next_step``: what to do (maybe nothing);
    ``tone``: "good", "bad" or "pending"; ``reason``: what the receipt's result code adds,
    when it adds anything."""

    headline: str
    next_step: str
    tone: str
    reason: str = ""


def sentence(text: str) -> str:
    """``text`` ended with a full stop, unless it ends a sentence already (a detail
    written as one does)."""
    return text if text.endswith((".", "?", "!")) else f"{text}."


def _reason(code: int | None) -> str:
    reason = receipt_reason(code)
    return f"Reason given (result code {reason.code}): {reason.meaning}" if reason else ""


def _not_delivered(state: MessageState, code: int | None) -> Summary:
    # The receipt's code, when it names a cause, knows better what to do than its state.
    reason = receipt_reason(code)
    if reason is not None and reason.action is not None:
        advice = reason.action
    else:
        advice = _AFTER_STATE.get(state.code, "Ask the provider with the message_id.")
    return Summary(f"Not delivered. {state.meaning}", advice, "bad", _reason(code))


def summarise(message: StoredMessage) -> Summary:
    state = message_state(message.state) if message.state is not None else None
    if state is not None and state.final:
        if state.delivered:
            return Summary("Delivered to the customer's phone.", "Nothing to do.", "good")
        return _not_delivered(state, message.state_result_code)
    match message.status:
        case MessageStatus.QUEUED | MessageStatus.SENDING:
            return Summary("Being sent.", "Nothing to do: the answer shows here.", "pending")
        case MessageStatus.RETRY_WAIT:
            return Summary(
                f"Not accepted yet ({message.status_detail or 'no answer'}).",
                "It is tried again automatically with the same message_id.",
                "pending",
            )
        case MessageStatus.NEEDS_OPERATOR:
            return Summary(
                "The provider's answer never came, so it is unknown whether it was sent.",
                "Retry it with the same message_id (the provider drops a duplicate), or "
                "check with the provider first.",
                "bad",
            )
        case MessageStatus.FAILED:
            if message.result_code is not None:
                code = result_code(message.result_code)
                return Summary(f"Refused by the provider: {code.meaning}", code.action, "bad")
            return Summary(
                sentence(f"Not sent: {message.status_detail or 'no answer from the provider'}"),
                "Send it again once the cause is fixed.",
                "bad",
            )
    if state is not None:
        return Summary(
            f"Accepted by the provider. {state.meaning}",
            "Nothing to do yet: a final receipt usually follows within minutes.",
            "pending",
            _reason(message.state_result_code),
        )
    return Summary(
        "Accepted by the provider; no delivery receipt yet.",
        "Nothing to do yet. If none comes within a day, ask the provider with the message_id."
        if message.receipt
        else "No receipt was asked for, so none will come.",
        "pending",
    )


def summarise_orphan(receipts: Sequence[ReceiptRecord]) -> Summary:
    """Where the message behind receipts for a message_id never sent from here stands,
    by the delivery-state rule of known messages (``receipts`` in arrival order)."""
    current = current_state((r.message_state, r.result_code) for r in receipts)
    if current is None:
        raise ValueError("no receipts to summarise")
    state = message_state(current[0])
    tone = "good" if state.delivered else "bad" if state.final else "pending"
    return Summary(
        f"A receipt for a message not sent from here: {state.name}.",
        "Nothing to do here: this console has no such message. If another program or "
        "installation sends with this account, the message is theirs; if none does, ask the "
        "provider about the message_id.",
        tone,
        _reason(current[1]),
    )
