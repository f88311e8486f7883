"""The alerts a batch of changes raises: replies that came in, messages that ended
undelivered, callbacks that could not be understood."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from console.listener.intake import Change
from console.protocol.codes import message_state
from console.protocol.delivery import FINAL_STATES
from console.protocol.phone import display_number
from console.session_state import Alert
from console.store import MessageStore
from console.store.errors import StoreError
from console.store.models import LogKind, LogQuery

log = logging.getLogger(__name__)


def batch_alerts(store: MessageStore, batch: frozenset[Change], alerted: set[str]) -> list[Alert]:
    """The alerts ``batch`` raises; none when the store cannot be read now (the shared
    store went out of reach meanwhile: the log shows the rows once it is back)."""
    try:
        alerts = (
            undelivered_alert(store, [m for kind, m in batch if kind == "receipt"], alerted),
            replies_alert(store, [m for kind, m in batch if kind == "reply"]),
            quarantine_alert(sum(1 for kind, _ in batch if kind == "quarantine")),
        )
    except StoreError as exc:
        log.warning("the alerts of a change could not be read: %s", exc)
        return []
    return [alert for alert in alerts if alert is not None]


def replies_alert(store: MessageStore, message_ids: Iterable[str]) -> Alert | None:
    # In the order they came: a click on the alert opens the newest one's thread.
    replies = sorted(
        (r for r in map(store.reply, message_ids) if r is not None),
        key=lambda r: (r.received_at, r.message_id),
    )
    if not replies:
        return None
    if len(replies) == 1:
        reply = replies[0]
        said = reply.body or files_words(len(reply.attachments)) or "(no text)"
        text = f"From {display_number(reply.phone_number)}: {said}"
    else:
        text = f"{len(replies)} new replies"
    ids = tuple(r.message_id for r in replies)
    return Alert("Customer reply", text, ids, kind="reply")


def undelivered_alert(
    store: MessageStore, message_ids: Iterable[str], alerted: set[str]
) -> Alert | None:
    """The messages among ``message_ids`` that ended undelivered, less those in
    ``alerted``, which this adds them to: a final state is announced once, however often
    its receipt is redelivered."""
    candidates = set(message_ids) - alerted
    if not candidates:
        return None
    # One read for a burst of receipts (on a shared store, a round trip each would fall
    # behind a receiver's pace).
    failed = [
        row
        for row in store.log_rows(LogQuery(), candidates)
        if row.kind is LogKind.MESSAGE
        and row.state in FINAL_STATES
        and not message_state(row.state).delivered
    ]
    alerted.update(row.message_id for row in failed)
    if not failed:
        return None
    if len(failed) == 1:
        row = failed[0]
        state = message_state(row.state or 0).name
        text = f"To {display_number(row.phone_number)}: {state}"
    else:
        text = f"{len(failed)} messages ended without delivery"
    return Alert("Not delivered", text, tuple(row.message_id for row in failed))


def quarantine_alert(quarantined: int) -> Alert | None:
    if not quarantined:
        return None
    return Alert(
        "Callback not understood",
        (
            "1 callback could not be understood and was"
            if quarantined == 1
            else f"{quarantined} callbacks could not be understood and were"
        )
        + " kept in the quarantine (see 'sms-console quarantine').",
        (),
    )


def files_words(count: int) -> str:
    """A reply's attachments in words ("2 attachments"); empty for none."""
    if not count:
        return ""
    return "1 attachment" if count == 1 else f"{count} attachments"
