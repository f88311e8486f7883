"""The opt-out list in the shared store
(a part of :class:`console.store.postgres.PostgresStore`)."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Any

import psycopg

from console.protocol.phone import number_key
from console.store.errors import AlreadySuppressed, NotSuppressed
from console.store.postgres import audit_sql, suppression_sql
from console.store.suppression import (
    ManualChange,
    Suppression,
    SuppressionChange,
    SuppressionEvent,
    audit_entry,
    checked_reason,
)

Cursor = psycopg.Cursor[tuple[Any, ...]]


class PostgresSuppressions:
    """What :class:`PostgresStore` provides these methods with."""

    def _transaction(self, doing: str, *, snapshot: bool = False) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def suppression(self, phone_number: str) -> Suppression | None:
        """The number's entry on the list, or None when it is not on it."""
        with self._transaction("the opt-out list could not be read") as cur:
            return suppression_sql.read(cur, phone_number)

    def suppressions(self, limit: int | None = None) -> list[Suppression]:
        """The numbers on the list, the latest put there first."""
        with self._transaction("the opt-out list could not be read") as cur:
            return suppression_sql.listed(cur, limit)

    def suppression_history(
        self, phone_number: str | None = None, limit: int | None = None
    ) -> list[SuppressionEvent]:
        """The changes to the list (to one number's entry, if given), newest first."""
        with self._transaction("the opt-out list's history could not be read") as cur:
            return suppression_sql.history(cur, phone_number, limit)

    def opt_out_changes(self, after: int | None) -> tuple[int, frozenset[str]]:
        """The latest change to the list and the numbers changed after ``after``."""
        with self._transaction("the opt-out list's changes could not be read") as cur:
            return suppression_sql.changes_after(cur, after)

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
        with self._transaction("the number could not be put on the opt-out list") as cur:
            found = suppression_sql.read(cur, entry.phone_number)
            if found is not None:
                raise AlreadySuppressed(found)
            suppression_sql.put_on(cur, entry)
            audit_sql.add(cur, audit_entry(entry.phone_number, SuppressionChange.ADDED, change, at))
        return entry

    def unsuppress(
        self, phone_number: str, change: ManualChange, at: float | None = None
    ) -> Suppression:
        """Take a number off the list by hand (see SuppressionRecords)."""
        change = checked_reason(change)
        at = time.time() if at is None else at
        number = number_key(phone_number)
        with self._transaction("the number could not be taken off the opt-out list") as cur:
            found = suppression_sql.read(cur, number)
            if found is None:
                raise NotSuppressed(f"{number} is not on the opt-out list")
            suppression_sql.take_off(cur, number, change, at)
            audit_sql.add(cur, audit_entry(number, SuppressionChange.REMOVED, change, at))
        return found
