"""The PostgreSQL backend of the message store (team mode): one connection per store."""

# Statements here interpolate only this module's column lists, constants and clauses;
# every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from typing import Any

import psycopg
from psycopg import errors
from psycopg.rows import dict_row

from console.store import rows
from console.store.audit import AuditEntry
from console.store.errors import OptedOut
from console.store.models import (
    AttemptRecord,
    AttemptResult,
    CallbackItem,
    Claim,
    Decision,
    IncomingReceipt,
    IncomingReply,
    MessageStatus,
    NewMessage,
    QuarantineCap,
    QuarantinedCallback,
    QuarantineRecord,
    QuarantineSummary,
    ReceiptRecord,
    ReplyRecord,
    StoredMessage,
)
from console.store.postgres import (
    audit_sql,
    callbacks_sql,
    outbox_sql,
    quarantine_sql,
    schema,
    suppression_sql,
)
from console.store.postgres.canned import PostgresCanned
from console.store.postgres.connection import Connection, Redactor, Synchronous, translated
from console.store.postgres.link import Link
from console.store.postgres.log_reads import PostgresLogReads
from console.store.postgres.suppression import PostgresSuppressions
from console.store.postgres.team import PostgresTeamRecords
from console.store.postgres.threads import PostgresThreads

log = logging.getLogger(__name__)

DEFAULT_QUARANTINE_CAP = QuarantineCap()

Cursor = psycopg.Cursor[tuple[Any, ...]]

# A batch of callbacks that deadlocks with another receiver's (both waiting on rows the
# other inserted first) is rolled back by the server; it is tried again this many times.
_DEADLOCK_TRIES = 5


class PostgresStore(
    PostgresTeamRecords, PostgresLogReads, PostgresThreads, PostgresSuppressions, PostgresCanned
):
    """Messages, attempts, receipts, replies and quarantined callbacks in a PostgreSQL
    database shared by every receiver and console of a team.

    Each instance owns one connection, in a transaction only while one of its methods runs
    (or between :meth:`stage_callbacks` and :meth:`commit_staged`). The database must be
    on this program's schema (``db migrate`` upgrades it; opening never does).
    ``synchronous`` ``OFF`` turns the server's synchronous commit off for this connection
    (a crash of the server may lose the last commits); the others keep its setting.
    ``busy_timeout`` bounds every wait for another connection's lock (:class:`StoreBusy`).
    ``any_thread`` is accepted for the same signature as the SQLite store: a psycopg
    connection serves any thread, one call at a time. ``deadline``: how long any exchange
    with the server may take (None: no limit); past it the connection is dropped and the
    call raises :class:`StoreOutOfReach` (see ``DeadlineConnection``).
    """

    remote = True

    def __init__(
        self,
        url: str,
        *,
        synchronous: Synchronous = "NORMAL",
        busy_timeout: float = 30.0,
        quarantine_cap: QuarantineCap = DEFAULT_QUARANTINE_CAP,
        any_thread: bool = False,
        deadline: float | None = None,
    ) -> None:
        """Raises:
        StoreError: the database could not be opened (the text never holds the password).
        IncompatibleStore: its schema is not this program's.
        """
        del any_thread  # every psycopg connection may be used from any thread
        self._quarantine_cap = quarantine_cap
        self._redact = Redactor(url)
        self._link = Link(
            url,
            self._prepare,
            busy_timeout=busy_timeout,
            synchronous=synchronous,
            deadline=deadline,
        )

    def _prepare(self, conn: Connection) -> None:
        with translated(self._redact, "the shared store could not be opened"), conn.transaction():
            schema.check(conn)
            quarantine_sql.keep_within(conn.cursor(), self._quarantine_cap)

    @property
    def _conn(self) -> Connection:
        return self._link.conn

    def close(self) -> None:
        self._link.close()

    def reconnect(self) -> None:
        """Open a new connection in place of this one, which a restarted server may have
        lost unseen. One known lost is replaced by every method but the staged callbacks'
        before it begins.

        Raises:
            StoreError: the server is out of reach (the text never holds the password).
        """
        self._link.reconnect()

    def hold_when_lost(self, on_lost: Callable[[str], None]) -> None:
        """From now on a lost connection is not opened again by the next call: every call
        fails at once (StoreOutOfReach) and ``on_lost(reason)`` is told, until
        :meth:`reconnect` then ``hold(None)``. For a caller that must not wait to connect
        (a window's thread)."""
        self._link.live.hold_when_lost(on_lost)

    def hold(self, reason: str | None) -> None:
        """While the server is known out of reach, fail every call at once saying
        ``reason``; None: use the connection again."""
        self._link.live.hold(reason)

    @property
    def held(self) -> bool:
        return self._link.live.held is not None

    def interrupt(self) -> None:
        """Stop what another thread is reading from this store (see MessageStore)."""
        self._link.interrupt()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _transaction(self, doing: str, *, snapshot: bool = False) -> AbstractContextManager[Cursor]:
        return self._link.transaction(doing, snapshot=snapshot)

    # Outbox ------------------------------------------------------------------------------

    def create_message(
        self,
        new: NewMessage,
        now: float | None = None,
        claim: Claim | None = None,
        audit: AuditEntry | None = None,
    ) -> StoredMessage:
        """Store ``new`` as queued; receipts that arrived before it are linked at once.
        With ``claim``, it is held by that console from the start; ``audit`` is added to
        the audit trail with it, or not at all.

        Raises:
            DuplicateMessageId: a message with this ``message_id`` already exists.
            OptedOut: the number is on the opt-out list; nothing was stored.
        """
        now = time.time() if now is None else now
        with self._transaction("the message could not be stored") as cur:
            suppression_sql.refuse(cur, new.phone_number, new.message_id)
            outbox_sql.insert_message(cur, new, now, claim)
            if audit is not None:
                audit_sql.add(cur, audit)
        found = self.get_message(new.message_id)
        assert found is not None
        return found

    def get_message(self, message_id: str) -> StoredMessage | None:
        with self._transaction("the message could not be read") as cur:
            found = outbox_sql.read_messages(
                cur, "WHERE message_id = %s", (message_id,), attachments=True
            )
        return found[0] if found else None

    def messages(
        self, limit: int = 100, before_id: int | None = None, operator: str | None = None
    ) -> list[StoredMessage]:
        """Messages newest first, ``limit`` at a time, continuing below ``before_id``; only
        those ``operator`` sent, if given."""
        with self._transaction("the messages could not be read") as cur:
            return outbox_sql.read_messages(
                cur,
                "WHERE id < %s AND (%s::text IS NULL OR operator = %s) ORDER BY id DESC LIMIT %s",
                (before_id if before_id is not None else 2**62, operator, operator, limit),
                attachments=False,
            )

    def undecided(self) -> list[StoredMessage]:
        """Messages whose acceptance is not settled yet, oldest first."""
        with self._transaction("the messages could not be read") as cur:
            return outbox_sql.read_messages(
                cur,
                "WHERE status = ANY(%s) ORDER BY id",
                ([s.value for s in MessageStatus if s.undecided],),
                attachments=True,
            )

    def count_messages(self) -> int:
        with self._transaction("the messages could not be counted") as cur:
            row = cur.execute("SELECT COUNT(*) FROM messages").fetchone()
        assert row is not None
        return int(row[0])

    # Attempts ----------------------------------------------------------------------------

    def begin_attempt(self, message_id: str, started_at: float) -> int:
        """Record that an attempt is about to go out; returns its number (from 1).

        Raises:
            OptedOut: the number is on the opt-out list; the message is failed instead.
        """
        with self._transaction("the attempt could not be stored") as cur:
            opted_out = suppression_sql.fail_if_opted_out(
                cur, message_id, started_at, unless_in_doubt=True
            )
            if opted_out is None:
                return outbox_sql.begin_attempt(cur, message_id, started_at)
        raise OptedOut(opted_out)

    def finish_attempt(
        self, message_id: str, number: int, result: AttemptResult, decision: Decision
    ) -> None:
        """Record what attempt ``number`` produced and what was decided."""
        with self._transaction("the attempt could not be stored") as cur:
            outbox_sql.finish_attempt(cur, message_id, number, result, decision)

    def attempts(self, message_id: str) -> list[AttemptRecord]:
        return [
            rows.attempt(r)
            for r in self._dict_rows(
                f"SELECT {rows.ATTEMPT_COLUMNS} FROM attempts a JOIN messages m"
                " ON m.id = a.message_ref WHERE m.message_id = %s ORDER BY a.number",
                (message_id,),
            )
        ]

    # Callbacks ---------------------------------------------------------------------------

    def add_receipt(self, receipt: IncomingReceipt) -> bool:
        """Keep ``receipt``; returns False when it is a redelivery of one already kept."""
        return self.record_callbacks([receipt])[0]

    def record_callbacks(self, items: list[CallbackItem]) -> list[bool]:
        """Keep receipts, replies and quarantined callbacks in one durable transaction.

        For each item: True if it was new, False for a redelivery (quarantined ones are
        always new).
        """
        results = self.stage_callbacks(items)
        self.commit_staged()
        return results

    def stage_callbacks(self, items: list[CallbackItem]) -> list[bool]:
        """:meth:`record_callbacks` up to its commit: the transaction stays open, and
        nothing is kept until :meth:`commit_staged` (which another thread may call, while
        this store is not otherwise in use).

        Raises:
            StoreBusy: a lock stayed taken past the busy timeout; nothing was kept.
        """
        tries = 1
        with translated(self._redact, "the callbacks could not be stored"):
            conn = self._link.get()
            while True:
                try:
                    return callbacks_sql.add(conn.cursor(), items, self._quarantine_cap)
                except errors.DeadlockDetected:
                    self._rollback()
                    if tries == _DEADLOCK_TRIES:
                        raise
                    tries += 1
                except BaseException:
                    self._rollback()
                    raise

    def commit_staged(self) -> None:
        """Make what :meth:`stage_callbacks` wrote durable; on failure nothing is kept."""
        with translated(self._redact, "the callbacks could not be stored"):
            try:
                self._conn.commit()
            except BaseException:
                self._rollback()
                raise
        try:
            callbacks_sql.wake_consoles(self._conn)
        except psycopg.Error as exc:  # stored all the same: the next wake-up shows them
            log.warning("the consoles could not be woken: %s", self._redact(str(exc)))

    def receipts(self, message_id: str, newest: int | None = None) -> list[ReceiptRecord]:
        """Every distinct receipt for ``message_id``, in arrival order; with ``newest``,
        only that many of the latest."""
        sql = f"SELECT {rows.RECEIPT_COLUMNS} FROM receipts WHERE message_id = %s"
        if newest is None:
            found = self._dict_rows(sql + " ORDER BY id", (message_id,))
        else:
            latest = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT %s) newest ORDER BY id"
            found = self._dict_rows(latest, (message_id, newest))
        return [rows.receipt(r) for r in found]

    def orphan_receipts(self) -> list[ReceiptRecord]:
        """Receipts whose message_id matches no stored message, oldest first."""
        return [
            rows.receipt(r)
            for r in self._dict_rows(
                f"SELECT {rows.RECEIPT_COLUMNS} FROM receipts r WHERE NOT EXISTS"
                " (SELECT 1 FROM messages m WHERE m.message_id = r.message_id) ORDER BY id",
                (),
            )
        ]

    def add_reply(self, reply: IncomingReply) -> bool:
        """Keep a customer reply; returns False when it is a redelivery."""
        return self.record_callbacks([reply])[0]

    def replies(self, phone_number: str | None = None, limit: int = 100) -> list[ReplyRecord]:
        """Customer replies newest first, optionally from one number."""
        if phone_number is None:
            return self._replies(" ORDER BY id DESC LIMIT %s", (limit,))
        return self._replies(
            " WHERE phone_number = %s ORDER BY id DESC LIMIT %s", (phone_number, limit)
        )

    def reply(self, message_id: str) -> ReplyRecord | None:
        """The customer reply with this provider message_id, with its attachments."""
        found = self._replies(" WHERE message_id = %s", (message_id,))
        return found[0] if found else None

    def reopen_for_retry(self, message_id: str, now: float | None = None) -> bool:
        """Make a failed or stopped message due for another attempt with the same id.

        Returns False if the message is not failed or waiting for the operator.

        Raises:
            OptedOut: the number is on the opt-out list; the message is failed, saying so.
        """
        now = time.time() if now is None else now
        with self._transaction("the message could not be reopened") as cur:
            opted_out = suppression_sql.fail_if_opted_out(
                cur, message_id, now, outbox_sql.REOPENABLE
            )
            if opted_out is None:
                return outbox_sql.reopen_for_retry(cur, message_id, now)
        raise OptedOut(opted_out)

    def quarantine(self, callback: QuarantinedCallback) -> int:
        """Keep a callback we could not accept, as it came (the head of a large body)."""
        with self._transaction("the callback could not be quarantined") as cur:
            return quarantine_sql.add(cur, callback, self._quarantine_cap)

    def quarantined(self, limit: int = 100) -> list[QuarantineRecord]:
        with self._transaction("the quarantine could not be read") as cur:
            return quarantine_sql.listed(cur, limit)

    def quarantine_summary(self) -> QuarantineSummary:
        with self._transaction("the quarantine could not be read") as cur:
            return quarantine_sql.summary(cur, self._quarantine_cap)

    # Helpers -----------------------------------------------------------------------------

    def _rollback(self) -> None:
        # A broken connection has no transaction left to end.
        with suppress(psycopg.Error):
            self._conn.rollback()

    def _dict_rows(self, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
        with self._transaction("the store could not be read"):
            return self._conn.cursor(row_factory=dict_row).execute(sql, params).fetchall()

    def _replies(self, where: str, params: tuple[Any, ...]) -> list[ReplyRecord]:
        with self._transaction("the replies could not be read") as cur:
            return callbacks_sql.read_replies(cur, where, params)
