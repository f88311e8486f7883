"""Callbacks in the shared store: receipts, replies and quarantined requests, by batch.

A batch's receipts go in one statement, in arrival order, and the unique index
``receipts_identity`` turns away those kept already (``ON CONFLICT DO NOTHING``): by this
batch, by an earlier one, or by another receiver's transaction, which the insert waits
for. The rest are counted as redeliveries, and the new ones move their messages' states
through one guarded ``UPDATE`` (see ``outbox_sql.ADVANCE_STATES``).
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from console.protocol.mt_request import Attachment
from console.store import rows
from console.store.models import (
    CallbackItem,
    IncomingReceipt,
    IncomingReply,
    QuarantineCap,
    QuarantinedCallback,
    ReplyRecord,
)
from console.store.postgres import outbox_sql, quarantine_sql, suppression_sql

Cursor = psycopg.Cursor[tuple[Any, ...]]

# Each row is inserted unless its identity is kept already; the ordinals of the rows
# inserted come back (the first of equal receipts in a batch is the one kept).
_INSERT_RECEIPTS = """
    WITH u AS (
        SELECT * FROM unnest(%b::text[], %b::int[], %b::int[], %b::text[], %b::text[],
            %b::float8[], %b::text[], %b::text[]) WITH ORDINALITY
        AS u(message_id, message_state, result_code, app_id, conversation_id, received_at,
            source_address, raw, n)
    ),
    kept AS (
        INSERT INTO receipts (message_id, message_state, result_code, app_id,
            conversation_id, received_at, source_address, raw, last_received_at)
        SELECT message_id, message_state, result_code, app_id, conversation_id,
            received_at, source_address, raw, received_at
        FROM u ORDER BY n
        ON CONFLICT (message_id, message_state, COALESCE(result_code, -1),
            COALESCE(app_id, ''), COALESCE(conversation_id, '')) DO NOTHING
        RETURNING message_id, message_state, COALESCE(result_code, -1) AS code,
            COALESCE(app_id, '') AS app, COALESCE(conversation_id, '') AS conversation
    )
    SELECT min(u.n) FROM u JOIN kept ON kept.message_id = u.message_id
        AND kept.message_state = u.message_state AND kept.code = COALESCE(u.result_code, -1)
        AND kept.app = COALESCE(u.app_id, '')
        AND kept.conversation = COALESCE(u.conversation_id, '')
    GROUP BY kept.message_id, kept.message_state, kept.code, kept.app, kept.conversation
"""

_COUNT_REDELIVERIES = """
    UPDATE receipts r SET redeliveries = r.redeliveries + u.times,
        last_received_at = GREATEST(r.last_received_at, u.latest)
    FROM (
        SELECT message_id, message_state, COALESCE(result_code, -1) AS code,
            COALESCE(app_id, '') AS app, COALESCE(conversation_id, '') AS conversation,
            count(*) AS times, max(received_at) AS latest
        FROM unnest(%b::text[], %b::int[], %b::int[], %b::text[], %b::text[], %b::float8[])
            AS u(message_id, message_state, result_code, app_id, conversation_id,
                received_at)
        GROUP BY 1, 2, 3, 4, 5
    ) u
    WHERE r.message_id = u.message_id AND r.message_state = u.message_state
        AND COALESCE(r.result_code, -1) = u.code AND COALESCE(r.app_id, '') = u.app
        AND COALESCE(r.conversation_id, '') = u.conversation
"""

# A receipt made an orphan while its message was being stored by another transaction
# (the trigger did not see it yet) is one no longer: the message is there now.
_LINK_ORPHANS = (
    "DELETE FROM orphans o USING messages m"
    " WHERE m.message_id = o.message_id AND o.message_id = ANY(%b::text[])"
)


# The change feed's triggers leave the consoles' wake-up to the writer (see migration 2:
# a NOTIFY would make the commits of two receivers wait for each other).
_WAKE_AFTER_COMMIT = "SELECT set_config('sms_console.wake_after_commit', 'on', true)"
# Its own transaction, after the batch's, sent at once: what it says is durable already,
# and a wake-up lost to a crash is made up by the next one.
_WAKE = (
    "BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_notify('sms_console_changes', ''); COMMIT"
)


def wake_consoles(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    """Tell the consoles listening that the change feed has new rows. ``conn`` must be
    outside any transaction.

    Raises:
        psycopg.Error: the server did not take it (the rows stay, for the next wake-up).
    """
    # The statements carry their own transaction: one round trip, not three.
    conn.autocommit = True
    try:
        conn.execute(_WAKE)
    except psycopg.Error:
        # A statement that failed leaves the transaction it began open, aborted.
        if conn.info.transaction_status is TransactionStatus.INERROR:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.autocommit = False


def add(cur: Cursor, items: list[CallbackItem], cap: QuarantineCap) -> list[bool]:
    """Insert ``items`` within the caller's transaction. For each: True if it was new,
    False for a redelivery (quarantined ones are always new). The consoles are not woken
    at its commit: call :func:`wake_consoles` after it."""
    cur.execute(_WAKE_AFTER_COMMIT)
    results = [True] * len(items)
    receipts = [(i, r) for i, r in enumerate(items) if isinstance(r, IncomingReceipt)]
    if receipts:
        fresh = _add_receipts(cur, [r for _i, r in receipts])
        for (index, _receipt), new in zip(receipts, fresh, strict=True):
            results[index] = new
    for index, item in enumerate(items):
        if isinstance(item, IncomingReply):
            results[index] = _add_reply(cur, item)
        elif isinstance(item, QuarantinedCallback):
            quarantine_sql.add(cur, item, cap)
    return results


def _arrays(receipts: list[IncomingReceipt], *, whole: bool) -> list[list[Any]]:
    """The receipts as one array per column; ``whole``: with source and raw text too.
    Absent optional fields are NULL, as an empty app_id or conversation_id is."""
    arrays: list[list[Any]] = [
        [r.message_id for r in receipts],
        [r.message_state for r in receipts],
        [r.result_code for r in receipts],
        [r.app_id or None for r in receipts],
        [r.conversation_id or None for r in receipts],
        [r.received_at for r in receipts],
    ]
    if whole:
        arrays += [[r.source_address for r in receipts], [r.raw for r in receipts]]
    return arrays


def _add_receipts(cur: Cursor, receipts: list[IncomingReceipt]) -> list[bool]:
    kept = {int(n) - 1 for (n,) in cur.execute(_INSERT_RECEIPTS, _arrays(receipts, whole=True))}
    fresh = [i in kept for i in range(len(receipts))]
    again = [r for r, new in zip(receipts, fresh, strict=True) if not new]
    if again:
        cur.execute(_COUNT_REDELIVERIES, _arrays(again, whole=False))
    new = [r for r, new in zip(receipts, fresh, strict=True) if new]
    if new:
        arrivals = [(r.message_id, r.message_state, r.result_code, r.received_at) for r in new]
        cur.execute(outbox_sql.ADVANCE_STATES, outbox_sql.folded(arrivals))
        cur.execute(_LINK_ORPHANS, (list({r.message_id for r in new}),))
    return fresh


def _add_reply(cur: Cursor, reply: IncomingReply) -> bool:
    row = cur.execute(
        "INSERT INTO replies AS r (message_id, shortcode, phone_number, carrier, body,"
        " received_at, source_address, raw) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (message_id) DO UPDATE SET redeliveries = r.redeliveries + 1"
        " RETURNING id, redeliveries",
        (
            reply.message_id,
            reply.shortcode,
            reply.phone_number,
            reply.carrier,
            reply.body,
            reply.received_at,
            reply.source_address,
            reply.raw,
        ),
    ).fetchone()
    assert row is not None
    ref, redeliveries = row
    if redeliveries:
        return False
    if reply.attachments:
        cur.executemany(
            "INSERT INTO reply_attachments (reply_ref, position, content_type, content, problem)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                (ref, i, a.content_type, a.content, a.problem)
                for i, a in enumerate(reply.attachments)
            ],
        )
    # Only a reply stored now: a redelivery of an old STOP must not undo a later START.
    suppression_sql.apply_reply(cur, reply)
    return True


def read_replies(cur: Cursor, where: str, params: tuple[Any, ...]) -> list[ReplyRecord]:
    """The replies ``where`` selects (a clause of this package's), with their attachments."""
    found = (
        cur.connection.cursor(row_factory=dict_row)
        .execute(f"SELECT {rows.REPLY_COLUMNS} FROM replies{where}", params)  # noqa: S608
        .fetchall()
    )
    files: dict[int, list[Attachment]] = {row["id"]: [] for row in found}
    if files:
        for ref, content_type, content, problem in cur.execute(
            "SELECT reply_ref, content_type, content, problem FROM reply_attachments"
            " WHERE reply_ref = ANY(%s) ORDER BY reply_ref, position",
            (list(files),),
        ):
            files[ref].append(Attachment(content_type, content, problem=problem))
    return [rows.reply(row, tuple(files[row["id"]])) for row in found]
