"""The store's contract runs against both backends: a test taking ``store`` or ``backend``
runs once on a SQLite file and once on a PostgreSQL database. Tests of one backend's
insides take ``sqlite_store`` (or open their own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from console.store import log
from console.store.interface import MessageStore
from console.store.postgres import schema
from console.store.sqlite import SqliteStore
from tests.support.postgres_server import PostgresServer
from tests.support.store_backends import Backend, PostgresBackend, SqliteBackend


@pytest.fixture(scope="session")
def contract_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """One database on the shared schema for every contract test, emptied before each:
    much faster than a new database each."""
    name = postgres_server.create_database()
    url = postgres_server.url(name)
    with psycopg.connect(url) as conn:
        schema.migrate(conn)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Backend]:
    opened: Backend
    if request.param == "sqlite":
        opened = SqliteBackend(data_dir / "messages.sqlite3")
    else:
        opened = PostgresBackend(request.getfixturevalue("contract_postgres_url"))
        opened.empty()
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def store(backend: Backend) -> Iterator[MessageStore]:
    with backend.open() as opened:
        yield opened


@pytest.fixture
def sqlite_store(data_dir: Path) -> Iterator[SqliteStore]:
    with SqliteStore(data_dir / "messages.sqlite3") as opened:
        yield opened


# First, as a parametrize mark: that one replaces ``backend``'s own parameters.
@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test taking ``matches`` runs a search both ways in SQLite: reading its few
    matches by id, or scanning in time order and counting in the index. PostgreSQL's
    planner makes that choice itself: there it runs once."""
    if "matches" in metafunc.fixturenames:
        metafunc.definition.add_marker(
            pytest.mark.parametrize(
                ("backend", "matches"),
                [("sqlite", "few"), ("sqlite", "many"), ("postgres", "planned")],
                indirect=True,
            )
        )


@pytest.fixture
def matches(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "many":
        monkeypatch.setattr(log, "FEW_MATCHES", 1)
    return str(request.param)
