"""The stores' rows as the records they hand out, read by column name: each column list
sits next to the code that reads it, so the two cannot fall out of step. Both backends
have the same columns (PostgreSQL's as psycopg's dict rows)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from typing import Any, Protocol

from console.protocol.mt_request import Attachment, HttpMethod, Priority
from console.store.models import (
    AttemptRecord,
    MessageStatus,
    QuarantineRecord,
    ReceiptRecord,
    ReplyRecord,
    StoredMessage,
)


class Row(Protocol):
    """A row read by column name: a :class:`sqlite3.Row` or a psycopg dict row."""

    def __getitem__(self, key: str, /) -> Any: ...


def select(conn: sqlite3.Connection, sql: str, params: Iterable[object] = ()) -> sqlite3.Cursor:
    """``sql`` run on a cursor of its own whose rows are :class:`sqlite3.Row` (by name).

    Only such a cursor reads rows by name: the connection's other cursors (the log's
    paging, the callbacks' batch inserts) keep plain tuples, which cost less.
    """
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    return cursor.execute(sql, tuple(params))


MESSAGE_COLUMNS = (
    "id, message_id, profile, phone_number, sender, body, endpoint, method, priority, carrier,"
    " receipt, app_id, conversation_id, status, result_code, status_detail, attempt_count,"
    " next_attempt_at, state, state_result_code, state_at, created_at, updated_at,"
    " lease_owner, lease_until,"
    " operator, host,"
    " (SELECT COUNT(*) FROM attachments a WHERE a.message_ref = messages.id) AS attachment_count"
)


def message(row: Row, attachments: tuple[Attachment, ...]) -> StoredMessage:
    """A row of ``MESSAGE_COLUMNS`` (from ``messages``)."""
    return StoredMessage(
        id=row["id"],
        message_id=row["message_id"],
        profile=row["profile"],
        phone_number=row["phone_number"],
        sender=row["sender"],
        body=row["body"],
        endpoint=row["endpoint"],
        method=HttpMethod(row["method"]),
        priority=Priority(row["priority"]) if row["priority"] else None,
        carrier=row["carrier"],
        receipt=bool(row["receipt"]),
        app_id=row["app_id"],
        conversation_id=row["conversation_id"],
        status=MessageStatus(row["status"]),
        result_code=row["result_code"],
        status_detail=row["status_detail"],
        attempt_count=row["attempt_count"],
        next_attempt_at=row["next_attempt_at"],
        state=row["state"],
        state_result_code=row["state_result_code"],
        state_at=row["state_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        attachment_count=row["attachment_count"],
        lease_owner=row["lease_owner"],
        lease_until=row["lease_until"],
        attachments=attachments,
        operator=row["operator"],
        host=row["host"],
    )


# From ``attempts a``.
ATTEMPT_COLUMNS = (
    "a.number, a.started_at, a.finished_at, a.http_status, a.result_code, a.transport_error,"
    " a.raw_response, a.outcome_known, a.decision, a.detail, a.retry_at"
)


def attempt(row: Row) -> AttemptRecord:
    """A row of ``ATTEMPT_COLUMNS``."""
    return AttemptRecord(
        number=row["number"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        http_status=row["http_status"],
        result_code=row["result_code"],
        transport_error=row["transport_error"],
        raw_response=row["raw_response"],
        # An attempt never finished (the program stopped mid-request) has an unknown
        # outcome.
        outcome_known=bool(row["outcome_known"]),
        decision=MessageStatus(row["decision"]) if row["decision"] else None,
        detail=row["detail"],
        retry_at=row["retry_at"],
    )


RECEIPT_COLUMNS = (
    "id, message_id, message_state, result_code, app_id, conversation_id, received_at,"
    " source_address, raw, redeliveries"
)


def receipt(row: Row) -> ReceiptRecord:
    """A row of ``RECEIPT_COLUMNS`` (from ``receipts``)."""
    return ReceiptRecord(
        id=row["id"],
        message_id=row["message_id"],
        message_state=row["message_state"],
        result_code=row["result_code"],
        app_id=row["app_id"],
        conversation_id=row["conversation_id"],
        received_at=row["received_at"],
        source_address=row["source_address"],
        raw=row["raw"],
        redeliveries=row["redeliveries"],
    )


REPLY_COLUMNS = (
    "id, message_id, shortcode, phone_number, carrier, body, received_at, source_address, raw,"
    " redeliveries"
)


def reply(row: Row, attachments: tuple[Attachment, ...]) -> ReplyRecord:
    """A row of ``REPLY_COLUMNS`` (from ``replies``)."""
    return ReplyRecord(
        id=row["id"],
        message_id=row["message_id"],
        shortcode=row["shortcode"],
        phone_number=row["phone_number"],
        carrier=row["carrier"],
        body=row["body"],
        received_at=row["received_at"],
        source_address=row["source_address"],
        raw=row["raw"],
        redeliveries=row["redeliveries"],
        attachments=attachments,
    )


QUARANTINE_COLUMNS = (
    "id, received_at, source_address, method, target, headers, body, reason, body_length,"
    " body_sha256"
)


def quarantined(r: Row) -> QuarantineRecord:
    return QuarantineRecord(
        id=r["id"],
        received_at=r["received_at"],
        source_address=r["source_address"],
        method=r["method"],
        target=r["target"],
        headers=tuple((k, v) for k, v in json.loads(r["headers"])),
        body=bytes(r["body"]),
        reason=r["reason"],
        # Entries kept before lengths and hashes were recorded hold their whole body.
        body_length=len(r["body"]) if r["body_length"] is None else r["body_length"],
        body_sha256=r["body_sha256"] or hashlib.sha256(r["body"]).hexdigest(),
    )
