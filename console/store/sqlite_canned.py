"""Canned replies in a SQLite store
(a part of :class:`console.store.sqlite.SqliteStore`)."""

# Statements here interpolate only the column list; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager

from console.protocol.canned_text import name_key
from console.store import audit_sql
from console.store.audit import AuditEntry
from console.store.canned import (
    CANNED_COLUMNS,
    CannedImport,
    CannedNameTaken,
    CannedReply,
    UnknownCanned,
    canned_reply,
)

_BY_KEY = f"SELECT {CANNED_COLUMNS} FROM canned_replies WHERE name_key = ?"


class SqliteCanned:
    """What :class:`SqliteStore` provides these methods with."""

    _conn: sqlite3.Connection

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def canned_replies(self) -> list[CannedReply]:
        found = self._conn.execute(
            f"SELECT {CANNED_COLUMNS} FROM canned_replies ORDER BY name_key, id"
        ).fetchall()
        return [canned_reply(*row) for row in found]

    def canned(self, name: str) -> CannedReply | None:
        row = self._conn.execute(_BY_KEY, (name_key(name),)).fetchone()
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
        with self._write() as conn:
            return _save(conn, name.strip(), text, operator, at, new=new)

    def rename_canned(
        self, name: str, new_name: str, operator: str, *, now: float | None = None
    ) -> CannedReply:
        at = time.time() if now is None else now
        with self._write() as conn:
            old = conn.execute(_BY_KEY, (name_key(name),)).fetchone()
            if old is None:
                raise UnknownCanned(name)
            try:
                conn.execute(
                    "UPDATE canned_replies SET name = ?, name_key = ?, updated_at = ?,"
                    " updated_by = ? WHERE id = ?",
                    (new_name.strip(), name_key(new_name), at, operator, old[0]),
                )
            except sqlite3.IntegrityError:
                raise CannedNameTaken(new_name.strip()) from None
            row = conn.execute(_BY_KEY, (name_key(new_name),)).fetchone()
        return canned_reply(*row)

    def delete_canned(self, name: str) -> bool:
        with self._write() as conn:
            cursor = conn.execute(
                "DELETE FROM canned_replies WHERE name_key = ?", (name_key(name),)
            )
            return cursor.rowcount > 0

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
        with self._write() as conn:
            for name, text in entries:
                old = conn.execute(_BY_KEY, (name_key(name),)).fetchone()
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
                _save(conn, name.strip(), text, operator, at, new=False)
            outcome = CannedImport(tuple(added), tuple(replaced), tuple(skipped), tuple(unchanged))
            if audit is not None:
                audit_sql.add(conn, audit(outcome))
        return outcome


def _save(
    conn: sqlite3.Connection, name: str, text: str, operator: str, at: float, *, new: bool
) -> CannedReply:
    key = name_key(name)
    if new:
        try:
            conn.execute(
                "INSERT INTO canned_replies (name, name_key, body, updated_at, updated_by)"
                " VALUES (?, ?, ?, ?, ?)",
                (name, key, text, at, operator),
            )
        except sqlite3.IntegrityError:
            raise CannedNameTaken(name) from None
    else:
        conn.execute(
            "INSERT INTO canned_replies (name, name_key, body, updated_at, updated_by)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name_key) DO UPDATE SET name = excluded.name,"
            " body = excluded.body, updated_at = excluded.updated_at,"
            " updated_by = excluded.updated_by",
            (name, key, text, at, operator),
        )
    row = conn.execute(_BY_KEY, (key,)).fetchone()
    return canned_reply(*row)
