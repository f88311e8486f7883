"""The store's two backends as the contract tests use them: open stores on one database,
start it empty again, run plain SQL on it, and read its text as the search compares it."""

from __future__ import annotations

import sqlite3
import string
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

import psycopg
from psycopg import sql

from console.store.interface import MessageStore
from console.store.postgres import PostgresStore
from console.store.sqlite import SqliteStore

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# Both tables whose text the log searches, newest first.
_TEXTS = (
    "SELECT message_id, body FROM (SELECT message_id, created_at AS t, body FROM messages"
    " UNION ALL SELECT message_id, received_at, body FROM replies) texts ORDER BY t DESC"
)


class Backend(Protocol):
    name: str

    def open(self, **options: Any) -> MessageStore:
        """A store (another one) on the database."""

    def fresh(self) -> AbstractContextManager[Backend]:
        """The backend on an empty database, for one example of a property test."""

    def execute(self, statement: str) -> None:
        """Run ``statement`` on the database with a connection of its own, as another program."""

    def close(self) -> None:
        """Close what the backend keeps open (not the stores: their users close them)."""

    def like(self, text: str) -> list[str]:
        """The message_ids of messages and replies whose text contains ``text`` ignoring
        ASCII case, newest first: what the log's text search must find."""


class SqliteBackend:
    """SQLite files: the store's own, or a new one in a temporary folder."""

    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self, **options: Any) -> MessageStore:
        return SqliteStore(self.path, **options)

    @contextmanager
    def fresh(self) -> Iterator[SqliteBackend]:
        with tempfile.TemporaryDirectory() as folder:
            yield SqliteBackend(Path(folder) / "s.db")

    def execute(self, statement: str) -> None:
        with sqlite3.connect(self.path) as conn:
            conn.execute(statement)
        conn.close()

    def like(self, text: str) -> list[str]:
        # SQLite's LIKE, as the search was before its index: ASCII letters fold.
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conn = sqlite3.connect(self.path)
        try:
            found = conn.execute(
                _TEXTS.replace("texts", "texts WHERE body LIKE ? ESCAPE '\\'"),
                (f"%{escaped}%",),
            ).fetchall()
        finally:
            conn.close()
        return [r[0] for r in found]

    def close(self) -> None:
        pass  # it keeps no connection open


class PostgresBackend:
    """One PostgreSQL database, emptied before each test (and each property example)."""

    name = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url
        self._conn: psycopg.Connection[tuple[Any, ...]] | None = None

    def _plain(self) -> psycopg.Connection[tuple[Any, ...]]:
        """A connection of its own (not a store's), kept until ``close``."""
        if self._conn is None:
            self._conn = psycopg.connect(self.url, autocommit=True)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def open(self, **options: Any) -> MessageStore:
        return PostgresStore(self.url, **options)

    @contextmanager
    def fresh(self) -> Iterator[PostgresBackend]:
        self.empty()
        yield self

    def empty(self) -> None:
        """Remove every row, restart the ids, and zero the quarantine's totals (DELETE:
        TRUNCATE makes new files for every table and index, a hundred times slower)."""
        conn = self._plain()
        with conn.transaction():
            for (table,) in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                " AND tablename NOT IN ('schema_version', 'quarantine_totals')"
            ).fetchall():
                conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            # Deleting canned replies adds to the change feed (its trigger): emptied last.
            conn.execute("DELETE FROM changes")
            conn.execute(
                "SELECT setval(pg_get_serial_sequence(format('%I', c.relname), a.attname), 1,"
                " false) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                " WHERE c.relnamespace = current_schema()::regnamespace AND a.attidentity <> ''"
            )
            conn.execute("UPDATE quarantine_totals SET entries = 0, bytes = 0, dropped = 0")

    def execute(self, statement: str) -> None:
        self._plain().execute(statement.encode())

    def like(self, text: str) -> list[str]:
        # Compared here, not by the database: the text the store keeps (NUL kept as
        # U+FFFD), containing the text, ASCII letters folded.
        wanted = text.replace("\x00", "\ufffd").translate(_ASCII_LOWER)
        found = self._plain().execute(_TEXTS).fetchall()
        return [message_id for message_id, body in found if wanted in body.translate(_ASCII_LOWER)]
