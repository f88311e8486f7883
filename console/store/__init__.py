"""Persistence of messages, attempts and callbacks.

Callers use :class:`MessageStore`; :func:`open_store` picks the backend from the
:class:`StoreLocation`: a SQLite file, or a PostgreSQL database (team mode).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from console.store import migrations
from console.store.interface import MessageStore
from console.store.location import StoreLocation
from console.store.sqlite import SqliteStore, Synchronous


def open_store(
    location: StoreLocation | Path,
    *,
    synchronous: Synchronous = "NORMAL",
    busy_timeout: float = 30.0,
    any_thread: bool = False,
    deadline: float | None = None,
) -> MessageStore:
    """The store at ``location`` (a path is a SQLite file).

    ``any_thread``: the store may be used from other threads than the one that opened it,
    one at a time. For SQLite: ``synchronous``, how far each commit is made durable
    (``FULL``: it survives a power cut); ``busy_timeout``, how long a write waits for
    another writer's lock before :class:`~console.store.errors.StoreBusy`. PostgreSQL
    commits durably and settles concurrent writers itself; ``deadline`` bounds its wait
    for each answer of the server (None: no limit), so that a hung server is told
    unreachable instead of holding the caller.
    """
    if isinstance(location, Path):
        location = StoreLocation.sqlite(location)
    if location.path is None:
        # Imported here: psycopg loads libpq, which a SQLite user never needs.
        from console.store.postgres.store import PostgresStore

        shared: MessageStore = PostgresStore(
            location.connection_url(), any_thread=any_thread, deadline=deadline
        )
        return shared
    return SqliteStore(
        location.path, synchronous=synchronous, busy_timeout=busy_timeout, any_thread=any_thread
    )


def upgrade_pending(path: Path) -> bool:
    """Whether opening the store at ``path`` first upgrades its schema, which builds
    indexes over every row: a while for a big log. False for a store not made yet."""
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False  # opening the store will say what is wrong
    try:
        return migrations.pending(conn) > 0
    except sqlite3.Error:
        return False
    finally:
        conn.close()


__all__ = ["MessageStore", "StoreLocation", "Synchronous", "open_store", "upgrade_pending"]
