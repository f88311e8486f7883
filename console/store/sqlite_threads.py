"""Conversation threads in a SQLite store
(a part of :class:`console.store.sqlite.SqliteStore`; see console.store.threads)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from contextlib import AbstractContextManager

from console.store import threads_sql
from console.store.threads import (
    ITEM_PAGE,
    THREAD_PAGE,
    ItemKey,
    ThreadItem,
    ThreadKey,
    ThreadQuery,
    ThreadRow,
)


class SqliteThreads:
    """What :class:`SqliteStore` provides these methods with."""

    _conn: sqlite3.Connection

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def threads(
        self,
        query: ThreadQuery,
        operator: str,
        before: ThreadKey | None = None,
        limit: int = THREAD_PAGE,
    ) -> list[ThreadRow]:
        return threads_sql.listed(self._conn, query, operator, before, limit, time.time())

    def thread(self, thread_id: int, operator: str) -> ThreadRow | None:
        return threads_sql.by_id(self._conn, thread_id, operator, time.time())

    def thread_for(self, phone_number: str, sender: str, operator: str) -> ThreadRow | None:
        return threads_sql.by_pair(self._conn, phone_number, sender, operator, time.time())

    def thread_items(
        self, thread_id: int, before: ItemKey | None = None, limit: int = ITEM_PAGE
    ) -> list[ThreadItem]:
        # One snapshot: a message stored between the two tables' reads is in both or none.
        self._conn.execute("BEGIN")
        try:
            return threads_sql.items(self._conn, thread_id, before, limit)
        finally:
            self._conn.execute("COMMIT")

    def threads_for(self, message_ids: Iterable[str], operator: str) -> list[ThreadRow]:
        return threads_sql.holding(self._conn, message_ids, operator, time.time())

    def mark_read(self, thread_id: int, operator: str) -> None:
        with self._write() as conn:
            conn.execute(threads_sql.MARK_READ, (operator, thread_id))

    def mark_unread(self, thread_id: int, operator: str) -> None:
        with self._write() as conn:
            conn.execute(threads_sql.MARK_UNREAD, (operator, thread_id))

    def unread_total(self, operator: str) -> int:
        (total,) = self._conn.execute(threads_sql.UNREAD_TOTAL, (operator,)).fetchone()
        return int(total)

    def claim_thread(self, thread_id: int, operator: str, until: float, now: float) -> str | None:
        with self._write() as conn:
            return threads_sql.claim(conn, thread_id, operator, until, now)

    def release_thread(self, thread_id: int, operator: str) -> None:
        with self._write() as conn:
            conn.execute(threads_sql.RELEASE, (thread_id, operator))
