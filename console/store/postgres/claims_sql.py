"""The outbox's claims in the shared store: which console holds a message while sending it.

A hold's end is reckoned on the database server's clock, so consoles on hosts whose clocks
disagree still agree on when a hold ran out.
"""

# Statements here interpolate only this module's clauses; every value goes as a parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg

from console.store.models import Claim, MessageStatus

Cursor = psycopg.Cursor[tuple[Any, ...]]

NOW = "extract(epoch FROM clock_timestamp())::float8"
# Held by nobody, or by a hold that ran out.
_UNHELD = f"(lease_owner IS NULL OR lease_until <= {NOW})"
# Free for an owner (the parameter): unheld, or held by that owner already.
_FREE = f"(lease_owner IS NULL OR lease_owner = %s OR lease_until <= {NOW})"


def claim_undecided(cur: Cursor, claim: Claim, limit: int, since: float | None = None) -> list[int]:
    """Hold up to ``limit`` undecided messages nobody holds, oldest first (with ``since``,
    only those created since then); their ids
    (the rows', not message_ids). Those ``claim`` holds already are left out: its console
    is sending them.

    Rows another transaction has locked (another console claiming them right now) are
    skipped, not waited for; a row changed meanwhile is checked again as it is now.
    """
    rows = cur.execute(
        "WITH free AS (SELECT id FROM messages WHERE status = ANY(%s)"
        f" AND {_UNHELD} AND created_at >= %s ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)"
        f" UPDATE messages m SET lease_owner = %s, lease_until = {NOW} + %s"
        " FROM free WHERE m.id = free.id RETURNING m.id",
        (
            [s.value for s in MessageStatus if s.undecided],
            since if since is not None else float("-inf"),
            limit,
            claim.owner,
            claim.seconds,
        ),
    ).fetchall()
    return sorted(ref for (ref,) in rows)


def claim_message(cur: Cursor, message_id: str, claim: Claim) -> bool:
    """Hold ``message_id`` for ``claim`` unless another console's hold on it is still on."""
    cur.execute(
        f"UPDATE messages SET lease_owner = %s, lease_until = {NOW} + %s"
        f" WHERE message_id = %s AND {_FREE}",
        (claim.owner, claim.seconds, message_id, claim.owner),
    )
    return cur.rowcount == 1


def renew(cur: Cursor, claim: Claim, message_ids: Sequence[str]) -> set[str]:
    """Extend ``claim``'s hold on these messages; the ones it still holds."""
    rows = cur.execute(
        f"UPDATE messages SET lease_until = {NOW} + %s"
        " WHERE message_id = ANY(%s) AND lease_owner = %s RETURNING message_id",
        (claim.seconds, list(message_ids), claim.owner),
    ).fetchall()
    return {message_id for (message_id,) in rows}


def release(cur: Cursor, claim: Claim, message_id: str) -> None:
    """Let go of ``message_id`` if ``claim`` holds it."""
    cur.execute(
        "UPDATE messages SET lease_owner = NULL, lease_until = NULL"
        " WHERE message_id = %s AND lease_owner = %s",
        (message_id, claim.owner),
    )
