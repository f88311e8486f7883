"""Receivers' heartbeats: which receivers store callbacks in a store, and whether they
still do. Each running receiver keeps one row, refreshed every few seconds, and deletes it
when it stops; a row not refreshed for a while is a receiver that died or lost the store.

The statements are written for SQLite (``?``); the PostgreSQL store swaps the marks.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# How often a receiver refreshes its row.
HEARTBEAT_INTERVAL = 5.0
# A row older than this is shown as stale: several beats were missed.
STALE_AFTER = 30.0
# Rows of receivers gone this long (and, on PostgreSQL, the change feed's rows this old)
# are deleted by the receivers still running.
FORGET_AFTER = 86_400.0
# Old rows are deleted this many at a time, each batch its own short transaction, for at
# most TRIM_SECONDS a beat (the rest waits for the next beat).
TRIM_BATCH = 1000
TRIM_SECONDS = 1.0


@dataclass(frozen=True)
class ReceiverBeat:
    """One receiver's heartbeat row. ``last_callback_at`` is None until it stores one."""

    receiver_id: str
    host: str
    pid: int
    started_at: float
    seen_at: float
    last_callback_at: float | None = None

    def healthy(self, now: float) -> bool:
        return now - self.seen_at <= STALE_AFTER


def new_receiver_id(host: str, pid: int) -> str:
    """An id no other receiver process has, even one with the same pid on another host or
    after a restart."""
    return f"{host}/{pid}/{uuid.uuid4().hex[:12]}"


# A beat registers the receiver the first time; later ones move its times on. A beat
# without a callback time keeps the one already there.
BEAT = (
    "INSERT INTO receivers (receiver_id, host, pid, started_at, seen_at, last_callback_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (receiver_id) DO UPDATE SET seen_at = excluded.seen_at,"
    " last_callback_at = COALESCE(excluded.last_callback_at, receivers.last_callback_at)"
)
GONE = "DELETE FROM receivers WHERE receiver_id = ?"
LISTED = (
    "SELECT receiver_id, host, pid, started_at, seen_at, last_callback_at FROM receivers"
    " ORDER BY host, started_at, receiver_id"
)
FORGET = "DELETE FROM receivers WHERE seen_at < ?"
# Looked for first: most beats find nothing to forget, and need no write.
ANY_TO_FORGET = "SELECT EXISTS (SELECT 1 FROM receivers WHERE seen_at < ?)"


def beat_params(beat: ReceiverBeat) -> tuple[str, str, int, float, float, float | None]:
    return (
        beat.receiver_id,
        beat.host,
        beat.pid,
        beat.started_at,
        beat.seen_at,
        beat.last_callback_at,
    )


def beat_row(row: Sequence[Any]) -> ReceiverBeat:
    receiver_id, host, pid, started_at, seen_at, last_callback_at = row
    return ReceiverBeat(
        str(receiver_id),
        str(host),
        int(pid),
        float(started_at),
        float(seen_at),
        None if last_callback_at is None else float(last_callback_at),
    )
