"""The opt-out list in a SQLite store
(a part of :class:`console.store.sqlite.SqliteStore`)."""

from __future__ import annotations

import sqlite3
import time
from contextlib import AbstractContextManager

from console.protocol.phone import number_key
from console.store import audit_sql, suppression_sql
from console.store.errors import AlreadySuppressed, NotSuppressed
from console.store.suppression import (
    ManualChange,
    Suppression,
    SuppressionChange,
    SuppressionEvent,
    audit_entry,
    checked_reason,
)


class SqliteSuppressions:
    """What :class:`SqliteStore` provides these methods with."""

    _conn: sqlite3.Connection

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def suppression(self, phone_number: str) -> Suppression | None:
        """The number's entry on the list, or None when it is not on it."""
        return suppression_sql.read(self._conn, phone_number)

    def suppressions(self, limit: int | None = None) -> list[Suppression]:
        """The numbers on the list, the latest put there first."""
        return suppression_sql.listed(self._conn, limit)

    def suppression_history(
        self, phone_number: str | None = None, limit: int | None = None
    ) -> list[SuppressionEvent]:
        """The changes to the list (to one number's entry, if given), newest first."""
        return suppression_sql.history(self._conn, phone_number, limit)

    def opt_out_changes(self, after: int | None) -> tuple[int, frozenset[str]]:
        """The latest change to the list and the numbers changed after ``after``."""
        return suppression_sql.changes_after(self._conn, after)

    def suppress(
        self, phone_number: str, change: ManualChange, at: float | None = None
    ) -> Suppression:
        """Put a number on the list by hand (see SuppressionRecords)."""
        change = checked_reason(change)
        at = time.time() if at is None else at
        entry = Suppression(
            number_key(phone_number),
            at,
            operator=change.operator,
            host=change.host,
            reason=change.reason,
        )
        with self._write() as conn:
            found = suppression_sql.read(conn, entry.phone_number)
            if found is not None:
                raise AlreadySuppressed(found)
            suppression_sql.put_on(conn, entry)
            audit_sql.add(
                conn, audit_entry(entry.phone_number, SuppressionChange.ADDED, change, at)
            )
        return entry

    def unsuppress(
        self, phone_number: str, change: ManualChange, at: float | None = None
    ) -> Suppression:
        """Take a number off the list by hand (see SuppressionRecords)."""
        change = checked_reason(change)
        at = time.time() if at is None else at
        number = number_key(phone_number)
        with self._write() as conn:
            found = suppression_sql.read(conn, number)
            if found is None:
                raise NotSuppressed(f"{number} is not on the opt-out list")
            suppression_sql.take_off(conn, number, change, at)
            audit_sql.add(conn, audit_entry(number, SuppressionChange.REMOVED, change, at))
        return found
