"""Receivers' heartbeats in the shared store (see console.store.receivers), and trimming
what the receivers leave behind: rows of receivers gone for long, and the change feed's
old rows, which consoles read within seconds."""

from __future__ import annotations

import time
from typing import Any

import psycopg

from console.store import receivers
from console.store.receivers import FORGET_AFTER, TRIM_BATCH, TRIM_SECONDS, ReceiverBeat

Connection = psycopg.Connection[tuple[Any, ...]]

BEAT = receivers.BEAT.replace("?", "%s")
GONE = receivers.GONE.replace("?", "%s")
FORGET = receivers.FORGET.replace("?", "%s")
# By the index on ``at``, a batch at a time: each batch's locks are held only briefly.
_TRIM_CHANGES = (
    "DELETE FROM changes WHERE seq IN (SELECT seq FROM changes WHERE at < %s ORDER BY at LIMIT %s)"
)


def listed(conn: Connection) -> list[ReceiverBeat]:
    return [receivers.beat_row(r) for r in conn.execute(receivers.LISTED)]


def forget_old(conn: Connection, now: float) -> int:
    """Delete the rows of receivers gone for long and the change feed's rows older than a
    day, each batch in a transaction of its own, for a second at most; how many rows."""
    cutoff = now - FORGET_AFTER
    with conn.transaction():
        removed = conn.execute(FORGET, (cutoff,)).rowcount
    stop_at = time.monotonic() + TRIM_SECONDS
    while True:
        with conn.transaction():
            deleted = conn.execute(_TRIM_CHANGES, (cutoff, TRIM_BATCH)).rowcount
        removed += deleted
        if deleted < TRIM_BATCH or time.monotonic() > stop_at:
            return removed
