"""The audit trail in the shared store: appended to, read newest first."""

# Statements here interpolate only the audit's column list; every value is a parameter.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

import psycopg

from console.store.audit import AUDIT_COLUMNS, AuditEntry, AuditRecord, audit_record, entry_values

Cursor = psycopg.Cursor[tuple[Any, ...]]


def add(cur: Cursor, entry: AuditEntry) -> int:
    row = cur.execute(
        "INSERT INTO audit (at, operator, host, action, message_id, detail)"
        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
        entry_values(entry),
    ).fetchone()
    assert row is not None
    return int(row[0])


def listed(cur: Cursor, limit: int, since: float | None) -> list[AuditRecord]:
    """The newest ``limit`` entries, only those at or after ``since`` if given; read in the
    order of the ``audit_time`` index."""
    if since is None:
        found = cur.execute(
            f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY at DESC, id DESC LIMIT %s", (limit,)
        ).fetchall()
    else:
        found = cur.execute(
            f"SELECT {AUDIT_COLUMNS} FROM audit WHERE at >= %s ORDER BY at DESC, id DESC LIMIT %s",
            (since, limit),
        ).fetchall()
    return [audit_record(*row) for row in found]
