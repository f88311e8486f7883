"""A store's schema version against this program's, and bringing it up to date: what
``db status`` shows and ``db migrate`` does, for either backend.

A SQLite file upgrades itself whenever it is opened; a PostgreSQL database only through
``db migrate``, run by its owner, which the other roles' programs then find current.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from console.store import migrations
from console.store.errors import IncompatibleStore, StoreError
from console.store.location import StoreKind, StoreLocation
from console.store.sqlite import SqliteStore

# What a login that may not change a shared store's schema (a receiver's, an operator's)
# is told when it is not current.
NOT_THE_OWNER = (
    "this login cannot change the schema: run db migrate as the schema's owner "
    "(sms_owner in the README)"
)


@dataclass(frozen=True)
class SchemaState:
    """The store's schema version (0: none yet) and the one this program is built for."""

    kind: StoreKind
    version: int
    program: int

    @property
    def pending(self) -> tuple[int, ...]:
        """The migrations ``db migrate`` would apply, in order."""
        return tuple(range(self.version + 1, self.program + 1))

    @property
    def newer(self) -> bool:
        """Written by a newer program: this one must not use it."""
        return self.version > self.program

    @property
    def problem(self) -> str | None:
        """Why this program cannot use the store as it is (the words it stops with); None
        when it can. A SQLite store upgrades itself on opening; a shared one does not."""
        if self.newer:
            return (
                f"the store's schema is version {self.version}, newer than this program's "
                f"version {self.program}: upgrade this program"
            )
        if self.kind == "postgresql" and self.version < self.program:
            return (
                f"the store's schema is version {self.version} and this program needs "
                f"version {self.program}: run `sms-console db migrate` to upgrade it"
            )
        return None


def schema_state(location: StoreLocation) -> SchemaState:
    """The schema ``location`` is on, read without changing anything."""
    if location.path is None:
        import psycopg

        from console.store.postgres import schema

        with psycopg.connect(location.connection_url()) as conn:
            return SchemaState("postgresql", schema.version(conn), schema.VERSION)
    return SchemaState("sqlite", _sqlite_version(location), len(migrations.MIGRATIONS))


def migrate_store(location: StoreLocation) -> tuple[list[int], SchemaState]:
    """Apply the migrations ``location`` lacks; the versions applied here, and the state
    after. Two runs at the same time on one PostgreSQL database apply each step once.

    Raises:
        IncompatibleStore: the store's schema is newer than this program's.
        StoreError: the login may not change a shared store's schema, which is not current.
    """
    if location.path is None:
        import psycopg

        from console.store.postgres import schema

        with psycopg.connect(location.connection_url()) as conn:
            try:
                applied = schema.migrate(conn)
            except psycopg.errors.InsufficientPrivilege:
                raise StoreError(NOT_THE_OWNER) from None
            return applied, SchemaState("postgresql", schema.version(conn), schema.VERSION)
    before = SchemaState("sqlite", _sqlite_version(location), len(migrations.MIGRATIONS))
    if before.problem:
        raise IncompatibleStore(before.problem)
    SqliteStore(location.path).close()
    after = _sqlite_version(location)
    return list(range(before.version + 1, after + 1)), SchemaState(
        "sqlite", after, len(migrations.MIGRATIONS)
    )


def _sqlite_version(location: StoreLocation) -> int:
    if location.path is None or not location.path.exists():
        return 0
    conn = sqlite3.connect(f"{location.path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        return int(version)
    finally:
        conn.close()
