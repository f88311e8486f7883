"""Fixtures shared by every test: an isolated data dir, credentials, a local provider."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from console.keychain import Credentials
from console.store.postgres import schema
from console.store.sqlite import SqliteStore
from tests.support.postgres_server import PostgresServer
from tests.support.provider import FakeProvider

PASSWORD = "pw-Secr3t&+=%/zz"  # characters that URL encoding changes, to catch leaks either way


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    # Private, as the program makes it: it warns about (and closes) a folder open to others.
    path.mkdir(mode=0o700)
    return path


@pytest.fixture
def store(data_dir: Path) -> Iterator[SqliteStore]:
    with SqliteStore(data_dir / "messages.sqlite3") as opened:
        yield opened


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run, started at its first use. Its folder
    is its own, not pytest's: pytest prunes old runs' folders, which another run on the
    same machine may do while this server still uses its own."""
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="sms-console-postgres-")))
    server.start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh database on the shared schema, for this test alone; its URL."""
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    with psycopg.connect(url) as conn:
        schema.migrate(conn)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


@pytest.fixture
def credentials() -> Credentials:
    return Credentials("acme", PASSWORD)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as running:
        yield running
