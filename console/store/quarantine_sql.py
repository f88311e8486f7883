"""The quarantine table of the SQLite store: refused callbacks, capped in count and size.

Kept apart from the rest of the store: an attacker who knows the callback URL can fill
it, so it holds the heads of large bodies only, and past its caps the oldest entries go,
counted, so that the operator is told.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

from console.store import rows
from console.store.models import (
    QuarantineCap,
    QuarantinedCallback,
    QuarantineRecord,
    QuarantineSummary,
)

# Past a cap, the oldest entries go until the quarantine is this far under it, so that a
# full quarantine drops a few entries now and then rather than one with every insert.
_REFILL = 0.99


def add(conn: sqlite3.Connection, callback: QuarantinedCallback, cap: QuarantineCap) -> int:
    """Insert ``callback`` within the caller's transaction; returns its id."""
    headers = json.dumps(callback.headers)
    cursor = conn.execute(
        "INSERT INTO quarantine (received_at, source_address, method, target, headers,"
        " body, reason, body_length, body_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            callback.received_at,
            callback.source_address,
            callback.method,
            callback.target,
            headers,
            callback.body,
            callback.reason,
            len(callback.body) if callback.body_length is None else callback.body_length,
            callback.body_sha256 or hashlib.sha256(callback.body).hexdigest(),
        ),
    )
    size = len(callback.body) + len(callback.target.encode()) + len(headers.encode())
    entries, stored = conn.execute(
        "UPDATE quarantine_totals SET entries = entries + 1, bytes = bytes + ?"
        " RETURNING entries, bytes",
        (size,),
    ).fetchone()
    if entries > cap.max_entries or stored > cap.max_bytes:
        _drop_oldest(conn, entries, stored, cap)
    return int(cursor.lastrowid or 0)


def keep_within(conn: sqlite3.Connection, cap: QuarantineCap) -> None:
    """Bring the quarantine within ``cap`` (one kept by an older version may not be); for a
    connection in autocommit mode, outside any transaction."""
    entries, stored = conn.execute("SELECT entries, bytes FROM quarantine_totals").fetchone()
    if entries <= cap.max_entries and stored <= cap.max_bytes:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        entries, stored = conn.execute("SELECT entries, bytes FROM quarantine_totals").fetchone()
        _drop_oldest(conn, entries, stored, cap)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _drop_oldest(conn: sqlite3.Connection, entries: int, stored: int, cap: QuarantineCap) -> None:
    keep_entries, keep_bytes = int(cap.max_entries * _REFILL), int(cap.max_bytes * _REFILL)
    dropped, freed, last = 0, 0, None
    for row_id, size in conn.execute(
        "SELECT id, length(body) + length(target) + length(headers) FROM quarantine ORDER BY id"
    ):
        if entries - dropped <= keep_entries and stored - freed <= keep_bytes:
            break
        dropped, freed, last = dropped + 1, freed + size, row_id
    if last is None:
        return
    conn.execute("DELETE FROM quarantine WHERE id <= ?", (last,))
    conn.execute(
        "UPDATE quarantine_totals SET entries = entries - ?, bytes = bytes - ?,"
        " dropped = dropped + ?",
        (dropped, freed, dropped),
    )


def listed(conn: sqlite3.Connection, limit: int) -> list[QuarantineRecord]:
    # Only the column list is interpolated.
    sql = f"SELECT {rows.QUARANTINE_COLUMNS} FROM quarantine ORDER BY id DESC LIMIT ?"  # noqa: S608
    return [rows.quarantined(r) for r in rows.select(conn, sql, (limit,)).fetchall()]


def summary(conn: sqlite3.Connection, cap: QuarantineCap) -> QuarantineSummary:
    entries, stored, dropped = conn.execute(
        "SELECT entries, bytes, dropped FROM quarantine_totals"
    ).fetchone()
    return QuarantineSummary(entries, stored, dropped, cap.max_entries, cap.max_bytes)
