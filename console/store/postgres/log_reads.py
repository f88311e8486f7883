"""The message log's reads in the shared store
(a part of :class:`console.store.postgres.PostgresStore`)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

import psycopg

from console.store.models import LogKey, LogQuery, LogRow
from console.store.postgres import log_sql

Cursor = psycopg.Cursor[tuple[Any, ...]]


class PostgresLogReads:
    """What :class:`PostgresStore` provides these methods with."""

    def _transaction(self, doing: str, *, snapshot: bool = False) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def log_head(
        self, query: LogQuery, limit: int = 100, count_limit: int | None = None
    ) -> tuple[list[LogRow], int]:
        """The newest ``limit`` log rows and how many rows ``query`` has, read together.

        Both come from one snapshot, so the count includes exactly the rows up to the first
        one returned. With ``count_limit`` the count stops there: a count of
        ``count_limit`` means at least that many.

        Raises:
            StoreError: the database could not be read, or :meth:`interrupt` stopped it.
        """
        with self._transaction("the log could not be read", snapshot=True) as cur:
            return log_sql.head(cur, query, limit, count_limit)

    def log_page(
        self, query: LogQuery, before: LogKey | None = None, limit: int = 100, skip: int = 0
    ) -> list[LogRow]:
        """Log rows newest first: those older than ``before``, after skipping ``skip``."""
        with self._transaction("the log could not be read", snapshot=True) as cur:
            return log_sql.page(cur, query, before, limit, skip, newest_first=True)

    def log_page_oldest(
        self, query: LogQuery, after: LogKey | None = None, limit: int = 100, skip: int = 0
    ) -> list[LogRow]:
        """Log rows oldest first: those newer than ``after``, after skipping ``skip``."""
        with self._transaction("the log could not be read", snapshot=True) as cur:
            return log_sql.page(cur, query, after, limit, skip, newest_first=False)

    def log_count(
        self, query: LogQuery, before: LogKey | None = None, after: LogKey | None = None
    ) -> int:
        """How many log rows ``query`` has, only counting those between the given keys."""
        with self._transaction("the log could not be counted", snapshot=True) as cur:
            return log_sql.count(cur, query, before, after)

    def log_rows(self, query: LogQuery, message_ids: Iterable[str]) -> list[LogRow]:
        """The rows of ``query`` (messages, replies, orphan receipts) with these message_ids,
        newest first."""
        with self._transaction("the log could not be read") as cur:
            return log_sql.by_message_ids(cur, query, message_ids)
