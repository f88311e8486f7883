"""The opt-out list in the SQLite store: its statements, run in the caller's transaction."""

# Statements here interpolate only the list's column lists; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3

from console.protocol.keywords import text_back_id
from console.protocol.phone import number_key
from console.store.errors import OptedOut
from console.store.models import IncomingReply, MessageStatus
from console.store.suppression import (
    EVENT_COLUMNS,
    SUPPRESSION_COLUMNS,
    ManualChange,
    Suppression,
    SuppressionChange,
    SuppressionEvent,
    event,
    list_change,
    suppression,
)

_PUT_ON = (
    f"INSERT INTO suppressions ({SUPPRESSION_COLUMNS}, confirmation_message_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (phone_number) DO UPDATE SET at = excluded.at, keyword = excluded.keyword,"
    " reply_message_id = excluded.reply_message_id, operator = excluded.operator,"
    " host = excluded.host, reason = excluded.reason,"
    " confirmation_message_id = excluded.confirmation_message_id"
)
_EVENT = (
    "INSERT INTO suppression_events (phone_number, action, at, keyword, reply_message_id,"
    " operator, host, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


def read(conn: sqlite3.Connection, phone_number: str) -> Suppression | None:
    row = conn.execute(
        f"SELECT {SUPPRESSION_COLUMNS} FROM suppressions WHERE phone_number = ?",
        (number_key(phone_number),),
    ).fetchone()
    return None if row is None else suppression(tuple(row))


def listed(conn: sqlite3.Connection, limit: int | None) -> list[Suppression]:
    return [
        suppression(tuple(row))
        for row in conn.execute(
            f"SELECT {SUPPRESSION_COLUMNS} FROM suppressions"
            " ORDER BY at DESC, phone_number LIMIT ?",
            (-1 if limit is None else limit,),
        )
    ]


def history(
    conn: sqlite3.Connection, phone_number: str | None, limit: int | None
) -> list[SuppressionEvent]:
    number = None if phone_number is None else number_key(phone_number)
    return [
        event(tuple(row))
        for row in conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM suppression_events"
            " WHERE (? IS NULL OR phone_number = ?) ORDER BY at DESC, id DESC LIMIT ?",
            (number, number, -1 if limit is None else limit),
        )
    ]


def changes_after(conn: sqlite3.Connection, after: int | None) -> tuple[int, frozenset[str]]:
    (latest,) = conn.execute("SELECT coalesce(max(id), 0) FROM suppression_events").fetchone()
    if after is None or latest <= after:
        return int(latest), frozenset()
    found = conn.execute(
        "SELECT DISTINCT phone_number FROM suppression_events WHERE id > ? AND id <= ?",
        (after, latest),
    )
    return int(latest), frozenset(str(row[0]) for row in found)


def apply_reply(conn: sqlite3.Connection, reply: IncomingReply) -> None:
    """What a newly stored reply's keyword does to the list: an opt-out puts its number
    on it (or renews its entry), an opt-in takes it off. An opt-out's entry names the
    message_id of its confirmation, the only message the number may still get."""
    change = list_change(reply.keyword)
    if change is None or reply.keyword is None:
        return
    entry = Suppression(
        number_key(reply.phone_number),
        reply.received_at,
        keyword=reply.keyword.keyword,
        reply_message_id=reply.message_id,
    )
    if change is SuppressionChange.ADDED:
        confirmation = text_back_id(reply.message_id)
        conn.execute(_PUT_ON, (*_values(entry), confirmation))
    elif not conn.execute(
        "DELETE FROM suppressions WHERE phone_number = ?", (entry.phone_number,)
    ).rowcount:
        return  # a YES from a number not on the list changes nothing
    conn.execute(_EVENT, _event_values(entry, change))


def put_on(conn: sqlite3.Connection, entry: Suppression) -> None:
    conn.execute(_PUT_ON, (*_values(entry), None))
    conn.execute(_EVENT, _event_values(entry, SuppressionChange.ADDED))


def take_off(conn: sqlite3.Connection, phone_number: str, change: ManualChange, at: float) -> None:
    conn.execute("DELETE FROM suppressions WHERE phone_number = ?", (phone_number,))
    conn.execute(
        _EVENT,
        (
            phone_number,
            SuppressionChange.REMOVED.value,
            at,
            None,
            None,
            change.operator,
            change.host,
            change.reason,
        ),
    )


def blocking(conn: sqlite3.Connection, phone_number: str, message_id: str) -> Suppression | None:
    """The number's entry on the list, unless ``message_id`` is its STOP confirmation."""
    row = conn.execute(
        f"SELECT {SUPPRESSION_COLUMNS} FROM suppressions WHERE phone_number = ?"
        " AND confirmation_message_id IS NOT ?",
        (number_key(phone_number), message_id),
    ).fetchone()
    return None if row is None else suppression(tuple(row))


def refuse(conn: sqlite3.Connection, phone_number: str, message_id: str) -> None:
    """Raises OptedOut when ``phone_number`` is on the list (for any message but its STOP
    confirmation)."""
    found = blocking(conn, phone_number, message_id)
    if found is not None:
        raise OptedOut(found)


def fail_if_opted_out(
    conn: sqlite3.Connection,
    message_id: str,
    now: float,
    statuses: tuple[str, ...] = (),
    *,
    unless_in_doubt: bool = False,
) -> Suppression | None:
    """When the message's number is on the list (and its status one of ``statuses``, if
    given), mark it failed, saying why; its entry.

    ``unless_in_doubt``: leave alone a message an earlier attempt of which may have been
    accepted (its answer lost). Attempting it again with its own message_id only learns
    what became of it: the provider takes it as the same message, which the customer may
    already have (often the very message they answered STOP to).
    """
    if (
        unless_in_doubt
        and conn.execute(
            "SELECT 1 FROM attempts a JOIN messages m ON m.id = a.message_ref"
            " WHERE m.message_id = ? AND coalesce(a.outcome_known, 0) = 0 LIMIT 1",
            (message_id,),
        ).fetchone()
    ):
        return None
    row = conn.execute(
        "SELECT phone_number, status FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()
    if row is None or (statuses and row[1] not in statuses):
        return None
    found = blocking(conn, row[0], message_id)
    if found is not None:
        conn.execute(
            "UPDATE messages SET status = ?, status_detail = ?, next_attempt_at = NULL,"
            " updated_at = ? WHERE message_id = ?",
            (MessageStatus.FAILED.value, found.describe(now), now, message_id),
        )
    return found


def _values(entry: Suppression) -> tuple[object, ...]:
    return (
        entry.phone_number,
        entry.at,
        entry.keyword,
        entry.reply_message_id,
        entry.operator,
        entry.host,
        entry.reason,
    )


def _event_values(entry: Suppression, change: SuppressionChange) -> tuple[object, ...]:
    return (entry.phone_number, change.value, *_values(entry)[1:])
