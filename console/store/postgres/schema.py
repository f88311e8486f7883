"""The shared store's schema in PostgreSQL: numbered migrations, applied by ``db migrate``.

The tables mirror the SQLite store's, column for column, so that both backends answer
the same contract. What SQLite keeps with triggers PostgreSQL keeps the same way, and the
rules that concurrent receivers must not race on (one row per message_id, one receipt per
identity, a final delivery state never overwritten) are the database's constraints.

Migrations run one at a time under an advisory lock, each in its own transaction: two
``db migrate`` started together apply each step once. A program meets only the schema
version it was built for; any other stops it with both versions named.
"""

from __future__ import annotations

from typing import Any

import psycopg

from console.store.errors import IncompatibleStore
from console.store.postgres.migrations import MIGRATIONS

# pg_advisory_lock's key for schema changes: any constant of our own.
MIGRATION_LOCK = 0x534D53_01

VERSION = len(MIGRATIONS)


def _ensure_version_table(conn: psycopg.Connection[Any]) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
    )
    conn.execute("INSERT INTO schema_version VALUES (1, 0) ON CONFLICT (id) DO NOTHING")


def version(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the database ``conn`` is on; 0 when it has none yet."""
    found = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if found is None or not found[0]:
        return 0
    row = conn.execute("SELECT version FROM schema_version WHERE id = 1").fetchone()
    return 0 if row is None else int(row[0])


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply the migrations the database lacks, each once, whoever else runs them at the
    same time; the versions applied here.

    Raises:
        IncompatibleStore: the database's schema is newer than this program's.
    """
    applied: list[int] = []
    # A schema already current is left alone before anything else: a login that may not
    # change it (an operator's) is then told so, not refused.
    current = version(conn)
    conn.commit()
    if current > VERSION:
        raise IncompatibleStore(_newer(current))
    if current == VERSION:
        return applied
    # Held for the whole run, so that the first to take it applies every step and the
    # others find the schema current; each step still commits on its own.
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    conn.commit()
    try:
        while True:
            with conn.transaction():
                _ensure_version_table(conn)
                current = version(conn)
                if current > VERSION:
                    raise IncompatibleStore(_newer(current))
                if current == VERSION:
                    return applied
                conn.execute(MIGRATIONS[current].encode())
                conn.execute("UPDATE schema_version SET version = %s WHERE id = 1", (current + 1,))
                applied.append(current + 1)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
        conn.commit()


def check(conn: psycopg.Connection[Any]) -> None:
    """Stop unless the database is on this program's schema version.

    Raises:
        IncompatibleStore: it is older (``db migrate`` upgrades it) or newer.
    """
    current = version(conn)
    if current > VERSION:
        raise IncompatibleStore(_newer(current))
    if current < VERSION:
        raise IncompatibleStore(
            f"the shared store's schema is version {current} and this program needs "
            f"version {VERSION}: run `sms-console db migrate` to upgrade it"
        )


def _newer(current: int) -> str:
    return (
        f"the shared store's schema is version {current}, newer than this program's "
        f"version {VERSION}: upgrade this program"
    )
