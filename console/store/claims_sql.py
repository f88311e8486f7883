"""The outbox's claims in the SQLite store: which console holds a message while sending it.

Each runs inside a ``BEGIN IMMEDIATE`` transaction, which admits one writer at a time, so
two stores on one file never claim the same message.
"""

# Statements here interpolate only this module's clauses; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from console.store.models import Claim, MessageStatus

_UNDECIDED = [s.value for s in MessageStatus if s.undecided]
# Held by nobody, or by a hold that ran out.
_UNHELD = "(lease_owner IS NULL OR lease_until <= ?)"
# Free for an owner: unheld, or held by that owner already.
_FREE = "(lease_owner IS NULL OR lease_owner = ? OR lease_until <= ?)"


def claim_undecided(
    conn: sqlite3.Connection, claim: Claim, now: float, limit: int, since: float | None = None
) -> list[str]:
    """Hold up to ``limit`` undecided messages nobody holds, oldest first (with ``since``,
    only those created since then); their ids.

    Those ``claim`` holds already are left out: its console is sending them."""
    placeholders = ", ".join("?" for _ in _UNDECIDED)
    ids = [
        message_id
        for (message_id,) in conn.execute(
            f"SELECT message_id FROM messages WHERE status IN ({placeholders})"
            f" AND {_UNHELD} AND created_at >= ? ORDER BY id LIMIT ?",
            [*_UNDECIDED, now, since if since is not None else float("-inf"), limit],
        )
    ]
    conn.executemany(
        "UPDATE messages SET lease_owner = ?, lease_until = ? WHERE message_id = ?",
        [(claim.owner, now + claim.seconds, message_id) for message_id in ids],
    )
    return ids


def claim_message(conn: sqlite3.Connection, message_id: str, claim: Claim, now: float) -> bool:
    """Hold ``message_id`` for ``claim`` unless another console's hold on it is still on."""
    cursor = conn.execute(
        f"UPDATE messages SET lease_owner = ?, lease_until = ? WHERE message_id = ? AND {_FREE}",
        (claim.owner, now + claim.seconds, message_id, claim.owner, now),
    )
    return cursor.rowcount == 1


def renew(
    conn: sqlite3.Connection, claim: Claim, message_ids: Sequence[str], now: float
) -> set[str]:
    """Extend ``claim``'s hold on these messages; the ones it still holds."""
    held: set[str] = set()
    for message_id in message_ids:
        cursor = conn.execute(
            "UPDATE messages SET lease_until = ? WHERE message_id = ? AND lease_owner = ?",
            (now + claim.seconds, message_id, claim.owner),
        )
        if cursor.rowcount == 1:
            held.add(message_id)
    return held


def release(conn: sqlite3.Connection, claim: Claim, message_id: str) -> None:
    """Let go of ``message_id`` if ``claim`` holds it."""
    conn.execute(
        "UPDATE messages SET lease_owner = NULL, lease_until = NULL"
        " WHERE message_id = ? AND lease_owner = ?",
        (message_id, claim.owner),
    )
