"""Conversation threads in the shared store
(a part of :class:`console.store.postgres.PostgresStore`; see console.store.threads)."""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

import psycopg

from console.store.postgres import threads_sql
from console.store.threads import (
    ITEM_PAGE,
    THREAD_PAGE,
    ItemKey,
    ThreadItem,
    ThreadKey,
    ThreadQuery,
    ThreadRow,
)

Cursor = psycopg.Cursor[tuple[Any, ...]]


class PostgresThreads:
    """What :class:`PostgresStore` provides these methods with."""

    def _transaction(self, doing: str, *, snapshot: bool = False) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def threads(
        self,
        query: ThreadQuery,
        operator: str,
        before: ThreadKey | None = None,
        limit: int = THREAD_PAGE,
    ) -> list[ThreadRow]:
        with self._transaction("the conversations could not be read", snapshot=True) as cur:
            return threads_sql.listed(cur, query, operator, before, limit, time.time())

    def thread(self, thread_id: int, operator: str) -> ThreadRow | None:
        with self._transaction("the conversation could not be read") as cur:
            return threads_sql.by_id(cur, thread_id, operator, time.time())

    def thread_for(self, phone_number: str, sender: str, operator: str) -> ThreadRow | None:
        with self._transaction("the conversation could not be read") as cur:
            return threads_sql.by_pair(cur, phone_number, sender, operator, time.time())

    def thread_items(
        self, thread_id: int, before: ItemKey | None = None, limit: int = ITEM_PAGE
    ) -> list[ThreadItem]:
        with self._transaction("the conversation could not be read", snapshot=True) as cur:
            return threads_sql.items(cur, thread_id, before, limit)

    def threads_for(self, message_ids: Iterable[str], operator: str) -> list[ThreadRow]:
        with self._transaction("the conversations could not be read") as cur:
            return threads_sql.holding(cur, message_ids, operator, time.time())

    def mark_read(self, thread_id: int, operator: str) -> None:
        with self._transaction("the conversation could not be marked read") as cur:
            cur.execute(threads_sql.MARK_READ, (operator, thread_id))

    def mark_unread(self, thread_id: int, operator: str) -> None:
        with self._transaction("the conversation could not be marked unread") as cur:
            cur.execute(threads_sql.MARK_UNREAD, (operator, thread_id))

    def unread_total(self, operator: str) -> int:
        with self._transaction("the unread replies could not be counted") as cur:
            row = cur.execute(threads_sql.UNREAD_TOTAL, (operator,)).fetchone()
        assert row is not None
        return int(row[0])

    def claim_thread(self, thread_id: int, operator: str, until: float, now: float) -> str | None:
        with self._transaction("the conversation could not be claimed") as cur:
            return threads_sql.claim(cur, thread_id, operator, until, now)

    def release_thread(self, thread_id: int, operator: str) -> None:
        with self._transaction("the conversation could not be released") as cur:
            cur.execute(threads_sql.RELEASE, (thread_id, operator))
