"""The outbox in the shared store: messages as they are created, and their attempts."""

# Statements here interpolate only this module's column lists, constants and clauses;
# every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

from console.protocol.delivery import FINAL_STATES
from console.protocol.mt_request import Attachment
from console.store import rows
from console.store.errors import DuplicateMessageId, UnknownMessage
from console.store.models import (
    AttemptResult,
    Claim,
    Decision,
    MessageStatus,
    NewMessage,
    StoredMessage,
)
from console.store.postgres.claims_sql import NOW

Cursor = psycopg.Cursor[tuple[Any, ...]]

# The delivery-state rule (see console.protocol.delivery) as one statement for many
# messages: each row of the arrays is what a message's new receipts, taken in arrival
# order, leave (see ``folded``). The guard is evaluated again on a row another
# transaction changed meanwhile, so no interleaving of receivers replaces a final state.
ADVANCE_STATES = (
    "UPDATE messages m SET state = u.state, state_result_code = u.code,"
    " state_at = u.state_at, updated_at = GREATEST(m.updated_at, u.latest)"
    " FROM unnest(%b::text[], %b::int[], %b::int[], %b::float8[], %b::float8[])"
    " AS u(message_id, state, code, state_at, latest)"
    " WHERE m.message_id = u.message_id"
    f" AND (m.state IS NULL OR m.state NOT IN ({', '.join(map(str, FINAL_STATES))}))"
)

_MESSAGE_ID_UNIQUE = "messages_message_id_key"

Arrival = tuple[str, int, int | None, float]  # message_id, state, result code, received at


def folded(arrivals: list[Arrival]) -> list[list[Any]]:
    """The arrays of ``ADVANCE_STATES`` for receipts in arrival order: per message, the
    state the first final receipt sets (or else the latest), and the latest arrival up to
    it (what ``updated_at`` moves to)."""
    found: dict[str, tuple[int, int | None, float, float]] = {}
    for message_id, state, code, at in arrivals:
        key = message_id.replace("\x00", "\ufffd")  # as stored (see .connection)
        current = found.get(key)
        if current is None:
            found[key] = (state, code, at, at)
        elif current[0] not in FINAL_STATES:
            found[key] = (state, code, at, max(current[3], at))
    return [
        list(found),
        [v[0] for v in found.values()],
        [v[1] for v in found.values()],
        [v[2] for v in found.values()],
        [v[3] for v in found.values()],
    ]


def insert_message(cur: Cursor, new: NewMessage, now: float, claim: Claim | None = None) -> None:
    """Store ``new`` as queued, applying the receipts that arrived before it; held by
    ``claim`` from the start, if given.

    Raises:
        DuplicateMessageId: a message with this ``message_id`` already exists.
    """
    try:
        row = cur.execute(
            "INSERT INTO messages (message_id, profile, phone_number, sender, body,"
            " endpoint, method, priority, carrier, receipt, app_id, conversation_id,"
            " status, created_at, updated_at, operator, host, lease_owner, lease_until)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            f" %s, {NOW} + %s) RETURNING id",
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
                new.receipt,
                new.app_id,
                new.conversation_id,
                MessageStatus.QUEUED.value,
                now,
                now,
                new.operator,
                new.host,
                claim.owner if claim else None,
                claim.seconds if claim else None,
            ),
        ).fetchone()
    except errors.UniqueViolation as exc:
        if exc.diag.constraint_name == _MESSAGE_ID_UNIQUE:
            raise DuplicateMessageId(new.message_id) from exc
        raise
    assert row is not None
    (ref,) = row
    if new.attachments:
        cur.executemany(
            "INSERT INTO attachments (message_ref, position, content_type, filename, content)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                (ref, i, a.content_type, a.filename, a.content)
                for i, a in enumerate(new.attachments)
            ],
        )
    # A receiver storing a receipt for this message_id right now (it made it an orphan,
    # and has not committed) is waited for here, on its orphan row, so that the receipts
    # read below include its own. One that stores a receipt later meets this row, waits for
    # this transaction, and then finds the message.
    cur.execute(
        "INSERT INTO orphans AS o (message_id, id, state, received_at) VALUES (%s, 0, 0, 0)"
        " ON CONFLICT (message_id) DO UPDATE SET id = o.id",
        (new.message_id,),
    )
    cur.execute("DELETE FROM orphans WHERE message_id = %s", (new.message_id,))
    arrivals: list[Arrival] = [
        (new.message_id, state, code, at)
        for state, code, at in cur.execute(
            "SELECT message_state, result_code, received_at FROM receipts"
            " WHERE message_id = %s ORDER BY id",
            (new.message_id,),
        ).fetchall()
    ]
    if arrivals:
        cur.execute(ADVANCE_STATES, folded(arrivals))


def begin_attempt(cur: Cursor, message_id: str, started_at: float) -> int:
    """Record that an attempt is about to go out; its number (from 1).

    The message's row is updated first: two connections starting an attempt at once take
    the next numbers one after the other.
    """
    row = cur.execute(
        "UPDATE messages SET status = %s, attempt_count = attempt_count + 1,"
        " next_attempt_at = NULL, updated_at = %s WHERE message_id = %s"
        " RETURNING id, attempt_count",
        (MessageStatus.SENDING.value, started_at, message_id),
    ).fetchone()
    if row is None:
        raise UnknownMessage(message_id)
    ref, number = row
    cur.execute(
        "INSERT INTO attempts (message_ref, number, started_at) VALUES (%s, %s, %s)",
        (ref, number, started_at),
    )
    return int(number)


def finish_attempt(
    cur: Cursor, message_id: str, number: int, result: AttemptResult, decision: Decision
) -> None:
    """Record what attempt ``number`` of ``message_id`` produced and what was decided."""
    row = cur.execute(
        "UPDATE messages SET status = %s, status_detail = %s, next_attempt_at = %s,"
        " result_code = COALESCE(%s, result_code), updated_at = %s WHERE message_id = %s"
        " RETURNING id",
        (
            decision.status.value,
            decision.detail,
            decision.retry_at,
            result.result_code,
            result.finished_at,
            message_id,
        ),
    ).fetchone()
    if row is None:
        raise UnknownMessage(message_id)
    cur.execute(
        "UPDATE attempts SET finished_at = %s, http_status = %s, result_code = %s,"
        " transport_error = %s, raw_response = %s, outcome_known = %s, decision = %s,"
        " detail = %s, retry_at = %s WHERE message_ref = %s AND number = %s",
        (
            result.finished_at,
            result.http_status,
            result.result_code,
            result.transport_error,
            result.raw_response,
            result.outcome_known,
            decision.status.value,
            decision.detail,
            decision.retry_at,
            row[0],
            number,
        ),
    )


# What reopen_for_retry makes due again.
REOPENABLE = (MessageStatus.FAILED.value, MessageStatus.NEEDS_OPERATOR.value)


def reopen_for_retry(cur: Cursor, message_id: str, now: float) -> bool:
    """Make a failed or stopped message due for another attempt; False if it is neither."""
    cur.execute(
        "UPDATE messages SET status = %s, next_attempt_at = NULL, updated_at = %s"
        " WHERE message_id = %s AND status IN (%s, %s)",
        (MessageStatus.RETRY_WAIT.value, now, message_id, *REOPENABLE),
    )
    return cur.rowcount == 1


def read_messages(
    cur: Cursor, where: str, params: tuple[Any, ...], *, attachments: bool
) -> list[StoredMessage]:
    """The messages ``where`` selects (a clause of this package's), with their attachments
    if asked for."""
    found = (
        cur.connection.cursor(row_factory=dict_row)
        .execute(f"SELECT {rows.MESSAGE_COLUMNS} FROM messages {where}", params)
        .fetchall()
    )
    files: dict[int, list[Attachment]] = {row["id"]: [] for row in found}
    if attachments and files:
        for ref, content_type, filename, content in cur.execute(
            "SELECT message_ref, content_type, filename, content FROM attachments"
            " WHERE message_ref = ANY(%s) ORDER BY message_ref, position",
            (list(files),),
        ):
            files[ref].append(
                Attachment(content_type=content_type, content=content, filename=filename)
            )
    return [rows.message(row, tuple(files[row["id"]])) for row in found]
