"""Canned replies in the shared store
(a part of :class:`console.store.postgres.PostgresStore`). Every change reaches the
other consoles through the change feed (kind ``canned``, by the table's trigger)."""

# Statements here interpolate only the column list; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg import errors

from console.protocol.canned_text import name_key
from console.store.audit import AuditEntry
from console.store.canned import (
    CANNED_COLUMNS,
    CannedImport,
    CannedNameTaken,
    CannedReply,
    UnknownCanned,
    canned_reply,
)
from console.store.postgres import audit_sql

Cursor = psycopg.Cursor[tuple[Any, ...]]

_BY_KEY = f"SELECT {CANNED_COLUMNS} FROM canned_replies WHERE name_key = %s"
_UPSERT = (
    "INSERT INTO canned_replies (name, name_key, body, updated_at, updated_by)"
    " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (name_key) DO UPDATE SET name = excluded.name,"
    " body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by"
    f" RETURNING {CANNED_COLUMNS}"
)
_INSERT = (
    "INSERT INTO canned_replies (name, name_key, body, updated_at, updated_by)"
    f" VALUES (%s, %s, %s, %s, %s) ON CONFLICT (name_key) DO NOTHING RETURNING {CANNED_COLUMNS}"
)


class PostgresCanned:
    """What :class:`PostgresStore` provides these methods with."""

    def _transaction(self, doing: str, *, snapshot: bool = False) -> AbstractContextManager[Cursor]:
        raise NotImplementedError

    def canned_replies(self) -> list[CannedReply]:
        with self._transaction("the canned replies could not be read") as cur:
            found = cur.execute(
                f"SELECT {CANNED_COLUMNS} FROM canned_replies ORDER BY name_key, id"
            ).fetchall()
        return [canned_reply(*row) for row in found]

    def canned(self, name: str) -> CannedReply | None:
        with self._transaction("the canned reply could not be read") as cur:
            row = cur.execute(_BY_KEY, (name_key(name),)).fetchone()
        return None if row is None else canned_reply(*row)

    def save_canned(
        self,
        name: str,
        text: str,
        operator: str,
        *,
        new: bool = False,
        now: float | None = None,
    ) -> CannedReply:
        at = time.time() if now is None else now
        with self._transaction("the canned reply could not be saved") as cur:
            return _save(cur, name.strip(), text, operator, at, new=new)

    def rename_canned(
        self, name: str, new_name: str, operator: str, *, now: float | None = None
    ) -> CannedReply:
        at = time.time() if now is None else now
        with self._transaction("the canned reply could not be renamed") as cur:
            try:
                row = cur.execute(
                    "UPDATE canned_replies SET name = %s, name_key = %s, updated_at = %s,"
                    f" updated_by = %s WHERE name_key = %s RETURNING {CANNED_COLUMNS}",
                    (new_name.strip(), name_key(new_name), at, operator, name_key(name)),
                ).fetchone()
            except errors.UniqueViolation:
                raise CannedNameTaken(new_name.strip()) from None
        if row is None:
            raise UnknownCanned(name)
        return canned_reply(*row)

    def delete_canned(self, name: str) -> bool:
        with self._transaction("the canned reply could not be deleted") as cur:
            cur.execute("DELETE FROM canned_replies WHERE name_key = %s", (name_key(name),))
            return cur.rowcount > 0

    def import_canned(
        self,
        entries: Sequence[tuple[str, str]],
        operator: str,
        *,
        replace: bool,
        audit: Callable[[CannedImport], AuditEntry] | None = None,
        now: float | None = None,
    ) -> CannedImport:
        at = time.time() if now is None else now
        added: list[str] = []
        replaced: list[str] = []
        skipped: list[str] = []
        unchanged: list[str] = []
        with self._transaction("the canned replies could not be imported") as cur:
            # One import at a time: another's names then show here as taken, not as a clash.
            cur.execute("LOCK TABLE canned_replies IN SHARE ROW EXCLUSIVE MODE")
            for name, text in entries:
                old = cur.execute(_BY_KEY, (name_key(name),)).fetchone()
                if old is None:
                    added.append(name.strip())
                elif old[2] == text:
                    unchanged.append(old[1])
                    continue
                elif not replace:
                    skipped.append(old[1])
                    continue
                else:
                    replaced.append(name.strip())
                _save(cur, name.strip(), text, operator, at, new=False)
            outcome = CannedImport(tuple(added), tuple(replaced), tuple(skipped), tuple(unchanged))
            if audit is not None:
                audit_sql.add(cur, audit(outcome))
        return outcome


def _save(cur: Cursor, name: str, text: str, operator: str, at: float, *, new: bool) -> CannedReply:
    row = cur.execute(
        _INSERT if new else _UPSERT, (name, name_key(name), text, at, operator)
    ).fetchone()
    if row is None:
        raise CannedNameTaken(name)
    return canned_reply(*row)
