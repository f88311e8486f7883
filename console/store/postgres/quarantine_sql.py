"""The quarantine in the shared store: refused callbacks, capped in count and size.

As in the SQLite store (see console.store.quarantine_sql): heads of large bodies only,
and past a cap the oldest entries go, counted. The totals row is updated with every
insert, so receivers adding entries at once take their turns on it: the caps hold.
"""

# Statements here interpolate only this module's column lists, constants and clauses;
# every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import hashlib
import json
from typing import Any

import psycopg
from psycopg.rows import dict_row

from console.store import rows
from console.store.models import (
    QuarantineCap,
    QuarantinedCallback,
    QuarantineRecord,
    QuarantineSummary,
)

Cursor = psycopg.Cursor[tuple[Any, ...]]

# Past a cap, the oldest entries go until the quarantine is this far under it.
_REFILL = 0.99
# An entry's size as the totals count it: its body, target and headers as stored.
_SIZE = "octet_length(body) + octet_length(target) + octet_length(headers)"


def add(cur: Cursor, callback: QuarantinedCallback, cap: QuarantineCap) -> int:
    """Insert ``callback`` within the caller's transaction; returns its id."""
    headers = json.dumps(callback.headers)
    row = cur.execute(
        "INSERT INTO quarantine (received_at, source_address, method, target, headers,"
        " body, reason, body_length, body_sha256)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id, " + _SIZE,
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
    ).fetchone()
    assert row is not None
    ref, size = row
    totals = cur.execute(
        "UPDATE quarantine_totals SET entries = entries + 1, bytes = bytes + %s"
        " RETURNING entries, bytes",
        (size,),
    ).fetchone()
    assert totals is not None
    entries, stored = totals
    if entries > cap.max_entries or stored > cap.max_bytes:
        _drop_oldest(cur, entries, stored, cap)
    return int(ref)


def keep_within(cur: Cursor, cap: QuarantineCap) -> None:
    """Bring the quarantine within ``cap`` (one kept with larger caps may not be), within
    the caller's transaction. Only a quarantine past its caps waits for the totals row."""
    for lock in ("", " FOR UPDATE"):
        row = cur.execute(f"SELECT entries, bytes FROM quarantine_totals{lock}").fetchone()
        assert row is not None
        entries, stored = row
        if entries <= cap.max_entries and stored <= cap.max_bytes:
            return
    _drop_oldest(cur, entries, stored, cap)


def _drop_oldest(cur: Cursor, entries: int, stored: int, cap: QuarantineCap) -> None:
    keep_entries, keep_bytes = int(cap.max_entries * _REFILL), int(cap.max_bytes * _REFILL)
    # The shortest run of the oldest entries whose removal brings both within the caps.
    row = cur.execute(
        "SELECT id, n, freed FROM (SELECT id, count(*) OVER w AS n,"
        f" sum({_SIZE}) OVER w AS freed FROM quarantine WINDOW w AS (ORDER BY id)) running"
        " WHERE %s - n <= %s AND %s - freed <= %s ORDER BY id LIMIT 1",
        (entries, keep_entries, stored, keep_bytes),
    ).fetchone()
    if row is None:
        row = cur.execute(f"SELECT max(id), count(*), sum({_SIZE}) FROM quarantine").fetchone()
    assert row is not None
    last, dropped, freed = row
    if last is None:
        return
    cur.execute("DELETE FROM quarantine WHERE id <= %s", (last,))
    cur.execute(
        "UPDATE quarantine_totals SET entries = entries - %s, bytes = bytes - %s,"
        " dropped = dropped + %s",
        (dropped, freed, dropped),
    )


def listed(cur: Cursor, limit: int) -> list[QuarantineRecord]:
    found = cur.connection.cursor(row_factory=dict_row).execute(
        f"SELECT {rows.QUARANTINE_COLUMNS} FROM quarantine ORDER BY id DESC LIMIT %s",
        (limit,),
    )
    return [rows.quarantined(r) for r in found]


def summary(cur: Cursor, cap: QuarantineCap) -> QuarantineSummary:
    row = cur.execute("SELECT entries, bytes, dropped FROM quarantine_totals").fetchone()
    assert row is not None
    entries, stored, dropped = row
    return QuarantineSummary(entries, stored, dropped, cap.max_entries, cap.max_bytes)
