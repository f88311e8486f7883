"""A store with messages and replies from before conversations gets its threads when it
is upgraded: SQLite on opening, PostgreSQL by ``db migrate``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from console.store.interface import MessageStore
from console.store.migrations import MIGRATIONS
from console.store.postgres import PostgresStore, schema
from console.store.postgres.migrations import MIGRATIONS as SHARED_MIGRATIONS
from console.store.sqlite import SqliteStore
from console.store.threads import ThreadQuery
from tests.support.postgres_server import PostgresServer
from tests.unit.store.test_threads import ALICE, ANN, BEN, SHORT, replied, sent

# (message_id, number, sender, body, time) of what the store held before.
MESSAGES = (
    ("m-1", ANN, SHORT, "Your order has shipped", 100.0),
    ("m-2", ANN, SHORT, "It arrives tomorrow", 300.0),
    ("m-3", BEN, SHORT, "Your code is 1234", 200.0),
    ("m-4", ANN, "ACME", "Welcome", 50.0),
)
REPLIES = (
    ("mo-1", ANN, SHORT, "Thanks!", 150.0),
    ("mo-2", BEN, SHORT, "What code?", 400.0),
    ("mo-3", BEN, SHORT, "Never mind", 250.0),
)
MESSAGE = (
    "INSERT INTO messages (message_id, profile, phone_number, sender, body, endpoint,"
    " method, receipt, status, created_at, updated_at)"
    " VALUES ({0}, 'default', {0}, {0}, {0}, 'https://x', 'POST', {1}, 'accepted', {0}, {0})"
)
REPLY = (
    "INSERT INTO replies (message_id, phone_number, shortcode, body, received_at,"
    " source_address, raw) VALUES ({0}, {0}, {0}, {0}, {0}, '203.0.113.7', 'raw')"
)


def fill(execute: Any, placeholder: str, true: str) -> None:
    for message_id, number, sender, body, at in MESSAGES:
        execute(MESSAGE.format(placeholder, true), (message_id, number, sender, body, at, at))
    for row in REPLIES:
        execute(REPLY.format(placeholder), row)


def assert_backfilled(store: MessageStore) -> None:
    threads = store.threads(ThreadQuery(), ALICE)
    assert [
        (t.phone_number, t.sender, t.last_message_id, t.last_direction, t.last_body, t.unread)
        for t in threads
    ] == [
        (BEN, SHORT, "mo-2", "in", "What code?", 2),
        (ANN, SHORT, "m-2", "out", "It arrives tomorrow", 1),
        (ANN, "ACME", "m-4", "out", "Welcome", 0),
    ]
    assert [t.last_at for t in threads] == [400.0, 300.0, 50.0]
    assert store.unread_total(ALICE) == 3
    assert [i.message_id for i in store.thread_items(threads[0].id)] == ["m-3", "mo-3", "mo-2"]
    # The triggers carry on from there.
    sent(store, "m-5", 500.0, ANN)
    replied(store, "mo-4", 350.0, BEN)
    after = {(t.phone_number, t.sender): t for t in store.threads(ThreadQuery(), ALICE)}
    assert after[(ANN, SHORT)].last_message_id == "m-5"
    assert after[(BEN, SHORT)].unread == 3
    assert after[(BEN, SHORT)].last_message_id == "mo-2"


def test_a_sqlite_store_from_before_threads_gets_them_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:8], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    with conn:
        fill(conn.execute, "?", "1")
    conn.close()

    with SqliteStore(path) as upgraded:
        assert_backfilled(upgraded)


@pytest.fixture
def old_shared_store(postgres_server: PostgresServer) -> Iterator[str]:
    """A database on the shared schema's version 2, holding messages and replies."""
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    try:
        with psycopg.connect(url) as conn:
            conn.execute(
                "CREATE TABLE schema_version ("
                " id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)"
            )
            for script in SHARED_MIGRATIONS[:2]:
                conn.execute(script.encode())
            conn.execute("INSERT INTO schema_version VALUES (1, 2)")
            fill(conn.execute, "%s", "true")
        yield url
    finally:
        postgres_server.drop_database(name)


def test_a_shared_store_from_before_threads_gets_them_when_migrated(old_shared_store: str) -> None:
    with psycopg.connect(old_shared_store) as conn:
        assert schema.migrate(conn) == [3]

    with PostgresStore(old_shared_store) as upgraded:
        assert_backfilled(upgraded)
