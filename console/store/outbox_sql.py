"""The outbox in the SQLite store: messages as they are created, and their attempts."""

# Statements here interpolate only the shared column lists; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3

from console.protocol.mt_request import Attachment
from console.store import callbacks_sql, rows
from console.store.errors import DuplicateMessageId, UnknownMessage
from console.store.models import (
    AttemptResult,
    Claim,
    Decision,
    MessageStatus,
    NewMessage,
    StoredMessage,
)


def insert_message(
    conn: sqlite3.Connection, new: NewMessage, now: float, claim: Claim | None = None
) -> None:
    """Store ``new`` as queued, applying the receipts that arrived before it; held by
    ``claim`` from the start, if given.

    Raises:
        DuplicateMessageId: a message with this ``message_id`` already exists.
    """
    try:
        cursor = conn.execute(
            "INSERT INTO messages (message_id, profile, phone_number, sender, body,"
            " endpoint, method, priority, carrier, receipt, app_id, conversation_id,"
            " status, created_at, updated_at, lease_owner, lease_until, operator, host)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                new.message_id,
                new.profile,
                new.phone_number,
                new.sender,
                new.body,
                new.endpoint,
                new.method.value,
                new.priority.value if new.priority else None,
                new.carrier,
                int(new.receipt),
                new.app_id,
                new.conversation_id,
                MessageStatus.QUEUED.value,
                now,
                now,
                claim.owner if claim else None,
                now + claim.seconds if claim else None,
                new.operator,
                new.host,
            ),
        )
    except sqlite3.IntegrityError as exc:
        raise DuplicateMessageId(new.message_id) from exc
    ref = cursor.lastrowid
    conn.executemany(
        "INSERT INTO attachments (message_ref, position, content_type, filename, content)"
        " VALUES (?, ?, ?, ?, ?)",
        [(ref, i, a.content_type, a.filename, a.content) for i, a in enumerate(new.attachments)],
    )
    # Receipts that arrived before the message are applied now, in arrival order.
    for state, result_code, received_at in conn.execute(
        "SELECT message_state, result_code, received_at FROM receipts"
        " WHERE message_id = ? ORDER BY id",
        (new.message_id,),
    ).fetchall():
        conn.execute(
            callbacks_sql.ADVANCE_STATE,
            (state, result_code, received_at, received_at, new.message_id),
        )


def begin_attempt(conn: sqlite3.Connection, message_id: str, started_at: float) -> int:
    """Record that an attempt is about to go out; its number (from 1)."""
    row = conn.execute(
        "SELECT id, attempt_count FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()
    if row is None:
        raise UnknownMessage(message_id)
    ref, attempt_count = row
    number = int(attempt_count) + 1
    conn.execute(
        "INSERT INTO attempts (message_ref, number, started_at) VALUES (?, ?, ?)",
        (ref, number, started_at),
    )
    conn.execute(
        "UPDATE messages SET status = ?, attempt_count = ?, next_attempt_at = NULL,"
        " updated_at = ? WHERE id = ?",
        (MessageStatus.SENDING.value, number, started_at, ref),
    )
    return number


def finish_attempt(
    conn: sqlite3.Connection, ref: int, number: int, result: AttemptResult, decision: Decision
) -> None:
    """Record what attempt ``number`` of message ``ref`` produced and what was decided."""
    conn.execute(
        "UPDATE attempts SET finished_at = ?, http_status = ?, result_code = ?,"
        " transport_error = ?, raw_response = ?, outcome_known = ?, decision = ?,"
        " detail = ?, retry_at = ? WHERE message_ref = ? AND number = ?",
        (
            result.finished_at,
            result.http_status,
            result.result_code,
            result.transport_error,
            result.raw_response,
            int(result.outcome_known),
            decision.status.value,
            decision.detail,
            decision.retry_at,
            ref,
            number,
        ),
    )
    conn.execute(
        "UPDATE messages SET status = ?, status_detail = ?, next_attempt_at = ?,"
        " result_code = COALESCE(?, result_code), updated_at = ? WHERE id = ?",
        (
            decision.status.value,
            decision.detail,
            decision.retry_at,
            result.result_code,
            result.finished_at,
            ref,
        ),
    )


def read_message(conn: sqlite3.Connection, message_id: str) -> StoredMessage | None:
    """The message with this ``message_id``, with its attachments."""
    row = rows.select(
        conn, f"SELECT {rows.MESSAGE_COLUMNS} FROM messages WHERE message_id = ?", (message_id,)
    ).fetchone()
    if row is None:
        return None
    attachments = tuple(
        Attachment(content_type=content_type, content=content, filename=filename)
        for content_type, filename, content in conn.execute(
            "SELECT content_type, filename, content FROM attachments"
            " WHERE message_ref = ? ORDER BY position",
            (row["id"],),
        )
    )
    return rows.message(row, attachments)


def undecided(conn: sqlite3.Connection) -> list[StoredMessage]:
    """Messages whose acceptance is not settled yet, oldest first."""
    statuses = [s.value for s in MessageStatus if s.undecided]
    placeholders = ", ".join("?" for _ in statuses)
    ids = [
        message_id
        for (message_id,) in conn.execute(
            f"SELECT message_id FROM messages WHERE status IN ({placeholders}) ORDER BY id",
            statuses,
        )
    ]
    found = [read_message(conn, i) for i in ids]
    return [m for m in found if m is not None]
