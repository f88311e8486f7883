"""The audit trail in the SQLite store: appended to, read newest first."""

# Statements here interpolate only the audit's column list; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3

from console.store.audit import AUDIT_COLUMNS, AuditEntry, AuditRecord, audit_record, entry_values


def add(conn: sqlite3.Connection, entry: AuditEntry) -> int:
    cursor = conn.execute(
        "INSERT INTO audit (at, operator, host, action, message_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        entry_values(entry),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def listed(conn: sqlite3.Connection, limit: int, since: float | None) -> list[AuditRecord]:
    """The newest ``limit`` entries, only those at or after ``since`` if given; read in the
    order of the ``audit_time`` index."""
    found = conn.execute(
        f"SELECT {AUDIT_COLUMNS} FROM audit WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?",
        (float("-inf") if since is None else since, limit),
    ).fetchall()
    return [audit_record(*row) for row in found]
