"""The opt-out list in the shared store: its statements, run in the caller's transaction."""

# Statements here interpolate only the list's column lists; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

import psycopg

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

Cursor = psycopg.Cursor[tuple[Any, ...]]

_PUT_ON = (
    f"INSERT INTO suppressions ({SUPPRESSION_COLUMNS}, confirmation_message_id)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (phone_number) DO UPDATE SET at = excluded.at, keyword = excluded.keyword,"
    " reply_message_id = excluded.reply_message_id, operator = excluded.operator,"
    " host = excluded.host, reason = excluded.reason,"
    " confirmation_message_id = excluded.confirmation_message_id"
)
_EVENT = (
    "INSERT INTO suppression_events (phone_number, action, at, keyword, reply_message_id,"
    " operator, host, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
)


def read(cur: Cursor, phone_number: str) -> Suppression | None:
    row = cur.execute(
        f"SELECT {SUPPRESSION_COLUMNS} FROM suppressions WHERE phone_number = %s",
        (number_key(phone_number),),
    ).fetchone()
    return None if row is None else suppression(row)


def listed(cur: Cursor, limit: int | None) -> list[Suppression]:
    return [
        suppression(row)
        for row in cur.execute(
            f"SELECT {SUPPRESSION_COLUMNS} FROM suppressions"
            " ORDER BY at DESC, phone_number LIMIT %s",
            (limit,),
        ).fetchall()
    ]


def history(cur: Cursor, phone_number: str | None, limit: int | None) -> list[SuppressionEvent]:
    number = None if phone_number is None else number_key(phone_number)
    return [
        event(row)
        for row in cur.execute(
            f"SELECT {EVENT_COLUMNS} FROM suppression_events"
            " WHERE (%s::text IS NULL OR phone_number = %s) ORDER BY at DESC, id DESC LIMIT %s",
            (number, number, limit),
        ).fetchall()
    ]


def changes_after(cur: Cursor, after: int | None) -> tuple[int, frozenset[str]]:
    row = cur.execute("SELECT coalesce(max(id), 0) FROM suppression_events").fetchone()
    latest = int(row[0]) if row is not None else 0
    if after is None or latest <= after:
        return latest, frozenset()
    found = cur.execute(
        "SELECT DISTINCT phone_number FROM suppression_events WHERE id > %s AND id <= %s",
        (after, latest),
    ).fetchall()
    return latest, frozenset(str(r[0]) for r in found)


def apply_reply(cur: Cursor, reply: IncomingReply) -> None:
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
        cur.execute(_PUT_ON, (*_values(entry), confirmation))
    else:
        cur.execute("DELETE FROM suppressions WHERE phone_number = %s", (entry.phone_number,))
        if not cur.rowcount:
            return  # a YES from a number not on the list changes nothing
    cur.execute(_EVENT, _event_values(entry, change))


def put_on(cur: Cursor, entry: Suppression) -> None:
    cur.execute(_PUT_ON, (*_values(entry), None))
    cur.execute(_EVENT, _event_values(entry, SuppressionChange.ADDED))


def take_off(cur: Cursor, phone_number: str, change: ManualChange, at: float) -> None:
    cur.execute("DELETE FROM suppressions WHERE phone_number = %s", (phone_number,))
    cur.execute(
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


def blocking(cur: Cursor, phone_number: str, message_id: str) -> Suppression | None:
    """The number's entry on the list, unless ``message_id`` is its STOP confirmation."""
    row = cur.execute(
        f"SELECT {SUPPRESSION_COLUMNS} FROM suppressions WHERE phone_number = %s"
        " AND confirmation_message_id IS DISTINCT FROM %s",
        (number_key(phone_number), message_id),
    ).fetchone()
    return None if row is None else suppression(row)


def refuse(cur: Cursor, phone_number: str, message_id: str) -> None:
    """Raises OptedOut when ``phone_number`` is on the list (for any message but its STOP
    confirmation)."""
    found = blocking(cur, phone_number, message_id)
    if found is not None:
        raise OptedOut(found)


def fail_if_opted_out(
    cur: Cursor,
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
        and cur.execute(
            "SELECT 1 FROM attempts a JOIN messages m ON m.id = a.message_ref"
            " WHERE m.message_id = %s AND a.outcome_known IS NOT TRUE LIMIT 1",
            (message_id,),
        ).fetchone()
    ):
        return None
    row = cur.execute(
        "SELECT phone_number, status FROM messages WHERE message_id = %s", (message_id,)
    ).fetchone()
    if row is None or (statuses and row[1] not in statuses):
        return None
    found = blocking(cur, row[0], message_id)
    if found is not None:
        cur.execute(
            "UPDATE messages SET status = %s, status_detail = %s, next_attempt_at = NULL,"
            " updated_at = %s WHERE message_id = %s",
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
