"""What a conversation shows in words: a thread's row, when things came, who handles it,
and where each message we sent stands (the log's own words for it)."""

from __future__ import annotations

import time
from datetime import datetime

from console.protocol.codes import message_state
from console.protocol.phone import display_number
from console.protocol.receipt_codes import receipt_reason
from console.store.models import MessageStatus, StoredMessage
from console.store.threads import Outcome, ThreadRow
from console.ui.log_columns import delivery_tone, delivery_words
from console.ui.palette import Tone


def short_time(timestamp: float, now: float | None = None) -> str:
    """When, as short as a list row allows: ``now`` within the minute, ``14:03`` today,
    ``2 Dec`` this year, ``2023-12-02`` before."""
    current = time.time() if now is None else now
    if 0 <= current - timestamp < 60:
        return "now"
    when = datetime.fromtimestamp(timestamp)
    today = datetime.fromtimestamp(current)
    if when.date() == today.date():
        return when.strftime("%H:%M")
    if when.year == today.year:
        return f"{when.day} {when:%b}"
    return when.strftime("%Y-%m-%d")


def moment(timestamp: float) -> str:
    """A day and a time: ``2 Dec at 14:03``."""
    when = datetime.fromtimestamp(timestamp)
    return f"{when.day} {when:%b} at {when:%H:%M}"


def last_line(row: ThreadRow) -> str:
    """The newest message on one line, marked ``You:`` when it was ours."""
    # A message of pictures alone has no text: said so, rather than a blank line.
    text = " ".join(row.last_body.split()) or "(no text: an attachment, or empty)"
    return f"You: {text}" if row.last_direction == "out" else text


def handler_words(row: ThreadRow, operator: str) -> str | None:
    """Who handles the thread, as the operator reads it; None when nobody does."""
    if row.claimed_by is None:
        return None
    if row.claimed_by == operator:
        return "You are handling this"
    return f"{row.claimed_by} is handling this"


def opted_out_words(row: ThreadRow) -> str | None:
    """How the number came to be on the opt-out list: the customer's keyword, or by hand."""
    if row.opted_out_at is None:
        return None
    if row.opted_out_keyword is None:
        return f"Put on the opt-out list on {moment(row.opted_out_at)}"
    return f"Opted out on {moment(row.opted_out_at)} ({row.opted_out_keyword})"


def failed_words(row: ThreadRow) -> str | None:
    """That the newest message, ours, did not go or reach the phone; None otherwise."""
    outcome = row.last_outcome
    if outcome is None:
        return None
    words, tone = _standing(outcome)
    return f"Last message: {words}" if tone is Tone.ERROR else None


def _standing(outcome: Outcome) -> tuple[str, Tone]:
    """Where a message we sent stands, in the log's words and colour."""
    status, state, receipt, code = outcome
    words = delivery_words(status, state, receipt, code)
    accepted = status is MessageStatus.ACCEPTED
    return words, delivery_tone(status, state if accepted else None, receipt)


def unread_words(count: int) -> str:
    return f"{count} unread" if count else ""


def thread_description(row: ThreadRow, operator: str) -> str:
    """The whole row in words, for a screen reader and a tooltip."""
    parts = [
        f"{display_number(row.phone_number)} to {row.sender}",
        unread_words(row.unread) or "read",
        short_time(row.last_at),
        last_line(row),
        handler_words(row, operator) or "",
        opted_out_words(row) or "",
        failed_words(row) or "",
    ]
    return ", ".join(p for p in parts if p)


def delivery_line(message: StoredMessage) -> tuple[str, Tone]:
    """Where a message we sent stands, with the reason when it failed, and its colour."""
    words, tone = _standing(
        Outcome(message.status, message.state, message.receipt, message.result_code)
    )
    reason = _reason(message) if tone is Tone.ERROR else None
    if not reason:
        return words, tone
    head, _, named = words.partition(": ")
    if named and reason.startswith(named):
        words = head  # the reason names the code already: "Refused: Sender denied: …"
    return f"{words}: {reason}", tone


def _reason(message: StoredMessage) -> str | None:
    if message.status is MessageStatus.ACCEPTED and message.state is not None:
        found = receipt_reason(message.state_result_code)
        # A code that names a cause says more than the state; an unnamed error, less.
        if found is not None and found.action is not None:
            return found.meaning.rstrip(".")
        return message_state(message.state).meaning.rstrip(".")
    return message.status_detail
