"""Callbacks in the SQLite store: receipts, replies and quarantined requests, by batch.

Receipts go in many rows to a statement, and the unique index ``receipts_identity``
turns away redeliveries; the delivery-state rule is one guarded ``UPDATE``.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator

from console.protocol.delivery import FINAL_STATES
from console.store import quarantine_sql, suppression_sql
from console.store.models import (
    CallbackItem,
    IncomingReceipt,
    IncomingReply,
    QuarantineCap,
    QuarantinedCallback,
)

# The delivery-state rule (see console.protocol.delivery) as one statement: a receipt sets
# the state unless the state is already final.
ADVANCE_STATE = (
    "UPDATE messages SET state = ?, state_result_code = ?, state_at = ?,"
    " updated_at = MAX(updated_at, ?) WHERE message_id = ?"
    f" AND (state IS NULL OR state NOT IN ({', '.join(map(str, FINAL_STATES))}))"
)

# 100 rows of 9 parameters stay under SQLite's oldest parameter limit.
_INSERT_CHUNK = 100
# A cached statement keeps a copy of the values last bound to it (the sqlite3 module never
# clears them), so a many-row statement of large rows would hold megabytes while unused.
# Rows whose fields (all within ``raw``) pass this size are inserted one a statement.
_LARGE_ROW = 1024
# Absent optional fields are bound as '' and stored as NULL: binding None makes the sqlite3
# module search for adapters, which costs more than the rest of the row.
_RECEIPT_ROW = "(?, ?, NULLIF(?, ''), NULLIF(?, ''), NULLIF(?, ''), ?, ?, ?, ?)"


@functools.lru_cache(maxsize=_INSERT_CHUNK)
def _insert_receipts(rows: int) -> str:
    return (
        "INSERT OR IGNORE INTO receipts (message_id, message_state, result_code, app_id,"
        " conversation_id, received_at, source_address, raw, last_received_at) VALUES "
        + ", ".join([_RECEIPT_ROW] * rows)
    )


def _receipt_rows(receipts: list[IncomingReceipt]) -> list[object]:
    """The parameters of ``_insert_receipts(len(receipts))``."""
    return [
        value
        for r in receipts
        for value in (
            r.message_id, r.message_state, "" if r.result_code is None else r.result_code,
            r.app_id or "", r.conversation_id or "", r.received_at, r.source_address, r.raw,
            r.received_at,
        )
    ]  # fmt: skip


def _identity(receipt: IncomingReceipt) -> tuple[str, int, int, str, str]:
    """What makes two receipts the same delivery (their unique index, in Python)."""
    return (
        receipt.message_id,
        receipt.message_state,
        -1 if receipt.result_code is None else receipt.result_code,
        receipt.app_id or "",
        receipt.conversation_id or "",
    )


def add(conn: sqlite3.Connection, items: list[CallbackItem], cap: QuarantineCap) -> list[bool]:
    """Insert ``items`` within the caller's transaction. For each: True if it was new,
    False for a redelivery (quarantined ones are always new)."""
    results = [True] * len(items)
    receipts = [(i, r) for i, r in enumerate(items) if isinstance(r, IncomingReceipt)]
    if receipts:
        fresh = _add_receipts(conn, [r for _i, r in receipts])
        for (index, _receipt), new in zip(receipts, fresh, strict=True):
            results[index] = new
    for index, item in enumerate(items):
        if isinstance(item, IncomingReply):
            results[index] = _add_reply(conn, item)
        elif isinstance(item, QuarantinedCallback):
            quarantine_sql.add(conn, item, cap)
    return results


def _add_receipts(conn: sqlite3.Connection, receipts: list[IncomingReceipt]) -> list[bool]:
    # Insert in arrival order and let the unique index refuse redeliveries: many rows a
    # statement. Only when a statement turned some away is it undone and done again a
    # row at a time, to learn which (redeliveries are rare; the first of equal receipts
    # in a batch is the one kept).
    fresh: list[bool] = []
    for chunk in _chunks(receipts):
        conn.execute("SAVEPOINT receipts")
        inserted = conn.execute(_insert_receipts(len(chunk)), _receipt_rows(chunk)).rowcount
        if inserted not in (0, len(chunk)):
            conn.execute("ROLLBACK TO receipts")
            for receipt in chunk:
                row = _receipt_rows([receipt])
                fresh.append(conn.execute(_insert_receipts(1), row).rowcount == 1)
        else:
            fresh.extend([inserted > 0] * len(chunk))
        conn.execute("RELEASE receipts")
    conn.executemany(
        "UPDATE receipts SET redeliveries = redeliveries + 1, last_received_at = ?"
        " WHERE message_id = ? AND message_state = ? AND IFNULL(result_code, -1) = ?"
        " AND IFNULL(app_id, '') = ? AND IFNULL(conversation_id, '') = ?",
        [(r.received_at, *_identity(r)) for r, new in zip(receipts, fresh, strict=True) if not new],
    )
    conn.executemany(
        ADVANCE_STATE,
        [
            (r.message_state, r.result_code, r.received_at, r.received_at, r.message_id)
            for r, new in zip(receipts, fresh, strict=True)
            if new
        ],
    )
    return fresh


def _chunks(receipts: list[IncomingReceipt]) -> Iterator[list[IncomingReceipt]]:
    """``receipts`` in order, in runs of up to ``_INSERT_CHUNK`` small ones, and each
    large one on its own."""
    run: list[IncomingReceipt] = []
    for receipt in receipts:
        if len(receipt.raw) > _LARGE_ROW:
            if run:
                yield run
                run = []
            yield [receipt]
            continue
        run.append(receipt)
        if len(run) == _INSERT_CHUNK:
            yield run
            run = []
    if run:
        yield run


def _add_reply(conn: sqlite3.Connection, reply: IncomingReply) -> bool:
    cursor = conn.execute(
        "INSERT INTO replies (message_id, shortcode, phone_number, carrier, body,"
        " received_at, source_address, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (message_id) DO UPDATE SET redeliveries = redeliveries + 1"
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
    )
    ref, redeliveries = cursor.fetchone()
    if redeliveries:
        return False
    conn.executemany(
        "INSERT INTO reply_attachments (reply_ref, position, content_type, content, problem)"
        " VALUES (?, ?, ?, ?, ?)",
        [(ref, i, a.content_type, a.content, a.problem) for i, a in enumerate(reply.attachments)],
    )
    # Only a reply stored now: a redelivery of an old STOP must not undo a later START.
    suppression_sql.apply_reply(conn, reply)
    return True
