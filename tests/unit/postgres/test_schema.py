"""The shared store's schema on a real PostgreSQL server: migrations and their versions."""

from __future__ import annotations

import threading

import psycopg
import pytest

from console.store.errors import IncompatibleStore
from console.store.postgres import schema
from tests.support.postgres_server import PostgresServer


def test_migrations_started_together_apply_each_step_once(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.url(postgres_server.create_database())
    applied: list[list[int]] = []
    barrier = threading.Barrier(4)

    def migrate() -> None:
        with psycopg.connect(url) as conn:
            barrier.wait()
            applied.append(schema.migrate(conn))

    runs = [threading.Thread(target=migrate) for _ in range(4)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(30)

    assert sorted(len(a) for a in applied) == [0, 0, 0, schema.VERSION]
    with psycopg.connect(url) as conn:
        schema.check(conn)
        assert schema.version(conn) == schema.VERSION


def test_a_schema_older_or_newer_than_the_program_stops_it_naming_both_versions(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    empty = postgres_server.url(postgres_server.create_database())
    with (
        psycopg.connect(empty) as conn,
        pytest.raises(
            IncompatibleStore, match=rf"version 0 .* needs version {schema.VERSION}.*db migrate"
        ),
    ):
        schema.check(conn)
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_version SET version = %s", (schema.VERSION + 1,))
        newer = rf"version {schema.VERSION + 1}, newer than this program's version {schema.VERSION}"
        with pytest.raises(IncompatibleStore, match=newer):
            schema.check(conn)
        with pytest.raises(IncompatibleStore, match=newer):
            schema.migrate(conn)
