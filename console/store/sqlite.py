"""The SQLite backend of the message store (WAL, one connection per thread)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

from console.protocol.mt_request import Attachment
from console.store import (
    audit_sql,
    callbacks_sql,
    log,
    outbox_sql,
    quarantine_sql,
    rows,
    suppression_sql,
)
from console.store.audit import AuditEntry
from console.store.errors import OptedOut, StoreBusy, StoreError, UnknownMessage
from console.store.migrations import migrate
from console.store.models import (
    AttemptRecord,
    AttemptResult,
    CallbackItem,
    Claim,
    Decision,
    IncomingReceipt,
    IncomingReply,
    LogKey,
    LogQuery,
    LogRow,
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
from console.store.rows import select
from console.store.sqlite_canned import SqliteCanned
from console.store.sqlite_suppression import SqliteSuppressions
from console.store.sqlite_team import SqliteTeamRecords
from console.store.sqlite_threads import SqliteThreads

DEFAULT_QUARANTINE_CAP = QuarantineCap()

# What reopen_for_retry makes due again.
_REOPENABLE = (MessageStatus.FAILED.value, MessageStatus.NEEDS_OPERATOR.value)


Synchronous = Literal["OFF", "NORMAL", "FULL"]

# PRAGMA takes no parameters: each statement is written out whole.
_SYNCHRONOUS: dict[Synchronous, str] = {
    "OFF": "PRAGMA synchronous=OFF",
    "NORMAL": "PRAGMA synchronous=NORMAL",
    "FULL": "PRAGMA synchronous=FULL",
}


class SqliteStore(SqliteTeamRecords, SqliteThreads, SqliteSuppressions, SqliteCanned):
    """Messages, attempts, receipts, replies and quarantined callbacks in one SQLite file.

    Each instance owns one connection. It stays on the thread that created it unless made
    with ``any_thread`` (then its user sees that only one thread uses it at a time); other
    threads open their own instance on the same file.
    """

    remote = False

    def __init__(
        self,
        path: Path,
        *,
        synchronous: Synchronous = "NORMAL",
        busy_timeout: float = 30.0,
        quarantine_cap: QuarantineCap = DEFAULT_QUARANTINE_CAP,
        any_thread: bool = False,
    ) -> None:
        """``busy_timeout``: how long a write waits for another connection's lock before
        :class:`StoreBusy` (opening waits up to 30 s whatever it is). ``any_thread``: the
        store may be used from other threads than its own, one at a time."""
        self.path = path
        self._quarantine_cap = quarantine_cap
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            path, isolation_level=None, timeout=30.0, check_same_thread=not any_thread
        )
        self._log_cache = log.LogCache()
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SYNCHRONOUS[synchronous])
            self._conn.execute("PRAGMA foreign_keys=ON")
            migrate(self._conn)
            quarantine_sql.keep_within(self._conn, quarantine_cap)
            self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000):d}")
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        self._conn.close()

    def interrupt(self) -> None:
        """Stop what another thread is reading from this store (see MessageStore)."""
        self._conn.interrupt()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock up front, so concurrent writers wait on the busy
        # timeout instead of failing halfway through a transaction.
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode == sqlite3.SQLITE_BUSY:
                raise StoreBusy("the database is locked by another connection") from exc
            raise

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        self._begin()
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

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
        with self._write() as conn:
            suppression_sql.refuse(conn, new.phone_number, new.message_id)
            outbox_sql.insert_message(conn, new, now, claim)
            if audit is not None:
                audit_sql.add(conn, audit)
        found = self.get_message(new.message_id)
        assert found is not None
        return found

    def get_message(self, message_id: str) -> StoredMessage | None:
        return outbox_sql.read_message(self._conn, message_id)

    def messages(
        self, limit: int = 100, before_id: int | None = None, operator: str | None = None
    ) -> list[StoredMessage]:
        """Messages newest first, ``limit`` at a time, continuing below ``before_id``; only
        those ``operator`` sent, if given."""
        found = select(
            self._conn,
            f"SELECT {rows.MESSAGE_COLUMNS} FROM messages"
            " WHERE id < ? AND (? IS NULL OR operator = ?) ORDER BY id DESC LIMIT ?",
            (before_id if before_id is not None else 2**62, operator, operator, limit),
        ).fetchall()
        return [rows.message(row, ()) for row in found]

    def undecided(self) -> list[StoredMessage]:
        """Messages whose acceptance is not settled yet, oldest first."""
        return outbox_sql.undecided(self._conn)

    def count_messages(self) -> int:
        (count,) = self._conn.execute("SELECT COUNT(*) FROM messages").fetchone()
        return int(count)

    # Attempts ----------------------------------------------------------------------------

    def begin_attempt(self, message_id: str, started_at: float) -> int:
        """Record that an attempt is about to go out; returns its number (from 1).

        Raises:
            OptedOut: the number is on the opt-out list; the message is failed instead.
        """
        with self._write() as conn:
            opted_out = suppression_sql.fail_if_opted_out(
                conn, message_id, started_at, unless_in_doubt=True
            )
            if opted_out is None:
                return outbox_sql.begin_attempt(conn, message_id, started_at)
        raise OptedOut(opted_out)

    def finish_attempt(
        self, message_id: str, number: int, result: AttemptResult, decision: Decision
    ) -> None:
        """Record what attempt ``number`` produced and what was decided."""
        with self._write() as conn:
            outbox_sql.finish_attempt(conn, self._ref(conn, message_id), number, result, decision)

    def attempts(self, message_id: str) -> list[AttemptRecord]:
        found = select(
            self._conn,
            f"SELECT {rows.ATTEMPT_COLUMNS} FROM attempts a JOIN messages m"
            " ON m.id = a.message_ref WHERE m.message_id = ? ORDER BY a.number",
            (message_id,),
        ).fetchall()
        return [rows.attempt(r) for r in found]

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
            StoreBusy: another connection holds the write lock; nothing was begun.
        """
        self._begin()
        try:
            return callbacks_sql.add(self._conn, items, self._quarantine_cap)
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def commit_staged(self) -> None:
        """Make what :meth:`stage_callbacks` wrote durable; on failure nothing is kept."""
        try:
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    def receipts(self, message_id: str, newest: int | None = None) -> list[ReceiptRecord]:
        """Every distinct receipt for ``message_id``, in arrival order; with ``newest``,
        only that many of the latest."""
        sql = f"SELECT {rows.RECEIPT_COLUMNS} FROM receipts WHERE message_id = ?"
        if newest is None:
            found = select(self._conn, sql + " ORDER BY id", (message_id,)).fetchall()
        else:
            latest = f"SELECT * FROM ({sql} ORDER BY id DESC LIMIT ?) ORDER BY id"
            found = select(self._conn, latest, (message_id, newest)).fetchall()
        return [rows.receipt(r) for r in found]

    def orphan_receipts(self) -> list[ReceiptRecord]:
        """Receipts whose message_id matches no stored message, oldest first."""
        found = select(
            self._conn,
            f"SELECT {rows.RECEIPT_COLUMNS} FROM receipts r WHERE NOT EXISTS"
            " (SELECT 1 FROM messages m WHERE m.message_id = r.message_id) ORDER BY id",
        ).fetchall()
        return [rows.receipt(r) for r in found]

    def add_reply(self, reply: IncomingReply) -> bool:
        """Keep a customer reply; returns False when it is a redelivery."""
        return self.record_callbacks([reply])[0]

    def replies(self, phone_number: str | None = None, limit: int = 100) -> list[ReplyRecord]:
        """Customer replies newest first, optionally from one number."""
        if phone_number is None:
            found = select(
                self._conn,
                f"SELECT {rows.REPLY_COLUMNS} FROM replies ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        else:
            found = select(
                self._conn,
                f"SELECT {rows.REPLY_COLUMNS} FROM replies WHERE phone_number = ?"
                " ORDER BY id DESC LIMIT ?",
                (phone_number, limit),
            ).fetchall()
        return [self._reply(r) for r in found]

    def reply(self, message_id: str) -> ReplyRecord | None:
        """The customer reply with this provider message_id, with its attachments."""
        row = select(
            self._conn,
            f"SELECT {rows.REPLY_COLUMNS} FROM replies WHERE message_id = ?",
            (message_id,),
        ).fetchone()
        return None if row is None else self._reply(row)

    def reopen_for_retry(self, message_id: str, now: float | None = None) -> bool:
        """Make a failed or stopped message due for another attempt with the same id.

        Returns False if the message is not failed or waiting for the operator.

        Raises:
            OptedOut: the number is on the opt-out list; the message is failed, saying so.
        """
        now = time.time() if now is None else now
        with self._write() as conn:
            opted_out = suppression_sql.fail_if_opted_out(conn, message_id, now, _REOPENABLE)
            if opted_out is None:
                cursor = conn.execute(
                    "UPDATE messages SET status = ?, next_attempt_at = NULL, updated_at = ?"
                    " WHERE message_id = ? AND status IN (?, ?)",
                    (MessageStatus.RETRY_WAIT.value, now, message_id, *_REOPENABLE),
                )
                return cursor.rowcount == 1
        raise OptedOut(opted_out)

    def quarantine(self, callback: QuarantinedCallback) -> int:
        """Keep a callback we could not accept, as it came (the head of a large body)."""
        with self._write() as conn:
            return quarantine_sql.add(conn, callback, self._quarantine_cap)

    def quarantined(self, limit: int = 100) -> list[QuarantineRecord]:
        return quarantine_sql.listed(self._conn, limit)

    def quarantine_summary(self) -> QuarantineSummary:
        return quarantine_sql.summary(self._conn, self._quarantine_cap)

    # Message log -------------------------------------------------------------------------

    def log_head(
        self, query: LogQuery, limit: int = 100, count_limit: int | None = None
    ) -> tuple[list[LogRow], int]:
        """The newest ``limit`` log rows and how many rows ``query`` has, read together.

        Both come from one snapshot, so the count includes exactly the rows up to the first
        one returned. With ``count_limit`` the count stops there: a count of
        ``count_limit`` means at least that many.

        Raises:
            StoreError: the database could not be read (a damaged file, a failing disk).
        """
        self._conn.execute("BEGIN")
        try:
            return log.head(self._conn, self._log_cache, query, limit, count_limit)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the log could not be read: {exc}") from exc
        finally:
            self._conn.execute("COMMIT")

    def log_page(
        self, query: LogQuery, before: LogKey | None = None, limit: int = 100, skip: int = 0
    ) -> list[LogRow]:
        """Log rows newest first: those older than ``before``, after skipping ``skip``."""
        return log.page(self._conn, self._log_cache, query, before, limit, skip, newest_first=True)

    def log_page_oldest(
        self, query: LogQuery, after: LogKey | None = None, limit: int = 100, skip: int = 0
    ) -> list[LogRow]:
        """Log rows oldest first: those newer than ``after``, after skipping ``skip``."""
        return log.page(self._conn, self._log_cache, query, after, limit, skip, newest_first=False)

    def log_count(
        self, query: LogQuery, before: LogKey | None = None, after: LogKey | None = None
    ) -> int:
        """How many log rows ``query`` has, only counting those between the given keys."""
        return log.count(self._conn, self._log_cache, query, before, after)

    def log_rows(self, query: LogQuery, message_ids: Iterable[str]) -> list[LogRow]:
        """The rows of ``query`` (messages, replies, orphan receipts) with these message_ids,
        newest first."""
        return log.by_message_ids(self._conn, query, message_ids)

    # Helpers -----------------------------------------------------------------------------

    def _ref(self, conn: sqlite3.Connection, message_id: str) -> int:
        row = conn.execute("SELECT id FROM messages WHERE message_id = ?", (message_id,)).fetchone()
        if row is None:
            raise UnknownMessage(message_id)
        (ref,) = row
        return int(ref)

    def _reply(self, row: sqlite3.Row) -> ReplyRecord:
        attachments = tuple(
            Attachment(content_type, content, problem=problem)
            for content_type, content, problem in self._conn.execute(
                "SELECT content_type, content, problem FROM reply_attachments WHERE reply_ref = ?"
                " ORDER BY position",
                (row["id"],),
            )
        )
        return rows.reply(row, attachments)
